"""Every seeded defect of the reference target must make the Robot tests meant to catch it fail,
with a failure message that names the broken policy.

One Robot run per defect (the defect switched on in both processes of every target the run starts); the
tests it names in ``CAUGHT_BY`` must fail, and their messages must contain the defect's ``POLICY``. The
outcomes form the detection matrix (``results/detection.html``).
"""

import pytest
from robot_runs import run_tests

from sut.defects import catalogue

DEFECTS = catalogue()


@pytest.mark.slow
@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_seeded_defect_is_caught(defect, tmp_path, record_detection):
    module = DEFECTS[defect]
    outcomes = run_tests(tmp_path, module.CAUGHT_BY, {"DEFECTS": defect}) if module.CAUGHT_BY else {}
    record_detection({
        "defect": defect, "policy": module.POLICY, "process": module.PROCESS,
        "summary": module.__doc__.strip().splitlines()[0],
        "tests": {name: vars(outcome) for name, outcome in outcomes.items()},
        "caught": bool(outcomes) and all(o.status == "FAIL" and module.POLICY in o.message
                                         for o in outcomes.values()),
    })
    assert module.CAUGHT_BY, f"no Robot test claims to catch defect {defect}"
    for test_name in module.CAUGHT_BY:
        assert test_name in outcomes, f"{test_name!r} did not run (is it still called that?)"
        outcome = outcomes[test_name]
        assert outcome.status == "FAIL", f"defect {defect} went unnoticed: {test_name!r} {outcome.status}"
        assert module.POLICY in outcome.message, (
            f"{test_name!r} failed for defect {defect}, but its message does not name policy "
            f"{module.POLICY}: {outcome.message!r}")


def test_every_defect_is_documented():
    for name, module in DEFECTS.items():
        assert module.__doc__ and module.__doc__.strip(), f"defect {name} has no docstring"
        assert module.PROCESS in ("backend", "ingestion"), name
        assert isinstance(module.CAUGHT_BY, list), name
        assert getattr(module, "POLICY", ""), f"defect {name} names no policy"
