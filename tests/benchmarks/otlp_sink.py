"""An OTLP ``TraceService/Export`` endpoint that acknowledges every request without parsing it.

Run as a process of its own (``python otlp_sink.py``): it prints its port and serves until killed. The
benchmark sends to it, so the rate measured is the client's, not a server's.
"""

import sys
from concurrent import futures

import grpc

SERVICE = "opentelemetry.proto.collector.trace.v1.TraceService"
MAX_BYTES = 256 * 1024 * 1024


def _acknowledge(request: bytes, context) -> bytes:
    return b""  # an empty ExportTraceServiceResponse


def main() -> None:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8),
                         options=[("grpc.max_receive_message_length", MAX_BYTES)])
    handler = grpc.unary_unary_rpc_method_handler(_acknowledge, request_deserializer=None, response_serializer=None)
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, {"Export": handler}),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(port, flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    server.stop(0)


if __name__ == "__main__":
    main()
