"""In-process unit tests of the backend's pure pieces: span conversion, throttle, settings, cookies."""

import json

import pytest
from backend_harness import any_value, resource, span

from sut.backend import sessions, settings, span_convert
from sut.backend.throttle import SlidingWindowThrottle
from sut.protos import ingestion_pb2


@pytest.mark.parametrize(
    "value, expected",
    [
        ("s", "s"),
        (True, True),
        (2**63 - 1, 2**63 - 1),
        (-0.5, -0.5),
        (b"\x00\xff", "AP8="),
        ([1, "a", [True]], [1, "a", [True]]),
        ({"k": {"n": 1}}, {"k": {"n": 1}}),
        (float("nan"), "NaN"),
        (float("inf"), "Infinity"),
        (float("-inf"), "-Infinity"),
    ],
)
def test_any_value_of_every_type(value, expected):
    assert span_convert.any_value(any_value(value)) == expected


def test_empty_any_value_is_null():
    from opentelemetry.proto.common.v1 import common_pb2

    assert span_convert.any_value(common_pb2.AnyValue()) is None


@pytest.mark.parametrize(
    "kind, name",
    [(0, "UNSPECIFIED"), (1, "INTERNAL"), (2, "SERVER"), (3, "CLIENT"), (4, "PRODUCER"), (5, "CONSUMER")]
    + [(9, "UNSPECIFIED")],
)
def test_kind_names_follow_the_otlp_enum(kind, name):
    row, _ = span_convert.convert_span(span("ab" * 16, "cd" * 8, kind=kind), "svc")
    assert row.kind == name


def test_ids_timestamps_status():
    row, patches = span_convert.convert_span(
        span("AB" * 16, "CD" * 8, parent="", start_ns=1_999_999, end_ns=3_000_001, status=(1, "ok")), "svc"
    )
    assert (row.trace_id, row.span_id, row.parent_span_id) == ("ab" * 16, "cd" * 8, None)
    assert (row.start_time, row.end_time) == (1999, 3000)  # ns → µs, truncated
    assert (row.status_code, row.status_message) == ("1", "ok")
    assert patches == []


@pytest.mark.parametrize(
    "text, stored",
    [
        ('{"a": 1}', '{"a": 1}'),
        ("not json", None),
        ("NaN", None),
        ('{"a": Infinity}', None),
        ("1e999", None),
        ("", None),
    ],
)
def test_junjo_json_attributes_must_be_strict_json(text, stored):
    row, _ = span_convert.convert_span(span("ab" * 16, "cd" * 8, attributes={"junjo.workflow.state.start": text}), "s")
    assert row.junjo_wf_state_start == stored
    assert json.loads(row.attributes_json)["junjo.workflow.state.start"] == text  # the attribute itself is kept


def test_structured_junjo_attribute_is_serialised():
    proto = span("ab" * 16, "cd" * 8, attributes={"junjo.workflow.state.end": {"a": [1]}})
    row, _ = span_convert.convert_span(proto, "s")
    assert json.loads(row.junjo_wf_state_end) == {"a": [1]}


def test_both_telemetry_contract_versions():
    v1 = {"junjo.id": "n1", "junjo.parent_id": "w1", "junjo.span_type": "node", "junjo.workflow.graph_structure": "{}"}
    v2 = {
        "junjo.executable_runtime_id": "n1",
        "junjo.parent_executable_runtime_id": "w1",
        "junjo.span_type": "node",
        "junjo.workflow.execution_graph_snapshot": "{}",
    }
    rows = [span_convert.convert_span(span("ab" * 16, "cd" * 8, attributes=a), "s")[0] for a in (v1, v2)]
    for row in rows:
        assert (row.junjo_id, row.junjo_parent_id, row.junjo_span_type, row.junjo_wf_graph_structure) == (
            "n1", "w1", "node", "{}"
        )  # fmt: skip


def test_patch_ids_are_deterministic():
    events = [("set_state", 5000, {"junjo.state_json_patch": "[]", "junjo.store.id": "s"})] * 2
    first = span_convert.convert_span(span("ab" * 16, "cd" * 8, events=events), "s")[1]
    again = span_convert.convert_span(span("ab" * 16, "cd" * 8, events=events), "s")[1]
    other = span_convert.convert_span(span("ab" * 16, "ce" * 8, events=events), "s")[1]
    assert [p.patch_id for p in first] == [p.patch_id for p in again]
    assert len({p.patch_id for p in first + other}) == 4


def test_rows_use_their_own_resource_and_bad_rows_are_reported():
    messages = [
        ingestion_pb2.ReadSpansResponse(
            key_ulid=b"1", span_bytes=span("ab" * 16, "01" * 8).SerializeToString(),
            resource_bytes=resource("one").SerializeToString(),
        ),
        ingestion_pb2.ReadSpansResponse(key_ulid=b"2", span_bytes=b"\xff\xff", resource_bytes=b""),
        ingestion_pb2.ReadSpansResponse(
            key_ulid=b"3", span_bytes=span("ab" * 16, "02" * 8).SerializeToString(),
            resource_bytes=resource(None).SerializeToString(),
        ),
    ]  # fmt: skip
    spans, patches, rejected = span_convert.convert_rows(messages)
    assert [(row.span_id, row.service_name) for row in spans] == [("01" * 8, "one"), ("02" * 8, "unknown_service")]
    assert [key for key, _ in rejected] == [b"2"]


def test_throttle_sliding_window():
    now = [0.0]
    throttle = SlidingWindowThrottle(3, 10.0, clock=lambda: now[0])
    for t in (0.0, 1.0, 2.0):
        now[0] = t
        assert throttle.retry_after("a") is None
        throttle.record_failure("a")
    assert throttle.retry_after("a") == 8  # the failure at t=0 leaves the window at t=10
    assert throttle.retry_after("b") is None
    now[0] = 10.0
    assert throttle.retry_after("a") is None
    throttle.record_failure("a")
    assert throttle.retry_after("a") == 1
    throttle.reset("a")
    assert throttle.retry_after("a") is None
    assert SlidingWindowThrottle(0, 10.0).retry_after("a") is None


def test_settings_env_fallback_and_bools(monkeypatch):
    monkeypatch.setenv("JUNJO_SESSION_LIFETIME_S", "7")
    monkeypatch.setenv("JUNJO_PRODUCTION", "1")
    parsed = settings.parse_settings(["--http-port", "0"])
    assert (parsed.session_lifetime_s, parsed.production, parsed.http_port) == (7.0, True, 0)
    assert settings.parse_settings(["--production", "0"]).production is False
    with pytest.raises(SystemExit):
        settings.parse_settings(["--production", "maybe"])


def test_cookie_round_trip_and_tampering():
    signer = sessions.make_signer(b"secret")
    other = sessions.make_signer(b"other secret")
    value = sessions.sign_cookie(signer, "A" * 43, None)
    assert sessions.unsign_cookie(signer, value) == "A" * 43
    assert sessions.unsign_cookie(other, value) is None
    for bad in ("", "x", value + "x", "A" * 43, "A" * 43 + ".x.y", "\u00e9" * 50):
        assert sessions.unsign_cookie(signer, bad) is None

