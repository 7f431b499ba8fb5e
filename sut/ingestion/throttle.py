"""Invalid-API-key throttling per client address (policy B5).

Failures are counted in a sliding window: a client with ``max_failures`` failures within the last
``window_s`` seconds is throttled until the oldest of them ages out of the window.
"""

import threading
import time
from collections import deque
from collections.abc import Callable

# Past this many tracked clients, clients without failures in the window are forgotten.
_SWEEP_ABOVE_CLIENTS = 1024


class InvalidKeyThrottle:
    """Sliding-window failure counts by client address. Thread-safe. ``max_failures <= 0`` disables it."""

    def __init__(self, max_failures: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._max_failures = max_failures
        self._window_s = window_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}

    def is_throttled(self, client: str) -> float | None:
        """Seconds until ``client`` may try a key again, or ``None`` if it is not throttled."""
        if self._max_failures <= 0:
            return None
        now = self._clock()
        with self._lock:
            failures = self._failures.get(client)
            if failures is None or len(failures) < self._max_failures:
                return None
            retry_after = failures[0] + self._window_s - now
        return retry_after if retry_after > 0 else None

    def record_failure(self, client: str) -> None:
        """Count one invalid or missing key from ``client``."""
        if self._max_failures <= 0:
            return
        now = self._clock()
        with self._lock:
            if client not in self._failures and len(self._failures) >= _SWEEP_ABOVE_CLIENTS:
                self._forget_idle_clients(now)
            # Only the newest max_failures timestamps matter: the oldest of them decides the throttle.
            self._failures.setdefault(client, deque(maxlen=self._max_failures)).append(now)

    def _forget_idle_clients(self, now: float) -> None:
        idle = [client for client, failures in self._failures.items() if failures[-1] + self._window_s <= now]
        for client in idle:
            del self._failures[client]
