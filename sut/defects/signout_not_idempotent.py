"""Sign-out fails when the session record is already gone, so a doubled sign-out answers 500.

Models the ORM pattern "load the session, delete it, flush" that raises when the row was deleted by a
concurrent request (SQLAlchemy's ``StaleDataError``: "DELETE statement on table 'sessions' expected to delete
1 row(s); 0 were matched"): two tabs signing out at once, or a double click, give one request a 500. Breaks
contract A2 (``POST /sign-out`` answers 200) and plan 2.3 (sign-out is idempotent, or answers 401).
"""

PROCESS = "backend"
POLICY = "A2"
CAUGHT_BY = ["Two Concurrent Sign-Outs Of One Session Both Succeed And Revoke It"]
FAILS_WITH = r"a doubled sign-out must never fail: \d+ of 2 concurrent calls failed on the server side"


class StaleSessionError(Exception):
    """The session row to delete was not there any more."""


def apply():
    from sut.backend import sessions

    def end_session(db, session_id):
        with db.transaction() as conn:
            deleted = conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount
            if deleted != 1:
                raise StaleSessionError(f"DELETE on sessions expected to delete 1 row, {deleted} were matched")

    sessions.end_session = end_session
