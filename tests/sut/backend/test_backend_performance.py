"""Performance of the backend (policy B15): poller throughput into DuckDB, a page of 100 spans out of
10,000, a 1000-span trace, and start-up time. The numbers are printed; the asserts use the B15 bounds."""

import statistics
import time

import pytest
from backend_harness import ADMIN, PASSWORD, BackendProcess, FakeIngestion, resource, span, wait_for

TOTAL = 10_000
TRACE_SPANS = 1_000
BIG_TRACE = "f" * 32
START_NS = 1_761_991_200_000_000_000


def timed(call, repeat: int) -> list[float]:
    durations = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        durations.append((time.perf_counter() - started) * 1000)
    return durations


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    fake = FakeIngestion()
    backend = BackendProcess(tmp_path_factory.mktemp("perf"), ["--ingestion-address", fake.address])
    started = time.perf_counter()
    backend.start()
    startup_s = time.perf_counter() - started
    backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    client = backend.sign_in(ADMIN)

    attributes = {"llm.model": "gpt-4o", "tokens": 123, "openinference.span.kind": "LLM", "payload": "x" * 200}
    spans = [
        span(
            BIG_TRACE if i < TRACE_SPANS else f"{i // 10 + 1:032x}",
            f"{i + 1:016x}",
            parent="" if i % 10 == 0 else f"{i // 10 * 10 + 1:016x}",
            start_ns=START_NS + i * 1_000_000,
            attributes=attributes,
            events=[("set_state", START_NS + i, {"junjo.state_json_patch": "[]", "junjo.store.id": "s"})],
        )
        for i in range(TOTAL)
    ]
    ingest_started = time.perf_counter()
    fake.add(spans, resource("perf"))
    last = f"{backend.url('/api/v1/observability/services/perf/spans')}?limit=1&offset={TOTAL - 1}"
    wait_for(lambda: client.get(last).json(), timeout_s=60, interval_s=0.02, message="10,000 spans stored")
    ingest_s = time.perf_counter() - ingest_started
    yield backend, client, {"startup_s": startup_s, "spans_per_s": TOTAL / ingest_s}
    backend.stop()
    fake.stop()


def test_performance(loaded, capsys):
    backend, client, measured = loaded
    pages = []
    for offset in (0, 5_000, 9_900):
        url = backend.url(f"/api/v1/observability/services/perf/spans?limit=100&offset={offset}")
        assert len(client.get(url).json()) == 100
        pages += timed(lambda url=url: client.get(url).raise_for_status(), 10)
    trace_url = backend.url(f"/api/v1/observability/traces/{BIG_TRACE}/spans")
    assert len(client.get(trace_url).json()) == TRACE_SPANS
    trace = timed(lambda: client.get(trace_url).raise_for_status(), 5)
    root_url = backend.url("/api/v1/observability/services/perf/spans/root?has_llm=true&limit=100")
    roots = timed(lambda: client.get(root_url).raise_for_status(), 10)

    with capsys.disabled():
        print(
            f"\nbackend performance: start-up {measured['startup_s']:.2f} s; "
            f"poller {measured['spans_per_s']:.0f} spans/s into DuckDB; "
            f"page of 100 of {TOTAL}: median {statistics.median(pages):.1f} ms, max {max(pages):.1f} ms; "
            f"root spans with has_llm: median {statistics.median(roots):.1f} ms; "
            f"{TRACE_SPANS}-span trace: median {statistics.median(trace):.1f} ms"
        )
    assert measured["startup_s"] < 3
    assert statistics.median(pages) < 50
    assert statistics.median(trace) < 500
