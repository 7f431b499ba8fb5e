"""Run callables at the same instant behind a barrier, or one after another in the background, and keep
every outcome.

Used by keywords that reproduce races (N clients at once) and sustained load (a sender that keeps going
while a process is killed). Each call's result or exception and its timing are kept, so a keyword can
assert on the whole set (exactly one succeeded, all distinct, no 5xx).
"""

import statistics
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any


@dataclass
class Outcome:
    """What one call did. ``index`` numbers every call of a run; ``sequence`` is the thread (sender) that
    made it and ``position`` its place in that thread's sequence. ``started`` is ``time.perf_counter()``."""

    index: int
    result: Any = None
    error: "BaseException | None" = None
    started: float = 0.0
    elapsed_ms: float = 0.0
    sequence: int = 0
    position: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    def finish(self, call: Callable[[], Any]) -> "Outcome":
        """Make the call now and record its result (or exception) and duration."""
        self.started = time.perf_counter()
        try:
            self.result = call()
        except Exception as error:  # noqa: BLE001 - the caller asserts on every outcome
            self.error = error
        self.elapsed_ms = (time.perf_counter() - self.started) * 1000
        return self


def run_together(calls: list[Callable[[], Any]], timeout_s: float = 60.0) -> list[Outcome]:
    """Start every call at once (a barrier releases them together) and return their outcomes in order."""
    return run_sequences([[call] for call in calls], timeout_s)


def run_sequences(sequences: list[list[Callable[[], Any]]], timeout_s: float = 60.0) -> list[Outcome]:
    """One thread per sequence, all released together by a barrier; each thread makes its calls in order.

    Returns every outcome, ordered by sequence then position (``index`` counts them in that order).
    """
    sequences = [list(calls) for calls in sequences if calls]
    if not sequences:
        return []
    barrier = threading.Barrier(len(sequences))
    first_index = [0]
    for calls in sequences:
        first_index.append(first_index[-1] + len(calls))

    def run(number: int, calls: list[Callable[[], Any]]) -> list[Outcome]:
        barrier.wait(timeout=timeout_s)
        return [Outcome(first_index[number] + position, sequence=number, position=position).finish(call)
                for position, call in enumerate(calls)]

    with ThreadPoolExecutor(max_workers=len(sequences)) as pool:
        futures = [pool.submit(run, number, calls) for number, calls in enumerate(sequences)]
        return [outcome for future in futures for outcome in future.result(timeout=timeout_s)]


class BackgroundCalls:
    """Makes calls one after another in a daemon thread until they run out, :meth:`stop` is called or
    ``max_seconds`` have passed, with an optional pause between calls (a paced, bounded sender)."""

    def __init__(self, calls: Iterable[Callable[[], Any]], max_seconds: float, pause_s: float = 0.0):
        self._calls = iter(calls)
        self._max_seconds = float(max_seconds)
        self._pause_s = float(pause_s)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._outcomes: list[Outcome] = []
        self._thread = threading.Thread(target=self._run, name="background-calls", daemon=True)

    def start(self) -> "BackgroundCalls":
        self._thread.start()
        return self

    def _run(self) -> None:
        deadline = time.monotonic() + self._max_seconds
        for index, call in enumerate(self._calls):
            if self._stop.is_set() or time.monotonic() > deadline:
                return
            outcome = Outcome(index, position=index).finish(call)
            with self._lock:
                self._outcomes.append(outcome)
            if self._pause_s:
                self._stop.wait(self._pause_s)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def outcomes(self) -> list[Outcome]:
        """The outcomes so far (a copy)."""
        with self._lock:
            return list(self._outcomes)

    def succeeded(self) -> int:
        """How many calls so far raised nothing."""
        return sum(outcome.ok for outcome in self.outcomes())

    def stop(self, timeout_s: float = 30.0) -> list[Outcome]:
        """Stop after the call in progress and return every outcome."""
        self._stop.set()
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            raise RuntimeError(f"the background calls did not stop within {timeout_s} s")
        return self.outcomes()


def summarise(outcomes: list[Outcome]) -> dict:
    """Counts and timings of a set of outcomes: ``calls``, ``succeeded``, ``failed``, latency ``min_ms``,
    ``median_ms``, ``p95_ms``, ``max_ms`` and ``wall_ms`` (first start to last end)."""
    if not outcomes:
        return {"calls": 0, "succeeded": 0, "failed": 0, "min_ms": 0.0, "median_ms": 0.0, "p95_ms": 0.0,
                "max_ms": 0.0, "wall_ms": 0.0}
    latencies = sorted(outcome.elapsed_ms for outcome in outcomes)
    first = min(outcome.started for outcome in outcomes)
    last = max(outcome.started + outcome.elapsed_ms / 1000 for outcome in outcomes)
    succeeded = sum(outcome.ok for outcome in outcomes)
    return {
        "calls": len(outcomes),
        "succeeded": succeeded,
        "failed": len(outcomes) - succeeded,
        "min_ms": latencies[0],
        "median_ms": statistics.median(latencies),
        "p95_ms": latencies[min(len(latencies) - 1, round(0.95 * (len(latencies) - 1)))],
        "max_ms": latencies[-1],
        "wall_ms": (last - first) * 1000,
    }
