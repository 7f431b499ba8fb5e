"""One process of the embedded target: launch, readiness, stop, kill — and it never outlives the suite."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import psutil

from junjo_acceptance.masking import reveal

# Starts ``python -m <module>`` with the parent-death signal set by the child itself (see launch.py).
LAUNCHER = Path(__file__).with_name("launch.py")


class TargetProcess:
    """A ``python -m <module>`` process of the target, with its log file and ready file."""

    def __init__(self, name: str, module: str, args: list[str], env: dict, data_dir: Path, cwd: Path):
        self.name = name
        self.module = module
        self.args = args
        self.env = env
        self.cwd = cwd
        self.log_path = data_dir / f"{name}.log"
        self.ready_path = data_dir / f"{name}.ready.json"
        self.popen: "subprocess.Popen | None" = None

    @property
    def pid(self) -> "int | None":
        return self.popen.pid if self.popen else None

    def start(self) -> None:
        """Launch the process (its earlier ready file is removed first)."""
        self.ready_path.unlink(missing_ok=True)
        log = open(self.log_path, "ab")
        command = [sys.executable, str(LAUNCHER), self.module, *self.args, "--ready-file", str(self.ready_path)]
        self.popen = subprocess.Popen(command, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL)
        log.close()

    def wait_ready(self, deadline: float) -> dict:
        """Block until the ready file appears; fail with the log tail if the process exits or time runs out."""
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.name} exited with code {self.popen.returncode} while starting:\n"
                                   + self.log_tail())
            if self.ready_path.exists():
                return json.loads(self.ready_path.read_text())
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} was not ready in time:\n{self.log_tail()}")

    def is_running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self, grace_s: float = 5.0) -> "int | None":
        """SIGTERM, then SIGKILL after ``grace_s``; returns the exit code."""
        if self.is_running():
            self.resume()  # a suspended process cannot act on SIGTERM
        if not self.is_running():
            return self.popen.returncode if self.popen else None
        self.popen.terminate()
        try:
            return self.popen.wait(grace_s)
        except subprocess.TimeoutExpired:
            return self.kill()

    def kill(self) -> int:
        """SIGKILL now (as a crash would) and reap the process."""
        if self.is_running():
            self.popen.kill()
        return self.popen.wait(10)

    def suspend(self) -> None:
        """Freeze the process (SIGSTOP on POSIX, psutil's suspend elsewhere): it stays alive but answers
        nothing, as a hung server would."""
        psutil.Process(self.popen.pid).suspend()

    def resume(self) -> None:
        """Let the process run again after :meth:`suspend`."""
        psutil.Process(self.popen.pid).resume()

    def log_tail(self, lines: int = 30) -> str:
        """The last lines the process wrote."""
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def child_environment(settings: dict, defects: list[str], repo_root: Path) -> dict:
    """The environment for a target process: settings as ``JUNJO_*`` variables, proxies removed."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("JUNJO_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repo_root), env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    for name, value in settings.items():
        env["JUNJO_" + name.upper()] = str(reveal(value))  # secrets (API keys) travel as Secret values
    env["JUNJO_DEFECTS"] = ",".join(defects)
    return env
