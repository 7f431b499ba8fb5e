"""The real junjo client program, run against an in-test OTLP server: what it reports is what it exported."""

import threading
from concurrent import futures

import grpc
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc as service_grpc

from junjo_acceptance.junjo_client.runner import run_client

KEY = "ClientKey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST"


class Collector(service_grpc.TraceServiceServicer):
    def __init__(self):
        self.lock = threading.Lock()
        self.spans, self.keys = [], set()

    def Export(self, request, context):  # noqa: N802 - the gRPC method name
        with self.lock:
            self.keys.add(dict(context.invocation_metadata()).get("x-junjo-api-key"))
            self.spans += [(rs.resource, span) for rs in request.resource_spans
                           for ss in rs.scope_spans for span in ss.spans]
        return service_pb2.ExportTraceServiceResponse()


@pytest.fixture(scope="module")
def collector():
    servicer = Collector()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    service_grpc.add_TraceServiceServicer_to_server(servicer, server)
    servicer.address = f"127.0.0.1:{server.add_insecure_port('127.0.0.1:0')}"
    server.start()
    yield servicer
    server.stop(None)


@pytest.mark.slow
def test_the_client_exports_what_it_reports(collector):
    report = run_client(collector.address, KEY, "client-under-test", runs=2, timeout_s=120)
    spans = report["spans"]
    assert report["junjo_version"] and report["flushed"] is True
    assert collector.keys == {KEY}
    assert sorted(s["span_id"] for s in spans) == sorted(span.span_id.hex() for _, span in collector.spans)
    assert {s["service_name"] for s in spans} == {"client-under-test"}
    types = sorted(s["junjo_span_type"] for s in spans)
    assert types.count("workflow") == 2 and types.count("node") == 10 and types.count("run_concurrent") == 2
    assert all(s["junjo_id"] for s in spans)  # current telemetry ids are lifted into the columns
    assert sum(len(s["_state_patches"]) for s in spans) >= 2 * 5
    assert sorted(state["count"] for state in report["final_states"]) == [2, 3]


def test_a_failing_client_reports_its_output_without_the_key():
    with pytest.raises(RuntimeError, match="exited with code 2") as failure:
        run_client("127.0.0.1:9", KEY, "svc", runs=0, timeout_s=60)
    assert "--runs must be at least 1" in str(failure.value) and KEY not in str(failure.value)
