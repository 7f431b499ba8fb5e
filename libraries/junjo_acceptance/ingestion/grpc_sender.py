"""Cached gRPC channels and ``TraceService/Export`` calls that report the outcome instead of raising.

Requests go out pre-serialized (bytes), so a prebuilt request can be re-sent at full speed. Channels
ignore proxy settings (loopback targets) and allow 256 MiB each way, so over-limit requests reach the
server and are refused there.
"""

import secrets
import string
import threading
import time
from collections import Counter

import grpc
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceResponse

EXPORT_METHOD = "/opentelemetry.proto.collector.trace.v1.TraceService/Export"
API_KEY_HEADER = "x-junjo-api-key"
MAX_MESSAGE_BYTES = 256 * 1024 * 1024
CHANNEL_OPTIONS = (
    ("grpc.enable_http_proxy", 0),
    ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
)
KEY_ALPHABET = string.ascii_letters + string.digits


class ExportChannels:
    """One channel (and Export stub) per ``host:port``, created on first use."""

    def __init__(self):
        self._stubs: dict[str, tuple[grpc.Channel, grpc.UnaryUnaryMultiCallable]] = {}
        self._lock = threading.Lock()

    def export_stub(self, address: str) -> grpc.UnaryUnaryMultiCallable:
        """The Export callable for ``address``; it takes serialized request bytes."""
        with self._lock:
            if address not in self._stubs:
                channel = grpc.insecure_channel(address, options=CHANNEL_OPTIONS)
                stub = channel.unary_unary(EXPORT_METHOD, request_serializer=None,
                                           response_deserializer=ExportTraceServiceResponse.FromString)
                self._stubs[address] = (channel, stub)
            return self._stubs[address][1]

    def close_all(self) -> int:
        """Close every channel; returns how many were open."""
        with self._lock:
            channels = [channel for channel, _ in self._stubs.values()]
            self._stubs.clear()
        for channel in channels:
            channel.close()
        return len(channels)


def reachable(address: str, timeout_s: float) -> "str | None":
    """``None`` when a gRPC connection to ``address`` comes up within ``timeout_s``, else why not."""
    channel = grpc.insecure_channel(address, options=CHANNEL_OPTIONS)
    try:
        grpc.channel_ready_future(channel).result(timeout=timeout_s)
        return None
    except grpc.FutureTimeoutError:
        return f"no gRPC connection to {address} within {timeout_s:g} s"
    finally:
        channel.close()


def export(stub: grpc.UnaryUnaryMultiCallable, payload: bytes, api_key: "str | None", timeout: float) -> dict:
    """Send one serialized Export request; returns its outcome, never raises on a gRPC error.

    ``{code, details, rejected_spans, error_message, latency_ms}``; ``code`` is the gRPC status name.
    Without ``api_key`` no metadata is sent.
    """
    metadata = None if api_key is None else ((API_KEY_HEADER, api_key),)
    started = time.perf_counter()
    try:
        response = stub(payload, metadata=metadata, timeout=timeout)
        outcome = {"code": "OK", "details": "", "rejected_spans": response.partial_success.rejected_spans,
                   "error_message": response.partial_success.error_message}
    except grpc.RpcError as error:
        code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
        details = error.details() if hasattr(error, "details") else str(error)
        outcome = {"code": code.name, "details": details or "", "rejected_spans": 0, "error_message": ""}
    outcome["latency_ms"] = (time.perf_counter() - started) * 1000
    return outcome


def random_api_key(length: int = 64) -> str:
    """A random key shaped like a real one (nanoid alphabet), which no target has issued."""
    return "".join(secrets.choice(KEY_ALPHABET) for _ in range(length))


def export_with_invalid_keys(stub: grpc.UnaryUnaryMultiCallable, payload: bytes, count: int,
                             timeout: float, max_seconds: float) -> dict:
    """Send ``payload`` ``count`` times back to back, each with a new random key, for at most ``max_seconds``.

    Returns ``{sent, codes: {code: n}, first_resource_exhausted: index or None, elapsed_s}``.
    """
    codes: Counter = Counter()
    first_exhausted = None
    started = time.perf_counter()
    sent = 0
    while sent < count and time.perf_counter() - started < max_seconds:
        code = export(stub, payload, random_api_key(), timeout)["code"]
        if code == "RESOURCE_EXHAUSTED" and first_exhausted is None:
            first_exhausted = sent
        codes[code] += 1
        sent += 1
    return {"sent": sent, "codes": dict(codes), "first_resource_exhausted": first_exhausted,
            "elapsed_s": time.perf_counter() - started}
