"""The write-ahead log's single connection is used by every Export thread at once, without a lock.

Models a database connection shared by a server's worker threads (``check_same_thread=False`` and no
lock around its transactions): two concurrent ``Export`` calls interleave their ``BEGIN`` and ``COMMIT`` on
one connection, one of them fails with "cannot start a transaction within a transaction" (or rolls back
the other's rows) and the client gets an error — only when several services export at the same moment.
Breaks policy B15 (concurrent writers all succeed, without an error or a deadlock).
"""

PROCESS = "ingestion"
POLICY = "B15"
CAUGHT_BY = ["50 Concurrent Span And Key Writers Finish Without Deadlock Or Error"]
FAILS_WITH = r"concurrent writers must all succeed, but Exports failed: .*could not write the WAL"


def apply() -> None:
    """Make ``Wal.append`` run its transaction without taking the write lock."""
    import time
    from collections.abc import Sequence

    from sut.ingestion import wal

    def append(self: wal.Wal, rows: Sequence[tuple[bytes, bytes]]) -> None:
        with self._transaction():
            self._insert(self._keys.next_keys(len(rows)), rows)
        self._last_append = time.monotonic()

    wal.Wal.append = append
