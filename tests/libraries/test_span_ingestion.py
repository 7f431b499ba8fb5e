"""Unit tests of the SpanIngestion keyword library: span building, and sending to an in-test gRPC server."""

import json
import sys
import textwrap
import threading
from concurrent import futures
from pathlib import Path

import grpc
import pytest
import robot
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2 as service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2_grpc as service_grpc
from robot.api import logger as robot_logger
from robot.api.types import Secret

LIBRARIES = Path(__file__).resolve().parents[2] / "libraries"
sys.path.insert(0, str(LIBRARIES))

from SpanIngestion import SpanIngestion  # noqa: E402

from junjo_acceptance.ingestion import otlp_builder, scenarios  # noqa: E402

VALID_KEY = "VALIDkey0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST"
SECRET_KEY = "SeCrEt0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
OTLP_KINDS = {"UNSPECIFIED": 0, "INTERNAL": 1, "SERVER": 2, "CLIENT": 3, "PRODUCER": 4, "CONSUMER": 5}


# ---------------------------------------------------------------------------------------------- server


class RecordingTraceService(service_grpc.TraceServiceServicer):
    """Answers like an ingestion service: UNAUTHENTICATED for unknown keys (echoing the key, as a careless
    server might), RESOURCE_EXHAUSTED after ``throttle_after`` invalid keys, partial success for spans
    named ``malformed-*``."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self, throttle_after=None):
        self.calls, self.invalid, self.throttle_after = [], 0, throttle_after

    def Export(self, request, context):  # noqa: N802 - gRPC servicer method name
        metadata = dict(context.invocation_metadata())
        with self.lock:
            self.calls.append((metadata, request))
            key = metadata.get("x-junjo-api-key")
            if key != VALID_KEY:
                self.invalid += 1
                if self.throttle_after is not None and self.invalid > self.throttle_after:
                    context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "too many invalid keys")
                context.abort(grpc.StatusCode.UNAUTHENTICATED, f"invalid api key {key}")
        spans = [span for rs in request.resource_spans for ss in rs.scope_spans for span in ss.spans]
        rejected = sum(span.name.startswith("malformed-") for span in spans)
        partial = service_pb2.ExportTracePartialSuccess(rejected_spans=rejected,
                                                        error_message=f"{rejected} malformed" if rejected else "")
        return service_pb2.ExportTraceServiceResponse(partial_success=partial)


@pytest.fixture(scope="module")
def server():
    servicer = RecordingTraceService()
    grpc_server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))  # default 4 MiB receive limit
    service_grpc.add_TraceServiceServicer_to_server(servicer, grpc_server)
    port = grpc_server.add_insecure_port("127.0.0.1:0")
    grpc_server.start()
    servicer.address = f"127.0.0.1:{port}"
    yield servicer
    grpc_server.stop(None)


@pytest.fixture
def lib(server):
    server.reset()
    library = SpanIngestion()
    library.set_ingestion_endpoint(server.address)
    yield library
    library.close_ingestion_channels()


@pytest.fixture
def logged(monkeypatch):
    messages = []
    monkeypatch.setattr(robot_logger, "write", lambda msg, level="INFO", html=False, console=None:
                        messages.append(str(msg)))
    return messages


def sent_spans(request):
    return [(rs.resource, span) for rs in request.resource_spans for ss in rs.scope_spans for span in ss.spans]


# ---------------------------------------------------------------------------------------------- building


def test_ids_are_random_lowercase_hex_of_contract_length(lib):
    trace_ids = {lib.new_trace_id() for _ in range(200)}
    span_ids = {lib.new_span_id() for _ in range(200)}
    assert len(trace_ids) == len(span_ids) == 200
    for value, length in [*((t, 32) for t in trace_ids), *((s, 16) for s in span_ids)]:
        assert len(value) == length and value == value.lower() and int(value, 16) > 0


@pytest.mark.parametrize("kind", OTLP_KINDS)
def test_kind_is_sent_with_its_otlp_enum_value(lib, kind):
    span = lib.build_span(kind=kind.lower())
    assert span["_otlp"].span.kind == OTLP_KINDS[kind]
    assert span["kind"] == kind
    assert lib.build_span(kind=f"SPAN_KIND_{kind}")["kind"] == kind


def test_unknown_kind_and_status_are_refused(lib):
    with pytest.raises(ValueError, match="span kind"):
        lib.build_span(kind="SIDEWAYS")
    with pytest.raises(ValueError, match="status"):
        lib.build_span(status="MAYBE")


def test_every_attribute_type_is_sent_typed_and_described_as_stored(lib):
    attributes = {"s": "<b>x</b>", "b": True, "i": 2**53 + 1, "f": 2.5, "bytes": b"\x00\xff",
                  "list": ["a", 1, 1.5, False], "dict": {"k": "v", "n": 1, "nested": {"deep": [1, 2]}}}
    span = lib.build_span(attributes=attributes)
    sent = {kv.key: kv.value for kv in span["_otlp"].span.attributes}
    assert {key: value.WhichOneof("value") for key, value in sent.items()} == {
        "s": "string_value", "b": "bool_value", "i": "int_value", "f": "double_value", "bytes": "bytes_value",
        "list": "array_value", "dict": "kvlist_value"}
    assert sent["i"].int_value == 2**53 + 1 and sent["bytes"].bytes_value == b"\x00\xff"
    assert span["attributes_json"] == {**attributes, "bytes": "00ff"}
    assert json.loads(json.dumps(span["attributes_json"])) == span["attributes_json"]
    with pytest.raises(TypeError):
        lib.build_span(attributes={"bad": object()})


def test_span_description_has_every_span_object_key(lib):
    span = lib.build_span(name="checkout", service="shop", status="ERROR", status_message="boom")
    assert {"trace_id", "span_id", "parent_span_id", "service_name", "name", "kind", "start_time", "end_time",
            "status_code", "status_message", "attributes_json", "events_json", "links_json", "trace_flags",
            "trace_state", "junjo_id", "junjo_parent_id", "junjo_span_type", "junjo_wf_state_start",
            "junjo_wf_state_end", "junjo_wf_graph_structure", "junjo_wf_store_id"} <= set(span)
    assert (span.name, span.service_name, span.parent_span_id) == ("checkout", "shop", None)
    assert (span.status_code, span.status_message) == ("2", "boom")
    assert otlp_builder.service_of(span["_otlp"].resource) == "shop"
    assert repr(span["_otlp"]) == f"<OTLP span 'checkout' {span.span_id} of 'shop'>"


def test_ids_and_parent_are_sent_as_given(lib):
    trace_id, parent = lib.new_trace_id(), lib.new_span_id()
    span = lib.build_span(trace_id=trace_id, span_id="00000000000000ab", parent_span_id=parent)
    sent = span["_otlp"].span
    assert (sent.trace_id.hex(), sent.span_id.hex(), sent.parent_span_id.hex()) == (trace_id, "00000000000000ab",
                                                                                   parent)
    assert (span.trace_id, span.span_id, span.parent_span_id) == (trace_id, "00000000000000ab", parent)


@pytest.mark.parametrize("start, expected", [
    ("2025-11-01T10:00:00.123456+00:00", "2025-11-01T10:00:00.123456+00:00"),
    ("2025-11-01T10:00:00.123456Z", "2025-11-01T10:00:00.123456+00:00"),
    ("2025-11-01T12:00:00.5+02:00", "2025-11-01T10:00:00.500000+00:00"),
    ("2025-11-01T10:00:00", "2025-11-01T10:00:00.000000+00:00"),
    (1761991200123456789, "2025-11-01T10:00:00.123456+00:00"),
    ("1761991200123456789", "2025-11-01T10:00:00.123456+00:00"),
])
def test_start_time_accepts_iso_and_nanoseconds(lib, start, expected):
    span = lib.build_span(start=start, duration_ms=1.5)
    assert span.start_time == expected
    sent = span["_otlp"].span
    assert sent.end_time_unix_nano - sent.start_time_unix_nano == 1_500_000
    assert span.end_time == otlp_builder.iso_from_nano(sent.end_time_unix_nano)


def test_default_start_is_now_in_whole_microseconds(lib):
    before = otlp_builder.now_ns()
    sent = lib.build_span()["_otlp"].span
    assert before <= sent.start_time_unix_nano <= otlp_builder.now_ns() and sent.start_time_unix_nano % 1000 == 0


def test_events_default_to_span_start_and_are_described(lib):
    span = lib.build_span(start=1_000_000_000_000, events=[
        {"name": "first"}, {"name": "second", "time": "1970-01-01T00:16:40.000002+00:00", "attributes": {"n": 1}}])
    assert span.events_json == [{"name": "first", "timeUnixNano": 1_000_000_000_000, "attributes": {}},
                                {"name": "second", "timeUnixNano": 1_000_000_002_000, "attributes": {"n": 1}}]


def test_trace_has_one_root_all_kinds_and_all_types(lib):
    trace = lib.build_trace(13, service="svc")
    assert len(trace) == 13 and len({span.trace_id for span in trace}) == 1
    ids = {span.span_id for span in trace}
    assert [span.parent_span_id for span in trace].count(None) == 1 and trace[0].parent_span_id is None
    assert all(span.parent_span_id in ids for span in trace[1:])
    assert {span.kind for span in trace} == set(OTLP_KINDS)
    assert {span.status_code for span in trace} == {"0", "1", "2"}
    types = {kv.value.WhichOneof("value") for span in trace for kv in span["_otlp"].span.attributes}
    assert types == {"string_value", "bool_value", "int_value", "double_value", "array_value", "kvlist_value",
                     "bytes_value"}
    assert any(span.events_json for span in trace)


def apply_patch(document, patch):
    """Enough RFC 6902 for the builder's patches (replace and add to the end of an array)."""
    for operation in patch:
        *parents, last = operation["path"].strip("/").split("/")
        target = document
        for part in parents:
            target = target[part]
        if operation["op"] == "add" and last == "-":
            target.append(operation["value"])
        else:
            target[last] = operation["value"]
    return document


@pytest.mark.parametrize("version", [1, 2])
def test_workflow_trace_carries_junjo_attributes(lib, version):
    workflow, *nodes = lib.build_workflow_trace(nodes=3, service="wf", telemetry_version=version)
    attributes = {kv.key: otlp_builder.plain_value(kv.value) for kv in workflow["_otlp"].span.attributes}
    id_key = "junjo.id" if version == 1 else "junjo.executable_runtime_id"
    graph_key = "junjo.workflow.graph_structure" if version == 1 else "junjo.workflow.execution_graph_snapshot"
    assert attributes["junjo.span_type"] == "workflow" and attributes[id_key]
    assert attributes.get("junjo.telemetry.contract_version") == (2 if version == 2 else None)
    assert workflow.junjo_span_type == "workflow" and workflow.junjo_id == attributes[id_key]
    assert workflow.junjo_wf_graph_structure == json.loads(attributes[graph_key])
    assert len(workflow.junjo_wf_graph_structure["nodes"]) == 3
    assert workflow.junjo_wf_store_id == attributes["junjo.workflow.store.id"]
    assert not {"junjo.id", "junjo.executable_runtime_id", "junjo.span_type"} & set(workflow.attributes_json)
    state = dict(workflow.junjo_wf_state_start)
    for node in nodes:
        assert node.parent_span_id == workflow.span_id and node.trace_id == workflow.trace_id
        assert (node.junjo_span_type, node.junjo_parent_id) == ("node", workflow.junjo_id)
        assert node.junjo_wf_state_start == {} and node.junjo_wf_store_id == ""
        [event] = node.events_json
        assert event["name"] == "set_state"
        assert event["attributes"]["junjo.store.id"] == workflow.junjo_wf_store_id
        [patch_row] = node._state_patches
        assert patch_row["node_id"] == node.junjo_id and patch_row["patch_store_id"] == workflow.junjo_wf_store_id
        state = apply_patch(state, json.loads(event["attributes"]["junjo.state_json_patch"]))
    assert state == workflow.junjo_wf_state_end
    v1_only = {"junjo.id", "junjo.parent_id", "junjo.workflow.graph_structure"}
    sent_keys = {kv.key for span in [workflow, *nodes] for kv in span["_otlp"].span.attributes}
    assert bool(v1_only & sent_keys) == (version == 1)
    with pytest.raises(ValueError):
        lib.build_workflow_trace(telemetry_version=3)


def test_malformed_spans_are_really_malformed(lib):
    defects = lib.malformed_span_defects()
    assert set(defects) == {"short_trace_id", "short_span_id", "end_before_start", "missing_end_time",
                            "invalid_junjo_json", "missing_service_name", "empty_name"}
    spans = {defect: lib.build_malformed_span(defect) for defect in defects}
    sent = {defect: span["_otlp"] for defect, span in spans.items()}
    assert len(sent["short_trace_id"].span.trace_id) == 8 and len(sent["short_span_id"].span.span_id) == 4
    assert sent["end_before_start"].span.end_time_unix_nano < sent["end_before_start"].span.start_time_unix_nano
    assert sent["missing_end_time"].span.end_time_unix_nano == 0
    assert otlp_builder.service_of(sent["missing_service_name"].resource) is None
    assert sent["empty_name"].span.name == ""
    broken = {kv.key: kv.value.string_value for kv in sent["invalid_junjo_json"].span.attributes
              if kv.key.startswith("junjo.workflow.")}
    assert len(broken) == 3
    for text in broken.values():
        with pytest.raises(ValueError):
            json.loads(text)
    assert all(span._defect == defect for defect, span in spans.items())
    valid = lib.build_span()["_otlp"].span
    for defect in ("short_trace_id", "short_span_id", "end_before_start", "missing_end_time", "empty_name"):
        assert sent[defect].span != valid
    with pytest.raises(ValueError, match="Unknown span defect"):
        lib.build_malformed_span("no_such_defect")


def test_request_groups_spans_by_resource(lib):
    spans = [lib.build_span(service="a"), lib.build_span(service="b"), lib.build_span(service="a"),
             lib.build_malformed_span("missing_service_name")]
    request = otlp_builder.export_request(spans)
    assert [otlp_builder.service_of(rs.resource) for rs in request.resource_spans] == ["a", "b", None]
    assert [len(rs.scope_spans) for rs in request.resource_spans] == [1, 1, 1]
    assert [len(rs.scope_spans[0].spans) for rs in request.resource_spans] == [2, 1, 1]


@pytest.mark.parametrize("size", [1000, 300_000, 1024 * 1024])
def test_padded_request_has_the_requested_size(size):
    request, padded = scenarios.padded_request(size)
    assert request.ByteSize() == size and padded["padding_chars"] > 0


# ---------------------------------------------------------------------------------------------- sending


def test_send_with_key_puts_it_in_metadata(lib, server):
    trace = lib.build_trace(5, service="svc")
    result = lib.send_spans(trace, api_key=VALID_KEY)
    assert (result.code, result.rejected_spans, result.span_count, result.services) == ("OK", 0, 5, ["svc"])
    assert result.latency_ms > 0 and result.details == ""
    [(metadata, request)] = server.calls
    assert metadata["x-junjo-api-key"] == VALID_KEY
    assert [span for _, span in sent_spans(request)] == [span["_otlp"].span for span in trace]


def test_send_accepts_secret_and_nested_lists(lib, server):
    result = lib.send_spans([lib.build_trace(2), [lib.build_span()]], api_key=Secret(VALID_KEY))
    assert (result.code, result.span_count) == ("OK", 3)


def test_send_without_key_sends_no_metadata_and_does_not_raise(lib, server):
    result = lib.send_spans(lib.build_span(), api_key=None)
    assert result.code == "UNAUTHENTICATED" and "invalid api key" in result.details
    assert "x-junjo-api-key" not in server.calls[0][0]


def test_partial_success_is_reported(lib):
    batch = [*lib.build_trace(3), lib.build_malformed_span("short_span_id"), lib.build_malformed_span("empty_name")]
    result = lib.send_spans(batch, api_key=VALID_KEY)
    assert (result.code, result.rejected_spans, result.error_message) == ("OK", 1, "1 malformed")
    lib.export_result_should_be(result, "OK", rejected_spans=1)
    with pytest.raises(AssertionError, match="1 rejected spans: 1 malformed, expected 0 rejected"):
        lib.spans_should_be_accepted(batch, api_key=VALID_KEY)


def test_send_and_expect_fails_with_a_clear_message(lib):
    trace = lib.build_trace(3)
    assert lib.send_spans_and_expect(trace, "ok", api_key=VALID_KEY).code == "OK"
    lib.send_spans_and_expect(trace, "UNAUTHENTICATED")
    with pytest.raises(AssertionError, match=r"^Export of 3 spans answered UNAUTHENTICATED \(invalid api key "
                                             r"None\), expected OK$"):
        lib.send_spans_and_expect(trace, "OK")


def test_send_to_unreachable_endpoint_reports_unavailable(server):
    library = SpanIngestion("127.0.0.1:1")
    result = library.send_spans(library.build_span(), api_key=VALID_KEY, timeout="2s")
    assert result.code in ("UNAVAILABLE", "DEADLINE_EXCEEDED")
    library.close_ingestion_channels()


def test_send_without_endpoint_fails():
    with pytest.raises(RuntimeError, match="Set Ingestion Endpoint"):
        SpanIngestion().send_spans(scenarios.trace(1))


def test_channels_are_cached_per_address_and_ignore_proxies(server, monkeypatch):
    for variable in ("http_proxy", "https_proxy", "grpc_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(variable, "http://127.0.0.1:9")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    library = SpanIngestion(server.address)
    assert library._stub() is library._stub()
    assert library.send_spans(library.build_span(), api_key=VALID_KEY, timeout=5).code == "OK"
    library.close_ingestion_channels()
    assert library.send_spans(library.build_span(), api_key=VALID_KEY).code == "OK"
    library.close_ingestion_channels()


def test_raw_export_of_size_is_accepted_below_and_refused_above_the_server_limit(lib, server):
    accepted = lib.send_raw_export_of_size(1, api_key=VALID_KEY)
    assert (accepted.code, accepted.request_bytes) == ("OK", 1024 * 1024)
    assert server.calls[-1][1].ByteSize() == 1024 * 1024
    [(_, span)] = sent_spans(server.calls[-1][1])
    assert span.trace_id.hex() == accepted.trace_id and span.span_id.hex() == accepted.span_id
    refused = lib.send_raw_export_of_size(4.5, api_key=VALID_KEY)
    assert refused.code == "RESOURCE_EXHAUSTED" and refused.request_bytes == int(4.5 * 1024 * 1024)


def test_invalid_api_keys_are_counted_until_throttled(lib, server):
    server.reset(throttle_after=5)
    summary = lib.send_invalid_api_keys(20, valid_key=VALID_KEY)
    assert summary.sent == 20 and summary.codes == {"UNAUTHENTICATED": 5, "RESOURCE_EXHAUSTED": 15}
    assert summary.first_resource_exhausted == 5 and summary.valid_key_code == "OK"
    keys = [metadata["x-junjo-api-key"] for metadata, _ in server.calls[:20]]
    assert len(set(keys)) == 20 and all(len(key) == 64 for key in keys)
    assert server.calls[-1][0]["x-junjo-api-key"] == VALID_KEY


def test_invalid_api_keys_are_bounded_in_time(lib, server):
    summary = lib.send_invalid_api_keys(10_000, max_seconds=0.2)
    assert 0 < summary.sent < 10_000 and summary.first_resource_exhausted is None
    assert summary.valid_key_code is None and summary.elapsed_s < 2


# ---------------------------------------------------------------------------------------------- masking


def test_keys_never_appear_in_the_log(lib, server, logged):
    server.reset(throttle_after=2)
    lib.send_spans(lib.build_trace(2), api_key=SECRET_KEY)
    result = lib.send_spans(lib.build_span(), api_key=Secret(SECRET_KEY))
    with pytest.raises(AssertionError) as failure:
        lib.send_spans_and_expect(lib.build_span(), "OK", api_key=SECRET_KEY)
    lib.send_raw_export_of_size(0.01, api_key=SECRET_KEY)
    lib.send_invalid_api_keys(3, valid_key=SECRET_KEY)
    assert logged and all(SECRET_KEY not in message for message in logged)
    assert any("SeCr…(64 chars)" in message for message in logged)
    assert SECRET_KEY not in str(failure.value) and SECRET_KEY not in repr(dict(result))
    assert SECRET_KEY in server.calls[0][0]["x-junjo-api-key"]


def test_one_line_per_export(lib, logged):
    lib.send_spans([lib.build_span(service="a"), lib.build_span(service="b")], api_key=VALID_KEY)
    [line] = logged
    assert "\n" not in line and "2 span(s) of a, b" in line and ": OK" in line and " ms" in line


@pytest.mark.parametrize("loglevel, key_type", [("INFO", ""), ("TRACE", " Secret:")])
def test_keywords_in_a_robot_run_keep_keys_out_of_output(server, tmp_path, loglevel, key_type):
    """Robot itself logs plain-string arguments at TRACE level: there, keys must travel as ``Secret``."""
    suite = tmp_path / "ingest.robot"
    suite.write_text(textwrap.dedent(f"""\
        *** Settings ***
        Library    {LIBRARIES / 'SpanIngestion.py'}    {server.address}

        *** Test Cases ***
        Spans Are Sent
            ${{trace}} =    Build Trace    4    service=robot-svc
            ${{result}} =    Spans Should Be Accepted    ${{trace}}    api_key=${{KEY}}
            Should Be Equal    ${{result.services}}    ${{{{["robot-svc"]}}}}
            ${{span}} =    Build Span    name=child    trace_id=${{trace}}[0][trace_id]    start=2025-11-01T10:00:00
            Should Be Equal    ${{span.start_time}}    2025-11-01T10:00:00.000000+00:00
            Send Spans And Expect    ${{span}}    UNAUTHENTICATED    api_key=${{WRONG}}
            Run Keyword And Expect Error    Export of 1 spans answered UNAUTHENTICATED*expected OK
            ...    Send Spans And Expect    ${{span}}    OK    api_key=${{WRONG}}
        """))
    server.reset()
    output = tmp_path / "output.xml"
    rc = robot.run(str(suite), outputdir=str(tmp_path), output=str(output), log="NONE", report="NONE",
                   loglevel=loglevel, variable=[f"KEY:{key_type}{VALID_KEY}", f"WRONG:{key_type}{SECRET_KEY}"],
                   console="none")
    assert rc == 0, output.read_text()
    assert SECRET_KEY not in output.read_text()


def test_a_throttled_export_says_so_instead_of_reading_as_a_broken_target():
    from SpanIngestion import SpanIngestion

    throttled = {"code": "RESOURCE_EXHAUSTED", "span_count": 2,
                 "details": "too many invalid API keys from this client; retry after 36 s"}
    with pytest.raises(AssertionError, match="the target is throttling this client .* run throttling tests alone"):
        SpanIngestion().export_result_should_be(throttled, "OK")
