"""Field-by-field comparison of a sent span (its description, see
``junjo_acceptance.ingestion.otlp_builder.describe``) with
the span object a target returned or stored.

Strict where the contract is: ids, parent, name, kind, timestamps (the same instant to the microsecond, in
UTC), status, service name, and every sent attribute and event with its exact value and JSON type (an int
must not come back as a float or a string). Tolerant only where the contract leaves room:

- a target may keep the junjo attributes it lifts into columns in ``attributes_json`` too (the reference
  target does, the Python backend drops them), but never attributes nobody sent;
- bytes values may be stored as lowercase hex (the product) or base64 (OTLP/JSON);
- events may carry extra keys (``droppedAttributesCount``), ``timeUnixNano`` may be a decimal string
  (OTLP/JSON encodes 64-bit integers as strings);
- an absent junjo column or trace state may be ``null``, ``""`` or ``{}``; ``trace_flags`` compares its
  low 8 bits (the W3C flags; OTLP uses the higher bits for other information).
"""

import base64
from datetime import UTC, datetime
from typing import Any

from junjo_acceptance.ingestion.otlp_builder import JUNJO_COLUMNS, OtlpSpan, plain_value

EXACT_FIELDS = ("trace_id", "span_id", "parent_span_id", "service_name", "name", "kind", "status_message")
TIME_FIELDS = ("start_time", "end_time")
JUNJO_TEXT_FIELDS = ("junjo_id", "junjo_parent_id", "junjo_span_type", "junjo_wf_store_id")
JUNJO_JSON_FIELDS = ("junjo_wf_state_start", "junjo_wf_state_end", "junjo_wf_graph_structure")
EMPTY = (None, "", {}, [])


class SentBytes:
    """An attribute value that was sent as OTLP bytes."""

    def __init__(self, value: bytes):
        self.value = value

    def matches(self, stored: Any) -> bool:
        return stored in (self.value.hex(), base64.b64encode(self.value).decode("ascii"))

    def __repr__(self):
        return f"bytes {self.value.hex()}"


def typed_value(value) -> Any:
    """The JSON value of an OTLP ``AnyValue`` with bytes kept recognisable (:class:`SentBytes`)."""
    kind = value.WhichOneof("value")
    if kind == "bytes_value":
        return SentBytes(value.bytes_value)
    if kind == "array_value":
        return [typed_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return typed_attributes(value.kvlist_value.values)
    return plain_value(value)


def typed_attributes(pairs) -> dict:
    return {pair.key: typed_value(pair.value) for pair in pairs}


def same_value(expected: Any, stored: Any) -> bool:
    """Deep equality that keeps JSON types apart (``True`` ≠ ``1`` ≠ ``1.0`` ≠ ``"1"``)."""
    if isinstance(expected, SentBytes):
        return expected.matches(stored)
    if isinstance(expected, dict):
        return isinstance(stored, dict) and expected.keys() == stored.keys() and all(
            same_value(expected[key], stored[key]) for key in expected)
    if isinstance(expected, list):
        return isinstance(stored, list) and len(expected) == len(stored) and all(
            same_value(e, s) for e, s in zip(expected, stored, strict=True))
    return type(expected) is type(stored) and expected == stored


def instant(value: Any) -> "datetime | None":
    """A timestamp (ISO 8601 text or datetime) as an aware datetime, or None when it is neither."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return moment if moment.tzinfo else None


def compare_span(expected: dict, stored: dict) -> list[str]:
    """Every difference between the sent span ``expected`` and the ``stored`` span object, as text."""
    problems = []
    for field in EXACT_FIELDS:
        if stored.get(field, "<missing>") != expected[field]:
            problems.append(_differs(field, expected[field], stored.get(field, "<missing>")))
    for field in TIME_FIELDS:
        problems += _time_problems(field, expected[field], stored.get(field))
    if str(stored.get("status_code")) != expected["status_code"]:
        problems.append(_differs("status_code", expected["status_code"], stored.get("status_code")))
    flags = stored.get("trace_flags")
    if not isinstance(flags, int) or flags & 0xFF != expected["trace_flags"]:
        problems.append(_differs("trace_flags", expected["trace_flags"], flags))
    if (expected["trace_state"] or None) != (stored.get("trace_state") or None):
        problems.append(_differs("trace_state", expected["trace_state"], stored.get("trace_state")))
    if (stored.get("links_json") or []) != expected["links_json"]:
        problems.append(_differs("links_json", expected["links_json"], stored.get("links_json")))
    for field in (*JUNJO_TEXT_FIELDS, *JUNJO_JSON_FIELDS):
        want, got = expected[field], stored.get(field)
        if not (want in EMPTY and got in EMPTY) and not same_value(want, got):
            problems.append(_differs(field, want, got))
    sent = _sent(expected)
    problems += _attribute_problems("attributes_json", sent["attributes"], stored.get("attributes_json"))
    problems += _event_problems(sent["events"], stored.get("events_json"))
    return problems


def _sent(expected: dict) -> dict:
    """Attributes and events as sent, bytes recognisable (from the protobuf span when the description has it)."""
    built = expected.get("_otlp")
    if isinstance(built, OtlpSpan):
        return {"attributes": typed_attributes(built.span.attributes),
                "events": [{"name": e.name, "timeUnixNano": e.time_unix_nano,
                            "attributes": typed_attributes(e.attributes)} for e in built.span.events]}
    return {"attributes": dict(expected.get("attributes_json", {})), "events": expected.get("events_json", [])}


def _attribute_problems(where: str, sent: dict, stored: Any) -> list[str]:
    if not isinstance(stored, dict):
        return [f"{where} is {stored!r}, expected an object"]
    problems = []
    for key, value in sent.items():
        if key in stored:
            if not same_value(value, stored[key]):
                problems.append(_differs(f"{where}[{key!r}]", value, stored[key]))
        elif key not in JUNJO_COLUMNS:
            problems.append(f"{where}[{key!r}] is missing (sent {value!r})")
    invented = sorted(set(stored) - set(sent))
    if invented:
        problems.append(f"{where} has attributes nobody sent: {invented}")
    return problems


def _event_problems(sent: list, stored: Any) -> list[str]:
    if not isinstance(stored, list) or len(stored) != len(sent):
        count = len(stored) if isinstance(stored, list) else stored
        return [f"events_json holds {count!r} events, expected {len(sent)}"]
    problems = []
    for number, (want, got) in enumerate(zip(sent, stored, strict=True)):
        if not isinstance(got, dict):
            problems.append(f"events_json[{number}] is {got!r}")
            continue
        if got.get("name") != want["name"]:
            problems.append(_differs(f"events_json[{number}].name", want["name"], got.get("name")))
        time = got.get("timeUnixNano")
        if str(time) != str(want["timeUnixNano"]) or isinstance(time, (bool, float)):
            problems.append(_differs(f"events_json[{number}].timeUnixNano", want["timeUnixNano"], time))
        attributes = got.get("attributes")
        if not isinstance(attributes, dict) or attributes.keys() != want["attributes"].keys():
            problems.append(_differs(f"events_json[{number}].attributes", want["attributes"], attributes))
        else:
            problems += _attribute_problems(f"events_json[{number}].attributes", want["attributes"], attributes)
    return problems


def _time_problems(field: str, expected: str, stored: Any) -> list[str]:
    moment, want = instant(stored), instant(expected)
    if moment is None:
        return [f"{field} is {stored!r}, expected an ISO 8601 time with its UTC offset ({expected})"]
    problems = []
    if moment != want:
        problems.append(_differs(field, expected, stored))
    if moment.utcoffset() != UTC.utcoffset(None):
        problems.append(f"{field} {stored!r} is not in UTC")
    return problems


def _differs(field: str, expected: Any, stored: Any) -> str:
    return f"{field} is {_short(stored)}, sent {_short(expected)}"


def _short(value: Any, limit: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
