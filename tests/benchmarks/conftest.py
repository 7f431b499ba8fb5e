"""The loopback sink every benchmark sends to: an OTLP Export endpoint in a process of its own
(``otlp_sink.py``) that acknowledges without parsing, so the rates measured are the senders'."""

import subprocess
import sys
from pathlib import Path

import pytest
from sdk_baseline import PROXY_VARIABLES


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch):
    """Loopback only: gRPC and Locust must not route the sink's address through a proxy."""
    for variable in PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture(scope="module")
def sink():
    process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("otlp_sink.py"))],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    address = f"127.0.0.1:{int(process.stdout.readline())}"
    yield address
    process.stdin.close()
    process.wait(timeout=10)
