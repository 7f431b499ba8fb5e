"""TargetControl against the real embedded target: start, describe, kill, restart, stop, clean up."""

import os
import socket
from pathlib import Path

import pytest
import requests
from robot.api import SkipExecution
from TargetControl import TargetControl

from junjo_acceptance.target.ports import free_ports

PROFILE = {"name": "reference", "kind": "embedded", "disposable": True,
           "settings": {"bcrypt_rounds": 4}, "capabilities": {"fresh_targets": True}, "limits": {}}


@pytest.fixture
def control():
    library = TargetControl()
    yield library
    library.stop_all_targets()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/status").read_text().find("zombie") < 0


def test_free_ports_are_distinct_and_bindable():
    ports = free_ports(4)
    assert len(set(ports)) == 4
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_start_describe_restart_and_stop(control):
    target = control.start_target_from_profile(PROFILE, name="t1")
    assert requests.get(target["http_url"] + "/health", timeout=5).status_code == 200
    assert Path(target["data_dir"]).is_dir() and target["disposable"] is True
    assert control.start_target_from_profile(PROFILE, name="t1") is target  # reused, not started twice

    old_pid = target["pids"]["ingestion"]
    control.kill_target_process("ingestion", name="t1")
    assert not _alive(old_pid)
    control.restart_target_process("ingestion", name="t1")
    assert control.target("t1")["pids"]["ingestion"] != old_pid
    control.target_process_should_be_running("ingestion", name="t1")

    pids = dict(control.target("t1")["pids"])
    control.stop_target("t1")
    assert not any(_alive(pid) for pid in pids.values())
    assert not Path(target["data_dir"]).exists()


def test_suspended_process_is_resumed_and_stopped(control):
    target = control.start_target_from_profile(PROFILE, name="t2")
    control.suspend_target_process("backend", name="t2")
    with pytest.raises(requests.RequestException):
        requests.get(target["http_url"] + "/health", timeout=0.5)
    control.resume_target_process("backend", name="t2")
    assert requests.get(target["http_url"] + "/health", timeout=5).status_code == 200


def test_a_failing_start_reports_the_process_log(control):
    with pytest.raises(RuntimeError, match="unknown defect"):
        control.start_target_from_profile(PROFILE, name="t3", defects="no_such_defect")


def test_external_targets_are_described_not_started(control):
    profile = {"name": "ext", "kind": "external", "http_url": "http://127.0.0.1:9", "otlp_address": "127.0.0.1:9",
               "sqlite_path": "", "duckdb_path": "", "disposable": False, "capabilities": {}, "limits": {}}
    target = control.start_target_from_profile(profile, name="ext")
    assert target["kind"] == "external" and "pids" not in target
    with pytest.raises(SkipExecution, match="not marked disposable"):
        control.kill_target_process("backend", name="ext")
    with pytest.raises(SkipExecution, match="lacks the capability"):
        control.target_should_have_capability("fresh_targets", name="ext")
