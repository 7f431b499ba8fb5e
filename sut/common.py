"""Small pieces shared by both processes of the reference target."""

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path


class EnvDefaultsParser(argparse.ArgumentParser):
    """An argument parser whose every ``--flag-name`` falls back to env ``JUNJO_FLAG_NAME``."""

    def add_setting(self, flag: str, *, default, type=str, help: str = ""):
        env = "JUNJO_" + flag.lstrip("-").replace("-", "_").upper()
        value = os.environ.get(env)
        if value is not None:
            default = type(value)
        self.add_argument(flag, default=default, type=type, help=f"{help} (env {env}, default {default!r})")


def write_ready_file(path: str | None, info: dict) -> None:
    """Atomically write ``info`` as JSON to ``path`` (if given), so a watcher never reads half a file."""
    if not path:
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".ready-")
    with os.fdopen(fd, "w") as handle:
        json.dump({"pid": os.getpid(), **info}, handle)
    os.replace(tmp, target)


def switch_on_defects(names: str, process: str, log) -> bool:
    """Apply the seeded defects named in ``names`` to ``process``; False (after saying why) on an unknown name."""
    from sut import defects

    return _switch_on(defects.apply, names, process, lambda applied: log.warning(
        "seeded defects switched on: %s", applied))


def switch_on_behaviours(names: str, process: str, log) -> bool:
    """Apply the seeded behaviours (``sut/behaviours``: legitimate ways real deployments differ) named in
    ``names`` to ``process``; False (after saying why) on an unknown name."""
    from sut import behaviours

    return _switch_on(behaviours.apply, names, process, lambda applied: log.info(
        "seeded behaviours (legitimate, like a real deployment) switched on: %s", applied))


def _switch_on(apply, names: str, process: str, report) -> bool:
    try:
        applied = apply(split_names(names), process)
    except ValueError as error:
        print(f"{process}: {error}", file=sys.stderr)
        return False
    if applied:
        report(", ".join(applied))
    return True


def split_names(value: str) -> list[str]:
    """``"a, b,,c"`` → ``["a", "b", "c"]``."""
    return [part.strip() for part in (value or "").split(",") if part.strip()]


BACKGROUND_NICE = 10


def lower_thread_priority(increment: int = BACKGROUND_NICE) -> None:
    """Let the calling thread give way to the others when the CPU is busy (Linux: each thread has its own nice
    value). For background work — draining the log into the span store — so it never delays acknowledgements
    and queries; where that is not possible or not permitted, nothing changes."""
    try:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + increment)
    except (AttributeError, OSError):
        pass


# The fault hook of crash-ordering tests: the process stops itself (SIGSTOP) at a named point of its work,
# once per data folder, so a test can kill it exactly there instead of hoping a kill lands in the window.
_PAUSE: dict = {"point": "", "marker": None}


PAUSE_FILE = "pause-at"


def arm_pause(point: str, data_dir: Path) -> None:
    """Stop this process the first time it reaches ``point`` (``--pause-at``, or else the point named in the
    file ``pause-at`` of ``data_dir``, which a process manager can write before a restart without changing
    the command line; empty = never). A marker file in ``data_dir`` remembers that it did, so the restarted
    process runs on."""
    armed = Path(data_dir) / PAUSE_FILE
    if not point and armed.exists():
        point = armed.read_text().strip()
    _PAUSE.update(point=point, marker=Path(data_dir) / f"paused-at-{point}" if point else None)


def pause_point(point: str) -> None:
    """A named point between two steps (e.g. ``poller.cursor_saved``): stops the process there if armed."""
    marker = _PAUSE["marker"]
    if point != _PAUSE["point"] or marker is None or marker.exists():
        return
    marker.write_text(str(os.getpid()))
    os.kill(os.getpid(), signal.SIGSTOP)

