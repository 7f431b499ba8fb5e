"""Export into the WAL and ReadSpans out of it: order, bytes, cursor, validation, durability, limits (B11-B14)."""

import signal
import statistics
import threading
import time

import grpc
import pytest

MIB = 1024 * 1024


def test_accepted_spans_are_read_back_in_order_with_their_bytes(ingestion, otlp):
    first, second = otlp.spans(3), otlp.spans(3)
    request = otlp.multi_request([("service-a", first), ("service-b", second)])
    response = ingestion.export(request)
    assert not response.HasField("partial_success")
    later = otlp.spans(2)
    ingestion.export(otlp.request(later, service_name="service-c"))

    rows = ingestion.read_all()
    assert [row.span_bytes for row in rows] == [span.SerializeToString() for span in first + second + later]
    resources = [resource_spans.resource.SerializeToString() for resource_spans in request.resource_spans]
    assert [row.resource_bytes for row in rows[:6]] == [resources[0]] * 3 + [resources[1]] * 3
    keys = [row.key_ulid for row in rows]
    assert all(len(key) == 16 for key in keys)
    assert keys == sorted(set(keys))
    key_ms = int.from_bytes(keys[0][:6], "big")
    assert abs(key_ms / 1000 - time.time()) < 60


def test_read_spans_start_key_is_exclusive_and_batch_size_limits(ingestion, otlp):
    ingestion.export(otlp.request(otlp.spans(10)))
    everything = ingestion.read_spans()
    assert len(everything) == 10
    assert ingestion.read_spans(batch_size=3) == everything[:3]
    assert ingestion.read_spans(start=everything[2].key_ulid, batch_size=3) == everything[3:6]
    assert ingestion.read_spans(start=everything[-1].key_ulid) == []
    with pytest.raises(grpc.RpcError) as error:
        ingestion.read_spans(start=b"short")
    assert error.value.code() is grpc.StatusCode.INVALID_ARGUMENT


def test_read_spans_batch_size_is_capped(ingestion, otlp):
    ingestion.export(otlp.request(otlp.spans(10_001)))
    assert len(ingestion.read_spans(batch_size=20_000)) == 10_000
    assert len(ingestion.read_spans()) == 1000


def test_malformed_spans_are_rejected_while_valid_ones_are_stored(ingestion, otlp):
    set_state = {"name": "set_state", "time_unix_nano": otlp.START_NS}
    bad = [
        otlp.span(trace_id=b"abc"),
        otlp.span(span_id=b"1234"),
        otlp.span(parent_span_id=b"12345"),
        otlp.span(start_time_unix_nano=otlp.START_NS + 10, end_time_unix_nano=otlp.START_NS + 5),
        otlp.span(end_time_unix_nano=0),
        otlp.span(start_time_unix_nano=0),
        otlp.span(name=""),
        otlp.span(attributes=[otlp.attribute("junjo.workflow.state.start", "{not json")]),
        otlp.span(attributes=[otlp.attribute("junjo.workflow.graph_structure", 42)]),
        otlp.span(events=[dict(set_state, attributes=[otlp.attribute("junjo.state_json_patch", "[{")])]),
    ]
    good = [
        otlp.span(attributes=[otlp.attribute("junjo.workflow.state.end", '{"a": 1}')]),
        otlp.span(events=[dict(set_state, attributes=[otlp.attribute("junjo.state_json_patch", "[]")])]),
    ]
    no_service = otlp.spans(2)
    request = otlp.multi_request([("svc", [good[0], *bad, good[1]]), (None, no_service), ("", otlp.spans(1))])

    response = ingestion.export(request)

    assert response.partial_success.rejected_spans == len(bad) + len(no_service) + 1
    message = response.partial_success.error_message
    assert message.startswith("span 1: trace_id must be 16 bytes, got 3; span 2: span_id must be 8 bytes, got 4")
    assert message.endswith(f"and {len(bad) + len(no_service) + 1 - 5} more")
    assert [row.span_bytes for row in ingestion.read_all()] == [span.SerializeToString() for span in good]
    later = otlp.spans(2)
    assert not ingestion.export(otlp.request(later)).HasField("partial_success")
    assert len(ingestion.read_all()) == len(good) + len(later)


THREADS, EXPORTS, SPANS = 16, 50, 2  # many small concurrent commits: out-of-order commits show up at once


def export_concurrently_while_polling(ingestion, otlp) -> tuple[set, list]:
    """``THREADS`` clients export ``EXPORTS`` requests of ``SPANS`` spans while a poller follows the cursor.

    Returns the serialized spans sent and the rows the poller read, in its order.
    """
    requests = [[otlp.request(otlp.spans(SPANS)) for _ in range(EXPORTS)] for _ in range(THREADS)]
    done = threading.Event()
    polled = []

    def poller():
        cursor = b""
        while True:
            finished = done.is_set()
            batch = ingestion.read_spans(cursor, 50)
            polled.extend(batch)
            if batch:
                cursor = batch[-1].key_ulid
            elif finished:
                return

    def exporter(own_requests):
        for request in own_requests:
            ingestion.export(request)

    workers = [threading.Thread(target=exporter, args=(own,)) for own in requests]
    reader = threading.Thread(target=poller)
    reader.start()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    done.set()
    reader.join()
    return {span for own in requests for request in own for span in otlp.serialized_spans(request)}, polled


def test_concurrent_exports_commit_in_key_order_so_a_polling_reader_misses_nothing(ingestion, otlp):
    sent, polled = export_concurrently_while_polling(ingestion, otlp)
    assert len(polled) == len(sent) == THREADS * EXPORTS * SPANS
    assert {row.span_bytes for row in polled} == sent
    keys = [row.key_ulid for row in polled]
    assert keys == sorted(set(keys))


def test_defect_keys_assigned_outside_transaction_makes_the_poller_miss_spans(launch_ingestion, otlp, tmp_path):
    """The defect in its natural form has no pause between numbering and writing: the window is a thread
    switch, so a round may pass clean. Up to five rounds, each on a fresh ingestion with an empty data folder
    (a round on the last round's WAL would count, and poll, that round's spans too)."""
    for round_number in range(5):
        ingestion = launch_ingestion("--defects", "keys_assigned_outside_transaction",
                                     data_dir=tmp_path / f"round-{round_number}")
        sent, polled = export_concurrently_while_polling(ingestion, otlp)
        assert len(sent) == len(ingestion.read_all())
        if len(polled) < len(sent):
            return
    pytest.fail("five rounds of concurrent Exports while polling never made the poller miss a span")


def export_then_kill_9_and_restart(launch_ingestion, otlp, *args: str):
    """Export 5 × 20 spans (all acknowledged), ``kill -9`` at once, restart on the same data.

    Returns the serialized spans acknowledged, the restarted process and the rows it serves.
    """
    first = launch_ingestion(*args)
    requests = [otlp.request(otlp.spans(20)) for _ in range(5)]
    for request in requests:
        first.export(request)
    first.stop(signal.SIGKILL)
    second = launch_ingestion(data_dir=first.data_dir)
    acknowledged = [span for request in requests for span in otlp.serialized_spans(request)]
    return acknowledged, second, second.read_all()


def test_acknowledged_spans_survive_kill_9(launch_ingestion, otlp):
    acknowledged, restarted, rows = export_then_kill_9_and_restart(launch_ingestion, otlp)
    assert [row.span_bytes for row in rows] == acknowledged
    restarted.export(otlp.request(otlp.spans(1)))
    assert restarted.read_all(start=rows[-1].key_ulid)[0].key_ulid > rows[-1].key_ulid


def test_defect_ack_before_wal_commit_loses_acknowledged_spans_on_kill_9(launch_ingestion, otlp):
    acknowledged, _, rows = export_then_kill_9_and_restart(launch_ingestion, otlp, "--defects", "ack_before_wal_commit")
    assert len(rows) < len(acknowledged)


def test_1000_span_export_is_acknowledged_fast(ingestion, otlp):
    request = otlp.request(otlp.spans(1000))
    ingestion.export(request)  # warm-up: key validation, connection
    latencies = []
    for _ in range(5):
        start = time.perf_counter()
        ingestion.export(request)
        latencies.append(time.perf_counter() - start)
    print(f"1000-span Export acknowledged in median {statistics.median(latencies) * 1000:.1f} ms")
    assert statistics.median(latencies) < 0.5  # B15 asks < 2 s; the reference target is far below


@pytest.mark.slow
def test_requests_up_to_64_mib_are_accepted_bigger_ones_refused(ingestion, otlp):
    request = otlp.request([otlp.span(attributes=[otlp.attribute("payload", "")])])
    payload = request.resource_spans[0].scope_spans[0].spans[0].attributes[0].value

    def resize(size: int) -> None:
        """Fill the payload attribute (in place: big messages are slow to copy) to make ``request`` ``size`` bytes."""
        payload.string_value = "x" * (size - 1024)
        payload.string_value = "x" * (size - 1024 + size - request.ByteSize())
        assert request.ByteSize() == size

    resize(64 * MIB + 1)
    code, details = ingestion.export_status(request)
    assert code is grpc.StatusCode.RESOURCE_EXHAUSTED, details
    resize(64 * MIB)
    ingestion.export(request)
    (row,) = ingestion.read_all()
    assert [row.span_bytes] == otlp.serialized_spans(request)
