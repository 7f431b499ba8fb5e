"""The embedded reference target (``sut/``): two processes on free loopback ports in a temporary folder."""

import shutil
import tempfile
import time
from pathlib import Path

import requests

from .ports import free_ports
from .process import TargetProcess, child_environment

REPO_ROOT = Path(__file__).resolve().parents[3]
HOST = "127.0.0.1"


class EmbeddedTarget:
    """Backend + ingestion of the reference target, started together, stopped together."""

    def __init__(self, name: str, settings: dict, defects: list[str]):
        self.name = name
        self.defects = defects
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"junjo-target-{name}-"))
        http, auth, otlp, internal = free_ports(4, HOST)
        env = child_environment(settings, defects, REPO_ROOT)
        self.ports = {"http": http, "auth": auth, "otlp": otlp, "internal": internal}
        common = ["--data-dir", str(self.data_dir), "--host", HOST]
        self.processes = {
            "backend": TargetProcess("backend", "sut.backend", common + [
                "--http-port", str(http), "--auth-port", str(auth),
                "--ingestion-address", f"{HOST}:{internal}"], env, self.data_dir, REPO_ROOT),
            "ingestion": TargetProcess("ingestion", "sut.ingestion", common + [
                "--otlp-port", str(otlp), "--internal-port", str(internal),
                "--backend-auth-address", f"{HOST}:{auth}"], env, self.data_dir, REPO_ROOT),
        }

    def start(self, timeout_s: float = 30.0) -> None:
        """Start both processes and wait until they are ready and ``/health`` answers."""
        for process in self.processes.values():
            process.start()
        deadline = time.monotonic() + timeout_s
        try:
            for name in self.processes:
                self.start_process_wait(name, deadline)
        except Exception:
            self.stop()
            raise

    def start_process_wait(self, name: str, deadline: float) -> None:
        """Wait for one (already launched) process to be ready."""
        self.processes[name].wait_ready(deadline)
        if name == "backend":
            self._wait_http_health(deadline)

    def _wait_http_health(self, deadline: float) -> None:
        url = f"{self.http_url}/health"
        while True:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not answer 200 in time:\n{self.processes['backend'].log_tail()}")
            time.sleep(0.05)

    def process(self, name: str) -> TargetProcess:
        """The process ``backend`` or ``ingestion``."""
        try:
            return self.processes[name]
        except KeyError:
            raise ValueError(f"no target process {name!r}; there are {', '.join(self.processes)}") from None

    def restart_process(self, name: str, timeout_s: float = 30.0) -> int:
        """Start process ``name`` again (same ports, same files) after it stopped; returns its new pid."""
        process = self.process(name)
        if process.is_running():
            raise RuntimeError(f"{name} is still running (pid {process.pid}); stop or kill it first")
        process.start()
        self.start_process_wait(name, time.monotonic() + timeout_s)
        return process.pid

    @property
    def http_url(self) -> str:
        return f"http://{HOST}:{self.ports['http']}"

    def describe(self) -> dict:
        """Where everything is: URLs, gRPC addresses, files, process ids."""
        return {
            "name": self.name,
            "kind": "embedded",
            "http_url": self.http_url,
            "otlp_address": f"{HOST}:{self.ports['otlp']}",
            "internal_address": f"{HOST}:{self.ports['internal']}",
            "data_dir": str(self.data_dir),
            "sqlite_path": str(self.data_dir / "junjo.sqlite"),
            "duckdb_path": str(self.data_dir / "spans.duckdb"),
            "wal_path": str(self.data_dir / "wal.sqlite"),
            "pids": {name: process.pid for name, process in self.processes.items()},
            "defects": list(self.defects),
        }

    def stop(self) -> dict:
        """Stop both processes (ingestion first) and delete the data folder; returns the exit codes."""
        codes = {name: self.processes[name].stop() for name in ("ingestion", "backend")}
        shutil.rmtree(self.data_dir, ignore_errors=True)
        return codes
