"""What the acceptance suite contains, read from the .robot files without running them."""

from pathlib import Path

from robot.api import TestSuiteBuilder

ROOT = Path(__file__).resolve().parents[3]


def robot_files() -> list[Path]:
    """Every suite and resource file (``suites/**/*.robot``, ``resources/**/*.resource``), sorted."""
    return sorted([*(ROOT / "suites").rglob("*.robot"), *(ROOT / "resources").rglob("*.resource")])


def robot_tests(suites_dir: Path = ROOT / "suites") -> list[dict]:
    """Every Robot test: ``{name, suite, tags, doc}``, in suite order."""
    suite = TestSuiteBuilder().build(str(suites_dir))
    return [{"name": test.name, "suite": test.parent.longname, "tags": list(test.tags), "doc": test.doc}
            for test in suite.all_tests]
