"""Strictly increasing 16-byte ULID keys for the WAL.

Layout (big-endian, so byte order equals numeric order): 48-bit Unix time in milliseconds, then 80 bits
that start random in each new millisecond and count up within it (the monotonic ULID variant). Seeded
with the largest key already stored, keys keep increasing across restarts even if the clock goes back.
"""

import secrets
import threading
import time
from collections.abc import Callable

KEY_BYTES = 16
_RANDOM_BITS = 80


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class UlidGenerator:
    """Hands out keys greater than every key handed out before (and than ``after``). Thread-safe."""

    def __init__(
        self,
        after: bytes | None = None,
        *,
        clock_ms: Callable[[], int] = _now_ms,
        random_bits: Callable[[int], int] = secrets.randbits,
    ) -> None:
        self._clock_ms = clock_ms
        self._random_bits = random_bits
        self._lock = threading.Lock()
        self._last = int.from_bytes(after, "big") if after else -1

    def next_keys(self, count: int) -> list[bytes]:
        """``count`` new keys in increasing order."""
        with self._lock:
            keys = [self._next() for _ in range(count)]
        return [key.to_bytes(KEY_BYTES, "big") for key in keys]

    def _next(self) -> int:
        now = self._clock_ms()
        if now > self._last >> _RANDOM_BITS:
            # A fresh millisecond: random low bits, with headroom so counting up rarely overflows.
            self._last = (now << _RANDOM_BITS) | self._random_bits(_RANDOM_BITS - 1)
        else:
            # Same (or an earlier) millisecond: count up; a carry simply moves into the next millisecond.
            self._last += 1
        return self._last
