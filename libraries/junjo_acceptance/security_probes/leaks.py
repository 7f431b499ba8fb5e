"""Find password hashes and password fields in response bodies (contract A2: never a password or hash)."""

import json
import re

HASH_PATTERNS = {
    "bcrypt": re.compile(r"\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}"),
    "argon2": re.compile(r"\$argon2(?:id|i|d)\$[^\s\"']+"),
    "scrypt": re.compile(r"\$(?:scrypt|7)\$[^\s\"']+"),
    "pbkdf2": re.compile(r"pbkdf2[_:-]sha\d+[$:][^\s\"']+"),
    "sha-crypt": re.compile(r"\$[56]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}"),
}


def _password_keys(data, path: str = "") -> list[str]:
    if isinstance(data, dict):
        found = [f"{path}.{key}".lstrip(".") for key in data if "password" in str(key).lower()]
        for key, value in data.items():
            found += _password_keys(value, f"{path}.{key}")
        return found
    if isinstance(data, list):
        return [hit for index, item in enumerate(data) for hit in _password_keys(item, f"{path}[{index}]")]
    return []


def password_leaks(text: str) -> list[str]:
    """Descriptions (never the secret itself) of every password hash in ``text`` and of every JSON field
    whose name contains ``password``."""
    found = [f"a {kind} hash at offset {match.start()} ({len(match.group())} chars)"
             for kind, pattern in HASH_PATTERNS.items() for match in pattern.finditer(text)]
    try:
        found += [f"a field {key!r}" for key in _password_keys(json.loads(text))]
    except ValueError:
        pass
    return found


# B21 allows "at most a short prefix" of a key's value outside the answer that creates it.
KEY_PREFIX_ALLOWED = 8


def key_exposure(text: str, key: str, allowed: int = KEY_PREFIX_ALLOWED) -> "tuple[int, int] | None":
    """The longest run of ``key`` (any part of it, not only its start) found in ``text`` if longer than
    ``allowed`` characters, as ``(length, offset in text)``; ``None`` if no such run is there."""
    best = None
    for start in range(len(key) - allowed):
        length = allowed + 1
        offset = text.find(key[start:start + length])
        if offset < 0:
            continue
        while start + length < len(key) and text.find(key[start:start + length + 1]) >= 0:
            length += 1
        if best is None or length > best[0]:
            best = (length, text.find(key[start:start + length]))
    return best
