"""Fixtures for the backend tests: the real ``python -m sut.backend`` process on free ports."""

import uuid
from pathlib import Path

import pytest
import requests
from backend_harness import ADMIN, PASSWORD, BackendProcess

from junjo_acceptance.fake_llm import formats
from junjo_acceptance.fake_llm.server import FakeProviderServer


@pytest.fixture
def start_backend(tmp_path):
    """``start_backend(*args, data_dir=None)`` starts a backend that is stopped after the test."""
    started: list[BackendProcess] = []

    def start(*args: str, data_dir: Path | None = None, workdir: Path | None = None) -> BackendProcess:
        backend = BackendProcess(workdir or tmp_path / f"b{len(started)}", list(args), data_dir)
        started.append(backend)
        return backend.start()

    yield start
    for backend in started:
        backend.stop()


@pytest.fixture(scope="session")
def backend(tmp_path_factory):
    """A backend shared by the tests that only add their own users and keys; its first user is ADMIN."""
    process = BackendProcess(tmp_path_factory.mktemp("shared-backend"), ["--sqlite-busy-timeout-s", "0.5"]).start()
    response = process.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    assert response.status_code == 200, response.text
    yield process
    assert process.stop() == 0



@pytest.fixture
def admin(backend) -> requests.Session:
    return backend.sign_in(ADMIN)


@pytest.fixture
def new_email():
    """A fresh address for each call, so tests on the shared backend never collide."""
    return lambda prefix="user": f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


@pytest.fixture(scope="module")
def fake():
    """The suite's fake LLM provider on loopback (a real HTTP server), one per test module."""
    server = FakeProviderServer({p: f"key-{p}-0123456789" for p in formats.PROVIDERS}).start()
    yield server
    server.stop()


@pytest.fixture
def clean_fake(fake):
    """Forget the fake provider's scripted behaviours and recorded requests after each test."""
    yield
    fake.state.reset()
