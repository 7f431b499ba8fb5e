"""The target's DuckDB file from outside: hold it (DuckDB lets one process at a time use a file), damage it,
hide it, and put it back exactly as it was."""

import os
import shutil
import time
from pathlib import Path

import duckdb

CORRUPTIONS = ("header overwritten", "truncated")
BACKUP_SUFFIX = ".fault-backup"
HIDDEN_SUFFIX = ".fault-hidden"
HEADER_BYTES = 12288  # DuckDB's file headers: the blocks (data, metadata) follow


def _lock_conflict(error: duckdb.Error) -> bool:
    return "lock" in str(error).lower()


def open_when_released(path: Path, wait_s: float) -> duckdb.DuckDBPyConnection:
    """A read-only connection to ``path``, retried while the target holds the file (at most ``wait_s``).

    Holding it keeps the target from opening the file: its requests that need it must wait or fail.
    """
    deadline = time.monotonic() + wait_s
    while True:
        try:
            return duckdb.connect(str(path), read_only=True)
        except duckdb.Error as error:
            if not _lock_conflict(error) or time.monotonic() > deadline:
                raise RuntimeError(f"cannot hold {path}: {str(error).splitlines()[0]}") from error
            time.sleep(0.05)


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _remove(path: Path) -> None:
    if path.is_dir():
        path.rmdir()
    elif path.exists():
        path.unlink()


def back_up(path: Path) -> None:
    """Copy the file (and DuckDB's .wal beside it, if any) to be put back by :func:`restore`."""
    for file in (path, _beside(path, ".wal")):
        if file.is_file():
            shutil.copy2(file, _beside(file, BACKUP_SUFFIX))


def restore(path: Path) -> str:
    """Put back the file hidden by :func:`hide` or copied by :func:`back_up`, replacing whatever is there
    now: a damaged file, the directory of :func:`hide`, or an empty store a broken target made instead."""
    wal, hidden, backup = _beside(path, ".wal"), _beside(path, HIDDEN_SUFFIX), _beside(path, BACKUP_SUFFIX)
    source = hidden if hidden.exists() else backup
    if not source.exists():
        return f"nothing to restore for {path.name}"
    _remove(path)
    os.replace(source, path)
    if source == backup:
        _remove(wal)
        if _beside(wal, BACKUP_SUFFIX).exists():
            os.replace(_beside(wal, BACKUP_SUFFIX), wal)
    return f"{path.name} restored"


def corrupt(path: Path, how: str) -> str:
    """Damage the file as ``how`` says (one of :data:`CORRUPTIONS`); returns what was done."""
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        if how == "header overwritten":
            handle.write(os.urandom(min(HEADER_BYTES, size)))
            return f"first {min(HEADER_BYTES, size)} of {size} bytes overwritten with random bytes"
        if how == "truncated":
            handle.truncate(min(size, HEADER_BYTES))
            return f"truncated from {size} to {min(size, HEADER_BYTES)} bytes (its headers only)"
    raise ValueError(f"unknown corruption {how!r}; use one of {', '.join(CORRUPTIONS)}")


def hide(path: Path) -> str:
    """Make ``path`` unreadable as a file, also for root: move the file aside and put an empty, inaccessible
    directory in its place (opening it fails with "Is a directory")."""
    os.replace(path, _beside(path, HIDDEN_SUFFIX))
    path.mkdir(mode=0)
    return "moved aside, an inaccessible directory in its place"
