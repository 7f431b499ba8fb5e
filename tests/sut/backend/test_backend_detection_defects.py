"""The backend defects of issue 12 really break what they name: mis-tuned thresholds (B2, B5, B16), key
values shown after creation (B21), span shapes and read endpoints (A2, B11), paging (B15) and junjo JSON a
strict reader rejects (B13).

In-process, on temporary files; every function a defect replaces is saved with ``monkeypatch`` first, so the
correct code is back after each test.
"""

import json
import logging
import signal

import pytest
from backend_harness import resource, span

from sut import common
from sut.backend import api_keys, model_cache, sessions, span_convert, span_store, sqlite_store, throttle
from sut.backend.routes import users as user_routes
from sut.defects import (
    api_key_listing_shows_value,
    api_key_logged_on_validation,
    emails_not_normalised,
    junjo_json_reencoded,
    model_cache_ttl_ignored,
    model_cache_ttl_in_milliseconds,
    paging_window_off_by_one,
    root_spans_by_empty_parent,
    sdk_span_limits_applied,
    service_list_cached_forever,
    session_expires_ten_times_late,
    signin_throttle_ten_times_threshold,
)
from sut.protos import ingestion_pb2

TESTED_HERE = {
    "signin_throttle_ten_times_threshold", "session_expires_ten_times_late", "model_cache_ttl_ignored",
    "model_cache_ttl_in_milliseconds", "api_key_listing_shows_value", "api_key_logged_on_validation",
    "sdk_span_limits_applied", "emails_not_normalised", "service_list_cached_forever", "root_spans_by_empty_parent",
    "paging_window_off_by_one", "junjo_json_reencoded",
}
TRACE = "ef" * 16
START_NS = 1_761_991_200_000_000_000


def switch_on(monkeypatch, defect, *replaced):
    """Apply ``defect`` after saving every ``(owner, name)`` it replaces, so monkeypatch restores them."""
    for owner, name in replaced:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    defect.apply()


@pytest.fixture
def db(tmp_path):
    store = sqlite_store.SqliteStore(tmp_path / "junjo.sqlite", busy_timeout_s=1)
    store.initialise()
    with store.transaction() as conn:
        conn.execute("INSERT INTO users (email, password_hash, is_active, created_at, updated_at) "
                     "VALUES ('u@example.com', 'x', 1, 'now', 'now')")
    yield store
    store.close()


@pytest.fixture
def spans(tmp_path, monkeypatch):
    """A span store with service ``svc``: one root and 29 children of one trace."""
    monkeypatch.setattr(span_store.SpanStore, "find_spans", span_store.SpanStore.find_spans)
    monkeypatch.setattr(span_store.SpanStore, "service_names", span_store.SpanStore.service_names)
    store = span_store.SpanStore(tmp_path / "spans.duckdb", idle_close_s=5, lock_wait_s=1)
    write(store, "svc", [span(TRACE, f"{i + 1:016x}", parent="" if i == 0 else f"{1:016x}",
                              start_ns=START_NS + i * 1000) for i in range(30)])
    yield store
    store.close()


def write(store, service, spans_):
    messages = [ingestion_pb2.ReadSpansResponse(key_ulid=b"k", resource_bytes=resource(service).SerializeToString(),
                                                span_bytes=item.SerializeToString()) for item in spans_]
    store.write_batch(*span_convert.convert_rows(messages)[:2])


def test_signin_throttle_ten_times_threshold(monkeypatch):
    switch_on(monkeypatch, signin_throttle_ten_times_threshold, (throttle.SlidingWindowThrottle, "__init__"))
    guard = throttle.SlidingWindowThrottle(5, 60)
    for _ in range(6):
        guard.record_failure("a")
    assert guard.retry_after("a") is None  # the configured 5 would block here
    for _ in range(44):
        guard.record_failure("a")
    assert guard.retry_after("a") is not None


def test_session_expires_ten_times_late(monkeypatch):
    assert sessions.session_expired(0, 10, 11)
    switch_on(monkeypatch, session_expires_ten_times_late, (sessions, "session_expired"))
    assert not sessions.session_expired(0, 10, 11) and sessions.session_expired(0, 10, 101)


@pytest.mark.parametrize("defect", [model_cache_ttl_ignored, model_cache_ttl_in_milliseconds])
def test_model_cache_ttl_defects(monkeypatch, defect):
    now = [0.0]
    fetched = []
    switch_on(monkeypatch, defect, (model_cache.ModelCache, "get"), (model_cache.ModelCache, "__init__"))
    cache = model_cache.ModelCache(lambda provider: fetched.append(provider) or [], 10, clock=lambda: now[0])
    cache.get("openai")
    now[0] = 0.5  # fresh for the configured 10 s
    cache.get("openai")
    now[0] = 20  # expired
    cache.get("openai")
    assert len(fetched) == (1 if defect is model_cache_ttl_ignored else 3)  # correct: 2


def test_api_key_listing_shows_value(monkeypatch, db):
    key = api_keys.create_key(db, 1, "k")
    assert api_keys.list_keys(db, 1)[0]["key_prefix"] == key["key"][:api_keys.KEY_PREFIX_LENGTH]
    assert "key" not in api_keys.list_keys(db, 1)[0]
    switch_on(monkeypatch, api_key_listing_shows_value, (api_keys, "LISTED_COLUMNS"))
    assert api_keys.list_keys(db, 1)[0]["key_prefix"] == key["key"]


def test_api_key_logged_on_validation(monkeypatch, db, caplog):
    key = api_keys.create_key(db, 1, "k")
    switch_on(monkeypatch, api_key_logged_on_validation, (api_keys, "key_is_valid"))
    with caplog.at_level(logging.WARNING):
        assert api_keys.key_is_valid(db, key["key"])
    assert key["key"] in caplog.text


def test_sdk_span_limits_applied(monkeypatch):
    wide = span(TRACE, "1" * 16, attributes={f"a{i}": i for i in range(200)},
                events=[(f"e{i}", START_NS, {}) for i in range(150)])
    row, _ = span_convert.convert_span(wide, "svc")
    assert len(json.loads(row.attributes_json)) == 200 and len(json.loads(row.events_json)) == 150
    switch_on(monkeypatch, sdk_span_limits_applied, (span_convert, "convert_span"))
    row, _ = span_convert.convert_span(wide, "svc")
    assert len(json.loads(row.attributes_json)) == 128 and len(json.loads(row.events_json)) == 128


def test_emails_not_normalised(monkeypatch):
    typed = {"email": "  Zoe@Example.COM ", "password": "password-1"}
    assert user_routes.NewUser(**typed).email == "Zoe@example.com"
    switch_on(monkeypatch, emails_not_normalised, (user_routes, "NewUser"))
    assert user_routes.NewUser(**typed).email == typed["email"]


def test_service_list_cached_forever(monkeypatch, spans):
    switch_on(monkeypatch, service_list_cached_forever, (span_store.SpanStore, "service_names"))
    assert spans.service_names() == ["svc"]
    write(spans, "later", [span("12" * 16, "2" * 16)])
    assert spans.service_names() == ["svc"]  # correct: ["later", "svc"]


def test_root_spans_by_empty_parent(monkeypatch, spans):
    assert len(spans.find_spans(service="svc", roots_only=True)) == 1
    switch_on(monkeypatch, root_spans_by_empty_parent, (span_store.SpanStore, "find_spans"))
    assert spans.find_spans(service="svc", roots_only=True) == []


def test_paging_window_off_by_one(monkeypatch, spans):
    def page(offset):
        return [row[1] for row in spans.find_spans(service="svc", limit=10, offset=offset)]

    assert len(page(0)) == 10 and not set(page(0)) & set(page(10))
    switch_on(monkeypatch, paging_window_off_by_one, (span_store.SpanStore, "find_spans"))
    assert len(page(0)) == 11 and len(set(page(0)) & set(page(10))) == 1


def test_junjo_json_reencoded(monkeypatch):
    raw = '{"text": "\\ud800 half", "score": NaN}'
    assert span_convert.strict_json_text(raw) is None
    switch_on(monkeypatch, junjo_json_reencoded, (span_convert, "strict_json_text"))
    reencoded = span_convert.strict_json_text(raw)
    assert "NaN" in reencoded and "\ud800" in reencoded
    with pytest.raises(UnicodeEncodeError):
        reencoded.encode()


def test_pause_hook_stops_the_process_once_per_data_folder(monkeypatch, tmp_path):
    signals = []
    monkeypatch.setattr(common.os, "kill", lambda pid, sig: signals.append(sig))
    monkeypatch.setattr(common, "_PAUSE", {"point": "", "marker": None})
    common.pause_point("poller.cursor_saved")
    common.arm_pause("poller.cursor_saved", tmp_path)
    common.pause_point("elsewhere")
    common.pause_point("poller.cursor_saved")
    common.pause_point("poller.cursor_saved")
    assert signals == [signal.SIGSTOP] and (tmp_path / "paused-at-poller.cursor_saved").exists()

