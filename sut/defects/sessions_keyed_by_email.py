"""Session records are keyed by the user's email, so concurrent sign-ins share one record.

Models a session store whose key is derived from the account (``session:<email>`` in a cache, or an
upsert on ``user_id``): each sign-in overwrites the same record, so every device and tab of a user holds a
cookie for one shared session. Signing out on one device signs the user out everywhere, and concurrent
sign-ins hand out the very same session. Breaks policy B1 (sign-out revokes that session; the user's other
sessions stay valid) and plan 2.3 (each sign-in gets its own valid session).
"""

PROCESS = "backend"
POLICY = "B1"
CAUGHT_BY = ["Concurrent Sign-Ins Of One User Get Distinct Valid Sessions"]
FAILS_WITH = r"concurrent sign-ins must get distinct sessions: \d+ concurrent results gave \d+ distinct results"


def apply():
    import base64
    import hashlib
    import time

    from sut.backend import sessions

    def start_session(db, signer, user, lifetime_s):
        digest = hashlib.sha256(f"session:{user.email}".encode()).digest()
        session_id = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")  # 43 characters
        now = time.time()
        with db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO sessions (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                (session_id, user.id, now, now + lifetime_s),
            )
        return sessions.sign_cookie(signer, session_id, user)

    sessions.start_session = start_session
