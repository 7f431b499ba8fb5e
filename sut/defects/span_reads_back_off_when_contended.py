"""Span-store access is serialized by a lock that backs off 250 ms whenever it finds the lock taken.

Models a single shared database connection guarded by a "polite" try-lock with sleep-and-retry back-off
(instead of a blocking wait or a pool): one request at a time is as fast as ever, so every single-client
check passes, but as soon as two requests overlap, the later one sleeps a whole back-off period, maybe
several. Under a steady arrival of users the tail latency jumps to hundreds of milliseconds — the
moments that a closed-loop load generator under-samples and an open-loop one measures.
Breaks policy B15 (API p99 < 200 ms under 1000 concurrent users).
"""

PROCESS = "backend"
POLICY = "B15"
CAUGHT_BY = ["1000 Open-Loop Users At The Declared Rate Get API p99 Under 200 ms"]
FAILS_WITH = r"API latency under open-loop load: p99_ms \d+ ms from intended start"
BACK_OFF_S = 0.25


def apply() -> None:
    """Wrap ``SpanStore.cursor`` in a process-wide try-lock that sleeps ``BACK_OFF_S`` when contended."""
    import threading
    import time
    from contextlib import contextmanager

    from sut.backend import span_store

    cursor = span_store.SpanStore.cursor
    lock = threading.Lock()

    @contextmanager
    def backing_off(self):
        while not lock.acquire(blocking=False):
            time.sleep(BACK_OFF_S)
        try:
            with cursor(self) as acquired:
                yield acquired
        finally:
            lock.release()

    span_store.SpanStore.cursor = backing_off
