"""The target's DuckDB file from outside: hold it (DuckDB lets one process at a time use a file), damage it,
hide it, and put it back exactly as it was.

The path never goes missing, not even for a moment: a target that finds no file creates a new, empty store,
which a non-atomic swap would then pull from under it. Files are swapped atomically (``renameat2`` with
``RENAME_EXCHANGE`` on Linux) or replaced with ``os.replace``.
"""

import ctypes
import os
import shutil
import sys
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


AT_FDCWD = -100
RENAME_EXCHANGE = 2


class UnsupportedPlatform(RuntimeError):
    """A fault that needs an operating-system call this platform lacks: Robot skips the test, naming it."""

    ROBOT_SKIP_EXECUTION = True


def _renameat2():
    if not sys.platform.startswith("linux"):
        raise UnsupportedPlatform(f"swapping a file and a directory atomically needs Linux renameat2; "
                                  f"this platform is {sys.platform}: fault not injected")
    return ctypes.CDLL(None, use_errno=True).renameat2


def _beside(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def _exchange(first: Path, second: Path) -> None:
    """Swap two existing paths (files or directories) in one atomic step."""
    if _renameat2()(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"cannot swap {first} and {second}: {os.strerror(error)}")


def _put_back(source: Path, path: Path) -> None:
    """Move ``source`` to ``path`` atomically, whatever is at ``path`` now (a file, a directory, nothing)."""
    if path.is_dir():
        _exchange(source, path)
        _remove(source)
    else:
        os.replace(source, path)


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
    _put_back(source, path)
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
    directory = _beside(path, ".fault-directory")
    directory.mkdir(mode=0)
    _exchange(path, directory)  # the directory is at the path now, the file under the directory's name
    os.replace(directory, _beside(path, HIDDEN_SUFFIX))
    return "moved aside, an inaccessible directory in its place"
