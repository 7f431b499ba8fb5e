"""Export writes its spans to the write-ahead log in one transaction per span instead of one per batch.

Models an ingest path that calls a repository's ``save(span)`` in a loop in autocommit mode: every span
costs its own commit and fsync, so a batch of 1000 spans is acknowledged in hundreds of milliseconds
instead of tens, and a sustained send slows down accordingly. Nothing is lost, so only the numbers show it.
Breaks policy B15 (large batches acknowledged fast): where syncs are cheap the 2 s bound is never reached, so
the test compares a batch with the target's own single-span Exports (a batch commit costs a few of them, a
commit per span about a thousand) — no baseline needed.
"""

PROCESS = "ingestion"
POLICY = "B15"
CAUGHT_BY = ["A 1000-Span Batch Is Acknowledged Within 2 Seconds And Fully Stored"]
FAILS_WITH = r"a batch of 1000 spans must be acknowledged within \d+ ms|a batch of 1000 spans costs [\d.]+ single-span"


def apply() -> None:
    """Make ``Wal.append`` commit every row on its own."""
    import time
    from collections.abc import Sequence

    from sut.ingestion import wal

    def append(self: wal.Wal, rows: Sequence[tuple[bytes, bytes]]) -> None:
        for row in rows:
            with self._write_lock, self._transaction():
                self._insert(self._keys.next_keys(1), [row])
        self._last_append = time.monotonic()

    wal.Wal.append = append
