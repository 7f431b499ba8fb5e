"""The named HTTP clients every API keyword library shares (``ApiEndpoints``, ``ApiSessions``, ``ApiKeys``,
``ApiSpans``, ``ApiLoad``): one set of clients per base URL, the URL requests currently go to, and which
clients signed in with which credentials (to renew short-lived sessions).

A plain object, not a keyword library: the libraries use the module's one instance :data:`API`, so that a
client signed in through ``ApiSessions`` is the same client ``ApiKeys`` or ``ApiSpans`` send requests as.
"""

import time

from robot.api import logger
from robot.api.types import Secret

from junjo_acceptance.masking import reveal

from .client import ANONYMOUS, ApiClients, ApiResponse


def status_should_be(response: ApiResponse, expected, policy: str = "") -> None:
    """Raise ``AssertionError`` unless the status of ``response`` is ``expected`` (a code, or codes separated
    by ``|``); ``policy`` names the rule a wrong status breaks and leads the message."""
    allowed = {int(code) for code in str(expected).split("|")}
    if response.status not in allowed:
        reason = f"{policy}: " if policy else ""
        raise AssertionError(f"{reason}{response} answered {response.status} "
                             f"(detail: {response.detail!r}), expected {expected}")


class ApiConnections:
    """Clients per base URL, the current base URL, and the sign-ins to renew."""

    def __init__(self):
        self._by_url: dict[str, ApiClients] = {}
        self.clients = ApiClients()
        self.renew_after_s: "float | None" = None
        self._signed_in: dict[tuple, tuple] = {}  # (base URL, client) -> (email, password, signed in at)

    def connect(self, base_url: str, timeout: float = 30.0) -> None:
        """Aim later requests at ``base_url``; its clients are kept, so switching back finds them signed in."""
        if base_url not in self._by_url:
            self._by_url[base_url] = ApiClients(base_url, timeout)
        self.clients = self._by_url[base_url]

    def disconnect(self, base_url: str) -> None:
        """Close and forget every client of ``base_url``."""
        clients = self._by_url.pop(base_url, None)
        self._signed_in = {key: value for key, value in self._signed_in.items() if key[0] != base_url.rstrip("/")}
        if clients:
            clients.close_all()

    def forget(self, by: str) -> None:
        """Drop client ``by`` and its cookies."""
        self.forget_sign_in(by)
        self.clients.forget(by)

    def call(self, method: str, path: str, by: str = ANONYMOUS, **options) -> ApiResponse:
        """Send one request as client ``by`` (signing it in again first when its session is old), log one
        masked line and return the answer; a network error propagates."""
        self._renew_session_if_old(by)
        answer = self.clients.request(method, path, by, **options)
        logger.info(answer.summary())
        return answer

    def sign_in(self, email: str, password: "str | Secret", by: str) -> ApiResponse:
        """``POST /sign-in`` as client ``by``; a session cookie it gets is kept by that client."""
        return self.call("POST", "/sign-in", by, json={"email": email, "password": reveal(password)})

    def sign_in_as(self, email: str, password: "str | Secret", by: str) -> None:
        """Sign client ``by`` in, fail unless the server accepts, and remember it for renewal."""
        self.forget_sign_in(by)
        status_should_be(self.sign_in(email, password, by), 200, f"sign-in of {email}")
        self._signed_in[(self.clients.base_url, by)] = (email, password, time.monotonic())

    def forget_sign_in(self, by: str) -> None:
        """Never renew the session of client ``by`` (it signed out or presents another cookie)."""
        self._signed_in.pop((self.clients.base_url, by), None)

    def session_cookie(self, by: str) -> str:
        """The session cookie client ``by`` holds; ``AssertionError`` when it holds none."""
        value = self.clients.cookie(by)
        if not value:
            raise AssertionError(f"client {by} holds no session cookie")
        return value

    def _renew_session_if_old(self, by: str) -> None:
        signed_in = self._signed_in.get((self.clients.base_url, by))
        if self.renew_after_s is None or signed_in is None:
            return
        email, password, at = signed_in
        if time.monotonic() - at > self.renew_after_s:
            logger.info(f"client {by}: session older than {self.renew_after_s:g} s, signing in again")
            self.sign_in_as(email, password, by)


API = ApiConnections()
