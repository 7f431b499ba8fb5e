"""Cache of valid API keys (contract A4, policies B8 and B19).

A key the backend confirmed is trusted without a call while younger than ``revalidate_s``; after that it
is checked again: if the backend now says invalid (the key was deleted) it is evicted, and if the backend
cannot be reached the key stays trusted while younger than ``max_age_s`` (stale-if-error). Only valid keys
are cached, so a deleted key stops working within ``revalidate_s`` of its deletion.
"""

import enum
import threading
import time
from collections.abc import Callable

from .backend_auth import BackendAuthClient, BackendUnavailable


class Verdict(enum.Enum):
    """Outcome of checking one key."""

    VALID = "valid"
    INVALID = "invalid"
    UNAVAILABLE = "unavailable"


class ApiKeyCache:
    """Valid keys by the monotonic time of their last successful validation. Thread-safe."""

    def __init__(
        self,
        backend: BackendAuthClient,
        revalidate_s: float,
        max_age_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._backend = backend
        self._revalidate_s = revalidate_s
        self._max_age_s = max_age_s
        self._clock = clock
        self._lock = threading.Lock()
        self._validated_at: dict[str, float] = {}

    def is_cached(self, api_key: str) -> bool:
        """Whether ``api_key`` was confirmed valid and has not outlived ``max_age_s``."""
        age = self._age(api_key)
        return age is not None and age < self._max_age_s

    def check(self, api_key: str) -> Verdict:
        """Whether ``api_key`` is valid, asking the backend unless the cached verdict is fresh."""
        age = self._age(api_key)
        if age is not None and self.trusts_without_check(age):
            return Verdict.VALID
        try:
            valid = self._backend.is_valid(api_key)
        except BackendUnavailable:
            return Verdict.VALID if age is not None and age < self._max_age_s else Verdict.UNAVAILABLE
        with self._lock:
            if valid:
                self._validated_at[api_key] = self._clock()
            else:
                self._validated_at.pop(api_key, None)
        return Verdict.VALID if valid else Verdict.INVALID

    def trusts_without_check(self, age_s: float) -> bool:
        """Whether a key validated ``age_s`` seconds ago is trusted without asking the backend."""
        return age_s < self._revalidate_s

    def _age(self, api_key: str) -> float | None:
        with self._lock:
            validated_at = self._validated_at.get(api_key)
        return None if validated_at is None else self._clock() - validated_at
