"""The backend defects of the concurrency suites really break what they name (A2, A6, B1, B11, B12).

Each test runs the correct code and the defect side by side, in-process on temporary files: the defect's
``apply()`` is called with every function it replaces saved by ``monkeypatch``, so the correct code is back
after the test.
"""

import contextlib
import sqlite3
import threading
import time

import pytest
from backend_harness import FakeIngestion, resource, span, wait_for

from sut.backend import api_keys, poller, sessions, span_convert, span_store, sqlite_store
from sut.backend.users import User
from sut.defects import (
    api_keys_without_unique_key,
    current_junjo_attributes_ignored,
    key_listing_reads_row_by_row,
    legacy_junjo_attributes_ignored,
    orphan_spans_dropped,
    poller_write_behind,
    sessions_keyed_by_email,
    signout_not_idempotent,
    span_reads_back_off_when_contended,
    state_patch_ids_not_idempotent,
    time_seeded_api_keys,
    timestamps_rounded_through_float,
)
from sut.protos import ingestion_pb2

TESTED_HERE = {
    "time_seeded_api_keys", "api_keys_without_unique_key", "key_listing_reads_row_by_row", "sessions_keyed_by_email",
    "signout_not_idempotent", "orphan_spans_dropped", "state_patch_ids_not_idempotent",
    "timestamps_rounded_through_float", "current_junjo_attributes_ignored", "legacy_junjo_attributes_ignored",
    "poller_write_behind", "span_reads_back_off_when_contended",
}
TRACE = "cd" * 16
USER = User(1, "user@example.com", True, "2025-11-01T10:00:00+00:00", "2025-11-01T10:00:00+00:00")


def switch_on(monkeypatch, defect, *replaced):
    """Apply ``defect`` after saving every ``(owner, name)`` it replaces, so monkeypatch restores them."""
    for owner, name in replaced:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    defect.apply()


@pytest.fixture
def db(tmp_path):
    store = sqlite_store.SqliteStore(tmp_path / "junjo.sqlite", busy_timeout_s=1)
    store.initialise()
    yield store
    store.close()


@pytest.fixture
def spans_file(tmp_path):
    store = span_store.SpanStore(tmp_path / "spans.duckdb", idle_close_s=5, lock_wait_s=1)
    yield store
    store.close()


def rows_of(*spans, service="svc"):
    messages = [ingestion_pb2.ReadSpansResponse(key_ulid=bytes([n + 1]) * 16, span_bytes=s.SerializeToString(),
                                                resource_bytes=resource(service).SerializeToString())
                for n, s in enumerate(spans)]
    return span_convert.convert_rows(messages)[:2]


def stored_count(store, table="spans"):
    with store.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# ---- API keys ---------------------------------------------------------------------------------------


def test_time_seeded_keys_collide_and_replace_each_other(db, monkeypatch):
    first, second = api_keys.create_key(db, 1, "a"), api_keys.create_key(db, 1, "b")
    assert first["key"] != second["key"] and len(api_keys.list_keys(db, 1)) == 2
    switch_on(monkeypatch, time_seeded_api_keys, (api_keys, "create_key"))
    monkeypatch.setattr("time.time", lambda: 1_700_000_000.5)  # both calls within the same second
    third, fourth = api_keys.create_key(db, 1, "c"), api_keys.create_key(db, 1, "d")
    assert (third["id"], third["key"]) == (fourth["id"], fourth["key"])
    assert len(api_keys.list_keys(db, 1)) == 3  # the second "created" key replaced the first


def test_without_unique_key_a_duplicate_key_is_stored(tmp_path, db, monkeypatch):
    insert = "INSERT INTO api_keys (id, key, name, created_at) VALUES (?, 'same', 'n', 'now')"
    with pytest.raises(sqlite3.IntegrityError), db.transaction() as conn:
        conn.execute(insert, ("one",))
        conn.execute(insert, ("two",))
    switch_on(monkeypatch, api_keys_without_unique_key, (sqlite_store.SqliteStore, "initialise"))
    broken = sqlite_store.SqliteStore(tmp_path / "broken.sqlite", busy_timeout_s=1)
    broken.initialise()
    with broken.transaction() as conn:
        conn.execute(insert, ("one",))
        conn.execute(insert, ("two",))
    assert "UNIQUE" in " ".join(sqlite_store.SCHEMA)  # the schema itself is restored
    broken.close()


class DeletingWhileReading:
    """A store whose second read happens after another client deleted ``victim`` (a race, made certain)."""

    def __init__(self, db, victim):
        self.db, self.victim, self.reads = db, victim, 0

    def read(self):
        self.reads += 1
        if self.reads == 2:
            api_keys.delete_key(self.db, 1, self.victim)
        return self.db.read()


def test_listing_keys_row_by_row_fails_when_a_key_is_deleted_meanwhile(db, monkeypatch):
    keys = [api_keys.create_key(db, 1, f"k{n}") for n in range(3)]
    assert len(api_keys.list_keys(DeletingWhileReading(db, keys[0]["id"]), 1)) == 3  # one read, one snapshot
    switch_on(monkeypatch, key_listing_reads_row_by_row, (api_keys, "list_keys"))
    with pytest.raises(TypeError):
        api_keys.list_keys(DeletingWhileReading(db, keys[1]["id"]), 1)


# ---- sessions ---------------------------------------------------------------------------------------


def test_sessions_keyed_by_email_are_one_shared_record(db, monkeypatch):
    signer = sessions.make_signer(b"secret")
    a, b = (sessions.unsign_cookie(signer, sessions.start_session(db, signer, USER, 60)) for _ in range(2))
    assert a != b
    switch_on(monkeypatch, sessions_keyed_by_email, (sessions, "start_session"))
    c, d = (sessions.unsign_cookie(signer, sessions.start_session(db, signer, USER, 60)) for _ in range(2))
    assert c == d
    sessions.end_session(db, c)  # signing out one device …
    assert sessions.resolve_session(db, d, 60)[0] is sessions.SessionState.ANONYMOUS  # … signs out the other


def test_signing_out_twice_fails_with_the_defect(db, monkeypatch):
    signer = sessions.make_signer(b"secret")
    session_id = sessions.unsign_cookie(signer, sessions.start_session(db, signer, USER, 60))
    sessions.end_session(db, session_id)
    sessions.end_session(db, session_id)  # idempotent
    switch_on(monkeypatch, signout_not_idempotent, (sessions, "end_session"))
    session_id = sessions.unsign_cookie(signer, sessions.start_session(db, signer, USER, 60))
    sessions.end_session(db, session_id)
    with pytest.raises(signout_not_idempotent.StaleSessionError):
        sessions.end_session(db, session_id)


# ---- spans ------------------------------------------------------------------------------------------


def test_a_child_read_before_its_parent_is_dropped_for_good(spans_file, monkeypatch):
    spans_file.write_batch(*rows_of(span(TRACE, "00000000000000a2", parent="00000000000000a1")))
    assert stored_count(spans_file) == 1
    switch_on(monkeypatch, orphan_spans_dropped, (span_store.SpanStore, "write_batch"))
    spans_file.write_batch(*rows_of(span(TRACE, "00000000000000b2", parent="00000000000000b1")))
    spans_file.write_batch(*rows_of(span(TRACE, "00000000000000b1")))
    spans_file.write_batch(*rows_of(span(TRACE, "00000000000000c1"), span(TRACE, "00000000000000c2",
                                                                        parent="00000000000000c1")))
    with spans_file.cursor() as cur:
        stored = {row[0] for row in cur.execute("SELECT span_id FROM spans").fetchall()}
    assert stored == {"00000000000000a2", "00000000000000b1", "00000000000000c1", "00000000000000c2"}


def test_random_patch_ids_store_a_resent_span_s_patches_twice(spans_file, monkeypatch):
    patched = span(TRACE, "00000000000000d1", events=[("set_state", 1_761_991_200_000_000_000,
                                                      {"junjo.state_json_patch": "[]", "junjo.store.id": "s"})])
    spans_file.write_batch(*rows_of(patched))
    spans_file.write_batch(*rows_of(patched))
    assert stored_count(spans_file, "state_patches") == 1
    switch_on(monkeypatch, state_patch_ids_not_idempotent, (span_convert, "patch_id"))
    spans_file.write_batch(*rows_of(patched))
    assert stored_count(spans_file, "state_patches") == 2 and stored_count(spans_file) == 1


def test_float_conversion_moves_times_a_microsecond_forward(monkeypatch):
    nanos = 1_761_991_200_123_456_999
    assert span_convert.micros(nanos) == 1_761_991_200_123_456
    switch_on(monkeypatch, timestamps_rounded_through_float, (span_convert, "micros"))
    assert span_convert.micros(nanos) == 1_761_991_200_123_457
    row, _ = span_convert.convert_span(span(TRACE, "00000000000000e1", start_ns=nanos), "svc")
    assert row.start_time == 1_761_991_200_123_457


@pytest.mark.parametrize("defect, attributes", [
    (current_junjo_attributes_ignored, {"junjo.executable_runtime_id": "run-1", "junjo.span_type": "node"}),
    (legacy_junjo_attributes_ignored, {"junjo.id": "run-1", "junjo.span_type": "node"}),
])
def test_one_telemetry_format_loses_its_junjo_ids(defect, attributes, monkeypatch):
    sent = span(TRACE, "00000000000000f1", attributes=attributes)
    assert span_convert.convert_span(sent, "svc")[0].junjo_id == "run-1"
    switch_on(monkeypatch, defect, (span_convert, "first_attribute"))
    assert span_convert.convert_span(sent, "svc")[0].junjo_id is None


def test_write_behind_moves_the_cursor_before_the_spans_are_stored(db, spans_file, monkeypatch):
    fake = FakeIngestion()
    fake.add([span(TRACE, f"{n + 1:016x}") for n in range(5)], resource("svc"))
    switch_on(monkeypatch, poller_write_behind, (poller.Poller, "poll_once"))
    monkeypatch.setattr(poller_write_behind, "FLUSH_INTERVAL_S", 0.5)
    reader = poller.Poller(fake.address, db, spans_file, interval_s=0.05, batch_size=100)
    try:
        assert reader.poll_once() == 5
        assert poller.load_cursor(db) == (5).to_bytes(16, "big") and stored_count(spans_file) == 0  # a kill now loses 5
        wait_for(lambda: stored_count(spans_file) == 5, message="the write-behind flush")
    finally:
        with contextlib.suppress(RuntimeError):  # the poller thread was never started
            reader.stop()
        fake.stop()


# ---- span store under concurrent readers -----------------------------------------------------------


def second_reader_wait_s(store) -> float:
    """Seconds a second reader waits for a span-store cursor while a first one holds one for 50 ms."""
    holding, waited = threading.Event(), []

    def first():
        with store.cursor():
            holding.set()
            time.sleep(0.05)

    thread = threading.Thread(target=first)
    thread.start()
    holding.wait(5)
    began = time.perf_counter()
    with store.cursor():
        waited.append(time.perf_counter() - began)
    thread.join()
    return waited[0]


def test_contended_span_reads_back_off_a_whole_period(spans_file, monkeypatch):
    assert second_reader_wait_s(spans_file) < 0.04  # correct code: readers share the store
    switch_on(monkeypatch, span_reads_back_off_when_contended, (span_store.SpanStore, "cursor"))
    assert second_reader_wait_s(spans_file) >= span_reads_back_off_when_contended.BACK_OFF_S
