"""Run chosen Robot tests of the acceptance suite in a subprocess and read their results."""

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from robot.api import ExecutionResult, ResultVisitor

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class TestOutcome:
    name: str
    status: str
    message: str


class _Collector(ResultVisitor):
    def __init__(self):
        self.outcomes: dict[str, TestOutcome] = {}

    def visit_test(self, test):
        self.outcomes[test.name] = TestOutcome(test.name, test.status, test.message)


def run_tests(output_dir: Path, tests: list[str], variables: "dict | None" = None,
              timeout_s: float = 600) -> dict[str, TestOutcome]:
    """Run the named tests of ``suites/`` with ``robot`` and return each one's outcome by name."""
    command = [sys.executable, "-m", "robot", "--argumentfile", str(ROOT / "robot.args"),
               "--outputdir", str(output_dir), "--report", "NONE", "--xunit", "NONE", "--console", "dotted"]
    for name in tests:
        command += ["--test", name]
    for key, value in (variables or {}).items():
        command += ["--variable", f"{key}:{value}"]
    subprocess.run(command + ["suites"], cwd=ROOT, timeout=timeout_s, check=False,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    collector = _Collector()
    ExecutionResult(str(output_dir / "output.xml")).visit(collector)
    return collector.outcomes
