"""A small application instrumented with ``junjo``: runs a workflow several times at once and exports its
spans to Junjo AI Studio with ``JunjoOtelExporter``, as a user's service would.

Run as ``python -m junjo_acceptance.junjo_client.app --endpoint HOST:PORT --service NAME --runs N --report FILE``
with the API
key in the environment variable ``JUNJO_CLIENT_API_KEY``. Besides exporting, it keeps a copy of every span it
finished (an in-memory exporter on the same tracer provider) and writes the report: the junjo version,
the spans as one serialized OTLP ``ExportTraceServiceRequest`` (base64), each run's final state, and
whether the exporter's flush reported success (which does not prove delivery).
"""

import argparse
import asyncio
import base64
import json
import os
from importlib.metadata import version

from junjo import BaseState, BaseStore, Edge, Graph, Node, RunConcurrent, Workflow
from junjo.telemetry.junjo_otel_exporter import JunjoOtelExporter
from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

BRANCHES = 3


class OrderState(BaseState):
    items: list[str]
    count: int = 0
    checked: list[str] = []
    branch_0: str | None = None
    branch_1: str | None = None
    branch_2: str | None = None


class OrderStore(BaseStore[OrderState]):
    async def record_count(self, count: int) -> None:
        await self.set_state({"count": count})

    async def record_branch(self, branch: int, outcome: str) -> None:
        await self.set_state({f"branch_{branch}": outcome})

    async def record_checked(self, checked: list[str]) -> None:
        await self.set_state({"checked": checked})


class CountItems(Node[OrderStore]):
    async def service(self, store: OrderStore) -> None:
        state = await store.get_state()
        await store.record_count(len(state.items))


class CheckBranch(Node[OrderStore]):
    def __init__(self, branch: int):
        super().__init__()
        self.branch = branch

    async def service(self, store: OrderStore) -> None:
        await store.record_branch(self.branch, f"checked by branch {self.branch}")


class Summarise(Node[OrderStore]):
    async def service(self, store: OrderStore) -> None:
        state = await store.get_state()
        await store.record_checked(sorted(item.upper() for item in state.items))


def make_graph() -> Graph:
    count, summarise = CountItems(), Summarise()
    branches = RunConcurrent(name="check branches", items=[CheckBranch(n) for n in range(BRANCHES)])
    return Graph(source=count, sinks=[summarise],
                 edges=[Edge(tail=count, head=branches), Edge(tail=branches, head=summarise)])


def make_workflow(run: int) -> Workflow:
    items = [f"item-{run}-{n}" for n in range(run + 2)]
    return Workflow[OrderState, OrderStore](
        name=f"acceptance order workflow {run}", graph_factory=make_graph,
        store_factory=lambda: OrderStore(initial_state=OrderState(items=items)))


async def run_workflows(runs: int) -> list[dict]:
    results = await asyncio.gather(*(make_workflow(run).execute() for run in range(runs)))
    return [result.state.model_dump(mode="json") for result in results]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--service", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--report", required=True)
    args = parser.parse_args()
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    provider = TracerProvider(resource=Resource.create({"service.name": args.service}))
    exporter = JunjoOtelExporter(endpoint=args.endpoint, api_key=os.environ["JUNJO_CLIENT_API_KEY"], insecure=True)
    provider.add_span_processor(exporter.span_processor)
    copies = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(copies))
    trace.set_tracer_provider(provider)
    final_states = asyncio.run(run_workflows(args.runs))
    flushed = exporter.flush(timeout_millis=30_000)
    provider.shutdown()
    request = encode_spans(copies.get_finished_spans())
    report = {"junjo_version": version("junjo"), "flushed": flushed, "final_states": final_states,
              "request": base64.b64encode(request.SerializeToString()).decode("ascii")}
    with open(args.report, "w", encoding="utf-8") as handle:
        json.dump(report, handle)


if __name__ == "__main__":
    main()
