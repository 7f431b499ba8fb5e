"""Session expiry is never checked: a session stays valid forever.

Models a server that sets the cookie's Max-Age but never checks the age of the session it receives, so a
replayed old cookie (the browser would have dropped it, an attacker does not) keeps working indefinitely.
Breaks policy B2 (sessions expire after the configured lifetime).
"""

PROCESS = "backend"
POLICY = "B2"
CAUGHT_BY = ["An Expired Session Is Refused"]
FAILS_WITH = r"a session older than its [\d.]+ s lifetime must be refused.*→ 200"


def apply():
    from sut.backend import sessions

    def session_expired(created_at, lifetime_s, now):
        return False

    sessions.session_expired = session_expired
