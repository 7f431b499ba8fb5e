"""Ingestion refuses even known-good API keys while the backend is unreachable.

Models a key cache that is only consulted within its refresh interval and, when the re-check cannot reach
the backend, fails closed: during a backend restart or outage every client gets UNAVAILABLE, exporters drop
their batches, and telemetry of the outage itself is lost. Breaks policy B19 (backend down → ingestion keeps
acknowledging spans with cached keys).
"""

PROCESS = "ingestion"
POLICY = "B19"
CAUGHT_BY = ["With The Backend Down Ingestion Accepts Cached Keys And Loses Nothing"]
FAILS_WITH = r"with the backend down, ingestion must keep acknowledging spans with a key it has validated"


def apply():
    from sut.ingestion import key_cache
    from sut.ingestion.backend_auth import BackendUnavailable

    def check(self, api_key):
        age = self._age(api_key)
        if age is not None and self.trusts_without_check(age):
            return key_cache.Verdict.VALID
        try:
            valid = self._backend.is_valid(api_key)
        except BackendUnavailable:
            return key_cache.Verdict.UNAVAILABLE  # the cached verdict is ignored
        with self._lock:
            if valid:
                self._validated_at[api_key] = self._clock()
            else:
                self._validated_at.pop(api_key, None)
        return key_cache.Verdict.VALID if valid else key_cache.Verdict.INVALID

    key_cache.ApiKeyCache.check = check
