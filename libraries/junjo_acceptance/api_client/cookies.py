"""Session-cookie manipulation for the auth-bypass tests: tampering kinds and a best-effort decoder.

The target's cookie is opaque to the suite (contract A3: signed, with a timestamp); tampering therefore
works on its text: segments separated by ``.``, the last one being the signature in the usual formats.
"""

import base64
import binascii
import secrets
import zlib

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _replace_char(text: str, index: int) -> str:
    """``text`` with the character at ``index`` replaced by a clearly different one of the same alphabet."""
    old = text[index]
    new = ALPHABET[(ALPHABET.find(old) + 17) % len(ALPHABET)] if old in ALPHABET else "A"
    return text[:index] + new + text[index + 1:]


def _segments(cookie: str) -> tuple[str, str]:
    """(everything before the signature, the signature); a cookie without dots is all signature."""
    head, dot, tail = cookie.rpartition(".")
    return (head + dot, tail)


def _alter_signature(cookie: str) -> str:
    head, tail = _segments(cookie)
    if len(tail) < 2:
        return cookie + "x"
    return head + _replace_char(tail, len(tail) // 2)


def _alter_payload(cookie: str) -> str:
    return _replace_char(cookie, min(2, len(cookie) - 1)) if cookie else "x"


def _forge_signature(cookie: str) -> str:
    head, tail = _segments(cookie)
    forged = base64.urlsafe_b64encode(secrets.token_bytes(max(len(tail) * 3 // 4, 16))).decode().rstrip("=")
    return head + forged[: max(len(tail), 8)]


TAMPERINGS = {
    "signature altered": _alter_signature,
    "payload altered": _alter_payload,
    "signature forged": _forge_signature,
    "signature removed": lambda c: _segments(c)[0].rstrip(".") or "x",
    "truncated": lambda c: c[: len(c) // 2],
    "extended": lambda c: c + "AAAA",
    "empty": lambda c: "",
    "garbage": lambda c: secrets.token_urlsafe(max(len(c) * 3 // 4, 8)),
}


def tamper(cookie: str, how: str) -> str:
    """The cookie changed in the way named by ``how`` (a key of :data:`TAMPERINGS`)."""
    try:
        change = TAMPERINGS[how.lower()]
    except KeyError:
        raise ValueError(f"unknown tampering {how!r}; known: {', '.join(TAMPERINGS)}") from None
    tampered = change(cookie)
    if tampered == cookie:
        raise AssertionError(f"tampering {how!r} left the cookie unchanged")
    return tampered


def decode_everything(cookie: str) -> str:
    """All text an attacker can read out of the cookie: raw text plus every segment base64-decoded
    (and zlib-inflated when compressed, as itsdangerous does for payloads starting with ``.``)."""
    found = [cookie]
    compressed = cookie.startswith(".")
    for segment in cookie.strip(".").split("."):
        try:
            raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        except (binascii.Error, ValueError):
            continue
        if compressed:
            try:
                raw = zlib.decompress(raw)
            except zlib.error:
                pass
            compressed = False
        found.append(raw.decode("latin-1"))
    return "\n".join(found)
