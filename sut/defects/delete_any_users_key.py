"""Deleting an API key checks only that the key exists, not that it belongs to the caller.

Models the insecure direct object reference (OWASP API1:2023 "broken object level authorization"):
``DELETE FROM api_keys WHERE id = ?`` without the owner, so any signed-in user who learns a key id (from a
screenshot, a log, a shared dashboard) can revoke another user's key and stop their ingestion. Breaks
policy B7 (user A cannot delete user B's keys).
"""

PROCESS = "backend"
POLICY = "B7"
CAUGHT_BY = ["A User Can Neither See Nor Delete Another User's API Keys"]
FAILS_WITH = r"must not delete user B's API key: .*→ 2\d\d"


def apply():
    from sut.backend import api_keys

    def delete_key(db, user_id, key_id):
        with db.transaction() as conn:
            return conn.execute("DELETE FROM api_keys WHERE id = ?", (key_id,)).rowcount > 0

    api_keys.delete_key = delete_key
