"""Keywords that bring the target under test up and down, or attach to a running deployment."""

import atexit

from robot.api import SkipExecution, logger
from robot.api.deco import keyword, library

from junjo_acceptance.masking import reveal
from junjo_acceptance.target.deployment import CommandFailed, Deployment, MissingCommand
from junjo_acceptance.target.embedded import EmbeddedTarget

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
        self._deployments: dict[str, Deployment] = {}
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
            description = self._attach(profile, name, defects, overrides)
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

    def _attach(self, profile: dict, name: str, defects: str, overrides: dict) -> dict:
        """Describe an external target. With a driver, a target other than ``main`` is a *fresh* one: the
        deployment is reset (the declared ``reset`` command), and requested settings are replaced by the
        declared ones — the test reads them from the description (contract Part C). Without a driver the
        deployment is only described (`Start Fresh Target` skips first: capability ``fresh_targets``)."""
        if defects:
            raise SkipExecution(f"target {profile['name']!r} is external: it cannot be started with seeded "
                                f"defects ({defects})")
        declared = dict(profile.get("settings") or {})
        appliable = (profile.get("driver") or {}).get("apply_setting", {})
        unknown = sorted(set(overrides) - set(declared) - set(appliable))
        if unknown:
            raise SkipExecution(f"target {profile['name']!r} is external and declares no setting "
                                f"{', '.join(unknown)}: this test needs {_shown(overrides, unknown)}")
        deployment = Deployment(profile, logger.info) if profile.get("driver") else None
        if name != "main" and deployment is not None:
            differing = [key for key in overrides
                         if key not in appliable and not _same(overrides[key], declared[key])]
            if differing:
                logger.info(f"the test asked for {_shown(overrides, differing)}; the deployment declares "
                            f"{_shown(declared, differing)}: the test uses the declared values")
            try:
                deployment.reset()
            except MissingCommand as missing:
                raise SkipExecution(str(missing)) from None
            for key in sorted(set(overrides) & set(appliable)):
                self._run_declared(lambda key=key: deployment.apply_setting(key, overrides[key]))
                declared[key] = overrides[key]
            self._refresh_pids()
        description = {key: profile.get(key) for key in
                       ("http_url", "otlp_address", "sqlite_path", "duckdb_path")} | {"kind": "external"}
        description |= {"span_source": profile.get("span_source", "spans"), "settings": dict(declared)}
        if deployment is not None:
            self._deployments[name] = deployment
            description["pids"] = deployment.pids()
        return description

    @keyword("Reset Target")
    def reset_target(self, name: str = "main", timeout: float = 120.0):
        """Make target ``name`` a fresh, empty deployment with the declared ``reset`` command (disposable
        external targets only; skips naming the command when the profile lacks it)."""
        self.target_should_be_disposable(name)
        deployment = self._deployments.get(name)
        if deployment is None:
            raise SkipExecution(f"target {name!r} has no deployment driver: it cannot be reset")
        try:
            deployment.reset(float(timeout))
        except MissingCommand as missing:
            raise SkipExecution(str(missing)) from None
        self._refresh_pids()

    def _refresh_pids(self) -> None:
        """After a reset the deployment's processes are new: every description of it gets their pids."""
        for name, deployment in self._deployments.items():
            if name in self._described:
                self._described[name]["pids"] = deployment.pids()

    @keyword("Target Setting Should Be")
    def target_setting_should_be(self, setting: str, value, name: str = "main"):
        """Skip the current test unless target ``name`` runs with ``setting`` = ``value``: an embedded target
        gets it when started, a deployment must declare it (naming both values when it does not)."""
        declared = self.target(name).get("settings", {})
        if setting not in declared or not _same(declared[setting], value):
            shown = _shown(declared, [setting]) if setting in declared else f"no {setting}"
            raise SkipExecution(f"target {name!r} ({self.target(name)['profile']}) declares {shown}; this "
                                f"test needs {setting}={value}")

    @keyword("Target Setting")
    def target_setting(self, setting: str, name: str = "main", default=None):
        """The value target ``name`` runs with for ``setting`` (its start settings, or what a deployment
        declares); ``default`` when it has none."""
        return self.target(name).get("settings", {}).get(setting, default)

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
        """Stop target ``name`` if this library started it. An external target is forgotten; a fresh one
        on a deployment (see `Start Target From Profile`) is reset again, so no test inherits its leftovers."""
        self._described.pop(name, None)
        deployment = self._deployments.pop(name, None)
        if deployment is not None and name != "main":
            deployment.reset()  # a fresh target's leftovers (users, keys, faults) do not outlive its test
            self._refresh_pids()
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
        """Kill ``backend`` or ``ingestion`` of target ``name`` with SIGKILL, as a crash or OOM kill would
        (a deployment: its declared ``kill`` command).

        Destructive: only on a disposable target (skips otherwise, or when the command is not declared).
        """
        code = self._control(name, process, "kill")
        logger.info(f"{process} of target {name} killed (exit code {code})")

    @keyword("Stop Target Process")
    def stop_target_process(self, process: str, name: str = "main") -> "int | None":
        """Stop ``backend`` or ``ingestion`` of target ``name`` gracefully (SIGTERM; a deployment: ``stop``);
        returns its exit code when the suite started it."""
        code = self._control(name, process, "stop")
        logger.info(f"{process} of target {name} stopped (exit code {code})")
        return code

    @keyword("Suspend Target Process")
    def suspend_target_process(self, process: str, name: str = "main"):
        """Freeze ``backend`` or ``ingestion`` (SIGSTOP; a deployment: ``freeze``): it keeps its ports but
        answers nothing. Undo with `Resume Target Process`; `Stop Target` resumes an embedded one too.
        """
        self._control(name, process, "freeze")
        logger.info(f"{process} of target {name} suspended")

    @keyword("Resume Target Process")
    def resume_target_process(self, process: str, name: str = "main"):
        """Let a suspended process run again (SIGCONT; a deployment: ``thaw``)."""
        self._control(name, process, "thaw")
        logger.info(f"{process} of target {name} resumed")

    @keyword("Restart Target Process")
    def restart_target_process(self, process: str, name: str = "main", timeout: float = 30.0):
        """Start ``backend`` or ``ingestion`` of target ``name`` again, on the same ports and files (a
        deployment: ``start``), and wait until it is ready. The process must have been stopped or killed."""
        deployment = self._deployments.get(name)
        if deployment is not None:
            self.target_should_be_disposable(name)
            self._run_declared(lambda: deployment.process(process).start(float(timeout)))
            pid = deployment.process(process).pid
        else:
            pid = self._embedded_for_fault(name).restart_process(process, float(timeout))
        self._described[name].setdefault("pids", {})[process] = pid
        logger.info(f"{process} of target {name} restarted, pid {pid}")

    @keyword("Target Process Should Have Stopped Itself")
    def target_process_should_have_stopped_itself(self, process: str, name: str = "main"):
        """Fail unless ``backend`` or ``ingestion`` of target ``name`` is alive but stopped (SIGSTOP), as its
        fault hook (``pause_at``) leaves it at the named point of its work. Poll it with a bounded
        ``Wait Until Keyword Succeeds``."""
        import psutil

        handle = self._process(name, process)
        if not handle.is_running() or handle.pid is None:
            raise AssertionError(f"{process} of target {name} is not running:\n{handle.log_tail()}")
        status = psutil.Process(handle.pid).status()
        if status != psutil.STATUS_STOPPED:
            raise AssertionError(f"{process} of target {name} has not reached its pause point (status {status})")
        logger.info(f"{process} of target {name} stopped itself at its pause point")

    @keyword("Target Process Should Be Running")
    def target_process_should_be_running(self, process: str, name: str = "main"):
        """Fail unless ``backend`` or ``ingestion`` of target ``name`` is alive (it did not crash)."""
        handle = self._process(name, process)
        if not handle.is_running():
            raise AssertionError(f"{process} of target {name} is not running:\n{handle.log_tail()}")

    _VERBS = {"kill": "kill", "stop": "stop", "freeze": "suspend", "thaw": "resume"}

    def _control(self, name: str, process: str, verb: str):
        handle = self._process(name, process)
        return self._run_declared(getattr(handle, self._VERBS[verb]))

    @staticmethod
    def _run_declared(action):
        try:
            return action()
        except MissingCommand as missing:
            raise SkipExecution(str(missing)) from None
        except CommandFailed as failed:
            raise AssertionError(f"the deployment's command failed: {failed}") from None

    def _process(self, name: str, process: str):
        """The process ``process`` of a disposable target: embedded, or driven by the deployment's commands."""
        deployment = self._deployments.get(name)
        if deployment is not None:
            self.target_should_be_disposable(name)
            return deployment.process(process)
        return self._embedded_for_fault(name).process(process)

    def _embedded_for_fault(self, name: str) -> EmbeddedTarget:
        self.target_should_be_disposable(name)
        target = self._embedded.get(name)
        if target is None:
            raise SkipExecution(f"target {name!r} is external and its profile declares no driver: the suite "
                                f"cannot control its processes")
        return target

    @keyword("Target Process Log")
    def target_process_log(self, process: str, name: str = "main", lines: int = 40) -> str:
        """The last ``lines`` of what process ``backend`` or ``ingestion`` of target ``name`` wrote."""
        target = self._embedded.get(name)
        return target.processes[process].log_tail(lines) if target else "(external target: no process log)"


def _same(one, other) -> bool:
    """Two setting values are the same (numbers compared as numbers, secrets by their value)."""
    one, other = reveal(one), reveal(other)
    try:
        return float(one) == float(other)
    except (TypeError, ValueError):
        return str(one) == str(other)


def _shown(settings: dict, keys) -> str:
    """``key=value`` of ``keys`` for a message (secrets masked by their str)."""
    return ", ".join(f"{key}={settings.get(key)}" for key in keys)
