"""Target profile: the embedded reference target in ``sut/`` (the default).

The suite starts it on free loopback ports in a temporary folder, once per (pabot) process, and may start
extra fresh copies for tests that need an empty target or other settings.
"""

import secrets

from robot.api.types import Secret

TARGET_PROFILE = {
    "name": "reference",
    "kind": "embedded",
    "disposable": True,
    # Settings of the embedded processes (each becomes a JUNJO_* variable; see `python -m sut.backend --help`).
    "settings": {
        "bcrypt_rounds": 10,
        "poll_interval_s": 0.05,
        "signin_max_failures": 5,
        "signin_window_s": 60,
        "invalid_key_max_failures": 50,
        "invalid_key_window_s": 5,
        "key_revalidate_s": 2,
    },
    "capabilities": {
        "fresh_targets": True,          # the suite can start an empty copy with its own settings
        "key_ownership": True,          # API keys are scoped to their creator (B7)
        "offset_paging": True,
        "ping": True,
        "signin_on_first_user": False,
        "configurable_provider_urls": True,  # LLM provider base URLs are settings: a fake provider can stand in
        "junjo_telemetry_versions": [1, 2],  # both junjo telemetry formats (contract A6)
        "fault_hooks": True,            # setting pause_at stops a process at a named point (crash-ordering tests)
    },
    "limits": {
        "signin_max_failures": 5,       # a 429 must come no later than this many failures
        "invalid_key_max_failures": 50,
        "invalid_key_window_s": 5,      # how long an invalid-key lockout lasts after the last failure
        "key_revocation_s": 5,          # B8
    },
}

ADMIN_EMAIL = "qa-admin@acceptance.example"
ADMIN_PASSWORD = Secret(secrets.token_urlsafe(18))
