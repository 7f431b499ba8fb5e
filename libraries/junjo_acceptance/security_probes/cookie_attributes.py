"""Read a ``Set-Cookie`` header without ever exposing the cookie's value, and judge what it reveals."""

import re

from junjo_acceptance.api_client.cookies import decode_everything

# Named session data: long field names anywhere, short ones only as quoted JSON keys (random bytes of a
# signature never spell these by chance).
_SESSION_DATA = re.compile(
    r"""(e-?mail|user_?(?:id|name)|session_?id|is_admin)["']?\s*[:=]"""
    r'|"(id|uid|sub|role|exp|iat)"\s*:',
    re.IGNORECASE,
)


def parse_set_cookie(header: str) -> tuple[str, dict]:
    """``(name, attributes)`` of one ``Set-Cookie`` header; attribute names lower-cased, flags ``True``.
    The cookie's value is left out on purpose."""
    first, *rest = [part.strip() for part in header.split(";")]
    name = first.split("=", 1)[0].strip()
    attributes = {}
    for part in rest:
        if not part:
            continue
        key, has_value, value = part.partition("=")
        attributes[key.strip().lower()] = value.strip() if has_value else True
    return name, attributes


def cookie_value(header: str) -> str:
    """The value of a ``Set-Cookie`` header (for the opacity check only; never log it)."""
    return header.split(";", 1)[0].split("=", 1)[1].strip().strip('"')


def revelations(cookie: str, facts: dict, user_id=None) -> list[str]:
    """What an attacker can read from ``cookie``: which of ``facts`` (``{"email": "a@b"}``) appear in
    its raw or decoded text (case-insensitive), the ``user_id`` as a JSON value, and named session fields."""
    readable = decode_everything(cookie)
    lowered = readable.lower()
    found = [f"the {name}" for name, fact in facts.items() if fact and str(fact).lower() in lowered]
    if user_id is not None and re.search(rf'"[^"]{{1,30}}"\s*:\s*"?{re.escape(str(user_id))}\b', readable):
        found.append("the user id")
    field = _SESSION_DATA.search(readable)
    if field:
        found.append(f"a session field named {(field.group(1) or field.group(2))!r}")
    return found
