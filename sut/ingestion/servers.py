"""Builds, binds and starts the two gRPC servers of the ingestion process."""

from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc

from sut.protos import ingestion_pb2_grpc

from .export_service import TraceExportService
from .read_service import ReadSpansService

PUBLIC_WORKERS = 16
INTERNAL_WORKERS = 8
# A stored span with its resource and key can be a few bytes larger than the request that carried it.
READ_SPANS_SEND_HEADROOM = 64 * 1024
SERVICE_NAMES = ("ingestion.InternalIngestionService", "opentelemetry.proto.collector.trace.v1.TraceService")


def _new_server(workers: int, receive_bytes: int, send_bytes: int) -> grpc.Server:
    """A server with message size limits that never shares its port with another process (no SO_REUSEPORT)."""
    return grpc.server(
        futures.ThreadPoolExecutor(max_workers=workers),
        options=[
            ("grpc.so_reuseport", 0),
            ("grpc.max_receive_message_length", receive_bytes),
            ("grpc.max_send_message_length", send_bytes),
        ],
    )


class BindError(Exception):
    """A server could not listen on its address (typically: the port is taken)."""


def _bind(server: grpc.Server, host: str, port: int) -> int:
    """Bind ``host:port`` (port 0 = a free one) and return the port."""
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        return server.add_insecure_port(address)
    except RuntimeError as error:
        raise BindError(f"cannot listen on {address}: {error}") from error


def public_server(
    service: TraceExportService, host: str, port: int, max_message_bytes: int
) -> tuple[grpc.Server, int]:
    """The OTLP server, bound but not started, and its port."""
    server = _new_server(PUBLIC_WORKERS, max_message_bytes, max_message_bytes)
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(service, server)
    return server, _bind(server, host, port)


def internal_server(
    service: ReadSpansService, health_servicer: health.HealthServicer, host: str, port: int, max_message_bytes: int
) -> tuple[grpc.Server, int]:
    """The ReadSpans + health server, bound but not started, and its port."""
    server = _new_server(INTERNAL_WORKERS, max_message_bytes, max_message_bytes + READ_SPANS_SEND_HEADROOM)
    ingestion_pb2_grpc.add_InternalIngestionServiceServicer_to_server(service, server)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    return server, _bind(server, host, port)


def serving_health() -> health.HealthServicer:
    """A health servicer reporting SERVING overall and for every service of this process."""
    servicer = health.HealthServicer()
    for name in ("", *SERVICE_NAMES):
        servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return servicer
