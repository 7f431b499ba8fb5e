"""The ingestion defect of the security suites really opens an OTLP service without the key check."""

import grpc
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc

from sut.defects import logs_service_without_key_check
from sut.ingestion import servers

LOGS_EXPORT = "/opentelemetry.proto.collector.logs.v1.LogsService/Export"


def _call_logs_export(port: int) -> grpc.StatusCode:
    with grpc.insecure_channel(f"127.0.0.1:{port}", options=[("grpc.enable_http_proxy", 0)]) as channel:
        call = channel.unary_unary(LOGS_EXPORT, request_serializer=None, response_deserializer=None)
        try:
            call(ExportLogsServiceRequest().SerializeToString(), timeout=10)  # no API key at all
            return grpc.StatusCode.OK
        except grpc.RpcError as error:
            return error.code()


def _served_logs_status(monkeypatch, broken: bool) -> grpc.StatusCode:
    monkeypatch.setattr(servers, "public_server", servers.public_server)  # restored at teardown
    if broken:
        logs_service_without_key_check.apply()
    server, port = servers.public_server(trace_service_pb2_grpc.TraceServiceServicer(), "127.0.0.1", 0, 1 << 20)
    server.start()
    try:
        return _call_logs_export(port)
    finally:
        server.stop(0).wait()


def test_the_correct_server_does_not_serve_logs(monkeypatch):
    assert _served_logs_status(monkeypatch, broken=False) == grpc.StatusCode.UNIMPLEMENTED


def test_defect_logs_service_without_key_check_accepts_calls_without_a_key(monkeypatch):
    assert _served_logs_status(monkeypatch, broken=True) == grpc.StatusCode.OK
