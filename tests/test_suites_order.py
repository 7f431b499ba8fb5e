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


def entries() -> list[str]:
    lines = [line.strip() for line in ORDER.read_text().splitlines() if line.strip()]
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
