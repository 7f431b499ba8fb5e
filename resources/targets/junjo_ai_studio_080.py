"""Target profile: a running Junjo AI Studio 0.80 or later (contract A8).

This generation stores spans in Parquet files behind a SQLite metadata index, with a Rust ingestion
service; ``/ping`` is gone, ``create-first-user`` also signs the user in, and ``POST /api/admin/flush-wal``
moves pending spans to storage. Start the deployment (its docker compose), then run the suite with
``--variable TARGET:junjo_ai_studio_080`` and the environment variables of ``junjo_python_backend.py``,
except that ``JUNJO_PARQUET_DIR`` names the folder of span Parquet files (read through DuckDB) instead of
``JUNJO_DUCKDB_PATH``.
"""

import os

from robot.api.types import Secret

PARQUET_DIR = os.environ.get("JUNJO_PARQUET_DIR", "")

TARGET_PROFILE = {
    "name": "junjo_ai_studio_080",
    "kind": "external",
    "http_url": os.environ.get("JUNJO_HTTP_URL", "http://127.0.0.1:1323"),
    "otlp_address": os.environ.get("JUNJO_OTLP_ADDRESS", "127.0.0.1:50051"),
    "sqlite_path": os.environ.get("JUNJO_SQLITE_PATH", ""),
    # DuckDB reads the Parquet span files directly, from an in-memory database.
    "duckdb_path": ":memory:" if PARQUET_DIR else "",
    "span_source": f"read_parquet('{PARQUET_DIR}/**/*.parquet')" if PARQUET_DIR else "spans",
    "disposable": os.environ.get("JUNJO_DISPOSABLE") == "1",
    "capabilities": {
        "fresh_targets": False,
        "key_ownership": False,
        "offset_paging": False,
        "ping": False,
        "signin_on_first_user": True,
        "flush_wal": True,              # POST /api/admin/flush-wal makes pending spans queryable
        "configurable_provider_urls": False,
        "junjo_telemetry_versions": [1, 2],  # both junjo telemetry formats
    },
    # What the deployment was started with. Never above the Part B ceilings (resources/policy_bounds.py):
    # a deployment that throttles later, or keeps deleted keys working longer (this generation caches valid
    # keys for 10 minutes), fails the B5 / B8 test — a profile describes, it never relaxes.
    "limits": {
        "signin_max_failures": 20,
        "invalid_key_max_failures": 100,
        "invalid_key_window_s": 120,
        "key_revocation_s": 30,
    },
}

ADMIN_EMAIL = os.environ.get("JUNJO_ADMIN_EMAIL", "admin@example.com")
ADMIN_PASSWORD = Secret(os.environ.get("JUNJO_ADMIN_PASSWORD", ""))
