"""Mechanics behind the ``Metrics`` keyword library.

- :mod:`metrics.stats`: latency samples → percentiles, throughput, error counts;
- :mod:`metrics.sampler`: RSS and CPU of the target's processes, sampled with psutil in a thread;
- :mod:`metrics.plots`: latency-over-time, histogram and memory plots (matplotlib, Agg) as base64 PNG;
- :mod:`metrics.baseline`: the committed baseline of a target profile, compared with a tolerance;
- :mod:`metrics.store`: every figure of a run in ``metrics.json`` (merged across pabot processes);
- :mod:`metrics.tables`: the HTML tables shown in ``log.html``.
"""
