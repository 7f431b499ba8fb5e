"""The SQLite database ``junjo.sqlite``: schema, one connection per thread, and short transactions.

Every read-then-write transaction starts with ``BEGIN IMMEDIATE`` (in WAL mode a deferred transaction that
reads and then writes fails at once with SQLITE_BUSY_SNAPSHOT). A lock held by someone else longer than the
busy timeout surfaces as :class:`DatabaseBusy`, which the HTTP layer answers with 503 (policy B18).

Writers of this process queue on a lock of their own, so only the first of them polls SQLite's busy handler
(which sleeps up to 100 ms between tries, and lets a crowd of writers starve each other) while the others are
woken in turn the moment it is done; the whole wait of a writer is bounded by the busy timeout.
"""

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        is_active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS sessions (
        id TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user_id)",
    """CREATE TABLE IF NOT EXISTS api_keys (
        id TEXT PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        user_id INTEGER)""",
    "CREATE INDEX IF NOT EXISTS api_keys_by_user ON api_keys (user_id)",
    """CREATE TABLE IF NOT EXISTS poller_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        last_key BLOB)""",
)


class DatabaseBusy(Exception):
    """SQLite stayed locked by another connection for longer than the busy timeout."""


def utc_now_iso() -> str:
    """The current time as ISO 8601 UTC with microseconds, e.g. ``2025-11-01T10:00:00.123456+00:00``."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


def is_busy(error: sqlite3.OperationalError) -> bool:
    """Whether ``error`` means another writer holds the database (retry or answer 503, policy B18), not a real
    failure. A seam: seeded defects replace it."""
    message = str(error).lower()
    return "locked" in message or "busy" in message


class SqliteStore:
    """Hands each thread its own connection (autocommit mode; transactions are explicit)."""

    def __init__(self, path: Path, busy_timeout_s: float):
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._writer = threading.Lock()  # one writer of this process at a time (SQLite allows one anyway)

    def initialise(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.read() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
        with self.transaction() as conn:
            for statement in SCHEMA:
                conn.execute(statement)

    def _connection(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                self.path, timeout=self.busy_timeout_s, isolation_level=None, check_same_thread=False
            )
            conn.row_factory = sqlite3.Row
            with self._lock:
                self._connections.append(conn)
            self._local.conn = conn
        return conn

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for single statements (each its own implicit transaction)."""
        try:
            yield self._connection()
        except sqlite3.OperationalError as error:
            if is_busy(error):
                raise DatabaseBusy(str(error)) from error
            raise

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back if the block raises. Raises :class:`DatabaseBusy`
        when the write lock cannot be had within the busy timeout."""
        conn = self._connection()
        deadline = time.monotonic() + self.busy_timeout_s
        if not self._writer.acquire(timeout=self.busy_timeout_s):
            raise DatabaseBusy("database is locked: writers of this process queued past the busy timeout")
        try:
            self.begin_immediate(conn, deadline)
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as error:
            if is_busy(error):
                raise DatabaseBusy(str(error)) from error
            raise
        finally:
            self._writer.release()

    def begin_immediate(self, conn: sqlite3.Connection, deadline: float) -> None:
        """Take SQLite's write lock, waiting for another process's writer until ``deadline`` at most."""
        conn.execute(f"PRAGMA busy_timeout = {max(0, int((deadline - time.monotonic()) * 1000))}")
        conn.execute("BEGIN IMMEDIATE")

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for conn in connections:
            try:
                conn.close()
            except sqlite3.Error:
                pass
