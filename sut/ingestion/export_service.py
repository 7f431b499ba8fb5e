"""The public OTLP ``TraceService/Export``: admit, validate, append to the WAL, then acknowledge."""

import logging
import sqlite3

import grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

from . import batch, call_meta
from .activity import ExportActivity
from .gate import ExportGate
from .wal import Wal

log = logging.getLogger(__name__)


class TraceExportService(trace_service_pb2_grpc.TraceServiceServicer):
    """Acknowledges an ``Export`` only once its valid spans are durably in the WAL (policy B11)."""

    def __init__(self, gate: ExportGate, wal: Wal, activity: ExportActivity | None = None) -> None:
        self._gate = gate
        self._wal = wal
        self._activity = activity or ExportActivity()

    def Export(  # noqa: N802 - the gRPC method name
        self, request: trace_service_pb2.ExportTraceServiceRequest, context: grpc.ServicerContext
    ) -> trace_service_pb2.ExportTraceServiceResponse:
        """Store the request's valid spans; report malformed ones in ``partial_success``."""
        with self._activity:
            return self._export(request, context)

    def _export(self, request: trace_service_pb2.ExportTraceServiceRequest, context: grpc.ServicerContext):
        api_key = call_meta.api_key(context.invocation_metadata())
        denial = self._gate.admit(api_key, call_meta.client_address(context.peer()))
        if denial:
            context.abort(denial.code, denial.message)
        prepared = batch.prepare(request)
        if prepared.rows:
            try:
                self._wal.append(prepared.rows)
            except sqlite3.Error as error:
                log.exception("WAL append failed")
                context.abort(grpc.StatusCode.UNAVAILABLE, f"could not write the WAL: {error}")
        response = trace_service_pb2.ExportTraceServiceResponse()
        if prepared.rejections:
            response.partial_success.rejected_spans = len(prepared.rejections)
            response.partial_success.error_message = prepared.rejection_summary()
        return response
