"""Run callables at the same instant behind a barrier and keep every outcome.

Used by keywords that reproduce races (N clients at once). Each call's result or exception and its timing
are kept, so a keyword can assert on the whole set (exactly one succeeded, all distinct, no 5xx).
"""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable


@dataclass
class Outcome:
    """What one of the concurrent calls did."""

    index: int
    result: Any = None
    error: "BaseException | None" = None
    started: float = 0.0
    elapsed_ms: float = 0.0


def run_together(calls: list[Callable[[], Any]], timeout_s: float = 60.0) -> list[Outcome]:
    """Start every call at once (a barrier releases them together) and return their outcomes in order."""
    if not calls:
        return []
    barrier = threading.Barrier(len(calls))

    def run(index: int, call: Callable[[], Any]) -> Outcome:
        outcome = Outcome(index)
        barrier.wait(timeout=timeout_s)
        outcome.started = time.perf_counter()
        try:
            outcome.result = call()
        except Exception as error:  # noqa: BLE001 - the caller asserts on every outcome
            outcome.error = error
        outcome.elapsed_ms = (time.perf_counter() - outcome.started) * 1000
        return outcome

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, i, call) for i, call in enumerate(calls)]
        return [future.result(timeout=timeout_s) for future in futures]
