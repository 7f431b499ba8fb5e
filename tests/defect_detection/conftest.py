"""The fixture that stores each defect's outcome as one part of the detection matrix.

The parts are merged into ``results/detection.{json,html}`` when the session ends (``tests/conftest.py``:
session hooks must live there so that the xdist controller, which collects nothing, runs them too).
"""

import json

import pytest

from tools.detection_report import run_parts


@pytest.fixture
def record_detection():
    """Store one defect's outcome as a part of the matrix."""
    def record(entry: dict) -> None:
        parts = run_parts()
        parts.mkdir(parents=True, exist_ok=True)
        (parts / f"{entry['defect']}.json").write_text(json.dumps(entry))
    return record
