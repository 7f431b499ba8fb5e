"""The write-ahead log: a SQLite file (``wal.sqlite``) holding every acknowledged span.

One ``append`` is one transaction. Its keys are assigned inside that transaction (under the write lock),
so commit order equals key order: a reader that resumes after the last key it saw never skips a row that
commits later. ``synchronous=FULL`` makes the commit durable before ``append`` returns.

Checkpoints (copying the log into the database file, with an fsync of its own) run in a background thread,
never inside ``append``, and only when appends pause for ``CHECKPOINT_IDLE_S`` or the log grows past
``CHECKPOINT_MAX_LOG_BYTES``: SQLite's automatic checkpoint would make every tenth or so ``Export`` wait
ten milliseconds longer, and a checkpoint beside a busy writer slows every commit's fsync.
"""

import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from .ulid import UlidGenerator

FILE_NAME = "wal.sqlite"

_SCHEMA = "CREATE TABLE IF NOT EXISTS wal (key BLOB PRIMARY KEY, span BLOB NOT NULL, resource BLOB NOT NULL)"
_INSERT = "INSERT INTO wal (key, span, resource) VALUES (?, ?, ?)"
_SELECT_AFTER = "SELECT key, span, resource FROM wal WHERE key > ? ORDER BY key LIMIT ?"
CHECKPOINT_POLL_S = 0.05
CHECKPOINT_IDLE_S = 0.2
CHECKPOINT_MAX_LOG_BYTES = 64 * 1024 * 1024


class WalRow(NamedTuple):
    """One stored span: its WAL key, the serialized ``Span`` and the serialized ``Resource``."""

    key: bytes
    span: bytes
    resource: bytes


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), usable from any thread."""
    return sqlite3.connect(path, isolation_level=None, check_same_thread=False)


class Wal:
    """The WAL file: a single writer connection guarded by a lock, a fresh reader connection per read."""

    def __init__(self, data_dir: Path) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / FILE_NAME
        self._write_lock = threading.Lock()
        self._conn = _connect(self.path)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("PRAGMA wal_autocheckpoint=0")
        self._conn.execute(_SCHEMA)
        (last_key,) = self._conn.execute("SELECT max(key) FROM wal").fetchone()
        self._keys = UlidGenerator(after=last_key)
        self._last_append = 0.0
        self._closed = threading.Event()
        self._checkpointer = threading.Thread(target=self._checkpoint_forever, name="wal-checkpoint", daemon=True)
        self._checkpointer.start()

    def append(self, rows: Sequence[tuple[bytes, bytes]]) -> None:
        """Durably store ``(span, resource)`` rows in one transaction, keys assigned inside it."""
        with self._write_lock, self._transaction():
            self._insert(self._keys.next_keys(len(rows)), rows)
        self._last_append = time.monotonic()

    def read(self, after: bytes, limit: int) -> Iterator[WalRow]:
        """Up to ``limit`` rows with a key greater than ``after`` (``b""`` = from the oldest), by key."""
        conn = _connect(self.path)
        try:
            for row in conn.execute(_SELECT_AFTER, (after, limit)):
                yield WalRow(*row)
        finally:
            conn.close()

    def close(self) -> None:
        """Close the writer connection, after any append in progress."""
        self._closed.set()
        self._checkpointer.join(timeout=5)
        with self._write_lock:
            self._conn.close()

    def _checkpoint_forever(self) -> None:
        """Copy committed log frames into the database file now and then (PASSIVE: never blocks a writer)."""
        conn = _connect(self.path)
        log_path = self.path.with_name(self.path.name + "-wal")
        checkpointed = 0.0
        try:
            while not self._closed.wait(CHECKPOINT_POLL_S):
                last = self._last_append
                idle = last > checkpointed and time.monotonic() - last > CHECKPOINT_IDLE_S
                if idle or _size(log_path) > CHECKPOINT_MAX_LOG_BYTES:
                    try:
                        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                        checkpointed = last
                    except sqlite3.Error:
                        pass  # busy or being closed: the next round checkpoints
        finally:
            conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """``BEGIN IMMEDIATE`` (take SQLite's write lock at once) … ``COMMIT``, rolled back on error."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def _insert(self, keys: Sequence[bytes], rows: Sequence[tuple[bytes, bytes]]) -> None:
        self._conn.executemany(_INSERT, ((key, *row) for key, row in zip(keys, rows, strict=True)))
