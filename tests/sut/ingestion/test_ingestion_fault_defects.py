"""The seeded ingestion defects of the error-recovery suites really break what they name (B13, B19)."""

import pytest

from sut.defects import key_cache_fails_closed, malformed_span_fails_whole_batch, missing_end_time_accepted
from sut.ingestion import batch, validation
from sut.ingestion.backend_auth import BackendUnavailable
from sut.ingestion.key_cache import ApiKeyCache, Verdict


def test_correct_batch_keeps_the_valid_spans_of_a_batch_with_a_malformed_one(otlp):
    prepared = batch.prepare(otlp.request([otlp.span(), otlp.span(end_time_unix_nano=0), otlp.span()]))
    assert len(prepared.rows) == 2 and len(prepared.rejections) == 1


def test_defect_malformed_span_fails_whole_batch(monkeypatch, otlp):
    monkeypatch.setattr(batch, "prepare", batch.prepare)  # restored at teardown
    malformed_span_fails_whole_batch.apply()
    with pytest.raises(ValueError, match="invalid batch"):
        batch.prepare(otlp.request([otlp.span(), otlp.span(end_time_unix_nano=0), otlp.span()]))
    assert len(batch.prepare(otlp.request([otlp.span()])).rows) == 1


def test_defect_missing_end_time_accepted(monkeypatch, otlp):
    incomplete = otlp.span(end_time_unix_nano=0)
    assert validation.span_reject_reason(incomplete) == "end_time_unix_nano is missing"
    monkeypatch.setattr(validation, "span_reject_reason", validation.span_reject_reason)
    missing_end_time_accepted.apply()
    assert validation.span_reject_reason(incomplete) is None
    assert incomplete.end_time_unix_nano == 0  # stored as sent
    assert validation.span_reject_reason(otlp.span(trace_id=b"short")) is not None


class GoneBackend:
    """Validated every key once, then became unreachable."""

    def __init__(self):
        self.reachable = True

    def is_valid(self, api_key):
        if not self.reachable:
            raise BackendUnavailable("UNAVAILABLE: connection refused")
        return True


def test_defect_key_cache_fails_closed(monkeypatch):
    backend = GoneBackend()
    cache = ApiKeyCache(backend, revalidate_s=0, max_age_s=3600)
    assert cache.check("key") is Verdict.VALID
    backend.reachable = False
    assert cache.check("key") is Verdict.VALID  # correct: stale-if-error while the backend is away
    monkeypatch.setattr(ApiKeyCache, "check", ApiKeyCache.check)
    key_cache_fails_closed.apply()
    assert cache.check("key") is Verdict.UNAVAILABLE
