"""Span queries ask the ingestion process first: with ingestion down or hung, the HTTP API fails or hangs.

Models a "read your writes" design in which every query first makes ingestion flush or confirm its state
over gRPC (as a hot-snapshot or flush call would), with a long deadline: when ingestion is killed the
queries answer 500, when it hangs they hang. The HTTP API has been made to depend on the ingestion process.
Breaks policy B19 (ingestion down → the HTTP API keeps working).
"""

PROCESS = "backend"
POLICY = "B19"
CAUGHT_BY = ["The HTTP API Keeps Working While Ingestion Is Down Or Frozen"]
FAILS_WITH = r"with ingestion (killed|frozen), the HTTP API must keep working"

CHECK_DEADLINE_S = 30.0


def apply():
    import sys

    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    from sut.backend import span_store
    from sut.backend.settings import parse_settings

    address = parse_settings(sys.argv[1:]).ingestion_address
    health = health_pb2_grpc.HealthStub(grpc.insecure_channel(address, options=[("grpc.enable_http_proxy", 0)]))
    find_spans = span_store.SpanStore.find_spans

    def find_spans_after_asking_ingestion(self, **query):
        health.Check(health_pb2.HealthCheckRequest(), timeout=CHECK_DEADLINE_S)  # raises when ingestion is down
        return find_spans(self, **query)

    span_store.SpanStore.find_spans = find_spans_after_asking_ingestion
