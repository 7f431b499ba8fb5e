"""The backend defects of the performance suites really do what they model: paging in the application,
N+1 queries for a trace, long attributes cut. The span store runs in-process on a temporary file."""

from contextlib import contextmanager

import pytest
from backend_harness import resource, span

from sut.backend import span_convert, span_store
from sut.defects import long_attributes_truncated, paging_in_application, trace_spans_fetched_one_by_one
from sut.protos import ingestion_pb2

TRACE = "ab" * 16
START_NS = 1_761_991_200_000_000_000


@pytest.fixture
def store(tmp_path, monkeypatch):
    """A span store holding one trace of 30 spans of service ``svc``, and the SQL it executes."""
    monkeypatch.setattr(span_store.SpanStore, "find_spans", span_store.SpanStore.find_spans)  # restored later
    opened = span_store.SpanStore(tmp_path / "spans.duckdb", idle_close_s=5, lock_wait_s=1)
    messages = [ingestion_pb2.ReadSpansResponse(key_ulid=b"k", resource_bytes=resource("svc").SerializeToString(),
                                                span_bytes=span(TRACE, f"{i + 1:016x}", start_ns=START_NS + i * 1000,
                                                                ).SerializeToString()) for i in range(30)]
    opened.write_batch(*span_convert.convert_rows(messages)[:2])
    executed: list[str] = []
    cursor = opened.cursor

    @contextmanager
    def recording_cursor():
        with cursor() as cur:
            yield Recording(cur, executed)

    monkeypatch.setattr(opened, "cursor", recording_cursor)
    yield opened, executed
    opened.close()


class Recording:
    def __init__(self, cursor, executed):
        self._cursor, self._executed = cursor, executed

    def execute(self, sql, *args):
        self._executed.append(sql)
        return self._cursor.execute(sql, *args)


def page(store, offset):
    return [row[1] for row in store.find_spans(service="svc", limit=10, offset=offset)]


def test_pages_are_cut_by_the_database_and_the_defect_cuts_them_in_python(store):
    opened, executed = store
    correct = [page(opened, offset) for offset in (0, 10, 20)]
    assert all("LIMIT" in sql for sql in executed)
    paging_in_application.apply()
    executed.clear()
    assert [page(opened, offset) for offset in (0, 10, 20)] == correct
    assert executed and not any("LIMIT" in sql for sql in executed)


def test_a_trace_is_read_in_one_query_and_the_defect_reads_it_span_by_span(store):
    opened, executed = store
    correct = opened.find_spans(trace_id=TRACE)
    assert len(correct) == 30 and len(executed) == 1
    trace_spans_fetched_one_by_one.apply()
    executed.clear()
    assert opened.find_spans(trace_id=TRACE) == correct
    assert len(executed) == 31


def test_long_attributes_are_kept_whole_and_the_defect_cuts_them(monkeypatch):
    monkeypatch.setattr(span_convert, "any_value", span_convert.any_value)  # restored at teardown
    long = span(TRACE, "01" * 8, attributes={"prompt": "é" * 100_000})
    row, _ = span_convert.convert_span(long, "svc")
    assert len(span_convert.json.loads(row.attributes_json)["prompt"]) == 100_000
    long_attributes_truncated.apply()
    row, _ = span_convert.convert_span(long, "svc")
    assert len(span_convert.json.loads(row.attributes_json)["prompt"]) == long_attributes_truncated.LIMIT
