"""User accounts: bcrypt passwords and the ``users`` table.

Passwords are hashed *before* any database lock is taken, so a slow hash never holds the write lock.
"""

import secrets
import sqlite3
from dataclasses import dataclass

import bcrypt

from .sqlite_store import SqliteStore, utc_now_iso

BCRYPT_MAX_BYTES = 72


@dataclass(frozen=True)
class User:
    id: int
    email: str
    is_active: bool
    created_at: str
    updated_at: str

    def public(self) -> dict:
        """The fields the API shows (never the password hash)."""
        return {
            "id": self.id,
            "email": self.email,
            "is_active": self.is_active,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


_USER_COLUMNS = "id, email, is_active, created_at, updated_at"


def _user(row: sqlite3.Row) -> User:
    return User(row["id"], row["email"], bool(row["is_active"]), row["created_at"], row["updated_at"])


def password_too_long(password: str) -> bool:
    """bcrypt takes at most 72 bytes (bcrypt 5 raises past that): longer passwords are refused with a 422."""
    return len(password.encode("utf-8")) > BCRYPT_MAX_BYTES


def hash_password(password: str, rounds: int) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    encoded = password.encode("utf-8")
    if len(encoded) > BCRYPT_MAX_BYTES:
        return False  # no stored password can be that long
    try:
        return bcrypt.checkpw(encoded, password_hash.encode("ascii"))
    except ValueError:
        return False


_dummy_hashes: dict[int, str] = {}


def _dummy_hash(rounds: int) -> str:
    """A hash to check against when the account does not exist, so timing does not reveal that."""
    if rounds not in _dummy_hashes:
        _dummy_hashes[rounds] = hash_password(secrets.token_urlsafe(16), rounds)
    return _dummy_hashes[rounds]


def has_users(db: SqliteStore) -> bool:
    with db.read() as conn:
        return conn.execute("SELECT EXISTS (SELECT 1 FROM users)").fetchone()[0] == 1


def insert_user(conn: sqlite3.Connection, email: str, password_hash: str) -> None:
    now = utc_now_iso()
    conn.execute(
        "INSERT INTO users (email, password_hash, is_active, created_at, updated_at) VALUES (?, ?, 1, ?, ?)",
        (email, password_hash, now, now),
    )


def create_first_user(db: SqliteStore, email: str, password: str, rounds: int) -> bool:
    """Create the first account; False if any account exists. Race-free: count and insert in one
    ``BEGIN IMMEDIATE`` transaction (policy B4)."""
    password_hash = hash_password(password, rounds)
    with db.transaction() as conn:
        if conn.execute("SELECT count(*) FROM users").fetchone()[0] > 0:
            return False
        insert_user(conn, email, password_hash)
    return True


def create_user(db: SqliteStore, email: str, password: str, rounds: int) -> bool:
    """Create an account; False if the email is taken."""
    password_hash = hash_password(password, rounds)
    try:
        with db.transaction() as conn:
            insert_user(conn, email, password_hash)
    except sqlite3.IntegrityError:
        return False
    return True


def list_users(db: SqliteStore) -> list[User]:
    with db.read() as conn:
        return [_user(row) for row in conn.execute(f"SELECT {_USER_COLUMNS} FROM users ORDER BY id")]


def get_user(db: SqliteStore, user_id: int) -> User | None:
    with db.read() as conn:
        row = conn.execute(f"SELECT {_USER_COLUMNS} FROM users WHERE id = ?", (user_id,)).fetchone()
    return _user(row) if row else None


def delete_user(db: SqliteStore, user_id: int) -> bool:
    """Delete the account, its sessions and its API keys (a removed user's keys must stop working, and
    nobody else could see or delete them); False if there is no such account."""
    with db.transaction() as conn:
        deleted = conn.execute("DELETE FROM users WHERE id = ?", (user_id,)).rowcount
        conn.execute("DELETE FROM sessions WHERE user_id = ?", (user_id,))
        conn.execute("DELETE FROM api_keys WHERE user_id = ?", (user_id,))
    return deleted > 0


def signed_in_profile(db: SqliteStore, user: User) -> dict:
    """What ``GET /auth-test`` tells the signed-in user about themselves (an explicit field list)."""
    return {"user_email": user.email}


def authenticate(db: SqliteStore, email: str, password: str, rounds: int) -> User | None:
    """The active account with this email and password, else None (always spends one bcrypt check)."""
    with db.read() as conn:
        row = conn.execute(
            f"SELECT {_USER_COLUMNS}, password_hash FROM users WHERE email = ?", (email,)
        ).fetchone()
    if row is None:
        verify_password(password, _dummy_hash(rounds))
        return None
    if not verify_password(password, row["password_hash"]) or not row["is_active"]:
        return None
    return _user(row)
