"""The ``api_keys`` table is created without a unique constraint on ``key``.

Models a schema migration that rebuilt the table (to add a column) and dropped the ``UNIQUE`` on ``key``,
or an ORM model that never declared it: nothing in the store then prevents two rows with the same key, so a
colliding generator or a replayed insert creates a key that two owners share, and whichever row a lookup
finds first wins. Breaks contract A6 (``api_keys(id PK, key UNIQUE, …)``).
"""

PROCESS = "backend"
POLICY = "A6"
CAUGHT_BY = ["The Store Itself Refuses Duplicate API Keys"]
FAILS_WITH = r"accepted a second row with an existing key"

UNIQUE_KEY = "key TEXT NOT NULL UNIQUE"


def apply():
    from sut.backend import sqlite_store

    initialise = sqlite_store.SqliteStore.initialise
    if not any(UNIQUE_KEY in statement for statement in sqlite_store.SCHEMA):
        raise RuntimeError(f"the api_keys schema no longer declares {UNIQUE_KEY!r}: update this defect")

    def initialise_without_unique_key(self):
        schema = sqlite_store.SCHEMA
        sqlite_store.SCHEMA = tuple(s.replace(UNIQUE_KEY, "key TEXT NOT NULL") for s in schema)
        try:
            initialise(self)
        finally:
            sqlite_store.SCHEMA = schema

    sqlite_store.SqliteStore.initialise = initialise_without_unique_key
