"""Mechanics behind the ``SpanIngestion`` keyword library.

- :mod:`junjo_acceptance.ingestion.otlp_builder`: OTLP spans and Export requests, and the span object a target
  should store;
- :mod:`junjo_acceptance.ingestion.scenarios`: ready-made span sets (traces, junjo workflows, malformed spans,
  padded requests);
- :mod:`junjo_acceptance.ingestion.grpc_sender`: cached channels and ``TraceService/Export`` calls that never raise;
- :mod:`junjo_acceptance.ingestion.load_generator`: prebuilt serialized batches with fresh ids stamped in, pushed
  at full speed.
"""
