"""Operations of an OpenAPI document as the sweep needs them: each input *slot* with a valid baseline.

A slot is one place a hostile value can go: a path parameter, a query parameter, one field of the JSON
body, or the whole body. Every other input of the request keeps a valid baseline value, so the hostile
value reaches the code behind validation instead of being stopped by a sibling field.
"""

import itertools
import json
import secrets
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from junjo_acceptance.api_client.openapi import HTTP_METHODS, PARAMETER

# Baselines for path parameters the contract names (A2); other parameters get one by their type.
KNOWN_PATH_VALUES = {"provider": "openai", "service": "sweep-service", "service_name": "sweep-service",
                     "trace_id": "0" * 32, "span_id": "0" * 16}
_unique = itertools.count(1)
_RUN = secrets.token_hex(3)  # baselines differ between runs, so a sweep can run twice against one target


@dataclass
class Operation:
    """One operation: ``method``, path ``template``, its parameters and body schema (``$ref`` resolved)."""

    method: str
    template: str
    public: bool
    path_params: dict[str, dict] = field(default_factory=dict)
    query_params: dict[str, dict] = field(default_factory=dict)
    required_query: tuple[str, ...] = ()
    body_schema: "dict | None" = None

    @property
    def label(self) -> str:
        return f"{self.method} {self.template}"

    def body_fields(self) -> list[str]:
        """Names of the body's top-level properties."""
        return list((self.body_schema or {}).get("properties", {}))

    def baseline_path(self, overrides: "dict | None" = None) -> str:
        """The path with every parameter filled in (``overrides`` first), each value percent-encoded."""
        values = {name: baseline_text(name, schema) for name, schema in self.path_params.items()}
        values.update(overrides or {})
        return PARAMETER.sub(lambda m: encode_path_value(values[m.group(1)]), self.template)

    def baseline_query(self, overrides: "dict | None" = None) -> str:
        """``?name=value`` for the required query parameters (and ``overrides``), or an empty string."""
        values = {name: baseline_text(name, self.query_params[name]) for name in self.required_query}
        values.update(overrides or {})
        return encode_query(values)

    def baseline_body(self) -> "dict | None":
        """A valid body (fresh unique values, e.g. a new email, on every call), or ``None`` without a body."""
        return baseline_value("body", self.body_schema) if self.body_schema is not None else None


def encode_path_value(value: str) -> str:
    """``value`` percent-encoded for a path segment (a lone surrogate is sent as its raw UTF-8 bytes)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def encode_query(values: dict) -> str:
    if not values:
        return ""
    return "?" + urlencode({name: str(value).encode("utf-8", "surrogatepass") for name, value in values.items()})


def operations(document: dict, public_paths: list[str]) -> list[Operation]:
    """Every operation of the OpenAPI ``document``; ``public`` when its path is in ``public_paths``."""
    components = document.get("components", {}).get("schemas", {})
    found = []
    for template, item in sorted(document.get("paths", {}).items()):
        for method in HTTP_METHODS:
            if method not in item:
                continue
            spec = item[method]
            parameters = spec.get("parameters", []) + item.get("parameters", [])
            by_place = {place: {p["name"]: resolve(p.get("schema", {}), components) for p in parameters
                                if p.get("in") == place} for place in ("path", "query")}
            body = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            found.append(Operation(
                method.upper(), template, template in public_paths, by_place["path"], by_place["query"],
                tuple(p["name"] for p in parameters if p.get("in") == "query" and p.get("required")),
                resolve(body, components) if body is not None else None))
    return found


def resolve(schema: dict, components: dict, depth: int = 0) -> dict:
    """``schema`` with ``$ref`` (``#/components/schemas/X``) replaced by the component, recursively."""
    if depth > 20 or not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return resolve(components.get(schema["$ref"].rsplit("/", 1)[-1], {}), components, depth + 1)
    resolved = {}
    for key, value in schema.items():
        if key == "properties":
            resolved[key] = {name: resolve(sub, components, depth + 1) for name, sub in value.items()}
        elif key in ("items", "additionalProperties"):
            resolved[key] = resolve(value, components, depth + 1)
        elif key in ("anyOf", "oneOf", "allOf"):
            resolved[key] = [resolve(sub, components, depth + 1) for sub in value]
        else:
            resolved[key] = value
    return resolved


def _first_option(schema: dict) -> dict:
    for key in ("anyOf", "oneOf", "allOf"):
        options = [option for option in schema.get(key, []) if option.get("type") != "null"]
        if options:
            return options[0]
    return schema


def baseline_text(name: str, schema: dict) -> str:
    """A valid value for a path or query parameter, as text."""
    if name in KNOWN_PATH_VALUES:
        return KNOWN_PATH_VALUES[name]
    value = baseline_value(name, schema)
    return json.dumps(value) if isinstance(value, bool) else str(value)


def baseline_value(name: str, schema: "dict | None"):
    """A valid JSON value for ``schema``; strings are unique per call, emails too, passwords long enough."""
    schema = _first_option(schema or {})
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type", "string")
    if kind == "object":
        return {key: baseline_value(key, sub) for key, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [baseline_value(name, schema.get("items", {})) for _ in range(schema.get("minItems", 0))]
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), schema.get("exclusiveMinimum", 0) + 1)
    number = next(_unique)
    if schema.get("format") == "email" or "email" in name.lower():
        return f"sweep-{_RUN}-{number}@sweep.example"
    text = f"sweep-password-{number:08d}" if "password" in name.lower() else f"sweep-{_RUN}-{number}"
    return text.ljust(schema.get("minLength", 0), "x")[: schema.get("maxLength", len(text) + 64)]
