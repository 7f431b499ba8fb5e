"""No target profile relaxes contract Part B (Part C: a profile describes a deployment, it never relaxes).

Every profile in ``resources/targets/`` declares ``limits`` no looser than the ceilings of
``resources/policy_bounds.py`` (B5: 20 failed sign-ins per account, 100 invalid keys per client; B8: 30 s
until a deleted key stops working), and the suite's own guard (``Policy Limit``) refuses a profile that does.
"""

import importlib.util
import sys
from pathlib import Path

import pytest
from robot_runs import ROOT, run_tests

TARGETS = ROOT / "resources" / "targets"
if str(TARGETS) not in sys.path:
    sys.path.insert(0, str(TARGETS))  # profiles may build on each other, as Robot lets them
BOUNDS = importlib.util.spec_from_file_location("policy_bounds", ROOT / "resources" / "policy_bounds.py")
policy_bounds = importlib.util.module_from_spec(BOUNDS)
BOUNDS.loader.exec_module(policy_bounds)


def _profile(path: Path) -> dict:
    spec = importlib.util.spec_from_file_location(f"profile_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TARGET_PROFILE


PROFILES = sorted(p for p in TARGETS.glob("*.py") if not p.name.startswith("_"))


def test_the_ceilings_are_those_of_part_b():
    assert policy_bounds.POLICY_CEILINGS == {
        "signin_max_failures": 20, "invalid_key_max_failures": 100, "key_revocation_s": 30}


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_no_profile_exceeds_the_part_b_bounds(path):
    limits = _profile(path)["limits"]
    for name, ceiling in policy_bounds.POLICY_CEILINGS.items():
        assert name in limits, f"{path.name} declares no {name}"
        assert limits[name] <= ceiling, f"{path.name}: {name} = {limits[name]} relaxes the policy (ceiling {ceiling})"


@pytest.mark.slow
def test_the_suite_refuses_a_profile_that_relaxes_the_policy(tmp_path):
    """A profile declaring a one-hour key cache fails the B8 test with the reason, instead of skipping it."""
    relaxed = TARGETS / "_relaxed_for_test.py"
    relaxed.write_text("from reference import *  # noqa: F403\n"
                       "TARGET_PROFILE = dict(TARGET_PROFILE, name='relaxed', "  # noqa: F405
                       "limits=dict(TARGET_PROFILE['limits'], key_revocation_s=3600))\n")
    try:
        outcomes = run_tests(tmp_path, ["A Deleted API Key Stops Working On Ingestion"],
                             {"TARGET": "_relaxed_for_test"})
    finally:
        relaxed.unlink()
    outcome = outcomes["A Deleted API Key Stops Working On Ingestion"]
    assert outcome.status == "FAIL", outcome
    assert outcome.message.startswith("B8: profile relaxed declares key_revocation_s = 3600, above the policy's "
                                      "ceiling of 30"), outcome.message
