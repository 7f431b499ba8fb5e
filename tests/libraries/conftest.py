"""Shared fixtures of the library tests: a local HTTP server for a request handler class."""

import threading
from http.server import ThreadingHTTPServer

import pytest


@pytest.fixture
def serve():
    """``serve(handler)`` serves the ``BaseHTTPRequestHandler`` class on a free local port in a thread and
    returns its base URL; every server is shut down when the test ends."""
    servers: list[ThreadingHTTPServer] = []

    def start(handler) -> str:
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()
