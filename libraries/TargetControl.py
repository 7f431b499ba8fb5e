"""Keywords that bring the target under test up and down, or attach to a running deployment."""

import atexit

from robot.api import SkipExecution, logger
from robot.api.deco import keyword, library

from target.embedded import EmbeddedTarget

PROFILE_KEYS = ("disposable", "capabilities", "limits")


@library(scope="GLOBAL", auto_keywords=False)
class TargetControl:
    """Starts the embedded reference target, or describes an external one, from a *target profile*.

    A profile (a variables file under ``resources/targets/``) is a dictionary: ``kind`` (``embedded`` or
    ``external``), ``settings`` for an embedded target, URLs and file paths for an external one,
    ``disposable`` (may destructive tests run), ``capabilities`` and ``limits``. Every target has a name;
    the suite's main target is ``main``. Whatever this library starts it also stops: at suite teardown,
    and at interpreter exit if a run is interrupted; the processes also die with the Robot process.
    """

    def __init__(self):
        self._embedded: dict[str, EmbeddedTarget] = {}
        self._described: dict[str, dict] = {}
        atexit.register(self.stop_all_targets)

    @keyword("Start Target From Profile")
    def start_target_from_profile(self, profile: dict, name: str = "main", defects: str = "",
                                  **overrides) -> dict:
        """Start (embedded) or attach to (external) the target of ``profile`` under ``name``.

        Returns the target description: ``http_url``, ``otlp_address``, ``sqlite_path``, ``duckdb_path``,
        ``disposable``, ``capabilities``, ``limits`` and, for an embedded target, ``pids``. A target of the
        same name that is already up is returned as it is. ``defects`` (comma-separated names) switches on
        seeded defects of the embedded target; ``overrides`` replace settings of the profile.
        """
        if name in self._described:
            return self._described[name]
        if profile["kind"] == "external":
            if defects or overrides:
                raise SkipExecution(f"target {profile['name']!r} is external: it cannot be started with "
                                    f"seeded defects or other settings ({defects or overrides})")
            description = {key: profile.get(key) for key in
                           ("http_url", "otlp_address", "sqlite_path", "duckdb_path")} | {"kind": "external"}
            description["span_source"] = profile.get("span_source", "spans")
        else:
            settings = dict(profile.get("settings", {}), **overrides)
            target = EmbeddedTarget(name, settings, [d for d in defects.split(",") if d.strip()])
            target.start()
            self._embedded[name] = target
            description = target.describe() | {"settings": settings, "span_source": "spans"}
        description |= {"name": name, "profile": profile["name"]} | {k: profile.get(k, {}) for k in PROFILE_KEYS}
        self._described[name] = description
        logger.info(f"target {name} ({profile['name']}): API {description['http_url']}, "
                    f"OTLP {description['otlp_address']}, pids {description.get('pids', '-')}")
        return description

    @keyword("Target")
    def target(self, name: str = "main") -> dict:
        """The description of the running target ``name``."""
        try:
            return self._described[name]
        except KeyError:
            raise AssertionError(f"no target named {name!r} is up") from None

    @keyword("Target Should Be Disposable")
    def target_should_be_disposable(self, name: str = "main"):
        """Skip the current test unless target ``name`` is marked disposable (destructive tests only)."""
        if not self.target(name).get("disposable"):
            raise SkipExecution(f"target {name!r} is not marked disposable: destructive test skipped")

    @keyword("Target Should Have Capability")
    def target_should_have_capability(self, capability: str, name: str = "main"):
        """Skip the current test unless the profile of target ``name`` declares ``capability``."""
        if not self.target(name).get("capabilities", {}).get(capability):
            raise SkipExecution(f"target {name!r} ({self.target(name)['profile']}) lacks the capability "
                                f"{capability!r} this test needs")

    @keyword("Stop Target")
    def stop_target(self, name: str = "main"):
        """Stop target ``name`` if this library started it (an external target is only forgotten)."""
        self._described.pop(name, None)
        target = self._embedded.pop(name, None)
        if target:
            codes = target.stop()
            logger.info(f"target {name} stopped, exit codes {codes}")

    @keyword("Stop All Targets")
    def stop_all_targets(self):
        """Stop every target this library started."""
        for name in list(self._described):
            self.stop_target(name)

    @keyword("Kill Target Process")
    def kill_target_process(self, process: str, name: str = "main"):
        """Kill ``backend`` or ``ingestion`` of target ``name`` with SIGKILL, as a crash or OOM kill would.

        Destructive: only on a disposable embedded target (skips otherwise).
        """
        target = self._embedded_for_fault(name)
        code = target.process(process).kill()
        logger.info(f"{process} of target {name} killed (exit code {code})")

    @keyword("Stop Target Process")
    def stop_target_process(self, process: str, name: str = "main") -> int:
        """Stop ``backend`` or ``ingestion`` of target ``name`` gracefully (SIGTERM); returns its exit code."""
        code = self._embedded_for_fault(name).process(process).stop()
        logger.info(f"{process} of target {name} stopped (exit code {code})")
        return code

    @keyword("Suspend Target Process")
    def suspend_target_process(self, process: str, name: str = "main"):
        """Freeze ``backend`` or ``ingestion`` (SIGSTOP): it keeps its ports but answers nothing.

        Undo with `Resume Target Process`; `Stop Target` resumes it too.
        """
        self._embedded_for_fault(name).process(process).suspend()
        logger.info(f"{process} of target {name} suspended")

    @keyword("Resume Target Process")
    def resume_target_process(self, process: str, name: str = "main"):
        """Let a suspended process run again (SIGCONT)."""
        self._embedded_for_fault(name).process(process).resume()
        logger.info(f"{process} of target {name} resumed")

    @keyword("Restart Target Process")
    def restart_target_process(self, process: str, name: str = "main", timeout: float = 30.0):
        """Start ``backend`` or ``ingestion`` of target ``name`` again, on the same ports and files, and wait
        until it is ready. The process must have been stopped or killed first."""
        target = self._embedded_for_fault(name)
        pid = target.restart_process(process, float(timeout))
        self._described[name]["pids"][process] = pid
        logger.info(f"{process} of target {name} restarted, pid {pid}")

    @keyword("Target Process Should Have Stopped Itself")
    def target_process_should_have_stopped_itself(self, process: str, name: str = "main"):
        """Fail unless ``backend`` or ``ingestion`` of target ``name`` is alive but stopped (SIGSTOP), as its
        fault hook (``pause_at``) leaves it at the named point of its work. Poll it with a bounded
        ``Wait Until Keyword Succeeds``."""
        import psutil

        handle = self._embedded_for_fault(name).process(process)
        if not handle.is_running():
            raise AssertionError(f"{process} of target {name} is not running:\n{handle.log_tail()}")
        status = psutil.Process(handle.popen.pid).status()
        if status != psutil.STATUS_STOPPED:
            raise AssertionError(f"{process} of target {name} has not reached its pause point (status {status})")
        logger.info(f"{process} of target {name} stopped itself at its pause point")

    @keyword("Target Process Should Be Running")
    def target_process_should_be_running(self, process: str, name: str = "main"):
        """Fail unless ``backend`` or ``ingestion`` of target ``name`` is alive (it did not crash)."""
        target = self._embedded_for_fault(name)
        if not target.process(process).is_running():
            raise AssertionError(f"{process} of target {name} is not running:\n{target.process(process).log_tail()}")

    def _embedded_for_fault(self, name: str) -> EmbeddedTarget:
        self.target_should_be_disposable(name)
        target = self._embedded.get(name)
        if target is None:
            raise SkipExecution(f"target {name!r} is external: the suite cannot control its processes")
        return target

    @keyword("Target Process Log")
    def target_process_log(self, process: str, name: str = "main", lines: int = 40) -> str:
        """The last ``lines`` of what process ``backend`` or ``ingestion`` of target ``name`` wrote."""
        target = self._embedded.get(name)
        return target.processes[process].log_tail(lines) if target else "(external target: no process log)"
