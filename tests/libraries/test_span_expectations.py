"""Field-by-field comparison of sent and stored spans, and of state patches."""

import base64
import copy
import json
from datetime import datetime, timedelta, timezone

import pytest
from SpanExpectations import SpanExpectations

from junjo_acceptance.expectations.compare import compare_span
from junjo_acceptance.expectations.matching import compare_patches, match_spans, object_of_row
from junjo_acceptance.ingestion import scenarios
from junjo_acceptance.ingestion.otlp_builder import JUNJO_COLUMNS
from junjo_acceptance.races.span_sets import concurrent_workflow


def stored_like_the_reference_target(span: dict) -> dict:
    """What a correct target may return for a sent span: bytes as base64, lifted junjo attributes kept in
    attributes_json too, an extra key in events, absent junjo columns as null."""
    built = span["_otlp"].span
    stored = {k: copy.deepcopy(v) for k, v in span.items() if not k.startswith("_")}
    for pair in built.attributes:
        if pair.value.WhichOneof("value") == "bytes_value":
            stored["attributes_json"][pair.key] = base64.b64encode(pair.value.bytes_value).decode()
        if pair.key in JUNJO_COLUMNS:
            stored["attributes_json"][pair.key] = pair.value.string_value
    for event in stored["events_json"]:
        event["droppedAttributesCount"] = 0
    for column in ("junjo_id", "junjo_parent_id", "junjo_span_type", "junjo_wf_store_id"):
        stored[column] = stored[column] or None
    return stored


@pytest.fixture
def sent():
    return scenarios.trace(6, "svc") + scenarios.workflow_trace(2, "svc", 2)


def test_a_faithful_copy_matches(sent):
    stored = [stored_like_the_reference_target(span) for span in sent]
    assert match_spans(sent, stored, exact_set=True) == {"missing": [], "duplicated": [], "differing": {},
                                                        "unexpected": []}


@pytest.mark.parametrize("change, problem", [
    (lambda s: s["attributes_json"].update({"acceptance.int": float(s["attributes_json"]["acceptance.int"])}),
     "attributes_json['acceptance.int']"),
    (lambda s: s["attributes_json"].update({"acceptance.bool": int(s["attributes_json"]["acceptance.bool"])}),
     "attributes_json['acceptance.bool']"),
    (lambda s: s["attributes_json"].pop("acceptance.string"), "is missing"),
    (lambda s: s["attributes_json"].update({"invented": 1}), "nobody sent"),
    (lambda s: s.update({"kind": "CLIENT"}), "kind"),
    (lambda s: s.update({"start_time": s["start_time"].replace("+00:00", "+01:00")}), "start_time"),
    (lambda s: s.update({"parent_span_id": "0" * 16}), "parent_span_id"),
    (lambda s: s.update({"status_code": "1"}), "status_code"),
    (lambda s: s["events_json"][0]["attributes"].update({"acceptance.event.index": "0"}), "events_json[0]"),
    (lambda s: s["events_json"].append({}), "events_json holds 2 events"),
    (lambda s: s.update({"service_name": "other"}), "service_name"),
])
def test_every_kind_of_difference_is_reported(sent, change, problem):
    stored = stored_like_the_reference_target(sent[0])
    change(stored)
    problems = compare_span(sent[0], stored)
    assert any(problem in text for text in problems), problems


def test_time_one_microsecond_late_and_non_utc_offsets_are_reported(sent):
    stored = stored_like_the_reference_target(sent[1])
    moment = datetime.fromisoformat(sent[1]["end_time"]) + timedelta(microseconds=1)
    stored["end_time"] = moment.isoformat()
    assert any("end_time" in p for p in compare_span(sent[1], stored))
    stored = stored_like_the_reference_target(sent[1])
    stored["start_time"] = datetime.fromisoformat(sent[1]["start_time"]).astimezone(
        timezone(timedelta(hours=2))).isoformat()
    assert compare_span(sent[1], stored) == [f"start_time {stored['start_time']!r} is not in UTC"]


def test_junjo_columns_must_be_filled(sent):
    workflow = sent[6]
    stored = stored_like_the_reference_target(workflow)
    stored["junjo_id"] = None
    assert any(p.startswith("junjo_id is None") for p in compare_span(workflow, stored))


def test_missing_duplicated_and_unexpected_spans(sent):
    stored = [stored_like_the_reference_target(span) for span in sent[1:]]
    stored.append(stored[0])
    stranger = dict(stored[1], span_id="f" * 16)
    report = match_spans(sent, stored + [stranger], exact_set=True)
    assert report["missing"] == [f"{sent[0]['trace_id']}:{sent[0]['span_id']}"]
    assert report["duplicated"] == [f"{sent[1]['trace_id']}:{sent[1]['span_id']} ×2"]
    assert report["unexpected"] == [f"{stranger['trace_id']}:{'f' * 16}"]


def test_database_rows_become_span_objects():
    row = {"start_time": datetime(2025, 11, 1, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1))),
           "attributes_json": '{"a": 1}', "name": "n", "events_json": "not json"}
    assert object_of_row(row, ("attributes_json", "events_json")) == {
        "start_time": "2025-11-01T09:00:00.123456+00:00", "attributes_json": {"a": 1}, "name": "n",
        "events_json": "not json"}


def patch_rows(spans, *, shift_us=0):
    rows = []
    for span in spans:
        for number, patch in enumerate(span["_state_patches"]):
            moment = datetime.fromisoformat(patch["event_time"]) + timedelta(microseconds=shift_us)
            rows.append(dict(patch, patch_id=f"{span['span_id']}-{number}", event_time=moment,
                             patch_json=json.dumps(patch["patch_json"]),
                             workflow_id=span["junjo_parent_id"] or patch["workflow_id"]))
    return rows


def test_state_patches_are_compared_exactly_once_with_exact_times():
    run = concurrent_workflow(3, 2, "svc")
    library = SpanExpectations()
    library.stored_state_patches_should_match_sent_spans(run, patch_rows(run))
    with pytest.raises(AssertionError, match="B12: 12 state patches stored for 6 sent"):
        library.stored_state_patches_should_match_sent_spans(run, patch_rows(run) * 2, policy="B12")
    with pytest.raises(AssertionError, match="event_time is"):
        library.stored_state_patches_should_match_sent_spans(run, patch_rows(run, shift_us=1))
    assert compare_patches(run, [dict(r, patch_id="same") for r in patch_rows(run)])[0].startswith("patch ids")


def test_replaying_patches_in_time_order_gives_the_end_state():
    run = concurrent_workflow(4, 3, "svc")
    rows = patch_rows(run)
    library = SpanExpectations()
    state = library.state_after_applying_patches(run[0]["junjo_wf_state_start"], list(reversed(rows)))
    assert state == run[0]["junjo_wf_state_end"]


def test_stored_spans_may_miss_unacknowledged_ones_but_never_repeat_or_invent(sent):
    library = SpanExpectations()
    stored = [stored_like_the_reference_target(span) for span in sent[:3]]
    library.stored_spans_should_be_among_sent_spans(sent, stored)
    with pytest.raises(AssertionError, match=r"B11: the target holds 0 spans nobody sent \(-\) and 1 spans more"):
        library.stored_spans_should_be_among_sent_spans(sent, stored + stored[:1])
