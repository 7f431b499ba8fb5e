"""A host-wide reader-writer lock between acceptance runs: measurements get the host to themselves.

Suites that only check behaviour hold the lock *shared*; the performance suites hold it *exclusively*, so
their latency figures are never taken while another acceptance run on the same host loads its cores. The
lock is an ``flock`` on one file (POSIX); the kernel drops it when the holder exits, so a killed run never
leaves it held. ``flock`` has no writer preference, so a second file, the *turnstile*, gives it one: every
acquirer passes it exclusively, a shared holder lets it go at once, an exclusive one keeps it until it
releases. A waiting measurement thus keeps new behaviour suites out instead of being overtaken by them
forever. Where ``fcntl`` is missing (Windows) there is no lock, and :func:`supported` says so.
"""

import os
import tempfile
import time
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

LOCK_NAME = "junjo-acceptance-host.lock"
TURNSTILE_SUFFIX = ".turnstile"  # the turnstile of ``x.lock`` is ``x.turnstile``, beside it
# bin/acceptance gives every run a TMPDIR of its own; this variable (set by bin/_venv.sh) names the folder
# all runs share.
FOLDER_VARIABLE = "JUNJO_HOST_LOCK_DIR"
POLL_S = 0.2


def supported() -> bool:
    """Whether this platform has the ``flock`` the lock needs."""
    return fcntl is not None


def lock_path() -> Path:
    """The lock file every acceptance run on this host uses."""
    return Path(os.environ.get(FOLDER_VARIABLE) or tempfile.gettempdir()) / LOCK_NAME


class HostLock:
    """One hold of the host lock, shared or exclusive."""

    def __init__(self, path: "Path | None" = None):
        self.path = path or lock_path()
        self._file = None
        self._turnstile = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self, exclusive: bool, timeout_s: float) -> float:
        """Wait (at most ``timeout_s``) for the lock; returns the seconds waited. Raises ``TimeoutError``."""
        if self.held:
            raise RuntimeError(f"the host lock {self.path} is already held by this library")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        turnstile = self._wait(self.path.with_suffix(TURNSTILE_SUFFIX), fcntl.LOCK_EX, started, timeout_s)
        try:
            self._file = self._wait(self.path, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH, started, timeout_s)
        except TimeoutError:
            turnstile.close()
            raise
        if exclusive:
            self._turnstile = turnstile
        else:
            turnstile.close()
        return time.monotonic() - started

    def _wait(self, path: Path, mode: int, started: float, timeout_s: float):
        """The open file of ``path`` once ``flock`` granted ``mode`` on it; ``TimeoutError`` past ``timeout_s``."""
        handle = open(path, "a+")  # noqa: SIM115 - held open for as long as the lock is held
        while True:
            try:
                fcntl.flock(handle.fileno(), mode | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                if time.monotonic() - started >= timeout_s:
                    handle.close()
                    raise TimeoutError(f"the host lock {self.path} stayed taken for {timeout_s:.0f} s") from None
                time.sleep(POLL_S)

    def release(self) -> None:
        """Give the lock back (nothing happens when it is not held)."""
        for handle in (self._file, self._turnstile):
            if handle is not None:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
                handle.close()
        self._file = self._turnstile = None
