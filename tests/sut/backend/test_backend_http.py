"""HTTP contract of the backend (contract A2, policies B6, B9, B10, B18) against the real process."""

import sqlite3
import threading

import pytest
from backend_harness import ADMIN, PASSWORD

PUBLIC = {
    ("GET", "/ping"),
    ("GET", "/health"),
    ("GET", "/users/db-has-users"),
    ("POST", "/users/create-first-user"),
    ("POST", "/sign-in"),
    ("POST", "/sign-out"),
}
NO_SESSION = {"detail": "Unauthorized: No valid session"}


def assert_json(response, status: int):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    return response.json()


def test_health_endpoints(backend):
    assert assert_json(backend.anonymous("GET", "/ping"), 200) == "pong"
    health = assert_json(backend.anonymous("GET", "/health"), 200)
    assert health["status"] == "ok" and health["version"] and health["app_name"]
    assert assert_json(backend.anonymous("GET", "/users/db-has-users"), 200) == {"users_exist": True}


def openapi_operations(backend):
    document = assert_json(backend.anonymous("GET", "/openapi.json"), 200)
    for path, item in document["paths"].items():
        for method in item:
            yield method.upper(), path


def test_openapi_lists_every_route(backend):
    operations = set(openapi_operations(backend))
    expected = PUBLIC | {
        ("GET", "/auth-test"),
        ("GET", "/users"),
        ("POST", "/users"),
        ("DELETE", "/users/{user_id}"),
        ("POST", "/api_keys"),
        ("GET", "/api_keys"),
        ("DELETE", "/api_keys/{key_id}"),
        ("GET", "/api/v1/observability/services"),
        ("GET", "/api/v1/observability/services/{service_name}/spans"),
        ("GET", "/api/v1/observability/services/{service_name}/spans/root"),
        ("GET", "/api/v1/observability/services/{service_name}/workflows"),
        ("GET", "/api/v1/observability/traces/{trace_id}/spans"),
        ("GET", "/api/v1/observability/traces/{trace_id}/spans/{span_id}"),
        ("GET", "/llm/providers/{provider}/models"),
        ("POST", "/llm/providers/{provider}/models/refresh"),
        ("POST", "/llm/generate"),
    }
    assert operations == expected


@pytest.mark.parametrize("cookie", [None, "garbage", "a.b.c"])
def test_every_non_public_route_refuses_anonymous_requests(backend, cookie):
    operations = [op for op in openapi_operations(backend) if op not in PUBLIC]
    assert len(operations) >= 13
    cookies = {"session": cookie} if cookie else None
    for method, path in operations:
        concrete = path.replace("{user_id}", "1").replace("{", "").replace("}", "")
        response = backend.anonymous(method, concrete, cookies=cookies, json={"bogus": True})
        assert assert_json(response, 401) == NO_SESSION, (method, concrete)
    # also paths that do not exist: nothing is revealed without a session
    assert assert_json(backend.anonymous("GET", "/no/such/path"), 401) == NO_SESSION


def test_session_is_checked_before_the_body(backend):
    malformed = {"data": b"{not json", "headers": {"content-type": "application/json"}}
    assert assert_json(backend.anonymous("POST", "/users", **malformed), 401) == NO_SESSION
    assert assert_json(backend.anonymous("POST", "/api_keys", json={}), 401) == NO_SESSION
    assert assert_json(backend.anonymous("DELETE", "/users/not-a-number"), 401) == NO_SESSION
    assert assert_json(backend.anonymous("GET", "/api/v1/observability/services/x/spans?limit=0"), 401) == NO_SESSION


def test_first_user_only_once(backend):
    body = {"email": "x@example.com", "password": PASSWORD}
    response = backend.anonymous("POST", "/users/create-first-user", json=body)
    assert assert_json(response, 400) == {"detail": "Users already exist, cannot create first user"}


def test_sign_in_errors(backend, new_email):
    assert assert_json(
        backend.anonymous("POST", "/sign-in", json={"email": new_email(), "password": PASSWORD}), 401
    ) == {"detail": "Invalid credentials"}
    response = backend.anonymous("POST", "/sign-in", json={"email": "' OR '1'='1", "password": "x"})
    assert assert_json(response, 422)["detail"][0]["loc"] == ["body", "email"]
    malformed = backend.anonymous("POST", "/sign-in", data=b"{", headers={"content-type": "application/json"})
    assert malformed.status_code == 422


def test_users_crud(backend, admin, new_email):
    email = new_email()
    assert assert_json(admin.post(backend.url("/users"), json={"email": email, "password": PASSWORD}), 200) == {
        "message": "User created successfully"
    }
    duplicate = admin.post(backend.url("/users"), json={"email": email, "password": PASSWORD})
    assert assert_json(duplicate, 409) == {"detail": "A user with this email already exists"}

    listed = assert_json(admin.get(backend.url("/users")), 200)
    for user in listed:
        assert set(user) == {"id", "email", "is_active", "created_at", "updated_at"}
        assert user["created_at"].endswith("+00:00")
    assert "password" not in str(listed) and "$2b$" not in str(listed)
    user_id = next(user["id"] for user in listed if user["email"] == email)

    assert assert_json(admin.get(backend.url("/auth-test")), 200) == {"user_email": ADMIN}
    assert assert_json(admin.delete(backend.url(f"/users/{user_id}")), 200) == {"message": "User deleted successfully"}
    assert assert_json(admin.delete(backend.url(f"/users/{user_id}")), 404) == {"detail": "User not found"}
    assert admin.delete(backend.url("/users/99999999999999999999999")).status_code == 422


def test_email_is_normalised(backend, admin, new_email):
    local = new_email().split("@")[0]
    created = admin.post(backend.url("/users"), json={"email": f"  {local}@EXAMPLE.COM ", "password": PASSWORD})
    assert_json(created, 200)
    emails = [user["email"] for user in admin.get(backend.url("/users")).json()]
    assert f"{local}@example.com" in emails
    backend.sign_in(f"{local}@Example.Com")


@pytest.mark.parametrize(
    "password, status",
    [
        ("short", 422),
        ("x" * 72, 200),
        ("x" * 73, 422),
        ("é" * 36, 200),  # 72 bytes
        ("é" * 37, 422),  # 74 bytes: bcrypt would refuse it
        ("\ud800" * 8, 422),  # not encodable as UTF-8
    ],
)
def test_password_rules(backend, admin, new_email, password, status):
    response = admin.post(backend.url("/users"), json={"email": new_email(), "password": password})
    assert_json(response, status)


def test_over_long_password_at_sign_in_is_not_a_server_error(backend):
    response = backend.anonymous("POST", "/sign-in", json={"email": "nobody@example.com", "password": "x" * 1000})
    assert_json(response, 401)


def test_api_key_lifecycle_and_validation(backend, admin):
    created = admin.post(backend.url("/api_keys"), json={"name": "first"})
    key = assert_json(created, 201)
    assert set(key) == {"id", "key", "name", "created_at"}
    assert len(key["id"]) == 21 and all(c.isalnum() or c in "_-" for c in key["id"])
    assert len(key["key"]) == 64 and key["key"].isalnum() and key["key"].isascii()
    assert_json(admin.post(backend.url("/api_keys"), json={"name": ""}), 422)
    assert_json(admin.post(backend.url("/api_keys"), json={}), 422)

    deleted = admin.delete(backend.url(f"/api_keys/{key['id']}"))
    assert deleted.status_code == 204 and deleted.content == b""
    assert assert_json(admin.delete(backend.url(f"/api_keys/{key['id']}")), 404) == {"detail": "API key not found"}


@pytest.mark.parametrize(
    "value",
    [
        "'; DROP TABLE api_keys; --",
        "<script>alert(1)</script>",
        "名前 🚀 \u202e",
        "x" * 100_000,
        'quote " backslash \\ nul \u0000',
    ],
)
def test_hostile_strings_are_stored_verbatim(backend, admin, value):
    created = assert_json(admin.post(backend.url("/api_keys"), json={"name": value}), 201)
    assert created["name"] == value
    listed = assert_json(admin.get(backend.url("/api_keys")), 200)
    assert listed[0]["id"] == created["id"] and listed[0]["name"] == value
    for path in (f"/api_keys/{value[:2000]}", f"/users/{value[:2000]}"):
        assert admin.delete(backend.url(path)).status_code in (404, 405, 422)
    observability = [
        f"/api/v1/observability/services/{value[:2000]}/spans",
        f"/api/v1/observability/services/{value[:2000]}/spans/root?has_llm=true",
        f"/api/v1/observability/traces/{value[:2000]}/spans",
        f"/api/v1/observability/traces/{value[:2000]}/spans/{value[:100]}",
    ]
    for path in observability:
        assert admin.get(backend.url(path)).status_code in (200, 404), path


def test_wrong_types_are_422(backend, admin):
    for body in ([], "text", {"name": 5}, {"name": None}, {"name": ["a"]}):
        assert_json(admin.post(backend.url("/api_keys"), json=body), 422)
    assert_json(admin.get(backend.url("/api/v1/observability/services/s/spans?limit=abc")), 422)
    assert_json(admin.get(backend.url("/api/v1/observability/services/s/spans?offset=-1")), 422)
    assert_json(admin.get(backend.url("/api/v1/observability/services/s/spans?limit=10001")), 422)
    assert_json(admin.get(backend.url("/api/v1/observability/services/s/spans?offset=1" + "0" * 30)), 422)
    assert_json(admin.get(backend.url("/api/v1/observability/services/s/spans/root?has_llm=maybe")), 422)


def test_held_sqlite_write_lock_gives_503_then_recovers(backend, admin):
    """B18: the shared backend runs with --sqlite-busy-timeout-s 0.5."""
    holder = sqlite3.connect(backend.data_dir / "junjo.sqlite", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = admin.post(backend.url("/api_keys"), json={"name": "while locked"}, timeout=10)
        assert assert_json(response, 503) == {"detail": "Database is busy, retry later"}
        assert response.headers["retry-after"] == "1"
        assert_json(admin.get(backend.url("/api_keys")), 200)  # readers are not blocked (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert_json(admin.post(backend.url("/api_keys"), json={"name": "after the lock"}), 201)


def test_concurrent_requests_all_succeed(backend, admin):
    cookies = admin.cookies.get_dict()
    statuses: list[int] = []

    def worker():
        session = backend.session()
        for _ in range(10):
            statuses.append(session.get(backend.url("/auth-test"), cookies=cookies, timeout=10).status_code)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 100
