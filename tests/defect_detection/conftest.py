"""Fixtures that store each defect's outcome, and each control run's, as parts of the detection matrix.

The parts are merged into ``results/detection.{json,html}`` when the session ends (``tests/conftest.py``:
session hooks must live there so that the xdist controller, which collects nothing, runs them too).
"""

import json

import pytest

from junjo_acceptance.tools.detection_report import CONTROLS_FOLDER, run_parts


@pytest.fixture
def record_detection():
    """Store one defect's outcome as a part of the matrix."""
    def record(entry: dict) -> None:
        parts = run_parts()
        parts.mkdir(parents=True, exist_ok=True)
        (parts / f"{entry['defect']}.json").write_text(json.dumps(entry))
    return record


@pytest.fixture
def record_control():
    """Store the outcomes of one control run (claimed tests of one suite, no defect switched on)."""
    def record(suite: str, tests: dict) -> None:
        controls = run_parts() / CONTROLS_FOLDER
        controls.mkdir(parents=True, exist_ok=True)
        (controls / f"{suite}.json").write_text(json.dumps({"suite": suite, "tests": tests}))
    return record
