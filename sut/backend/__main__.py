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
from .app import Backend, create_app
from .auth_service import start_auth_server
from .poller import Poller
from .settings import Settings, parse_settings
from .span_store import SpanStore, SpanStoreError
from .sqlite_store import SqliteStore
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


def run(settings: Settings) -> int:
    stop_requested = False
    server: uvicorn.Server | None = None

    def request_stop(signum, frame):
        nonlocal stop_requested
        stop_requested = True
        if server is not None:
            server.should_exit = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)

    if not switch_on_defects(settings.defects, "backend", log):
        return 2
    if not switch_on_behaviours(settings.behaviours, "backend", log):
        return 2

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
    backend = Backend(
        settings=settings,
        db=db,
        signer=sessions.make_signer(sessions.load_or_create_secret(settings.data_dir)),
        signin_throttle=SlidingWindowThrottle(settings.signin_max_failures, settings.signin_window_s),
        span_store=span_store,
    )
    app = create_app(backend)

    try:
        sock = _listen(settings.host, settings.http_port)
        auth_server, auth_port = start_auth_server(db, settings.host, settings.auth_port)
    except (OSError, RuntimeError) as error:
        print(f"error: cannot listen: {error}", file=sys.stderr)
        return 1
    http_port = sock.getsockname()[1]
    poller = Poller(settings.ingestion_address, db, span_store, settings.poll_interval_s, settings.poll_batch_size)
    poller.start()

    config = uvicorn.Config(
        app, log_config=None, log_level="warning", access_log=False, lifespan="off", timeout_graceful_shutdown=5
    )
    server = _Server(config)
    try:
        if not stop_requested:
            ready = {"http_port": http_port, "auth_port": auth_port}
            asyncio.run(_serve(server, sock, lambda: write_ready_file(settings.ready_file, ready)))
    finally:
        poller.stop()
        auth_server.stop(grace=1).wait()
        span_store.close()
        db.close()
        sock.close()
    if not server.started and not stop_requested:
        print("error: the HTTP server did not start", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run(parse_settings(argv))


if __name__ == "__main__":
    sys.exit(main())
