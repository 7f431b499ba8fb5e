"""Root spans are looked up by an empty parent id instead of a missing one.

Models a query written after the OTLP convention (a root span's ``parent_span_id`` is empty bytes) against
a store that keeps roots with a NULL parent: ``/spans/root`` answers an empty list for every service, which
no "nothing leaked" or "no error" check notices. Breaks contract A2 (root spans are the spans without a
parent).
"""

PROCESS = "backend"
POLICY = "A2"
CAUGHT_BY = ["Every Span Read Endpoint Returns The Spans It Is Asked For"]
FAILS_WITH = r"of \d+ sent spans, the root endpoint of service .* holds \d+ missing"


def apply() -> None:
    from sut.backend import span_store

    find_spans = span_store.SpanStore.find_spans
    parent = span_store.SPAN_COLUMNS.index("parent_span_id")

    def by_empty_parent(self, *, roots_only=False, **criteria):
        rows = find_spans(self, **criteria)
        return [row for row in rows if row[parent] == ""] if roots_only else rows

    span_store.SpanStore.find_spans = by_empty_parent
