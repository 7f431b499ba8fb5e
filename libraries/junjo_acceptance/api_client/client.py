"""HTTP clients for the target's REST API: one ``requests.Session`` per named user or device.

Deliberately plain ``requests``: no retries (a retry would hide the very 5xx and races the suites look for),
an explicit timeout on every call, cookies kept per client (never library-wide), and a one-line masked log
entry per request instead of dumping headers and bodies.
"""

import json
import time
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from robot.api.types import Secret

from junjo_acceptance.masking import mask_headers, mask_json

ANONYMOUS = "anonymous"
SESSION_COOKIE = "session"


@dataclass
class ApiResponse:
    """What the server answered, in the shape tests assert on."""

    method: str
    path: str
    client: str
    status: int
    headers: dict = field(repr=False)
    text: str = field(repr=False)
    elapsed_ms: float = 0.0
    set_cookie: "Secret | None" = field(default=None, repr=False)

    @property
    def json(self) -> Any:
        """The body parsed as JSON (``None`` when it is not JSON)."""
        try:
            return json.loads(self.text) if self.text else None
        except ValueError:
            return None

    @property
    def detail(self) -> Any:
        """FastAPI's error message, ``{"detail": ...}``."""
        body = self.json
        return body.get("detail") if isinstance(body, dict) else None

    def header(self, name: str, default: Any = None) -> Any:
        """The value of header ``name`` in any letter case, or ``default`` when the answer has none."""
        return next((value for key, value in self.headers.items() if key.lower() == name.lower()), default)

    def summary(self) -> str:
        """One loggable line, secrets masked."""
        body = self.json
        shown = json.dumps(mask_json(body)) if body is not None else self.text
        if len(shown) > 300:
            shown = shown[:300] + f"… ({len(self.text)} bytes)"
        return f"{self.method} {self.path} as {self.client} → {self.status} in {self.elapsed_ms:.1f} ms: {shown}"

    def __str__(self) -> str:
        return f"{self.method} {self.path} as {self.client} → {self.status}"


class ApiClients:
    """Named HTTP clients against one base URL; the client ``anonymous`` never keeps cookies."""

    def __init__(self, base_url: str = "", timeout_s: float = 30.0):
        self.base_url = base_url.rstrip("/")
        self.timeout_s = timeout_s
        self._sessions: dict[str, requests.Session] = {}

    def session(self, name: str) -> requests.Session:
        """The client called ``name`` (created on first use)."""
        if name == ANONYMOUS:
            return self._new_session()
        if name not in self._sessions:
            self._sessions[name] = self._new_session()
        return self._sessions[name]

    def forget(self, name: str) -> None:
        """Drop a client and its cookies."""
        session = self._sessions.pop(name, None)
        if session:
            session.close()

    def close_all(self) -> None:
        """Close every client."""
        for name in list(self._sessions):
            self.forget(name)

    def cookie(self, name: str) -> "str | None":
        """The session cookie a client holds."""
        return self.session(name).cookies.get(SESSION_COOKIE) if name != ANONYMOUS else None

    def set_cookie(self, name: str, value: "str | None") -> None:
        """Make a client present ``value`` as its session cookie (``None`` removes it)."""
        jar = self.session(name).cookies
        jar.clear()
        if value is not None:
            jar.set(SESSION_COOKIE, value)

    def request(self, method: str, path: str, client: str = ANONYMOUS, **kwargs) -> ApiResponse:
        """Send one request and return the answer; network errors propagate."""
        kwargs.setdefault("timeout", self.timeout_s)
        kwargs.setdefault("allow_redirects", False)
        session = self.session(client)
        started = time.perf_counter()
        answer = session.request(method.upper(), self.base_url + path, **kwargs)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if answer.status_code >= 500:
            session.close()  # servers often drop the connection after a 5xx: the next request opens a new one
        raw_cookie = answer.headers.get("set-cookie")
        return ApiResponse(method.upper(), path, client, answer.status_code, mask_headers(dict(answer.headers)),
                           answer.text, elapsed_ms, Secret(raw_cookie) if raw_cookie else None)

    @staticmethod
    def _new_session() -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # loopback targets: never through a proxy
        adapter = HTTPAdapter(max_retries=0, pool_maxsize=64)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

