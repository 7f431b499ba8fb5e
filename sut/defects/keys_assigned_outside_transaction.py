"""WAL keys are assigned before the write lock is taken, so commits can land out of key order.

Models a log that stamps a sequence number or ULID on each batch as it arrives and only then queues for
the database's write lock: two concurrent ``Export`` calls take keys k1 < k2, the second commits first,
the backend's poller reads k2 and moves its cursor past k1, and the batch with k1, committed a moment
later, is never read. Breaks policy B11 (nothing acknowledged is lost): spans are acknowledged and sit in
the WAL, but never reach the span store. Shows under many concurrent small ``Export`` calls while the
poller runs.
"""

PROCESS = "ingestion"
POLICY = "B11"
CAUGHT_BY = ["Thousands Of Concurrent Single-Span Exports Are Each Stored Once"]
FAILS_WITH = r"of \d+ sent spans, the HTTP API .* holds \d+ missing"


def apply() -> None:
    """Make ``Wal.append`` assign its keys before taking the write lock."""
    from collections.abc import Sequence

    from sut.ingestion import wal

    def append(self: wal.Wal, rows: Sequence[tuple[bytes, bytes]]) -> None:
        keys = self._keys.next_keys(len(rows))
        with self._write_lock, self._transaction():
            self._insert(keys, rows)

    wal.Wal.append = append
