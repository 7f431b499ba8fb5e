"""Sessions expire, but ten times later than the configured lifetime.

Models a unit slip in the expiry check (a lifetime kept in one unit and compared in another, or a
refresh that extends the session on every request): a stolen cookie keeps working ten times as long as
the target declares. Breaks policy B2 (a cookie older than the configured lifetime gets 401).
"""

PROCESS = "backend"
POLICY = "B2"
CAUGHT_BY = ["An Expired Session Is Refused"]
FAILS_WITH = r"older than its [\d.]+ s lifetime must be refused.*expected 401"


def apply():
    from sut.backend import sessions

    def session_expired(created_at, lifetime_s, now):
        return created_at + lifetime_s * 10 < now

    sessions.session_expired = session_expired
