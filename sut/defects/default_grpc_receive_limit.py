"""The public OTLP server is built without its message-size option, so gRPC's default 4 MiB limit applies.

Models a server whose ``grpc.max_receive_message_length`` setting was lost in a refactoring (or never made
it into the deployment's configuration): every request above 4 MiB — a big batch, a span with a long
document — is refused with RESOURCE_EXHAUSTED although the contract accepts up to 64 MiB, and exporters
that drop refused batches lose them. Breaks policy B14 (requests up to 64 MiB are accepted).
"""

PROCESS = "ingestion"
POLICY = "B14"
CAUGHT_BY = ["A Request Above The Receive Limit Is Refused And Not Silently Dropped"]
FAILS_WITH = r"within the limit and must be accepted, got RESOURCE_EXHAUSTED"

GRPC_DEFAULT_BYTES = 4 * 1024 * 1024


def apply() -> None:
    """Make ``servers.public_server`` use gRPC's default message size limit."""
    from sut.ingestion import servers

    public_server = servers.public_server

    def with_default_limit(service, host, port, max_message_bytes):
        return public_server(service, host, port, GRPC_DEFAULT_BYTES)

    servers.public_server = with_default_limit
