"""SQLITE_BUSY is not recognised as "database busy": a locked database answers 500.

Models error handling that matches the wrong message (or none) for ``sqlite3.OperationalError: database is
locked``: when another process holds the write lock past the busy timeout — a migration, a backup, a long
admin transaction — writes fail with 500 Internal Server Error instead of a retryable 503, so clients do
not retry and alerts blame the code. Breaks policy B18 (a held SQLite write lock gives a clear 503).
"""

PROCESS = "backend"
POLICY = "B18"
CAUGHT_BY = ["Writes Past The Busy Timeout Get A Retryable 503 And Lose Nothing"]
FAILS_WITH = r"must get a clear, retryable 503: .*→ 500"


def apply():
    from sut.backend import sqlite_store

    def is_busy(error):
        return False  # "database is locked" is taken for a real failure

    sqlite_store.is_busy = is_busy
