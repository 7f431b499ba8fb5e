"""Keeps secrets (passwords, API keys, session cookies) out of the Robot log.

Robot Framework 7.4+ has a ``Secret`` type whose string form is ``<secret>``: keywords return API keys and
cookies wrapped in it, and accept either a plain string or a ``Secret``. Whatever the libraries log goes
through :func:`mask` / :func:`mask_json` first.
"""

from typing import Any

from robot.api.types import Secret

SECRET_FIELDS = frozenset({"key", "api_key", "password", "password_hash", "session", "cookie", "set-cookie"})


def reveal(value: "str | Secret | None") -> "str | None":
    """The plain value of a ``Secret`` (or the value itself)."""
    return value.value if isinstance(value, Secret) else value


def mask(value: "str | Secret | None") -> str:
    """A loggable stand-in for a secret: its first 4 characters and its length."""
    plain = reveal(value)
    if plain is None:
        return "<none>"
    plain = str(plain)
    return f"{plain[:4]}…({len(plain)} chars)" if len(plain) > 8 else f"<{len(plain)} chars>"


def mask_json(data: Any) -> Any:
    """A copy of a JSON value with every secret-named field masked, at any depth.

    A validation error about a secret field (``{"loc": ["body", "password"], "input": ...}``, as FastAPI
    answers 422) has its echoed ``input`` masked too.
    """
    if isinstance(data, dict):
        echoes_secret = _locates_secret(data.get("loc"))
        return {k: mask(v) if (str(k).lower() in SECRET_FIELDS or (echoes_secret and k == "input")) and v is not None
                else mask_json(v) for k, v in data.items()}
    if isinstance(data, list):
        return [mask_json(item) for item in data]
    if isinstance(data, Secret):
        return mask(data)
    return data


def _locates_secret(location: Any) -> bool:
    return isinstance(location, list) and bool(location) and str(location[-1]).lower() in SECRET_FIELDS


def mask_headers(headers: dict) -> dict:
    """Header copy with cookie-carrying headers masked."""
    return {k: mask(v) if k.lower() in SECRET_FIELDS else v for k, v in headers.items()}
