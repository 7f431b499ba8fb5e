"""New users are inserted with a statement built by string formatting the email.

Models ``f"INSERT INTO users (email, ...) VALUES ('{email}', ...)"`` behind a validated ``EmailStr``: the
validator lets quotes and pipes through (they are legal in an address), so ``o'brien@example.com`` fails
with a 500 and ``x'||'y@example.com`` is stored as ``xy@example.com`` — the database executes part of the
address. Breaks policy B9 (injection strings are stored verbatim, never executed; no 5xx) and B10's
byte-for-byte rule for what users typed.
"""

PROCESS = "backend"
POLICY = "B9"
CAUGHT_BY = [
    "Injection-Shaped Emails Never Open A Session And Are Stored Verbatim",
    "Markup Characters In User Emails Come Back Byte For Byte",
]
FAILS_WITH = r"creating the user .*'.*: POST /users as admin → 500"


def apply():
    from sut.backend import sqlite_store, users

    def insert_user(conn, email, password_hash):
        now = sqlite_store.utc_now_iso()
        conn.execute(
            "INSERT INTO users (email, password_hash, is_active, created_at, updated_at)"
            f" VALUES ('{email}', '{password_hash}', 1, '{now}', '{now}')"
        )

    users.insert_user = insert_user
