"""The session cookie's signature is not checked: only the session id part is used.

Models a server that splits its signed cookie and trusts the payload without verifying the HMAC (a
"decode instead of verify" bug, as with JWTs read through ``jwt.decode(..., verify=False)``). Anyone who
learns or guesses a session id, or alters a cookie, is accepted. Breaks contract A3 (a tampered or
malformed cookie makes the request anonymous).
"""

PROCESS = "backend"
POLICY = "A3"
CAUGHT_BY = ["A Tampered Session Cookie Is Refused"]
FAILS_WITH = r"a session cookie with its signature (altered|forged) must not authenticate"


def apply():
    from sut.backend import sessions

    def unsign_cookie(signer, value):
        session_id = value.split(".", 1)[0]
        return session_id or None

    sessions.unsign_cookie = unsign_cookie
