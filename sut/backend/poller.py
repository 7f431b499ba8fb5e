"""The poller thread: ``ReadSpans`` from ingestion → span store, cursor in SQLite.

Each round reads one batch after the stored cursor, writes its spans and state patches in one DuckDB
transaction and only then stores the batch's last key. Any failure leaves the cursor where it was, so the
same batch is read again next round (writes are idempotent); nothing is skipped. A row that cannot even be
parsed is logged and passed over, so it cannot block the rows after it.

Throughput: after a full batch the next one is read in the background (from the last key of the batch
being written) while the current batch is converted and written, so gRPC streaming and DuckDB work
overlap. A prefetched batch is used only if it starts exactly at the stored cursor; otherwise (a failed
write, a store rebuilt from scratch) it is dropped and read again. The stream is consumed on the calling
thread (gRPC's single-threaded unary-stream mode), which roughly doubles the rows per second it delivers.
The poller's threads run at a lower CPU priority: when the CPU is busy, acknowledgements and queries go first.
"""

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

import grpc
import grpc.experimental

from sut.common import lower_thread_priority, pause_point
from sut.protos import ingestion_pb2, ingestion_pb2_grpc

from . import span_convert
from .span_store import SpanStore
from .sqlite_store import SqliteStore

log = logging.getLogger(__name__)

MAX_MESSAGE_BYTES = 64 * 1024 * 1024
READ_TIMEOUT_S = 30.0
ERROR_LOG_INTERVAL_S = 30.0


def load_cursor(db: SqliteStore) -> bytes:
    with db.read() as conn:
        row = conn.execute("SELECT last_key FROM poller_state WHERE id = 1").fetchone()
    return bytes(row[0]) if row and row[0] is not None else b""


def save_cursor(db: SqliteStore, key: bytes) -> None:
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO poller_state (id, last_key) VALUES (1, ?)"
            " ON CONFLICT (id) DO UPDATE SET last_key = excluded.last_key",
            (key,),
        )
    if key:
        pause_point("poller.cursor_saved")  # crash-ordering tests stop the backend here (--pause-at)


class Poller:
    def __init__(self, address: str, db: SqliteStore, span_store: SpanStore, interval_s: float, batch_size: int):
        self.address = address
        self.db = db
        self.span_store = span_store
        self.interval_s = interval_s
        self.batch_size = batch_size
        self.spans_written = 0
        self._stop = threading.Event()
        self._channel = grpc.insecure_channel(
            address,
            options=[
                ("grpc.enable_http_proxy", 0),
                ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
                (grpc.experimental.ChannelOptions.SingleThreadedUnaryStream, 1),
            ],
        )
        self._stub = ingestion_pb2_grpc.InternalIngestionServiceStub(self._channel)
        self._thread = threading.Thread(target=self._run, name="span-poller", daemon=True)
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="span-prefetch",
                                          initializer=lower_thread_priority)
        self._prefetched: tuple[bytes, Future] | None = None
        self._last_error: str | None = None
        self._last_error_logged = 0.0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 10.0) -> None:
        self._stop.set()
        self._channel.close()  # cancels a ReadSpans in flight
        self._thread.join(timeout=timeout_s)
        self._reader.shutdown(wait=False, cancel_futures=True)

    def poll_once(self) -> int:
        """Read and store one batch; returns the number of rows read."""
        if self.span_store.take_created_fresh() and load_cursor(self.db):
            log.warning("span store %s is new: reading every span from ingestion again", self.span_store.path)
            save_cursor(self.db, b"")
        cursor = load_cursor(self.db)
        messages = self._take_prefetched(cursor)
        if not messages:
            messages = self._read(cursor)
        if not messages:
            return 0
        if len(messages) >= self.batch_size:
            self._prefetch(messages[-1].key_ulid)
        spans, patches, rejected = span_convert.convert_rows(messages)
        for key, reason in rejected:
            log.error("span %s from ingestion cannot be parsed and is skipped: %s", key.hex(), reason)
        self.spans_written += self.span_store.write_batch(spans, patches)
        save_cursor(self.db, messages[-1].key_ulid)
        return len(messages)

    def _read(self, cursor: bytes) -> list:
        request = ingestion_pb2.ReadSpansRequest(start_key_ulid=cursor, batch_size=self.batch_size)
        return list(self._stub.ReadSpans(request, timeout=READ_TIMEOUT_S))

    def _prefetch(self, cursor: bytes) -> None:
        """Start reading the batch after ``cursor`` in the background."""
        self._prefetched = (cursor, self._reader.submit(self._read, cursor))

    def _take_prefetched(self, cursor: bytes) -> list:
        """The prefetched batch if it starts at ``cursor`` and was read without error, else ``[]``."""
        prefetched, self._prefetched = self._prefetched, None
        if prefetched is None or prefetched[0] != cursor:
            return []
        try:
            return prefetched[1].result(timeout=READ_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - the caller simply reads the batch again
            return []

    def _run(self) -> None:
        lower_thread_priority()
        while not self._stop.is_set():
            try:
                read = self.poll_once()
            except Exception as error:  # noqa: BLE001 - every failure is retried from the same cursor
                read = 0
                self.report_failure(error)
            else:
                if self._last_error is not None:
                    log.warning("span poller recovered")
                    self._last_error = None
            if read < self.batch_size:
                self._stop.wait(self.interval_s)

    def report_failure(self, error: Exception) -> None:
        """Log a failed poll (once per distinct message and interval); the loop retries from the same cursor.
        A seam: seeded defects replace it."""
        if self._stop.is_set():
            return
        if isinstance(error, grpc.RpcError) and error.code() in (
            grpc.StatusCode.UNAVAILABLE,
            grpc.StatusCode.DEADLINE_EXCEEDED,
        ):
            message = f"ingestion at {self.address} unreachable ({error.code().name}); retrying"
        else:
            message = f"span poller failed, retrying the same batch: {type(error).__name__}: {error}"
        now = time.monotonic()
        if message != self._last_error or now - self._last_error_logged > ERROR_LOG_INTERVAL_S:
            log.warning(message)
            self._last_error = message
            self._last_error_logged = now
