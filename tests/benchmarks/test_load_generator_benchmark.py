"""Benchmark: the suite's span load generator beside the OpenTelemetry SDK's own OTLP gRPC exporter.

Both send batches of 1000 spans (100 traces of 10, one attribute each) to the same sink, a separate process
that acknowledges without parsing. Measured: unique spans acknowledged per second of wall time and per
CPU-second of the sending process (all its threads, gRPC's included), i.e. on one core.

- generator: ``ingestion.load_generator`` (prebuilt request, fresh ids stamped into the bytes), 4 in flight;
- SDK exporter: ``OTLPSpanExporter.export`` of spans the SDK already recorded (the exporter's own cost);
- SDK end to end: spans recorded with the SDK's tracer, then exported (what an instrumented client does).

The generator must push at least 100,000 spans per CPU-second and beat the SDK exporter.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingestion.grpc_sender import ExportChannels
from ingestion.load_generator import SpanLoad, push

SPANS_PER_BATCH = 1000
GENERATOR_BATCHES = 60
SDK_BATCHES = 5
PROXY_VARIABLES = ("http_proxy", "https_proxy", "grpc_proxy", "HTTP_PROXY", "HTTPS_PROXY", "GRPC_PROXY")


@pytest.fixture(scope="module")
def sink():
    process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("otlp_sink.py"))],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    address = f"127.0.0.1:{int(process.stdout.readline())}"
    yield address
    process.stdin.close()
    process.wait(timeout=10)


def measured(send) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    spans = send()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"spans": spans, "per_s": spans / wall, "per_cpu_s": spans / cpu}


def generator_rate(address: str) -> dict:
    channels = ExportChannels()
    stub = channels.export_stub(address)
    load = SpanLoad("benchmark", traces=100, spans_per_trace=10, attributes={"load.kind": "push"})

    def send():
        records, _ = push(stub, load, GENERATOR_BATCHES, "key", in_flight=4)
        assert {record.code for record in records} == {"OK"}
        return len(records) * SPANS_PER_BATCH

    push(stub, load, 2, "key")  # warm-up: channel connected, code paths loaded
    try:
        return measured(send) | {"bytes_per_span": load.request_bytes / SPANS_PER_BATCH}
    finally:
        channels.close_all()


def record_sdk_spans(tracer) -> None:
    from opentelemetry.trace import set_span_in_context

    for _ in range(SPANS_PER_BATCH // 10):
        parent = None
        for index in range(10):
            context = None if parent is None else set_span_in_context(parent)
            span = tracer.start_span(f"load-{index}", context=context, attributes={"load.kind": "push"})
            span.end()
            parent = span


def sdk_rates(address: str) -> tuple[dict, dict]:
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    recorded = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource({"service.name": "benchmark"}))
    provider.add_span_processor(SimpleSpanProcessor(recorded))
    tracer = provider.get_tracer("benchmark")
    exporter = OTLPSpanExporter(endpoint=address, insecure=True, headers={"x-junjo-api-key": "key"})

    def take_batch():
        record_sdk_spans(tracer)
        batch = recorded.get_finished_spans()
        recorded.clear()
        return batch

    assert exporter.export(take_batch()) is SpanExportResult.SUCCESS  # warm-up
    batches = [take_batch() for _ in range(SDK_BATCHES)]

    def export_only():
        for batch in batches:
            assert exporter.export(batch) is SpanExportResult.SUCCESS
        return SDK_BATCHES * SPANS_PER_BATCH

    def end_to_end():
        for _ in range(SDK_BATCHES):
            assert exporter.export(take_batch()) is SpanExportResult.SUCCESS
        return SDK_BATCHES * SPANS_PER_BATCH

    try:
        return measured(export_only), measured(end_to_end)
    finally:
        exporter.shutdown()
        provider.shutdown()


@pytest.mark.slow
def test_generator_outpaces_the_sdk_exporter_and_pushes_100k_spans_per_core_second(sink, monkeypatch, capsys):
    for variable in PROXY_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    generator = generator_rate(sink)
    exporter, end_to_end = sdk_rates(sink)
    with capsys.disabled():
        print(f"\nload generator: {generator['per_s']:,.0f} spans/s wall, {generator['per_cpu_s']:,.0f} spans per "
              f"CPU-second ({generator['bytes_per_span']:.0f} bytes/span, {os.cpu_count()} cores)\n"
              f"SDK OTLP exporter (export only): {exporter['per_s']:,.0f} spans/s wall, "
              f"{exporter['per_cpu_s']:,.0f} per CPU-second\n"
              f"SDK tracer + exporter (end to end): {end_to_end['per_s']:,.0f} spans/s wall, "
              f"{end_to_end['per_cpu_s']:,.0f} per CPU-second\n"
              f"ratio generator / SDK exporter: {generator['per_s'] / exporter['per_s']:.1f}× wall, "
              f"{generator['per_cpu_s'] / exporter['per_cpu_s']:.1f}× per CPU-second; "
              f"generator / SDK end to end: {generator['per_s'] / end_to_end['per_s']:.1f}× wall")
    assert generator["per_cpu_s"] >= 100_000
    assert generator["per_cpu_s"] > exporter["per_cpu_s"]
