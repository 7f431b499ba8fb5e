"""Span lookups put the trace id and span id into the DuckDB query by string formatting.

Models the classic "it is only a hex id" shortcut: ``f"... WHERE trace_id = '{trace_id}'"`` in the trace and
span endpoints, where the id comes straight from the URL path. A quote in the id ends the string literal:
``' OR '1'='1`` returns the spans of every trace, ``'; DROP TABLE spans; --`` runs a second statement and
anything malformed surfaces as a 500 with DuckDB's parser error. Breaks policy B9 (injection strings are
never executed; no input makes an endpoint answer 5xx).
"""

PROCESS = "backend"
POLICY = "B9"
CAUGHT_BY = [
    "Injection Strings As Trace And Span Ids Return Nothing Of Other Rows",
    "Property-Based Requests From The OpenAPI Document Never Get A 5xx",
]
FAILS_WITH = (r"injection string .* in a span lookup: .*→ 500"
              r"|hostile requests got a 5xx.*GET /api/v1/observability/traces/")


def apply():
    from sut.backend import span_store

    correct = span_store.SpanStore.find_spans

    def find_spans(self, *, trace_id=None, span_id=None, **criteria):
        if trace_id is None:
            return correct(self, **criteria)
        sql = f"{span_store.SELECT_SPANS} WHERE trace_id = '{trace_id}'"
        if span_id is not None:
            sql += f" AND span_id = '{span_id}'"
        sql += span_store.NEWEST_FIRST
        with self.cursor() as cur:
            return cur.execute(sql).fetchall()

    span_store.SpanStore.find_spans = find_spans
