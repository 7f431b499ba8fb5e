"""Sessions and sign-in (contract A3, policies B1, B2, B3, B5)."""

import base64
import re
import sqlite3
import time

import pytest
from backend_harness import ADMIN, PASSWORD, wait_for

NO_SESSION = {"detail": "Unauthorized: No valid session"}


def cookie_header(response) -> str:
    return response.headers["set-cookie"]


def test_cookie_attributes_and_opacity(backend, admin, new_email):
    email = new_email("opaque")
    backend.create_user(admin, email)
    response = backend.session().post(backend.url("/sign-in"), json={"email": email, "password": PASSWORD})
    assert response.status_code == 200 and response.json() == {"message": "signed in"}
    header = cookie_header(response)
    assert re.fullmatch(r"session=[A-Za-z0-9_.-]+; HttpOnly; Max-Age=2592000; Path=/; SameSite=Strict", header)
    value = response.cookies["session"]
    decoded = b"".join(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) for part in value.split("."))
    for secret in (email.encode(), email.split("@")[0].encode(), b"email", b"session_id"):
        assert secret not in decoded and secret not in value.encode()


def test_production_cookie_is_secure(start_backend):
    backend = start_backend("--production", "1")
    backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    response = backend.session().post(backend.url("/sign-in"), json={"email": ADMIN, "password": PASSWORD})
    assert cookie_header(response).endswith("; SameSite=Strict; Secure")
    signed_out = backend.session().post(backend.url("/sign-out"))
    assert "Max-Age=0" in cookie_header(signed_out) and "Secure" in cookie_header(signed_out)


@pytest.mark.parametrize(
    "tamper",
    [
        # the signature's first character: its last one also holds padding bits, which decoding ignores
        lambda v: v[: v.rindex(".") + 1] + ("A" if v[v.rindex(".") + 1] != "A" else "B") + v[v.rindex(".") + 2 :],
        lambda v: ("B" if v[0] != "B" else "C") + v[1:],  # session id
        lambda v: v.split(".")[0],  # signature removed
        lambda v: v.split(".")[0] + ".AAAAAA." + v.split(".")[2],  # timestamp
        lambda v: v + "x",
        lambda v: "",
    ],
)
def test_tampered_cookie_is_anonymous(backend, admin, tamper):
    value = admin.cookies["session"]
    response = backend.anonymous("GET", "/auth-test", cookies={"session": tamper(value)})
    assert response.status_code == 401 and response.json() == NO_SESSION
    assert admin.get(backend.url("/auth-test")).status_code == 200


def test_sign_out_revokes_only_that_session(backend, admin, new_email):
    email = new_email("devices")
    backend.create_user(admin, email)
    laptop, phone = backend.sign_in(email), backend.sign_in(email)
    laptop_cookie = laptop.cookies["session"]

    response = laptop.post(backend.url("/sign-out"))
    assert response.status_code == 200 and response.json() == {"message": "signed out"}
    assert "session=" in cookie_header(response) and "Max-Age=0" in cookie_header(response)

    replay = backend.anonymous("GET", "/auth-test", cookies={"session": laptop_cookie})
    assert replay.status_code == 401 and replay.json() == NO_SESSION
    assert phone.get(backend.url("/auth-test")).json() == {"user_email": email}
    # idempotent, also anonymous
    assert backend.anonymous("POST", "/sign-out", cookies={"session": laptop_cookie}).status_code == 200
    assert backend.anonymous("POST", "/sign-out").json() == {"message": "signed out"}


def test_deleted_user_loses_access(backend, admin, new_email):
    email = new_email("deleted")
    backend.create_user(admin, email)
    victim = backend.sign_in(email)
    user_id = next(u["id"] for u in admin.get(backend.url("/users")).json() if u["email"] == email)
    admin.delete(backend.url(f"/users/{user_id}"))
    response = victim.get(backend.url("/auth-test"))
    assert response.status_code == 401
    assert response.json()["detail"] in ("Unauthorized: No valid session", "Unauthorized: User not found")


def test_session_expires(start_backend):
    backend = start_backend("--session-lifetime-s", "1")
    backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    session = backend.session()
    signed_in = session.post(backend.url("/sign-in"), json={"email": ADMIN, "password": PASSWORD})
    assert "; Max-Age=1;" in cookie_header(signed_in)
    assert session.get(backend.url("/auth-test")).status_code == 200
    cookie = session.cookies["session"]
    wait_for(
        lambda: backend.anonymous("GET", "/auth-test", cookies={"session": cookie}).status_code == 401,
        timeout_s=5,
        interval_s=0.2,
        message="expired session refused",
    )
    # the record is gone, not just refused
    with sqlite3.connect(backend.data_dir / "junjo.sqlite") as conn:
        assert conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_sessions_survive_a_restart(start_backend, tmp_path):
    first = start_backend()
    first.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    cookie = first.sign_in(ADMIN).cookies["session"]
    assert first.stop() == 0
    second = start_backend(data_dir=first.data_dir)
    assert second.anonymous("GET", "/auth-test", cookies={"session": cookie}).json() == {"user_email": ADMIN}


def test_failed_sign_ins_are_throttled_per_account(start_backend):
    backend = start_backend("--signin-max-failures", "3", "--signin-window-s", "2")
    backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    admin = backend.sign_in(ADMIN)
    backend.create_user(admin, "victim@example.com")
    backend.create_user(admin, "bystander@example.com")
    existing = backend.sign_in("victim@example.com")

    wrong = {"email": "victim@example.com", "password": "wrong password"}
    assert [backend.anonymous("POST", "/sign-in", json=wrong).status_code for _ in range(3)] == [401] * 3
    blocked = backend.anonymous("POST", "/sign-in", json={"email": "victim@example.com", "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json() == {"detail": "Too many failed sign-in attempts for this account; retry later"}
    assert 1 <= int(blocked.headers["retry-after"]) <= 2
    other_account = {"email": "VICTIM@example.com", "password": "x"}  # the local part is case-sensitive
    assert backend.anonymous("POST", "/sign-in", json=other_account).status_code == 401
    backend.sign_in("bystander@example.com")  # other accounts unaffected
    assert existing.get(backend.url("/auth-test")).status_code == 200  # existing sessions unaffected
    time.sleep(2.1)  # the window is the behaviour under test
    backend.sign_in("victim@example.com")
