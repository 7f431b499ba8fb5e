"""Span lists are paged in the application: every matching span is read, then the page is sliced out.

Models a repository whose query has no ``LIMIT``/``OFFSET`` (or an ORM whose slicing happens after the
fetch): each page of 100 reads and converts every span of the service, so paging gets slower as the
service grows — 10,000 spans make every page take as long as reading them all. Answers stay right.
The natural form: the repository's query is reused without its ``LIMIT``/``OFFSET`` and the page is sliced
from the full result list.
Breaks policy B15 (pages of 100 over 10,000 spans, each in < 50 ms).
"""

PROCESS = "backend"
POLICY = "B15"
CAUGHT_BY = ["Pages Of 100 Over 10000 Spans Take Under 50 ms And Hold Each Span Once"]
FAILS_WITH = r"every page of 100 of \d+ spans must come back within 50 ms"


def apply() -> None:
    """Make ``SpanStore.find_spans`` fetch every matching row, then slice the page in Python."""
    from sut.backend import span_store

    find_spans = span_store.SpanStore.find_spans

    def sliced(self, *, limit=None, offset=0, **criteria):
        rows = find_spans(self, **criteria)
        return rows if limit is None else rows[offset:offset + limit]

    span_store.SpanStore.find_spans = sliced
