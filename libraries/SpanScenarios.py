"""Keywords that build the span sets of the concurrency and durability tests."""

import random

from robot.api import logger
from robot.api.deco import keyword, library
from robot.utils import DotDict

from junjo_acceptance.races import span_sets


def _dotted(spans: list) -> list:
    return [DotDict(span) for span in spans]


@library(scope="GLOBAL", auto_keywords=False)
class SpanScenarios:
    """Span sets for races and durability tests, as described spans (see ``SpanIngestion``'s `Built spans`):
    senders with their Exports, a long series of traces, a workflow whose nodes run concurrently, spans of
    unusual shape — and the random moment at which a durability test kills a process.
    Send them with ``SpanIngestion``; compare what was stored with ``SpanExpectations``.
    """

    @keyword("Split Into Batches")
    def split_into_batches(self, items: list, size: int, reverse: bool = False) -> list:
        """``items`` cut into consecutive batches of ``size`` (the last may be shorter); with ``reverse`` the
        last item comes first.

        | ${exports} =    Split Into Batches    ${trace}    10    reverse=${True}
        """
        return span_sets.batches_of(items, size, reverse)

    @keyword("Build Sender Batches")
    def build_sender_batches(self, senders: int, spans_per_sender: int, spans_per_export: int, label: str) -> list:
        """For each of ``senders`` senders: one trace of ``spans_per_sender`` spans under its own service
        ``<label>-sender-<n>`` (all kinds, statuses, attribute types and events, see `Build Trace`), cut
        into Exports of ``spans_per_export`` spans, children before their parents. Returns one list of
        Exports per sender, for `Run Keyword In Concurrent Sequences`.

        | ${senders} =    Build Sender Batches    10    100    10    label=race-1a2b
        """
        built = span_sets.sender_batches(senders, spans_per_sender, spans_per_export, label)
        logger.info(f"{senders} senders of {spans_per_sender} spans in Exports of {spans_per_export}, "
                    f"services {label}-sender-0 … {label}-sender-{int(senders) - 1}")
        return [[_dotted(batch) for batch in sender] for sender in built]

    @keyword("Sender Services")
    def sender_services(self, label: str, senders: int) -> list:
        """The services `Build Sender Batches` gives its ``senders`` senders: ``<label>-sender-0`` …

        | ${services} =    Sender Services    ${label}    ${10}
        """
        return span_sets.sender_services(label, senders)

    @keyword("Build Series Of Traces")
    def build_series_of_traces(self, batches: int, spans_per_batch: int, service: str) -> list:
        """``batches`` batches, each one new trace of ``spans_per_batch`` spans of ``service`` (for a
        sustained send: one Export per batch).

        | ${batches} =    Build Series Of Traces    600    5    service=${service}
        """
        return [_dotted(batch) for batch in span_sets.series_of_traces(batches, spans_per_batch, service)]

    @keyword("Build Wide Span")
    def build_wide_span(self, service: str, attributes: int = 300, events: int = 100, depth: int = 8) -> list:
        """A root span with ``attributes`` attributes of every type, ``events`` events with attributes, and
        arrays and key-value lists nested ``depth`` deep, plus one child span: ``[root, child]``.

        | ${spans} =    Build Wide Span    ${service}    attributes=300    events=100
        """
        spans = _dotted(span_sets.wide_span(service, attributes, events, depth))
        logger.info(f"Wide span {spans[0].trace_id}:{spans[0].span_id}: {len(spans[0].attributes_json)} "
                    f"attributes, {len(spans[0].events_json)} events, nesting depth {depth}")
        return spans

    @keyword("Build Concurrent Workflow Trace")
    def build_concurrent_workflow_trace(self, nodes: int, patches_per_node: int, service: str) -> list:
        """A junjo workflow run whose ``nodes`` nodes run concurrently, each making ``patches_per_node``
        ``set_state`` patches that interleave in time (3 µs apart, with sub-microsecond nanoseconds).
        Only the patches applied in time order give the workflow's end state. Workflow span first.

        | ${run} =    Build Concurrent Workflow Trace    8    5    service=${service}
        | ${end_state} =    Set Variable    ${run}[0][junjo_wf_state_end]
        """
        return _dotted(span_sets.concurrent_workflow(nodes, patches_per_node, service))

    @keyword("Build Span With Non-Finite Doubles")
    def build_span_with_non_finite_doubles(self, service: str) -> list:
        """A one-span list: a span of ``service`` whose double attributes ``pos_inf``, ``neg_inf`` and ``nan``
        are +Infinity, -Infinity and NaN — values JSON has no literal for.

        | ${spans} =    Build Span With Non-Finite Doubles    ${service}
        """
        return _dotted(span_sets.non_finite_double_span(service))

    @keyword("Random Kill Moment")
    def random_kill_moment(self, low: int, high: int) -> int:
        """After how many acknowledged Exports a durability test kills a process: a random number from
        ``low`` to ``high`` (both included), logged so that a failing run can be retraced.

        | ${kill_after} =    Random Kill Moment    ${20}    ${80}
        """
        moment = random.randint(int(low), int(high))
        logger.info(f"The process will be killed after {moment} acknowledged Exports.")
        return moment
