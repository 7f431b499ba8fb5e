"""A headless Locust run — one master and N worker processes on loopback — and its statistics.

Locust runs as subprocesses (``python -m locust``), never inside the calling process: it patches the
standard library with gevent. Every run is bounded four ways: users (``-u``), arrival rate
(``--load-rate``), time (``--run-time``, and a hard wall-clock limit after which the processes are
killed) and request count (``--load-requests``). Secrets reach the workers only through environment
variables, and every text read back from Locust (its log, its failure messages) has them masked.

The statistics come from the master's ``--json-file`` (per request name and type: counts, failures, a
histogram of response times, first and last request) and ``--csv`` history (one row a second). Request
type ``INTENDED`` holds latencies from each request's intended start (open loop, see ``locustfile``);
the other types (``GET``, ``EXPORT``) Locust's service times. Percentiles are read from Locust's
histogram, whose buckets are 1 ms below 100 ms, 10 ms below 1 s and 100 ms above.
"""

import csv
import json
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from junjo_acceptance.masking import mask
from junjo_acceptance.target.ports import free_ports

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
LIBRARIES = Path(__file__).resolve().parents[2]
INTENDED, EXPORT = "INTENDED", "EXPORT"
STATS = "stats"
WORKER_START_WAIT_S = 30
SHUTDOWN_GRACE_S = 30
PERCENTILES = (50, 95, 99)
SPAWN_PER_WORKER = 200
SCHEDULE_SLACK_S = 5
SETTLE_S = 1.0
FAILURES_KEPT = 10


@dataclass
class LoadPlan:
    """What one Locust run does. ``options`` are the locustfile's own ``--load-*`` options (not secret);
    ``secrets`` are environment variables for the workers (``JUNJO_LOAD_COOKIE``, ``JUNJO_LOAD_API_KEY``)."""

    user_class: str
    users: int
    rate_per_s: float
    requests: int
    run_time_s: float
    workers: int = 2
    spawn_rate: float = 0.0  # users per second; 0: 200 per worker
    host: str = "http://127.0.0.1"
    options: dict = field(default_factory=dict)
    secrets: dict = field(default_factory=dict)

    def locust_options(self) -> list[str]:
        """Options shared by the master and its workers (the master hands custom ones on too, but a
        worker started on another machine must know them before it connects)."""
        options = {"load-rate": self.rate_per_s, "load-requests": self.requests, "load-users": self.users,
                   "load-settle": SETTLE_S, **self.options}
        arguments = ["-f", str(LOCUSTFILE)]
        for name, value in options.items():
            arguments += [f"--{name}", str(value)]
        return arguments

    @property
    def users_per_s(self) -> float:
        return self.spawn_rate or SPAWN_PER_WORKER * self.workers

    @property
    def start_delay_s(self) -> float:
        """When the schedules start at the latest: every user spawned (twice the planned time, for a busy
        machine), then ``SETTLE_S``."""
        return 2 * self.users / self.users_per_s + SETTLE_S

    @property
    def time_limit_s(self) -> float:
        """Locust's ``--run-time``: the planned schedule (requests / rate) after the start delay, and the run's
        own bound ``run_time_s`` at most (``run_time_s`` itself when ``requests`` is 0: no count bound)."""
        if not self.requests:
            return self.run_time_s
        return min(self.run_time_s, self.start_delay_s + self.requests / self.rate_per_s + SCHEDULE_SLACK_S)

    def master_command(self, port: int) -> list[str]:
        return [sys.executable, "-m", "locust", *self.locust_options(), "--master", "--master-bind-host",
                "127.0.0.1", "--master-bind-port", str(port), "--expect-workers", str(self.workers),
                "--expect-workers-max-wait", str(WORKER_START_WAIT_S), "--headless", "-u", str(self.users),
                "-r", str(self.users_per_s), "-t", f"{math.ceil(self.time_limit_s)}s", "--stop-timeout", "10",
                "-H", self.host, "--json-file", STATS, "--csv", STATS, "--only-summary", self.user_class]

    def worker_command(self, port: int) -> list[str]:
        return [sys.executable, "-m", "locust", *self.locust_options(), "--worker", "--master-host",
                "127.0.0.1", "--master-port", str(port), self.user_class]


@dataclass
class Launched:
    name: str
    process: subprocess.Popen
    log: Path


def _environment(plan: LoadPlan) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(LIBRARIES), env.get("PYTHONPATH", "")]))
    for variable in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "grpc_proxy", "GRPC_PROXY"):
        env.pop(variable, None)
    env.update({name: str(value) for name, value in plan.secrets.items()})
    return env


def _launch(name: str, command: list[str], env: dict, folder: Path) -> Launched:
    log = folder / f"{name}.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=folder, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    return Launched(name, process, log)


def _finish(launched: Launched, deadline: float) -> int:
    """Wait until ``deadline`` (monotonic) for the process to end, then kill it; returns its exit code."""
    try:
        return launched.process.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        launched.process.kill()
        return launched.process.wait(timeout=10)


def run(plan: LoadPlan, folder: "str | Path") -> dict:
    """Run ``plan`` (master + ``plan.workers`` workers) with its files in ``folder``; return its
    statistics (:func:`statistics`) plus ``exit_codes``, ``wall_s`` and ``killed`` (the run overran)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    port = free_ports(1)[0]
    env = _environment(plan)
    began = time.monotonic()
    workers = [_launch(f"worker-{n}", plan.worker_command(port), env, folder) for n in range(1, plan.workers + 1)]
    master = _launch("master", plan.master_command(port), env, folder)
    deadline = began + WORKER_START_WAIT_S + plan.time_limit_s + SHUTDOWN_GRACE_S
    codes = {"master": _finish(master, deadline)}
    killed = time.monotonic() >= deadline
    for worker in workers:
        codes[worker.name] = _finish(worker, time.monotonic() + 10)
    result = statistics(folder, plan, list(plan.secrets.values()))
    result.update(exit_codes=codes, wall_s=time.monotonic() - began, killed=killed,
                  log_tail=masked(_tail(master.log), list(plan.secrets.values())))
    return result


def _tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def masked(text: str, secrets: list) -> str:
    """``text`` with every secret value replaced by its masked form."""
    for secret in secrets:
        if secret:
            text = text.replace(str(secret), mask(str(secret)))
    return text


def percentile(histogram: dict, percent: float) -> float:
    """The ``percent`` percentile of a Locust histogram ``{response time ms: count}`` (Locust's own rule:
    the smallest bucket at which the running count reaches ``percent`` of the total)."""
    total = sum(histogram.values())
    if not total:
        return 0.0
    wanted = total * percent / 100
    running = 0
    for value in sorted(histogram):
        running += histogram[value]
        if running >= wanted:
            return float(value)
    return float(max(histogram))


def summary(entries: list[dict]) -> dict:
    """One latency summary over Locust stats entries (merged histograms): ``count``, ``errors``,
    ``p50_ms``, ``p95_ms``, ``p99_ms``, ``max_ms``, ``mean_ms``, ``items`` (response lengths: spans for an
    Export), ``first_s``, ``last_s`` (epoch seconds of the first and last request)."""
    histogram: dict = {}
    for entry in entries:
        for value, count in entry["response_times"].items():
            histogram[float(value)] = histogram.get(float(value), 0) + count
    count = sum(entry["num_requests"] for entry in entries)
    result = {"count": count, "errors": sum(entry["num_failures"] for entry in entries),
              "max_ms": max((entry["max_response_time"] or 0 for entry in entries), default=0.0),
              "mean_ms": sum(entry["total_response_time"] for entry in entries) / count if count else 0.0,
              "items": sum(entry["total_content_length"] for entry in entries),
              "first_s": min((entry["start_time"] for entry in entries), default=0.0),
              "last_s": max((entry["last_request_timestamp"] or 0 for entry in entries), default=0.0)}
    result.update({f"p{p}_ms": percentile(histogram, p) for p in PERCENTILES})
    return result


def history(path: Path, events_per_request: int = 2) -> dict:
    """The per-second history of the whole run (Locust's ``Aggregated`` row): ``at_s``, ``users``,
    ``requests_per_s``, ``p50_ms``, ``p95_ms`` (percentiles of Locust's recent window, over both request
    types). Every open-loop request is recorded twice (``INTENDED`` and its service time), so Locust's
    rate is divided by ``events_per_request``."""
    series = {"at_s": [], "users": [], "requests_per_s": [], "p50_ms": [], "p95_ms": []}
    try:
        rows = [row for row in csv.DictReader(path.open()) if row["Name"] == "Aggregated"]
    except OSError:
        return series
    start = float(rows[0]["Timestamp"]) if rows else 0.0
    for row in rows:
        series["at_s"].append(float(row["Timestamp"]) - start)
        series["users"].append(int(row["User Count"]))
        series["requests_per_s"].append(float(row["Requests/s"]) / events_per_request)
        for key, column in (("p50_ms", "50%"), ("p95_ms", "95%")):
            series[key].append(float(row[column]) if row[column] not in ("N/A", "") else None)
    return series


def statistics(folder: Path, plan: LoadPlan, secrets: list) -> dict:
    """The run's figures from the master's files in ``folder`` (see the module docs).

    ``open_loop``: summary of the ``INTENDED`` latencies; ``service``: of Locust's own (service time);
    ``by_name``: ``{name: {"open_loop": ..., "service": ...}}``; ``requests`` and ``failures``: of the
    open-loop requests; ``achieved_rate_per_s``: requests completed per second between the first and the
    last one; ``items_per_s``: spans acknowledged per second (Export users; 0 for others);
    ``failure_examples``: up to ten ``"<type> <name>: <error> (×n)"``, secrets masked; ``history`` (see
    :func:`history`)."""
    try:
        entries = json.loads((folder / f"{STATS}.json").read_text())
    except (OSError, ValueError):
        entries = []
    intended = [entry for entry in entries if entry["method"] == INTENDED]
    served = [entry for entry in entries if entry["method"] != INTENDED]
    exports = [entry for entry in served if entry["method"] == EXPORT]
    open_loop, service = summary(intended), summary(served)
    span = max(open_loop["last_s"] - open_loop["first_s"], 1e-9)
    failures = []
    try:
        with (folder / f"{STATS}_failures.csv").open() as rows:
            failures = [f"{row['Method']} {row['Name']}: {masked(row['Error'], secrets)} (×{row['Occurrences']})"
                        for row in csv.DictReader(rows)]
    except OSError:
        pass
    names = sorted({entry["name"] for entry in entries})
    return {
        "user_class": plan.user_class, "users": plan.users, "workers": plan.workers,
        "declared_rate_per_s": plan.rate_per_s, "planned_requests": plan.requests,
        "requests": open_loop["count"], "failures": open_loop["errors"],
        "achieved_rate_per_s": open_loop["count"] / span if open_loop["count"] > 1 else 0.0,
        "items_per_s": summary(exports)["items"] / span if exports and open_loop["count"] > 1 else 0.0,
        "elapsed_s": span if open_loop["count"] > 1 else 0.0,
        "open_loop": open_loop, "service": service,
        "by_name": {name: {"open_loop": summary([e for e in intended if e["name"] == name]),
                           "service": summary([e for e in served if e["name"] == name])} for name in names},
        "failure_examples": failures[:FAILURES_KEPT],
        "history": history(folder / f"{STATS}_stats_history.csv"),
    }
