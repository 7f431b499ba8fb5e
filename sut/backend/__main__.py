"""``python -m sut.backend``: HTTP API + gRPC InternalAuthService + span poller in one process.

Writes ``--ready-file`` (``{"pid", "http_port", "auth_port"}``) once both servers listen; SIGTERM or
SIGINT stops everything gracefully (poller stopped, DuckDB closed) and exits 0.
"""

import asyncio
import contextlib
import logging
import signal
import socket
import sys

import uvicorn

from sut.common import arm_pause, switch_on_behaviours, switch_on_defects, write_ready_file

from . import sessions
from .app import create_app
from .auth_service import start_auth_server
from .poller import Poller
from .settings import Settings, parse_settings
from .span_store import SpanStore, SpanStoreError
from .sqlite_store import SqliteStore
from .state import Backend
from .throttle import SlidingWindowThrottle

log = logging.getLogger("sut.backend")


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling: ours stops the whole process and exits 0."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


def _listen(host: str, port: int) -> socket.socket:
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    # proto must be IPPROTO_TCP: asyncio sets TCP_NODELAY only on such sockets, and without it every response
    # on a keep-alive connection waits ~40 ms (Nagle's algorithm against the client's delayed ACK)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


async def _serve(server: uvicorn.Server, sock: socket.socket, on_started) -> None:
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    if server.started:
        on_started()
    await task


class _StopRequest:
    """The SIGTERM / SIGINT handler: stops the HTTP server once it runs, or keeps it from starting."""

    def __init__(self) -> None:
        self.requested = False
        self.server: uvicorn.Server | None = None

    def __call__(self, signum, frame) -> None:
        self.requested = True
        if self.server is not None:
            self.server.should_exit = True


def open_backend(settings: Settings) -> Backend:
    """The stores, session signer and sign-in throttle of ``settings`` (its data folder created if need be)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    arm_pause(settings.pause_at, settings.data_dir)
    db = SqliteStore(settings.data_dir / "junjo.sqlite", settings.sqlite_busy_timeout_s)
    db.initialise()
    span_store = SpanStore(
        settings.data_dir / "spans.duckdb", settings.duckdb_idle_close_s, settings.duckdb_lock_wait_s
    )
    try:
        span_store.check()
    except SpanStoreError as error:
        log.error("%s", error.detail)
    return Backend(
        settings=settings,
        db=db,
        signer=sessions.make_signer(sessions.load_or_create_secret(settings.data_dir)),
        signin_throttle=SlidingWindowThrottle(settings.signin_max_failures, settings.signin_window_s),
        span_store=span_store,
    )


def run(settings: Settings) -> int:
    """Serve until SIGTERM or SIGINT; return the exit status."""
    stop = _StopRequest()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not switch_on_defects(settings.defects, "backend", log):
        return 2
    if not switch_on_behaviours(settings.behaviours, "backend", log):
        return 2
    backend = open_backend(settings)
    app = create_app(backend)
    try:
        sock = _listen(settings.host, settings.http_port)
        auth_server, auth_port = start_auth_server(backend.db, settings.host, settings.auth_port)
    except (OSError, RuntimeError) as error:
        print(f"error: cannot listen: {error}", file=sys.stderr)
        return 1
    ready = {"http_port": sock.getsockname()[1], "auth_port": auth_port}
    poller = Poller(
        settings.ingestion_address, backend.db, backend.span_store, settings.poll_interval_s, settings.poll_batch_size
    )
    poller.start()
    config = uvicorn.Config(
        app, log_config=None, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=5
    )
    server = stop.server = _Server(config)
    try:
        if not stop.requested:
            asyncio.run(_serve(server, sock, lambda: write_ready_file(settings.ready_file, ready)))
    finally:
        poller.stop()
        auth_server.stop(grace=1).wait()
        backend.span_store.close()
        backend.db.close()
        sock.close()
    if not server.started and not stop.requested:
        print("error: the HTTP server did not start", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run(parse_settings(argv))


if __name__ == "__main__":
    sys.exit(main())
