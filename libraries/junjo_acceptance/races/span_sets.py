"""Span sets for races and durability: senders with their batches, a long series of batches, and a junjo
workflow whose nodes run concurrently and interleave their ``set_state`` patches.

Every function returns described spans (see ``junjo_acceptance.ingestion.otlp_builder.describe``).
"""

import json

from junjo_acceptance.ingestion.otlp_builder import describe, make_span, new_span_id, new_trace_id, now_ns
from junjo_acceptance.ingestion.scenarios import _junjo_id, trace

US = 1_000
SUB_MICROSECOND_NS = 999  # timestamps carry nanoseconds a target must cut, not round, to microseconds
PATCH_SPACING_NS = 3 * US


def batches_of(items: list, size: int, reverse: bool = False) -> list[list]:
    """``items`` cut into consecutive batches of ``size`` (the last may be shorter); ``reverse`` first
    reverses the items (for a trace built root first: the deepest spans come first, parents later)."""
    ordered = list(reversed(items)) if reverse else list(items)
    size = int(size)
    if size < 1:
        raise ValueError("a batch holds at least one item")
    return [ordered[start:start + size] for start in range(0, len(ordered), size)]


def sender_services(label: str, senders: int) -> list[str]:
    """The service of each sender of `sender_batches`: ``<label>-sender-<n>``."""
    return [f"{label}-sender-{number}" for number in range(int(senders))]


def sender_batches(senders: int, spans_per_sender: int, spans_per_export: int, label: str) -> list[list[list]]:
    """For each sender: one trace of ``spans_per_sender`` spans under its own service ``<label>-sender-<n>``,
    cut into Exports of ``spans_per_export`` spans, children before their parents (as services export a
    span when it ends, and a child ends before its parent)."""
    return [batches_of(trace(spans_per_sender, service, name=f"sender-{number}"), spans_per_export, reverse=True)
            for number, service in enumerate(sender_services(label, senders))]


def series_of_traces(batches: int, spans_per_batch: int, service: str) -> list[list]:
    """``batches`` batches, each one new trace of ``spans_per_batch`` spans of ``service``."""
    return [trace(spans_per_batch, service, name=f"series-{number}") for number in range(int(batches))]


def concurrent_workflow(nodes: int, patches_per_node: int, service: str) -> list[dict]:
    """A junjo workflow run (telemetry contract version 2) whose ``nodes`` nodes run concurrently: each node
    span holds ``patches_per_node`` ``set_state`` events, and the events of all nodes interleave in time.

    Patch number ``s`` (in time order over the whole run) sets ``/counter`` to ``s + 1`` and appends
    ``"node-<n>:<m>"`` to ``/log``, so only the patches applied in time order give the end state recorded
    on the workflow span. Times are 3 µs apart and carry sub-microsecond nanoseconds. Returns the workflow
    span first, then the node spans.
    """
    nodes, per_node = int(nodes), int(patches_per_node)
    trace_id, workflow_span_id = new_trace_id(), new_span_id()
    workflow_id, store_id = _junjo_id(), f"store-{_junjo_id()}"
    start = now_ns() + SUB_MICROSECOND_NS
    first_patch = start + 10 * US
    state = {"counter": 0, "log": []}
    start_state = json.dumps(state)
    events: list[list[dict]] = [[] for _ in range(nodes)]
    for sequence in range(nodes * per_node):
        node, number = sequence % nodes, sequence // nodes
        entry = f"node-{node}:{number}"
        patch = [{"op": "replace", "path": "/counter", "value": sequence + 1},
                 {"op": "add", "path": "/log/-", "value": entry}]
        state["counter"], state["log"] = sequence + 1, state["log"] + [entry]
        events[node].append({"name": "set_state", "time": first_patch + sequence * PATCH_SPACING_NS,
                             "attributes": {"junjo.state_json_patch": json.dumps(patch),
                                            "junjo.store.id": store_id, "junjo.store.action": f"step_{entry}"}})
    last_patch = first_patch + (nodes * per_node - 1) * PATCH_SPACING_NS
    common = {"junjo.telemetry.contract_version": 2}
    node_spans = [describe(make_span(
        name=f"concurrent-node-{node}", service=service, trace_id=trace_id, parent_span_id=workflow_span_id,
        start=first_patch - (node + 1) * US, duration_ms=(last_patch - first_patch) / 1e6 + 0.004,
        attributes={**common, "junjo.span_type": "node", "junjo.executable_runtime_id": node_id,
                    "junjo.parent_executable_runtime_id": workflow_id},
        events=events[node])) for node, node_id in enumerate(_junjo_id() for _ in range(nodes))]
    workflow = describe(make_span(
        name="concurrent-workflow", service=service, trace_id=trace_id, span_id=workflow_span_id, start=start,
        duration_ms=(last_patch - start) / 1e6 + 0.02,
        attributes={**common, "junjo.span_type": "workflow", "junjo.executable_runtime_id": workflow_id,
                    "junjo.workflow.state.start": start_state, "junjo.workflow.state.end": json.dumps(state),
                    "junjo.workflow.store.id": store_id,
                    "junjo.workflow.execution_graph_snapshot": json.dumps({"nodes": nodes, "concurrent": True})}))
    return [workflow, *node_spans]


def wide_span(service: str, attributes: int, events: int, depth: int) -> list[dict]:
    """One span far beyond a handful of attributes: ``attributes`` attributes of every ``AnyValue`` type
    (cycling), ``events`` events with attributes of their own, and arrays and key-value lists nested
    ``depth`` levels deep; plus a small child span, so the trace has a root and a child."""
    def nested(level: int):
        if level == 0:
            return {"leaf": f"level-{depth}", "n": depth, "ok": True}
        return {"list": [level, f"item-{level}", [level, level + 0.5]], "kv": nested(level - 1)}

    cycle = (lambda i: f"value-{i}-ünï", lambda i: i * 7919, lambda i: i + 0.25, lambda i: i % 2 == 0,
             lambda i: [f"a{i}", i, i / 4, False], lambda i: {"index": i, "name": f"kv-{i}"},
             lambda i: bytes([i % 256, 0, 255]))
    attrs = {f"wide.attr.{i:04d}": cycle[i % len(cycle)](i) for i in range(int(attributes))}
    attrs["wide.nested"] = nested(int(depth))
    start = now_ns()
    event_list = [{"name": f"event-{i}", "time": start + i * US,
                   "attributes": {"event.index": i, "event.note": f"note {i}", "event.tags": ["x", i]}}
                  for i in range(int(events))]
    root = make_span(name="wide-root", service=service, start=start, duration_ms=50, attributes=attrs,
                     events=event_list)
    trace_id = root.span.trace_id.hex()
    child = make_span(name="wide-child", service=service, trace_id=trace_id, parent_span_id=root.span.span_id.hex(),
                      start=start + US, duration_ms=1, attributes={"child": True})
    return [describe(root), describe(child)]


# Double attributes JSON has no literal for, by attribute name (see `non_finite_double_span`).
NON_FINITE_DOUBLES = {"pos_inf": float("inf"), "neg_inf": float("-inf"), "nan": float("nan")}


def non_finite_double_span(service: str) -> list[dict]:
    """One span of ``service`` whose double attributes are +Infinity, -Infinity and NaN
    (`NON_FINITE_DOUBLES`)."""
    return [describe(make_span(name="non-finite", service=service, attributes=dict(NON_FINITE_DOUBLES)))]
