"""A SQLite write lock held from outside the target: ``BEGIN IMMEDIATE`` on its own connection and thread."""

import sqlite3
import threading
import time
from pathlib import Path


class SqliteWriteLock:
    """Holds the write lock of a SQLite file until :meth:`release` or for ``max_s`` at most."""

    def __init__(self, path: Path, max_s: float):
        self.path = Path(path)
        self.max_s = max_s
        self.held_s = 0.0
        self._held = threading.Event()
        self._release = threading.Event()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._hold, name=f"sqlite-lock-{self.path.name}", daemon=True)

    def acquire(self, wait_s: float = 10.0) -> None:
        """Take the lock (waiting up to ``wait_s`` for a writer of the target to finish)."""
        self._wait_s = wait_s
        self._thread.start()
        if not self._held.wait(wait_s + 5) or self._error:
            self.release()
            raise RuntimeError(f"could not take the write lock of {self.path}: {self._error or 'timed out'}")

    def release(self) -> float:
        """Let go of the lock (rolling back: the fault writes nothing); returns how long it was held."""
        self._release.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        return self.held_s

    @property
    def is_held(self) -> bool:
        return self._held.is_set() and not self._error and self._thread.is_alive()

    def _hold(self) -> None:
        try:
            conn = sqlite3.connect(f"file:{self.path}?mode=rw", uri=True, timeout=self._wait_s, isolation_level=None)
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            self._error = error
            self._held.set()
            return
        started = time.monotonic()
        self._held.set()
        try:
            self._release.wait(self.max_s)
        finally:
            conn.execute("ROLLBACK")
            conn.close()
            self.held_s = time.monotonic() - started
