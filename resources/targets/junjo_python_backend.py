"""Target profile: a running Junjo AI Studio of the Python-backend generation (contract Part A).

Start the deployment yourself (its docker compose), then run the suite with
``--variable TARGET:junjo_python_backend`` and these environment variables:

- ``JUNJO_HTTP_URL`` (default ``http://127.0.0.1:1323``), ``JUNJO_OTLP_ADDRESS`` (``127.0.0.1:50051``);
- ``JUNJO_ADMIN_EMAIL`` / ``JUNJO_ADMIN_PASSWORD``: an existing user, or the first user to create;
- ``JUNJO_SQLITE_PATH`` / ``JUNJO_DUCKDB_PATH``: the database files, if the suite may inspect them;
- ``JUNJO_DISPOSABLE=1`` only for a throwaway deployment: destructive tests run only then.
"""

import os

from robot.api.types import Secret

TARGET_PROFILE = {
    "name": "junjo_python_backend",
    "kind": "external",
    "http_url": os.environ.get("JUNJO_HTTP_URL", "http://127.0.0.1:1323"),
    "otlp_address": os.environ.get("JUNJO_OTLP_ADDRESS", "127.0.0.1:50051"),
    "sqlite_path": os.environ.get("JUNJO_SQLITE_PATH", ""),
    "duckdb_path": os.environ.get("JUNJO_DUCKDB_PATH", ""),
    "disposable": os.environ.get("JUNJO_DISPOSABLE") == "1",
    "capabilities": {
        "fresh_targets": False,
        "key_ownership": False,         # this generation has no per-user API keys
        "offset_paging": False,
        "ping": True,
        "signin_on_first_user": False,
        "configurable_provider_urls": False,  # provider URLs are fixed: the fake provider cannot stand in
        "junjo_telemetry_versions": [1],  # this generation reads the older junjo telemetry (junjo.id …) only
    },
    # What the deployment was started with. Never above the Part B ceilings (resources/policy_bounds.py):
    # a deployment that throttles later, or keeps deleted keys working longer (this generation caches valid
    # keys for an hour), fails the B5 / B8 test — a profile describes, it never relaxes.
    "limits": {
        "signin_max_failures": 20,
        "invalid_key_max_failures": 100,
        "invalid_key_window_s": 120,
        "key_revocation_s": 30,
    },
}

ADMIN_EMAIL = os.environ.get("JUNJO_ADMIN_EMAIL", "admin@example.com")
ADMIN_PASSWORD = Secret(os.environ.get("JUNJO_ADMIN_PASSWORD", ""))
