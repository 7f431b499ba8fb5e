"""A test reports every independent violation it finds, not only the first.

On a real deployment a span-field mismatch once stopped the same-span test before it looked at the state
patches, hiding a second defect (duplicated patches). With two seeded defects on at once — junjo columns of the
current telemetry format ignored, and state patches not idempotent — the test must name both.
"""

import pytest
from robot_runs import run_tests

TEST = "Five Senders Of One Span Store It Once With One Set Of State Patches"


@pytest.mark.slow
def test_a_field_mismatch_does_not_hide_duplicated_state_patches(tmp_path):
    outcome = run_tests(tmp_path, [TEST], {
        "DEFECTS": "current_junjo_attributes_ignored,state_patch_ids_not_idempotent"})[TEST]
    assert outcome.status == "FAIL"
    assert "the HTTP API holds 4 with wrong fields" in outcome.message, outcome.message
    assert "state patches stored for 3 sent" in outcome.message, outcome.message
