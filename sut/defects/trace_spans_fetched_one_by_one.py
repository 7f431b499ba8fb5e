"""The spans of a trace are read one query per span (N+1 queries) instead of in one query.

Models a repository that first selects the span ids of a trace and then loads each span by its id, as a
lazily loading ORM does: a trace of 1000 spans costs 1001 queries, so opening a long agent run takes
seconds and, under concurrent users, every request waits behind them. The answer is right, only slow.
Breaks policy B15 (a 1000-span trace in < 500 ms; API p99 < 200 ms under load).
"""

PROCESS = "backend"
POLICY = "B15"
CAUGHT_BY = [
    "A Trace Of 1000 Spans Is Returned Within 500 ms And Pages Completely",
    "1000 Closed-Loop API Requests Get Right Answers With p99 Under 200 ms",
]
FAILS_WITH = r"(trace of 1000 spans must be returned within|API latency with \d+ concurrent clients: p99_ms)"


def apply() -> None:
    """Make ``SpanStore.find_spans`` load a trace's spans one by one."""
    from sut.backend import span_store

    find_spans = span_store.SpanStore.find_spans

    def one_by_one(self, **criteria):
        trace_id = criteria.get("trace_id")
        if trace_id is None or criteria.get("span_id") is not None:
            return find_spans(self, **criteria)
        with self.cursor() as cur:
            ids = [row[0] for row in cur.execute(
                "SELECT span_id FROM spans WHERE trace_id = ? ORDER BY start_time DESC, span_id", [trace_id]
            ).fetchall()]
        return [row for span_id in ids for row in find_spans(self, trace_id=trace_id, span_id=span_id, limit=1)]

    span_store.SpanStore.find_spans = one_by_one
