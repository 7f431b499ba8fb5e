"""Collects each defect's outcome and writes the detection matrix when the session ends."""

import json
import shutil
from pathlib import Path

import pytest

from tools import detection_report

RESULTS = Path(__file__).resolve().parents[2] / "results"
PARTS = RESULTS / "detection-parts"


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):
        shutil.rmtree(PARTS, ignore_errors=True)


@pytest.fixture
def record_detection():
    """Store one defect's outcome as a part of the matrix."""
    def record(entry: dict) -> None:
        PARTS.mkdir(parents=True, exist_ok=True)
        (PARTS / f"{entry['defect']}.json").write_text(json.dumps(entry))
    return record


def pytest_sessionfinish(session):
    if hasattr(session.config, "workerinput") or not PARTS.exists():
        return
    detection_report.write(detection_report.merge(PARTS), RESULTS)
