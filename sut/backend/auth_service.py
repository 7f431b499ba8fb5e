"""gRPC ``InternalAuthService``: ingestion asks whether an API key exists (contract A5)."""

import logging
import sqlite3
from concurrent import futures

import grpc

from sut.protos import ingestion_pb2, ingestion_pb2_grpc

from . import api_keys
from .sqlite_store import DatabaseBusy, SqliteStore

log = logging.getLogger(__name__)


class InternalAuthService(ingestion_pb2_grpc.InternalAuthServiceServicer):
    def __init__(self, db: SqliteStore):
        self._db = db

    def ValidateApiKey(self, request, context):  # noqa: N802 - name fixed by the proto
        try:
            valid = api_keys.key_is_valid(self._db, request.api_key)
        except (DatabaseBusy, sqlite3.Error) as error:
            log.warning("ValidateApiKey could not read the database: %s", error)
            context.abort(grpc.StatusCode.UNAVAILABLE, "API key store unavailable, retry later")
        return ingestion_pb2.ValidateApiKeyResponse(is_valid=valid)


def start_auth_server(db: SqliteStore, host: str, port: int) -> tuple[grpc.Server, int]:
    """Start the server; returns it and the port it listens on (``port`` 0 picks a free one)."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8), options=[("grpc.so_reuseport", 0)])
    ingestion_pb2_grpc.add_InternalAuthServiceServicer_to_server(InternalAuthService(db), server)
    address = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    bound = server.add_insecure_port(address)
    if bound == 0:
        raise RuntimeError(f"cannot listen for gRPC on {host}:{port}")
    server.start()
    return server, bound
