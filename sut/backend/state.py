"""What every endpoint of the backend needs, built once per process by ``__main__`` and handed to the routes."""

from dataclasses import dataclass

from itsdangerous import TimestampSigner

from .settings import Settings
from .span_store import SpanStore
from .sqlite_store import SqliteStore
from .throttle import SlidingWindowThrottle


@dataclass
class Backend:
    """Everything the endpoints need."""

    settings: Settings
    db: SqliteStore
    signer: TimestampSigner
    signin_throttle: SlidingWindowThrottle
    span_store: SpanStore
