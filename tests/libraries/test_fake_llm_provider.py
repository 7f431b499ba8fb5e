"""The fake LLM provider: routes, credentials, every scripted behaviour, the request record."""

import http.client
import json
import threading
import time

import pytest
from FakeLlmProvider import FakeLlmProvider
from robot.utils import DotDict

from junjo_acceptance.fake_llm import formats
from junjo_acceptance.fake_llm.server import Behaviour, FakeProviderServer, route

KEYS = {provider: f"secret-{provider}-0123456789" for provider in formats.PROVIDERS}


@pytest.fixture(scope="module")
def fake():
    server = FakeProviderServer(KEYS).start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def clean(fake):
    yield
    fake.state.reset()


def request(fake, method, path, headers=None, body=None, timeout=5):
    """(status, headers, body) or the exception the client got."""
    connection = http.client.HTTPConnection("127.0.0.1", fake.server_address[1], timeout=timeout)
    try:
        connection.request(method, path, body=json.dumps(body) if body else None, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    except (OSError, http.client.HTTPException) as error:
        return error
    finally:
        connection.close()


def models(fake, provider="openai", key=None, timeout=5):
    key = KEYS[provider] if key is None else key
    if provider == "openai":
        return request(fake, "GET", "/openai/v1/models", {"Authorization": f"Bearer {key}"}, timeout=timeout)
    if provider == "anthropic":
        headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
        return request(fake, "GET", "/anthropic/v1/models", headers, timeout=timeout)
    return request(fake, "GET", f"/gemini/v1beta/models?key={key}", timeout=timeout)


def behave(fake, provider, kind, operation="models", **options):
    with fake.state.cond:
        fake.state.behaviours[(provider, operation)] = Behaviour(kind, **options)


def test_routes():
    assert route("GET", "/openai/v1/models") == ("openai", "models")
    assert route("POST", "/anthropic/v1/chat/completions") == ("anthropic", "generate")
    assert route("POST", "/gemini/v1beta/openai/chat/completions") == ("gemini", "generate")
    assert route("GET", "/openai/v1/chat/completions") is None and route("GET", "/other") is None


@pytest.mark.parametrize("provider", formats.PROVIDERS)
def test_model_lists_need_the_providers_credential(fake, provider):
    status, _, body = models(fake, provider)
    assert status == 200 and json.loads(body) == formats.model_list(provider, formats.DEFAULT_MODELS[provider])
    assert models(fake, provider, key="wrong")[0] == 401
    records = fake.records(provider)
    assert [r["authorized"] for r in records] == [True, False]
    assert KEYS[provider] not in json.dumps(records)


def test_chat_completion_answers_the_last_message(fake):
    status, _, body = request(fake, "POST", "/openai/v1/chat/completions",
                              {"Authorization": f"Bearer {KEYS['openai']}", "Content-Type": "application/json"},
                              {"model": "gpt-4o", "messages": [{"role": "user", "content": "ping"}]})
    answer = json.loads(body)
    assert status == 200 and answer["model"] == "gpt-4o"
    assert answer["choices"][0]["message"]["content"] == "Fake answer to: ping"


def test_rate_limit_server_error_and_malformed_json(fake):
    behave(fake, "anthropic", "rate limit", retry_after_s=9)
    status, headers, body = models(fake, "anthropic")
    assert status == 429 and headers["Retry-After"] == "9" and json.loads(body)["error"]["type"] == "rate_limit_error"
    behave(fake, "anthropic", "server error")
    assert models(fake, "anthropic")[0] == 500
    behave(fake, "anthropic", "malformed json")
    status, _, body = models(fake, "anthropic")
    assert status == 200
    with pytest.raises(ValueError):
        json.loads(body)


def test_dropped_connections(fake):
    behave(fake, "gemini", "close connection")
    assert isinstance(models(fake, "gemini"), http.client.RemoteDisconnected)
    behave(fake, "gemini", "reset connection")
    assert isinstance(models(fake, "gemini"), ConnectionResetError)


def test_delay_and_times(fake):
    behave(fake, "openai", "answer", delay_s=0.3, times=1)
    started = time.monotonic()
    assert models(fake)[0] == 200 and time.monotonic() - started >= 0.3
    started = time.monotonic()
    assert models(fake)[0] == 200 and time.monotonic() - started < 0.3


def test_hold_answers_on_release_and_hang_closes_on_release(fake):
    behave(fake, "openai", "hold")
    results = []
    waiter = threading.Thread(target=lambda: results.append(models(fake)))
    waiter.start()
    deadline = time.monotonic() + 5
    while not fake.records("openai") and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fake.records("openai")[0]["outcome"] == "pending"
    fake.state.release()
    waiter.join(5)
    assert results[0][0] == 200
    behave(fake, "openai", "hang")
    hung = threading.Thread(target=lambda: results.append(models(fake, timeout=10)))
    hung.start()
    time.sleep(0.2)
    fake.state.release()
    hung.join(5)
    assert isinstance(results[1], http.client.RemoteDisconnected)


def test_keyword_library_settings_and_counts():
    library = FakeLlmProvider()
    root = library.start_fake_llm_provider()
    try:
        settings = library.fake_llm_provider_settings()
        assert settings["gemini_base_url"] == root + "/gemini/v1beta"
        assert str(settings["openai_api_key"]) == "<secret>"
        library.set_fake_provider_behaviour("openai", "server error", operation="all")
        assert library.fake_provider_request_count("openai") == 0
        with pytest.raises(AssertionError, match="B16: the openai provider got 0 models request"):
            library.fake_provider_should_have_received("openai", 1, policy="B16")
        with pytest.raises(ValueError):
            library.set_fake_provider_behaviour("openai", "explode")
    finally:
        library.stop_fake_llm_provider()


def test_model_lists_read_by_readers_are_judged_against_the_allowed_lists():
    library = FakeLlmProvider()

    def reader(*models):
        return DotDict(ok=True, result=DotDict(json={"models": [{"id": f"openai/{m}"} for m in models]}))

    assert library.playground_model_ids("openai", "a", "b") == ["openai/a", "openai/b"]
    assert library.model_ids_of_answer(reader("a").result) == ["openai/a"]
    library.model_lists_read_should_be_among([reader("a"), reader("b", "c")], "openai", ["a"], ["b", "c"])
    with pytest.raises(AssertionError, match=r"^B16: readers got lists other than the old or the new one: \[\[\]\]$"):
        library.model_lists_read_should_be_among([reader("a"), reader()], "openai", ["a"], policy="B16")
