"""Every seeded defect of the reference target must make the Robot tests meant to catch it fail, for the
defect's own reason; and those tests must pass without it.

One Robot run per defect (the defect switched on in both processes of every target the run starts): the
tests it names in ``CAUGHT_BY`` must fail with a message that names its ``POLICY`` as a whole token and
matches its ``FAILS_WITH`` pattern. One control run per suite file runs every claimed test of that file
once without any defect: they must pass, or a defect's failure proves nothing ("undecided" in the matrix).
The outcomes form the detection matrix (``results/detection.html``).
"""

import fcntl
import re
from collections import defaultdict
from contextlib import contextmanager

import pytest
from robot_runs import run_tests

from junjo_acceptance.tools.detection_report import PARTS, failed_as_expected, names_policy, verdict
from junjo_acceptance.tools.robot_inventory import robot_tests
from sut.defects import catalogue

DEFECTS = catalogue()
INVENTORY = robot_tests()


def _claimed_tests_by_suite() -> dict[str, list[str]]:
    claimed = {name for module in DEFECTS.values() for name in module.CAUGHT_BY}
    by_suite = defaultdict(list)
    for test in INVENTORY:
        if test["name"] in claimed:
            by_suite[test["suite"]].append(test["name"])
    return dict(by_suite)


CONTROL_RUNS = _claimed_tests_by_suite()


def _pattern(module) -> str:
    return getattr(module, "FAILS_WITH", "")


PERFORMANCE = "Suites.Performance"
SUITE_OF = {test["name"]: test["suite"] for test in INVENTORY}


@contextmanager
def machine(alone: bool):
    """Timing tests run alone, as in ``bin/acceptance`` (after ``#WAIT``): a Robot run of a performance suite
    waits until the other worker's Robot run ends and holds it off until done; other runs share the machine.
    A turnstile lock keeps a waiting lone run from being overtaken (flock has no writer preference)."""
    PARTS.mkdir(parents=True, exist_ok=True)
    with open(PARTS / ".turnstile.lock", "w") as turnstile, open(PARTS / ".machine.lock", "w") as share:
        fcntl.flock(turnstile, fcntl.LOCK_EX)
        if alone:
            fcntl.flock(share, fcntl.LOCK_EX)
        else:
            fcntl.flock(share, fcntl.LOCK_SH)
            fcntl.flock(turnstile, fcntl.LOCK_UN)
        try:
            yield
        finally:
            fcntl.flock(share, fcntl.LOCK_UN)
            fcntl.flock(turnstile, fcntl.LOCK_UN)


def _runs_timing_tests(tests: list[str]) -> bool:
    return any(SUITE_OF.get(name, "").startswith(PERFORMANCE) for name in tests)


@pytest.mark.slow
@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_seeded_defect_is_caught(defect, tmp_path, record_detection):
    module = DEFECTS[defect]
    with machine(alone=_runs_timing_tests(module.CAUGHT_BY)):
        outcomes = run_tests(tmp_path, module.CAUGHT_BY, {"DEFECTS": defect}) if module.CAUGHT_BY else {}
    record_detection({
        "defect": defect, "policy": module.POLICY, "process": module.PROCESS, "pattern": _pattern(module),
        "summary": module.__doc__.strip().splitlines()[0],
        "tests": {name: vars(outcome) for name, outcome in outcomes.items()},
    })
    assert module.CAUGHT_BY, f"no Robot test claims to catch defect {defect}"
    for test_name in module.CAUGHT_BY:
        assert test_name in outcomes, f"{test_name!r} did not run (is it still called that?)"
        outcome = outcomes[test_name]
        assert outcome.status == "FAIL", f"defect {defect} went unnoticed: {test_name!r} {outcome.status}"
        assert failed_as_expected(vars(outcome), module.POLICY, _pattern(module)), (
            f"{test_name!r} failed for defect {defect}, but not for its reason: the message must name policy "
            f"{module.POLICY} and match {_pattern(module)!r}: {outcome.message!r}")


@pytest.mark.slow
@pytest.mark.parametrize("suite", sorted(CONTROL_RUNS))
def test_claimed_tests_pass_without_defects(suite, tmp_path, record_control):
    """The control run: a test that fails without any defect cannot prove that a defect is caught."""
    with machine(alone=suite.startswith(PERFORMANCE)):
        outcomes = run_tests(tmp_path, CONTROL_RUNS[suite])
    record_control(suite, {name: vars(outcome) for name, outcome in outcomes.items()})
    failed = {name: o.message for name, o in outcomes.items() if o.status != "PASS"}
    assert set(outcomes) == set(CONTROL_RUNS[suite]), f"tests did not run: {set(CONTROL_RUNS[suite]) - set(outcomes)}"
    assert not failed, f"claimed tests fail without any defect (their defects are undecided): {failed}"


def test_every_defect_is_documented():
    for name, module in DEFECTS.items():
        assert module.__doc__ and module.__doc__.strip(), f"defect {name} has no docstring"
        assert module.PROCESS in ("backend", "ingestion"), name
        assert isinstance(module.CAUGHT_BY, list), name
        assert getattr(module, "POLICY", ""), f"defect {name} names no policy"
        pattern = _pattern(module)
        assert pattern and re.compile(pattern), f"defect {name} has no FAILS_WITH pattern of its own"
        assert pattern.strip() != module.POLICY, f"defect {name}: FAILS_WITH must say more than the policy"


def test_policy_tokens_are_matched_whole():
    assert names_policy("B1: a signed-out session must be revoked", "B1")
    assert not names_policy("B11: nothing acknowledged is lost", "B1")
    assert not names_policy("B20: corrupt store", "B2")
    assert names_policy("failed (policy B2)", "B2")
    outcome = {"status": "FAIL", "message": "B11: 3 spans lost"}
    assert not failed_as_expected(outcome, "B1", "lost")
    assert failed_as_expected(outcome, "B11", "spans lost")
    assert not failed_as_expected({**outcome, "status": "PASS"}, "B11", "spans lost")


def test_a_defect_whose_control_failed_is_undecided():
    defect = {"policy": "B11", "pattern": "lost", "tests": {"t": {"status": "FAIL", "message": "B11: 3 lost"}}}
    assert verdict(defect, {"t": {"status": "PASS"}}) == "caught"
    assert verdict(defect, {"t": {"status": "FAIL"}}) == "undecided"
    assert verdict(defect, {}) == "undecided"
    assert verdict({**defect, "pattern": "duplicated"}, {"t": {"status": "PASS"}}) == "missed"
