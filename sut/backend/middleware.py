"""ASGI middleware: session check before anything else, and security headers on every response.

The session check runs before routing and body parsing, so an anonymous request with a malformed body
gets 401, not 422 (contract A2). Every path not in ``PUBLIC_PATHS`` needs a session (policy B6),
including paths that do not exist.
"""

import json
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.requests import cookie_parser

from . import sessions
from .sessions import SessionState
from .sqlite_store import DatabaseBusy

PUBLIC_PATHS = frozenset(
    {
        "/ping",
        "/health",
        "/openapi.json",
        "/docs",
        "/docs/oauth2-redirect",
        "/users/db-has-users",
        "/users/create-first-user",
        "/sign-in",
        "/sign-out",
    }
)

NO_SESSION = "Unauthorized: No valid session"
USER_NOT_FOUND = "Unauthorized: User not found"
DATABASE_BUSY = "Database is busy, retry later"


def is_public(method: str, path: str) -> bool:
    return path in PUBLIC_PATHS


async def send_json(send, status: int, body, headers: dict[str, str] | None = None) -> None:
    payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw_headers += [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload})


class SecurityHeadersMiddleware:
    """Adds ``X-Content-Type-Options: nosniff`` to every HTTP response (policy B10)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (b"x-content-type-options", b"nosniff")]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SessionMiddleware:
    """Resolves the ``session`` cookie; non-public paths without a valid session get 401.

    ``authenticate(cookie_value)`` returns ``(SessionState, user)``; the user is put in
    ``request.state.user`` for the endpoints.
    """

    def __init__(self, app, authenticate: Callable):
        self.app = app
        self.authenticate = authenticate

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or is_public(scope["method"], scope["path"]):
            await self.app(scope, receive, send)
            return
        cookie_value = None
        for name, value in scope.get("headers", ()):
            if name == b"cookie":
                cookie_value = cookie_parser(value.decode("latin-1")).get(sessions.COOKIE_NAME)
                if cookie_value:
                    break
        state, user = SessionState.ANONYMOUS, None
        if cookie_value:
            try:
                state, user = await run_in_threadpool(self.authenticate, cookie_value)
            except DatabaseBusy:
                await send_json(send, 503, {"detail": DATABASE_BUSY}, {"Retry-After": "1"})
                return
        if state is SessionState.VALID:
            scope.setdefault("state", {})["user"] = user
            await self.app(scope, receive, send)
        elif state is SessionState.USER_NOT_FOUND:
            await send_json(send, 401, {"detail": USER_NOT_FOUND})
        else:
            await send_json(send, 401, {"detail": NO_SESSION})
