"""Each seeded behaviour (``sut/behaviours``: legitimate ways real deployments differ) does what it says."""

import subprocess
import sys

import pytest
from backend_harness import ADMIN, PASSWORD, REPO, BackendProcess

from sut.behaviours import catalogue

BACKEND_BEHAVIOURS = sorted(name for name, module in catalogue().items() if module.PROCESS == "backend")


@pytest.fixture(scope="module")
def behaving(tmp_path_factory):
    """One backend with every backend behaviour switched on."""
    process = BackendProcess(tmp_path_factory.mktemp("behaviours"), ["--behaviours", ",".join(BACKEND_BEHAVIOURS)])
    process.start(timeout_s=60)
    yield process
    process.stop()


def test_every_behaviour_is_documented_and_legitimate():
    for name, module in catalogue().items():
        assert module.__doc__ and module.__doc__.strip(), name
        assert module.PROCESS in ("backend", "ingestion") and module.LEGITIMATE is True, name


def test_public_banner_and_config(behaving):
    for path in ("/", "/api/config"):
        answer = behaving.anonymous("GET", path)
        assert answer.status_code == 200, path
    assert "/" in behaving.anonymous("GET", "/openapi.json").json()["paths"]


def test_no_nosniff_header(behaving):
    assert "x-content-type-options" not in behaving.anonymous("GET", "/health").headers


def test_offset_is_ignored(behaving):
    behaving.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    session = behaving.sign_in(ADMIN)
    answer = session.get(behaving.url("/api/v1/observability/services/x/spans"), params={"offset": 5}, timeout=10)
    assert answer.status_code == 200 and answer.json() == []


def test_unknown_behaviour_is_refused(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sut.backend", "--data-dir", str(tmp_path), "--http-port", "0", "--auth-port", "0",
         "--behaviours", "no_such_behaviour"],
        cwd=REPO, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode != 0 and "unknown behaviour(s): no_such_behaviour" in result.stderr
