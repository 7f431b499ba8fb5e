"""Ready-made span sets: a multi-span trace, a junjo workflow run, malformed spans, a padded request.

Every function returns described spans (see :func:`otlp_builder.describe`), except :func:`padded_request`.
"""

import copy
import json
import secrets

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

from .otlp_builder import (
    DEFAULT_SERVICE,
    OtlpSpan,
    describe,
    export_request,
    make_span,
    new_span_id,
    new_trace_id,
    now_ns,
)

MS = 1_000_000
KIND_CYCLE = ("SERVER", "INTERNAL", "CLIENT", "PRODUCER", "CONSUMER", "UNSPECIFIED")
PADDING_ATTRIBUTE = "acceptance.padding"


def every_type_attributes(index: int = 0) -> dict:
    """Attributes of every ``AnyValue`` type, including markup and a 64-bit integer beyond 2**53."""
    return {
        "acceptance.string": f"<img src=x onerror=alert({index})> \"quoted\" ünïcödé",
        "acceptance.bool": index % 2 == 0,
        "acceptance.int": 2**53 + 1 + index,
        "acceptance.negative": -7,
        "acceptance.double": 3.25 + index,
        "acceptance.array": ["a", 1, 2.5, True],
        "acceptance.kvlist": {"text": "v", "number": 7, "ratio": 0.5, "flag": False},
        "acceptance.bytes": bytes([0, 1, 254, 255, index % 256]),
    }


def trace(count: int, service: str = DEFAULT_SERVICE, name: str = "operation") -> list[dict]:
    """A root span and ``count - 1`` descendants (a binary tree) of one new trace.

    Kinds cycle through all six OTLP values, statuses through UNSET/OK/ERROR; every third span carries
    attributes of every type and an event.
    """
    trace_id, start = new_trace_id(), now_ns()
    spans: list[dict] = []
    for index in range(int(count)):
        rich = index % 3 == 0
        status = ("UNSET", "OK", "ERROR")[index % 3]
        spans.append(describe(make_span(
            name=f"{name}-{index}", service=service, trace_id=trace_id,
            parent_span_id=spans[(index - 1) // 2]["span_id"] if index else None,
            kind=KIND_CYCLE[index % len(KIND_CYCLE)], start=start + index * MS,
            duration_ms=count + 5 if index == 0 else 1,
            attributes=every_type_attributes(index) if rich else {"acceptance.index": index},
            events=[{"name": "checkpoint", "time": start + index * MS + 1000,
                     "attributes": {"acceptance.event.index": index, "acceptance.event.note": "ok"}}] if rich else None,
            status=status, status_message="failed on purpose" if status == "ERROR" else "",
        )))
    return spans


def workflow_trace(nodes: int = 3, service: str = DEFAULT_SERVICE, telemetry_version: int = 1,
                   workflow_name: str = "acceptance-workflow") -> list[dict]:
    """A junjo workflow run: the workflow span first, then one node span per node with a set_state event.

    Version 1 uses ``junjo.id`` / ``junjo.parent_id`` / ``junjo.workflow.graph_structure``; version 2 uses
    ``junjo.executable_runtime_id`` / ``junjo.parent_executable_runtime_id`` /
    ``junjo.workflow.execution_graph_snapshot`` and sets ``junjo.telemetry.contract_version`` = 2.
    """
    version = int(telemetry_version)
    if version not in (1, 2):
        raise ValueError(f"telemetry_version must be 1 or 2, not {telemetry_version}")
    id_key, parent_key, graph_key = (
        ("junjo.id", "junjo.parent_id", "junjo.workflow.graph_structure") if version == 1 else
        ("junjo.executable_runtime_id", "junjo.parent_executable_runtime_id",
         "junjo.workflow.execution_graph_snapshot"))
    common = {} if version == 1 else {"junjo.telemetry.contract_version": 2}
    trace_id, workflow_span_id, start = new_trace_id(), new_span_id(), now_ns()
    workflow_id, store_id = _junjo_id(), f"store-{_junjo_id()}"
    node_ids = [_junjo_id() for _ in range(int(nodes))]
    state = {"counter": 0, "visited": []}
    initial_state = json.dumps(state)
    node_spans = []
    for index, node_id in enumerate(node_ids):
        node_name = f"node-{index}"
        patch = [{"op": "replace", "path": "/counter", "value": index + 1},
                 {"op": "add", "path": "/visited/-", "value": node_name}]
        state["counter"], state["visited"] = index + 1, state["visited"] + [node_name]
        node_start = start + (index + 1) * MS
        node_spans.append(describe(make_span(
            name=node_name, service=service, trace_id=trace_id, parent_span_id=workflow_span_id,
            start=node_start, duration_ms=0.5,
            attributes={**common, "junjo.span_type": "node", id_key: node_id, parent_key: workflow_id},
            events=[{"name": "set_state", "time": node_start + 100_000,
                     "attributes": {"junjo.state_json_patch": json.dumps(patch), "junjo.store.id": store_id,
                                    "junjo.store.action": f"visit_{node_name}"}}],
        )))
    graph = {"nodes": [{"id": node_id, "label": f"node-{i}"} for i, node_id in enumerate(node_ids)],
             "edges": [{"source": a, "target": b} for a, b in zip(node_ids, node_ids[1:], strict=False)]}
    workflow = describe(make_span(
        name=workflow_name, service=service, trace_id=trace_id, span_id=workflow_span_id, start=start,
        duration_ms=len(node_ids) + 2,
        attributes={**common, "junjo.span_type": "workflow", id_key: workflow_id,
                    "junjo.workflow.state.start": initial_state, "junjo.workflow.state.end": json.dumps(state),
                    graph_key: json.dumps(graph), "junjo.workflow.store.id": store_id},
    ))
    return [workflow, *node_spans]


def _junjo_id() -> str:
    return secrets.token_urlsafe(16)[:21]


def _short_trace_id(span, resource):
    span.trace_id = span.trace_id[:8]


def _short_span_id(span, resource):
    span.span_id = span.span_id[:4]


def _end_before_start(span, resource):
    span.end_time_unix_nano = span.start_time_unix_nano - MS


def _missing_end_time(span, resource):
    span.end_time_unix_nano = 0


def _missing_service_name(span, resource):
    del resource.attributes[:]


def _empty_name(span, resource):
    span.name = ""


MALFORMATIONS = {
    "short_trace_id": _short_trace_id,
    "short_span_id": _short_span_id,
    "end_before_start": _end_before_start,
    "missing_end_time": _missing_end_time,
    "invalid_junjo_json": None,  # built with broken JSON attributes, see malformed_span
    "missing_service_name": _missing_service_name,
    "empty_name": _empty_name,
}


def malformed_span(defect: str, service: str = DEFAULT_SERVICE) -> dict:
    """A span with one defect of :data:`MALFORMATIONS`; the description carries it in ``_defect``."""
    if defect not in MALFORMATIONS:
        raise ValueError(f"Unknown span defect {defect!r}; use one of {', '.join(MALFORMATIONS)}")
    attributes = {"acceptance.defect": defect}
    if defect == "invalid_junjo_json":
        attributes.update({"junjo.span_type": "workflow", "junjo.id": _junjo_id(),
                           "junjo.workflow.state.start": '{"unterminated": ',
                           "junjo.workflow.state.end": "{not json}",
                           "junjo.workflow.graph_structure": "[1, 2,"})
    built = make_span(name=f"malformed-{defect}", service=service, attributes=attributes)
    span, resource = copy.deepcopy(built.span), copy.deepcopy(built.resource)
    if MALFORMATIONS[defect]:
        MALFORMATIONS[defect](span, resource)
    return {**describe(OtlpSpan(span, resource)), "_defect": defect}


# JSON text that a lenient reader (Python's json, JavaScript's JSON.parse with a reviver…) takes and a strict
# one (RFC 8259, DuckDB's JSON type, Go's encoding/json) rejects, or that breaks whoever re-encodes it.
STRICT_JSON_HAZARDS = {
    "NaN": '{"score": NaN}',
    "Infinity": '{"limit": Infinity, "floor": -Infinity}',
    "deep nesting": "[" * 5000 + "]" * 5000,
    "stray brace": '{"state": {"count": 1}}}',
    "lone surrogate": '{"text": "\\ud800 half of a pair"}',
}


def junjo_json_hazard_span(hazard: str, service: str = DEFAULT_SERVICE) -> dict:
    """A junjo workflow span whose start state is the JSON text :data:`STRICT_JSON_HAZARDS` names; the rest
    of its junjo attributes are valid. The description carries the raw text in ``_raw_state``."""
    raw = STRICT_JSON_HAZARDS[hazard]
    attributes = {"junjo.span_type": "workflow", "junjo.id": _junjo_id(), "junjo.workflow.state.start": "{}",
                  "junjo.workflow.state.end": "{}", "junjo.workflow.graph_structure": '{"nodes": []}'}
    built = make_span(name=f"json-hazard-{hazard}", service=service, attributes=attributes)
    described = describe(built)  # from valid JSON: the suite's own (lenient) reader must not parse the hazard
    for pair in built.span.attributes:
        if pair.key == "junjo.workflow.state.start":
            pair.value.string_value = raw
    return {**described, "junjo_wf_state_start": None, "_raw_state": raw, "_hazard": hazard}


def padded_request(size_bytes: int, service: str = DEFAULT_SERVICE) -> tuple[ExportTraceServiceRequest, dict]:
    """One Export request of one span whose padding attribute makes it ``size_bytes`` long when serialized.

    Returns the request and ``{trace_id, span_id, padding_chars}`` of its span (the span itself is too big
    to log or to keep around).
    """
    built = make_span(name="padded-export", service=service, attributes={PADDING_ATTRIBUTE: ""})
    request = export_request([built])
    padded_value = request.resource_spans[0].scope_spans[0].spans[0].attributes[0].value
    padding = 0
    for _ in range(4):  # the length prefixes grow with the padding: converge on the exact size
        size = request.ByteSize()
        if size == size_bytes or (padding == 0 and size > size_bytes):
            break
        padding = max(0, padding + size_bytes - size)
        padded_value.string_value = "x" * padding
    return request, {"trace_id": built.span.trace_id.hex(), "span_id": built.span.span_id.hex(),
                     "padding_chars": padding}
