"""The nightly ordering file ``suites.order`` (pabot ``--ordering``): valid, covering every suite file, and
running the performance suites alone, after everything else.

pabot runs an ordering entry that names a folder as one item (its files one after another in one process)
and puts suites the file does not name at the end — after ``#WAIT``, next to the performance suites. Hence
every suite file must be covered by an entry; entries for folders that do not exist yet are ignored by pabot.
"""

import warnings
from pathlib import Path

from robot.utils import printable_name

with warnings.catch_warnings():  # pabot still touches Robot's deprecated Python 2 helpers
    warnings.simplefilter("ignore", DeprecationWarning)
    from pabot.arguments import parse_execution_item_line

ROOT = Path(__file__).resolve().parents[1]
ORDER = ROOT / "suites.order"
DEPLOYED_ORDER = ROOT / "suites.deployed.order"
PERFORMANCE = "Suites.Performance"


def suite_names() -> list[str]:
    """Robot's full name of every suite file under ``suites/`` (``Suites.Concurrency.Api Key Races``)."""
    names = []
    for path in sorted((ROOT / "suites").rglob("*.robot")):
        if path.name == "__init__.robot":
            continue
        parts = path.relative_to(ROOT).with_suffix("").parts
        names.append(".".join(printable_name(part, code_style=True) for part in parts))
    return names


def entries(order: Path = ORDER) -> list[str]:
    lines = [line.strip() for line in order.read_text().splitlines() if line.strip()]
    items = [parse_execution_item_line(line) for line in lines]
    return ["#WAIT" if item.isWait else item.name for item in items]


def covered_by(name: str, entry: str) -> bool:
    return name == entry or name.startswith(entry + ".")


def test_every_suite_file_is_covered_by_an_entry():
    listed = [entry for entry in entries() if entry != "#WAIT"]
    uncovered = [name for name in suite_names() if not any(covered_by(name, entry) for entry in listed)]
    assert not uncovered, f"add {uncovered} to {ORDER.name}, or pabot runs them with the performance suites"


def test_performance_runs_alone_after_one_wait():
    order = entries()
    assert order.count("#WAIT") == 1
    wait = order.index("#WAIT")
    assert all(not covered_by(entry, PERFORMANCE) for entry in order[:wait])
    assert order[wait + 1:] and all(covered_by(entry, PERFORMANCE) for entry in order[wait + 1:])


# Suites with a test that resets the deployment, breaks it (faults, throttling), counts whole tables or
# opens the DuckDB file (one process at a time: the backend answers 503 meanwhile): on one shared deployment
# each runs where nothing else runs (contract Part C).
ALONE_ON_A_DEPLOYMENT = [
    "Suites.Concurrency.Junjo Client", "Suites.Security.Xss", "Suites.Security.Sql Injection",
    "Suites.Security.Auth Bypass", "Suites.Security.Hostile Input",
    "Suites.Security.Authorization", "Suites.Concurrency.Api Key Races", "Suites.Concurrency.Durability",
    "Suites.Error Recovery.Database Failures", "Suites.Error Recovery.Partial Failures",
    "Suites.Error Recovery.External Api Failures", PERFORMANCE,
]


def _phases(order: Path) -> list[list[str]]:
    phases = [[]]
    for entry in entries(order):
        if entry == "#WAIT":
            phases.append([])
        else:
            phases[-1].append(entry)
    return phases


def test_the_deployed_order_covers_every_suite_file():
    listed = [entry for entry in entries(DEPLOYED_ORDER) if entry != "#WAIT"]
    uncovered = [name for name in suite_names() if not any(covered_by(name, entry) for entry in listed)]
    assert not uncovered, f"add {uncovered} to {DEPLOYED_ORDER.name}"


def test_on_a_deployment_disturbing_suites_run_alone_and_performance_last():
    phases = _phases(DEPLOYED_ORDER)
    for suite in ALONE_ON_A_DEPLOYMENT:
        phase = next(p for p in phases if suite in p)
        assert phase == [suite], f"{suite} shares its phase with {phase}"
    assert phases[-1] == [PERFORMANCE]


def test_suites_that_reset_a_target_are_known_to_need_a_phase_of_their_own():
    """A new suite that starts fresh targets (a reset, on a deployment) must be added to ALONE_ON_A_DEPLOYMENT."""
    resetting = []
    for path in sorted((ROOT / "suites").rglob("*.robot")):
        text = path.read_text()
        if any(word in text for word in ("Start Fresh Target", "Start Disposable Target", "With Fake LLM Provider",
                                          "Kill Target Process", "Sustained Send On A Fresh Target",
                                          "Concurrent First-User")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            resetting.append(".".join(printable_name(part, code_style=True) for part in parts))
    loose = [name for name in resetting if not any(covered_by(name, alone) for alone in ALONE_ON_A_DEPLOYMENT)]
    assert not loose, f"{loose} reset or break the target: give them a phase of their own in {DEPLOYED_ORDER.name}"
