"""Span attribute strings are cut at 64 KiB when spans are converted for storage.

Models a length limit applied silently on the way to the database — a ``VARCHAR(65535)``-sized column, a
driver's default, an attribute length limit copied from an SDK's settings: a long prompt or completion is
stored cut off, and nobody notices until a user reads it. Breaks policy B11 (every acknowledged span is
stored with every field intact).
"""

PROCESS = "backend"
POLICY = "B11"
CAUGHT_BY = ["A Span With A 100 KB Attribute Is Stored And Returned Intact"]
FAILS_WITH = r"the \d+-character attribute came back changed"

LIMIT = 64 * 1024


def apply() -> None:
    """Make ``span_convert.any_value`` cut strings at ``LIMIT`` characters."""
    from sut.backend import span_convert

    any_value = span_convert.any_value

    def cutting(value):
        converted = any_value(value)
        return converted[:LIMIT] if isinstance(converted, str) else converted

    span_convert.any_value = cutting
