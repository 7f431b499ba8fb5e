"""Sliding-window failure counter: past a threshold of failures within the window, a key is blocked
until its oldest counted failure leaves the window (policy B5, failed sign-ins per account)."""

import math
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindowThrottle:
    def __init__(self, max_failures: int, window_s: float, clock: Callable[[], float] = time.monotonic):
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float] | None:
        failures = self._failures.get(key)
        if failures is None:
            return None
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        if not failures:
            del self._failures[key]
            return None
        return failures

    def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again, or None if it is not blocked."""
        if self.max_failures <= 0:
            return None
        with self._lock:
            now = self._clock()
            failures = self._recent(key, now)
            if failures is None or len(failures) < self.max_failures:
                return None
            oldest_counted = failures[-self.max_failures]
            return max(1, math.ceil(oldest_counted + self.window_s - now))

    def record_failure(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            failures = self._recent(key, now)
            if failures is None:
                failures = self._failures[key] = deque()
            failures.append(now)
            if len(self._failures) > 10_000:  # keep memory bounded under a spray of distinct keys
                for other in list(self._failures):
                    self._recent(other, now)

    def reset(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
