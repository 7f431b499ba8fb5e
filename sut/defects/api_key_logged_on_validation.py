"""The backend logs every API key it is asked to validate.

Models a debugging line left in the key check (``log.info("validating key %s", api_key)``): whoever reads
the logs — a log shipper, a support engineer, a shared dashboard — collects every working key. Breaks
policy B21 (a key's value never appears in a log).
"""

PROCESS = "backend"
POLICY = "B21"
CAUGHT_BY = ["An API Key's Value Is Shown Only In The Answer That Creates It"]
FAILS_WITH = r"the (backend|ingestion) log shows \d+ of the 64 characters of the API key"


def apply():
    import logging

    from sut.backend import api_keys

    key_is_valid = api_keys.key_is_valid
    log = logging.getLogger("sut.backend.auth")

    def logged(db, key):
        valid = key_is_valid(db, key)
        log.warning("API key check: %s -> %s", key, "valid" if valid else "invalid")
        return valid

    api_keys.key_is_valid = logged
