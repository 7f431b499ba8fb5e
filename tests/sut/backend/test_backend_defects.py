"""Each seeded backend defect, switched on with ``--defects``, really breaks the behaviour it names."""

import base64
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from backend_harness import ADMIN, PASSWORD, REPO, BackendProcess, race_first_user, user_count

from sut.defects import catalogue

DEFECT_ARGS = {
    "paging_in_application": [],  # these three: tests/sut/backend/test_backend_performance_defects.py
    "trace_spans_fetched_one_by_one": [],
    "long_attributes_truncated": [],
    "unsigned_session_cookie": [],
    "transparent_session_cookie": [],
    "signout_keeps_session": [],
    "session_never_expires": ["--session-lifetime-s", "1"],
    "racy_first_user": ["--bcrypt-rounds", "10"],  # the suite's cost: hashing is the race window
    "unprotected_services_endpoint": [],
    "no_signin_throttle": ["--signin-max-failures", "2"],
    "span_lookup_by_string_formatting": [],
    "api_key_lookup_by_string_formatting": [],
    "key_deletion_by_string_formatting": [],
    "user_insert_by_string_formatting": [],
    "spans_served_as_html": [],
    "key_names_html_escaped": [],
    "delete_any_users_key": [],
    "overlong_password_server_error": [],
    "signed_in_user_row_leaks_hash": [],
    "nosniff_header_dropped": [],
    "db_has_users_lists_emails": [],
}


STARTING_AT_ONCE = 4
STARTUP_TIMEOUT_S = 60.0  # generous: other work may share the machine's 2 cores


@pytest.fixture(scope="module")
def defective(tmp_path_factory):
    """One backend per defect, started in parallel."""
    root = tmp_path_factory.mktemp("defects")
    processes = {name: BackendProcess(root / name, ["--defects", name, *args]) for name, args in DEFECT_ARGS.items()}
    with ThreadPoolExecutor(STARTING_AT_ONCE) as pool:  # a dozen at once overload 2 cores past the ready timeout
        list(pool.map(lambda process: process.start(timeout_s=STARTUP_TIMEOUT_S), processes.values()))
    yield processes
    with ThreadPoolExecutor(len(processes)) as pool:
        list(pool.map(lambda process: process.stop(), processes.values()))


def admin_session(backend):
    backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    return backend.sign_in(ADMIN)


def test_every_backend_defect_is_catalogued_and_tested():
    from test_backend_concurrency_defects import TESTED_HERE as CONCURRENCY_DEFECTS
    from test_backend_detection_defects import TESTED_HERE as DETECTION_DEFECTS  # issue 12
    from test_backend_fault_defects import TESTED_HERE as FAULT_DEFECTS  # error-recovery and cache defects

    backend_defects = {name for name, module in catalogue().items() if module.PROCESS == "backend"}
    assert backend_defects == set(DEFECT_ARGS) | FAULT_DEFECTS | CONCURRENCY_DEFECTS | DETECTION_DEFECTS
    for name in backend_defects:
        module = catalogue()[name]
        assert module.__doc__.strip().splitlines()[0], name
        assert module.CAUGHT_BY and all(isinstance(test, str) for test in module.CAUGHT_BY), name


def test_unknown_defect_is_refused(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sut.backend", "--data-dir", str(tmp_path), "--http-port", "0", "--auth-port", "0",
         "--defects", "no_such_defect"],
        cwd=REPO, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode != 0 and "unknown defect(s): no_such_defect" in result.stderr


def test_unsigned_session_cookie(defective):
    backend = defective["unsigned_session_cookie"]
    value = admin_session(backend).cookies["session"]
    forged = value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB")
    assert backend.anonymous("GET", "/auth-test", cookies={"session": forged}).status_code == 200


def test_transparent_session_cookie(defective):
    backend = defective["transparent_session_cookie"]
    value = admin_session(backend).cookies["session"]
    payload = value.split(".")[0]
    assert ADMIN.encode() in base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    assert backend.anonymous("GET", "/auth-test", cookies={"session": value}).status_code == 200


def test_signout_keeps_session(defective):
    backend = defective["signout_keeps_session"]
    session = admin_session(backend)
    cookie = session.cookies["session"]
    assert session.post(backend.url("/sign-out")).status_code == 200
    assert backend.anonymous("GET", "/auth-test", cookies={"session": cookie}).status_code == 200


def test_session_never_expires(defective):
    backend = defective["session_never_expires"]
    cookie = admin_session(backend).cookies["session"]
    time.sleep(1.5)  # longer than the configured 1 s lifetime: the behaviour under test
    assert backend.anonymous("GET", "/auth-test", cookies={"session": cookie}).status_code == 200


def test_racy_first_user(defective):
    backend = defective["racy_first_user"]
    statuses = race_first_user(backend)
    assert statuses.count(200) > 1
    assert user_count(backend) > 1


def test_unprotected_services_endpoint(defective):
    backend = defective["unprotected_services_endpoint"]
    assert backend.anonymous("GET", "/api/v1/observability/services").status_code == 200
    assert backend.anonymous("GET", "/api/v1/observability/services/x/spans").status_code == 401


def test_no_signin_throttle(defective):
    backend = defective["no_signin_throttle"]
    admin_session(backend)
    wrong = {"email": ADMIN, "password": "wrong password"}
    assert [backend.anonymous("POST", "/sign-in", json=wrong).status_code for _ in range(5)] == [401] * 5
    backend.sign_in(ADMIN)


# ---- defects of the security suites (issue 3) ------------------------------------------------------------

OBS = "/api/v1/observability"


def test_span_lookup_by_string_formatting(defective):
    backend = defective["span_lookup_by_string_formatting"]
    session = admin_session(backend)
    assert session.get(backend.url(f"{OBS}/traces/abc'/spans"), timeout=10).status_code == 500
    session.close()  # the server drops the connection after a 500
    assert session.get(backend.url(f"{OBS}/traces/x' OR '1'='1/spans"), timeout=10).status_code == 200


def test_api_key_lookup_by_string_formatting(defective):
    import grpc

    from sut.protos import ingestion_pb2, ingestion_pb2_grpc

    backend = defective["api_key_lookup_by_string_formatting"]
    session = admin_session(backend)
    assert session.post(backend.url("/api_keys"), json={"name": "k"}, timeout=10).status_code == 201
    with grpc.insecure_channel(f"127.0.0.1:{backend.auth_port}", options=[("grpc.enable_http_proxy", 0)]) as channel:
        stub = ingestion_pb2_grpc.InternalAuthServiceStub(channel)
        assert stub.ValidateApiKey(ingestion_pb2.ValidateApiKeyRequest(api_key="' OR '1'='1"), timeout=10).is_valid
        with pytest.raises(grpc.RpcError) as refused:
            stub.ValidateApiKey(ingestion_pb2.ValidateApiKeyRequest(api_key="'; DROP TABLE api_keys; --"), timeout=10)
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE


def test_key_deletion_by_string_formatting(defective):
    backend = defective["key_deletion_by_string_formatting"]
    session = admin_session(backend)
    for name in ("a", "b"):
        assert session.post(backend.url("/api_keys"), json={"name": name}, timeout=10).status_code == 201
    assert session.delete(backend.url("/api_keys/' OR '1'='1"), timeout=10).status_code == 204
    assert session.get(backend.url("/api_keys"), timeout=10).json() == []


def test_user_insert_by_string_formatting(defective):
    backend = defective["user_insert_by_string_formatting"]
    session = admin_session(backend)
    assert session.post(backend.url("/users"), json={"email": "o'brien@example.com", "password": PASSWORD},
                        timeout=10).status_code == 500
    session.close()  # the server drops the connection after a 500
    backend.create_user(session, "x'||'y@example.com")
    assert "xy@example.com" in [user["email"] for user in session.get(backend.url("/users"), timeout=10).json()]


def test_spans_served_as_html(defective):
    backend = defective["spans_served_as_html"]
    answer = admin_session(backend).get(backend.url(f"{OBS}/traces/{'0' * 32}/spans"), timeout=10)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")


def test_nosniff_header_dropped(defective):
    answer = defective["nosniff_header_dropped"].anonymous("GET", "/health")
    assert answer.status_code == 200 and "x-content-type-options" not in answer.headers


def test_db_has_users_lists_emails(defective):
    backend = defective["db_has_users_lists_emails"]
    admin_session(backend)
    answer = backend.anonymous("GET", "/users/db-has-users")
    assert answer.status_code == 200 and ADMIN in answer.text


def test_key_names_html_escaped(defective):
    backend = defective["key_names_html_escaped"]
    answer = admin_session(backend).post(backend.url("/api_keys"), json={"name": "<b>'"}, timeout=10)
    assert answer.status_code == 201 and answer.json()["name"] == "&lt;b&gt;&#x27;"


def test_delete_any_users_key(defective):
    backend = defective["delete_any_users_key"]
    admin = admin_session(backend)
    backend.create_user(admin, "other@example.com")
    key_id = backend.sign_in("other@example.com").post(backend.url("/api_keys"), json={"name": "theirs"}, timeout=10)
    assert admin.delete(backend.url(f"/api_keys/{key_id.json()['id']}"), timeout=10).status_code == 204


def test_overlong_password_server_error(defective):
    backend = defective["overlong_password_server_error"]
    admin = admin_session(backend)
    answer = admin.post(backend.url("/users"), json={"email": "long@example.com", "password": "€" * 25}, timeout=10)
    assert answer.status_code == 500


def test_signed_in_user_row_leaks_hash(defective):
    backend = defective["signed_in_user_row_leaks_hash"]
    body = admin_session(backend).get(backend.url("/auth-test"), timeout=10).json()
    assert body["user_email"] == ADMIN and body["password_hash"].startswith("$2b$")
