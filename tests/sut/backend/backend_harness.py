"""Test harness: the real ``python -m sut.backend`` process on free ports, and helpers around it."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ADMIN = "admin@example.com"
REPO = Path(__file__).resolve().parents[3]
PASSWORD = "correct horse"
NO_INGESTION = "127.0.0.1:1"  # nothing listens there: the poller just retries


class BackendProcess:
    """One backend process; ``url(path)``, ``session()``, ``stop()``."""

    def __init__(self, workdir: Path, args: list[str], data_dir: Path | None = None):
        self.workdir = workdir
        self.data_dir = data_dir or workdir / "data"
        self.args = args
        self.ready_file = workdir / f"ready-{uuid.uuid4().hex[:8]}.json"
        self.log_path = workdir / f"backend-{uuid.uuid4().hex[:8]}.log"
        self.process: subprocess.Popen | None = None
        self.http_port = self.auth_port = None

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "sut.backend",
            "--data-dir", str(self.data_dir),
            "--http-port", "0",
            "--auth-port", "0",
            "--ready-file", str(self.ready_file),
            "--bcrypt-rounds", "4",
            "--ingestion-address", NO_INGESTION,
            *self.args,
        ]  # fmt: skip

    def start(self, timeout_s: float = 15.0) -> "BackendProcess":
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.ready_file.unlink(missing_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("JUNJO_")}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(self.command(), cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.ready_file.exists():
                info = json.loads(self.ready_file.read_text())
                self.http_port, self.auth_port = info["http_port"], info["auth_port"]
                assert info["pid"] == self.process.pid
                return self
            if self.process.poll() is not None:
                raise AssertionError(f"backend exited with {self.process.returncode}:\n{self.log()}")
            time.sleep(0.02)
        self.stop()
        raise AssertionError(f"backend not ready within {timeout_s} s:\n{self.log()}")

    def stop(self, timeout_s: float = 10.0) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired as error:
            self.process.kill()
            self.process.wait()
            raise AssertionError(f"backend ignored SIGTERM for {timeout_s} s:\n{self.log()}") from error

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def session(self) -> requests.Session:
        session = requests.Session()
        session.trust_env = False  # no proxies for loopback
        return session

    def anonymous(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session().request(method, self.url(path), timeout=10, **kwargs)

    def create_user(self, admin: requests.Session, email: str, password: str = PASSWORD) -> None:
        response = admin.post(self.url("/users"), json={"email": email, "password": password}, timeout=10)
        assert response.status_code == 200, response.text

    def sign_in(self, email: str, password: str = PASSWORD) -> requests.Session:
        session = self.session()
        response = session.post(self.url("/sign-in"), json={"email": email, "password": password}, timeout=10)
        assert response.status_code == 200, response.text
        return session





# ---- a fake InternalIngestionService serving prebuilt ReadSpans rows ------------------------------------


class FakeIngestion:
    """Serves ``rows`` (key, span_bytes, resource_bytes), sorted by key, through ReadSpans."""

    def __init__(self):
        import threading
        from concurrent import futures

        import grpc

        from sut.protos import ingestion_pb2, ingestion_pb2_grpc

        self.rows: list[tuple[bytes, bytes, bytes]] = []
        self.requests: list[tuple[bytes, int]] = []
        self.lock = threading.Lock()
        outer = self

        class Servicer(ingestion_pb2_grpc.InternalIngestionServiceServicer):
            def ReadSpans(self, request, context):  # noqa: N802
                with outer.lock:
                    outer.requests.append((request.start_key_ulid, request.batch_size))
                    rows = [row for row in outer.rows if row[0] > request.start_key_ulid][: request.batch_size]
                for key, span_bytes, resource_bytes in rows:
                    yield ingestion_pb2.ReadSpansResponse(
                        key_ulid=key, span_bytes=span_bytes, resource_bytes=resource_bytes
                    )

        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4), options=[("grpc.so_reuseport", 0)])
        ingestion_pb2_grpc.add_InternalIngestionServiceServicer_to_server(Servicer(), self.server)
        self.port = self.server.add_insecure_port("127.0.0.1:0")
        self.server.start()
        self.address = f"127.0.0.1:{self.port}"

    def add(self, spans: list, resource) -> None:
        """Append spans (``trace_pb2.Span``) with their resource under the next keys."""
        resource_bytes = resource.SerializeToString()
        with self.lock:
            for span in spans:
                key = (len(self.rows) + 1).to_bytes(16, "big")
                self.rows.append((key, span.SerializeToString(), resource_bytes))

    def add_raw(self, span_bytes: bytes, resource_bytes: bytes) -> None:
        with self.lock:
            self.rows.append(((len(self.rows) + 1).to_bytes(16, "big"), span_bytes, resource_bytes))

    def replay(self) -> None:
        """Serve every row again under new keys (a re-sent batch)."""
        with self.lock:
            rows = list(self.rows)
        for _, span_bytes, resource_bytes in rows:
            self.add_raw(span_bytes, resource_bytes)

    def stop(self) -> None:
        self.server.stop(grace=0).wait()


def resource(service_name: str | None):
    from opentelemetry.proto.common.v1 import common_pb2
    from opentelemetry.proto.resource.v1 import resource_pb2

    attributes = []
    if service_name is not None:
        attributes.append(common_pb2.KeyValue(key="service.name", value=common_pb2.AnyValue(string_value=service_name)))
    return resource_pb2.Resource(attributes=attributes)


def any_value(value):
    """A Python value as an OTLP AnyValue (str, bool, int, float, bytes, list, dict)."""
    from opentelemetry.proto.common.v1 import common_pb2

    if isinstance(value, bool):
        return common_pb2.AnyValue(bool_value=value)
    if isinstance(value, int):
        return common_pb2.AnyValue(int_value=value)
    if isinstance(value, float):
        return common_pb2.AnyValue(double_value=value)
    if isinstance(value, str):
        return common_pb2.AnyValue(string_value=value)
    if isinstance(value, bytes):
        return common_pb2.AnyValue(bytes_value=value)
    if isinstance(value, list):
        return common_pb2.AnyValue(array_value=common_pb2.ArrayValue(values=[any_value(v) for v in value]))
    if isinstance(value, dict):
        return common_pb2.AnyValue(kvlist_value=common_pb2.KeyValueList(values=key_values(value)))
    raise TypeError(value)


def key_values(attributes: dict) -> list:
    from opentelemetry.proto.common.v1 import common_pb2

    return [common_pb2.KeyValue(key=key, value=any_value(value)) for key, value in attributes.items()]


def span(trace_id: str, span_id: str, *, parent: str = "", name: str = "op", kind: int = 1,
         start_ns: int = 1_761_991_200_123_456_789, end_ns: int | None = None, attributes: dict | None = None,
         events: list[tuple[str, int, dict]] = (), status: tuple[int, str] = (0, ""), flags: int = 0,
         trace_state: str = "", links: list[tuple[str, str, dict]] = ()):  # fmt: skip
    """An OTLP span; ids as hex strings, events as ``(name, time_ns, attributes)``."""
    from opentelemetry.proto.trace.v1 import trace_pb2

    return trace_pb2.Span(
        trace_id=bytes.fromhex(trace_id),
        span_id=bytes.fromhex(span_id),
        parent_span_id=bytes.fromhex(parent),
        name=name,
        kind=kind,
        start_time_unix_nano=start_ns,
        end_time_unix_nano=end_ns if end_ns is not None else start_ns + 1_000_000,
        attributes=key_values(attributes or {}),
        events=[
            trace_pb2.Span.Event(name=event_name, time_unix_nano=time_ns, attributes=key_values(event_attributes))
            for event_name, time_ns, event_attributes in events
        ],
        links=[
            trace_pb2.Span.Link(trace_id=bytes.fromhex(t), span_id=bytes.fromhex(s), attributes=key_values(a))
            for t, s, a in links
        ],
        status=trace_pb2.Status(code=status[0], message=status[1]),
        flags=flags,
        trace_state=trace_state,
    )


def wait_for(condition, timeout_s: float = 10.0, interval_s: float = 0.05, message: str = "condition"):
    """Poll ``condition()`` until it returns a truthy value; return that value."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message} not met within {timeout_s} s (last value {value!r})")
        time.sleep(interval_s)


def race_first_user(backend, callers: int = 30) -> list[int]:
    barrier = threading.Barrier(callers)
    statuses: list[int] = [0] * callers

    def call(index: int):
        session = backend.session()
        barrier.wait()
        body = {"email": f"founder{index}@example.com", "password": PASSWORD}
        statuses[index] = session.post(backend.url("/users/create-first-user"), json=body, timeout=30).status_code

    threads = [threading.Thread(target=call, args=(i,)) for i in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def user_count(backend) -> int:
    with sqlite3.connect(backend.data_dir / "junjo.sqlite") as conn:
        return conn.execute("SELECT count(*) FROM users").fetchone()[0]
