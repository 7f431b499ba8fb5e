"""Poller and span store end to end: a fake InternalIngestionService feeds the real backend process
(contract A2, A6; policies B11, B12), then the spans are read over HTTP and straight from DuckDB."""

import base64
import shutil
import sqlite3
import threading
import time

import duckdb
import pytest
from backend_harness import ADMIN, PASSWORD, BackendProcess, FakeIngestion, resource, span, wait_for

TRACE = "0af7651916cd43dd8448eb211c80319c"
ROOT = "b7ad6b7169203331"
NODE = "00f067aa0ba902b7"
PLAIN_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
PLAIN = "53995c3f42cd8ad8"
START_NS = 1_761_991_200_123_456_789  # 2025-11-01T10:00:00.123456789Z
OBS = "/api/v1/observability"

EVERY_TYPE = {
    "s": "text ü 🚀",
    "b": True,
    "i": -9_007_199_254_740_993,
    "d": 2.5,
    "arr": ["a", 1, False, 1.5, ["nested"]],
    "kv": {"inner": {"deep": 1}, "x": "y"},
    "raw": b"\x00\x01\xfe\xff",
    "markup": "<script>alert(1)</script>",
}
EVERY_TYPE_JSON = {**EVERY_TYPE, "raw": base64.b64encode(b"\x00\x01\xfe\xff").decode()}


def workflow_span():
    return span(
        TRACE, ROOT, name="my workflow", kind=2, start_ns=START_NS, end_ns=START_NS + 2_500_000_999,
        status=(2, "it failed"), flags=1, trace_state="vendor=value",
        attributes={
            **EVERY_TYPE,
            "junjo.span_type": "workflow",
            "junjo.id": "wf-1",
            "junjo.parent_id": "",
            "junjo.workflow.state.start": '{"count": 0}',
            "junjo.workflow.state.end": '{"count": 2}',
            "junjo.workflow.graph_structure": '{"nodes": ["a"]}',
            "junjo.workflow.store.id": "store-1",
        },
        events=[
            ("set_state", START_NS + 1000, {"junjo.state_json_patch": '[{"op":"replace","path":"/count","value":1}]',
                                             "junjo.store.id": "store-1"}),
            ("log", START_NS + 2000, {"level": "info"}),
            ("set_state", START_NS + 3999, {"junjo.state_json_patch": "not json", "junjo.store.id": "store-1"}),
        ],
        links=[(PLAIN_TRACE, PLAIN, {"why": "follows"})],
    )  # fmt: skip


def node_span():  # telemetry contract version 2 attribute names
    return span(
        TRACE, NODE, parent=ROOT, name="node a", kind=1, start_ns=START_NS + 500_000,
        attributes={
            "junjo.telemetry.contract_version": 2,
            "junjo.span_type": "node",
            "junjo.executable_runtime_id": "node-1",
            "junjo.parent_executable_runtime_id": "wf-1",
            "junjo.workflow.execution_graph_snapshot": '{"v": 2}',
            "openinference.span.kind": "LLM",
        },
        events=[("set_state", START_NS + 600_000, {"junjo.state_json_patch": "[]", "junjo.store.id": "store-1"})],
    )  # fmt: skip


@pytest.fixture(scope="module")
def fed(tmp_path_factory):
    """A fake ingestion serving three spans of two services, and a backend polling it."""
    fake = FakeIngestion()
    fake.add([workflow_span(), node_span()], resource("svc-b"))
    fake.add([span(PLAIN_TRACE, PLAIN, kind=5, start_ns=START_NS - 10**9)], resource("svc-a"))
    workdir = tmp_path_factory.mktemp("fed-backend")
    backend = BackendProcess(
        workdir, ["--ingestion-address", fake.address, "--poll-interval-s", "0.05", "--poll-batch-size", "2"]
    ).start()
    backend.anonymous("POST", "/users/create-first-user", json={"email": ADMIN, "password": PASSWORD})
    client = backend.sign_in(ADMIN)
    wait_for(lambda: len(client.get(backend.url(f"{OBS}/traces/{TRACE}/spans")).json()) == 2
             and len(client.get(backend.url(f"{OBS}/traces/{PLAIN_TRACE}/spans")).json()) == 1,
             message="spans stored")  # three spans in two batches of at most 2: wait for both
    yield fake, backend, client
    backend.stop()
    fake.stop()


def query_duckdb(backend, sql: str, params=()):
    """Open the span store read-only from this (another) process once the backend has released it."""

    def attempt():
        try:
            with duckdb.connect(str(backend.data_dir / "spans.duckdb"), read_only=True) as conn:
                return [conn.execute(sql, params).fetchall()]
        except duckdb.IOException:
            return None

    return wait_for(attempt, timeout_s=10, message="span store released by the backend")[0]


def get(fed_client, backend, path):
    response = fed_client.get(backend.url(path), timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_span_fields_are_converted_exactly(fed):
    fake, backend, client = fed
    root = get(client, backend, f"{OBS}/traces/{TRACE}/spans/{ROOT}")
    assert root == {
        "trace_id": TRACE,
        "span_id": ROOT,
        "parent_span_id": None,
        "service_name": "svc-b",
        "name": "my workflow",
        "kind": "SERVER",
        "start_time": "2025-11-01T10:00:00.123456+00:00",
        "end_time": "2025-11-01T10:00:02.623457+00:00",
        "status_code": "2",
        "status_message": "it failed",
        "attributes_json": {
            **EVERY_TYPE_JSON,
            "junjo.span_type": "workflow",
            "junjo.id": "wf-1",
            "junjo.parent_id": "",
            "junjo.workflow.state.start": '{"count": 0}',
            "junjo.workflow.state.end": '{"count": 2}',
            "junjo.workflow.graph_structure": '{"nodes": ["a"]}',
            "junjo.workflow.store.id": "store-1",
        },
        "events_json": [
            {"name": "set_state", "timeUnixNano": START_NS + 1000, "attributes": {
                "junjo.state_json_patch": '[{"op":"replace","path":"/count","value":1}]', "junjo.store.id": "store-1"}},
            {"name": "log", "timeUnixNano": START_NS + 2000, "attributes": {"level": "info"}},
            {"name": "set_state", "timeUnixNano": START_NS + 3999, "attributes": {
                "junjo.state_json_patch": "not json", "junjo.store.id": "store-1"}},
        ],
        "links_json": [{"traceId": PLAIN_TRACE, "spanId": PLAIN, "traceState": "", "attributes": {"why": "follows"},
                        "flags": 0}],
        "trace_flags": 1,
        "trace_state": "vendor=value",
        "junjo_id": "wf-1",
        "junjo_parent_id": "",
        "junjo_span_type": "workflow",
        "junjo_wf_state_start": {"count": 0},
        "junjo_wf_state_end": {"count": 2},
        "junjo_wf_graph_structure": {"nodes": ["a"]},
        "junjo_wf_store_id": "store-1",
    }  # fmt: skip
    assert list(root) == [
        "trace_id", "span_id", "parent_span_id", "service_name", "name", "kind", "start_time", "end_time",
        "status_code", "status_message", "attributes_json", "events_json", "links_json", "trace_flags",
        "trace_state", "junjo_id", "junjo_parent_id", "junjo_span_type", "junjo_wf_state_start",
        "junjo_wf_state_end", "junjo_wf_graph_structure", "junjo_wf_store_id",
    ]  # fmt: skip
    node = get(client, backend, f"{OBS}/traces/{TRACE}/spans/{NODE}")
    assert (node["parent_span_id"], node["kind"], node["status_code"]) == (ROOT, "INTERNAL", "0")
    assert (node["junjo_id"], node["junjo_parent_id"], node["junjo_wf_graph_structure"]) == ("node-1", "wf-1", {"v": 2})
    assert node["junjo_wf_state_start"] is None and node["junjo_wf_store_id"] is None
    plain = get(client, backend, f"{OBS}/traces/{PLAIN_TRACE}/spans/{PLAIN}")
    assert (plain["service_name"], plain["kind"], plain["junjo_id"]) == ("svc-a", "CONSUMER", None)
    assert plain["start_time"] == "2025-11-01T09:59:59.123456+00:00"
    assert get(client, backend, f"{OBS}/traces/{TRACE}/spans/{PLAIN}") is None


def test_storage_types_and_state_patches(fed):
    fake, backend, client = fed
    sql = "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'spans'"
    columns = dict(query_duckdb(backend, sql))
    assert columns["start_time"] == columns["end_time"] == "TIMESTAMP WITH TIME ZONE"
    assert columns["attributes_json"] == columns["events_json"] == "JSON"
    patches = query_duckdb(
        backend,
        "SELECT service_name, trace_id, span_id, workflow_id, node_id, epoch_us(event_time), patch_json, patch_store_id"
        " FROM state_patches ORDER BY event_time",
    )
    start_us = START_NS // 1000
    assert patches == [
        ("svc-b", TRACE, ROOT, "wf-1", "wf-1", start_us + 1, '[{"op":"replace","path":"/count","value":1}]', "store-1"),
        ("svc-b", TRACE, ROOT, "wf-1", "wf-1", start_us + 4, None, "store-1"),  # invalid JSON patch → NULL
        ("svc-b", TRACE, NODE, "wf-1", "node-1", start_us + 600, "[]", "store-1"),
    ]


def test_the_same_rows_served_again_are_stored_once(fed):
    fake, backend, client = fed
    before = query_duckdb(backend, "SELECT (SELECT count(*) FROM spans), (SELECT count(*) FROM state_patches)")
    fake.replay()
    last_key = fake.rows[-1][0]
    wait_for(lambda: any(start == last_key for start, _ in list(fake.requests)), message="poller read past the replay")
    after = query_duckdb(backend, "SELECT (SELECT count(*) FROM spans), (SELECT count(*) FROM state_patches)")
    assert before == after == [(3, 3)]
    wait_for(lambda: _cursor(backend) == last_key, message="cursor stored after the replayed rows")


def _cursor(backend):
    with sqlite3.connect(backend.data_dir / "junjo.sqlite") as conn:
        row = conn.execute("SELECT last_key FROM poller_state WHERE id = 1").fetchone()
    return row[0] if row else None


def test_services_roots_workflows_and_llm_filter(fed):
    fake, backend, client = fed
    assert get(client, backend, f"{OBS}/services") == ["svc-a", "svc-b"]
    roots = get(client, backend, f"{OBS}/services/svc-b/spans/root")
    assert [s["span_id"] for s in roots] == [ROOT]
    assert [s["span_id"] for s in get(client, backend, f"{OBS}/services/svc-b/spans/root?has_llm=true")] == [ROOT]
    assert get(client, backend, f"{OBS}/services/svc-a/spans/root?has_llm=true") == []
    assert [s["span_id"] for s in get(client, backend, f"{OBS}/services/svc-a/spans/root")] == [PLAIN]
    assert [s["span_id"] for s in get(client, backend, f"{OBS}/services/svc-b/workflows")] == [ROOT]
    assert get(client, backend, f"{OBS}/services/nope/spans") == []


def test_ordering_limit_and_offset(fed):
    fake, backend, client = fed
    trace = "11111111111111111111111111111111"
    ids = [f"{i:016x}" for i in range(1, 26)]
    # newest first; spans 24 and 25 share a start time (tie broken by span_id)
    spans = [span(trace, sid, start_ns=START_NS + min(i, 23) * 10**6) for i, sid in enumerate(ids)]
    fake.add(spans, resource("paging"))
    wait_for(lambda: len(get(client, backend, f"{OBS}/services/paging/spans")) == 25, message="paging spans stored")
    expected = sorted(ids, key=lambda sid: (-min(ids.index(sid), 23), sid))
    assert [s["span_id"] for s in get(client, backend, f"{OBS}/services/paging/spans")] == expected
    pages = [get(client, backend, f"{OBS}/services/paging/spans?limit=10&offset={o}") for o in (0, 10, 20)]
    assert [s["span_id"] for page in pages for s in page] == expected
    assert [len(page) for page in pages] == [10, 10, 5]
    assert [s["span_id"] for s in get(client, backend, f"{OBS}/traces/{trace}/spans")] == expected


def test_unparseable_row_does_not_block_later_rows(fed):
    fake, backend, client = fed
    fake.add_raw(b"\xff\xff\xff", resource("broken").SerializeToString())
    fake.add([span("22222222222222222222222222222222", "2222222222222222")], resource("after-broken"))
    wait_for(lambda: "after-broken" in get(client, backend, f"{OBS}/services"), message="row after a broken one")
    assert "cannot be parsed" in backend.log()


def test_store_is_released_when_idle_and_waited_for_when_held(fed):
    fake, backend, client = fed
    path = str(backend.data_dir / "spans.duckdb")
    query_duckdb(backend, "SELECT 1")  # released by the idle backend
    holder = duckdb.connect(path, read_only=True)
    threading.Timer(0.6, holder.close).start()
    started = time.monotonic()
    services = get(client, backend, f"{OBS}/services")  # waits for the holder instead of failing
    assert "svc-a" in services and time.monotonic() - started >= 0.4


def test_spans_and_cursor_survive_a_restart_and_a_lost_store(fed, tmp_path):
    fake, backend, client = fed
    assert backend.stop() == 0
    requests_before = len(fake.requests)
    restarted = BackendProcess(backend.workdir, backend.args, backend.data_dir).start()
    try:
        session = restarted.sign_in(ADMIN)
        assert "svc-a" in get(session, restarted, f"{OBS}/services")
        wait_for(lambda: len(fake.requests) > requests_before)
        assert fake.requests[requests_before][0] == fake.rows[-1][0]  # continues after the stored cursor
    finally:
        assert restarted.stop() == 0
    # the span store is lost: a restart reads everything from ingestion again
    shutil.move(backend.data_dir / "spans.duckdb", tmp_path / "moved.duckdb")
    rebuilt = BackendProcess(backend.workdir, backend.args, backend.data_dir).start()
    try:
        session = rebuilt.sign_in(ADMIN)
        wait_for(lambda: len(get(session, rebuilt, f"{OBS}/services/paging/spans")) == 25, message="store rebuilt")
        assert len(get(session, rebuilt, f"{OBS}/traces/{TRACE}/spans")) == 2
    finally:
        assert rebuilt.stop() == 0
    backend.start()  # leave the module's backend running for any later test
