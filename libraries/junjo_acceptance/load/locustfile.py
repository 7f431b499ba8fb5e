"""Locust user classes of the suite: OTLP ``Export`` senders and HTTP API readers.

Loaded by Locust's own processes only (``locust -f libraries/load/locustfile.py``, master and workers):
Locust patches the standard library with gevent, so nothing of the Robot process imports this module.

- :class:`OtlpExportUser` sends Export requests built by the suite's span generator
  (``junjo_acceptance.ingestion.load_generator.SpanLoad``: one prebuilt request, fresh ids stamped into its bytes), so a
  Locust worker pushes tens of thousands of spans a second and the target is measured, not Locust.
- :class:`ApiReaderUser` reads what the UI reads while someone browses traces: a trace, pages of a
  service's spans, its root spans, the services, the API keys. It checks every answer (status, JSON
  list, the trace complete, pages only of their service).

Both are **open-loop** (see :class:`OpenLoopUser`): each user sends on its own fixed schedule, so
together the users arrive at ``--load-rate`` requests per second whatever the target's latency, and each
request is also recorded with its latency measured from its *intended* start (request type
``INTENDED``) — a late request carries the delay it suffered before it could be sent, so a slow moment
of the target is not under-sampled (no coordinated omission). Locust's own figure for the same request
(request type ``GET`` / ``EXPORT``) is the service time, measured from when it was actually sent.

Settings that are not secret are Locust command-line options (``--load-rate``, ``--load-requests``, …;
the master hands them to its workers); secrets — the session cookie and the API key — come only from
environment variables (``JUNJO_LOAD_COOKIE``, ``JUNJO_LOAD_API_KEY``), so they never appear in a command
line, a process list or Locust's output.
"""

import os
import random
import time

import gevent
import gevent.event
import grpc
import grpc.experimental.gevent as grpc_gevent
from locust import FastHttpUser, User, events, task
from locust.exception import StopUser
from locust.runners import WorkerRunner

grpc_gevent.init_gevent()  # grpc's own threads must cooperate with gevent before any channel exists

from junjo_acceptance.ingestion.grpc_sender import API_KEY_HEADER, ExportChannels  # noqa: E402 (after init_gevent)
from junjo_acceptance.ingestion.load_generator import SpanLoad  # noqa: E402

INTENDED = "INTENDED"
OBSERVABILITY = "/api/v1/observability"
PAGE = 50
# One round of the readers' mix (the UI while someone browses traces).
READS = ("trace", "page", "trace", "roots", "keys", "page", "trace", "services")
COOKIE_VARIABLE, API_KEY_VARIABLE = "JUNJO_LOAD_COOKIE", "JUNJO_LOAD_API_KEY"
WATCH_INTERVAL_S = 0.5


@events.init_command_line_parser.add_listener
def _options(parser):
    group = parser.add_argument_group("junjo load")
    group.add_argument("--load-rate", type=float, default=10.0,
                       help="declared arrival rate of all users together, requests per second")
    group.add_argument("--load-users", type=int, default=1,
                       help="how many users the run spawns in all (-u; workers are not told -u themselves)")
    group.add_argument("--load-settle", type=float, default=1.0,
                       help="seconds from 'every user spawned' to the start of the schedules")
    group.add_argument("--load-requests", type=int, default=0,
                       help="stop after this many requests in all (0: only --run-time bounds the run)")
    group.add_argument("--otlp-address", default="", help="host:port of the target's OTLP gRPC endpoint")
    group.add_argument("--load-service", default="locust-load", help="service name of the spans sent / read")
    group.add_argument("--load-trace", default="", help="trace id the readers read")
    group.add_argument("--load-trace-spans", type=int, default=0, help="how many spans that trace must have")
    group.add_argument("--spans-per-batch", type=int, default=100, help="spans per Export request (10 per trace)")


_spawned = gevent.event.Event()
_spawned_at = {"at": None}
SPAWN_WAIT_S = 120


@events.spawning_complete.add_listener
def _every_user_spawned(user_count, **_):
    """Every worker has spawned its users (the master tells the workers): the schedules may start."""
    _spawned_at["at"] = time.perf_counter()
    _spawned.set()


@events.test_start.add_listener
def _watch_request_count(environment, **_):
    """On the master (or a local run): quit once ``--load-requests`` requests were made in all."""
    limit = environment.parsed_options.load_requests
    if limit <= 0 or isinstance(environment.runner, WorkerRunner):
        return

    def watch():
        while environment.runner.state not in ("stopping", "stopped", "quitting"):
            if _counted(environment.stats) >= limit:
                environment.runner.quit()
                return
            gevent.sleep(WATCH_INTERVAL_S)

    gevent.spawn(watch)


def _counted(stats) -> int:
    return sum(entry.num_requests for (name, method), entry in stats.entries.items() if method == INTENDED)


class OpenLoopUser(User):
    """A user that sends on a fixed schedule: one request every ``users / rate`` seconds from a random phase
    once every user has spawned, so all users together arrive at the declared rate (Locust's ``wait_time``
    would instead wait *after* each answer: a closed loop, where a slow answer delays the next request).
    A user late on its schedule sends at once; it never sends more than ``--load-requests / users``
    requests."""

    abstract = True

    def on_start(self):
        options = self.environment.parsed_options
        users = max(1, int(options.load_users))
        self.interval_s = users / max(float(options.load_rate), 1e-9)
        self.phase_s = random.uniform(0, self.interval_s)
        self.next_start = None
        self.remaining = -(-options.load_requests // users) if options.load_requests > 0 else None

    def _first_slot(self) -> float:
        """The first intended start: ``--load-settle`` s after every user of every worker has spawned (so
        spawning, which keeps the workers busy, never overlaps the measured load), plus this user's phase."""
        _spawned.wait(SPAWN_WAIT_S)
        spawned = _spawned_at["at"] if _spawned_at["at"] is not None else time.perf_counter()
        return spawned + float(self.environment.parsed_options.load_settle) + self.phase_s

    def wait_time(self):
        return 0  # the wait happens before each request, in `scheduled` (Locust waits after a task)

    def scheduled(self, name: str, send) -> None:
        """Run ``send()`` (one request) for the current slot and record its latency from the slot's intended
        start under request type ``INTENDED``; ``send`` returns the error (an exception) or None."""
        if self.remaining is not None:
            if self.remaining <= 0:
                raise StopUser()
            self.remaining -= 1
        if self.next_start is None:
            self.next_start = self._first_slot()
        intended = self.next_start
        self.next_start += self.interval_s
        gevent.sleep(max(0.0, intended - time.perf_counter()))
        error = send()
        self.environment.events.request.fire(
            request_type=INTENDED, name=name, response_time=(time.perf_counter() - intended) * 1000,
            response_length=0, exception=error, context={})


class ApiReaderUser(OpenLoopUser, FastHttpUser):
    """Reads the HTTP API as a signed-in user (the session cookie from ``JUNJO_LOAD_COOKIE``)."""

    abstract = False

    def on_start(self):
        super().on_start()
        options = self.environment.parsed_options
        self.service, self.trace = options.load_service, options.load_trace
        self.trace_spans = options.load_trace_spans
        self.headers = {"Cookie": f"session={os.environ.get(COOKIE_VARIABLE, '')}"}
        self.round = random.randrange(len(READS))

    @task
    def read(self):
        kind = READS[self.round % len(READS)]
        self.round += 1
        self.scheduled(kind, lambda: self._read(kind))

    def _read(self, kind: str):
        path, params = {
            "trace": (f"{OBSERVABILITY}/traces/{self.trace}/spans", None),
            "page": (f"{OBSERVABILITY}/services/{self.service}/spans", {"limit": PAGE}),
            "roots": (f"{OBSERVABILITY}/services/{self.service}/spans/root", {"limit": PAGE}),
            "services": (f"{OBSERVABILITY}/services", None),
            "keys": ("/api_keys", None),
        }[kind]
        with self.client.get(path, params=params, headers=self.headers, name=kind, catch_response=True) as answer:
            problem = self._problem(kind, answer)
            if problem:
                answer.failure(problem)
                return AssertionError(problem)
            answer.success()
            return None

    def _problem(self, kind: str, answer) -> str:
        if answer.status_code != 200:
            return f"answered {answer.status_code}"
        try:
            body = answer.json()
        except ValueError:
            return "answered something that is not JSON"
        if not isinstance(body, list):
            return "answered something that is not a JSON list"
        if kind == "trace" and self.trace_spans and len(body) != self.trace_spans:
            return f"returned {len(body)} spans of the trace, expected {self.trace_spans}"
        if kind in ("page", "roots") and (len(body) > PAGE or any(s.get("service_name") != self.service for s in body)):
            return f"returned spans of another service or more than {PAGE}"
        if kind == "services" and self.service not in body:
            return f"does not list service {self.service}"
        return ""


class OtlpExportUser(OpenLoopUser):
    """Sends OTLP ``Export`` requests of ``--spans-per-batch`` new spans each (API key from
    ``JUNJO_LOAD_API_KEY``); request type ``EXPORT``, response length = spans acknowledged."""

    abstract = False
    _channels = ExportChannels()

    def on_start(self):
        super().on_start()
        options = self.environment.parsed_options
        spans = max(10, int(options.spans_per_batch))
        self.load = SpanLoad(options.load_service, traces=spans // 10, spans_per_trace=10, name="locust")
        self.stub = self._channels.export_stub(options.otlp_address)
        self.metadata = ((API_KEY_HEADER, os.environ.get(API_KEY_VARIABLE, "")),)

    @task
    def export(self):
        self.scheduled("Export", self._export)

    def _export(self):
        payload = self.load.next_batch()
        started, error = time.perf_counter(), None
        try:
            self.stub(payload, metadata=self.metadata, timeout=30)
        except grpc.RpcError as failure:
            error = RuntimeError(f"{failure.code().name}: {failure.details()}")
        self.environment.events.request.fire(
            request_type="EXPORT", name="Export", response_time=(time.perf_counter() - started) * 1000,
            response_length=0 if error else self.load.spans_per_batch, exception=error, context={})
        return error
