"""Benchmark: the suite's span load generator beside the OpenTelemetry SDK's own OTLP gRPC exporter.

Both send batches of 1000 spans (100 traces of 10, one attribute each) to the same sink, a separate process
that acknowledges without parsing. Measured: unique spans acknowledged per second of wall time and per
CPU-second of the sending process (all its threads, gRPC's included), i.e. on one core.

- generator: ``junjo_acceptance.ingestion.load_generator`` (prebuilt request, fresh ids stamped into the bytes), 4
  in flight;
- SDK exporter: ``OTLPSpanExporter.export`` of spans the SDK already recorded (the exporter's own cost);
- SDK end to end: spans recorded with the SDK's tracer, then exported (what an instrumented client does).

The generator must push at least 100,000 spans per CPU-second and beat the SDK exporter.
"""

import os

import pytest
from sdk_baseline import SPANS_PER_BATCH, measured, sdk_rates

from junjo_acceptance.ingestion.grpc_sender import ExportChannels
from junjo_acceptance.ingestion.load_generator import SpanLoad, push

GENERATOR_BATCHES = 60


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


@pytest.mark.slow
def test_generator_outpaces_the_sdk_exporter_and_pushes_100k_spans_per_core_second(sink, capsys):
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
