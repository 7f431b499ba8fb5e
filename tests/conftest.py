"""Shared pytest setup: the keyword libraries are importable as Robot sees them (``--pythonpath libraries``),
and the defect-detection parts of a run are merged into the matrix when the session ends (a run of only some
defects writes a partial matrix beside the full one); ``serve`` starts a local HTTP server for a test."""

import os
import shutil
import sys
import threading
import uuid
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
for path in (ROOT, ROOT / "libraries", ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def _is_worker(session) -> bool:
    return hasattr(session.config, "workerinput")


def pytest_configure(config):
    from junjo_acceptance.tools.detection_report import RUN_VARIABLE
    if not hasattr(config, "workerinput"):  # the controller (or a plain session): a fresh run id for its workers
        os.environ[RUN_VARIABLE] = uuid.uuid4().hex


def pytest_sessionfinish(session):
    from junjo_acceptance.tools import detection_report
    parts = detection_report.run_parts()
    if not _is_worker(session) and parts.exists():
        from sut.defects import catalogue
        matrix = detection_report.merge(parts, list(catalogue()))
        detection_report.write(matrix, detection_report.PARTS.parent)
        shutil.rmtree(parts, ignore_errors=True)


@pytest.fixture
def serve():
    """``serve(handler)`` serves the ``BaseHTTPRequestHandler`` class on a free local port in a thread and
    returns its base URL; every server is shut down when the test ends."""
    servers: list[ThreadingHTTPServer] = []

    def start(handler) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
