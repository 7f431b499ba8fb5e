"""Span pages are cut with an inclusive window: each page holds one span too many, the first of the next.

Models paging written as ``WHERE row_number BETWEEN offset AND offset + limit`` (both ends inclusive): every
page of 100 returns 101 spans, and each page repeats the last span of the one before. The UI shows
duplicates; a client that counts pages gets the total wrong. Breaks policy B15 (pages of 100, none
repeated) — and a test that checks storage counts first would blame the store.
"""

PROCESS = "backend"
POLICY = "B15"
CAUGHT_BY = ["Pages Of 100 Over 10000 Spans Take Under 50 ms And Hold Each Span Once"]
FAILS_WITH = r"paging is broken \(not the store\): the page at offset \d+ with limit \d+ holds \d+ spans"


def apply() -> None:
    from sut.backend import span_store

    find_spans = span_store.SpanStore.find_spans

    def inclusive_window(self, *, limit=None, offset=0, **criteria):
        return find_spans(self, limit=None if limit is None else limit + 1, offset=offset, **criteria)

    span_store.SpanStore.find_spans = inclusive_window
