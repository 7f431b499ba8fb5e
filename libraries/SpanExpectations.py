"""Keywords that compare the spans a test sent with the spans the target returns or stores."""

from robot.api import logger
from robot.api.deco import keyword, library


def _ids(span: dict) -> tuple:
    return span["trace_id"], span["span_id"]


@library(scope="GLOBAL", auto_keywords=False)
class SpanExpectations:
    """Set logic on spans, keyed by ``(trace_id, span_id)``: what is missing, what is there twice."""

    @keyword("Spans Missing From")
    def spans_missing_from(self, expected: list, stored: list) -> list:
        """The ``trace_id:span_id`` of every span of ``expected`` that ``stored`` lacks."""
        have = {_ids(span) for span in stored}
        missing = [":".join(_ids(span)) for span in expected if _ids(span) not in have]
        logger.info(f"{len(expected) - len(missing)} of {len(expected)} expected spans found")
        return missing

    @keyword("Trace Ids Of")
    def trace_ids_of(self, spans: list) -> list:
        """The distinct trace ids of ``spans``, sorted."""
        return sorted({span["trace_id"] for span in spans})

    @keyword("Span Keys Of")
    def span_keys_of(self, spans: list) -> list:
        """``trace_id:span_id`` of every span, in order (for SQL ``IN`` lists)."""
        return [":".join(_ids(span)) for span in spans]
