"""List endpoints ignore ``offset``, as the real product does (it has no such parameter).

The real product's span lists take ``limit`` only; an unknown ``offset`` is silently ignored, so a client
that pages with it gets the first page again and again. A profile of such a deployment declares
``offset_paging: False``, and the suite must then never page with ``offset`` (it once did and reported
"spans repeated across pages" — a false alarm).
"""

PROCESS = "backend"
LEGITIMATE = True


def apply():
    from sut.backend.span_store import SpanStore

    original = SpanStore.find_spans

    def find_spans_without_offset(self, *args, **kwargs):
        kwargs["offset"] = 0
        return original(self, *args, **kwargs)

    SpanStore.find_spans = find_spans_without_offset
