"""The span store ``spans.duckdb``: schema, batch writes and span queries.

DuckDB locks its file per process, so the store is opened on demand and closed after
``idle_close_s`` without use: under load it stays open, when idle another process (an inspector) can
open the file. While someone else holds the file, opening is retried for up to ``lock_wait_s``.
A file that cannot be opened for another reason is reported as corrupted (policy B20), never as empty.
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import duckdb

log = logging.getLogger(__name__)


class SpanRow(NamedTuple):
    """One ``spans`` row as written: timestamps in µs since the epoch, JSON columns as JSON text."""

    trace_id: str
    span_id: str
    parent_span_id: str | None
    service_name: str
    name: str
    kind: str
    start_time: int
    end_time: int
    status_code: str
    status_message: str
    attributes_json: str
    events_json: str
    links_json: str
    trace_flags: int
    trace_state: str
    junjo_id: str | None
    junjo_parent_id: str | None
    junjo_span_type: str | None
    junjo_wf_state_start: str | None
    junjo_wf_state_end: str | None
    junjo_wf_graph_structure: str | None
    junjo_wf_store_id: str | None


class PatchRow(NamedTuple):
    patch_id: str
    service_name: str
    trace_id: str
    span_id: str
    workflow_id: str | None
    node_id: str | None
    event_time: int
    patch_json: str | None
    patch_store_id: str | None


SPAN_COLUMNS = SpanRow._fields
PATCH_COLUMNS = PatchRow._fields
TIMESTAMP_COLUMNS = {"start_time", "end_time", "event_time"}
INTEGER_COLUMNS = {"trace_flags"}
# JSON columns whose text comes from clients verbatim: stored only if DuckDB accepts it, else NULL.
UNTRUSTED_JSON_COLUMNS = {"junjo_wf_state_start", "junjo_wf_state_end", "junjo_wf_graph_structure", "patch_json"}

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS spans (
        trace_id VARCHAR NOT NULL,
        span_id VARCHAR NOT NULL,
        parent_span_id VARCHAR,
        service_name VARCHAR NOT NULL,
        name VARCHAR,
        kind VARCHAR,
        start_time TIMESTAMPTZ NOT NULL,
        end_time TIMESTAMPTZ NOT NULL,
        status_code VARCHAR,
        status_message VARCHAR,
        attributes_json JSON,
        events_json JSON,
        links_json JSON,
        trace_flags BIGINT,
        trace_state VARCHAR,
        junjo_id VARCHAR,
        junjo_parent_id VARCHAR,
        junjo_span_type VARCHAR,
        junjo_wf_state_start JSON,
        junjo_wf_state_end JSON,
        junjo_wf_graph_structure JSON,
        junjo_wf_store_id VARCHAR,
        PRIMARY KEY (trace_id, span_id))""",
    """CREATE TABLE IF NOT EXISTS state_patches (
        patch_id VARCHAR PRIMARY KEY,
        service_name VARCHAR NOT NULL,
        trace_id VARCHAR NOT NULL,
        span_id VARCHAR NOT NULL,
        workflow_id VARCHAR,
        node_id VARCHAR,
        event_time TIMESTAMPTZ NOT NULL,
        patch_json JSON,
        patch_store_id VARCHAR,
        FOREIGN KEY (trace_id, span_id) REFERENCES spans (trace_id, span_id))""",
)

# What the queries select: timestamps as µs since the epoch, formatted by the HTTP layer. SELECT_SPANS and
# NEWEST_FIRST are seams: a seeded defect builds its own (broken) span lookup from them.
SELECT_SPANS = "SELECT " + ", ".join(
    f"epoch_us({column})" if column in TIMESTAMP_COLUMNS else column for column in SPAN_COLUMNS
) + " FROM spans"
NEWEST_FIRST = " ORDER BY start_time DESC, span_id, trace_id"
_LLM_TRACES = (
    "trace_id IN (SELECT trace_id FROM spans"
    " WHERE json_extract_string(attributes_json, '$.\"openinference.span.kind\"') = 'LLM')"
)


class SpanStoreError(Exception):
    """The span store cannot answer; ``detail`` is the message for the HTTP 503 body."""

    retry_after: int | None = None

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class SpanStoreBusy(SpanStoreError):
    retry_after = 1


class SpanStoreCorrupted(SpanStoreError):
    pass


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _is_lock_conflict(error: duckdb.Error) -> bool:
    message = str(error)
    return "Could not set lock" in message or "Conflicting lock" in message


def _looks_corrupt(error: duckdb.Error) -> bool:
    message = str(error).lower()
    return (
        isinstance(error, (duckdb.IOException, duckdb.FatalException, duckdb.InternalException))
        or type(error) is duckdb.Error
        or "corrupt" in message
        or "invalidated" in message
    )


class SpanStore:
    def __init__(self, path: Path, idle_close_s: float, lock_wait_s: float):
        self.path = Path(path).resolve()
        self.idle_close_s = idle_close_s
        self.lock_wait_s = lock_wait_s
        self._cond = threading.Condition()
        self._conn: duckdb.DuckDBPyConnection | None = None
        self._users = 0
        self._last_release = 0.0
        self._invalid = False
        self._closing = False
        self._created_fresh = False
        self._closer = threading.Thread(target=self._close_when_idle, name="span-store-closer", daemon=True)
        self._closer.start()

    # ---- connection lifecycle -------------------------------------------------------------------

    def corrupted_message(self, error: BaseException) -> str:
        return (
            f"Span store {self.path} is unreadable or corrupted ({_first_line(error)}); "
            "stop the backend, move the file away and restart to rebuild it from ingestion"
        )

    def open_connection(self) -> duckdb.DuckDBPyConnection:
        """A new connection to the span store file, its schema created; waits up to ``lock_wait_s`` while another
        process holds the file, raises ``SpanStoreCorrupted`` for an unreadable file. A seam: seeded defects
        replace it."""
        deadline = time.monotonic() + self.lock_wait_s
        delay = 0.01
        while True:
            existed = self.path.exists()
            try:
                conn = duckdb.connect(str(self.path))
            except duckdb.Error as error:
                if not _is_lock_conflict(error):
                    raise SpanStoreCorrupted(self.corrupted_message(error)) from error
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise SpanStoreBusy(
                        f"Span store {self.path} is held by another process; retry later"
                    ) from error
                time.sleep(min(delay, remaining))
                delay = min(delay * 2, 0.2)
                continue
            try:
                conn.execute("SET TimeZone = 'UTC'")
                for statement in SCHEMA:
                    conn.execute(statement)
            except duckdb.Error as error:
                conn.close()
                raise SpanStoreCorrupted(self.corrupted_message(error)) from error
            if not existed:
                self._created_fresh = True
            return conn

    def _acquire(self) -> duckdb.DuckDBPyConnection:
        with self._cond:
            if self._closing:
                raise SpanStoreBusy("Span store is shutting down")
            if self._conn is not None and self._invalid and self._users == 0:
                self._close_locked()
            if self._conn is None:
                self._conn = self.open_connection()
                self._invalid = False
            cursor = self._conn.cursor()
            self._users += 1
            return cursor

    def _release(self) -> None:
        with self._cond:
            self._users -= 1
            self._last_release = time.monotonic()
            self._cond.notify_all()

    def _close_locked(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except duckdb.Error as error:
                log.warning("closing the span store failed: %s", error)

    def _close_when_idle(self) -> None:
        with self._cond:
            while not self._closing:
                if self._conn is None or self._users > 0:
                    self._cond.wait()
                    continue
                remaining = self._last_release + self.idle_close_s - time.monotonic()
                if remaining > 0:
                    self._cond.wait(remaining)
                    continue
                self._close_locked()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor on the open store; DuckDB errors that mean a broken file become SpanStoreCorrupted."""
        cursor = self._acquire()
        try:
            yield cursor
        except duckdb.Error as error:
            if _looks_corrupt(error):
                with self._cond:
                    self._invalid = True
                raise SpanStoreCorrupted(self.corrupted_message(error)) from error
            raise
        finally:
            try:
                cursor.close()
            finally:
                self._release()

    def check(self) -> None:
        """Open (creating the schema) and release; raises SpanStoreError if that is impossible."""
        with self.cursor():
            pass

    def take_created_fresh(self) -> bool:
        """True once after the store was (re)created as a new empty file."""
        with self._cond:
            fresh, self._created_fresh = self._created_fresh, False
            return fresh

    def is_open(self) -> bool:
        with self._cond:
            return self._conn is not None

    def close(self, timeout_s: float = 5.0) -> None:
        deadline = time.monotonic() + timeout_s
        with self._cond:
            self._closing = True
            self._cond.notify_all()
            while self._users > 0 and time.monotonic() < deadline:
                self._cond.wait(0.05)
            self._close_locked()
        self._closer.join(timeout=1)

    # ---- writes ---------------------------------------------------------------------------------

    def write_batch(self, spans: list[SpanRow], patches: list[PatchRow]) -> int:
        """Insert spans and their state patches in one transaction; rows already stored are kept as
        they are (idempotent). Returns the number of distinct spans in the batch."""
        unique_spans = list({(row.trace_id, row.span_id): row for row in reversed(spans)}.values())
        unique_patches = list({row.patch_id: row for row in reversed(patches)}.values())
        if not unique_spans and not unique_patches:
            return 0
        span_table = _arrow_table(SPAN_COLUMNS, unique_spans)
        patch_table = _arrow_table(PATCH_COLUMNS, unique_patches)
        with self.cursor() as cur:
            cur.register("incoming_spans", span_table)
            cur.register("incoming_patches", patch_table)
            cur.execute("BEGIN TRANSACTION")
            try:
                cur.execute(_insert_sql("spans", SPAN_COLUMNS, "incoming_spans"))
                cur.execute(_insert_sql("state_patches", PATCH_COLUMNS, "incoming_patches"))
                cur.execute("COMMIT")
            except BaseException:
                try:
                    cur.execute("ROLLBACK")
                except duckdb.Error:
                    pass
                raise
        return len(unique_spans)

    # ---- queries --------------------------------------------------------------------------------

    def service_names(self) -> list[str]:
        with self.cursor() as cur:
            rows = cur.execute("SELECT DISTINCT service_name FROM spans ORDER BY service_name").fetchall()
        return [row[0] for row in rows]

    def find_spans(
        self,
        *,
        service: str | None = None,
        trace_id: str | None = None,
        span_id: str | None = None,
        roots_only: bool = False,
        with_llm: bool = False,
        workflows_only: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[tuple]:
        """Spans newest first, as tuples in SPAN_COLUMNS order (timestamps in µs since the epoch)."""
        conditions: list[str] = []
        params: list = []
        if service is not None:
            conditions.append("service_name = ?")
            params.append(service)
        if trace_id is not None:
            conditions.append("trace_id = ?")
            params.append(trace_id)
        if span_id is not None:
            conditions.append("span_id = ?")
            params.append(span_id)
        if roots_only:
            conditions.append("parent_span_id IS NULL")
        if with_llm:
            conditions.append(_LLM_TRACES)
        if workflows_only:
            conditions.append("junjo_span_type = 'workflow'")
        sql = SELECT_SPANS
        if conditions:
            sql += " WHERE " + " AND ".join(conditions)
        sql += NEWEST_FIRST
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params += [limit, offset]
        with self.cursor() as cur:
            return cur.execute(sql, params).fetchall()


def _insert_sql(table: str, columns: tuple[str, ...], source: str) -> str:
    selected = ", ".join(
        f"CASE WHEN json_valid({column}) THEN {column} END" if column in UNTRUSTED_JSON_COLUMNS else column
        for column in columns
    )
    return f"INSERT INTO {table} ({', '.join(columns)}) SELECT {selected} FROM {source} ON CONFLICT DO NOTHING"


def _arrow_table(columns: tuple[str, ...], rows: list[tuple]):
    import pyarrow as pa  # imported on first write: keeps start-up fast

    values = list(zip(*rows, strict=False)) if rows else [()] * len(columns)
    arrays = []
    for column, data in zip(columns, values, strict=False):
        if column in TIMESTAMP_COLUMNS:
            arrow_type = pa.timestamp("us", tz="UTC")
        elif column in INTEGER_COLUMNS:
            arrow_type = pa.int64()
        else:
            arrow_type = pa.string()
        arrays.append(pa.array(data, type=arrow_type))
    return pa.Table.from_arrays(arrays, names=list(columns))
