"""``bin/acceptance`` runs are isolated: two at once both pass, and Ctrl-C leaves nothing behind.

pabot 5.2.2 deletes every ``pabot_temp_*.txt`` in the system temp folder when it starts, so two runs sharing
one temp folder kill each other (rc 252). Each run must get its own temp folder (which also holds its targets'
data folders), and an interrupted run must stop every process it started, free their ports and remove its
folders. Both runs here share one parent temp folder, as two runs on one host share ``/tmp``.
"""

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from robot.api import ExecutionResult

from junjo_acceptance.host_lock import LOCK_NAME, TURNSTILE_SUFFIX

ROOT = Path(__file__).resolve().parents[2]
QUICK_TEST = "A Tampered Session Cookie Is Refused"
LONGER_SUITE = "Suites.Security.Auth Bypass"


def _left_behind(shared: Path) -> list[Path]:
    """What a run left in the shared temp folder, except the host lock files (lock and turnstile) all runs on a
    host share by design (``junjo_acceptance.host_lock``: deleting a lock file others may wait on would break
    the lock)."""
    shared_by_design = {LOCK_NAME, Path(LOCK_NAME).with_suffix(TURNSTILE_SUFFIX).name}
    return [entry for entry in shared.iterdir() if entry.name not in shared_by_design]


def _start(tmp_path: Path, out: str, *robot_args: str) -> subprocess.Popen:
    env = dict(os.environ, TMPDIR=str(tmp_path / "shared-tmp"))
    return subprocess.Popen([str(ROOT / "bin" / "acceptance"), "--outputdir", str(tmp_path / out), *robot_args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _processes_of(run_tmp_parent: Path) -> list[int]:
    """Pids of live processes whose TMPDIR lies under ``run_tmp_parent`` (every process a run starts)."""
    marker = f"TMPDIR={run_tmp_parent}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if any(var.startswith(marker) for var in (entry / "environ").read_bytes().split(b"\0")):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_two_runs_at_once_both_pass(tmp_path):
    (tmp_path / "shared-tmp").mkdir()
    runs = [_start(tmp_path, name, "--test", QUICK_TEST) for name in ("run-a", "run-b")]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    for name, run, output in zip(("run-a", "run-b"), runs, outputs, strict=True):
        assert run.returncode == 0, f"{name} failed (rc {run.returncode}):\n{output[-3000:]}"
        result = ExecutionResult(str(tmp_path / name / "output.xml"))
        assert [(t.name, t.status) for t in result.suite.all_tests] == [(QUICK_TEST, "PASS")]
        assert "NOT VERIFIED" in output and "narrowed run" in output  # a filtered run never reads SHIP
    assert _left_behind(tmp_path / "shared-tmp") == [], "a run left its temp folder behind"


@pytest.mark.slow
def test_ctrl_c_leaves_no_process_port_or_folder_behind(tmp_path):
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    run = _start(tmp_path, "run", "--suite", LONGER_SUITE)
    ports: set[int] = set()
    deadline = time.monotonic() + 120
    while not ports and time.monotonic() < deadline and run.poll() is None:
        for ready in shared.glob("*/junjo-target-*/*.ready.json"):
            try:
                ports |= {v for k, v in json.loads(ready.read_text()).items() if k.endswith("_port")}
            except (OSError, ValueError):
                continue
        time.sleep(0.2)
    assert ports, "the run never brought a target up"
    assert _processes_of(shared)
    run.send_signal(signal.SIGINT)
    output = run.communicate(timeout=60)[0]
    assert run.returncode == 130, output[-3000:]
    leftovers: list[int] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        leftovers = _processes_of(shared)
        if not leftovers and not any(_listening(port) for port in ports):
            break
        time.sleep(0.2)
    assert leftovers == [], f"processes left running after Ctrl-C: {leftovers}"
    assert not [p for p in ports if _listening(p)], f"ports still open after Ctrl-C: {sorted(ports)}"
    assert _left_behind(shared) == [], f"folders left behind: {_left_behind(shared)}"
