"""OTLP span + resource (protobuf bytes from ``ReadSpans``) → ``spans`` / ``state_patches`` rows.

- ids as lowercase hex, an empty parent id → NULL; timestamps ns → µs (truncated), UTC;
- ``kind`` by the OTLP enum (``SPAN_KIND_INTERNAL`` = 1 → ``"INTERNAL"``, …), status code ``"0"/"1"/"2"``;
- attributes of every ``AnyValue`` type into one JSON object (bytes → base64, NaN/±Infinity → strings);
  every attribute is kept in ``attributes_json``, junjo ones are also lifted into their columns;
- events → ``[{name, timeUnixNano, attributes}]``, links → ``[{traceId, spanId, traceState, attributes,
  flags}]``;
- junjo columns from either telemetry contract version (v1 ``junjo.id`` …, v2
  ``junjo.executable_runtime_id`` …); a junjo JSON attribute that is not valid JSON is stored as NULL;
- ``service_name`` from the span's own resource (``service.name``; ``unknown_service`` when absent);
- one state patch per event named ``set_state``; its id is derived from trace id, span id and event index,
  so a span sent twice yields the same patch ids. ``node_id`` is the span's junjo id; ``workflow_id`` is the
  span's junjo id for a workflow/subflow span, else its junjo parent id (the enclosing workflow).
"""

import base64
import json
import math
import uuid

from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from .span_store import PatchRow, SpanRow

KIND_NAMES = {0: "UNSPECIFIED", 1: "INTERNAL", 2: "SERVER", 3: "CLIENT", 4: "PRODUCER", 5: "CONSUMER"}
UNKNOWN_SERVICE = "unknown_service"
PATCH_NAMESPACE = uuid.UUID("6f7b1c2e-5d0a-4a53-9c1e-8d2f4b7a9e10")

# column ← first attribute present (contract version 1 name first, version 2 name second)
JUNJO_STRING_COLUMNS = {
    "junjo_id": ("junjo.id", "junjo.executable_runtime_id"),
    "junjo_parent_id": ("junjo.parent_id", "junjo.parent_executable_runtime_id"),
    "junjo_span_type": ("junjo.span_type",),
    "junjo_wf_store_id": ("junjo.workflow.store.id",),
}
JUNJO_JSON_COLUMNS = {
    "junjo_wf_state_start": ("junjo.workflow.state.start",),
    "junjo_wf_state_end": ("junjo.workflow.state.end",),
    "junjo_wf_graph_structure": ("junjo.workflow.graph_structure", "junjo.workflow.execution_graph_snapshot"),
}
WORKFLOW_SPAN_TYPES = {"workflow", "subflow"}
NO_JUNJO_COLUMNS = dict.fromkeys(JUNJO_STRING_COLUMNS)
NO_JUNJO_JSON_COLUMNS = dict.fromkeys(JUNJO_JSON_COLUMNS)


def _finite(number: float):
    if math.isfinite(number):
        return number
    return "NaN" if math.isnan(number) else ("Infinity" if number > 0 else "-Infinity")


def any_value(value: common_pb2.AnyValue):
    """An OTLP AnyValue as a JSON-ready Python value."""
    which = value.WhichOneof("value")
    if which == "string_value":
        return value.string_value
    if which == "bool_value":
        return value.bool_value
    if which == "int_value":
        return value.int_value
    if which == "double_value":
        return _finite(value.double_value)
    if which == "array_value":
        return [any_value(item) for item in value.array_value.values]
    if which == "kvlist_value":
        return key_values(value.kvlist_value.values)
    if which == "bytes_value":
        return base64.b64encode(value.bytes_value).decode("ascii")
    return None


def key_values(pairs) -> dict:
    return {pair.key: any_value(pair.value) for pair in pairs}


dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _reject_constant(name: str):
    raise ValueError(f"non-standard JSON constant {name}")


def _finite_float(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"number out of range: {text}")
    return number


def strict_json_text(value) -> str | None:
    """JSON text for a junjo JSON column: a string attribute must already be strict JSON (stored
    verbatim), a structured attribute is serialised; anything else → None."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            json.loads(value, parse_constant=_reject_constant, parse_float=_finite_float)
        except (ValueError, RecursionError):
            return None
        return value
    return dumps(value)


def micros(nanos: int) -> int:
    """Nanoseconds since the epoch → whole microseconds, cut (never rounded: a time must not move forward)."""
    return nanos // 1000


def patch_id(trace_id: str, span_id: str, event_index: int) -> str:
    """The id of the state patch of one ``set_state`` event: derived from the span and the event's place in
    it, so a span sent twice yields the same ids and its patches are stored once (policy B12)."""
    return str(uuid.uuid5(PATCH_NAMESPACE, f"{trace_id}/{span_id}/{event_index}"))


def first_attribute(attributes: dict, names: tuple[str, ...]):
    """The value of the first of ``names`` (a junjo column's attribute names, current version first, then the
    older telemetry's) present in ``attributes``, or None. A seam: seeded defects replace it."""
    for name in names:
        if name in attributes:
            return attributes[name]
    return None


def _text(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return dumps(value)


def service_name(resource: resource_pb2.Resource) -> str:
    for pair in resource.attributes:
        if pair.key == "service.name" and pair.value.WhichOneof("value") == "string_value":
            return pair.value.string_value or UNKNOWN_SERVICE
    return UNKNOWN_SERVICE


def junjo_columns(attributes: dict) -> tuple[dict, dict]:
    """The junjo text columns and JSON columns of a span with ``attributes``."""
    if not any(key.startswith("junjo.") for key in attributes):
        return NO_JUNJO_COLUMNS, NO_JUNJO_JSON_COLUMNS  # the common case of plain spans: no lookups needed
    junjo = {column: _text(first_attribute(attributes, names)) for column, names in JUNJO_STRING_COLUMNS.items()}
    junjo_json = {
        column: strict_json_text(first_attribute(attributes, names)) for column, names in JUNJO_JSON_COLUMNS.items()
    }
    return junjo, junjo_json


def _events(span: trace_pb2.Span) -> list[dict]:
    return [
        {"name": event.name, "timeUnixNano": event.time_unix_nano, "attributes": key_values(event.attributes)}
        for event in span.events
    ]


def _links(span: trace_pb2.Span) -> list[dict]:
    return [
        {
            "traceId": link.trace_id.hex(),
            "spanId": link.span_id.hex(),
            "traceState": link.trace_state,
            "attributes": key_values(link.attributes),
            "flags": link.flags,
        }
        for link in span.links
    ]


def state_patches(row: SpanRow, events: list[dict]) -> list[PatchRow]:
    """The state patches of the ``set_state`` events of the span stored as ``row``."""
    workflow_id = row.junjo_id if row.junjo_span_type in WORKFLOW_SPAN_TYPES else row.junjo_parent_id
    return [
        PatchRow(
            patch_id=patch_id(row.trace_id, row.span_id, index),
            service_name=row.service_name,
            trace_id=row.trace_id,
            span_id=row.span_id,
            workflow_id=workflow_id,
            node_id=row.junjo_id,
            event_time=micros(event["timeUnixNano"]),
            patch_json=strict_json_text(event["attributes"].get("junjo.state_json_patch")),
            patch_store_id=_text(event["attributes"].get("junjo.store.id")),
        )
        for index, event in enumerate(events)
        if event["name"] == "set_state"
    ]


def convert_span(span: trace_pb2.Span, service: str) -> tuple[SpanRow, list[PatchRow]]:
    """The row of ``span`` (of ``service``) and the rows of its state patches."""
    attributes = key_values(span.attributes)
    junjo, junjo_json = junjo_columns(attributes)
    events = _events(span)
    links = _links(span)
    row = SpanRow(
        trace_id=span.trace_id.hex(),
        span_id=span.span_id.hex(),
        parent_span_id=span.parent_span_id.hex() or None,
        service_name=service,
        name=span.name,
        kind=KIND_NAMES.get(span.kind, "UNSPECIFIED"),
        start_time=micros(span.start_time_unix_nano),
        end_time=micros(span.end_time_unix_nano),
        status_code=str(int(span.status.code)),
        status_message=span.status.message,
        attributes_json=dumps(attributes),
        events_json=dumps(events) if events else "[]",
        links_json=dumps(links) if links else "[]",
        trace_flags=span.flags,
        trace_state=span.trace_state,
        **junjo,
        **junjo_json,
    )
    return row, state_patches(row, events)


def convert_rows(messages) -> tuple[list[SpanRow], list[PatchRow], list[tuple[bytes, str]]]:
    """Convert ``ReadSpansResponse`` messages. A row that cannot be parsed can never be stored, so it is
    returned in ``rejected`` as ``(key, reason)`` instead of blocking every later row."""
    services: dict[bytes, str] = {}
    spans: list[SpanRow] = []
    patches: list[PatchRow] = []
    rejected: list[tuple[bytes, str]] = []
    for message in messages:
        try:
            service = services.get(message.resource_bytes)
            if service is None:
                resource = resource_pb2.Resource.FromString(message.resource_bytes)
                service = services[message.resource_bytes] = service_name(resource)
            row, span_patches = convert_span(trace_pb2.Span.FromString(message.span_bytes), service)
        except Exception as error:  # noqa: BLE001 - any unconvertible row is reported, not fatal
            rejected.append((message.key_ulid, f"{type(error).__name__}: {error}"))
            continue
        spans.append(row)
        patches.extend(span_patches)
    return spans, patches, rejected
