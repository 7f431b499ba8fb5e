"""Units of the LLM playground: the single-flight model cache (B16) and the provider error mapping (B17)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from sut.backend import llm_providers
from sut.backend.llm_providers import Answer, ProviderError, check_status, parse_model_list
from sut.backend.model_cache import ModelCache


class SlowProvider:
    """Counts fetches; each takes ``delay_s`` and returns the current ``models``."""

    def __init__(self, delay_s=0.2):
        self.delay_s = delay_s
        self.calls = 0
        self.models = [{"id": "openai/a"}]
        self.fail: Exception | None = None
        self._lock = threading.Lock()

    def __call__(self, provider):
        with self._lock:
            self.calls += 1
        time.sleep(self.delay_s)
        if self.fail:
            raise self.fail
        return list(self.models)


def read_together(cache, count, provider="openai"):
    barrier = threading.Barrier(count)

    def read(_):
        barrier.wait()
        return cache.get(provider)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(read, range(count)))


def test_concurrent_readers_of_a_cold_cache_cause_one_fetch():
    provider = SlowProvider()
    cache = ModelCache(provider, ttl_s=60)
    results = read_together(cache, 50)
    assert provider.calls == 1
    assert all(result == [{"id": "openai/a"}] for result in results)
    read_together(cache, 50)
    assert provider.calls == 1


def test_expiry_under_load_causes_exactly_one_refresh():
    now = [0.0]
    provider = SlowProvider()
    cache = ModelCache(provider, ttl_s=10, clock=lambda: now[0])
    cache.get("openai")
    now[0] = 11.0
    provider.models = [{"id": "openai/b"}]
    results = read_together(cache, 50)
    assert provider.calls == 2
    assert all(result == [{"id": "openai/b"}] for result in results)


def test_readers_during_a_refresh_get_the_old_list():
    provider = SlowProvider(delay_s=0)
    cache = ModelCache(provider, ttl_s=60)
    old = cache.get("openai")
    provider.delay_s, provider.models = 0.5, [{"id": "openai/new"}]
    refresher = threading.Thread(target=cache.refresh, args=("openai",))
    refresher.start()
    time.sleep(0.1)
    assert read_together(cache, 20) == [old] * 20
    refresher.join()
    assert cache.get("openai") == [{"id": "openai/new"}]
    assert provider.calls == 2


def test_a_failed_fetch_reaches_its_waiters_and_is_not_cached():
    provider = SlowProvider()
    provider.fail = ProviderError(503, "down")
    cache = ModelCache(provider, ttl_s=60)
    with ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(cache.get, "openai") for _ in range(5)]
        errors = [future.exception() for future in futures]
    assert all(isinstance(error, ProviderError) for error in errors)
    assert provider.calls < 5
    provider.fail = None
    assert cache.get("openai") == [{"id": "openai/a"}]


def test_zero_ttl_always_asks_the_provider():
    provider = SlowProvider(delay_s=0)
    cache = ModelCache(provider, ttl_s=0)
    cache.get("openai")
    cache.get("openai")
    assert provider.calls == 2


def answer(status, body=b"{}", headers=None):
    return Answer(status, headers or {}, body)


@pytest.mark.parametrize(("status", "expected"), [(429, 429), (500, 502), (502, 502), (503, 503), (401, 502),
                                                  (403, 502), (400, 400), (404, 404), (422, 400)])
def test_upstream_statuses_are_mapped_never_to_500(status, expected):
    with pytest.raises(ProviderError) as error:
        check_status("openai", answer(status, b'{"error": {"message": "nope"}}', {"retry-after": "7"}))
    assert error.value.status == expected
    if status == 429:
        assert "rate-limiting" in error.value.detail and error.value.retry_after == "7"


def test_success_statuses_pass():
    check_status("openai", answer(200))


def test_malformed_and_misshapen_model_lists_are_502():
    for body in (b'{"data": [', b"[]", b'{"data": {}}', b'{"data": [1]}'):
        with pytest.raises(ProviderError) as error:
            parse_model_list("openai", answer(200, body))
        assert error.value.status == 502


def test_model_lists_of_each_provider():
    openai = parse_model_list("openai", answer(200, b'{"data": [{"id": "o3-mini"}, {"id": "gpt-4o"}]}'))
    assert [m["id"] for m in openai] == ["openai/o3-mini", "openai/gpt-4o"]
    assert openai[0]["supports_reasoning"] and openai[1]["supports_vision"]
    anthropic = parse_model_list("anthropic", answer(200, b'{"data": [{"id": "claude-sonnet-4-x", '
                                                          b'"display_name": "Claude Sonnet 4"}]}'))
    assert anthropic == [{"id": "anthropic/claude-sonnet-4-x", "provider": "anthropic",
                          "display_name": "Claude Sonnet 4", "supports_reasoning": True, "supports_vision": True,
                          "max_tokens": 64000}]
    gemini = parse_model_list("gemini", answer(200, b'{"models": [{"name": "models/gemini-2.5-pro", '
                                                    b'"outputTokenLimit": 65536, "supportedGenerationMethods": '
                                                    b'["generateContent"]}, {"name": "models/embedding-001", '
                                                    b'"supportedGenerationMethods": ["embedContent"]}]}'))
    assert [(m["id"], m["max_tokens"]) for m in gemini] == [("gemini/gemini-2.5-pro", 65536)]


def test_a_missing_api_key_is_a_503_without_calling_anyone():
    provider = llm_providers.Provider("openai", "http://127.0.0.1:9", "", 1.0)
    with pytest.raises(ProviderError) as error:
        provider.list_models()
    assert error.value.status == 503 and "JUNJO_OPENAI_API_KEY" in error.value.detail


def test_a_refused_connection_is_unavailable():
    provider = llm_providers.Provider("anthropic", "http://127.0.0.1:9/v1", "key", 1.0)
    with pytest.raises(ProviderError) as error:
        provider.list_models()
    assert error.value.status == 503 and "refused" in error.value.detail
