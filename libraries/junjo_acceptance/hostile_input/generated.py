"""Property-based probes: schemathesis draws requests from the OpenAPI document with Hypothesis.

Positive cases fit the schema (odd but valid strings, boundary numbers, extra properties); negative cases
break it (wrong types, missing fields, values out of range, bodies of another shape). Generation is
separate from sending and seeded, so the same document and seed always give the same probes, whatever
the server answers.
"""

import warnings
from urllib.parse import urlsplit

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis.errors import HypothesisException
from schemathesis import GenerationMode

from .sweep import Probe

PLACEHOLDER_BASE = "http://sweep.invalid"
# Headers schemathesis adds for its own bookkeeping; they are no input of the API.
_OWN_HEADERS = frozenset({"user-agent", "accept-encoding", "accept", "connection", "x-schemathesis-testcaseid",
                          "content-length"})


def _probe(case, label: str, public: bool, mode: str, index: int, seed_value: int) -> Probe:
    kwargs = case.as_transport_kwargs(base_url=PLACEHOLDER_BASE)
    prepared = requests.Request(kwargs["method"], kwargs["url"], headers=kwargs.get("headers"),
                                params=kwargs.get("params"), data=kwargs.get("data"), json=kwargs.get("json"),
                                cookies=kwargs.get("cookies")).prepare()
    parts = urlsplit(prepared.url)
    body = prepared.body.encode("utf-8") if isinstance(prepared.body, str) else prepared.body
    content_type = prepared.headers.get("Content-Type") if body is not None else None
    extra = sorted(name for name in prepared.headers if name.lower() not in _OWN_HEADERS | {"content-type"})
    source = f"schemathesis {mode} example {index} (seed {seed_value})"
    if extra:
        source += f", headers {', '.join(extra)} not sent"
    return Probe(label, prepared.method, parts.path + (f"?{parts.query}" if parts.query else ""), body,
                 content_type, not public, source)


def generated_probes(document: dict, public_paths: list[str], examples: int, seed_value: int) -> list[Probe]:
    """Up to ``examples`` positive and ``examples`` negative probes per operation, reproducible by
    ``seed_value``. A mode that cannot produce a case for an operation (negative cases of an operation
    without inputs) is left out."""
    schema = schemathesis.openapi.from_dict(document)
    probes: list[Probe] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        public = operation.path in public_paths
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            drawn = _draw(operation.as_strategy(generation_mode=mode), examples, seed_value)
            probes += [_probe(case, operation.label, public, mode.value, i, seed_value)
                       for i, case in enumerate(drawn, 1)]
    return probes


def _draw(strategy, examples: int, seed_value: int) -> list:
    """Up to ``examples`` cases of ``strategy``, always the same for the same seed; none when the strategy
    cannot produce any (negative cases of an operation without inputs are Unsatisfiable)."""
    drawn = []

    @seed(seed_value)
    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def draw(case):
        drawn.append(case)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            draw()
    except HypothesisException:
        return []
    return drawn
