"""Keywords that break a target's storage for real — a held SQLite write lock, a span store (DuckDB file)
held, damaged or unreadable — and undo every fault afterwards."""

import atexit
import time
from pathlib import Path

from robot.api import SkipExecution, logger
from robot.api.deco import keyword, library
from robot.libraries.BuiltIn import BuiltIn

from junjo_acceptance.faults import span_store_file
from junjo_acceptance.faults.sqlite_lock import SqliteWriteLock
from junjo_acceptance.faults.undo import Fault, UndoStack


@library(scope="GLOBAL", auto_keywords=False)
class FaultInjection:
    """Injects storage faults into a target from outside its processes, as an operator or a crash would.

    Process faults (kill, terminate, suspend, resume, restart) are keywords of ``TargetControl``; this
    library adds the storage faults:

    | fault                             | what the target meets                                   |
    | `Hold SQLite Write Lock`          | another writer in ``BEGIN IMMEDIATE``: writes wait, then SQLITE_BUSY |
    | `Hold Span Store File`            | another process holds the DuckDB file: it cannot open it |
    | `Corrupt Span Store File`         | the DuckDB file with its header overwritten, or truncated |
    | `Make Span Store File Unreadable` | the path cannot be read as a file (also for root)        |

    Every fault is *refused* (the test is skipped) unless the target's profile marks it disposable, and
    every fault is recorded with its undo: `Undo All Faults` (in teardown) releases locks and puts files
    back exactly as they were; faults still in effect when Robot exits are undone too. A target is named
    as in ``TargetControl`` (``main`` or the name given to `Start Fresh Target`).
    """

    def __init__(self):
        self._faults = UndoStack()
        atexit.register(self._undo_quietly)

    # ---- SQLite ---------------------------------------------------------------------------------

    @keyword("Hold SQLite Write Lock")
    def hold_sqlite_write_lock(self, target: str = "main", release_after: "float | None" = None,
                               max_seconds: float = 60):
        """Take the write lock of the target's SQLite file (``BEGIN IMMEDIATE`` on a connection of this
        process) and hold it until `Release SQLite Write Lock`, for ``release_after`` seconds when given,
        and never longer than ``max_seconds``. Returns once the lock is held.

        | Hold SQLite Write Lock    target=db-faults    release_after=0.8
        """
        path = self._file_of(target, "sqlite_path")
        hold_s = float(max_seconds) if release_after is None else min(float(release_after), float(max_seconds))
        lock = SqliteWriteLock(path, hold_s)
        lock.acquire()
        self._faults.push(Fault(f"sqlite-lock:{target}", f"write lock of {path} held",
                                lambda: f"released after {lock.release():.2f} s"))
        logger.info(f"write lock of {path} held (released after {hold_s:g} s at the latest)")

    @keyword("Release SQLite Write Lock")
    def release_sqlite_write_lock(self, target: str = "main"):
        """Let go of the lock taken by `Hold SQLite Write Lock` (it rolls back: the fault wrote nothing)."""
        logger.info(self._faults.undo(f"sqlite-lock:{target}"))

    # ---- the span store (DuckDB file) -------------------------------------------------------------

    @keyword("Hold Span Store File")
    def hold_span_store_file(self, target: str = "main", release_after: "float | None" = None,
                             wait_seconds: float = 20):
        """Open the target's DuckDB file from this process (read-only) and keep it open: DuckDB lets one
        process at a time use a file, so the target cannot open its span store until `Release Span Store
        File` — or, with ``release_after``, until that many seconds have passed (an outage of that length).
        Waits up to ``wait_seconds`` for the target to let go of the file first."""
        path = self._file_of(target, "duckdb_path")
        connection = span_store_file.open_when_released(path, float(wait_seconds))
        held_at = time.monotonic()

        def release() -> str:
            connection.close()
            return f"released after {time.monotonic() - held_at:.2f} s"

        self._faults.push(Fault(f"span-store:{target}", f"span store {path} held by the suite", release),
                          undo_after=release_after)
        logger.info(f"span store {path} held by the suite's process" + _for(release_after))

    @keyword("Release Span Store File")
    def release_span_store_file(self, target: str = "main"):
        """Close the suite's connection of `Hold Span Store File`: the target can open its file again."""
        logger.info(self._faults.undo(f"span-store:{target}"))

    @keyword("Corrupt Span Store File")
    def corrupt_span_store_file(self, how: str, target: str = "main", wait_seconds: float = 20):
        """Damage the target's DuckDB file: ``header overwritten`` (random bytes over its first 12 KiB, the
        file headers) or ``truncated`` (cut after those headers, as a copy or a full disk that stopped
        short). The file is damaged while the target has let go of it (the suite holds it meanwhile), after
        a copy was put beside it; `Restore Span Store File` or `Undo All Faults` puts the original back.

        | Corrupt Span Store File    truncated    target=corruption
        """
        if how not in span_store_file.CORRUPTIONS:
            raise ValueError(f"unknown corruption {how!r}; use one of {', '.join(span_store_file.CORRUPTIONS)}")
        self._damage(target, f"corrupted ({how})", lambda path: span_store_file.corrupt(path, how), wait_seconds)

    @keyword("Make Span Store File Unreadable")
    def make_span_store_file_unreadable(self, target: str = "main", restore_after: "float | None" = None,
                                        wait_seconds: float = 20):
        """Make the target's DuckDB file unreadable — moved aside, an inaccessible directory in its place
        (file permissions would not stop a process running as root). Undo with `Restore Span Store File`,
        or give ``restore_after`` seconds for an outage of that length."""
        self._damage(target, "unreadable", span_store_file.hide, wait_seconds, back_up=False, undo_after=restore_after)

    @keyword("Restore Span Store File")
    def restore_span_store_file(self, target: str = "main"):
        """Put back the original of a corrupted or unreadable span store file."""
        logger.info(self._faults.undo(f"span-store-file:{target}"))

    # ---- all faults -----------------------------------------------------------------------------

    @keyword("Undo All Faults")
    def undo_all_faults(self):
        """Undo every fault still in effect, newest first (for teardowns); fails if one cannot be undone."""
        for report in self._faults.timed_reports + self._faults.undo_all():
            logger.info(f"undone: {report}")
        self._faults.timed_reports.clear()

    @keyword("Faults In Effect")
    def faults_in_effect(self) -> list:
        """What is broken right now, one line per fault."""
        return self._faults.descriptions()

    # ---- helpers --------------------------------------------------------------------------------

    def _damage(self, target: str, what: str, damage, wait_seconds: float, back_up: bool = True,
                undo_after: "float | None" = None) -> None:
        path = self._file_of(target, "duckdb_path")
        # Holding the file proves the target let go of it and keeps it from opening it while it is damaged.
        holder = span_store_file.open_when_released(path, float(wait_seconds))
        try:
            if back_up:
                span_store_file.back_up(path)
            done = damage(path)
        finally:
            holder.close()
        self._faults.push(Fault(f"span-store-file:{target}", f"span store {path} {what}",
                                lambda: span_store_file.restore(path)), undo_after=undo_after)
        logger.info(f"span store {path} {what}: {done}" + _for(undo_after))

    @staticmethod
    def _file_of(target: str, kind: str) -> Path:
        """The target's database file of ``kind``, after checking the target may be broken."""
        control = BuiltIn().get_library_instance("TargetControl")
        control.target_should_be_disposable(target)
        path = control.target(target).get(kind) or ""
        if not path or path == ":memory:" or not Path(path).is_file():
            raise SkipExecution(f"target {target!r} gives no {kind} file the suite can reach: fault not possible")
        return Path(path)

    def _undo_quietly(self) -> None:
        try:
            self._faults.undo_all()
        except RuntimeError as error:
            print(f"FaultInjection: {error}")


def _for(seconds: "float | None") -> str:
    return "" if seconds is None else f", for {float(seconds):g} s"
