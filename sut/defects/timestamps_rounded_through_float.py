"""Timestamps are converted through float seconds and rounded, so they can move forward by a microsecond.

Models ``datetime.fromtimestamp(time_unix_nano / 1e9)`` — what the product's Python backend does: the
nanoseconds go through a float (about 0.2 µs of resolution at today's dates) and are rounded to the nearest
microsecond instead of cut. Any time with 500 ns or more in its sub-microsecond part is stored 1 µs late;
state patches a few microseconds apart can swap order or collide. Breaks policy B11 (timestamps to the
microsecond; every field intact).
"""
from datetime import UTC

PROCESS = "backend"
POLICY = "B11"
CAUGHT_BY = ["Concurrent State Patches Are Stored Once With Exact Times In Order"]
FAILS_WITH = r"with wrong fields .*(start_time|end_time|event_time) is '[^']+', sent '"


def apply():
    from datetime import datetime, timedelta

    from sut.backend import span_convert

    epoch = datetime(1970, 1, 1, tzinfo=UTC)

    def micros(nanos):
        return (datetime.fromtimestamp(nanos / 1e9, tz=UTC) - epoch) // timedelta(microseconds=1)

    span_convert.micros = micros
