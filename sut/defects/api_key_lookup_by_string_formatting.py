"""``ValidateApiKey`` looks the key up with a query built by string formatting.

Models an API-key check written as ``f"SELECT ... FROM api_keys WHERE key = '{api_key}'"``: the key comes
from the client's gRPC metadata, so ``' OR '1'='1`` matches every stored key and is accepted as valid, and a
key with a stray quote breaks the query (ingestion then answers ``UNAVAILABLE``, not ``UNAUTHENTICATED``).
Breaks policy B9 (injection strings are never executed) and with it the API-key check itself.
"""

PROCESS = "backend"
POLICY = "B9"
CAUGHT_BY = [
    "Injection Strings As API Key Are Refused And Leave Keys Intact",
    "Ingestion Refuses Every Kind Of Invalid API Key",
]
FAILS_WITH = r"(answered|to) .*injection string.*(not |expected )UNAUTHENTICATED"


def apply():
    from sut.backend import api_keys

    def key_is_valid(db, key):
        if not key:
            return False
        with db.read() as conn:
            return conn.execute(f"SELECT EXISTS (SELECT 1 FROM api_keys WHERE key = '{key}')").fetchone()[0] == 1

    api_keys.key_is_valid = key_is_valid
