"""SQLite writers under a lock held by another process (B18): they queue and succeed within the busy timeout,
and get DatabaseBusy (503) — not a hang, not a raw error — once it has passed."""

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from sut.backend.sqlite_store import DatabaseBusy, SqliteStore


@pytest.fixture
def store(tmp_path):
    db = SqliteStore(tmp_path / "junjo.sqlite", busy_timeout_s=2.0)
    db.initialise()
    yield db
    db.close()


def hold_lock(path, seconds):
    """Another process's writer: BEGIN IMMEDIATE on its own connection for ``seconds``."""
    held = threading.Event()

    def hold():
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        held.set()
        time.sleep(seconds)
        conn.execute("ROLLBACK")
        conn.close()

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(5)
    return thread


def insert(store, index):
    with store.transaction() as conn:
        conn.execute("INSERT INTO poller_state (id, last_key) VALUES (1, ?) ON CONFLICT (id) DO UPDATE "
                     "SET last_key = excluded.last_key", (bytes([index]),))
    return time.monotonic()


def test_writers_queue_behind_a_short_lock_and_all_succeed_soon_after(store):
    holder = hold_lock(store.path, 0.5)
    started = time.monotonic()
    with ThreadPoolExecutor(40) as pool:
        finished = list(pool.map(lambda i: insert(store, i), range(60)))
    holder.join()
    assert min(finished) - started >= 0.4  # they did wait for the lock ...
    assert max(finished) - started < 1.8   # ... and were all done right after it, within the busy timeout


def test_a_lock_held_past_the_busy_timeout_gives_database_busy_in_time(store):
    holder = hold_lock(store.path, 4.0)
    started = time.monotonic()

    def attempt(index):
        with pytest.raises(DatabaseBusy):
            insert(store, index)
        return time.monotonic() - started

    with ThreadPoolExecutor(5) as pool:
        waited = list(pool.map(attempt, range(5)))
    holder.join()
    assert all(1.8 < seconds < 3.5 for seconds in waited), waited
    insert(store, 99)  # works again once the lock is gone
