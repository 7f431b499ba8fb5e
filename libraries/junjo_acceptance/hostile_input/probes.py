"""The corpus probes of every operation: each slot (path parameter, query parameter, body field, whole
body) gets every hostile value of its kind while the rest of the request stays valid."""

import json
from collections.abc import Iterator

from . import corpus
from .operations import Operation
from .sweep import Probe

JSON = "application/json"


def _json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=True).encode("ascii")


def corpus_probes(operation: Operation) -> Iterator[Probe]:
    """Every corpus probe of ``operation``, slot by slot, in a fixed order."""
    signed_in = not operation.public

    def probe(path: str, source: str, body=None, content_type=None, masked=()) -> Probe:
        return Probe(operation.label, operation.method, path, body, content_type, signed_in, source, masked)

    def valid_body() -> tuple["bytes | None", "str | None", tuple]:
        body = operation.baseline_body()
        if body is None:
            return None, None, ()
        return _json_bytes(body), JSON, tuple(name for name in body if "password" in name.lower())

    for name in operation.path_params:
        for item in corpus.path_values():
            path = operation.baseline_path({name: item.value}) + operation.baseline_query()
            body, content_type, masked = valid_body()
            yield probe(path, f"path {name} = {item.category}: {item.label}", body, content_type, masked)
    for name in operation.query_params:
        for item in corpus.strings():
            path = operation.baseline_path() + operation.baseline_query({name: item.value})
            body, content_type, masked = valid_body()
            yield probe(path, f"query {name} = {item.category}: {item.label}", body, content_type, masked)
    if operation.body_schema is None:
        return
    path = operation.baseline_path() + operation.baseline_query()
    for name in operation.body_fields():
        for item in corpus.field_values(is_password="password" in name.lower()):
            body = dict(operation.baseline_body(), **{name: item.value})
            masked = tuple(other for other in body if "password" in other.lower() and other != name)
            yield probe(path, f"body {name} = {item.category}: {item.label}", _json_bytes(body), JSON, masked)
    valid = operation.baseline_body()
    masked = tuple(name for name in valid if "password" in name.lower()) if isinstance(valid, dict) else ()
    for item in corpus.bodies(valid):
        yield probe(path, f"body = {item.category}: {item.label}", item.content, item.content_type, masked)

