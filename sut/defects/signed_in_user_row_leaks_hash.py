"""``GET /auth-test`` answers with the whole ``users`` row of the signed-in user, password hash included.

Models an endpoint that returns ``dict(SELECT * FROM users WHERE id = ?)`` instead of an explicit list of
fields (or an ORM object serialised without a response model): the bcrypt hash travels to the browser,
its caches and every proxy log, where it can be cracked offline. Breaks contract A2 (responses never
carry a password or its hash).
"""

PROCESS = "backend"
POLICY = "A2"
CAUGHT_BY = ["Password Hashes Never Appear In Any Response"]
FAILS_WITH = r"reveals a bcrypt hash .*field 'password_hash'"


def apply():
    from sut.backend import users

    def signed_in_profile(db, user):
        with db.read() as conn:
            row = conn.execute("SELECT * FROM users WHERE id = ?", (user.id,)).fetchone()
        return dict(row) | {"user_email": user.email}

    users.signed_in_profile = signed_in_profile
