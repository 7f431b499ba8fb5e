"""The ingestion defects of the performance suites really do what they model: a commit per span, a log
connection shared without a lock, requests kept forever, gRPC's default 4 MiB receive limit."""

import sys
import threading

import grpc
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.trace.v1 import trace_pb2

from sut.defects import (
    default_grpc_receive_limit,
    ingestion_retains_requests,
    wal_append_without_lock,
    wal_commit_per_span,
)
from sut.ingestion import batch, servers, wal

ROWS = [(b"span-%d" % i, b"resource") for i in range(5)]


@pytest.fixture
def wal_file(tmp_path, monkeypatch):
    monkeypatch.setattr(wal.Wal, "append", wal.Wal.append)  # restored at teardown
    log = wal.Wal(tmp_path)
    yield log
    log.close()


def commits_of_one_append(log) -> int:
    commits = []
    transaction = log._transaction

    def counting():
        commits.append(1)
        return transaction()

    log._transaction = counting
    log.append(ROWS)
    del log._transaction
    return len(commits)


def test_one_append_is_one_commit_and_the_defect_commits_every_span(wal_file):
    assert commits_of_one_append(wal_file) == 1
    wal_commit_per_span.apply()
    assert commits_of_one_append(wal_file) == len(ROWS)
    assert [row.span for row in wal_file.read(b"", 100)] == [span for span, _ in ROWS] * 2


def append_finishes_while_the_lock_is_held(log) -> bool:
    with log._write_lock:
        writer = threading.Thread(target=log.append, args=(ROWS,), daemon=True)
        writer.start()
        writer.join(timeout=1)
        finished = not writer.is_alive()
    writer.join(timeout=5)
    return finished


def test_appends_take_the_write_lock_and_the_defect_does_not(wal_file):
    assert not append_finishes_while_the_lock_is_held(wal_file)
    wal_append_without_lock.apply()
    assert append_finishes_while_the_lock_is_held(wal_file)


def test_prepared_requests_are_let_go_and_the_defect_keeps_them(monkeypatch):
    monkeypatch.setattr(batch, "prepare", batch.prepare)  # restored at teardown
    request = trace_service_pb2.ExportTraceServiceRequest()
    before = sys.getrefcount(request)
    batch.prepare(request)
    assert sys.getrefcount(request) == before
    ingestion_retains_requests.apply()
    batch.prepare(request)
    assert sys.getrefcount(request) == before + 1


def export_status(monkeypatch, broken: bool, size: int) -> grpc.StatusCode:
    monkeypatch.setattr(servers, "public_server", servers.public_server)  # restored at teardown
    if broken:
        default_grpc_receive_limit.apply()

    class Accepting(trace_service_pb2_grpc.TraceServiceServicer):
        def Export(self, request, context):  # noqa: N802 - the gRPC method name
            return trace_service_pb2.ExportTraceServiceResponse()

    server, port = servers.public_server(Accepting(), "127.0.0.1", 0, 64 * 1024 * 1024)
    server.start()
    options = [("grpc.enable_http_proxy", 0), ("grpc.max_send_message_length", 2 * size)]
    try:
        with grpc.insecure_channel(f"127.0.0.1:{port}", options=options) as channel:
            call = channel.unary_unary("/opentelemetry.proto.collector.trace.v1.TraceService/Export")
            try:
                call(trace_service_pb2.ExportTraceServiceRequest(
                    resource_spans=[trace_pb2.ResourceSpans(schema_url="x" * size)]).SerializeToString(), timeout=30)
                return grpc.StatusCode.OK
            except grpc.RpcError as error:
                return error.code()
    finally:
        server.stop(0).wait()


def test_a_5_mib_request_is_accepted_and_the_defect_refuses_it(monkeypatch):
    size = 5 * 1024 * 1024
    assert export_status(monkeypatch, broken=False, size=size) == grpc.StatusCode.OK
    assert export_status(monkeypatch, broken=True, size=size) == grpc.StatusCode.RESOURCE_EXHAUSTED
