"""Sign-out clears the browser's cookie but keeps the session record on the server.

Models the frequent "logout = delete the cookie" implementation: the response tells the browser to forget
the cookie, yet the session stays valid, so a copied cookie (shared computer, stolen token, proxy log)
keeps working after the user signed out. Breaks policy B1 (sign-out revokes the session on the server).
"""

PROCESS = "backend"
POLICY = "B1"
CAUGHT_BY = ["Signing Out One Device Revokes Only That Session"]
FAILS_WITH = r"a signed-out session must be revoked on the server: .*→ 200"


def apply():
    from sut.backend import sessions

    def end_session(db, session_id):
        pass  # the cookie is deleted by the response; the record is (wrongly) kept

    sessions.end_session = end_session
