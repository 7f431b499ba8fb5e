"""The model-list cache never expires: its TTL is ignored.

Models a cache written as a plain dict with no expiry check (``if provider in cache: return cache[provider]``):
a provider's new models never appear until a manual refresh or a restart. Breaks policy B16 (when the list
expires under load, exactly one upstream refresh happens — here none does, and the old list is served).
"""

PROCESS = "backend"
POLICY = "B16"
CAUGHT_BY = ["An Expired Model List Under Load Is Refreshed By One Upstream Call"]
FAILS_WITH = r"got 1 models request\(s\), expected 2|after the refresh the new list is served"


def apply():
    from sut.backend import model_cache

    get = model_cache.ModelCache.get

    def get_forever(self, provider):
        with self._lock:
            entry = self._entries.get(provider)
        return entry.models if entry is not None else get(self, provider)

    model_cache.ModelCache.get = get_forever
