"""Unit tests of the HTTP keyword library's mechanics: masking, cookie tampering, OpenAPI enumeration."""

import base64
import importlib
import json
import time
from http.server import BaseHTTPRequestHandler

import pytest
from robot.api.types import Secret

from junjo_acceptance.api_client import cookies, openapi
from junjo_acceptance.api_client.client import ApiClients
from junjo_acceptance.masking import mask, mask_json, reveal

SAMPLE_COOKIE = "dGhpcyBpcyBhIHNlc3Npb24gaWQ.Zx1a2b.c2lnbmF0dXJlLWJ5dGVzLWhlcmUtYWJjZGVm"


def test_mask_hides_all_but_a_prefix():
    secret = "A" * 4 + "x" * 60
    assert mask(secret) == "AAAA…(64 chars)"
    assert mask(Secret(secret)) == "AAAA…(64 chars)"
    assert "x" * 10 not in mask(secret)


def test_mask_json_masks_secret_fields_at_any_depth():
    data = {"id": "k1", "key": "supersecretvalue123", "items": [{"password": "hunter22hunter22"}]}
    masked = mask_json(data)
    assert masked["id"] == "k1"
    assert "supersecretvalue123" not in json.dumps(masked)
    assert "hunter22hunter22" not in json.dumps(masked)


def test_reveal_unwraps_secrets_only():
    assert reveal(Secret("s3")) == "s3"
    assert reveal("plain") == "plain"


@pytest.mark.parametrize("how", sorted(cookies.TAMPERINGS))
def test_every_tampering_changes_the_cookie(how):
    assert cookies.tamper(SAMPLE_COOKIE, how) != SAMPLE_COOKIE


def test_signature_tampering_keeps_the_payload():
    head = SAMPLE_COOKIE.rsplit(".", 1)[0]
    for how in ("signature altered", "signature forged"):
        tampered = cookies.tamper(SAMPLE_COOKIE, how)
        assert tampered.startswith(head + ".")
        assert tampered.rsplit(".", 1)[1] != SAMPLE_COOKIE.rsplit(".", 1)[1]


def test_unknown_tampering_is_an_error():
    with pytest.raises(ValueError, match="unknown tampering"):
        cookies.tamper(SAMPLE_COOKIE, "rot13")


def test_decode_everything_reveals_base64_payloads():
    payload = base64.urlsafe_b64encode(json.dumps({"email": "a@b.example"}).encode()).decode().rstrip("=")
    assert "a@b.example" in cookies.decode_everything(f"{payload}.abc.def")


def test_openapi_operations_skip_public_paths_and_fill_parameters():
    document = {"paths": {
        "/ping": {"get": {}},
        "/api_keys/{id}": {"delete": {}},
        "/api/v1/observability/traces/{trace_id}/spans": {"get": {}},
        "/users": {"get": {}, "post": {"requestBody": {}}},
    }}
    found = openapi.operations(document, ["/ping"])
    assert {(o["method"], o["path"]) for o in found} == {
        ("DELETE", "/api_keys/1"), ("GET", "/api/v1/observability/traces/" + "0" * 32 + "/spans"),
        ("GET", "/users"), ("POST", "/users")}
    assert [o["has_body"] for o in found if o["path"] == "/users"] == [False, True]
    assert {o["route"] for o in found if o["method"] == "DELETE"} == {"DELETE /api_keys/{}"}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server API
        body = json.dumps({"cookie": self.headers.get("Cookie")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "session=abc123secretvalue; HttpOnly")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def echo_server(serve):
    return serve(_Handler)


def test_clients_keep_cookies_apart_and_mask_set_cookie(echo_server):
    clients = ApiClients(echo_server, timeout_s=5)
    first = clients.request("GET", "/", "alice")
    assert clients.cookie("alice") == "abc123secretvalue"
    assert clients.cookie("bob") is None
    assert "abc123secretvalue" not in json.dumps(first.headers)
    assert reveal(first.set_cookie).startswith("session=abc123secretvalue")
    clients.set_cookie("bob", "forged")
    assert clients.request("GET", "/", "bob").json == {"cookie": "session=forged"}
    assert clients.request("GET", "/", "anonymous").json == {"cookie": None}
    assert "abc123secretvalue" not in first.summary()


API_KEYWORDS = {
    "ApiEndpoints": ["Connect To API", "Disconnect From API", "Call API", "Response Status Should Be",
                     "Protected Operations", "Routes Missing From Operations"],
    "ApiSessions": ["Renew Sessions After", "Forget Client", "Create First User", "Sign In", "Sign In As User",
                    "Sign Out", "Session Cookie Of", "Present Session Cookie", "Tampered Session Cookie",
                    "Text Readable In Session Cookie", "Session Should Be Valid", "Session Should Be Refused",
                    "Create User", "List Users", "Delete User"],
    "ApiKeys": ["Create API Key", "List API Keys", "Delete API Key", "API Keys Named After Label"],
    "ApiSpans": ["Get Services", "Get Service Spans", "Get Trace Spans", "Get Span", "Page Through Service Spans"],
    "ApiLoad": ["Run Mixed API Load"],
}


def test_each_api_library_holds_the_keywords_of_its_domain():
    for name, expected in API_KEYWORDS.items():
        library = importlib.import_module(name)
        found = [getattr(member, "robot_name", None) for member in vars(getattr(library, name)).values()]
        assert sorted(k for k in found if k) == sorted(expected), name


class _SessionHandler(BaseHTTPRequestHandler):
    """``POST /sign-in`` sets a new session cookie each time; ``GET /auth-test`` answers 200 with one."""

    sign_ins = 0

    def do_POST(self):  # noqa: N802 - http.server API
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).sign_ins += 1
        self._answer(200, {"ok": True}, f"session=s{type(self).sign_ins}-secretvalue")

    def do_GET(self):  # noqa: N802 - http.server API
        cookie = self.headers.get("Cookie") or ""
        self._answer(200 if "session=" in cookie else 401, {"cookie": cookie})

    def _answer(self, status, body, cookie=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        if cookie:
            self.send_header("Set-Cookie", f"{cookie}; HttpOnly")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def session_server(serve):
    return serve(_SessionHandler)


def test_api_libraries_share_the_clients_and_renew_old_sessions(session_server):
    from ApiEndpoints import ApiEndpoints
    from ApiSessions import ApiSessions

    endpoints, sessions = ApiEndpoints(), ApiSessions()
    endpoints.connect_to_api(session_server)
    try:
        sessions.sign_in_as_user("a@b.example", Secret("pw-123456"), by="laptop")
        first = reveal(sessions.session_cookie_of("laptop"))
        assert endpoints.call_api("GET", "/auth-test", by="laptop").status == 200
        sessions.renew_sessions_after(0)
        time.sleep(0.01)
        endpoints.call_api("GET", "/auth-test", by="laptop")
        assert reveal(sessions.session_cookie_of("laptop")) != first  # signed in again before the request
        sessions.present_session_cookie("laptop", "forged")
        time.sleep(0.01)
        assert endpoints.call_api("GET", "/auth-test", by="laptop").json == {"cookie": "session=forged"}
        sessions.forget_client("laptop")
        with pytest.raises(AssertionError, match="holds no session cookie"):
            sessions.session_cookie_of("laptop")
        with pytest.raises(AssertionError, match="B2: GET /auth-test as anonymous → 401 answered 401"):
            endpoints.response_status_should_be(endpoints.call_api("GET", "/auth-test"), 200, "B2")
    finally:
        sessions.renew_sessions_after(None)
        endpoints.disconnect_from_api(session_server)


def test_keys_named_after_a_label_compare_between_listing_and_creations():
    from ApiKeys import ApiKeys

    created = [{"id": "b", "name": "race-1", "key": Secret("k1")}, {"id": "a", "name": "race-0", "key": Secret("k0")}]
    listed = [{"id": "a", "name": "race-0"}, {"id": "x", "name": "other-0"}, {"id": "b", "name": "race-1"},
              {"id": "c", "name": "racer-0"}]
    library = ApiKeys()
    assert library.api_keys_named_after_label(listed, "race") == [["a", "race-0"], ["b", "race-1"]]
    assert library.api_keys_named_after_label(created, "race") == library.api_keys_named_after_label(listed, "race")
    assert library.api_keys_named_after_label(listed, "gone") == []
