"""Mechanics behind the ``Metrics`` keyword library.

- :mod:`junjo_acceptance.metrics.stats`: latency samples → percentiles, throughput, error counts;
- :mod:`junjo_acceptance.metrics.sampler`: RSS and CPU of the target's processes, sampled with psutil in a thread;
- :mod:`junjo_acceptance.metrics.plots`: latency-over-time, histogram and memory plots (matplotlib, Agg) as base64 PNG;
- :mod:`junjo_acceptance.metrics.baseline`: the committed baseline of a target profile, compared with a tolerance;
- :mod:`junjo_acceptance.metrics.store`: every figure of a run in ``metrics.json`` (merged across pabot processes);
- :mod:`junjo_acceptance.metrics.tables`: the HTML tables shown in ``log.html``.
"""
