"""The API-key listing's "prefix" column holds the whole key.

Models the product's own behaviour (``GET /api_keys`` returns every full key) in the form a developer who
meant to show a prefix writes it: the prefix is cut with the key's length instead of the prefix length, so
every listing, cached page and screenshot of the key list carries working keys. Breaks policy B21 (a key's
value is shown only in the answer that creates it).
"""

PROCESS = "backend"
POLICY = "B21"
CAUGHT_BY = ["An API Key's Value Is Shown Only In The Answer That Creates It"]
FAILS_WITH = r"the key listing \(GET /api_keys\) shows \d+ of the 64 characters of the API key"


def apply():
    from sut.backend import api_keys

    api_keys.LISTED_COLUMNS = f"id, name, created_at, substr(key, 1, {api_keys.KEY_LENGTH}) AS key_prefix"
