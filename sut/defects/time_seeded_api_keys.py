"""API keys come from a random generator seeded with the current second, stored with INSERT OR REPLACE.

Models a nanoid helper built on ``random.Random(int(time.time()))`` (seeded "for reproducible ids" or
copied from a test) together with an upsert meant to make creation "never fail": every creation within the
same second gets the same id and key, each caller receives 201, and each insert silently replaces the
previous row. Under concurrent creation clients hold duplicate keys and most of the keys they were given
no longer exist. Breaks contract A6 (``api_keys`` id and key are unique; keys are 64 random characters).
"""

PROCESS = "backend"
POLICY = "A6"
CAUGHT_BY = ["Concurrent API Key Creations All Get Distinct Ids And Keys"]
FAILS_WITH = r"API-key ids must be unique: \d+ concurrent results gave \d+ distinct id"


def apply():
    import random
    import time

    from sut.backend import api_keys
    from sut.backend.sqlite_store import utc_now_iso

    def create_key(db, user_id, name):
        generator = random.Random(int(time.time()))
        record = {
            "id": "".join(generator.choice(api_keys.ID_ALPHABET) for _ in range(api_keys.ID_LENGTH)),
            "key": "".join(generator.choice(api_keys.KEY_ALPHABET) for _ in range(api_keys.KEY_LENGTH)),
            "name": name,
            "created_at": utc_now_iso(),
        }
        with db.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO api_keys (id, key, name, created_at, user_id) VALUES (?, ?, ?, ?, ?)",
                (record["id"], record["key"], record["name"], record["created_at"], user_id),
            )
        return record

    api_keys.create_key = create_key
