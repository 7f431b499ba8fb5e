"""The deployment driver against a real deployment: the reference target under supervisord
(``tools/deploy_reference.py``) on free ports and a private state folder, driven only through the commands
its profile (``resources/targets/reference_deployed.py``) declares — they really kill, freeze and reset."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
import requests

from junjo_acceptance.target.deployment import CommandFailed, Deployment, MissingCommand, run_command
from junjo_acceptance.target.ports import free_ports

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "resources" / "targets" / "reference_deployed.py"


def _deploy(action: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "junjo_acceptance.tools.deploy_reference", action], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def deployment(tmp_path_factory):
    """A deployment of its own (up for the module, down afterwards) and its profile."""
    state = tmp_path_factory.mktemp("deployment") / "state"
    ports = free_ports(7, "127.0.0.1")
    env = dict(os.environ, JUNJO_DEPLOY_DIR=str(state), JUNJO_DEPLOY_PORTS=",".join(map(str, ports)))
    old = {key: os.environ.get(key) for key in ("JUNJO_DEPLOY_DIR", "JUNJO_DEPLOY_PORTS")}
    os.environ.update({key: env[key] for key in old})  # the profile reads them when loaded
    try:
        spec = importlib.util.spec_from_file_location("reference_deployed_under_test", PROFILE)
        profile_module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(profile_module)
    finally:
        for key, value in old.items():
            os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)
    started = _deploy("up", env)
    assert started.returncode == 0, started.stdout + started.stderr
    profile = profile_module.TARGET_PROFILE
    yield Deployment(profile, log=lambda line: None), profile, state, env, ports
    stopped = _deploy("down", env)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr


def _healthy(profile: dict) -> bool:
    try:
        return requests.get(profile["http_url"] + "/health", timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_the_profile_declares_every_command_and_setting(deployment):
    _, profile, state, _, _ = deployment
    for component in ("backend", "ingestion"):
        assert set(profile["driver"][component]) >= {"stop", "kill", "freeze", "thaw", "start", "pid", "files"}
        assert all("supervisorctl" in profile["driver"][component][verb] for verb in ("stop", "kill", "start"))
    assert str(state) in profile["driver"]["reset"]
    for setting in ("session_lifetime_s", "signin_max_failures", "invalid_key_max_failures", "poll_interval_s",
                    "openai_base_url", "telemetry_contract"):
        assert setting in profile["settings"]


def test_kill_really_kills_and_start_brings_the_component_back(deployment):
    driver, profile, *_ = deployment
    backend = driver.process("backend")
    pid = backend.pid
    assert pid and psutil.pid_exists(pid)
    backend.kill()
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert not backend.is_running() and not _healthy(profile)
    backend.start()
    assert backend.is_running() and backend.pid != pid and _healthy(profile)


def test_freeze_stops_the_process_and_thaw_lets_it_run(deployment):
    driver, profile, *_ = deployment
    backend = driver.process("backend")
    backend.suspend()
    try:
        assert psutil.Process(backend.pid).status() == psutil.STATUS_STOPPED
        with pytest.raises(requests.Timeout):
            requests.get(profile["http_url"] + "/health", timeout=1)
    finally:
        backend.resume()
    assert psutil.Process(backend.pid).status() != psutil.STATUS_STOPPED and _healthy(profile)


def test_stop_is_graceful_and_start_serves_again(deployment):
    driver, profile, *_ = deployment
    ingestion = driver.process("ingestion")
    ingestion.stop()
    assert not ingestion.is_running() and not driver._otlp_ready()
    ingestion.start()
    assert ingestion.is_running() and driver._otlp_ready()


def test_reset_gives_an_empty_deployment(deployment):
    driver, profile, *_ = deployment
    url = profile["http_url"]
    created = requests.post(url + "/users/create-first-user",
                            json={"email": "reset@example.com", "password": "a-long-enough-password"}, timeout=10)
    assert created.status_code == 200
    assert requests.get(url + "/users/db-has-users", timeout=5).json()["users_exist"] is True
    driver.reset()
    assert requests.get(url + "/users/db-has-users", timeout=5).json()["users_exist"] is False


def test_a_missing_command_is_named(deployment):
    _, profile, *_ = deployment
    lacking = dict(profile, driver={"backend": {"stop": "true"}})
    with pytest.raises(MissingCommand, match="declares no 'kill' command for backend"):
        Deployment(lacking).process("backend").kill()
    with pytest.raises(MissingCommand, match="declares no 'reset' command for the deployment"):
        Deployment(lacking).reset()


def test_a_failing_command_fails_with_its_output():
    with pytest.raises(CommandFailed, match="exited 3"):
        run_command("echo broken >&2; exit 3")
    with pytest.raises(CommandFailed, match="did not finish"):
        run_command("sleep 5", timeout_s=0.2)


def test_down_leaves_no_process_port_or_file(tmp_path):
    state = tmp_path / "state"
    ports = free_ports(7, "127.0.0.1")
    env = dict(os.environ, JUNJO_DEPLOY_DIR=str(state), JUNJO_DEPLOY_PORTS=",".join(map(str, ports)))
    assert _deploy("up", env).returncode == 0
    pids = [int((state / "supervisord.pid").read_text())]
    pids += [child.pid for child in psutil.Process(pids[0]).children(recursive=True)]
    assert _deploy("down", env).returncode == 0
    assert not state.exists()
    assert not any(psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE for pid in pids)
    # A port may be taken again at once by another program picking free ports: only ours must be gone.
    listening = {c.laddr.port for c in psutil.net_connections("tcp")
                 if c.status == psutil.CONN_LISTEN and (c.pid is None or c.pid in pids)}
    assert not listening & (set(ports) - {ports[4]})
