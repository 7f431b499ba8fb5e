"""Fixtures for the ingestion process tests: a fake backend auth service, the process itself, OTLP data."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2_grpc
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.resource.v1 import resource_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

from sut.protos import ingestion_pb2, ingestion_pb2_grpc

REPO_ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "good-key-" + "k" * 55
START_TIMEOUT_S = 10.0
CHANNEL_OPTIONS = [
    ("grpc.enable_http_proxy", 0),
    ("grpc.max_send_message_length", -1),
    ("grpc.max_receive_message_length", -1),
]


# --- a fake backend: InternalAuthService ------------------------------------------------------------------


class FakeAuthService(ingestion_pb2_grpc.InternalAuthServiceServicer):
    """Says a key is valid when it is in ``valid_keys``; counts the calls."""

    def __init__(self) -> None:
        self.valid_keys = {GOOD_KEY}
        self.calls = 0
        self._lock = threading.Lock()

    def ValidateApiKey(self, request, context):  # noqa: N802 - the gRPC method name
        with self._lock:
            self.calls += 1
        return ingestion_pb2.ValidateApiKeyResponse(is_valid=request.api_key in self.valid_keys)


@dataclass
class FakeAuth:
    """A running fake auth server and its servicer."""

    server: grpc.Server
    service: FakeAuthService
    address: str
    good_key: str = GOOD_KEY

    def revoke_all(self) -> None:
        """Every key is invalid from now on (as if deleted in the backend)."""
        self.service.valid_keys.clear()

    def stop(self) -> None:
        """Stop answering (the backend is down)."""
        self.server.stop(0).wait()


@pytest.fixture
def fake_auth() -> Iterator[FakeAuth]:
    """A fake backend InternalAuthService on a free loopback port; ``GOOD_KEY`` is valid."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    service = FakeAuthService()
    ingestion_pb2_grpc.add_InternalAuthServiceServicer_to_server(service, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    fake = FakeAuth(server, service, f"127.0.0.1:{port}")
    yield fake
    fake.stop()


# --- the ingestion process --------------------------------------------------------------------------------


@dataclass
class Ingestion:
    """A running ``python -m sut.ingestion`` with client stubs for both of its servers."""

    process: subprocess.Popen
    otlp_port: int
    internal_port: int
    data_dir: Path
    channels: list[grpc.Channel] = field(init=False)
    trace: trace_service_pb2_grpc.TraceServiceStub = field(init=False)
    reader: ingestion_pb2_grpc.InternalIngestionServiceStub = field(init=False)
    health: health_pb2_grpc.HealthStub = field(init=False)

    def __post_init__(self) -> None:
        otlp = grpc.insecure_channel(f"127.0.0.1:{self.otlp_port}", options=CHANNEL_OPTIONS)
        internal = grpc.insecure_channel(f"127.0.0.1:{self.internal_port}", options=CHANNEL_OPTIONS)
        self.channels = [otlp, internal]
        self.trace = trace_service_pb2_grpc.TraceServiceStub(otlp)
        self.reader = ingestion_pb2_grpc.InternalIngestionServiceStub(internal)
        self.health = health_pb2_grpc.HealthStub(internal)

    def export(
        self, request: trace_service_pb2.ExportTraceServiceRequest, key: str | None = GOOD_KEY, timeout: float = 30
    ) -> trace_service_pb2.ExportTraceServiceResponse:
        """Call ``Export`` with ``key`` in ``x-junjo-api-key`` (no metadata when ``None``)."""
        metadata = [("x-junjo-api-key", key)] if key is not None else []
        return self.trace.Export(request, metadata=metadata, timeout=timeout)

    def export_status(
        self, request: trace_service_pb2.ExportTraceServiceRequest, key: str | None = GOOD_KEY
    ) -> tuple[grpc.StatusCode, str]:
        """``Export`` and return its status code and details (``OK``, ``""`` on success)."""
        try:
            self.export(request, key)
        except grpc.RpcError as error:
            return error.code(), error.details()
        return grpc.StatusCode.OK, ""

    def read_spans(self, start: bytes = b"", batch_size: int = 0) -> list[ingestion_pb2.ReadSpansResponse]:
        """One ``ReadSpans`` call."""
        request = ingestion_pb2.ReadSpansRequest(start_key_ulid=start, batch_size=batch_size)
        return list(self.reader.ReadSpans(request, timeout=30))

    def read_all(self, start: bytes = b"", batch_size: int = 10_000) -> list[ingestion_pb2.ReadSpansResponse]:
        """Every row after ``start``, following the cursor like the backend's poller."""
        rows: list[ingestion_pb2.ReadSpansResponse] = []
        while batch := self.read_spans(start, batch_size):
            rows.extend(batch)
            start = batch[-1].key_ulid
        return rows

    def stop(self, signum: int = signal.SIGTERM, timeout: float = 10) -> int:
        """Send ``signum`` and return the exit status."""
        self.close_channels()
        self.process.send_signal(signum)
        return self.process.wait(timeout)

    def close_channels(self) -> None:
        """Close the client channels."""
        for channel in self.channels:
            channel.close()


def run_ingestion_command(args: Sequence[str], log_path: Path) -> subprocess.Popen:
    """Start ``python -m sut.ingestion ARGS`` with no ``JUNJO_*`` settings inherited, output to ``log_path``."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("JUNJO_")}
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "sut.ingestion", *args], cwd=REPO_ROOT, env=env, stdout=log, stderr=log
        )


LaunchIngestion = Callable[..., Ingestion]


@pytest.fixture
def launch_ingestion(tmp_path: Path, fake_auth: FakeAuth) -> Iterator[LaunchIngestion]:
    """Start ingestion processes on free ports against ``fake_auth``; all are killed at teardown.

    ``launch(*extra_args, data_dir=None)`` returns once the ready file is written.
    """
    started: list[Ingestion] = []

    def launch(*extra_args: str, data_dir: Path | None = None) -> Ingestion:
        run = len(started)
        data_dir = data_dir or tmp_path / "data"
        ready_file = tmp_path / f"ready-{run}.json"
        log_path = tmp_path / f"ingestion-{run}.log"
        args = [
            "--data-dir", str(data_dir), "--otlp-port", "0", "--internal-port", "0",
            "--backend-auth-address", fake_auth.address, "--ready-file", str(ready_file), *extra_args,
        ]  # fmt: skip
        process = run_ingestion_command(args, log_path)
        deadline = time.monotonic() + START_TIMEOUT_S
        while not ready_file.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"ingestion did not start (exit {process.wait()}):\n{log_path.read_text()}")
            time.sleep(0.01)
        ready = json.loads(ready_file.read_text())
        assert ready["pid"] == process.pid
        ingestion = Ingestion(process, ready["otlp_port"], ready["internal_port"], data_dir)
        started.append(ingestion)
        return ingestion

    yield launch
    for ingestion in started:
        ingestion.close_channels()
        if ingestion.process.poll() is None:
            ingestion.process.kill()
            ingestion.process.wait()


@pytest.fixture
def run_ingestion(tmp_path: Path) -> Callable[..., tuple[int, str]]:
    """``run(*args)``: run ``python -m sut.ingestion ARGS`` to its end (at most 10 s); ``(exit status, output)``."""

    def run(*args: str) -> tuple[int, str]:
        log_path = tmp_path / "run.log"
        log_path.unlink(missing_ok=True)
        process = run_ingestion_command(args, log_path)
        try:
            status = process.wait(START_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise
        return status, log_path.read_text(errors="replace")

    return run


@pytest.fixture
def ingestion(launch_ingestion: LaunchIngestion) -> Ingestion:
    """An ingestion process with default settings (free ports, data in ``tmp_path``)."""
    return launch_ingestion()


# --- OTLP data --------------------------------------------------------------------------------------------


class Otlp:
    """Builds OTLP spans and ``ExportTraceServiceRequest`` messages; ids are unique per instance."""

    START_NS = 1_761_991_200_123_456_000  # 2025-11-01T10:00:00.123456Z

    def __init__(self) -> None:
        self._counter = 0

    def span(self, name: str | None = None, **fields) -> trace_pb2.Span:
        """A valid span with fresh ids (``fields`` override any field, e.g. ``trace_id=b"x"``)."""
        self._counter += 1
        values = {
            "trace_id": self._counter.to_bytes(16, "big"),
            "span_id": self._counter.to_bytes(8, "big"),
            "name": f"span-{self._counter}" if name is None else name,
            "kind": trace_pb2.Span.SPAN_KIND_INTERNAL,
            "start_time_unix_nano": self.START_NS + self._counter * 1000,
            "end_time_unix_nano": self.START_NS + self._counter * 1000 + 500,
            "attributes": [self.attribute("junjo.span_type", "node")],
        }
        values.update(fields)
        return trace_pb2.Span(**values)

    def spans(self, count: int) -> list[trace_pb2.Span]:
        """``count`` valid spans."""
        return [self.span() for _ in range(count)]

    @staticmethod
    def attribute(key: str, value: str | int) -> common_pb2.KeyValue:
        """A string or int attribute."""
        any_value = (
            common_pb2.AnyValue(string_value=value) if isinstance(value, str) else common_pb2.AnyValue(int_value=value)
        )
        return common_pb2.KeyValue(key=key, value=any_value)

    def resource(self, service_name: str | None = "test-service") -> resource_pb2.Resource:
        """A resource with ``service.name`` (none when ``None``)."""
        attributes = [self.attribute("host.name", "test-host")]
        if service_name is not None:
            attributes.append(self.attribute("service.name", service_name))
        return resource_pb2.Resource(attributes=attributes)

    def request(
        self, spans: Sequence[trace_pb2.Span], service_name: str | None = "test-service"
    ) -> trace_service_pb2.ExportTraceServiceRequest:
        """One ResourceSpans (with ``service_name``) holding ``spans`` in one scope."""
        return self.multi_request([(service_name, spans)])

    @staticmethod
    def serialized_spans(request: trace_service_pb2.ExportTraceServiceRequest) -> list[bytes]:
        """Every span of ``request``, serialized, in request order."""
        return [
            span.SerializeToString()
            for resource_spans in request.resource_spans
            for scope_spans in resource_spans.scope_spans
            for span in scope_spans.spans
        ]

    def multi_request(
        self, groups: Sequence[tuple[str | None, Sequence[trace_pb2.Span]]]
    ) -> trace_service_pb2.ExportTraceServiceRequest:
        """One ResourceSpans per ``(service_name, spans)`` group, in order."""
        return trace_service_pb2.ExportTraceServiceRequest(
            resource_spans=[
                trace_pb2.ResourceSpans(
                    resource=self.resource(service_name),
                    scope_spans=[trace_pb2.ScopeSpans(scope=common_pb2.InstrumentationScope(name="t"), spans=spans)],
                )
                for service_name, spans in groups
            ]
        )


@pytest.fixture
def otlp() -> Otlp:
    """A builder of OTLP test data."""
    return Otlp()


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.05) -> float:
    """Poll ``condition`` until true; return the seconds it took, fail after ``timeout``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(interval)
    return time.monotonic() - start


@pytest.fixture
def poll() -> Callable[[Callable[[], bool], float], float]:
    """``poll(condition, timeout)``: wait for ``condition`` with a bounded wait, return the time taken."""
    return wait_until
