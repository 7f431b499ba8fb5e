"""What ingestion needs from a gRPC call besides the request: the API key and the client address."""

from collections.abc import Iterable
from urllib.parse import unquote

API_KEY_HEADER = "x-junjo-api-key"


def api_key(metadata: Iterable[tuple[str, str | bytes]]) -> str:
    """The ``x-junjo-api-key`` metadata value, or ``""`` when absent."""
    for key, value in metadata:
        if key.lower() == API_KEY_HEADER:
            return value.decode() if isinstance(value, bytes) else value
    return ""


def client_address(peer: str) -> str:
    """The client's IP address from a gRPC peer string, without the port.

    ``ipv4:127.0.0.1:5000`` → ``127.0.0.1``; ``ipv6:[::1]:5000`` (also percent-encoded) → ``::1``;
    anything else (``unix:…``) is returned as it is.
    """
    scheme, _, address = unquote(peer).partition(":")
    if scheme == "ipv4":
        return address.rpartition(":")[0]
    if scheme == "ipv6" and address.startswith("["):
        return address[1 : address.index("]")]
    return peer
