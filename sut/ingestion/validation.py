"""Pure checks of incoming OTLP data (policy B13): each returns the reason for rejecting, or ``None``."""

import json

from opentelemetry.proto.common.v1.common_pb2 import KeyValue
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import Span

TRACE_ID_BYTES = 16
SPAN_ID_BYTES = 8

# Span attributes that carry JSON documents; the backend parses them into JSON columns.
JSON_ATTRIBUTES = frozenset(
    {
        "junjo.workflow.state.start",
        "junjo.workflow.state.end",
        "junjo.workflow.graph_structure",
        "junjo.workflow.execution_graph_snapshot",
    }
)
SET_STATE_EVENT = "set_state"
STATE_PATCH_ATTRIBUTE = "junjo.state_json_patch"


def resource_reject_reason(resource: Resource) -> str | None:
    """Why spans of this resource cannot be stored: they need a non-empty string ``service.name``."""
    for attribute in resource.attributes:
        if attribute.key == "service.name":
            if attribute.value.WhichOneof("value") == "string_value" and attribute.value.string_value:
                return None
            break
    return "resource attribute service.name must be a non-empty string"


def span_reject_reason(span: Span) -> str | None:
    """Why this span cannot be stored (ids, timestamps, name, JSON attributes), or ``None``."""
    if len(span.trace_id) != TRACE_ID_BYTES:
        return f"trace_id must be {TRACE_ID_BYTES} bytes, got {len(span.trace_id)}"
    if len(span.span_id) != SPAN_ID_BYTES:
        return f"span_id must be {SPAN_ID_BYTES} bytes, got {len(span.span_id)}"
    if span.parent_span_id and len(span.parent_span_id) != SPAN_ID_BYTES:
        return f"parent_span_id must be empty or {SPAN_ID_BYTES} bytes, got {len(span.parent_span_id)}"
    if not span.start_time_unix_nano:
        return "start_time_unix_nano is missing"
    if not span.end_time_unix_nano:
        return "end_time_unix_nano is missing"
    if span.end_time_unix_nano < span.start_time_unix_nano:
        return "end_time_unix_nano is before start_time_unix_nano"
    if not span.name:
        return "name is empty"
    for attribute in span.attributes:
        if attribute.key in JSON_ATTRIBUTES and (problem := _json_problem(attribute)):
            return f"attribute {attribute.key} {problem}"
    for index, event in enumerate(span.events):
        if event.name != SET_STATE_EVENT:
            continue
        for attribute in event.attributes:
            if attribute.key == STATE_PATCH_ATTRIBUTE and (problem := _json_problem(attribute)):
                return f"event {index} ({SET_STATE_EVENT}): attribute {attribute.key} {problem}"
    return None


def _json_problem(attribute: KeyValue) -> str | None:
    """Why ``attribute`` is not a string holding a JSON document, or ``None``."""
    if attribute.value.WhichOneof("value") != "string_value":
        return "must be a string holding JSON"
    try:
        json.loads(attribute.value.string_value)
    except ValueError as error:
        return f"is not valid JSON ({error})"
    except RecursionError:  # nesting deeper than the parser's stack: rejected, never a failed batch (B13)
        return "is nested too deeply to read"
    return None
