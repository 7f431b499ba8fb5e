"""Unit tests of the span load generator: stamped batches are valid OTLP with fresh, consistent ids, and a
push reports every Export's outcome."""

import threading
import time
from concurrent import futures

import grpc
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc as service_grpc

from junjo_acceptance.ingestion.grpc_sender import ExportChannels
from junjo_acceptance.ingestion.load_generator import SpanLoad, push, push_summary, span_keys, span_slots
from junjo_acceptance.ingestion.otlp_builder import export_request, make_span, service_of


def spans_of(payload: bytes):
    request = service_pb2.ExportTraceServiceRequest.FromString(payload)
    return [(rs.resource, span) for rs in request.resource_spans for ss in rs.scope_spans for span in ss.spans]


def test_slots_point_at_every_span_field():
    built = [make_span(name=f"s{i}", parent_span_id="00000000000000aa" if i else None) for i in range(3)]
    payload = export_request(built).SerializeToString()
    slots = span_slots(payload)
    assert len(slots) == 3
    for slot, original in zip(slots, built, strict=True):
        assert payload[slot.trace_id:slot.trace_id + 16] == original.span.trace_id
        assert payload[slot.span_id:slot.span_id + 8] == original.span.span_id
        assert int.from_bytes(payload[slot.start:slot.start + 8], "little") == original.span.start_time_unix_nano
    assert slots[0].parent is None and slots[1].parent is not None


def test_batches_are_valid_requests_with_fresh_consistent_ids():
    load = SpanLoad("load-svc", traces=4, spans_per_trace=5, attributes={"k": "v" * 300})
    seen = set()
    for batch in range(3):
        before = time.time_ns()
        spans = spans_of(load.next_batch())
        assert len(spans) == 20
        assert {service_of(resource) for resource, _ in spans} == {"load-svc"}
        ids = {(span.trace_id, span.span_id) for _, span in spans}
        assert len(ids) == 20 and not ids & seen
        seen |= ids
        for index, (_, span) in enumerate(spans):
            first = index % 5 == 0
            assert span.parent_span_id == (b"" if first else spans[index - 1][1].span_id)
            assert span.trace_id == spans[index - index % 5][1].trace_id
            assert span.start_time_unix_nano >= before - 10**9
            assert span.end_time_unix_nano - span.start_time_unix_nano == 500_000
        assert load.trace_ids(batch) == [spans[t * 5][1].trace_id.hex() for t in range(4)]
        assert load.span_ids(batch) == [span.span_id.hex() for _, span in spans]
    assert len(span_keys(load)) == 60 == len(set(span_keys(load)))


def test_two_generators_never_share_ids():
    first, second = SpanLoad("a", 2, 2), SpanLoad("a", 2, 2)
    first.next_batch()
    second.next_batch()
    assert not set(span_keys(first)) & set(span_keys(second))


def test_an_empty_shape_is_refused():
    with pytest.raises(ValueError):
        SpanLoad("a", traces=0)


def test_stamping_makes_well_over_100k_spans_per_second():
    load = SpanLoad("rate", traces=100, spans_per_trace=10)
    started = time.perf_counter()
    for _ in range(50):
        load.next_batch()
    rate = 50_000 / (time.perf_counter() - started)
    assert rate > 100_000, f"only {rate:.0f} spans/s"


class CountingService(service_grpc.TraceServiceServicer):
    def __init__(self):
        self.spans, self.lock, self.refuse = 0, threading.Lock(), False

    def Export(self, request, context):  # noqa: N802 - the gRPC method name
        if self.refuse:
            context.abort(grpc.StatusCode.UNAVAILABLE, "down for the test")
        with self.lock:
            self.spans += sum(len(ss.spans) for rs in request.resource_spans for ss in rs.scope_spans)
        return service_pb2.ExportTraceServiceResponse()


@pytest.fixture
def counting():
    service = CountingService()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    service_grpc.add_TraceServiceServicer_to_server(service, server)
    service.address = f"127.0.0.1:{server.add_insecure_port('127.0.0.1:0')}"
    server.start()
    channels = ExportChannels()
    service.stub = channels.export_stub(service.address)
    yield service
    channels.close_all()
    server.stop(None)


@pytest.mark.parametrize("in_flight", [1, 4])
def test_push_reports_every_batch(counting, in_flight):
    load = SpanLoad("push", traces=3, spans_per_trace=2)
    records, elapsed = push(counting.stub, load, 7, "key", in_flight=in_flight)
    summary = push_summary(load, records, elapsed)
    assert [record.batch for record in records] == list(range(7))
    assert counting.spans == summary["spans"] == 42 and summary["errors"] == 0
    assert summary["codes"] == {"OK": 7} and len(summary["latencies_ms"]) == 7
    assert all(latency > 0 for latency in summary["latencies_ms"])
    assert len(summary["trace_ids"]) == 21


def test_push_counts_refused_batches_and_stops_at_its_time_limit(counting):
    counting.refuse = True
    load = SpanLoad("push", traces=1, spans_per_trace=1)
    summary = push_summary(load, *push(counting.stub, load, 3, None))
    assert summary["errors"] == 3 and summary["spans"] == 0
    assert summary["first_error"] == "UNAVAILABLE: down for the test"
    records, _ = push(counting.stub, load, 1000, None, max_seconds=0)
    assert records == []
