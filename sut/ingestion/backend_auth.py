"""Client of the backend's ``InternalAuthService.ValidateApiKey`` (contract A5)."""

import grpc

from sut.protos import ingestion_pb2, ingestion_pb2_grpc

CALL_TIMEOUT_S = 2.0

# Loopback targets must not go through a proxy from the environment; a restarted backend is found again
# within a second instead of gRPC's default reconnect backoff of up to two minutes.
_CHANNEL_OPTIONS = [
    ("grpc.enable_http_proxy", 0),
    ("grpc.initial_reconnect_backoff_ms", 100),
    ("grpc.min_reconnect_backoff_ms", 100),
    ("grpc.max_reconnect_backoff_ms", 1000),
]


class BackendUnavailable(Exception):
    """The backend could not answer whether a key is valid."""


class BackendAuthClient:
    """Asks the backend whether an API key is valid."""

    def __init__(self, address: str, timeout_s: float = CALL_TIMEOUT_S) -> None:
        self.address = address
        self._timeout_s = timeout_s
        self._channel = grpc.insecure_channel(address, options=_CHANNEL_OPTIONS)
        self._stub = ingestion_pb2_grpc.InternalAuthServiceStub(self._channel)

    def is_valid(self, api_key: str) -> bool:
        """The backend's verdict on ``api_key``; raises ``BackendUnavailable`` when it cannot answer."""
        try:
            response = self._stub.ValidateApiKey(
                ingestion_pb2.ValidateApiKeyRequest(api_key=api_key), timeout=self._timeout_s
            )
        except grpc.RpcError as error:
            raise BackendUnavailable(f"{error.code().name}: {error.details()}") from error
        return response.is_valid

    def close(self) -> None:
        """Close the channel."""
        self._channel.close()
