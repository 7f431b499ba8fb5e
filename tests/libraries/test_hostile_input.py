"""Mechanics of the hostile-input sweep: corpus, operations and baselines, probes, generation, the engine."""

import json
from collections import Counter

import pytest
import requests

from junjo_acceptance.api_client.client import ApiResponse
from junjo_acceptance.hostile_input import corpus
from junjo_acceptance.hostile_input.generated import generated_probes
from junjo_acceptance.hostile_input.operations import baseline_value, encode_path_value, operations
from junjo_acceptance.hostile_input.probes import corpus_probes
from junjo_acceptance.hostile_input.sweep import Accounts, Probe, Sweep

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {"title": "t", "version": "1"},
    "paths": {
        "/sign-in": {"post": {"requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Credentials"}}}}, "responses": {"200": {"description": "ok"}}}},
        "/things/{thing_id}": {
            "get": {"parameters": [{"name": "thing_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                                   {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                    "responses": {"200": {"description": "ok"}}},
            "delete": {"parameters": [{"name": "thing_id", "in": "path", "required": True,
                                       "schema": {"type": "integer"}}], "responses": {"204": {"description": "ok"}}},
        },
    },
    "components": {"schemas": {"Credentials": {"type": "object", "required": ["email", "password"], "properties": {
        "email": {"type": "string", "format": "email"}, "password": {"type": "string", "minLength": 8}}}}},
}


def test_the_corpus_is_fixed_and_covers_every_category():
    first, second = corpus.strings(), corpus.strings()
    assert first == second
    assert {item.category for item in first} >= {"sql injection", "markup", "unicode", "long", "number as text"}
    assert all(item.value.strip() for item in corpus.path_values()) and len(corpus.path_values()) < len(first)
    kinds = Counter(item.category for item in corpus.field_values(is_password=True))
    assert kinds["wrong type"] and kinds["password"] and not Counter(
        item.category for item in corpus.field_values())["password"]


def test_over_long_passwords_exceed_bcrypt_in_bytes_not_always_in_characters():
    long = [value for _, value in corpus.PASSWORDS if len(value.encode()) > 72]
    assert any(len(value) <= 72 for value in long)  # 25 euro signs: 25 characters, 75 bytes


def test_hostile_bodies_include_malformed_json_and_a_huge_body():
    bodies = {item.label: item for item in corpus.bodies({"email": "a@b.example", "password": "x" * 10})}
    for label in ("truncated", "invalid UTF-8", "nested 100000 deep"):
        with pytest.raises((ValueError, RecursionError)):
            json.loads(bodies[label].content)
    nan = json.loads(bodies["NaN literal"].content)["x"]  # not JSON, but Python's parser takes it
    assert nan != nan
    assert len(bodies["16 MiB padding field"].content) > 16 * 1024 * 1024
    assert bodies["form-encoded"].content_type == "application/x-www-form-urlencoded"


def test_named_lists_for_the_suites():
    assert "' OR '1'='1" in corpus.named("SQL injection")
    with pytest.raises(ValueError, match="known"):
        corpus.named("nothing")


def test_operations_resolve_references_and_sort_parameters():
    found = {operation.label: operation for operation in operations(DOCUMENT, ["/sign-in"])}
    assert set(found) == {"POST /sign-in", "GET /things/{thing_id}", "DELETE /things/{thing_id}"}
    sign_in = found["POST /sign-in"]
    assert sign_in.public and sign_in.body_fields() == ["email", "password"]
    things = found["GET /things/{thing_id}"]
    assert not things.public and list(things.path_params) == ["thing_id"] and list(things.query_params) == ["limit"]


def test_baselines_are_valid_and_unique():
    sign_in = operations(DOCUMENT, [])[0]
    first, second = sign_in.baseline_body(), sign_in.baseline_body()
    assert first["email"] != second["email"] and first["email"].endswith("@sweep.example")
    assert 8 <= len(first["password"]) <= 72
    assert baseline_value("limit", {"type": "integer", "minimum": 1}) == 1
    assert baseline_value("x", {"anyOf": [{"type": "null"}, {"type": "boolean"}]}) is False


def test_path_values_are_percent_encoded_even_lone_surrogates():
    assert encode_path_value("a/b c") == "a%2Fb%20c"
    assert encode_path_value("\ud800") == "%ED%A0%80"


def test_corpus_probes_test_one_slot_at_a_time():
    found = {operation.label: operation for operation in operations(DOCUMENT, ["/sign-in"])}
    probes = list(corpus_probes(found["GET /things/{thing_id}"]))
    assert len(probes) == len(corpus.path_values()) + len(corpus.strings())
    assert all(probe.signed_in and probe.body is None for probe in probes)
    sign_in = list(corpus_probes(found["POST /sign-in"]))
    assert not any(probe.signed_in for probe in sign_in)
    email_probe = next(probe for probe in sign_in if probe.source.startswith("body email"))
    assert email_probe.masked_fields == ("password",) and "…" in email_probe.shown_body()


def test_generated_probes_are_reproducible_by_seed():
    first = generated_probes(DOCUMENT, ["/sign-in"], 5, 7)
    again = generated_probes(DOCUMENT, ["/sign-in"], 5, 7)
    other = generated_probes(DOCUMENT, ["/sign-in"], 5, 8)
    shape = [(p.method, p.path, p.body) for p in first]
    assert shape == [(p.method, p.path, p.body) for p in again] and shape != [(p.method, p.path, p.body) for p in other]
    assert {p.operation for p in first} == {"POST /sign-in", "GET /things/{thing_id}", "DELETE /things/{thing_id}"}


class FakeClients:
    """Answers by path: ``/boom`` 500, ``/llm/x`` 503, ``/drop`` a connection error, else 200."""

    def __init__(self):
        self.calls = []

    def request(self, method, path, client="anonymous", **kwargs):
        self.calls.append((method, path, client))
        if path == "/drop":
            raise requests.ConnectionError("connection reset")
        status = {"/boom": 500, "/llm/x": 503, "/auth-test": 200}.get(path, 200)
        return ApiResponse(method, path, client, status, {}, '{"detail": "x"}', 1.0)

    def forget(self, name):
        pass


def test_the_engine_counts_times_and_keeps_offences():
    clients = FakeClients()
    sweep = Sweep(clients, Accounts(clients, ("s@x", "pw-sweeper"), ("g@x", "pw-guard")), ("/llm/",))
    for path in ("/ok", "/boom", "/llm/x", "/drop"):
        sweep.send(Probe("op", "POST", path, b'{"password": "secret-pass"}', "application/json",
                         source="test", masked_fields=("password",)))
    summary = sweep.summary()
    assert summary["requests"] == 4 and summary["offending"] == 2
    assert summary["statuses"] == {"200": 1, "500": 1, "503": 1, "no answer": 1}
    record = sweep.offences[0].replay("http://t")
    assert record["status"] == 500 and "secret-pass" not in json.dumps(record)
    assert record["curl"].startswith("curl -sS -X POST http://t/boom -b")


def test_the_engine_stops_at_its_budget():
    clients = FakeClients()
    sweep = Sweep(clients, Accounts(clients, ("s", "p"), ("g", "p")), max_requests=2)
    for _ in range(5):
        sweep.send(Probe("op", "GET", "/ok"))
    assert sweep.summary()["requests"] == 2 and sweep.summary()["not_sent"] == 3
