"""First-user creation is check-then-act: count users, hash the password, then insert, with no transaction.

Models the classic time-of-check/time-of-use race of setup endpoints: every concurrent request sees "no
users yet" while the others are still hashing their passwords, so several "first" accounts are created
(an attacker racing the legitimate admin during setup wins an account). Breaks policy B4 (exactly one
first user). The window is the password hash between check and insert: the wider the bcrypt cost, the
more callers slip through.
"""

PROCESS = "backend"
POLICY = "B4"
CAUGHT_BY = ["Concurrent First-User Creation Admits Exactly One User"]
FAILS_WITH = r"\d+ concurrent create-first-user calls gave ([02-9]|\d\d+) × 200"


def apply():
    import sqlite3

    from sut.backend import users

    def create_first_user(db, email, password, rounds):
        with db.read() as conn:
            if conn.execute("SELECT count(*) FROM users").fetchone()[0] > 0:
                return False
        password_hash = users.hash_password(password, rounds)
        try:
            with db.transaction() as conn:
                users.insert_user(conn, email, password_hash)
        except sqlite3.IntegrityError:
            return False
        return True

    users.create_first_user = create_first_user
