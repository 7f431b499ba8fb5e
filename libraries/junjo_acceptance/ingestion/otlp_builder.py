"""Build OTLP spans and Export requests, and describe the span object a target should store for each.

A built span is an :class:`OtlpSpan` (the protobuf ``Span`` and its ``Resource``). :func:`describe` turns it
into the *expected* span object of contract A2 (ids as hex, kind name, ISO timestamps, status code as a
string, attributes and events as JSON values, junjo columns), so what was sent can be compared with what
was stored. Conversions follow the product: bytes become lowercase hex, timestamps are cut to microseconds.
"""

import json
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList
from opentelemetry.proto.resource.v1.resource_pb2 import Resource
from opentelemetry.proto.trace.v1.trace_pb2 import ResourceSpans, ScopeSpans, Span, Status

DEFAULT_SERVICE = "acceptance-suite"
SCOPE = InstrumentationScope(name="acceptance-suite", version="1")
KINDS = ("UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER")  # OTLP enum order
STATUSES = ("UNSET", "OK", "ERROR")
SAMPLED = 1
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Span attribute -> span object column; both junjo telemetry generations (contract A6).
JUNJO_COLUMNS = {
    "junjo.span_type": "junjo_span_type",
    "junjo.id": "junjo_id",
    "junjo.executable_runtime_id": "junjo_id",
    "junjo.parent_id": "junjo_parent_id",
    "junjo.parent_executable_runtime_id": "junjo_parent_id",
    "junjo.workflow.state.start": "junjo_wf_state_start",
    "junjo.workflow.state.end": "junjo_wf_state_end",
    "junjo.workflow.graph_structure": "junjo_wf_graph_structure",
    "junjo.workflow.execution_graph_snapshot": "junjo_wf_graph_structure",
    "junjo.workflow.store.id": "junjo_wf_store_id",
}
JSON_COLUMNS = ("junjo_wf_state_start", "junjo_wf_state_end", "junjo_wf_graph_structure")
WORKFLOW_TYPES = ("workflow", "subflow")


@dataclass(frozen=True, repr=False)
class OtlpSpan:
    """A protobuf span with the resource it is sent under; its repr stays one short line in logs."""

    span: Span
    resource: Resource

    def __repr__(self):
        return f"<OTLP span {self.span.name!r} {self.span.span_id.hex()} of {service_of(self.resource)!r}>"


def new_trace_id() -> str:
    """32 random lowercase hex characters (never all zeros)."""
    return _random_hex(16)


def new_span_id() -> str:
    """16 random lowercase hex characters (never all zeros)."""
    return _random_hex(8)


def _random_hex(size: int) -> str:
    while True:
        value = secrets.token_hex(size)
        if value.strip("0"):
            return value


def now_ns() -> int:
    """The current time in nanoseconds since the epoch, cut to whole microseconds."""
    return time.time_ns() // 1000 * 1000


def to_unix_nano(value, default: "int | None" = None) -> int:
    """Nanoseconds since the epoch from an int, a string of digits or an ISO-8601 string (naive = UTC)."""
    if value is None or value == "":
        return now_ns() if default is None else default
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, int) or str(value).strip().isdigit():
        return int(value)
    else:
        moment = datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(microseconds=1) * 1000


def iso_from_nano(nanos: int) -> str:
    """ISO-8601 UTC with microseconds (``2025-11-01T10:00:00.123456+00:00``); sub-microseconds are cut."""
    return (EPOCH + timedelta(microseconds=nanos // 1000)).isoformat(timespec="microseconds")


def any_value(value) -> AnyValue:
    """The OTLP ``AnyValue`` of a Python value: str, bool, int, float, bytes, list/tuple, dict (kvlist)."""
    if isinstance(value, str):
        return AnyValue(string_value=value)
    if isinstance(value, bool):
        return AnyValue(bool_value=value)
    if isinstance(value, int):
        return AnyValue(int_value=value)
    if isinstance(value, float):
        return AnyValue(double_value=value)
    if isinstance(value, (bytes, bytearray)):
        return AnyValue(bytes_value=bytes(value))
    if isinstance(value, (list, tuple)):
        return AnyValue(array_value=ArrayValue(values=[any_value(item) for item in value]))
    if isinstance(value, dict):
        return AnyValue(kvlist_value=KeyValueList(values=key_values(value)))
    raise TypeError(f"Attribute values must be str, bool, int, float, bytes, list or dict, not {type(value).__name__}")


def key_values(attributes: "dict | None") -> list[KeyValue]:
    """OTLP ``KeyValue`` list of a dict."""
    return [KeyValue(key=str(key), value=any_value(value)) for key, value in (attributes or {}).items()]


def plain_value(value: AnyValue):
    """The JSON value a target stores for an ``AnyValue`` (bytes as lowercase hex)."""
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [plain_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return plain_attributes(value.kvlist_value.values)
    if kind == "bytes_value":
        return value.bytes_value.hex()
    return getattr(value, kind) if kind else None


def plain_attributes(pairs) -> dict:
    """``{key: JSON value}`` of a ``KeyValue`` list."""
    return {pair.key: plain_value(pair.value) for pair in pairs}


def resource_for(service: "str | None") -> Resource:
    """A resource naming ``service`` in ``service.name`` (no attribute at all when ``service`` is None)."""
    return Resource(attributes=key_values({} if service is None else {"service.name": service}))


def service_of(resource: Resource) -> "str | None":
    """The ``service.name`` of a resource, or None."""
    return plain_attributes(resource.attributes).get("service.name")


def enum_name(value: str, names: tuple, what: str) -> str:
    """Upper-case ``value`` without an OTLP prefix, checked against ``names``."""
    name = str(value).strip().upper().removeprefix("SPAN_KIND_").removeprefix("STATUS_CODE_")
    if name not in names:
        raise ValueError(f"Unknown {what} {value!r}; use one of {', '.join(names)}")
    return name


def make_span(name: str = "acceptance-span", service: "str | None" = DEFAULT_SERVICE,
              trace_id: "str | None" = None, span_id: "str | None" = None,
              parent_span_id: "str | None" = None, kind: str = "INTERNAL", start=None,
              duration_ms: float = 5, attributes: "dict | None" = None, events: "list | None" = None,
              status: str = "UNSET", status_message: str = "") -> OtlpSpan:
    """Build one protobuf span (ids in hex; ``events`` items are ``{name, time, attributes}``)."""
    start_ns = to_unix_nano(start)
    span = Span(
        trace_id=bytes.fromhex(trace_id or new_trace_id()),
        span_id=bytes.fromhex(span_id or new_span_id()),
        parent_span_id=bytes.fromhex(parent_span_id or ""),
        flags=SAMPLED,
        name=name,
        kind=KINDS.index(enum_name(kind, KINDS, "span kind")),
        start_time_unix_nano=start_ns,
        end_time_unix_nano=start_ns + round(float(duration_ms) * 1_000_000),
        attributes=key_values(attributes),
        events=[Span.Event(name=event["name"], time_unix_nano=to_unix_nano(event.get("time"), start_ns),
                           attributes=key_values(event.get("attributes"))) for event in events or []],
        status=Status(code=STATUSES.index(enum_name(status, STATUSES, "status")), message=status_message),
    )
    return OtlpSpan(span, resource_for(service))


def describe(built: OtlpSpan) -> dict:
    """The span object (contract A2) a correct target stores for ``built``.

    ``attributes_json`` holds the attributes that are not lifted into ``junjo_*`` columns. Two extra keys
    are not columns: ``_state_patches`` (the ``state_patches`` rows its ``set_state`` events should
    produce) and ``_otlp`` (the :class:`OtlpSpan` that was built).
    """
    span = built.span
    attributes = plain_attributes(span.attributes)
    columns = junjo_columns(attributes)
    described = {
        "trace_id": span.trace_id.hex(),
        "span_id": span.span_id.hex(),
        "parent_span_id": span.parent_span_id.hex() or None,
        "service_name": service_of(built.resource),
        "name": span.name,
        "kind": KINDS[span.kind] if span.kind < len(KINDS) else str(span.kind),
        "start_time": iso_from_nano(span.start_time_unix_nano),
        "end_time": iso_from_nano(span.end_time_unix_nano),
        "status_code": str(span.status.code),
        "status_message": span.status.message,
        "attributes_json": {k: v for k, v in attributes.items() if k not in JUNJO_COLUMNS},
        "events_json": [{"name": event.name, "timeUnixNano": event.time_unix_nano,
                         "attributes": plain_attributes(event.attributes)} for event in span.events],
        "links_json": [],
        "trace_flags": span.flags & 0xFF,
        "trace_state": span.trace_state or None,
        **columns,
    }
    described["_state_patches"] = state_patches(described, columns)
    described["_otlp"] = built
    return described


def junjo_columns(attributes: dict) -> dict:
    """The ``junjo_*`` columns lifted from span attributes (workflow columns only for workflows/subflows)."""
    columns = {"junjo_id": "", "junjo_parent_id": "", "junjo_span_type": "", "junjo_wf_state_start": {},
               "junjo_wf_state_end": {}, "junjo_wf_graph_structure": {}, "junjo_wf_store_id": ""}
    lifted = {}
    for key, column in JUNJO_COLUMNS.items():
        if isinstance(attributes.get(key), str):
            lifted.setdefault(column, attributes[key])
    for column in ("junjo_id", "junjo_parent_id", "junjo_span_type"):
        columns[column] = lifted.get(column, "")
    if columns["junjo_span_type"] in WORKFLOW_TYPES:
        columns["junjo_wf_store_id"] = lifted.get("junjo_wf_store_id", "")
        columns.update({column: parse_json(lifted.get(column, "{}")) for column in JSON_COLUMNS})
    return columns


def state_patches(described: dict, columns: dict) -> list[dict]:
    """The ``state_patches`` rows (contract A6) of a described span's ``set_state`` events."""
    span_type, junjo_id = columns["junjo_span_type"], columns["junjo_id"]
    return [{
        "service_name": described["service_name"],
        "trace_id": described["trace_id"],
        "span_id": described["span_id"],
        "workflow_id": junjo_id if span_type == "workflow" else "",
        "node_id": junjo_id if span_type == "node" else "",
        "event_time": iso_from_nano(event["timeUnixNano"]),
        "patch_json": parse_json(event["attributes"].get("junjo.state_json_patch", "{}")),
        "patch_store_id": event["attributes"].get("junjo.store.id", ""),
    } for event in described["events_json"] if event["name"] == "set_state"]


def parse_json(text: str):
    """The parsed JSON value of ``text``, or ``text`` itself when it is not valid JSON."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def otlp_of(item) -> OtlpSpan:
    """The :class:`OtlpSpan` of a described span (or the span itself)."""
    if isinstance(item, OtlpSpan):
        return item
    if isinstance(item, dict) and isinstance(item.get("_otlp"), OtlpSpan):
        return item["_otlp"]
    raise TypeError(f"Not a built span: {type(item).__name__} (use the span returned by a Build keyword)")


def export_request(spans: list) -> ExportTraceServiceRequest:
    """One Export request: spans grouped by identical resource into ResourceSpans, one ScopeSpans each."""
    groups: dict[bytes, ResourceSpans] = {}
    for built in map(otlp_of, spans):
        key = built.resource.SerializeToString(deterministic=True)
        if key not in groups:
            groups[key] = ResourceSpans(resource=built.resource, scope_spans=[ScopeSpans(scope=SCOPE)])
        groups[key].scope_spans[0].spans.append(built.span)
    return ExportTraceServiceRequest(resource_spans=list(groups.values()))
