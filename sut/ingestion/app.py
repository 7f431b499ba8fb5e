"""Startup and shutdown of the ingestion process: ``python -m sut.ingestion``."""

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from sut.common import switch_on_behaviours, switch_on_defects, write_ready_file

from . import servers
from .activity import ExportActivity
from .backend_auth import BackendAuthClient
from .export_service import TraceExportService
from .gate import ExportGate
from .key_cache import ApiKeyCache
from .read_service import ReadSpansService
from .settings import parse_settings
from .throttle import InvalidKeyThrottle
from .wal import Wal

SHUTDOWN_GRACE_S = 1.0
MIB = 1024 * 1024

log = logging.getLogger("sut.ingestion")


def main(argv: Sequence[str] | None = None) -> int:
    """Run until SIGTERM or SIGINT; return the exit status."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s ingestion %(levelname)s %(message)s")
    settings = parse_settings(argv)
    if not switch_on_defects(settings.defects, "ingestion", log):
        return 2
    if not switch_on_behaviours(settings.behaviours, "ingestion", log):
        return 2
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        return _serve(settings, stop)
    except servers.BindError as error:
        print(f"ingestion: {error}", file=sys.stderr)
        return 1


def _serve(settings: argparse.Namespace, stop: threading.Event) -> int:
    """Open the WAL, start both servers, write the ready file, wait for ``stop``, shut down."""
    wal = Wal(Path(settings.data_dir))
    backend = BackendAuthClient(settings.backend_auth_address)
    gate = ExportGate(
        ApiKeyCache(backend, settings.key_revalidate_s, settings.key_cache_max_age_s),
        InvalidKeyThrottle(settings.invalid_key_max_failures, settings.invalid_key_window_s),
        settings.backend_auth_address,
    )
    max_bytes = settings.max_message_mb * MIB
    health = servers.serving_health()
    started = []
    try:
        exports = ExportActivity()
        public, otlp_port = servers.public_server(
            TraceExportService(gate, wal, exports), settings.host, settings.otlp_port, max_bytes
        )
        internal, internal_port = servers.internal_server(
            ReadSpansService(wal, exports), health, settings.host, settings.internal_port, max_bytes
        )
        for server in (public, internal):
            server.start()
            started.append(server)
        write_ready_file(settings.ready_file, {"otlp_port": otlp_port, "internal_port": internal_port})
        log.info("listening: OTLP on %s, internal on %s, WAL %s", otlp_port, internal_port, wal.path)
        stop.wait()
        log.info("shutting down")
        health.enter_graceful_shutdown()
    finally:
        for event in [server.stop(SHUTDOWN_GRACE_S) for server in started]:
            event.wait()
        backend.close()
        wal.close()
    return 0
