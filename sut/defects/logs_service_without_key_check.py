"""Ingestion also serves the OTLP ``LogsService``, and that service never checks the API key.

Models a second OTLP service added next to ``TraceService`` (logs first, "auth will follow") that is
registered on the same public port without the key check every other call goes through: anyone who can
reach the port pushes data without a key. Breaks policy B6 (nothing but the explicitly public endpoints
answers an unauthenticated caller), applied to ingestion's API-key check (contract A4).
"""

PROCESS = "ingestion"
POLICY = "B6"
CAUGHT_BY = ["Ingestion Refuses Every Kind Of Invalid API Key"]
FAILS_WITH = r"LogsService/Export answered OK to"


def apply() -> None:
    """Make ``servers.public_server`` also register a ``LogsService`` that accepts every call."""
    from opentelemetry.proto.collector.logs.v1 import logs_service_pb2, logs_service_pb2_grpc

    from sut.ingestion import servers

    correct = servers.public_server

    class OpenLogsService(logs_service_pb2_grpc.LogsServiceServicer):
        def Export(self, request, context):  # noqa: N802 - the gRPC method name
            return logs_service_pb2.ExportLogsServiceResponse()

    def public_server(service, host, port, max_message_bytes):
        server, bound = correct(service, host, port, max_message_bytes)
        logs_service_pb2_grpc.add_LogsServiceServicer_to_server(OpenLogsService(), server)
        return server, bound

    servers.public_server = public_server
