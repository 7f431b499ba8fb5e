"""Stop every process one ``bin/acceptance`` run started, and only those.

Each run exports its own ``TMPDIR`` (a fresh folder), which every process it starts inherits: pabot, its
PabotLib server, the robot processes (pabot starts them in sessions of their own, so a process-group signal
misses them) and the targets those start. ``python -m junjo_acceptance.tools.run_processes stop RUN_TMP`` finds the
processes
whose environment holds exactly ``TMPDIR=RUN_TMP``, sends each SIGTERM (after SIGCONT, so a frozen one can
act on it), waits up to ``--grace`` seconds and SIGKILLs what is left. Run it with another ``TMPDIR`` so that
it does not find itself.
"""

import argparse
import os
import signal
import sys
import time
from pathlib import Path


def run_pids(run_tmp: str) -> list[int]:
    """Pids of the live processes whose environment says ``TMPDIR=<run_tmp>`` (this process excluded)."""
    marker = f"TMPDIR={run_tmp}".encode()
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if marker in (entry / "environ").read_bytes().split(b"\0") and not _is_zombie(entry):
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def _is_zombie(entry: Path) -> bool:
    try:
        return (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


def stop(run_tmp: str, grace_s: float = 5.0) -> list[int]:
    """Terminate the run's processes, kill those still alive after ``grace_s``; returns the pids found."""
    found = run_pids(run_tmp)
    for pid in found:
        _signal(pid, signal.SIGCONT)
        _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and run_pids(run_tmp):
        time.sleep(0.1)
    for pid in run_pids(run_tmp):
        _signal(pid, signal.SIGKILL)
    return found


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m junjo_acceptance.tools.run_processes",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["stop", "list"])
    parser.add_argument("run_tmp", help="the run's own TMPDIR")
    parser.add_argument("--grace", type=float, default=5.0, help="seconds between SIGTERM and SIGKILL")
    options = parser.parse_args(argv[1:])
    if options.action == "list":
        print(" ".join(map(str, run_pids(options.run_tmp))))
        return 0
    found = stop(options.run_tmp, options.grace)
    if found:
        print(f"stopped {len(found)} process(es) of the run: {' '.join(map(str, found))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
