"""The model-list cache has no single flight: every reader that finds the list missing or expired fetches it.

Models the everyday "check the cache, fetch on a miss, store" cache (a dict with timestamps) in front of an
LLM provider: when the list is cold or has just expired, all requests arriving before the first fetch
returns each call the provider — a stampede (thundering herd) that multiplies provider calls, cost and
rate-limit hits exactly when traffic peaks. Breaks policy B16 (concurrent readers cause one upstream call;
an expiry under load causes exactly one refresh).
"""

PROCESS = "backend"
POLICY = "B16"
CAUGHT_BY = [
    "100 Concurrent Model-List Readers Cause One Upstream Call",
    "An Expired Model List Under Load Is Refreshed By One Upstream Call",
]
FAILS_WITH = r"the openai provider got \d+ models request\(s\), expected [12]"


def apply():
    from sut.backend import model_cache

    def get(self, provider):
        with self._lock:
            entry = self._entries.get(provider)
        if entry is not None and self._clock() - entry.fetched_at < self._ttl_s:
            return entry.models
        models = self._fetch(provider)  # every reader that missed goes to the provider itself
        with self._lock:
            self._entries[provider] = model_cache.CachedModels(models, self._clock())
        return models

    model_cache.ModelCache.get = get
