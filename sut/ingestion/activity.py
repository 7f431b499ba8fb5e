"""Export calls in progress, so the background ``ReadSpans`` stream can give way to them.

Acknowledging a client is the latency that matters; draining the log to the backend can wait a few
milliseconds. ``ReadSpans`` therefore pauses between small groups of rows while an ``Export`` is running —
at most ``wait_until_idle``'s timeout each time, so the backend always makes progress.
"""

import threading


class ExportActivity:
    """Counts running ``Export`` calls (use as a context manager around one)."""

    def __init__(self) -> None:
        self._running = 0
        self._idle = threading.Condition()

    def __enter__(self) -> "ExportActivity":
        with self._idle:
            self._running += 1
        return self

    def __exit__(self, *exc_info) -> None:
        with self._idle:
            self._running -= 1
            if self._running == 0:
                self._idle.notify_all()

    def wait_until_idle(self, timeout_s: float) -> bool:
        """Wait until no ``Export`` runs, at most ``timeout_s``; True if none runs now."""
        with self._idle:
            return self._idle.wait_for(lambda: self._running == 0, timeout_s)
