"""SQLite writes do not wait for a held lock: any write while another writer is busy fails at once.

Models a connection opened without a busy timeout (SQLite's own default is 0, and several drivers keep it):
the moment another writer holds the lock — even for a millisecond — a write gets SQLITE_BUSY. Under load, or
while any other process writes, requests fail that should simply have waited their turn. Breaks policy B18
(a lock held for less than the busy timeout makes requests wait; only a longer one gives 503).
"""

PROCESS = "backend"
POLICY = "B18"
CAUGHT_BY = ["Requests Queue While Every Database Connection Is Busy Then Succeed"]
FAILS_WITH = r"within the busy timeout, must make requests wait: \d+ of \d+ concurrent calls failed"


def apply():
    from sut.backend import sqlite_store

    def begin_immediate(self, conn, deadline):
        conn.execute("PRAGMA busy_timeout = 0")  # no waiting for the lock
        conn.execute("BEGIN IMMEDIATE")

    sqlite_store.SqliteStore.begin_immediate = begin_immediate
