"""The nightly mutation run judges each module with Robot tests that exist (a renamed test would make the
module's baseline run match nothing, and the module would silently get no score)."""

from pathlib import Path

from junjo_acceptance.tools.mutation import MODULES
from junjo_acceptance.tools.robot_inventory import robot_tests

ROOT = Path(__file__).resolve().parents[2]


def test_every_module_names_existing_tests_and_its_source():
    names = {test["name"] for test in robot_tests()}
    unknown = {key: [t for t in tests if t not in names] for key, (_, tests) in MODULES.items()}
    assert not any(unknown.values()), f"mutation tests that are not Robot tests: {unknown}"
    missing = [source for source, _ in MODULES.values() if not (ROOT / source).is_file()]
    assert not missing, f"mutated sources that do not exist: {missing}"
