"""Every fault in effect, with the action that undoes it; undone newest first, or by a timer when a fault is
meant to last a given time."""

import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class Fault:
    key: str            # e.g. "sqlite-lock:main"
    description: str    # what is broken, for the log
    undo: Callable[[], str]  # undoes it and says how it went


class UndoStack:
    def __init__(self):
        self._faults: list[Fault] = []
        self._lock = threading.RLock()
        self.timed_reports: list[str] = []  # what timers undid (or failed to), for the next log line

    def push(self, fault: Fault, undo_after: float | None = None) -> None:
        """Record ``fault``; with ``undo_after`` (seconds) it is undone by a timer then (a timed outage)."""
        with self._lock:
            if self.find(fault.key):
                raise RuntimeError(f"fault {fault.key} is already in effect: undo it first")
            self._faults.append(fault)
        if undo_after is not None:
            timer = threading.Timer(float(undo_after), self._undo_by_timer, args=(fault,))
            timer.daemon = True
            timer.start()

    def find(self, key: str) -> Fault | None:
        with self._lock:
            return next((fault for fault in self._faults if fault.key == key), None)

    def undo(self, key: str) -> str:
        with self._lock:
            fault = self.find(key)
            if fault is None:
                raise RuntimeError(f"no fault {key} is in effect")
            self._faults.remove(fault)
            return fault.undo()

    def undo_all(self) -> list[str]:
        """Undo every fault, newest first; one failure does not stop the others (all are reported)."""
        reports, errors = [], []
        with self._lock:
            while self._faults:
                fault = self._faults.pop()
                try:
                    reports.append(f"{fault.description}: {fault.undo()}")
                except Exception as error:  # noqa: BLE001 - keep undoing the rest, then report
                    errors.append(f"{fault.description}: undo failed: {error}")
        if errors:
            raise RuntimeError("; ".join(errors))
        return reports

    def descriptions(self) -> list[str]:
        with self._lock:
            return [fault.description for fault in self._faults]

    def _undo_by_timer(self, fault: Fault) -> None:
        with self._lock:
            if fault not in self._faults:
                return  # undone already
            self._faults.remove(fault)
            try:
                self.timed_reports.append(f"{fault.description}: {fault.undo()} (as timed)")
            except Exception as error:  # noqa: BLE001 - reported by the next keyword that logs
                self.timed_reports.append(f"{fault.description}: timed undo failed: {error}")
