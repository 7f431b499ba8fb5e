"""The deployment driver: a deployment the suite did not start, driven through the shell commands its
profile declares (contract Part C) — per component (``backend``, ``ingestion``) ``stop``, ``kill``,
``freeze``, ``thaw``, ``start`` and ``pid``, and ``reset`` (a fresh, empty deployment) for the whole.

A :class:`DeployedProcess` has the interface of the embedded target's process (kill, stop, suspend,
resume, is_running), so the target-control keywords use either the same way.
"""

import shlex
import socket
import subprocess
import time

import requests

COMMANDS = ("stop", "kill", "freeze", "thaw", "start", "pid")


class MissingCommand(Exception):
    """The profile declares no command for what a test needs."""


class CommandFailed(RuntimeError):
    """A declared command exited non-zero or timed out."""


def run_command(command: str, timeout_s: float = 120.0) -> str:
    """Run one declared shell command (bounded); returns what it printed, raises on failure."""
    try:
        done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=timeout_s,
                              stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise CommandFailed(f"command did not finish within {timeout_s:g} s: {command}") from None
    output = (done.stdout + done.stderr).strip()
    if done.returncode != 0:
        raise CommandFailed(f"command exited {done.returncode}: {command}\n{output}")
    return output


class Deployment:
    """An external target with a ``driver`` section in its profile."""

    def __init__(self, profile: dict, log=print):
        self.profile_name = profile["name"]
        self.driver = profile.get("driver") or {}
        self.http_url = profile["http_url"]
        self.otlp_address = profile["otlp_address"]
        self.log = log

    def command(self, component: str, verb: str) -> str:
        """The declared command ``verb`` of ``component`` (``reset`` for the whole deployment)."""
        declared = self.driver.get(verb) if component == "deployment" else self.driver.get(component, {}).get(verb)
        if not declared:
            where = "the deployment" if component == "deployment" else component
            raise MissingCommand(f"profile {self.profile_name!r} declares no {verb!r} command for {where}")
        return declared

    def run(self, component: str, verb: str, timeout_s: float = 120.0) -> str:
        command = self.command(component, verb)
        started = time.monotonic()
        output = run_command(command, timeout_s)
        self.log(f"{verb} {component}: `{command}` ({time.monotonic() - started:.2f} s) {output}".rstrip())
        return output

    def apply_setting(self, setting: str, value, timeout_s: float = 120.0) -> None:
        """Give the deployment ``setting`` = ``value`` with its declared ``apply_setting`` command (``{value}``
        in it is replaced, shell-quoted), then wait until it serves again."""
        template = self.driver.get("apply_setting", {}).get(setting)
        if template is None:
            raise MissingCommand(f"profile {self.profile_name!r} declares no command to apply {setting!r}")
        command = template.replace("{value}", shlex.quote(str(value)))
        started = time.monotonic()
        output = run_command(command, timeout_s)
        self.log(f"apply {setting}={value}: `{command}` ({time.monotonic() - started:.2f} s) {output}".rstrip())
        self.wait_ready(["backend", "ingestion"], time.monotonic() + timeout_s)

    def process(self, component: str) -> "DeployedProcess":
        if component not in ("backend", "ingestion"):
            raise ValueError(f"no target process {component!r}; there are backend, ingestion")
        return DeployedProcess(self, component)

    def reset(self, timeout_s: float = 120.0) -> None:
        """A fresh, empty deployment: the declared reset command, then wait until it serves again."""
        self.run("deployment", "reset", timeout_s)
        self.wait_ready(("backend", "ingestion"), time.monotonic() + timeout_s)

    def pids(self) -> dict:
        """The process ids the declared ``pid`` commands give (components without one are left out)."""
        found = {}
        for component in ("backend", "ingestion"):
            try:
                text = run_command(self.command(component, "pid"), 30)
            except (MissingCommand, CommandFailed):
                continue
            if text.strip().isdigit() and int(text) > 0:
                found[component] = int(text)
        return found

    def wait_ready(self, components, deadline: float) -> None:
        """Wait until each component serves: the backend answers ``/health``, ingestion accepts connections."""
        for component in components:
            probe = self._http_ready if component == "backend" else self._otlp_ready
            while not probe():
                if time.monotonic() > deadline:
                    raise CommandFailed(f"{component} of {self.profile_name!r} did not serve again in time")
                time.sleep(0.05)

    def _http_ready(self) -> bool:
        try:
            return requests.get(f"{self.http_url}/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def _otlp_ready(self) -> bool:
        host, _, port = self.otlp_address.rpartition(":")
        with socket.socket() as probe:
            probe.settimeout(1)
            return probe.connect_ex((host, int(port))) == 0


class DeployedProcess:
    """One component of a deployment, driven by its declared commands."""

    def __init__(self, deployment: Deployment, component: str):
        self.deployment = deployment
        self.name = component

    @property
    def pid(self) -> "int | None":
        return self.deployment.pids().get(self.name)

    def kill(self) -> None:
        """The declared ``kill`` (SIGKILL, as a crash or OOM kill would)."""
        self.deployment.run(self.name, "kill")

    def stop(self) -> None:
        """The declared ``stop`` (graceful)."""
        self.deployment.run(self.name, "stop")

    def suspend(self) -> None:
        """The declared ``freeze``: the process keeps its ports but answers nothing."""
        self.deployment.run(self.name, "freeze")

    def resume(self) -> None:
        """The declared ``thaw`` after :meth:`suspend`."""
        self.deployment.run(self.name, "thaw")

    def start(self, timeout_s: float = 30.0) -> None:
        """The declared ``start``, then wait until the component serves again."""
        self.deployment.run(self.name, "start", timeout_s)
        self.deployment.wait_ready((self.name,), time.monotonic() + timeout_s)

    def is_running(self) -> bool:
        """Alive according to the declared ``pid`` command (a component without one counts as serving)."""
        try:
            self.deployment.command(self.name, "pid")
        except MissingCommand:
            probe = self.deployment._http_ready if self.name == "backend" else self.deployment._otlp_ready
            return probe()
        return self.pid is not None

    def log_tail(self, lines: int = 30) -> str:
        return f"(deployed {self.name}: its log is the deployment's own)"
