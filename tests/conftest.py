"""Shared pytest setup: the keyword libraries are importable as Robot sees them (``--pythonpath libraries``),
and the defect-detection parts of a run are merged into the matrix when the session ends (a run of only some
defects writes a partial matrix beside the full one)."""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "libraries", ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def _is_worker(session) -> bool:
    return hasattr(session.config, "workerinput")


def pytest_sessionstart(session):
    from tools.detection_report import PARTS
    if not _is_worker(session):
        shutil.rmtree(PARTS, ignore_errors=True)


def pytest_sessionfinish(session):
    from tools import detection_report
    if not _is_worker(session) and detection_report.PARTS.exists():
        from sut.defects import catalogue
        matrix = detection_report.merge(detection_report.PARTS, list(catalogue()))
        detection_report.write(matrix, detection_report.PARTS.parent)
