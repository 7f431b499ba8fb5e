"""Model lists per provider, kept in memory for a time-to-live and fetched with *single flight* (B16).

``get(provider)`` serves the cached list while it is younger than the TTL. When the list is missing or
expired, the first caller fetches it from the provider and every caller arriving meanwhile waits for that
same fetch (one upstream call, however many readers: no stampede). ``refresh(provider)`` fetches a new
list even if the cached one is fresh; readers keep getting the cached list until the new one replaces it
in one step, so a reader sees the old or the new list, never an empty one. A failed fetch is reported to
the callers that waited for it and is not cached.
"""

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass


@dataclass
class CachedModels:
    models: list[dict]
    fetched_at: float


class ModelCache:
    def __init__(self, fetch: Callable[[str], list[dict]], ttl_s: float, clock: Callable[[], float] = time.monotonic):
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, CachedModels] = {}
        self._flights: dict[str, Future] = {}

    def get(self, provider: str) -> list[dict]:
        """The provider's model list: cached while fresh, else from the one fetch in flight."""
        with self._lock:
            entry = self._entries.get(provider)
            if entry is not None and self._clock() - entry.fetched_at < self._ttl_s:
                return entry.models
            flight, leader = self._join_or_lead(provider)
        return self._complete(provider, flight, leader)

    def refresh(self, provider: str) -> list[dict]:
        """Fetch the provider's list now (or join a fetch already in flight) and cache it."""
        with self._lock:
            flight, leader = self._join_or_lead(provider)
        return self._complete(provider, flight, leader)

    def cached(self, provider: str) -> list[dict] | None:
        """The cached list, fresh or not (for tests and diagnostics)."""
        with self._lock:
            entry = self._entries.get(provider)
            return entry.models if entry else None

    def _join_or_lead(self, provider: str) -> tuple[Future, bool]:
        """The fetch in flight for ``provider`` (lock held), or a new one that the caller must carry out."""
        flight = self._flights.get(provider)
        if flight is not None:
            return flight, False
        flight = self._flights[provider] = Future()
        return flight, True

    def _complete(self, provider: str, flight: Future, leader: bool) -> list[dict]:
        if not leader:
            return flight.result()
        try:
            models = self._fetch(provider)
        except BaseException as error:
            with self._lock:
                del self._flights[provider]
            flight.set_exception(error)
            raise
        with self._lock:
            self._entries[provider] = CachedModels(models, self._clock())
            del self._flights[provider]
        flight.set_result(models)
        return models
