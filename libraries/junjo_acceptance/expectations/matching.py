"""Sets of sent spans against sets of stored spans or state patches, and database rows as span objects."""

import json
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any

from .compare import compare_span, instant, same_value

SPAN_JSON_COLUMNS = ("attributes_json", "events_json", "links_json", "junjo_wf_state_start",
                     "junjo_wf_state_end", "junjo_wf_graph_structure")
PATCH_JSON_COLUMNS = ("patch_json",)


def span_key(span: dict) -> str:
    return f"{span['trace_id']}:{span['span_id']}"


def match_spans(expected: list, stored: list, exact_set: bool = False) -> dict:
    """Compare sent spans with stored ones by ``(trace_id, span_id)``.

    Returns ``{missing, duplicated, differing: {key: [problems]}, unexpected}``; ``unexpected`` (stored
    spans nobody sent) is only filled when ``exact_set``.
    """
    by_key = defaultdict(list)
    for span in stored:
        by_key[span_key(span)].append(span)
    report = {"missing": [], "duplicated": [], "differing": {}, "unexpected": []}
    for span in expected:
        found = by_key.get(span_key(span), [])
        if not found:
            report["missing"].append(span_key(span))
            continue
        if len(found) > 1:
            report["duplicated"].append(f"{span_key(span)} ×{len(found)}")
        problems = compare_span(span, found[0])
        if problems:
            report["differing"][span_key(span)] = problems
    if exact_set:
        sent = {span_key(span) for span in expected}
        report["unexpected"] = sorted(key for key in by_key if key not in sent)
    return report


def iso_utc(value: Any) -> Any:
    """A database timestamp (aware or naive-UTC datetime) as ISO 8601 UTC with microseconds."""
    if not isinstance(value, datetime):
        return value
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return moment.isoformat(timespec="microseconds")


def object_of_row(row: dict, json_columns: tuple) -> dict:
    """A database row (column → value) with timestamps as ISO text and JSON columns parsed."""
    converted = {}
    for column, value in dict(row).items():
        if column in json_columns and isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        converted[column] = iso_utc(value)
    return converted


def compare_patches(expected_spans: list, stored_rows: list) -> list[str]:
    """Every difference between the ``_state_patches`` of the sent spans and the stored ``state_patches``
    rows of the same spans: each patch exactly once, with its exact event time, patch and ids."""
    stored = defaultdict(list)
    for row in stored_rows:
        stored[span_key(row)].append(row)
    problems = []
    ids = Counter(row.get("patch_id") for row in stored_rows)
    repeated = [patch_id for patch_id, count in ids.items() if count > 1 or not patch_id]
    if repeated:
        problems.append(f"patch ids empty or repeated: {repeated[:5]}")
    sent_keys = set()
    for span in expected_spans:
        key = span_key(span)
        sent_keys.add(key)
        want = sorted(span.get("_state_patches", []), key=lambda patch: instant(patch["event_time"]))
        got = sorted(stored.get(key, []), key=lambda row: instant(row.get("event_time")) or datetime.min)
        if len(got) != len(want):
            problems.append(f"span {key}: {len(got)} state patches stored, {len(want)} sent")
            continue
        for number, (patch, row) in enumerate(zip(want, got, strict=True)):
            problems += [f"span {key} patch {number}: {problem}" for problem in _patch_problems(span, patch, row)]
    extra = sorted(set(stored) - sent_keys)
    if extra:
        problems.append(f"state patches of spans nobody sent: {extra[:5]}")
    return problems


def _patch_problems(span: dict, patch: dict, row: dict) -> list[str]:
    problems = []
    for field in ("service_name", "trace_id", "span_id", "patch_store_id"):
        if row.get(field) != patch[field]:
            problems.append(f"{field} is {row.get(field)!r}, sent {patch[field]!r}")
    if instant(row.get("event_time")) != instant(patch["event_time"]):
        problems.append(f"event_time is {row.get('event_time')!r}, sent {patch['event_time']!r}")
    if not same_value(patch["patch_json"], row.get("patch_json")):
        problems.append(f"patch_json is {row.get('patch_json')!r}, sent {patch['patch_json']!r}")
    # The contract leaves open whether a node's patch names its enclosing workflow, and a workflow's patch
    # its own id as node: an empty expectation also accepts those ids.
    allowed = {"workflow_id": (span["junjo_parent_id"], span["junjo_id"]), "node_id": (span["junjo_id"],)}
    for field, also in allowed.items():
        got = row.get(field)
        if got != patch[field] and not (patch[field] == "" and (got in (None, "") or got in also)):
            problems.append(f"{field} is {got!r}, sent {patch[field]!r}")
    return problems
