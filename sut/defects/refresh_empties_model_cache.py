"""A model-list refresh first empties the cached list, then fills it with the provider's answer.

Models the "invalidate, then reload" refresh (``cache[provider].clear()`` followed by the fetch), often
written to make sure no stale entry survives: while the provider is answering — seconds for a slow API —
every reader gets an empty model list, and the playground shows "no models". Breaks policy B16 (readers
during a refresh see the old or the new list, never an error or an empty list).
"""

PROCESS = "backend"
POLICY = "B16"
CAUGHT_BY = ["Readers During A Model-List Refresh Get The Old Or New List"]
FAILS_WITH = r"readers got lists other than the old or the new one: \[\[\]"


def apply():
    from sut.backend import model_cache

    refresh = model_cache.ModelCache.refresh

    def refresh_after_emptying(self, provider):
        with self._lock:
            entry = self._entries.get(provider)
            if entry is not None:
                entry.models.clear()  # "invalidate" in place: readers now see an empty list
        return refresh(self, provider)

    model_cache.ModelCache.refresh = refresh_after_emptying
