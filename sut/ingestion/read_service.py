"""The internal ``InternalIngestionService/ReadSpans``: streams WAL rows after a key (contract A5).

Streaming to the backend is background work: it gives way to running ``Export`` calls (see ``activity.py``)
and its threads run at a lower CPU priority.
"""

import threading
from collections.abc import Iterator

import grpc

from sut.common import lower_thread_priority
from sut.protos import ingestion_pb2, ingestion_pb2_grpc

from .activity import ExportActivity
from .ulid import KEY_BYTES
from .wal import Wal

DEFAULT_BATCH_SIZE = 1000
MAX_BATCH_SIZE = 10_000
# While Exports run, pause after every this many rows, at most this long (see activity.py).
ROWS_BETWEEN_PAUSES = 32
PAUSE_AT_MOST_S = 0.005


class ReadSpansService(ingestion_pb2_grpc.InternalIngestionServiceServicer):
    """Serves the WAL to the backend's poller, oldest first, resuming after its cursor."""

    def __init__(self, wal: Wal, exports: ExportActivity | None = None) -> None:
        self._wal = wal
        self._exports = exports or ExportActivity()
        self._lowered = threading.local()

    def ReadSpans(  # noqa: N802 - the gRPC method name
        self, request: ingestion_pb2.ReadSpansRequest, context: grpc.ServicerContext
    ) -> Iterator[ingestion_pb2.ReadSpansResponse]:
        """Rows with a key greater than ``start_key_ulid`` (exclusive), at most ``batch_size`` of them."""
        if len(request.start_key_ulid) not in (0, KEY_BYTES):
            context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"start_key_ulid must be empty or {KEY_BYTES} bytes, got {len(request.start_key_ulid)}",
            )
        limit = min(request.batch_size or DEFAULT_BATCH_SIZE, MAX_BATCH_SIZE)
        if not getattr(self._lowered, "done", False):  # this server's threads only ever stream to the backend
            lower_thread_priority()
            self._lowered.done = True
        for index, row in enumerate(self._wal.read(request.start_key_ulid, limit)):
            if index % ROWS_BETWEEN_PAUSES == 0:
                self._exports.wait_until_idle(PAUSE_AT_MOST_S)
            yield ingestion_pb2.ReadSpansResponse(key_ulid=row.key, span_bytes=row.span, resource_bytes=row.resource)
