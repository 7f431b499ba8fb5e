"""``bin/deploy-reference up|down|status|reset``: the reference target (``sut/``) as a real deployment.

The reference target runs here independently of any Robot run, under **supervisord** (pinned in
requirements.txt), the way an operator would run a two-process service without containers:

- supervisord is a plain PyPI package: it installs into the project's venv like every other tool, needs no
  root, no systemd and no container runtime (CI has none of these);
- ``supervisorctl`` has exactly the verbs a deployment driver needs — ``signal KILL|STOP|CONT``, ``stop``,
  ``start``, ``pid`` — so the suite drives the deployment only through the manager (contract Part C);
- ``autorestart=false``: a process killed by a test stays dead until the test starts it again, as the
  fault tests expect (a manager that restarts on its own would hide the outage the test makes).

Everything lives in one state folder (``.deploy/`` in the project, not in git; ``JUNJO_DEPLOY_DIR``
changes it): the supervisord configuration, socket, pid and log files, the processes' logs and the data
folder. ``down`` stops the processes and supervisord, waits until they are gone, and deletes the folder.

Fixed loopback ports, clear of the product defaults (1323, 50051-50053) and of the suite's free ports:
HTTP 1423, OTLP 14251, ingestion internal 14252, backend auth 14253 (below the kernel's ephemeral
range 32768-60999, so no outgoing connection of another program can hold them); the LLM provider base URLs point at
127.0.0.1:1480, where the suite's fake provider listens while a test needs it.
"""

import argparse
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parents[3]
STATE_DIR = Path(os.environ.get("JUNJO_DEPLOY_DIR", ROOT / ".deploy")).resolve()
DATA_DIR = STATE_DIR / "data"
PRODUCTION_DATA_DIR = STATE_DIR / "data-production"
CONF = STATE_DIR / "supervisord.conf"
# A unix socket path has at most 107 bytes: a deep state folder gets its socket in /tmp instead
# (named after the state folder; supervisord removes it when it shuts down, `down` makes sure).
SOCKET = STATE_DIR / "supervisor.sock"
if len(str(SOCKET)) > 100:
    SOCKET = Path("/tmp") / f"junjo-deploy-{hashlib.sha1(str(STATE_DIR).encode()).hexdigest()[:12]}.sock"
HOST = "127.0.0.1"
# JUNJO_DEPLOY_PORTS="http,otlp,internal,auth,fake_provider,production_http,production_auth" moves them (the
# driver's own tests do).
PORTS = dict(zip(("http", "otlp", "internal", "auth", "fake_provider", "production_http", "production_auth"),
                 map(int, os.environ.get("JUNJO_DEPLOY_PORTS",
                                         "1423,14251,14252,14253,1480,1424,14254").split(",")), strict=True))
FAKE_PROVIDER_URL = f"http://{HOST}:{PORTS['fake_provider']}"

# What the deployment is started with, as JUNJO_* settings of both processes (python -m sut.backend --help).
# The profile resources/targets/reference_deployed.py declares these same values to the suite.
SETTINGS = {
    "session_lifetime_s": 60,
    "production": 0,
    "bcrypt_rounds": 4,
    "signin_max_failures": 5,
    "signin_window_s": 60,
    "invalid_key_max_failures": 50,
    "invalid_key_window_s": 5,
    "key_revalidate_s": 2,
    "poll_interval_s": 0.05,
    "sqlite_busy_timeout_s": 2,
    "duckdb_lock_wait_s": 0.5,
    "llm_timeout_s": 1,
    "model_cache_ttl_s": 5,
    "max_message_mb": 64,
    "openai_base_url": f"{FAKE_PROVIDER_URL}/openai/v1",
    "anthropic_base_url": f"{FAKE_PROVIDER_URL}/anthropic/v1",
    "gemini_base_url": f"{FAKE_PROVIDER_URL}/gemini/v1beta",
    "openai_api_key": "fake-openai-deployed-key",
    "anthropic_api_key": "fake-anthropic-deployed-key",
    "gemini_api_key": "fake-gemini-deployed-key",
}
# The version of the telemetry contract (contract A5/A7) this deployment speaks.
TELEMETRY_CONTRACT = "junjo-otlp-1"

PROGRAMS = {
    "backend": ["-m", "sut.backend", "--http-port", str(PORTS["http"]), "--auth-port", str(PORTS["auth"]),
                "--ingestion-address", f"{HOST}:{PORTS['internal']}"],
    "ingestion": ["-m", "sut.ingestion", "--otlp-port", str(PORTS["otlp"]), "--internal-port",
                  str(PORTS["internal"]), "--backend-auth-address", f"{HOST}:{PORTS['auth']}"],
    # The same backend in production mode (B3: Secure cookies) on its own port and data folder, for the one
    # test that checks production cookies over plain loopback HTTP; it takes no spans (no ingestion there).
    "backend-production": ["-m", "sut.backend", "--http-port", str(PORTS["production_http"]), "--auth-port",
                           str(PORTS["production_auth"]), "--ingestion-address", f"{HOST}:1",
                           "--production", "1", "--data-dir", str(PRODUCTION_DATA_DIR)],
}


def supervisorctl(*args: str) -> str:
    """The shell command that runs ``supervisorctl`` on this deployment's configuration."""
    return " ".join([str(Path(sys.executable).with_name("supervisorctl")), "-c", str(CONF), *args])


def _environment() -> str:
    env = {"JUNJO_" + key.upper(): str(value) for key, value in SETTINGS.items()}
    env |= {"JUNJO_DATA_DIR": str(DATA_DIR), "JUNJO_HOST": HOST, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    return ",".join(f'{key}="{value}"' for key, value in env.items())


def configuration() -> str:
    """supervisord.conf of the deployment: a unix socket in the state folder, two programs."""
    lines = [
        "[unix_http_server]", f"file={SOCKET}", "chmod=0700", "",
        "[supervisord]", f"logfile={STATE_DIR}/supervisord.log", f"pidfile={STATE_DIR}/supervisord.pid",
        f"directory={ROOT}", "nodaemon=false", "loglevel=info", "",
        "[rpcinterface:supervisor]",
        "supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface", "",
        "[supervisorctl]", f"serverurl=unix://{SOCKET}", "",
    ]
    for name, args in PROGRAMS.items():
        lines += [
            f"[program:{name}]", f"command={sys.executable} {' '.join(args)}", f"directory={ROOT}",
            f"environment={_environment()}", "autostart=true", "autorestart=false", "startsecs=0",
            "stopsignal=TERM", "stopwaitsecs=10", "stopasgroup=true", "killasgroup=true",
            f"stdout_logfile={STATE_DIR}/{name}.log", "redirect_stderr=true", "",
        ]
    return "\n".join(lines)


def _port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex((HOST, port)) == 0


def _healthy(port: int = PORTS["http"]) -> bool:
    try:
        with urlopen(f"http://{HOST}:{port}/health", timeout=2) as answer:
            return answer.status == 200
    except (URLError, OSError):
        return False


def wait_ready(timeout_s: float = 60.0) -> None:
    """Wait until the HTTP API answers /health and the OTLP port accepts connections."""
    deadline = time.monotonic() + timeout_s
    while not (_healthy() and _port_open(PORTS["otlp"]) and _healthy(PORTS["production_http"])):
        if time.monotonic() > deadline:
            raise SystemExit(f"the deployment was not ready within {timeout_s:g} s; see {STATE_DIR}/*.log")
        time.sleep(0.1)


def _supervisord_pid() -> "int | None":
    try:
        pid = int((STATE_DIR / "supervisord.pid").read_text())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def up() -> None:
    """Start supervisord with both programs on an empty (or the existing) data folder, wait until ready."""
    if _supervisord_pid():
        print(f"already up (supervisord pid {_supervisord_pid()}); state in {STATE_DIR}")
        return
    busy = [port for name, port in PORTS.items() if name != "fake_provider" and _port_open(port)]
    if busy:
        raise SystemExit(f"ports {busy} on {HOST} are taken: is another deployment running?")
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    PRODUCTION_DATA_DIR.mkdir(parents=True, exist_ok=True)
    CONF.write_text(configuration())
    (STATE_DIR / "deployment.json").write_text(json.dumps(
        {"ports": PORTS, "data_dir": str(DATA_DIR), "settings": SETTINGS}, indent=2))
    subprocess.run([str(Path(sys.executable).with_name("supervisord")), "-c", str(CONF)], check=True)
    wait_ready()
    print(f"up: API http://{HOST}:{PORTS['http']}, OTLP {HOST}:{PORTS['otlp']}; state in {STATE_DIR}")


def down(timeout_s: float = 30.0) -> None:
    """Stop both programs and supervisord, wait until every process is gone, delete the state folder."""
    pid = _supervisord_pid()
    if pid:
        subprocess.run(supervisorctl("shutdown").split(), check=False, capture_output=True, timeout=timeout_s)
        deadline = time.monotonic() + timeout_s
        while _supervisord_pid() and time.monotonic() < deadline:
            time.sleep(0.1)
        if _supervisord_pid():
            os.killpg(pid, signal.SIGKILL)
    deadline = time.monotonic() + timeout_s
    while any(_port_open(port) for name, port in PORTS.items() if name != "fake_provider"):
        if time.monotonic() > deadline:
            raise SystemExit(f"ports {PORTS} still answer after down")
        time.sleep(0.1)
    shutil.rmtree(STATE_DIR, ignore_errors=True)
    SOCKET.unlink(missing_ok=True)
    print("down: no process, port or file of the deployment is left")


def reset() -> None:
    """A fresh, empty deployment through the manager: stop both programs, wipe the data folder, start them."""
    subprocess.run(supervisorctl("stop", "all").split(), check=True, capture_output=True, timeout=60)
    for folder in (DATA_DIR, PRODUCTION_DATA_DIR):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    subprocess.run(supervisorctl("start", "all").split(), check=True, capture_output=True, timeout=60)
    wait_ready()


def status() -> int:
    """Print the manager's status; exit code 0 when both programs run."""
    if not _supervisord_pid():
        print(f"down (no supervisord for {STATE_DIR})")
        return 3
    return subprocess.run(supervisorctl("status").split(), check=False).returncode


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(prog="bin/deploy-reference", description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("up", "down", "status", "reset", "config"))
    action = parser.parse_args(argv).action
    if action == "config":
        print(configuration())
        return 0
    if action == "status":
        return status()
    {"up": up, "down": down, "reset": reset}[action]()
    return 0


if __name__ == "__main__":
    sys.exit(main())
