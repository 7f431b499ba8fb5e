"""The seeded backend defects of the error-recovery and cache suites really break what they name (B11, B16-B20)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from backend_harness import ADMIN, PASSWORD, BackendProcess, FakeIngestion, resource, span, wait_for

from junjo_acceptance.fake_llm import formats
from junjo_acceptance.fake_llm.server import Behaviour
from junjo_acceptance.faults import span_store_file
from junjo_acceptance.faults.sqlite_lock import SqliteWriteLock

LLM_DEFECTS = {
    "model_cache_without_single_flight": [],
    "refresh_empties_model_cache": [],
    "provider_errors_as_500": [],
    "no_upstream_timeout": ["--llm-timeout-s", "0.5"],
    "provider_network_errors_as_500": [],
    "malformed_provider_answer_as_empty_list": [],
}
STORAGE_DEFECTS = {
    "sqlite_busy_as_500": ["--sqlite-busy-timeout-s", "0.3"],
    "sqlite_writes_fail_without_waiting": ["--sqlite-busy-timeout-s", "5"],
    "corrupt_span_store_recreated_empty": [],
    "queries_wait_for_ingestion": [],
}
TESTED_HERE = set(LLM_DEFECTS) | set(STORAGE_DEFECTS) | {"poller_dies_on_store_error"}

pytestmark = pytest.mark.usefixtures("clean_fake")


@pytest.fixture(scope="module")
def defective(fake, tmp_path_factory):
    """One backend per defect, started in parallel; LLM ones use the fake provider."""
    root = tmp_path_factory.mktemp("fault-defects")
    provider_args = []
    for provider, api_root in formats.API_ROOTS.items():
        provider_args += [f"--{provider}-base-url", fake.base_url + api_root,
                          f"--{provider}-api-key", fake.state.keys[provider]]
    processes = {name: BackendProcess(root / name, ["--defects", name, *provider_args, *args])
                 for name, args in {**LLM_DEFECTS, **STORAGE_DEFECTS}.items()}
    with ThreadPoolExecutor(4) as pool:  # ten Python start-ups at once can take long on two busy cores
        list(pool.map(lambda process: process.start(timeout_s=60), processes.values()))
    yield processes
    with ThreadPoolExecutor(len(processes)) as pool:
        list(pool.map(lambda process: process.stop(), processes.values()))


def signed_in(backend) -> requests.Session:
    backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    return backend.sign_in(ADMIN)


def behave(fake, kind, operation="models", **options):
    with fake.state.cond:
        fake.state.behaviours[("openai", operation)] = Behaviour(kind, **options)


def test_the_defects_tested_here_are_catalogued():
    from sut.defects import catalogue

    assert TESTED_HERE <= set(catalogue())


def test_model_cache_without_single_flight(defective, fake):
    backend = defective["model_cache_without_single_flight"]
    client = signed_in(backend)
    behave(fake, "answer", delay_s=0.3)
    with ThreadPoolExecutor(20) as pool:
        list(pool.map(lambda _: client.get(backend.url("/llm/providers/openai/models"), timeout=10), range(20)))
    assert len(fake.records("openai", "models")) > 1


def test_refresh_empties_model_cache(defective, fake):
    backend = defective["refresh_empties_model_cache"]
    client = signed_in(backend)
    url = backend.url("/llm/providers/openai/models")
    assert client.get(url, timeout=10).json()["models"]
    behave(fake, "hold")
    refresher = threading.Thread(target=client.post, args=(url + "/refresh",), kwargs={"timeout": 10})
    refresher.start()
    wait_for(lambda: len(fake.records("openai", "models")) == 2, message="refresh reaching the provider")
    assert signed_in(backend).get(url, timeout=10).json() == {"models": []}
    fake.state.release()
    refresher.join()


@pytest.mark.parametrize(("defect", "behaviour"), [("provider_errors_as_500", "rate limit"),
                                                   ("provider_network_errors_as_500", "close connection")])
def test_provider_failures_become_500(defective, fake, defect, behaviour):
    backend = defective[defect]
    behave(fake, behaviour)
    assert signed_in(backend).get(backend.url("/llm/providers/openai/models"), timeout=10).status_code == 500


def test_no_upstream_timeout(defective, fake):
    backend = defective["no_upstream_timeout"]
    behave(fake, "hang")
    with pytest.raises(requests.Timeout):
        signed_in(backend).get(backend.url("/llm/providers/openai/models"), timeout=2)
    fake.state.release()


def test_malformed_provider_answer_as_empty_list(defective, fake):
    backend = defective["malformed_provider_answer_as_empty_list"]
    behave(fake, "malformed json")
    answer = signed_in(backend).get(backend.url("/llm/providers/openai/models"), timeout=10)
    assert answer.status_code == 200 and answer.json() == {"models": []}


def test_sqlite_busy_as_500(defective):
    backend = defective["sqlite_busy_as_500"]
    client = signed_in(backend)
    lock = SqliteWriteLock(backend.data_dir / "junjo.sqlite", max_s=10)
    lock.acquire()
    try:
        assert client.post(backend.url("/api_keys"), json={"name": "k"}, timeout=10).status_code == 500
    finally:
        lock.release()


def test_sqlite_writes_fail_without_waiting(defective):
    backend = defective["sqlite_writes_fail_without_waiting"]
    client = signed_in(backend)
    lock = SqliteWriteLock(backend.data_dir / "junjo.sqlite", max_s=1)
    lock.acquire()
    started = time.monotonic()
    try:
        assert client.post(backend.url("/api_keys"), json={"name": "k"}, timeout=10).status_code == 503
        assert time.monotonic() - started < 0.9  # it did not wait for the 1 s lock (5 s busy timeout)
    finally:
        lock.release()


def test_corrupt_span_store_recreated_empty(defective):
    backend = defective["corrupt_span_store_recreated_empty"]
    client = signed_in(backend)
    services = backend.url("/api/v1/observability/services")
    assert client.get(services, timeout=10).status_code == 200
    store = backend.data_dir / "spans.duckdb"
    span_store_file.open_when_released(store, 10).close()
    span_store_file.corrupt(store, "header overwritten")
    answer = client.get(services, timeout=10)
    assert answer.status_code == 200 and answer.json() == []


def test_queries_wait_for_ingestion(defective):
    backend = defective["queries_wait_for_ingestion"]  # its ingestion address has nobody listening
    answer = signed_in(backend).get(backend.url("/api/v1/observability/traces/" + "a" * 32 + "/spans"), timeout=40)
    assert answer.status_code == 500


def test_poller_dies_on_store_error(tmp_path):
    ingestion = FakeIngestion()
    backend = BackendProcess(tmp_path, ["--defects", "poller_dies_on_store_error", "--ingestion-address",
                                        ingestion.address, "--duckdb-lock-wait-s", "0.2", "--poll-interval-s", "0.05"])
    backend.start()
    try:
        client = signed_in(backend)
        services = backend.url("/api/v1/observability/services")
        assert client.get(services, timeout=10).json() == []
        holder = span_store_file.open_when_released(backend.data_dir / "spans.duckdb", 10)
        ingestion.add([span("ab" * 16, "cd" * 8)], resource("lost-service"))
        wait_for(lambda: "the poller stops" in backend.log(), message="the poller giving up")
        holder.close()
        time.sleep(1)  # the correct poller would have stored the span by now
        assert client.get(services, timeout=10).json() == []
    finally:
        backend.stop()
        ingestion.stop()
