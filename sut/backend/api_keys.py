"""API keys for ingestion: each belongs to the user who created it (policy B7)."""

import secrets
import string

from .sqlite_store import SqliteStore, utc_now_iso

ID_ALPHABET = string.ascii_letters + string.digits + "_-"
KEY_ALPHABET = string.digits + string.ascii_letters
ID_LENGTH = 21
KEY_LENGTH = 64

KEY_PREFIX_LENGTH = 6
# A key's value is shown once, when it is created (policy B21): listings carry only a short prefix of it.
# A seam: seeded defects replace it.
LISTED_COLUMNS = f"id, name, created_at, substr(key, 1, {KEY_PREFIX_LENGTH}) AS key_prefix"


def nanoid(alphabet: str, size: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(size))


def create_key(db: SqliteStore, user_id: int, name: str) -> dict:
    record = {
        "id": nanoid(ID_ALPHABET, ID_LENGTH),
        "key": nanoid(KEY_ALPHABET, KEY_LENGTH),
        "name": name,
        "created_at": utc_now_iso(),
    }
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO api_keys (id, key, name, created_at, user_id) VALUES (?, ?, ?, ?, ?)",
            (record["id"], record["key"], record["name"], record["created_at"], user_id),
        )
    return record


def list_keys(db: SqliteStore, user_id: int) -> list[dict]:
    """The user's keys, newest first: id, name, creation time and a short prefix, never the value (B21)."""
    with db.read() as conn:
        rows = conn.execute(
            f"SELECT {LISTED_COLUMNS} FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, rowid DESC", (user_id,)
        )
        return [dict(row) for row in rows]


def delete_key(db: SqliteStore, user_id: int, key_id: str) -> bool:
    """Delete one of the user's keys; False if the user has no key with that id."""
    with db.transaction() as conn:
        return conn.execute("DELETE FROM api_keys WHERE id = ? AND user_id = ?", (key_id, user_id)).rowcount > 0


def key_is_valid(db: SqliteStore, key: str) -> bool:
    if not key:
        return False
    with db.read() as conn:
        return conn.execute("SELECT EXISTS (SELECT 1 FROM api_keys WHERE key = ?)", (key,)).fetchone()[0] == 1
