"""Fault-injection mechanics on real files: a held SQLite write lock, a held, corrupted or hidden DuckDB
file, and the undo stack that puts everything back."""

import sqlite3
import subprocess
import sys

import duckdb
import FaultInjection as FaultLibrary
import pytest
from robot.api import SkipExecution

from junjo_acceptance.faults import span_store_file
from junjo_acceptance.faults.sqlite_lock import SqliteWriteLock
from junjo_acceptance.faults.undo import Fault, UndoStack


@pytest.fixture
def sqlite_file(tmp_path):
    path = tmp_path / "junjo.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
    return path


@pytest.fixture
def duckdb_file(tmp_path):
    path = tmp_path / "spans.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE spans AS SELECT range AS i, repeat('x', 50) AS s FROM range(20000)")
    conn.close()
    return path


def write(path, timeout=0.2):
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_a_held_write_lock_blocks_writers_until_released(sqlite_file):
    lock = SqliteWriteLock(sqlite_file, max_s=30)
    lock.acquire()
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        write(sqlite_file)
    assert lock.release() > 0
    write(sqlite_file)


def test_the_write_lock_lets_go_by_itself_after_its_time(sqlite_file):
    lock = SqliteWriteLock(sqlite_file, max_s=0.3)
    lock.acquire()
    write(sqlite_file, timeout=5)  # waits for the automatic release
    assert 0.2 < lock.release() < 2


def opens_in_another_process(path) -> str:
    code = (f"import duckdb\ntry:\n    duckdb.connect({str(path)!r}).close(); print('opened')\n"
            "except Exception as e:\n    print(e)")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60).stdout


def test_a_held_span_store_cannot_be_opened_by_another_process(duckdb_file):
    holder = span_store_file.open_when_released(duckdb_file, 5)
    assert "lock" in opens_in_another_process(duckdb_file).lower()
    holder.close()
    assert opens_in_another_process(duckdb_file).strip() == "opened"


@pytest.mark.parametrize("how", span_store_file.CORRUPTIONS)
def test_corruption_is_detected_by_duckdb_and_restored_byte_for_byte(duckdb_file, how):
    original = duckdb_file.read_bytes()
    span_store_file.back_up(duckdb_file)
    span_store_file.corrupt(duckdb_file, how)
    assert duckdb_file.read_bytes() != original
    with pytest.raises(duckdb.Error):
        duckdb.connect(str(duckdb_file)).execute("SELECT sum(length(s)) FROM spans").fetchall()
    assert span_store_file.restore(duckdb_file) == "spans.duckdb restored"
    assert duckdb_file.read_bytes() == original
    assert list(duckdb_file.parent.iterdir()) == [duckdb_file]


def test_a_hidden_file_cannot_be_opened_and_comes_back(duckdb_file):
    original = duckdb_file.read_bytes()
    span_store_file.hide(duckdb_file)
    assert duckdb_file.is_dir()
    with pytest.raises(duckdb.Error, match="directory"):
        duckdb.connect(str(duckdb_file))
    span_store_file.restore(duckdb_file)
    assert duckdb_file.read_bytes() == original


def test_restore_replaces_an_empty_store_a_broken_target_made(duckdb_file):
    original = duckdb_file.read_bytes()
    span_store_file.back_up(duckdb_file)
    span_store_file.corrupt(duckdb_file, "header overwritten")
    duckdb_file.rename(duckdb_file.with_name("aside"))
    duckdb.connect(str(duckdb_file)).close()  # what a "self-healing" target does
    span_store_file.restore(duckdb_file)
    assert duckdb_file.read_bytes() == original


def test_the_undo_stack_undoes_newest_first_and_reports_failures():
    done = []
    stack = UndoStack()
    stack.push(Fault("a", "first", lambda: done.append("a") or "ok"))
    stack.push(Fault("b", "second", lambda: 1 / 0))
    stack.push(Fault("c", "third", lambda: done.append("c") or "ok"))
    with pytest.raises(RuntimeError):
        stack.push(Fault("a", "again", lambda: "ok"))
    with pytest.raises(RuntimeError, match="second: undo failed"):
        stack.undo_all()
    assert done == ["c", "a"] and stack.descriptions() == []


class FakeControl:
    def __init__(self, description):
        self.description = description

    def target_should_be_disposable(self, name):
        if not self.description["disposable"]:
            raise SkipExecution("not disposable")

    def target(self, name):
        return self.description


def with_control(monkeypatch, description):
    class FakeBuiltIn:
        def get_library_instance(self, name):
            return FakeControl(description)

    monkeypatch.setattr(FaultLibrary, "BuiltIn", FakeBuiltIn)


def test_faults_are_refused_unless_the_target_is_disposable(monkeypatch, sqlite_file):
    with_control(monkeypatch, {"disposable": False, "sqlite_path": str(sqlite_file)})
    with pytest.raises(SkipExecution):
        FaultLibrary.FaultInjection().hold_sqlite_write_lock()


def test_undo_all_faults_releases_and_restores(monkeypatch, sqlite_file, duckdb_file):
    with_control(monkeypatch, {"disposable": True, "sqlite_path": str(sqlite_file), "duckdb_path": str(duckdb_file)})
    original = duckdb_file.read_bytes()
    library = FaultLibrary.FaultInjection()
    library.hold_sqlite_write_lock(max_seconds=30)
    library.corrupt_span_store_file("truncated")
    assert len(library.faults_in_effect()) == 2
    library.undo_all_faults()
    write(sqlite_file)
    assert duckdb_file.read_bytes() == original and library.faults_in_effect() == []
