"""Export authentication: API key check, cache re-validation, stale-if-error and throttling (A4, B5, B8, B19)."""

import time

import grpc

BAD_KEY = "not-a-valid-key"


def test_missing_or_empty_key_is_unauthenticated(ingestion, otlp):
    for key in (None, ""):
        code, details = ingestion.export_status(otlp.request(otlp.spans(1)), key=key)
        assert code is grpc.StatusCode.UNAUTHENTICATED
        assert "x-junjo-api-key" in details
    assert ingestion.read_all() == []


def test_unknown_key_is_unauthenticated(ingestion, otlp):
    code, details = ingestion.export_status(otlp.request(otlp.spans(1)), key=BAD_KEY)
    assert (code, details) == (grpc.StatusCode.UNAUTHENTICATED, "invalid API key")
    assert ingestion.read_all() == []


def test_valid_key_is_cached_between_revalidations(ingestion, fake_auth, otlp):
    for _ in range(3):
        ingestion.export(otlp.request(otlp.spans(1)))
    assert fake_auth.service.calls == 1


def test_revoked_key_is_refused_within_the_revalidation_time(launch_ingestion, fake_auth, otlp, poll):
    ingestion = launch_ingestion("--key-revalidate-s", "0.5")
    ingestion.export(otlp.request(otlp.spans(1)))
    fake_auth.revoke_all()
    took = poll(lambda: ingestion.export_status(otlp.request(otlp.spans(1)))[0] is grpc.StatusCode.UNAUTHENTICATED, 5)
    assert took < 1.5


def test_backend_down_cached_key_keeps_working_until_max_age_unknown_key_unavailable(
    launch_ingestion, fake_auth, otlp, poll
):
    ingestion = launch_ingestion("--key-revalidate-s", "0.2", "--key-cache-max-age-s", "2")
    before_validation = time.monotonic()
    ingestion.export(otlp.request(otlp.spans(1)))
    fake_auth.stop()
    time.sleep(0.3)  # past the revalidation age: the next call asks the (unreachable) backend
    ingestion.export(otlp.request(otlp.spans(1)))
    code, details = ingestion.export_status(otlp.request(otlp.spans(1)), key=BAD_KEY)
    assert code is grpc.StatusCode.UNAVAILABLE
    assert fake_auth.address in details and "unreachable" in details
    poll(lambda: ingestion.export_status(otlp.request(otlp.spans(1)))[0] is grpc.StatusCode.UNAVAILABLE, 5)
    assert time.monotonic() - before_validation >= 2, "the cached key must stay valid up to its max age"


def test_invalid_keys_are_throttled_while_a_valid_key_keeps_working(launch_ingestion, fake_auth, otlp, poll):
    ingestion = launch_ingestion("--invalid-key-max-failures", "5", "--invalid-key-window-s", "2")
    request = otlp.request(otlp.spans(1))
    ingestion.export(request)
    first_failure = time.monotonic()
    for _ in range(5):
        assert ingestion.export_status(request, key=BAD_KEY)[0] is grpc.StatusCode.UNAUTHENTICATED
    calls = fake_auth.service.calls
    for key in (BAD_KEY, "another-bad-key", None):
        code, details = ingestion.export_status(request, key=key)
        assert code is grpc.StatusCode.RESOURCE_EXHAUSTED
        assert details.startswith("too many invalid API keys from this client; retry after ")
    assert fake_auth.service.calls == calls, "a throttled key must not reach the backend"
    ingestion.export(request)
    poll(lambda: ingestion.export_status(request, key=BAD_KEY)[0] is grpc.StatusCode.UNAUTHENTICATED, 5)
    assert time.monotonic() - first_failure >= 2


def test_defect_no_invalid_key_throttle_never_throttles(launch_ingestion, otlp):
    ingestion = launch_ingestion("--defects", "no_invalid_key_throttle", "--invalid-key-max-failures", "3")
    codes = {ingestion.export_status(otlp.request(otlp.spans(1)), key=BAD_KEY)[0] for _ in range(6)}
    assert codes == {grpc.StatusCode.UNAUTHENTICATED}


def test_defect_stale_key_cache_keeps_accepting_a_revoked_key(launch_ingestion, fake_auth, otlp):
    ingestion = launch_ingestion("--defects", "stale_key_cache", "--key-revalidate-s", "0.2")
    ingestion.export(otlp.request(otlp.spans(1)))
    fake_auth.revoke_all()
    time.sleep(1.0)  # five revalidation periods: the correct target refuses the key by now
    ingestion.export(otlp.request(otlp.spans(1)))
    assert fake_auth.service.calls == 1
