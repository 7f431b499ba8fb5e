"""In-process tests of the ingestion modules: keys, validation, throttle, key cache, gate, WAL, defects."""

import re
import threading
import time

import grpc
import pytest

from sut import defects
from sut.defects import (
    ack_before_wal_commit,
    invalid_key_throttle_ten_times_threshold,
    key_revocation_too_slow,
    keys_assigned_outside_transaction,
)
from sut.ingestion import batch, call_meta, settings, validation, wal
from sut.ingestion.backend_auth import BackendUnavailable
from sut.ingestion.gate import ExportGate
from sut.ingestion.key_cache import ApiKeyCache, Verdict
from sut.ingestion.throttle import InvalidKeyThrottle
from sut.ingestion.ulid import UlidGenerator


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FakeBackend:
    """Stands in for ``BackendAuthClient``: valid keys, reachability, call count."""

    def __init__(self, *valid_keys: str) -> None:
        self.valid_keys = set(valid_keys)
        self.reachable = True
        self.calls = 0

    def is_valid(self, api_key: str) -> bool:
        self.calls += 1
        if not self.reachable:
            raise BackendUnavailable("UNAVAILABLE: connection refused")
        return api_key in self.valid_keys


# --- ULID keys --------------------------------------------------------------------------------------------


def test_ulid_layout_is_millisecond_time_then_random():
    (key,) = UlidGenerator(clock_ms=lambda: 0x0123456789AB, random_bits=lambda bits: 7).next_keys(1)
    assert key == bytes.fromhex("0123456789AB") + (7).to_bytes(10, "big")


def test_ulid_keys_increase_within_a_millisecond_when_the_clock_goes_back_and_after_a_seed():
    clock = iter([5, 5, 3, 9]).__next__
    keys = UlidGenerator(clock_ms=clock, random_bits=lambda bits: 1 << 70).next_keys(4)
    assert keys == sorted(set(keys))
    assert int.from_bytes(keys[3][:6], "big") == 9
    seeded = UlidGenerator(after=keys[-1], clock_ms=lambda: 1).next_keys(2)
    assert keys[-1] < seeded[0] < seeded[1]


# --- validation -------------------------------------------------------------------------------------------


def test_valid_span_and_resource_pass(otlp):
    assert validation.span_reject_reason(otlp.span()) is None
    assert validation.resource_reject_reason(otlp.resource("svc")) is None


@pytest.mark.parametrize("service_name", [None, ""])
def test_resource_without_service_name_is_rejected(otlp, service_name):
    assert "service.name" in validation.resource_reject_reason(otlp.resource(service_name))


def test_span_reasons_name_the_problem(otlp):
    patch = {"name": "set_state", "attributes": [otlp.attribute("junjo.state_json_patch", "nope")]}
    cases = {
        "parent_span_id must be empty or 8 bytes, got 1": otlp.span(parent_span_id=b"x"),
        "end_time_unix_nano is before start_time_unix_nano": otlp.span(end_time_unix_nano=1),
        "attribute junjo.workflow.execution_graph_snapshot is not valid JSON": otlp.span(
            attributes=[otlp.attribute("junjo.workflow.execution_graph_snapshot", "{")]
        ),
        "event 1 (set_state): attribute junjo.state_json_patch is not valid JSON": otlp.span(
            events=[{"name": "other"}, patch]
        ),
        "attribute junjo.workflow.state.start is nested too deeply to read": otlp.span(
            attributes=[otlp.attribute("junjo.workflow.state.start", "[" * 5000 + "]" * 5000)]
        ),
    }
    for expected, span in cases.items():
        assert validation.span_reject_reason(span).startswith(expected)


def test_prepare_numbers_spans_across_resources_and_summarises_the_first_reasons(otlp):
    request = otlp.multi_request([("a", [otlp.span(name="")] * 3), (None, otlp.spans(4)), ("b", otlp.spans(1))])
    prepared = batch.prepare(request)
    assert len(prepared.rows) == 1
    assert len(prepared.rejections) == 7
    assert prepared.rejection_summary() == (
        "span 0: name is empty; span 1: name is empty; span 2: name is empty; "
        "span 3: resource attribute service.name must be a non-empty string; "
        "span 4: resource attribute service.name must be a non-empty string; and 2 more"
    )


# --- call metadata, settings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "address"),
    [
        ("ipv4:127.0.0.1:5000", "127.0.0.1"),
        ("ipv6:[::1]:5000", "::1"),
        ("ipv6:%5B%3A%3A1%5D:5000", "::1"),
        ("unix:/tmp/socket", "unix:/tmp/socket"),
    ],
)
def test_client_address_drops_the_port(peer, address):
    assert call_meta.client_address(peer) == address


def test_api_key_comes_from_metadata():
    assert call_meta.api_key([("user-agent", "x"), ("x-junjo-api-key", "k")]) == "k"
    assert call_meta.api_key([("x-junjo-api-key", b"k")]) == "k"
    assert call_meta.api_key([]) == ""


def test_settings_fall_back_to_environment(monkeypatch):
    monkeypatch.setenv("JUNJO_INVALID_KEY_MAX_FAILURES", "7")
    monkeypatch.setenv("JUNJO_KEY_REVALIDATE_S", "0.5")
    parsed = settings.parse_settings([])
    assert (parsed.invalid_key_max_failures, parsed.key_revalidate_s, parsed.otlp_port) == (7, 0.5, 50051)
    assert settings.parse_settings(["--invalid-key-max-failures", "3"]).invalid_key_max_failures == 3


# --- throttle, key cache, gate ----------------------------------------------------------------------------


def test_throttle_counts_failures_per_client_in_a_sliding_window():
    clock = FakeClock()
    throttle = InvalidKeyThrottle(max_failures=3, window_s=10, clock=clock)
    for _ in range(2):
        throttle.record_failure("a")
        clock.now += 1
    assert throttle.is_throttled("a") is None
    throttle.record_failure("a")
    assert throttle.is_throttled("a") == pytest.approx(8)
    assert throttle.is_throttled("b") is None
    clock.now += 8
    assert throttle.is_throttled("a") is None
    throttle.record_failure("a")
    assert throttle.is_throttled("a") == pytest.approx(1)


def test_throttle_with_zero_failures_is_off():
    throttle = InvalidKeyThrottle(max_failures=0, window_s=10)
    throttle.record_failure("a")
    assert throttle.is_throttled("a") is None


def test_key_cache_revalidates_and_trusts_stale_keys_only_while_the_backend_is_down():
    clock, backend = FakeClock(), FakeBackend("k")
    cache = ApiKeyCache(backend, revalidate_s=2, max_age_s=60, clock=clock)
    assert cache.check("k") is Verdict.VALID and cache.check("k") is Verdict.VALID
    assert backend.calls == 1
    clock.now += 3
    backend.reachable = False
    assert cache.check("k") is Verdict.VALID
    assert cache.check("unknown") is Verdict.UNAVAILABLE
    clock.now += 60
    assert not cache.is_cached("k")
    assert cache.check("k") is Verdict.UNAVAILABLE
    backend.reachable = True
    assert cache.check("k") is Verdict.VALID
    backend.valid_keys.clear()
    clock.now += 3
    assert cache.check("k") is Verdict.INVALID
    assert not cache.is_cached("k")


def test_gate_refuses_throttled_clients_without_asking_the_backend_but_lets_cached_keys_through():
    backend = FakeBackend("good")
    gate = ExportGate(ApiKeyCache(backend, 2, 60), InvalidKeyThrottle(2, 60), "backend:1")
    assert gate.admit("good", "ip") is None
    assert gate.admit("bad", "ip").code is grpc.StatusCode.UNAUTHENTICATED
    assert gate.admit("", "ip").code is grpc.StatusCode.UNAUTHENTICATED
    calls = backend.calls
    assert gate.admit("bad", "ip").code is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert gate.admit("", "ip").message == "too many invalid API keys from this client; retry after 60 s"
    assert backend.calls == calls
    assert gate.admit("good", "ip") is None
    assert gate.admit("bad", "other-ip").code is grpc.StatusCode.UNAUTHENTICATED


# --- WAL and its defects ----------------------------------------------------------------------------------


@pytest.fixture
def wal_file(tmp_path):
    """A WAL in ``tmp_path``, closed at teardown."""
    log = wal.Wal(tmp_path)
    yield log
    log.close()


def commit_order_matches_key_order(log: wal.Wal, threads: int = 8, appends: int = 40) -> bool:
    """Append concurrently from ``threads`` threads; whether rows were committed (rowid order) in key order."""

    def append_many(thread: int) -> None:
        for number in range(appends):
            log.append([(f"{thread}-{number}".encode(), b"resource")])

    workers = [threading.Thread(target=append_many, args=(thread,)) for thread in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    reader = wal._connect(log.path)
    keys = [key for (key,) in reader.execute("SELECT key FROM wal ORDER BY rowid")]
    reader.close()
    return keys == sorted(keys)


def test_wal_appends_commit_in_key_order_and_survive_reopening(tmp_path, wal_file):
    assert commit_order_matches_key_order(wal_file)
    last = list(wal_file.read(b"", 10_000))[-1]
    wal_file.close()
    reopened = wal.Wal(tmp_path)
    reopened.append([(b"span", b"resource")])
    (row,) = reopened.read(last.key, 10)
    assert row.key > last.key and row.span == b"span"
    reopened.close()


def test_defect_keys_assigned_outside_transaction_commits_out_of_key_order(monkeypatch, wal_file):
    monkeypatch.setattr(wal.Wal, "append", wal.Wal.append)  # restored at teardown
    keys_assigned_outside_transaction.apply()
    assert not commit_order_matches_key_order(wal_file)


def test_defect_ack_before_wal_commit_returns_before_the_rows_are_stored(monkeypatch, wal_file):
    monkeypatch.setattr(wal.Wal, "append", wal.Wal.append)  # restored at teardown
    ack_before_wal_commit.apply()
    wal_file.append([(b"span", b"resource")])
    assert list(wal_file.read(b"", 10)) == []
    deadline = time.monotonic() + 5
    while not list(wal_file.read(b"", 10)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [row.span for row in wal_file.read(b"", 10)] == [b"span"]


def test_ingestion_defects_follow_the_catalogue_conventions():
    ingestion_defects = {name: module for name, module in defects.catalogue().items() if module.PROCESS == "ingestion"}
    assert set(ingestion_defects) >= {
        "no_invalid_key_throttle", "ack_before_wal_commit", "keys_assigned_outside_transaction", "stale_key_cache"
    }  # fmt: skip
    for module in ingestion_defects.values():
        assert module.__doc__.strip().splitlines()[0]
        assert re.fullmatch(r"B\d+", module.POLICY)
        assert isinstance(module.CAUGHT_BY, list) and callable(module.apply)


def test_defect_invalid_key_throttle_ten_times_threshold(monkeypatch):
    monkeypatch.setattr(InvalidKeyThrottle, "__init__", InvalidKeyThrottle.__init__)  # restored at teardown
    invalid_key_throttle_ten_times_threshold.apply()
    throttle = InvalidKeyThrottle(max_failures=3, window_s=10, clock=FakeClock())
    for _ in range(29):
        throttle.record_failure("a")
    assert throttle.is_throttled("a") is None  # the configured 3 would throttle here
    throttle.record_failure("a")
    assert throttle.is_throttled("a") is not None


def test_defect_key_revocation_too_slow(monkeypatch):
    monkeypatch.setattr(ApiKeyCache, "trusts_without_check", ApiKeyCache.trusts_without_check)
    clock, backend = FakeClock(), FakeBackend("k")
    cache = ApiKeyCache(backend, revalidate_s=2, max_age_s=60, clock=clock)
    assert cache.check("k") is Verdict.VALID
    key_revocation_too_slow.apply()
    backend.valid_keys.clear()  # the key is deleted
    clock.now += 3
    assert cache.check("k") is Verdict.VALID  # the configured 2 s would re-check and refuse it
    clock.now += 18
    assert cache.check("k") is Verdict.INVALID
