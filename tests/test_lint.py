"""Lint is part of the project's tests: Robot files with robocop, Python with ruff, both clean."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *command], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_robot_files_pass_robocop():
    result = _run("robocop", "check", "suites", "resources")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_python_passes_ruff():
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
