"""Command-line settings of the ingestion process; every flag falls back to an env variable ``JUNJO_*``."""

import argparse
from collections.abc import Sequence

from sut.common import EnvDefaultsParser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m sut.ingestion``."""
    parser = EnvDefaultsParser(
        prog="python -m sut.ingestion",
        description="OTLP ingestion of the reference target: authenticates Export calls, appends spans "
        "to a SQLite write-ahead log and serves them to the backend through ReadSpans.",
    )
    parser.add_setting("--data-dir", default="./data", help="directory of wal.sqlite")
    parser.add_setting("--host", default="127.0.0.1", help="address both gRPC servers bind to")
    parser.add_setting("--otlp-port", default=50051, type=int, help="public OTLP TraceService port; 0 = free port")
    parser.add_setting(
        "--internal-port", default=50052, type=int, help="internal ReadSpans + health port; 0 = free port"
    )
    parser.add_setting(
        "--backend-auth-address", default="127.0.0.1:50053", help="host:port of the backend InternalAuthService"
    )
    parser.add_setting(
        "--key-revalidate-s", default=2.0, type=float, help="a cached valid key is re-checked after this age"
    )
    parser.add_setting(
        "--key-cache-max-age-s",
        default=3600.0,
        type=float,
        help="while the backend is unreachable, a cached key stays valid up to this age",
    )
    parser.add_setting(
        "--invalid-key-max-failures",
        default=50,
        type=int,
        help="invalid API keys per client within the window before RESOURCE_EXHAUSTED; 0 = no throttling",
    )
    parser.add_setting(
        "--invalid-key-window-s", default=60.0, type=float, help="sliding window of the invalid-key throttle"
    )
    parser.add_setting(
        "--max-message-mb", default=64, type=int, help="largest gRPC message received or sent, in MiB"
    )
    parser.add_setting("--ready-file", default=None, help="JSON file written once both servers listen")
    parser.add_setting("--defects", default="", help="comma-separated seeded defects to switch on")
    parser.add_setting("--behaviours", default="", help="comma-separated seeded behaviours of real deployments")
    return parser


def parse_settings(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse ``argv`` (default: ``sys.argv[1:]``) into the settings namespace."""
    return build_parser().parse_args(argv)
