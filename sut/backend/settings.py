"""Command-line settings of the backend; every flag also reads ``JUNJO_<FLAG>`` from the environment."""

import argparse
from dataclasses import dataclass
from pathlib import Path

from sut.common import EnvDefaultsParser


def parse_bool(value) -> bool:
    """``"1"/"true"/"yes"/"on"`` → True, ``"0"/"false"/"no"/"off"/""`` → False, anything else is an error."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise argparse.ArgumentTypeError(f"not a boolean: {value!r} (use 0 or 1)")


def port(value) -> int:
    number = int(value)
    if not 0 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"not a port: {value!r}")
    return number


def positive_int(value) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1: {value!r}")
    return number


def non_negative_int(value) -> int:
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {value!r}")
    return number


def positive_float(value) -> float:
    number = float(value)
    if not number > 0:
        raise argparse.ArgumentTypeError(f"must be > 0: {value!r}")
    return number


def non_negative_float(value) -> float:
    number = float(value)
    if not number >= 0:
        raise argparse.ArgumentTypeError(f"must be >= 0: {value!r}")
    return number


def bcrypt_rounds(value) -> int:
    number = int(value)
    if not 4 <= number <= 31:
        raise argparse.ArgumentTypeError(f"bcrypt rounds must be 4..31: {value!r}")
    return number


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    host: str
    http_port: int
    auth_port: int
    ingestion_address: str
    session_lifetime_s: float
    production: bool
    signin_max_failures: int
    signin_window_s: float
    bcrypt_rounds: int
    poll_interval_s: float
    poll_batch_size: int
    duckdb_idle_close_s: float
    duckdb_lock_wait_s: float
    sqlite_busy_timeout_s: float
    openai_base_url: str
    anthropic_base_url: str
    gemini_base_url: str
    openai_api_key: str
    anthropic_api_key: str
    gemini_api_key: str
    llm_timeout_s: float
    model_cache_ttl_s: float
    ready_file: str | None
    defects: str
    behaviours: str
    pause_at: str


def build_parser() -> EnvDefaultsParser:
    parser = EnvDefaultsParser(prog="python -m sut.backend", description="Backend of the Junjo reference target.")
    add = parser.add_setting
    add("--data-dir", default="./data", help="folder of junjo.sqlite, spans.duckdb and secret.key")
    add("--host", default="127.0.0.1", help="address both servers listen on")
    add("--http-port", default=1323, type=port, help="HTTP API port; 0 picks a free port")
    add("--auth-port", default=50053, type=port, help="gRPC InternalAuthService port; 0 picks a free port")
    add("--ingestion-address", default="127.0.0.1:50052", help="host:port of InternalIngestionService")
    add("--session-lifetime-s", default=2592000.0, type=positive_float, help="session lifetime and cookie Max-Age")
    add("--production", default=False, type=parse_bool, help="0/1: production mode adds Secure to the cookie")
    add("--signin-max-failures", default=5, type=non_negative_int,
        help="failed sign-ins per account within the window before 429 (0 = never throttle)")
    add("--signin-window-s", default=300.0, type=positive_float, help="sliding window of failed sign-ins")
    add("--bcrypt-rounds", default=12, type=bcrypt_rounds, help="bcrypt cost factor for new passwords")
    add("--poll-interval-s", default=0.1, type=positive_float, help="pause between ReadSpans polls")
    add("--poll-batch-size", default=2000, type=positive_int, help="ReadSpans batch size")
    add("--duckdb-idle-close-s", default=0.25, type=non_negative_float,
        help="close the span store after this long unused, so other processes can open it")
    add("--duckdb-lock-wait-s", default=10.0, type=non_negative_float,
        help="how long to retry opening the span store while another process holds it")
    add("--sqlite-busy-timeout-s", default=5.0, type=non_negative_float,
        help="how long a SQLite write waits for a held lock before answering 503")
    # LLM playground (contract A2, policies B16, B17): provider APIs, their keys, upstream timeout, model cache
    add("--openai-base-url", default="https://api.openai.com/v1", help="OpenAI API base URL")
    add("--anthropic-base-url", default="https://api.anthropic.com/v1", help="Anthropic API base URL")
    add("--gemini-base-url", default="https://generativelanguage.googleapis.com/v1beta", help="Gemini API base URL")
    add("--openai-api-key", default="", help="OpenAI API key (prefer the env variable); empty = not configured")
    add("--anthropic-api-key", default="", help="Anthropic API key (prefer the env variable)")
    add("--gemini-api-key", default="", help="Gemini API key (prefer the env variable)")
    add("--llm-timeout-s", default=30.0, type=positive_float, help="a provider call taking longer answers 504")
    add("--model-cache-ttl-s", default=900.0, type=non_negative_float,
        help="how long a provider's model list is served from memory (0 = always ask the provider)")
    add("--ready-file", default=None, help="JSON file written once HTTP and gRPC listen")
    add("--defects", default="", help="comma-separated seeded defects to switch on (python -m sut.defects)")
    add("--behaviours", default="", help="comma-separated seeded behaviours of real deployments (sut/behaviours)")
    add("--pause-at", default="", help="fault hook for crash-ordering tests: stop this process (SIGSTOP) the first "
        "time it reaches this point (poller.cursor_saved); once per data folder")
    return parser


def parse_settings(argv: list[str] | None = None) -> Settings:
    args = build_parser().parse_args(argv)
    values = vars(args)
    values["data_dir"] = Path(values["data_dir"]).expanduser().resolve()
    return Settings(**values)
