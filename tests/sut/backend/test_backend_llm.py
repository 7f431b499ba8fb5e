"""The LLM playground of the real backend process against the suite's fake provider on loopback (A2, B16, B17)."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from backend_harness import ADMIN, PASSWORD

from junjo_acceptance.fake_llm import formats
from junjo_acceptance.fake_llm.server import Behaviour

GENERATE = {"model": "openai/gpt-4o", "messages": [{"role": "user", "content": "hello"}], "temperature": 0.2}

pytestmark = pytest.mark.usefixtures("clean_fake")


def provider_args(fake, **settings):
    args = []
    for provider, root in formats.API_ROOTS.items():
        args += [f"--{provider}-base-url", fake.base_url + root, f"--{provider}-api-key", fake.state.keys[provider]]
    for name, value in settings.items():
        args += [f"--{name.replace('_', '-')}", str(value)]
    return args


def signed_in(backend):
    backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    return backend.sign_in(ADMIN)


@pytest.fixture(scope="module")
def playground(fake, tmp_path_factory):
    """A backend whose providers are the fake: 1 s upstream timeout, no model cache."""
    from backend_harness import BackendProcess

    backend = BackendProcess(tmp_path_factory.mktemp("llm"), provider_args(fake, llm_timeout_s=1,
                                                                           model_cache_ttl_s=0)).start()
    yield backend, signed_in(backend)
    backend.stop()


def behave(fake, provider, kind, operation="models", **options):
    with fake.state.cond:
        fake.state.behaviours[(provider, operation)] = Behaviour(kind, **options)


@pytest.mark.parametrize("provider", formats.PROVIDERS)
def test_model_lists_and_generation_of_every_provider(playground, fake, provider):
    backend, client = playground
    models = client.get(backend.url(f"/llm/providers/{provider}/models"), timeout=10)
    assert models.status_code == 200
    assert [m["id"] for m in models.json()["models"]] == [f"{provider}/{m}" for m in formats.DEFAULT_MODELS[provider]]
    body = dict(GENERATE, model=f"{provider}/some-model")
    completion = client.post(backend.url("/llm/generate"), json=body, timeout=10)
    assert completion.status_code == 200 and completion.json()["choices"][0]["message"]["content"]
    records = fake.records(provider)
    assert [r["operation"] for r in records] == ["models", "generate"] and all(r["authorized"] for r in records)
    assert records[1]["body"]["model"] == "some-model" and records[1]["body"]["temperature"] == 0.2
    assert fake.state.keys[provider] not in str(records)  # credentials are recorded masked


def test_unknown_provider_bad_model_and_anonymous_requests(playground):
    backend, client = playground
    assert client.get(backend.url("/llm/providers/mistral/models"), timeout=10).status_code == 400
    assert client.post(backend.url("/llm/generate"), json=dict(GENERATE, model="gpt-4o"), timeout=10).status_code == 400
    assert client.post(backend.url("/llm/generate"), json={"model": "openai/x"}, timeout=10).status_code == 422
    assert backend.anonymous("GET", "/llm/providers/openai/models").status_code == 401


@pytest.mark.parametrize(("kind", "status", "words"), [
    ("rate limit", 429, "rate-limiting"),
    ("server error", 502, "failed (HTTP 500)"),
    ("malformed json", 502, "JSON parse error"),
    ("close connection", 503, "closed without an answer"),
    ("reset connection", 503, "reset"),
])
@pytest.mark.parametrize("operation", ["models", "generate"])
def test_provider_failures_are_mapped(playground, fake, kind, status, words, operation):
    backend, client = playground
    behave(fake, "openai", kind, operation, retry_after_s=7)
    if operation == "models":
        answer = client.get(backend.url("/llm/providers/openai/models"), timeout=10)
    else:
        answer = client.post(backend.url("/llm/generate"), json=GENERATE, timeout=10)
    assert answer.status_code == status and words in answer.json()["detail"]
    if kind == "rate limit":
        assert answer.headers["retry-after"] == "7"


def test_a_hanging_provider_gives_504_within_the_timeout(playground, fake):
    backend, client = playground
    behave(fake, "anthropic", "hang")
    started = time.monotonic()
    answer = client.get(backend.url("/llm/providers/anthropic/models"), timeout=10)
    elapsed = time.monotonic() - started
    assert answer.status_code == 504 and "did not answer within 1 s" in answer.json()["detail"]
    assert 0.9 < elapsed < 2.5


def test_a_wrong_key_is_a_502_and_a_missing_key_a_503(fake, start_backend):
    args = provider_args(fake)
    args[args.index("--gemini-api-key") + 1] = "wrong"
    args[args.index("--anthropic-api-key") + 1] = ""
    backend = start_backend(*args)
    client = signed_in(backend)
    wrong = client.get(backend.url("/llm/providers/gemini/models"), timeout=10)
    assert wrong.status_code == 502 and "refused the configured API key" in wrong.json()["detail"]
    missing = client.get(backend.url("/llm/providers/anthropic/models"), timeout=10)
    assert missing.status_code == 503 and fake.records("anthropic") == []


def test_the_model_cache_serves_a_crowd_with_one_call_and_refresh_bypasses_it(fake, start_backend):
    backend = start_backend(*provider_args(fake, model_cache_ttl_s=60))
    client = signed_in(backend)
    behave(fake, "openai", "answer", delay_s=0.3)
    url = backend.url("/llm/providers/openai/models")
    with ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(lambda _: client.get(url, timeout=10).status_code, range(30)))
    assert statuses == [200] * 30 and len(fake.records("openai", "models")) == 1
    with fake.state.cond:
        fake.state.models["openai"] = ["gpt-5"]
    refreshed = client.post(backend.url("/llm/providers/openai/models/refresh"), timeout=10)
    assert [m["id"] for m in refreshed.json()["models"]] == ["openai/gpt-5"]
    assert [m["id"] for m in client.get(url, timeout=10).json()["models"]] == ["openai/gpt-5"]
    assert len(fake.records("openai", "models")) == 2
