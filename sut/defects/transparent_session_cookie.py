"""The session cookie carries base64 JSON ``{email, session_id}``: signed, but readable by anyone.

Models the common "signed cookie session" (Flask/Starlette ``SessionMiddleware`` style) that puts user
data into the cookie itself: it cannot be forged, but decoding the base64 reveals the user's email and
session data to whoever sees the cookie. Breaks policy B3 (the session cookie is opaque).
"""

PROCESS = "backend"
POLICY = "B3"
CAUGHT_BY = ["The Session Cookie Is Opaque And Locked Down"]
FAILS_WITH = r"the session cookie .* is readable: decoding it reveals"


def apply():
    import base64
    import json

    from itsdangerous import BadSignature

    from sut.backend import sessions

    def sign_cookie(signer, session_id, user):
        payload = json.dumps({"email": user.email, "session_id": session_id}).encode("utf-8")
        return signer.sign(base64.urlsafe_b64encode(payload)).decode("ascii")

    def unsign_cookie(signer, value):
        try:
            payload = json.loads(base64.urlsafe_b64decode(signer.unsign(value)))
            return str(payload["session_id"])
        except (BadSignature, ValueError, KeyError, TypeError):
            return None

    sessions.sign_cookie = sign_cookie
    sessions.unsign_cookie = unsign_cookie
