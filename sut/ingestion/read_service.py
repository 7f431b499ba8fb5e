"""The internal ``InternalIngestionService/ReadSpans``: streams WAL rows after a key (contract A5)."""

from collections.abc import Iterator

import grpc

from sut.protos import ingestion_pb2, ingestion_pb2_grpc

from .ulid import KEY_BYTES
from .wal import Wal

DEFAULT_BATCH_SIZE = 1000
MAX_BATCH_SIZE = 10_000


class ReadSpansService(ingestion_pb2_grpc.InternalIngestionServiceServicer):
    """Serves the WAL to the backend's poller, oldest first, resuming after its cursor."""

    def __init__(self, wal: Wal) -> None:
        self._wal = wal

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
        for row in self._wal.read(request.start_key_ulid, limit):
            yield ingestion_pb2.ReadSpansResponse(key_ulid=row.key, span_bytes=row.span, resource_bytes=row.resource)
