"""Background work of the ingestion process gives way to acknowledgements: the log is checkpointed only when
appends pause, and the ReadSpans stream waits (briefly) while an Export runs."""

import threading
import time

from sut.ingestion import wal
from sut.ingestion.activity import ExportActivity

ROW = (b"s" * 4000, b"resource")


def test_the_log_is_checkpointed_when_appends_pause_not_during_them(tmp_path, monkeypatch):
    monkeypatch.setattr(wal, "CHECKPOINT_IDLE_S", 2.0)  # generous: a slow fsync must not look like a pause
    log = wal.Wal(tmp_path)
    try:
        database = tmp_path / wal.FILE_NAME
        empty = database.stat().st_size
        deadline = time.monotonic() + 0.5
        while time.monotonic() < deadline:  # appends without pause: no checkpoint in between
            log.append([ROW] * 10)
            time.sleep(0.02)
        assert database.stat().st_size == empty
        monkeypatch.setattr(wal, "CHECKPOINT_IDLE_S", 0.1)
        wait_until = time.monotonic() + 5
        while database.stat().st_size == empty and time.monotonic() < wait_until:
            time.sleep(0.05)
        assert database.stat().st_size > empty
        assert len(list(log.read(b"", 100_000))) > 10
    finally:
        log.close()


def test_export_activity_tells_when_no_export_runs():
    exports = ExportActivity()
    assert exports.wait_until_idle(0)
    entered, leave = threading.Event(), threading.Event()

    def export():
        with exports:
            entered.set()
            leave.wait(5)

    worker = threading.Thread(target=export)
    worker.start()
    entered.wait(5)
    started = time.monotonic()
    assert not exports.wait_until_idle(0.05)
    assert time.monotonic() - started >= 0.05
    threading.Timer(0.05, leave.set).start()
    assert exports.wait_until_idle(5)
    worker.join(5)
