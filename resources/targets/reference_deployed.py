"""Target profile: the reference target as a real deployment under supervisord (``bin/deploy-reference``).

The suite did not start it and drives it only through the manager's commands (contract Part C):
``supervisorctl signal KILL|STOP|CONT``, ``stop``, ``start``, ``pid``; reset = stop all, wipe the data
folder, start all. ``settings`` are the values the deployment was started with (tools/deploy_reference.py
starts it with exactly these); tests read them instead of forcing their own.

    bin/deploy-reference up
    bin/acceptance --variable TARGET:reference_deployed --outputdir results/deployed
    bin/deploy-reference down
"""

import importlib.util
from pathlib import Path

from robot.api.types import Secret

_spec = importlib.util.spec_from_file_location(
    "deploy_reference",
    Path(__file__).resolve().parents[2] / "libraries" / "junjo_acceptance" / "tools" / "deploy_reference.py")
_deployment = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_deployment)
_ctl = _deployment.supervisorctl
_DATA = _deployment.DATA_DIR
_PRODUCTION_DATA = _deployment.PRODUCTION_DATA_DIR
_SETTINGS = _deployment.SETTINGS


def _component(program: str) -> dict:
    return {
        "stop": _ctl("stop", program),
        "kill": _ctl("signal", "KILL", program),
        "freeze": _ctl("signal", "STOP", program),
        "thaw": _ctl("signal", "CONT", program),
        "start": _ctl("start", program),
        "pid": _ctl("pid", program),
    }


TARGET_PROFILE = {
    "name": "reference_deployed",
    "kind": "external",
    "http_url": f"http://{_deployment.HOST}:{_deployment.PORTS['http']}",
    "otlp_address": f"{_deployment.HOST}:{_deployment.PORTS['otlp']}",
    "sqlite_path": str(_DATA / "junjo.sqlite"),
    "duckdb_path": str(_DATA / "spans.duckdb"),
    "disposable": True,
    # The same backend started in production mode (Secure session cookies, B3), its own data, no spans.
    "production_http_url": f"http://{_deployment.HOST}:{_deployment.PORTS['production_http']}",
    "driver": {
        "backend": _component("backend") | {"files": [str(_DATA / "junjo.sqlite"), str(_DATA / "spans.duckdb")]},
        "ingestion": _component("ingestion") | {"files": [str(_DATA / "wal.sqlite")]},
        # Settings a test may ask for that the deployment applies with a command ({value}: the test's value).
        # pause_at: the backend's crash-ordering fault hook, read from its data folder when it starts.
        "apply_setting": {
            "pause_at": f"printf %s {{value}} > {_DATA / 'pause-at'} && {_ctl('restart', 'backend')}",
        },
        "reset": f"{_ctl('stop', 'all')} && rm -rf {_DATA} {_PRODUCTION_DATA} && mkdir -p {_DATA} {_PRODUCTION_DATA}"
                 f" && {_ctl('start', 'all')}",
    },
    # What the deployment was started with (secrets as Secret: they are never logged).
    "settings": {key: Secret(value) if key.endswith("_api_key") else value for key, value in _SETTINGS.items()}
    | {"telemetry_contract": _deployment.TELEMETRY_CONTRACT},
    "capabilities": {
        "fresh_targets": False,         # one deployment: "fresh" means the reset command
        "key_ownership": True,
        "offset_paging": True,
        "ping": True,
        "signin_on_first_user": False,
        "configurable_provider_urls": True,  # its provider URLs point at the fake provider's fixed port
        "fault_hooks": True,            # pause_at through the driver's apply_setting command
    },
    "limits": {
        "signin_max_failures": _SETTINGS["signin_max_failures"],
        "invalid_key_max_failures": _SETTINGS["invalid_key_max_failures"],
        "invalid_key_window_s": _SETTINGS["invalid_key_window_s"],
        "key_revocation_s": 5,
    },
}

ADMIN_EMAIL = "qa-admin@acceptance.example"
ADMIN_PASSWORD = Secret("deployed-" + "qa-admin-password")
