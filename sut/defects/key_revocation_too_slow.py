"""Ingestion re-checks a cached API key only after ten times the configured revalidation age.

Models a mis-tuned key cache (a revalidation interval of 20 s where 2 s was meant, the kind of drift from
"1 h" to "10 min" the product itself went through): a deleted key keeps working on ingestion far longer
than the target declares. Breaks policy B8 (a deleted key stops working within the declared revocation
time, 5 s for the reference target).
"""

PROCESS = "ingestion"
POLICY = "B8"
CAUGHT_BY = ["A Deleted API Key Stops Working On Ingestion"]
FAILS_WITH = r"answered OK to a deleted key|the deleted key still worked [\d.]+ s after"


def apply() -> None:
    from sut.ingestion import key_cache

    trusts = key_cache.ApiKeyCache.trusts_without_check

    def trusts_without_check(self, age_s):
        return trusts(self, age_s / 10)

    key_cache.ApiKeyCache.trusts_without_check = trusts_without_check
