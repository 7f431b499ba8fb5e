"""Listing API keys reads the ids first, then each row separately, outside one transaction.

Models the N+1 query of a lazily loading ORM (or a repository that fetches ``SELECT id`` and then ``get(id)``
per key) with no snapshot around it: a key deleted between the two reads comes back as ``None``, the
serializer fails on it, and the listing answers 500 while keys are being deleted. Breaks contract A2
(``GET /api_keys`` answers 200 with the list; the plan demands "no crash" when keys are deleted while read).
"""

PROCESS = "backend"
POLICY = "A2"
CAUGHT_BY = ["Deleting API Keys While They Are Read And Used Never Fails"]
FAILS_WITH = r"listing API keys while they are deleted must answer 200: \d+ of \d+ concurrent calls failed"


def apply():
    from sut.backend import api_keys

    def list_keys(db, user_id):
        with db.read() as conn:
            ids = [row[0] for row in conn.execute(
                "SELECT id FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, rowid DESC", (user_id,))]
        keys = []
        for key_id in ids:
            with db.read() as conn:
                row = conn.execute("SELECT id, key, name, created_at FROM api_keys WHERE id = ?", (key_id,)).fetchone()
            keys.append(dict(row))  # TypeError when the key was deleted in between
        return keys

    api_keys.list_keys = list_keys
