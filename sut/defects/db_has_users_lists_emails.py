"""``GET /users/db-has-users`` answers with the users' emails instead of a yes/no.

Models a "helpful" change to the public first-run check: ``has_users`` returns the rows it found instead of
a boolean, so the JSON still reads as true to the front end — and every visitor learns the accounts' email
addresses without signing in. Breaks policy B6 (a public endpoint returns no user, key or span data).
"""

PROCESS = "backend"
POLICY = "B6"
CAUGHT_BY = ["Public Endpoints Reveal No Private Data"]
FAILS_WITH = r"reveals a user.s email to an anonymous client"


def apply():
    from sut.backend import users

    def has_users(db):
        with db.read() as conn:
            return [row[0] for row in conn.execute("SELECT email FROM users").fetchall()]

    users.has_users = has_users
