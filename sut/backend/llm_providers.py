"""The LLM providers behind the playground (contract A2): model lists and chat completions.

Every provider call is one HTTP exchange bounded by the upstream timeout as a whole (connect, send and
every read), so a provider that hangs or trickles its answer cannot hold a request longer. Failures become
a :class:`ProviderError` with the status the user gets (policy B17), never a 500:

| upstream                                   | answer                                            |
| no complete answer within the timeout      | 504 "did not answer within N s"                   |
| 429                                        | 429 "is rate-limiting requests" (+ its Retry-After)|
| connection refused, reset or closed early  | 503 "is unavailable"                              |
| 5xx                                        | 502 (503 for its own 503)                         |
| 401/403                                    | 502 "refused the configured API key"              |
| other 4xx                                  | 400 (404 for 404) with the provider's message     |
| a body that is not JSON, or of the wrong shape | 502 "malformed answer" / "unexpected answer"  |

Model lists: OpenAI ``GET /models`` (Bearer key), Anthropic ``GET /models`` (``x-api-key``,
``anthropic-version``), Gemini ``GET /models?key=``. Generation goes to each provider's OpenAI-compatible
chat completions endpoint (Gemini: ``/openai/chat/completions``) and returns the OpenAI-shaped answer.
"""

import http.client
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

PROVIDERS = ("openai", "anthropic", "gemini")
ANTHROPIC_VERSION = "2023-06-01"
MAX_ANSWER_BYTES = 16 * 1024 * 1024
READ_CHUNK = 65536


class ProviderError(Exception):
    """A provider call failed; ``status`` and ``detail`` are what the user gets."""

    def __init__(self, status: int, detail: str, retry_after: str | None = None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.retry_after = retry_after


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Provider:
    """One configured provider: where its API is, its key, and how long a call may take."""

    name: str
    base_url: str
    api_key: str
    timeout_s: float

    def list_models(self) -> list[dict]:
        """The provider's models as playground entries (``id`` is ``<provider>/<model>``)."""
        url, headers = self._models_request()
        return parse_model_list(self.name, self._call("GET", url, headers))

    def generate(self, model: str, payload: dict) -> dict:
        """An OpenAI-shaped chat completion of ``model`` (the name without the provider prefix)."""
        path = "/openai/chat/completions" if self.name == "gemini" else "/chat/completions"
        headers = {"Authorization": f"Bearer {self._key()}", "Content-Type": "application/json"}
        body = json.dumps({**payload, "model": model}).encode("utf-8")
        answer = parse_json(self.name, self._call("POST", self.base_url.rstrip("/") + path, headers, body))
        if not isinstance(answer, dict) or not isinstance(answer.get("choices"), list):
            raise ProviderError(502, f"Provider {self.name} sent an unexpected answer: no 'choices' list")
        return answer

    def _models_request(self) -> tuple[str, dict]:
        base = self.base_url.rstrip("/")
        key = self._key()
        if self.name == "anthropic":
            return f"{base}/models?limit=1000", {"x-api-key": key, "anthropic-version": ANTHROPIC_VERSION}
        if self.name == "gemini":
            return f"{base}/models?pageSize=1000&key={quote(key, safe='')}", {}
        return f"{base}/models", {"Authorization": f"Bearer {key}"}

    def _key(self) -> str:
        if not self.api_key:
            raise ProviderError(503, f"Provider {self.name} is not configured: set JUNJO_{self.name.upper()}_API_KEY")
        return self.api_key

    def _call(self, method: str, url: str, headers: dict, body: bytes | None = None) -> Answer:
        answer = send_upstream(self.name, method, url, {"Accept": "application/json", **headers}, body,
                               self.timeout_s)
        check_status(self.name, answer)
        return answer


# ---- one HTTP exchange --------------------------------------------------------------------------


def upstream_deadline(timeout_s: float) -> float | None:
    """The monotonic time by which the whole exchange must be over."""
    return time.monotonic() + timeout_s


def remaining_s(deadline: float | None) -> float | None:
    """Seconds left until ``deadline`` (``None``: no deadline); raises ``TimeoutError`` once it passed."""
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("upstream deadline passed")
    return left


def send_upstream(provider: str, method: str, url: str, headers: dict, body: bytes | None,
                  timeout_s: float) -> Answer:
    """Send one request and read the whole answer before the deadline; transport failures → ProviderError."""
    deadline = upstream_deadline(timeout_s)
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = None
    try:
        connection = connection_class(parts.hostname, parts.port, timeout=remaining_s(deadline))
        connection.connect()
        sock = connection.sock
        connection.request(method, target, body=body, headers=headers)
        sock.settimeout(remaining_s(deadline))
        response = connection.getresponse()
        data = bytearray()
        while chunk := _read_chunk(response, sock, deadline):
            data += chunk
            if len(data) > MAX_ANSWER_BYTES:
                raise ProviderError(502, f"Provider {provider} sent an answer larger than {MAX_ANSWER_BYTES} bytes")
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, bytes(data))
    except (OSError, http.client.HTTPException) as error:
        raise transport_error(provider, error, timeout_s) from error
    finally:
        if connection is not None:
            connection.close()


def _read_chunk(response: http.client.HTTPResponse, sock, deadline: float | None) -> bytes:
    sock.settimeout(remaining_s(deadline))
    return response.read1(READ_CHUNK)


def transport_error(provider: str, error: BaseException, timeout_s: float) -> ProviderError:
    """The user-facing error for a failed exchange: 504 on timeout, else 503 "unavailable"."""
    if isinstance(error, TimeoutError):
        return ProviderError(504, f"Provider {provider} did not answer within {timeout_s:g} s (upstream timeout)")
    reasons = [
        (http.client.RemoteDisconnected, "the connection was closed without an answer"),
        (http.client.IncompleteRead, "the connection was closed in the middle of the answer"),
        (ConnectionRefusedError, "the connection was refused"),
        (ConnectionResetError, "the connection was reset"),
    ]
    reason = next((text for kind, text in reasons if isinstance(error, kind)), f"{type(error).__name__}: {error}")
    return ProviderError(503, f"Provider {provider} is unavailable: {reason}", retry_after="5")


# ---- interpreting the answer ---------------------------------------------------------------------


def check_status(provider: str, answer: Answer) -> None:
    """Raise the user-facing ProviderError for a non-2xx answer (policy B17)."""
    status = answer.status
    if 200 <= status < 300:
        return
    retry_after = answer.headers.get("retry-after")
    message = _upstream_message(answer)
    if status == 429:
        when = f"retry after {retry_after} s" if retry_after else "retry later"
        raise ProviderError(429, f"Provider {provider} is rate-limiting requests; {when}", retry_after or "1")
    if status in (401, 403):
        raise ProviderError(502, f"Provider {provider} refused the configured API key (HTTP {status})")
    if status == 503:
        raise ProviderError(503, f"Provider {provider} is unavailable (HTTP 503){message}", retry_after or "5")
    if 400 <= status < 500:
        raise ProviderError(404 if status == 404 else 400, f"Provider {provider} refused the request "
                                                           f"(HTTP {status}){message}")
    raise ProviderError(502, f"Provider {provider} failed (HTTP {status}){message}")


def _upstream_message(answer: Answer) -> str:
    """``": <the provider's error message>"`` when its error body says one, else ``""``."""
    try:
        error = json.loads(answer.body).get("error")
        text = error.get("message") if isinstance(error, dict) else error
    except (ValueError, AttributeError):
        return ""
    return f": {str(text)[:200]}" if text else ""


def parse_json(provider: str, answer: Answer) -> Any:
    """The answer's body as JSON; a body that does not parse is a 502 naming the parse error."""
    try:
        return json.loads(answer.body)
    except ValueError as error:
        raise ProviderError(502, f"Provider {provider} sent a malformed answer: JSON parse error ({error})") from error


def parse_model_list(provider: str, answer: Answer) -> list[dict]:
    """The playground entries of a provider's model-list answer; a wrong shape is a 502."""
    body = parse_json(provider, answer)
    field = "models" if provider == "gemini" else "data"
    items = body.get(field) if isinstance(body, dict) else None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise ProviderError(502, f"Provider {provider} sent an unexpected model list: no {field!r} list of models")
    try:
        return [entry for item in items if (entry := _MODEL_ENTRIES[provider](item))]
    except (KeyError, TypeError, ValueError) as error:
        raise ProviderError(502, f"Provider {provider} sent an unexpected model entry ({error!r})") from error


# ---- model entries -------------------------------------------------------------------------------


def model_entry(provider: str, model: str, display_name: str, reasoning: bool, vision: bool,
                max_tokens: int) -> dict:
    return {"id": f"{provider}/{model}", "provider": provider, "display_name": display_name,
            "supports_reasoning": reasoning, "supports_vision": vision, "max_tokens": max_tokens}


def _openai_entry(item: dict) -> dict:
    model = str(item["id"])
    reasoning = model.startswith(("o1", "o3", "o4", "gpt-5"))
    vision = reasoning or model.startswith(("gpt-4o", "gpt-4.1", "gpt-4-turbo")) or "vision" in model
    return model_entry("openai", model, model, reasoning, vision, 100_000 if reasoning else 16_384)


def _anthropic_entry(item: dict) -> dict:
    model = str(item["id"])
    reasoning = "3-7" in model or any(f"-{tier}-4" in model for tier in ("opus", "sonnet", "haiku"))
    return model_entry("anthropic", model, str(item.get("display_name") or model), reasoning, True,
                       64_000 if reasoning else 8_192)


def _gemini_entry(item: dict) -> dict | None:
    methods = item.get("supportedGenerationMethods")
    if isinstance(methods, list) and "generateContent" not in methods:
        return None  # embedding and other non-chat models
    model = str(item["name"]).removeprefix("models/")
    reasoning = bool(item.get("thinking", "2.5" in model))
    max_tokens = int(item.get("outputTokenLimit") or 8_192)
    return model_entry("gemini", model, str(item.get("displayName") or model), reasoning, True, max_tokens)


_MODEL_ENTRIES = {"openai": _openai_entry, "anthropic": _anthropic_entry, "gemini": _gemini_entry}


def providers_from_settings(settings) -> dict[str, Provider]:
    """The three providers as the backend's settings configure them."""
    return {
        name: Provider(name, getattr(settings, f"{name}_base_url"), getattr(settings, f"{name}_api_key"),
                       settings.llm_timeout_s)
        for name in PROVIDERS
    }
