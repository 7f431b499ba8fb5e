"""Call any OTLP collector service (trace, metrics, logs) with a small, non-empty request and an API key.

A service the target does not serve answers ``UNIMPLEMENTED`` whatever the key; any other answer means it
is served and must check the key like ``TraceService`` does (contract A4).
"""

import time

import grpc
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.logs.v1.logs_pb2 import LogRecord, ResourceLogs, ScopeLogs
from opentelemetry.proto.metrics.v1.metrics_pb2 import Gauge, Metric, NumberDataPoint, ResourceMetrics, ScopeMetrics
from opentelemetry.proto.resource.v1.resource_pb2 import Resource

from junjo_acceptance.ingestion.grpc_sender import API_KEY_HEADER, CHANNEL_OPTIONS
from junjo_acceptance.ingestion.otlp_builder import export_request, make_span


def _resource(service: str) -> Resource:
    return Resource(attributes=[KeyValue(key="service.name", value=AnyValue(string_value=service))])


def probe_request(service: str, client_service: str) -> bytes:
    """A serialized one-item request for OTLP ``service`` (full name), from ``client_service``."""
    now = time.time_ns()
    if service.endswith("trace.v1.TraceService"):
        return export_request([make_span(name="key-check-probe", service=client_service)]).SerializeToString()
    if service.endswith("logs.v1.LogsService"):
        record = LogRecord(time_unix_nano=now, body=AnyValue(string_value="key-check-probe"))
        return ExportLogsServiceRequest(resource_logs=[ResourceLogs(
            resource=_resource(client_service), scope_logs=[ScopeLogs(log_records=[record])])]).SerializeToString()
    if service.endswith("metrics.v1.MetricsService"):
        metric = Metric(name="key_check_probe", gauge=Gauge(data_points=[NumberDataPoint(time_unix_nano=now,
                                                                                      as_int=1)]))
        return ExportMetricsServiceRequest(resource_metrics=[ResourceMetrics(
            resource=_resource(client_service), scope_metrics=[ScopeMetrics(metrics=[metric])])]).SerializeToString()
    return ExportTraceServiceRequest().SerializeToString()  # unknown service: an empty message


def export(address: str, service: str, payload: bytes, api_key: "str | None", timeout_s: float = 10.0) -> dict:
    """``{code, details}`` of ``<service>/Export`` at ``address`` with ``api_key`` (no metadata when None)."""
    metadata = None if api_key is None else ((API_KEY_HEADER, api_key),)
    with grpc.insecure_channel(address, options=CHANNEL_OPTIONS) as channel:
        call = channel.unary_unary(f"/{service}/Export", request_serializer=None, response_deserializer=None)
        try:
            call(payload, metadata=metadata, timeout=timeout_s)
            return {"code": "OK", "details": ""}
        except grpc.RpcError as error:
            return {"code": error.code().name, "details": error.details() or ""}
