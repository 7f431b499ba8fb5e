"""Keywords for users and their sessions on the target's HTTP API: the first user, users, sign-in and
sign-out, session cookies (kept, replayed, tampered with) and whether a session is valid."""

from robot.api import logger
from robot.api.deco import keyword, library
from robot.api.types import Secret

from junjo_acceptance.api_client import cookies
from junjo_acceptance.api_client.client import ANONYMOUS, ApiResponse
from junjo_acceptance.api_client.connections import API, status_should_be
from junjo_acceptance.masking import mask, reveal


@library(scope="GLOBAL", auto_keywords=False)
class ApiSessions:
    """Users and sessions, as named clients (``by=laptop``): each client keeps its own session cookie.

    Passwords and cookies are masked in the log; keywords return cookies as ``Secret`` values. The clients
    are those of ``ApiEndpoints`` (`Connect To API` aims them).
    """

    @keyword("Renew Sessions After")
    def renew_sessions_after(self, seconds):
        """Sign a client of `Sign In As User` in again before a request once its session is ``seconds`` old.

        For a deployment whose sessions live only seconds (so that expiry can be tested, B2): the suite's
        own long-running clients must not trip over that lifetime. A client that signed out or was handed
        another cookie (`Present Session Cookie`) is never renewed, so expiry and revocation stay visible.
        ``None`` switches renewal off.
        """
        API.renew_after_s = None if seconds in (None, "None", "") else float(seconds)

    @keyword("Forget Client")
    def forget_client(self, by: str):
        """Drop the client ``by`` with its cookies, as if the device was thrown away."""
        API.forget(by)

    @keyword("Create First User")
    def create_first_user(self, email: str, password: "str | Secret") -> ApiResponse:
        """Ask ``POST /users/create-first-user`` for a first user; returns the response."""
        return API.call("POST", "/users/create-first-user", json={"email": email, "password": reveal(password)})

    @keyword("Sign In")
    def sign_in(self, email: str, password: "str | Secret", by: str = ANONYMOUS) -> ApiResponse:
        """Try ``POST /sign-in`` as client ``by``; a session cookie it gets is kept by that client."""
        return API.sign_in(email, password, by)

    @keyword("Sign In As User")
    def sign_in_as_user(self, email: str, password: "str | Secret", by: str):
        """Sign in as client ``by`` and fail unless the server accepts the credentials."""
        API.sign_in_as(email, password, by)

    @keyword("Sign Out")
    def sign_out(self, by: str) -> ApiResponse:
        """``POST /sign-out`` as client ``by``; returns the response."""
        API.forget_sign_in(by)
        return API.call("POST", "/sign-out", by)

    @keyword("Session Cookie Of")
    def session_cookie_of(self, by: str) -> Secret:
        """The session cookie client ``by`` holds, as a ``Secret``; fails when it holds none."""
        return Secret(API.session_cookie(by))

    @keyword("Present Session Cookie")
    def present_session_cookie(self, by: str, cookie: "str | Secret"):
        """Make client ``by`` send ``cookie`` as its session cookie from now on (to replay or forge one)."""
        logger.info(f"client {by} now presents session cookie {mask(cookie)}")
        API.forget_sign_in(by)
        API.clients.set_cookie(by, reveal(cookie))

    @keyword("Tampered Session Cookie")
    def tampered_session_cookie(self, cookie: "str | Secret", how: str) -> Secret:
        """``cookie`` changed as ``how`` says: one of ``signature altered``, ``payload altered``,
        ``signature forged``, ``signature removed``, ``truncated``, ``extended``, ``empty``, ``garbage``."""
        return Secret(cookies.tamper(reveal(cookie), how))

    @keyword("Text Readable In Session Cookie")
    def text_readable_in_session_cookie(self, cookie: "str | Secret") -> str:
        """Everything an attacker can decode from ``cookie`` (raw text and base64-decoded segments)."""
        return cookies.decode_everything(reveal(cookie))

    @keyword("Session Should Be Valid")
    def session_should_be_valid(self, by: str, policy: str = "the session must stay valid"):
        """``GET /auth-test`` as client ``by`` must answer 200."""
        status_should_be(API.call("GET", "/auth-test", by), 200, policy)

    @keyword("Session Should Be Refused")
    def session_should_be_refused(self, by: str, policy: str = "the session must be refused"):
        """``GET /auth-test`` as client ``by`` must answer 401."""
        status_should_be(API.call("GET", "/auth-test", by), 401, policy)

    @keyword("Create User")
    def create_user(self, email: str, password: "str | Secret", by: str) -> ApiResponse:
        """``POST /users`` as client ``by``; returns the response."""
        return API.call("POST", "/users", by, json={"email": email, "password": reveal(password)})

    @keyword("List Users")
    def list_users(self, by: str) -> list:
        """``GET /users`` as client ``by`` (must answer 200)."""
        answer = API.call("GET", "/users", by)
        status_should_be(answer, 200, "listing users")
        return answer.json

    @keyword("Delete User")
    def delete_user(self, user_id, by: str) -> ApiResponse:
        """``DELETE /users/{user_id}`` as client ``by``; returns the response."""
        return API.call("DELETE", f"/users/{user_id}", by)
