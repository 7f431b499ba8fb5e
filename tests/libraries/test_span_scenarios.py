"""Span sets of the concurrency tests: senders' batches, series, the concurrent workflow, the junjo client."""

import json

import jsonpatch
import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from SpanScenarios import SpanScenarios

from junjo_acceptance.ingestion.otlp_builder import export_request
from junjo_acceptance.junjo_client.runner import spans_of_request
from junjo_acceptance.races.span_sets import batches_of, concurrent_workflow, sender_batches, series_of_traces


def test_batches_of_keep_every_item_once():
    assert batches_of(list(range(7)), 3) == [[0, 1, 2], [3, 4, 5], [6]]
    assert batches_of(list(range(4)), 3, reverse=True) == [[3, 2, 1], [0]]
    with pytest.raises(ValueError):
        batches_of([1], 0)


def test_senders_have_their_own_service_and_send_children_before_parents():
    senders = sender_batches(3, 20, 4, "lbl")
    assert len(senders) == 3 and all(len(sender) == 5 for sender in senders)
    for number, sender in enumerate(senders):
        spans = [span for batch in sender for span in batch]
        assert {span["service_name"] for span in spans} == {f"lbl-sender-{number}"}
        position = {span["span_id"]: index for index, span in enumerate(spans)}
        assert all(position[span["parent_span_id"]] > position[span["span_id"]]
                   for span in spans if span["parent_span_id"])


def test_series_are_one_new_trace_per_batch():
    series = series_of_traces(5, 3, "svc")
    assert [len(batch) for batch in series] == [3] * 5
    assert len({batch[0]["trace_id"] for batch in series}) == 5


def test_concurrent_workflow_patches_interleave_and_only_time_order_gives_the_end_state():
    run = concurrent_workflow(4, 3, "svc")
    workflow, nodes = run[0], run[1:]
    assert workflow["junjo_span_type"] == "workflow" and len(nodes) == 4
    patches = sorted((p for node in nodes for p in node["_state_patches"]), key=lambda p: p["event_time"])
    assert len(patches) == 12 and len({p["event_time"] for p in patches}) == 12
    times = [event.time_unix_nano for node in nodes for event in node["_otlp"].span.events]
    assert all(t % 1000 == 999 for t in times)  # sub-microsecond nanoseconds a target must cut
    state = workflow["junjo_wf_state_start"]
    for patch in patches:
        state = jsonpatch.apply_patch(state, patch["patch_json"])
    sent_end = {a.key: a.value.string_value for a in workflow["_otlp"].span.attributes}["junjo.workflow.state.end"]
    assert state == workflow["junjo_wf_state_end"] == json.loads(sent_end)
    swapped = workflow["junjo_wf_state_start"]
    for patch in [patches[1], patches[0], *patches[2:]]:
        swapped = jsonpatch.apply_patch(swapped, patch["patch_json"])
    assert swapped != state  # another order gives another end state


def test_spans_of_a_client_request_are_described_in_order():
    spans = concurrent_workflow(2, 1, "client-svc")
    payload = export_request(spans).SerializeToString()
    described = spans_of_request(payload)
    assert [d["span_id"] for d in described] == [s["span_id"] for s in spans]
    assert described[0]["junjo_wf_state_end"] == spans[0]["junjo_wf_state_end"]
    assert ExportTraceServiceRequest.FromString(payload).resource_spans[0].resource == spans[0]["_otlp"].resource


def test_sender_services_name_the_services_of_the_sender_batches():
    library = SpanScenarios()
    batches = library.build_sender_batches(3, 4, 2, "lbl")
    services = library.sender_services("lbl", 3)
    assert services == ["lbl-sender-0", "lbl-sender-1", "lbl-sender-2"]
    senders = [{span["service_name"] for batch in sender for span in batch} for sender in batches]
    assert senders == [{service} for service in services]


def test_a_span_with_non_finite_doubles_and_a_random_kill_moment():
    spans = SpanScenarios().build_span_with_non_finite_doubles("svc")
    assert len(spans) == 1 and spans[0].service_name == "svc"
    assert set(spans[0].attributes_json) == {"pos_inf", "neg_inf", "nan"}
    assert all(20 <= SpanScenarios().random_kill_moment(20, 22) <= 22 for _ in range(20))
