"""Admission of one ``Export`` call: API key check (A4, B8, B19) combined with the throttle (B5)."""

import math
from dataclasses import dataclass

import grpc

from .call_meta import API_KEY_HEADER
from .key_cache import ApiKeyCache, Verdict
from .throttle import InvalidKeyThrottle


@dataclass(frozen=True)
class Denial:
    """Why a call is refused: the gRPC status code and message."""

    code: grpc.StatusCode
    message: str


class ExportGate:
    """Decides whether a client may export, given its API key and address."""

    def __init__(self, keys: ApiKeyCache, throttle: InvalidKeyThrottle, backend_address: str) -> None:
        self._keys = keys
        self._throttle = throttle
        self._backend_address = backend_address

    def admit(self, api_key: str, client: str) -> Denial | None:
        """``None`` to let the call through, else the ``Denial`` to answer with.

        A key already known to be valid is checked as usual even while its client is throttled, so valid
        traffic keeps working. Any other key from a throttled client is refused without asking the
        backend: a brute-force guess cannot succeed (nor load the backend) until the window passes.
        """
        if not (api_key and self._keys.is_cached(api_key)):
            retry_after = self._throttle.is_throttled(client)
            if retry_after is not None:
                return Denial(
                    grpc.StatusCode.RESOURCE_EXHAUSTED,
                    "too many invalid API keys from this client; "
                    f"retry after {math.ceil(retry_after)} s",
                )
        if not api_key:
            self._throttle.record_failure(client)
            return Denial(grpc.StatusCode.UNAUTHENTICATED, f"missing API key (gRPC metadata {API_KEY_HEADER})")
        verdict = self._keys.check(api_key)
        if verdict is Verdict.INVALID:
            self._throttle.record_failure(client)
            return Denial(grpc.StatusCode.UNAUTHENTICATED, "invalid API key")
        if verdict is Verdict.UNAVAILABLE:
            return Denial(
                grpc.StatusCode.UNAVAILABLE,
                f"cannot validate the API key: auth backend at {self._backend_address} is unreachable",
            )
        return None
