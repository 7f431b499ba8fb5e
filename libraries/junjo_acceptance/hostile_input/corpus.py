"""The hostile-input corpus: values no endpoint may answer with a 5xx (policy B9).

Every value has a *category* and a short, loggable *label*, so an offending request can be named and
replayed. Strings go into path parameters, query parameters and body fields; the other JSON values only
into body fields (a path or query string is always text); *bodies* replace a whole request body.
The corpus is fixed (no randomness), so every run sends the same requests.
"""

import json
from dataclasses import dataclass
from typing import Any

MIB = 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    """One hostile value: ``category`` (injection, markup, …), a short ``label`` and the ``value`` itself."""

    category: str
    label: str
    value: Any


@dataclass(frozen=True)
class HostileBody:
    """A whole request body: raw ``content`` bytes sent with ``content_type``; ``label`` names it."""

    category: str
    label: str
    content: bytes
    content_type: str = "application/json"


SQL_INJECTION = (
    "'; DROP TABLE api_keys; --",
    "'; DROP TABLE spans; --",
    "' OR '1'='1",
    "' OR 1=1--",
    "admin'--",
    "\" OR \"\"=\"",
    "aaa' UNION SELECT * FROM users--",
    "1; SELECT * FROM users",
    "' AND 1=CAST((SELECT sqlite_version()) AS INT)--",
    "1' ORDER BY 99--",
    "\\'; SELECT 1; --",
    "%27%20OR%201%3D1",
)

MARKUP = (
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "\"><svg onload=alert(1)>",
    "javascript:alert(1)",
    "<!--",
    "]]><![CDATA[",
    "{{7*7}}${7*7}<%= 7*7 %>",
)

OTHER_INJECTION = (
    "../../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "; cat /etc/passwd",
    "$(sleep 5)",
    "${jndi:ldap://127.0.0.1:1/x}",
    "%s%s%s%n%x",
    "{0}{1}{__class__}",
    "a\r\nSet-Cookie: injected=1",
    "{\"$ne\": null}",
)

UNICODE = (
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\ufeffbom",
    "\u202egnp.exe",
    "zero\u200bwidth",
    "e\u0301\u0301\u0301",
    "😀👩‍👩‍👧‍👦🏳️‍🌈",
    "\U0010ffff",
    "\ufffd\ufffe",
    "ＡＤＭＩＮ",
    "İıſK",
    "lone \ud800 surrogate",
    "\t\n\r\x0b\x0c",
)

LONG = (
    ("10 KiB", "a" * 10 * 1024),
    ("64 KiB", "é" * 32 * 1024),
)

LONG_BODY_ONLY = (("1 MiB", "x" * MIB),)

WRONG_TYPES = (
    ("null", None),
    ("true", True),
    ("0", 0),
    ("-1", -1),
    ("2^63", 2**63),
    ("-2^63-1", -(2**63) - 1),
    ("2^64", 2**64),
    ("1.5", 1.5),
    ("1e308", 1e308),
    ("empty list", []),
    ("list", ["x"]),
    ("empty object", {}),
    ("object", {"$gt": ""}),
    ("nested 64 deep", json.loads("[" * 64 + "]" * 64)),
)

NUMBERS_AS_TEXT = ("-1", "0", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
                   "99999999999999999999999", "1e400", "NaN", "Infinity", "0x10", "1.5", "true", "null")

PASSWORDS = (
    ("73 ASCII bytes", "p" * 73),
    ("72 bytes, 24 characters", "€" * 24),
    ("75 bytes, 25 characters", "€" * 25),
    ("76 bytes of emoji", "😀" * 19),
    ("1 KiB", "p" * 1024),
    ("1 MiB", "p" * MIB),
    ("NUL inside", "pass\u0000word-long-enough"),
    ("7 characters", "short12"),
)


def _short(value: str, width: int = 40) -> str:
    shown = json.dumps(value, ensure_ascii=True)[1:-1]
    return shown if len(shown) <= width else f"{shown[:width]}…"


def strings() -> list[Hostile]:
    """Every hostile string (for path parameters, query parameters and text body fields)."""
    found = [Hostile("sql injection", _short(v), v) for v in SQL_INJECTION]
    found += [Hostile("markup", _short(v), v) for v in MARKUP]
    found += [Hostile("other injection", _short(v), v) for v in OTHER_INJECTION]
    found += [Hostile("unicode", _short(v) or "empty string", v) for v in UNICODE]
    found += [Hostile("long", label, v) for label, v in LONG]
    found += [Hostile("number as text", v, v) for v in NUMBERS_AS_TEXT]
    return found


def path_values() -> list[Hostile]:
    """Values for path parameters: the hostile strings without the empty one (it changes the route)."""
    return [item for item in strings() if item.value.strip("\t\n\r\x0b\x0c ")]


def field_values(is_password: bool = False) -> list[Hostile]:
    """Values for one JSON body field: strings, very long strings, wrong JSON types, and for a password
    field the over-long and oddly encoded passwords."""
    found = strings() + [Hostile("long", label, v) for label, v in LONG_BODY_ONLY]
    found += [Hostile("wrong type", label, v) for label, v in WRONG_TYPES]
    if is_password:
        found += [Hostile("password", label, v) for label, v in PASSWORDS]
    return found


def bodies(valid) -> list[HostileBody]:
    """Whole hostile bodies for an operation whose valid body is ``valid``: malformed JSON, wrong content
    types, wrong top-level types, deep nesting, a 16 MiB body."""
    valid = valid if isinstance(valid, dict) else {"value": valid}
    text = json.dumps(valid)
    malformed = {
        "empty": b"",
        "truncated": text[:-1].encode(),
        "trailing comma": (text[:-1] + ",}").encode(),
        "single quotes": text.replace('"', "'").encode(),
        "bare word": b"nul",
        "NaN literal": b'{"x": NaN}',
        "invalid UTF-8": b'{"x": "\xff\xfe\xc0\xaf"}',
        "UTF-8 BOM": b"\xef\xbb\xbf" + text.encode(),
        "UTF-16": text.encode("utf-16"),
        "duplicate keys": (text[:-1] + ", " + text[1:]).encode() if len(valid) else b"{}",
        "nested 100000 deep": b"[" * 100_000 + b"]" * 100_000,
        "top-level list": json.dumps([valid]).encode(),
        "top-level string": b'"x"',
        "top-level null": b"null",
        "16 MiB padding field": json.dumps(dict(valid, padding="x" * 16 * MIB)).encode(),
    }
    found = [HostileBody("malformed JSON", label, content) for label, content in malformed.items()]
    found += [
        HostileBody("content type", "JSON sent as text/plain", text.encode(), "text/plain"),
        HostileBody("content type", "form-encoded", b"email=a&password=b", "application/x-www-form-urlencoded"),
        HostileBody("content type", "multipart without boundary", text.encode(), "multipart/form-data"),
        HostileBody("content type", "XML", b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY e SYSTEM "
                    b"'file:///etc/passwd'>]><x>&e;</x>", "application/xml"),
    ]
    return found


# Emails for sign-in and user creation (plan 1.1): the plan's strings are no valid address (422); the
# address-shaped ones are valid (quotes, pipes and equals signs are legal before the @) and must be stored
# and returned verbatim.
EMAIL_INJECTION = (
    "admin'--",
    "' OR '1'='1",
    "\" OR \"\"=\"",
    "admin@acceptance.example' --",
)
EMAIL_SHAPED_INJECTION = (
    "admin'--@acceptance.example",
    "'OR'1'='1'--@acceptance.example",
    "o'brien@acceptance.example",
    "x'||'y@acceptance.example",
    "a'/**/OR/**/'1'='1@acceptance.example",
)
# Characters that mean something in HTML and are legal in an email address (plan 1.2: user fields).
EMAIL_MARKUP = (
    "o'reilly&sons@acceptance.example",
    "{{7*7}}=`x`/y@acceptance.example",
    "amp&lt=gt&quot@acceptance.example",
)
EMAIL_SCRIPT = ("<script>alert(1)</script>@acceptance.example", "\"<img src=x onerror=alert(1)>\"@acceptance.example")

NAMED = {
    "sql injection": SQL_INJECTION,
    "markup": MARKUP,
    "email injection": EMAIL_INJECTION,
    "email-shaped injection": EMAIL_SHAPED_INJECTION,
    "email markup": EMAIL_MARKUP,
    "email script": EMAIL_SCRIPT,
}


def named(category: str) -> list[str]:
    """The strings of one named list (a key of :data:`NAMED`)."""
    try:
        return list(NAMED[category.lower()])
    except KeyError:
        raise ValueError(f"no hostile strings called {category!r}; known: {', '.join(NAMED)}") from None
