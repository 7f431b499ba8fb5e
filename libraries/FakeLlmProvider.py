"""Keywords for a fake LLM provider: a real HTTP server on loopback that stands in for OpenAI, Anthropic
and Gemini, misbehaves as a test scripts it, and records every request it gets."""

import secrets
import time
from urllib.parse import urlsplit

from robot.api import logger
from robot.api.deco import keyword, library
from robot.api.types import Secret

from junjo_acceptance.fake_llm import formats
from junjo_acceptance.fake_llm.server import BEHAVIOURS, OPERATIONS, Behaviour, FakeProviderServer
from junjo_acceptance.masking import reveal


@library(scope="GLOBAL", auto_keywords=False)
class FakeLlmProvider:
    """A fake of the three LLM providers the target's playground calls (contract A2, policies B16, B17).

    = What it speaks =

    | provider  | model list (``models``)         | generation (``generate``)                         |
    | openai    | ``GET /openai/v1/models``       | ``POST /openai/v1/chat/completions``              |
    | anthropic | ``GET /anthropic/v1/models``    | ``POST /anthropic/v1/chat/completions``           |
    | gemini    | ``GET /gemini/v1beta/models``   | ``POST /gemini/v1beta/openai/chat/completions``   |

    Model lists need the provider's credential: OpenAI ``Authorization: Bearer <key>``, Anthropic
    ``x-api-key`` with ``anthropic-version``, Gemini ``?key=``; generation ``Authorization: Bearer``.

    Bodies are shaped like each provider's. A request without the right key gets the provider's 401.
    Point a target at it with the settings of `Fake LLM Provider Settings` (base URLs and keys).

    = Behaviours =

    Set per provider and operation with `Set Fake Provider Behaviour`; the default is ``answer``:

    | answer           | the model list or a chat completion (after ``delay`` seconds)     |
    | hold             | answer only when `Release Held Fake Provider Requests` is called   |
    | hang             | never answer; the connection is closed on release or stop          |
    | rate limit       | 429 with ``Retry-After``                                           |
    | server error     | 500 with the provider's error body                                 |
    | malformed json   | 200 with a body that breaks off mid-JSON                           |
    | close connection | read the request, close the connection without an answer          |
    | reset connection | read the request, reset the connection (TCP RST)                   |

    Held and hanging requests are let go after 60 s at most, and when the fake stops.

    = Record =

    Every request is recorded when it arrives: provider, operation, method, path, headers (keys masked),
    whether its credentials were right, the behaviour applied, arrival and answer times, outcome.
    """

    def __init__(self):
        self._server: FakeProviderServer | None = None

    @keyword("Start Fake LLM Provider")
    def start_fake_llm_provider(self, settings: "dict | None" = None) -> str:
        """Start the fake (or keep the running one); returns its root URL.

        Without ``settings`` it listens on a free loopback port with new keys. With the settings a deployment
        declares (``<provider>_base_url`` and ``<provider>_api_key``), it listens where those URLs point and
        accepts those keys: the deployment's providers are then the fake (contract Part C).
        """
        if self._server is None:
            keys = {provider: f"fake-{provider}-{secrets.token_urlsafe(24)}" for provider in formats.PROVIDERS}
            port = 0
            if settings:
                keys = {provider: reveal(settings[f"{provider}_api_key"]) for provider in formats.PROVIDERS}
                port = urlsplit(settings["openai_base_url"]).port
            self._server = FakeProviderServer(keys, port).start()
            logger.info(f"fake LLM provider listening on {self._server.base_url}")
        return self._server.base_url

    @keyword("Stop Fake LLM Provider")
    def stop_fake_llm_provider(self):
        """Let go of held and hanging requests, stop the fake and close its port."""
        if self._server is not None:
            self._server.stop()
            logger.info(f"fake LLM provider on {self._server.base_url} stopped")
            self._server = None

    @keyword("Fake LLM Provider Settings")
    def fake_llm_provider_settings(self) -> dict:
        """Target settings that aim every provider at the fake: ``<provider>_base_url`` and
        ``<provider>_api_key`` (keys as ``Secret``), for `Start Fresh Target`."""
        server = self._running()
        settings: dict = {}
        for provider, root in formats.API_ROOTS.items():
            settings[f"{provider}_base_url"] = server.base_url + root
            settings[f"{provider}_api_key"] = Secret(server.state.keys[provider])
        return settings

    @keyword("Set Fake Provider Behaviour")
    def set_fake_provider_behaviour(self, provider: str, behaviour: str, operation: str = "models",
                                    delay: float = 0.0, retry_after: int = 1, times: "int | None" = None):
        """Make ``provider`` treat its next ``operation`` requests (``models``, ``generate`` or ``all``) as
        ``behaviour`` says (see `Behaviours`): after ``delay`` seconds, with ``Retry-After: retry_after`` for
        ``rate limit``, for the next ``times`` requests only (all of them by default).

        | Set Fake Provider Behaviour    openai    hang    operation=all
        | Set Fake Provider Behaviour    openai    answer    delay=0.5
        """
        self._check_provider(provider)
        for op in (OPERATIONS if operation == "all" else (operation,)):
            if op not in OPERATIONS:
                raise ValueError(f"unknown operation {op!r}; use models, generate or all")
            with self._running().state.cond:
                self._running().state.behaviours[(provider, op)] = Behaviour(
                    behaviour.lower(), float(delay), int(retry_after), None if times is None else int(times))
        logger.info(f"fake {provider} {operation}: {behaviour}" + (f" after {delay} s" if float(delay) else ""))

    @keyword("Set Fake Provider Models")
    def set_fake_provider_models(self, provider: str, *models: str):
        """From now on ``provider`` lists exactly ``models`` (names without the provider prefix)."""
        self._check_provider(provider)
        with self._running().state.cond:
            self._running().state.models[provider] = list(models)
        logger.info(f"fake {provider} now lists {', '.join(models) or 'no models'}")

    @keyword("Release Held Fake Provider Requests")
    def release_held_fake_provider_requests(self):
        """Let every ``hold`` request answer and every ``hang`` request be closed now."""
        self._running().state.release()

    @keyword("Reset Fake LLM Provider")
    def reset_fake_llm_provider(self):
        """Back to normal answers and default model lists, held requests released, the record cleared."""
        if self._server is not None:
            self._server.state.reset()

    @keyword("Fake Provider Requests")
    def fake_provider_requests(self, provider: "str | None" = None, operation: "str | None" = None) -> list:
        """The recorded requests (of ``provider`` and ``operation`` when given), oldest first, logged as a
        table; credentials are masked."""
        records = self._running().records(provider, operation)
        lines = [f"{r['provider']:<9} {r['operation']:<8} {r['method']} {r['path']}  key ok: {r['authorized']}  "
                 f"{r['behaviour']} → {r['outcome']}" for r in records]
        logger.info(f"{len(records)} request(s) to the fake provider:\n" + "\n".join(lines))
        return records

    @keyword("Fake Provider Request Count")
    def fake_provider_request_count(self, provider: str, operation: str = "models") -> int:
        """How many ``operation`` requests ``provider`` got (counted on arrival)."""
        return len(self._running().records(provider, operation))

    @keyword("Fake Provider Should Have Received")
    def fake_provider_should_have_received(self, provider: str, count: int, operation: str = "models",
                                           policy: str = ""):
        """Fail unless ``provider`` got exactly ``count`` ``operation`` requests; ``policy`` leads the message."""
        got = self.fake_provider_request_count(provider, operation)
        if got != int(count):
            reason = f"{policy}: " if policy else ""
            raise AssertionError(f"{reason}the {provider} provider got {got} {operation} request(s), expected {count}")

    @keyword("Seconds Since Fake Provider Answered")
    def seconds_since_fake_provider_answered(self, provider: str, operation: str = "models") -> float:
        """Seconds since ``provider`` last finished answering ``operation`` (fails when it never did)."""
        answered = [r["answered_at"] for r in self._running().records(provider, operation) if r["answered_at"]]
        if not answered:
            raise AssertionError(f"the fake {provider} provider has not answered any {operation} request")
        return time.time() - max(answered)

    @keyword("Playground Model Ids")
    def playground_model_ids(self, provider: str, *models: str) -> list:
        """The playground ids (``<provider>/<model>``) of ``models`` of ``provider``."""
        return [f"{provider}/{model}" for model in models]

    @keyword("Model Ids Of Answer")
    def model_ids_of_answer(self, answer) -> list:
        """The model ids of a playground model-list answer (``GET /llm/providers/<provider>/models``)."""
        return [model["id"] for model in answer.json["models"]]

    @keyword("Model Lists Read Should Be Among")
    def model_lists_read_should_be_among(self, outcomes: list, provider: str, *lists: list, policy: str = ""):
        """Every concurrent reader among ``outcomes`` (calls of ``Call API`` that answered 200) got one of
        ``lists`` (lists of model names of ``provider``), never an empty or other list. Logs how many
        readers got which list."""
        allowed = [self.playground_model_ids(provider, *models) for models in lists]
        seen = [self.model_ids_of_answer(o.result) for o in outcomes]
        wrong = [ids for ids in seen if ids not in allowed]
        if wrong:
            raise AssertionError(f"{policy + ': ' if policy else ''}readers got lists other than the old or the new "
                                 f"one: {wrong}")
        for ids in allowed:
            logger.info(f"{seen.count(ids)} reader(s) got {ids}")

    @keyword("Fake Provider Behaviours")
    def fake_provider_behaviours(self) -> list:
        """The behaviour names `Set Fake Provider Behaviour` accepts."""
        return list(BEHAVIOURS)

    def _running(self) -> FakeProviderServer:
        if self._server is None:
            raise RuntimeError("the fake LLM provider is not running: call 'Start Fake LLM Provider' first")
        return self._server

    @staticmethod
    def _check_provider(provider: str) -> None:
        if provider not in formats.PROVIDERS:
            raise ValueError(f"unknown provider {provider!r}; use {', '.join(formats.PROVIDERS)}")
