"""Keywords for the target's HTTP API: users, sessions, API keys, any endpoint by method and path."""

import time
from urllib.parse import quote

from robot.api import logger
from robot.api.deco import keyword, library
from robot.api.types import Secret
from robot.utils import DotDict

from junjo_acceptance.api_client import cookies, load, openapi
from junjo_acceptance.api_client.client import ANONYMOUS, ApiClients, ApiResponse
from junjo_acceptance.concurrency import run_together
from junjo_acceptance.masking import mask, reveal

OBSERVABILITY = "/api/v1/observability"


@library(scope="GLOBAL", auto_keywords=False)
class JunjoApi:
    """Talks to a Junjo AI Studio compatible HTTP API as any number of named clients.

    A *client* is one browser or device with its own cookie jar, named by the ``by`` argument
    (``by=admin``, ``by=phone``). The client ``anonymous`` never sends a cookie. Requests are never
    retried and always time out, so a 5xx or a hang is seen as it is. Passwords, API keys and cookies are
    masked in the log; keywords return keys and cookies as ``Secret`` values.
    """

    def __init__(self):
        self._by_url: dict[str, ApiClients] = {}
        self._clients = ApiClients()
        self._renew_after_s: "float | None" = None
        self._signed_in: dict[tuple, tuple] = {}  # (base URL, client) -> (email, password, signed in at)

    @keyword("Renew Sessions After")
    def renew_sessions_after(self, seconds):
        """Sign a client of `Sign In As User` in again before a request once its session is ``seconds`` old.

        For a deployment whose sessions live only seconds (so that expiry can be tested, B2): the suite's
        own long-running clients must not trip over that lifetime. A client that signed out or was handed
        another cookie (`Present Session Cookie`) is never renewed, so expiry and revocation stay visible.
        ``None`` switches renewal off.
        """
        self._renew_after_s = None if seconds in (None, "None", "") else float(seconds)

    @keyword("Connect To API")
    def connect_to_api(self, base_url: str, timeout: float = 30.0):
        """Aim every later request at ``base_url`` (for example ``http://127.0.0.1:1323``).

        Clients are kept per base URL: switching back to an earlier URL finds its clients signed in as before.
        """
        if base_url not in self._by_url:
            self._by_url[base_url] = ApiClients(base_url, timeout)
        self._clients = self._by_url[base_url]

    @keyword("Disconnect From API")
    def disconnect_from_api(self, base_url: str):
        """Close and forget every client of ``base_url``."""
        clients = self._by_url.pop(base_url, None)
        self._signed_in = {key: value for key, value in self._signed_in.items() if key[0] != base_url.rstrip("/")}
        if clients:
            clients.close_all()

    @keyword("Forget Client")
    def forget_client(self, by: str):
        """Drop the client ``by`` with its cookies, as if the device was thrown away."""
        self._signed_in.pop((self._clients.base_url, by), None)
        self._clients.forget(by)

    @keyword("Call API")
    def call_api(self, method: str, path: str, by: str = ANONYMOUS, json=None, data=None,
                 headers: "dict | None" = None, params: "dict | None" = None,
                 timeout: "float | None" = None) -> ApiResponse:
        """Send ``method path`` as client ``by`` and return the response (never fails on a status).

        ``json`` is sent as a JSON body, ``data`` as a raw body (for malformed JSON). The response has
        ``status``, ``json``, ``detail``, ``text``, ``headers`` and ``elapsed_ms``. ``timeout`` (seconds)
        replaces the connection's default; a request that gets no answer in time raises an error.

        | ${answer} =    Call API    GET    /users    by=admin
        """
        options = {} if timeout is None else {"timeout": float(timeout)}
        self._renew_session_if_old(by)
        answer = self._clients.request(method, path, by, json=json, data=data, headers=headers, params=params,
                                       **options)
        logger.info(answer.summary())
        return answer

    def _renew_session_if_old(self, by: str) -> None:
        signed_in = self._signed_in.get((self._clients.base_url, by))
        if self._renew_after_s is None or signed_in is None:
            return
        email, password, at = signed_in
        if time.monotonic() - at > self._renew_after_s:
            logger.info(f"client {by}: session older than {self._renew_after_s:g} s, signing in again")
            self.sign_in_as_user(email, password, by)

    @keyword("Response Status Should Be")
    def response_status_should_be(self, response: ApiResponse, expected, policy: str = ""):
        """Fail unless the response status is ``expected`` (a code, or codes separated by ``|``).

        ``policy`` names the rule a wrong status breaks; it leads the failure message.
        """
        allowed = {int(code) for code in str(expected).split("|")}
        if response.status not in allowed:
            reason = f"{policy}: " if policy else ""
            raise AssertionError(f"{reason}{response} answered {response.status} "
                                 f"(detail: {response.detail!r}), expected {expected}")

    @keyword("Create First User")
    def create_first_user(self, email: str, password: "str | Secret") -> ApiResponse:
        """Ask ``POST /users/create-first-user`` for a first user; returns the response."""
        return self.call_api("POST", "/users/create-first-user",
                             json={"email": email, "password": reveal(password)})

    @keyword("Sign In")
    def sign_in(self, email: str, password: "str | Secret", by: str = ANONYMOUS) -> ApiResponse:
        """Try ``POST /sign-in`` as client ``by``; a session cookie it gets is kept by that client."""
        return self.call_api("POST", "/sign-in", by, json={"email": email, "password": reveal(password)})

    @keyword("Sign In As User")
    def sign_in_as_user(self, email: str, password: "str | Secret", by: str):
        """Sign in as client ``by`` and fail unless the server accepts the credentials."""
        self._signed_in.pop((self._clients.base_url, by), None)
        self.response_status_should_be(self.sign_in(email, password, by), 200, f"sign-in of {email}")
        self._signed_in[(self._clients.base_url, by)] = (email, password, time.monotonic())

    @keyword("Sign Out")
    def sign_out(self, by: str) -> ApiResponse:
        """``POST /sign-out`` as client ``by``; returns the response."""
        self._signed_in.pop((self._clients.base_url, by), None)
        return self.call_api("POST", "/sign-out", by)

    @keyword("Session Cookie Of")
    def session_cookie_of(self, by: str) -> Secret:
        """The session cookie client ``by`` holds, as a ``Secret``; fails when it holds none."""
        value = self._clients.cookie(by)
        if not value:
            raise AssertionError(f"client {by} holds no session cookie")
        return Secret(value)

    @keyword("Present Session Cookie")
    def present_session_cookie(self, by: str, cookie: "str | Secret"):
        """Make client ``by`` send ``cookie`` as its session cookie from now on (to replay or forge one)."""
        logger.info(f"client {by} now presents session cookie {mask(cookie)}")
        self._signed_in.pop((self._clients.base_url, by), None)
        self._clients.set_cookie(by, reveal(cookie))

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
        self.response_status_should_be(self.call_api("GET", "/auth-test", by), 200, policy)

    @keyword("Session Should Be Refused")
    def session_should_be_refused(self, by: str, policy: str = "the session must be refused"):
        """``GET /auth-test`` as client ``by`` must answer 401."""
        self.response_status_should_be(self.call_api("GET", "/auth-test", by), 401, policy)

    @keyword("Create User")
    def create_user(self, email: str, password: "str | Secret", by: str) -> ApiResponse:
        """``POST /users`` as client ``by``; returns the response."""
        return self.call_api("POST", "/users", by, json={"email": email, "password": reveal(password)})

    @keyword("Create API Key")
    def create_api_key(self, name: str, by: str) -> dict:
        """Create an API key named ``name`` as client ``by`` (must answer 201).

        Returns ``{id, name, created_at, key}`` with ``key`` as a ``Secret``.
        """
        answer = self.call_api("POST", "/api_keys", by, json={"name": name})
        self.response_status_should_be(answer, 201, "creating an API key")
        created = dict(answer.json)
        created["key"] = Secret(created["key"])
        return created

    @keyword("List API Keys")
    def list_api_keys(self, by: str) -> list:
        """``GET /api_keys`` as client ``by`` (must answer 200); keys come back as ``Secret`` values."""
        answer = self.call_api("GET", "/api_keys", by)
        self.response_status_should_be(answer, 200, "listing API keys")
        return [dict(item, key=Secret(item["key"])) if "key" in item else item for item in answer.json]

    @keyword("Delete API Key")
    def delete_api_key(self, key_id: str, by: str) -> ApiResponse:
        """``DELETE /api_keys/{key_id}`` as client ``by``; returns the response."""
        return self.call_api("DELETE", f"/api_keys/{key_id}", by)

    @keyword("List Users")
    def list_users(self, by: str) -> list:
        """``GET /users`` as client ``by`` (must answer 200)."""
        answer = self.call_api("GET", "/users", by)
        self.response_status_should_be(answer, 200, "listing users")
        return answer.json

    @keyword("Delete User")
    def delete_user(self, user_id, by: str) -> ApiResponse:
        """``DELETE /users/{user_id}`` as client ``by``; returns the response."""
        return self.call_api("DELETE", f"/users/{user_id}", by)

    @keyword("Get Services")
    def get_services(self, by: str) -> list:
        """Service names with stored spans (``GET /api/v1/observability/services``, must answer 200)."""
        return self._observe("/services", by)

    @keyword("Get Service Spans")
    def get_service_spans(self, service: str, by: str, limit: "int | None" = None, offset: "int | None" = None,
                          kind: str = "spans") -> list:
        """Spans of ``service``, newest first; ``kind`` is ``spans``, ``root`` or ``workflows``."""
        path = f"/services/{quote(service, safe='')}/spans" if kind != "workflows" else \
            f"/services/{quote(service, safe='')}/workflows"
        path += "/root" if kind == "root" else ""
        params = {k: v for k, v in (("limit", limit), ("offset", offset)) if v is not None}
        return self._observe(path, by, params)

    @keyword("Get Trace Spans")
    def get_trace_spans(self, trace_id: str, by: str) -> list:
        """All stored spans of ``trace_id`` (``GET /api/v1/observability/traces/{trace_id}/spans``)."""
        return self._observe(f"/traces/{quote(trace_id, safe='')}/spans", by)

    @keyword("Get Span")
    def get_span(self, trace_id: str, span_id: str, by: str):
        """One stored span, or ``None`` when the target has none with these ids."""
        return self._observe(f"/traces/{quote(trace_id, safe='')}/spans/{quote(span_id, safe='')}", by)

    def _observe(self, path: str, by: str, params: "dict | None" = None):
        answer = self.call_api("GET", OBSERVABILITY + path, by, params=params)
        self.response_status_should_be(answer, 200, f"reading {OBSERVABILITY}{path}")
        return answer.json

    @keyword("Page Through Service Spans")
    def page_through_service_spans(self, service: str, by: str, page_size: int = 100,
                                   max_pages: int = 1000, offset_paging: bool = True) -> DotDict:
        """Read every span of ``service`` page by page (``limit=page_size``, ``offset`` 0, ``page_size`` ...)
        until a page is short, timing each page; at most ``max_pages`` pages. With ``offset_paging=False`` (the
        target's profile says its lists take no ``offset``) one listing stands for all pages and ``offset`` is
        never sent — sending it to such a target would read the first page again and again.

        Returns ``pages``, ``latencies_ms`` and ``at_s`` (per page), ``span_keys`` (``trace_id:span_id`` of every
        span in page order), ``statuses`` and ``problems`` (a page that was not a 200 list).

        | ${paged} =    Page Through Service Spans    ${service}    by=admin    page_size=100
        """
        path = f"{OBSERVABILITY}/services/{quote(service, safe='')}/spans"
        result = load.page_through(self._clients, by, path, int(page_size), int(max_pages), bool(offset_paging))
        logger.info(f"Paged through {path} by {page_size}: {result['pages']} pages, {len(result['span_keys'])} spans, "
                    f"statuses {result['statuses']}" + "".join(f"\n  {p}" for p in result["problems"]))
        return DotDict(result)

    @keyword("Run Mixed API Load")
    def run_mixed_api_load(self, requests: int, clients: int, service: str, trace_id: str, span_ids: list,
                           by: str = "admin", timeout: float = 120) -> DotDict:
        """Send ``requests`` requests from ``clients`` concurrent clients signed in as ``by`` and check every
        answer; returns the outcome (see below). Never fails by itself.

        Load model: the clients (threads with their own connection and a copy of ``by``'s session) start
        together and each sends its share back to back, so ``clients`` requests are always in flight. The mix
        per ten requests: 3 × the spans of trace ``trace_id`` (must be exactly ``span_ids``), 2 × a page of
        ``service``'s spans, 1 × its root spans, 1 × the API keys, 1 × the services, 1 × ``/auth-test`` and
        1 × a new API key. Afterwards the keys are listed again: each new key must appear exactly once.

        Result: ``requests``, ``clients``, ``latencies_ms``, ``at_s`` (start of each request, s), ``kinds``,
        ``statuses``, ``errors`` (no answer), ``problems`` (the first wrong answers), ``problem_count``,
        ``created_keys``, ``keys_missing``, ``keys_repeated``, ``elapsed_s``.
        """
        cookie = self._clients.cookie(by)
        if not cookie:
            raise AssertionError(f"client {by} holds no session cookie")
        result = load.mixed_load(self._clients, cookie, int(requests), int(clients), service, trace_id,
                                 set(span_ids), float(timeout))
        logger.info(f"{result['requests']} requests from {clients} concurrent clients in {result['elapsed_s']:.2f} s: "
                    f"kinds {result['kinds']}, statuses {result['statuses']}, {result['errors']} without answer, "
                    f"{result['problem_count']} wrong; {result['created_keys']} keys created, "
                    f"{len(result['keys_missing'])} missing, {len(result['keys_repeated'])} repeated"
                    + "".join(f"\n  {problem}" for problem in result["problems"]))
        return DotDict(result)

    @keyword("Protected Operations")
    def protected_operations(self, public_paths: list) -> list:
        """Every operation of ``/openapi.json`` whose path is not in ``public_paths``, as
        ``{method, path, template, has_body}`` with path parameters filled in."""
        answer = self.call_api("GET", "/openapi.json")
        self.response_status_should_be(answer, 200, "the target must publish /openapi.json")
        found = openapi.operations(answer.json, list(public_paths))
        logger.info(f"{len(found)} non-public operations: " + ", ".join(f"{o['method']} {o['template']}"
                                                                         for o in found))
        return found

    @keyword("Routes Missing From Operations")
    def routes_missing_from_operations(self, operations: list, routes: list) -> list:
        """Which of ``routes`` (``"GET /users/{id}"``) ``operations`` lacks, whatever the parameter names."""
        listed = {operation["route"] for operation in operations}
        return [route for route in routes if openapi.route_shape(route) not in listed]

    @keyword("Create First Users Concurrently")
    def create_first_users_concurrently(self, count: int, password: "str | Secret") -> list:
        """Send ``count`` ``create-first-user`` calls with distinct emails at the same instant.

        Returns the status codes in call order; a call that got no answer counts as status 0.
        """
        plain = reveal(password)

        def attempt(index: int):
            return lambda: self._clients.request("POST", "/users/create-first-user",
                                                 json={"email": f"first-{index}@race.example",
                                                       "password": plain}).status

        outcomes = run_together([attempt(i) for i in range(int(count))])
        statuses = [o.result if o.error is None else 0 for o in outcomes]
        logger.info(f"{count} concurrent create-first-user calls answered: "
                    + ", ".join(f"{code}×{statuses.count(code)}" for code in sorted(set(statuses))))
        return statuses
