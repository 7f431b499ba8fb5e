"""Keywords that compare the spans a test sent with the spans the target returns or stores."""

import time
from collections import Counter

import jsonpatch
from robot.api import logger
from robot.api.deco import keyword, library
from robot.utils import timestr_to_secs

from junjo_acceptance.expectations.compare import instant
from junjo_acceptance.expectations.matching import (
    PATCH_JSON_COLUMNS,
    SPAN_JSON_COLUMNS,
    compare_patches,
    match_spans,
    object_of_row,
    span_key,
)

SHOWN = 5
# Columns filled from attributes only the current junjo telemetry (contract version 2) sends, with the older
# attribute that fills them in version 1 (contract A6).
CURRENT_TELEMETRY_ONLY = {
    "junjo.executable_runtime_id": ("junjo_id", "junjo.id"),
    "junjo.parent_executable_runtime_id": ("junjo_parent_id", "junjo.parent_id"),
    "junjo.workflow.execution_graph_snapshot": ("junjo_wf_graph_structure", "junjo.workflow.graph_structure"),
}


def _ids(span: dict) -> tuple:
    return span["trace_id"], span["span_id"]


@library(scope="GLOBAL", auto_keywords=False)
class SpanExpectations:
    """Compares sent spans with stored ones, keyed by ``(trace_id, span_id)``: what is missing, what is
    there twice, and — field by field — what differs.

    Sent spans are the descriptions the ``SpanIngestion`` Build keywords return. Stored spans are span
    objects from the HTTP API, or database rows made into span objects with `Span Objects From Rows`.
    The comparison is strict where the contract is (ids, parent, name, kind, timestamps to the microsecond
    in UTC, status, service name, every sent attribute and event with its exact value and JSON type) and
    tolerant only where the contract leaves room: a target may also keep the junjo attributes it lifts into
    columns in ``attributes_json``, bytes may be hex or base64, events may carry extra keys, an absent junjo
    column may be ``null``, ``""`` or ``{}``.

    Spans become queryable some time after the Export that sent them: `Span Visibility Timeout` says how
    long a test waits, `Spans Per Second` measures how fast they did.
    """

    @keyword("Spans Missing From")
    def spans_missing_from(self, expected: list, stored: list) -> list:
        """The ``trace_id:span_id`` of every span of ``expected`` that ``stored`` lacks."""
        have = {_ids(span) for span in stored}
        missing = [":".join(_ids(span)) for span in expected if _ids(span) not in have]
        logger.info(f"{len(expected) - len(missing)} of {len(expected)} expected spans found")
        return missing

    @keyword("Spans As Read By A Target Of Telemetry Versions")
    def spans_as_read_by_a_target_of_telemetry_versions(self, spans: list, versions: "list | None") -> list:
        """``spans`` as a target that reads the junjo telemetry contract ``versions`` (profile capability
        ``junjo_telemetry_versions``, default both) stores them: a target of an older generation reads only
        version 1, so the junjo columns a version-2 client fills through attributes that version 1 does not
        know (``junjo.executable_runtime_id`` …) are expected empty. Logs every column no longer expected."""
        if versions is None or 2 in [int(v) for v in versions]:
            return spans
        adjusted, left_out = [], Counter()
        for span in spans:
            copy = type(span)(span)
            built = span.get("_otlp")
            attributes = {a.key for a in built.span.attributes} if built is not None else set()
            for current, (column, older) in CURRENT_TELEMETRY_ONLY.items():
                if current in attributes and older not in attributes:
                    copy[column] = None
                    left_out[column] += 1
            if copy.get("junjo_id") is None and span.get("_state_patches"):
                # a state patch names its node and workflow by those ids: nothing to expect there either
                copy["_state_patches"] = [dict(patch, node_id="", workflow_id="") for patch in span["_state_patches"]]
            adjusted.append(copy)
        if left_out:
            logger.info(f"The target reads junjo telemetry version(s) {versions} only: columns filled from "
                        f"version-2 attributes are expected empty ({dict(left_out)}).")
        return adjusted

    @keyword("Spans Of Trace")
    def spans_of_trace(self, spans: list, trace_id: str) -> list:
        """The spans of ``spans`` that belong to trace ``trace_id``, in order."""
        return [span for span in spans if span["trace_id"] == trace_id]

    @keyword("Spans Of Service")
    def spans_of_service(self, spans: list, service: str) -> list:
        """The spans of ``spans`` sent by service ``service``, in order."""
        return [span for span in spans if span["service_name"] == service]

    @keyword("Spans Expected From Each Service Endpoint")
    def spans_expected_from_each_service_endpoint(self, sent: list) -> dict:
        """What each span endpoint of a service must return when ``sent`` are all its spans, by the ``kind``
        of ``Get Service Spans``: ``spans`` (all of them), ``root`` (those without a parent) and
        ``workflows`` (the junjo workflow spans).

        | ${expected} =    Spans Expected From Each Service Endpoint    ${sent}
        | FOR    ${kind}    ${spans}    IN    &{expected}
        """
        return {"spans": list(sent),
                "root": [span for span in sent if span["parent_span_id"] is None],
                "workflows": [span for span in sent if span["junjo_span_type"] == "workflow"]}

    @keyword("Non-Finite Doubles Should Have Kept What They Are")
    def non_finite_doubles_should_have_kept_what_they_are(self, stored: dict, policy: str = "B11"):
        """Fail unless the stored span (from the HTTP API) of ``Build Span With Non-Finite Doubles`` still
        holds +Infinity, -Infinity and NaN in its attributes ``pos_inf``, ``neg_inf`` and ``nan``. JSON has no
        literal for them, so a target may return them as text (``"Infinity"``, ``"-inf"``, ``"NaN"``): the
        sign and the kind must survive."""
        kept = {name: str(value).lower() for name, value in (stored.get("attributes_json") or {}).items()}
        checks = [("pos_inf", "+Infinity", lambda v: "inf" in v and not v.startswith("-")),
                  ("neg_inf", "-Infinity", lambda v: v.startswith("-inf")),
                  ("nan", "NaN", lambda v: "nan" in v)]
        for name, what, holds in checks:
            if not holds(kept.get(name, "")):
                raise AssertionError(f"{policy}: a {what} double attribute came back as {kept.get(name)}")
        logger.info(f"Non-finite doubles came back as {kept}")

    @keyword("Trace Ids Of")
    def trace_ids_of(self, spans: list) -> list:
        """The distinct trace ids of ``spans``, sorted."""
        return sorted({span["trace_id"] for span in spans})

    @keyword("Span Keys Of")
    def span_keys_of(self, spans: list) -> list:
        """``trace_id:span_id`` of every span, in order (for SQL ``IN`` lists)."""
        return [":".join(_ids(span)) for span in spans]

    @keyword("Stored Spans Should Match Sent Spans")
    def stored_spans_should_match_sent_spans(self, sent: list, stored: list, policy: str = "B11",
                                             exact_set: bool = False, where: str = "the target"):
        """Fail unless every span of ``sent`` is in ``stored`` exactly once with every field intact.

        With ``exact_set`` ``stored`` must hold nothing else (for example: every span of a service that only
        this test sends to). ``where`` names the source in the message (``the HTTP API``, ``DuckDB``);
        ``policy`` starts it.

        | ${stored} =    Get Service Spans    ${service}    by=admin    limit=${1000}
        | Stored Spans Should Match Sent Spans    ${sent}    ${stored}    exact_set=${True}    where=the HTTP API
        """
        report = match_spans(list(sent), list(stored), exact_set)
        parts = []
        if report["missing"]:
            parts.append(f"{len(report['missing'])} missing ({', '.join(report['missing'][:SHOWN])})")
        if report["duplicated"]:
            shown = ", ".join(report["duplicated"][:SHOWN])
            parts.append(f"{len(report['duplicated'])} stored more than once ({shown})")
        if report["differing"]:
            shown = "; ".join(f"{key}: {', '.join(problems[:3])}"
                              for key, problems in list(report["differing"].items())[:SHOWN])
            parts.append(f"{len(report['differing'])} with wrong fields ({shown})")
        if report["unexpected"]:
            parts.append(f"{len(report['unexpected'])} nobody sent ({', '.join(report['unexpected'][:SHOWN])})")
        if parts:
            raise AssertionError(f"{policy}: of {len(sent)} sent spans, {where} holds " + "; ".join(parts))
        logger.info(f"All {len(sent)} sent spans are in {where} exactly once, every field intact "
                    f"({len(stored)} stored spans compared)")

    @keyword("Stored Spans Should Be Among Sent Spans")
    def stored_spans_should_be_among_sent_spans(self, sent: list, stored: list, policy: str = "B11",
                                                where: str = "the target"):
        """Fail if ``stored`` holds a span that is not in ``sent`` or holds one more than once — for sends
        where some Exports failed: their spans may or may not be stored, but never twice, never invented.
        """
        sent_keys = {span_key(span) for span in sent}
        counts = Counter(span_key(span) for span in stored)
        invented = [key for key in counts if key not in sent_keys]
        repeated = [f"{key} ×{count}" for key, count in counts.items() if count > 1]
        if invented or repeated:
            raise AssertionError(f"{policy}: {where} holds {len(invented)} spans nobody sent "
                                 f"({', '.join(invented[:SHOWN]) or '-'}) and {len(repeated)} spans more than "
                                 f"once ({', '.join(repeated[:SHOWN]) or '-'})")
        logger.info(f"{len(counts)} stored spans, each sent and stored once")

    @keyword("Span Objects From Rows")
    def span_objects_from_rows(self, rows: list) -> list:
        """Database rows of ``spans`` (dictionaries) as span objects: timestamps as ISO 8601 UTC text, JSON
        columns parsed, so `Stored Spans Should Match Sent Spans` can judge them."""
        return [object_of_row(row, SPAN_JSON_COLUMNS) for row in rows]

    @keyword("Stored State Patches Should Match Sent Spans")
    def stored_state_patches_should_match_sent_spans(self, sent: list, rows: list, policy: str = "B11"):
        """Fail unless the ``state_patches`` ``rows`` hold exactly the patches of the ``set_state`` events of
        ``sent`` — each once, with its exact event time (to the microsecond), patch, store id and span.

        | ${rows} =    Rows From DuckDB    SELECT * FROM state_patches WHERE trace_id = ?    ${trace_id}
        | Stored State Patches Should Match Sent Spans    ${sent}    ${rows}    policy=B12
        """
        patches = [object_of_row(row, PATCH_JSON_COLUMNS) for row in rows]
        problems = compare_patches(list(sent), patches)
        expected = sum(len(span.get("_state_patches", [])) for span in sent)
        if problems:
            raise AssertionError(f"{policy}: {len(patches)} state patches stored for {expected} sent: "
                                 + "; ".join(problems[:SHOWN]))
        logger.info(f"All {expected} state patches stored exactly once, times and patches intact")

    @keyword("State After Applying Patches")
    def state_after_applying_patches(self, start_state, rows: list):
        """The workflow state obtained by applying the RFC 6902 patches of ``state_patches`` ``rows`` to
        ``start_state`` in the order of their event times (as a UI replaying a run would)."""
        patches = sorted((object_of_row(row, PATCH_JSON_COLUMNS) for row in rows),
                         key=lambda row: instant(row["event_time"]))
        state = start_state
        for row in patches:
            state = jsonpatch.apply_patch(state, row["patch_json"])
        logger.info(f"State after {len(patches)} patches: {state}")
        return state

    @keyword("Span Visibility Timeout")
    def span_visibility_timeout(self, count: int, poll_interval_s: float, spans_per_s=None,
                                at_least: str = "30s") -> float:
        """Seconds to wait for ``count`` acknowledged spans to become queryable: 20 poll intervals of the
        target (``poll_interval_s``) plus 5 × the time the measured throughput ``spans_per_s`` needs for
        them (nothing when it was not measured), and never less than ``at_least``. Rounded to 0.1 s.

        | ${timeout} =    Span Visibility Timeout    ${count}    ${poll}    ${rate}    at_least=30s
        """
        derived = 20 * float(poll_interval_s) + (5 * int(count) / float(spans_per_s) if spans_per_s else 0)
        return round(max(timestr_to_secs(at_least), derived), 1)

    @keyword("Spans Per Second")
    def spans_per_second(self, count: int, since) -> float:
        """``count`` spans divided by the seconds since ``since`` (epoch seconds, as ``Get Current Date``
        with ``result_format=epoch`` gives them), rounded to 0.1.

        | ${started} =    Get Current Date    result_format=epoch
        | ...
        | ${rate} =    Spans Per Second    ${count}    since=${started}
        """
        return round(int(count) / max(time.time() - float(since), 1e-6), 1)
