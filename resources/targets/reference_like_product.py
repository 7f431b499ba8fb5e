"""Target profile: the embedded reference target behaving like the real product where it legitimately differs.

Seeded *behaviours* (``sut/behaviours``, not defects) are switched on: a public ``GET /`` banner, a public
``GET /api/config`` (0.80), list endpoints without ``offset``, no ``nosniff`` header, only the older junjo
telemetry (version 1) read; and, like a deployment, no fresh copies of itself. The suite must raise no
false alarm here: only the hardening-header test fails (B10 puts it in a test of its own). The false-failure
regression tests (``tests/regressions``) run against this profile.
"""

from reference import ADMIN_EMAIL, ADMIN_PASSWORD  # noqa: F401 - variables
from reference import TARGET_PROFILE as REFERENCE

TARGET_PROFILE = dict(
    REFERENCE,
    name="reference_like_product",
    settings=dict(REFERENCE["settings"],
                  behaviours="public_banner,public_config,no_offset_paging,no_nosniff_header,reads_telemetry_v1_only"),
    # Like a real deployment, it cannot start fresh copies of itself: tests that need one skip, naming why.
    capabilities=dict(REFERENCE["capabilities"], offset_paging=False, fresh_targets=False,
                      junjo_telemetry_versions=[1]),
)
