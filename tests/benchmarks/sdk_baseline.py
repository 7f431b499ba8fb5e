"""What the benchmarks here share: a wall-clock and CPU measurement, and the OpenTelemetry SDK's own OTLP
gRPC exporter as the yardstick (batches of 1000 spans: 100 traces of 10, one attribute each)."""

import time

SPANS_PER_BATCH = 1000
SDK_BATCHES = 5
PROXY_VARIABLES = ("http_proxy", "https_proxy", "grpc_proxy", "HTTP_PROXY", "HTTPS_PROXY", "GRPC_PROXY")


def measured(send) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    spans = send()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"spans": spans, "per_s": spans / wall, "per_cpu_s": spans / cpu}


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


