"""Valid API keys are cached for an hour without re-validation, so deleted keys keep working.

Models the product's own key cache (valid keys cached for 1 h, later 10 min, contract A4) and any
time-to-live cache that is never re-checked: after a key is deleted in the backend, ingestion keeps
accepting it until the cache entry expires. Breaks policy B8 (a deleted API key stops working on
ingestion within a bounded time, 5 s for the reference target).
"""

PROCESS = "ingestion"
POLICY = "B8"
CAUGHT_BY = ["A Deleted API Key Stops Working On Ingestion"]
FAILS_WITH = r"answered OK to a deleted key; expected UNAUTHENTICATED"

CACHE_TTL_S = 3600.0


def apply() -> None:
    """Make ``ApiKeyCache.trusts_without_check`` trust a validated key for an hour."""
    from sut.ingestion import key_cache

    def trusts_without_check(self: key_cache.ApiKeyCache, age_s: float) -> bool:
        return age_s < CACHE_TTL_S

    key_cache.ApiKeyCache.trusts_without_check = trusts_without_check
