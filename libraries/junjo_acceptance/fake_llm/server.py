"""A loopback HTTP server that answers like OpenAI, Anthropic and Gemini, as each test scripts it.

One server stands in for all three providers: each provider's API lives under its own root
(``/openai/v1``, ``/anthropic/v1``, ``/gemini/v1beta``), which the target gets as its provider base URL.
Every request is recorded when it arrives (before any scripted delay), with its credentials masked.
"""

import json
import socket
import struct
import threading
import time
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from junjo_acceptance.masking import mask

from . import formats

BEHAVIOURS = ("answer", "hold", "hang", "rate limit", "server error", "malformed json", "close connection",
              "reset connection")
OPERATIONS = ("models", "generate")
MAX_WAIT_S = 60.0  # a held or hanging request is let go after this long, whatever the test does
SECRET_HEADERS = ("authorization", "x-api-key", "x-goog-api-key")


@dataclass
class Behaviour:
    """What the fake does with the next requests of one provider operation."""

    kind: str = "answer"
    delay_s: float = 0.0
    retry_after_s: int = 1
    times: int | None = None  # applies to this many requests, then the fake answers normally again

    def __post_init__(self):
        if self.kind not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {self.kind!r}; use one of {', '.join(BEHAVIOURS)}")


@dataclass
class Recorded:
    """One request as the fake received it."""

    provider: str
    operation: str
    method: str
    path: str
    headers: dict
    authorized: bool
    behaviour: str
    received_at: float
    answered_at: float | None = None
    outcome: str = "pending"
    body: dict = field(default_factory=dict)


def route(method: str, path: str) -> tuple[str, str] | None:
    """``(provider, operation)`` of a request path, or ``None`` for a path no provider has."""
    for provider, root in formats.API_ROOTS.items():
        if not path.startswith(root + "/"):
            continue
        rest = path[len(root):]
        if method == "GET" and rest == "/models":
            return provider, "models"
        if method == "POST" and rest in ("/chat/completions", "/openai/chat/completions"):
            return provider, "generate"
    return None


class FakeProviderState:
    """Scripted behaviours, model lists, expected keys and the request record; shared by handler threads."""

    def __init__(self, keys: dict[str, str]):
        self.keys = keys
        self.cond = threading.Condition()
        self.stopping = False
        self.release_generation = 0
        self.reset()

    def reset(self) -> None:
        with self.cond:
            self.behaviours: dict[tuple[str, str], Behaviour] = {}
            self.models = {provider: list(models) for provider, models in formats.DEFAULT_MODELS.items()}
            self.records: list[Recorded] = []
            self.release_generation += 1
            self.cond.notify_all()

    def next_behaviour(self, provider: str, operation: str) -> Behaviour:
        with self.cond:
            behaviour = self.behaviours.get((provider, operation), Behaviour())
            if behaviour.times is not None:
                behaviour.times -= 1
                if behaviour.times <= 0:
                    self.behaviours.pop((provider, operation), None)
            return behaviour

    def authorized(self, provider: str, operation: str, headers, query: dict) -> bool:
        key = self.keys[provider]
        if operation == "generate" or provider == "openai":
            return headers.get("authorization") == f"Bearer {key}"
        if provider == "anthropic":
            return headers.get("x-api-key") == key and bool(headers.get("anthropic-version"))
        return query.get("key", [None])[0] == key

    def wait_for_release(self, max_s: float) -> None:
        """Block until `release` (or reset, or stop), at most ``max_s``."""
        with self.cond:
            generation = self.release_generation
            self.cond.wait_for(lambda: self.stopping or self.release_generation != generation, timeout=max_s)

    def pause(self, seconds: float) -> None:
        """Wait ``seconds`` unless the server stops first."""
        with self.cond:
            self.cond.wait_for(lambda: self.stopping, timeout=seconds)

    def release(self) -> None:
        with self.cond:
            self.release_generation += 1
            self.cond.notify_all()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "FakeProviderServer"

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass

    def do_GET(self):  # noqa: N802 - the stdlib's name
        self._serve("GET")

    def do_POST(self):  # noqa: N802
        self._serve("POST")

    def _serve(self, method: str) -> None:
        state = self.server.state
        received = time.time()
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        parts = urlsplit(self.path)
        found = route(method, parts.path)
        if found is None:
            self._answer(404, formats.dumps({"error": {"message": f"no such endpoint: {method} {parts.path}"}}))
            return
        provider, operation = found
        query = parse_qs(parts.query)
        behaviour = state.next_behaviour(provider, operation)
        record = Recorded(provider, operation, method, _masked_path(parts), _masked_headers(self.headers),
                          state.authorized(provider, operation, self.headers, query), behaviour.kind, received,
                          body=_json_or_empty(raw))
        with state.cond:
            state.records.append(record)
        record.outcome = self._behave(behaviour, record)
        record.answered_at = time.time()

    def _behave(self, behaviour: Behaviour, record: Recorded) -> str:
        state, provider = self.server.state, record.provider
        if behaviour.delay_s:
            state.pause(behaviour.delay_s)
        kind = behaviour.kind
        if kind == "hang":
            state.wait_for_release(MAX_WAIT_S)
            return self._drop(reset=False) or "hung, then closed without an answer"
        if kind in ("close connection", "reset connection"):
            return self._drop(reset=kind == "reset connection") or kind
        if kind == "rate limit":
            body = formats.error_body(provider, 429, "Rate limit reached for requests; please retry later")
            return self._answer(429, formats.dumps(body), {"Retry-After": str(behaviour.retry_after_s)})
        if kind == "server error":
            body = formats.error_body(provider, 500, "The server had an error while processing your request")
            return self._answer(500, formats.dumps(body))
        if kind == "malformed json":
            return self._answer(200, formats.malformed(record.operation))
        if kind == "hold":
            state.wait_for_release(MAX_WAIT_S)
        if not record.authorized:
            return self._answer(401, formats.dumps(formats.error_body(provider, 401, "Invalid API key")))
        if record.operation == "models":
            with state.cond:
                models = list(state.models[provider])
            return self._answer(200, formats.dumps(formats.model_list(provider, models)))
        return self._answer(200, formats.dumps(formats.chat_completion(record.body.get("model", ""), record.body)))

    def _answer(self, status: int, body: bytes, headers: dict | None = None) -> str:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)
        return f"answered {status}"

    def _drop(self, reset: bool) -> str:
        """End the connection without an answer: a FIN, or a RST when ``reset``."""
        self.close_connection = True
        if reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        return ""


def _masked_headers(headers) -> dict:
    return {name: mask(value) if name.lower() in SECRET_HEADERS else value for name, value in headers.items()}


def _masked_path(parts) -> str:
    query = parse_qs(parts.query)
    if "key" in query:
        query["key"] = [mask(query["key"][0])]
    shown = "&".join(f"{name}={values[0]}" for name, values in query.items())
    return parts.path + (f"?{shown}" if shown else "")


def _json_or_empty(raw: bytes) -> dict:
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class FakeProviderServer(ThreadingHTTPServer):
    """The fake's HTTP server on ``127.0.0.1`` and ``port`` (0: a free one), serving from a background thread."""

    daemon_threads = True
    allow_reuse_address = True  # a fixed port (a deployment's declared provider URLs) is free again at once
    request_queue_size = 256

    def __init__(self, keys: dict[str, str], port: int = 0):
        super().__init__(("127.0.0.1", int(port)), _Handler)
        self.state = FakeProviderState(keys)
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="fake-llm-provider", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> "FakeProviderServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        """Let every held or hanging request go, stop serving and close the port."""
        with self.state.cond:
            self.state.stopping = True
            self.state.cond.notify_all()
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)

    def records(self, provider: str | None = None, operation: str | None = None) -> list[dict]:
        with self.state.cond:
            return [asdict(r) for r in self.state.records
                    if provider in (None, r.provider) and operation in (None, r.operation)]
