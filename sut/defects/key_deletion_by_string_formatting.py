"""Deleting an API key builds its ``DELETE`` statement by string formatting the key id from the URL.

Models ``f"DELETE FROM api_keys WHERE id = '{key_id}' AND user_id = ?"``: the id ``' OR '1'='1`` turns the
condition into "no id, or (true and the caller's keys)" and deletes all of the caller's keys behind an
ordinary 204, and an id ending in ``--`` answers 500. Breaks policy B9 (injection strings are never
executed; tables and row counts are unchanged by them).
"""

PROCESS = "backend"
POLICY = "B9"
CAUGHT_BY = ["Injected Key Names Stay Verbatim And Injected Key Ids Delete Nothing"]
FAILS_WITH = r"deleting the API key with the id .*DROP TABLE.* answered 500"


def apply():
    from sut.backend import api_keys

    def delete_key(db, user_id, key_id):
        with db.transaction() as conn:
            return conn.execute(f"DELETE FROM api_keys WHERE id = '{key_id}' AND user_id = ?", (user_id,)).rowcount > 0

    api_keys.delete_key = delete_key
