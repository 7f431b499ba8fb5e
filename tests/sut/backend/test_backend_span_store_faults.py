"""A corrupted or held span store gives a clear 503 (policy B20), never empty results; the rest works."""

import os

import duckdb
from backend_harness import ADMIN, PASSWORD, wait_for

OBS_ENDPOINTS = [
    "/api/v1/observability/services",
    "/api/v1/observability/services/s/spans",
    "/api/v1/observability/services/s/spans/root?has_llm=true",
    "/api/v1/observability/services/s/workflows",
    "/api/v1/observability/traces/t/spans",
    "/api/v1/observability/traces/t/spans/s",
]


def open_read_only(store):
    """A read-only connection from this process, once the idle backend has released the file."""

    def attempt():
        try:
            return duckdb.connect(str(store), read_only=True)
        except duckdb.IOException:
            return None

    return wait_for(attempt, message="span store released by the idle backend")


def corrupted_message(path) -> str:
    return f"Span store {path} is unreadable or corrupted ("


def test_corrupted_store_at_start_is_reported_and_served_as_503(start_backend, tmp_path):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    store = data_dir / "spans.duckdb"
    store.write_bytes(os.urandom(64 * 1024))
    backend = start_backend(data_dir=data_dir)
    assert backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD}).ok
    client = backend.sign_in(ADMIN)
    for path in OBS_ENDPOINTS:
        response = client.get(backend.url(path))
        assert response.status_code == 503, path
        detail = response.json()["detail"]
        assert detail.startswith(corrupted_message(store.resolve()))
        assert detail.endswith("stop the backend, move the file away and restart to rebuild it from ingestion")
    assert client.get(backend.url("/auth-test")).status_code == 200
    assert client.post(backend.url("/api_keys"), json={"name": "still works"}).status_code == 201
    assert corrupted_message(store.resolve()) in backend.log()


def test_store_corrupted_while_running(start_backend, tmp_path):
    backend = start_backend()
    backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    client = backend.sign_in(ADMIN)
    assert client.get(backend.url("/api/v1/observability/services")).json() == []
    store = backend.data_dir / "spans.duckdb"
    open_read_only(store).close()  # released by the idle backend: now overwrite its header
    with open(store, "r+b") as handle:
        handle.write(b"\0" * 8192)
    response = client.get(backend.url("/api/v1/observability/services"))
    assert response.status_code == 503 and response.json()["detail"].startswith(corrupted_message(store.resolve()))


def test_store_held_longer_than_the_lock_wait_gives_retryable_503(start_backend):
    backend = start_backend("--duckdb-lock-wait-s", "0.3")
    backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    client = backend.sign_in(ADMIN)
    store = backend.data_dir / "spans.duckdb"
    holder = open_read_only(store)
    try:
        response = client.get(backend.url("/api/v1/observability/services"))
        assert response.status_code == 503
        assert response.json() == {"detail": f"Span store {store.resolve()} is held by another process; retry later"}
        assert response.headers["retry-after"] == "1"
    finally:
        holder.close()
    assert client.get(backend.url("/api/v1/observability/services")).json() == []
