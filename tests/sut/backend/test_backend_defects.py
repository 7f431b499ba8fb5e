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
    "unsigned_session_cookie": [],
    "transparent_session_cookie": [],
    "signout_keeps_session": [],
    "session_never_expires": ["--session-lifetime-s", "1"],
    "racy_first_user": [],
    "unprotected_services_endpoint": [],
    "no_signin_throttle": ["--signin-max-failures", "2"],
}


@pytest.fixture(scope="module")
def defective(tmp_path_factory):
    """One backend per defect, started in parallel."""
    root = tmp_path_factory.mktemp("defects")
    processes = {name: BackendProcess(root / name, ["--defects", name, *args]) for name, args in DEFECT_ARGS.items()}
    with ThreadPoolExecutor(len(processes)) as pool:
        list(pool.map(lambda process: process.start(), processes.values()))
    yield processes
    with ThreadPoolExecutor(len(processes)) as pool:
        list(pool.map(lambda process: process.stop(), processes.values()))


def admin_session(backend):
    backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    return backend.sign_in(ADMIN)


def test_every_backend_defect_is_catalogued_and_tested():
    backend_defects = {name for name, module in catalogue().items() if module.PROCESS == "backend"}
    assert backend_defects == set(DEFECT_ARGS)
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
