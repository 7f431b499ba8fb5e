"""The host lock between acceptance runs: behaviour suites share the host, measurements get it alone."""

import subprocess
import sys
import time

import pytest

from junjo_acceptance.host_lock import HostLock, supported

pytestmark = pytest.mark.skipif(not supported(), reason="no flock on this platform")


def test_behaviour_suites_share_the_host(tmp_path):
    first, second = HostLock(tmp_path / "host.lock"), HostLock(tmp_path / "host.lock")
    assert first.acquire(exclusive=False, timeout_s=1) < 1
    assert second.acquire(exclusive=False, timeout_s=1) < 1
    first.release()
    second.release()


def test_measurements_wait_for_every_other_suite_and_then_get_the_host(tmp_path):
    behaviour, measurement = HostLock(tmp_path / "host.lock"), HostLock(tmp_path / "host.lock")
    behaviour.acquire(exclusive=False, timeout_s=1)
    with pytest.raises(TimeoutError, match="stayed taken"):
        measurement.acquire(exclusive=True, timeout_s=0.5)
    behaviour.release()
    assert measurement.acquire(exclusive=True, timeout_s=1) < 1
    with pytest.raises(TimeoutError):
        HostLock(tmp_path / "host.lock").acquire(exclusive=False, timeout_s=0.5)
    measurement.release()


def test_a_killed_run_leaves_the_host_free(tmp_path):
    path = tmp_path / "host.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import pathlib, time; from junjo_acceptance.host_lock import HostLock; "
         f"lock = HostLock(pathlib.Path({str(path)!r})); lock.acquire(True, 5); print('held', flush=True); "
         "time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(TimeoutError):
            HostLock(path).acquire(exclusive=False, timeout_s=0.3)
    finally:
        holder.kill()
        holder.wait()
    started = time.monotonic()
    lock = HostLock(path)
    lock.acquire(exclusive=True, timeout_s=5)
    lock.release()
    assert time.monotonic() - started < 2
