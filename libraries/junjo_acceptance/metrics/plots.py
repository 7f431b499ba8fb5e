"""Plots for ``log.html``, drawn with matplotlib's Agg backend (no display needed) and embedded as base64
PNG, so they survive pabot's merge of the logs."""

import base64
import io

DPI = 80
OFF_SCALE = 3  # a limit more than this many times the slowest call is not drawn


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=DPI)
    _pyplot().close(figure)
    return buffer.getvalue()


def latency_png(title: str, at_s: list[float], latencies_ms: list[float], p50_ms: float, p99_ms: float,
                limit_ms: "float | None" = None) -> bytes:
    """Latency over time (one dot per call, p50/p99 and the limit as lines) beside its histogram. A limit far
    above the samples is named in the title instead of squashing them against the axis."""
    plt = _pyplot()
    figure, (timeline, histogram) = plt.subplots(1, 2, figsize=(11, 3.4), gridspec_kw={"width_ratios": [3, 2]})
    timeline.plot(at_s, latencies_ms, ".", markersize=4, color="tab:blue", label="call")
    histogram.hist(latencies_ms, bins=min(40, max(5, len(latencies_ms) // 3)), color="tab:blue", alpha=0.8)
    lines = [(p50_ms, "tab:green", "--", f"p50 {p50_ms:.1f} ms"), (p99_ms, "tab:orange", "--", f"p99 {p99_ms:.1f} ms")]
    note = ""
    if limit_ms is not None:
        if float(limit_ms) <= OFF_SCALE * max(latencies_ms):
            lines.append((float(limit_ms), "tab:red", "-", f"limit {float(limit_ms):g} ms"))
        else:
            note = f" (limit {float(limit_ms):g} ms, off scale)"
    for value, colour, style, label in lines:
        timeline.axhline(value, color=colour, linestyle=style, label=label)
        histogram.axvline(value, color=colour, linestyle=style)
    timeline.set(title=f"{title}: latency over time{note}", xlabel="seconds since the first call", ylabel="ms")
    timeline.set_ylim(bottom=0)
    histogram.set(title=f"{title}: histogram ({len(latencies_ms)} calls)", xlabel="ms", ylabel="calls")
    timeline.legend(loc="upper right", fontsize="small")
    return _png(figure)


def load_png(title: str, history: dict, declared_rate: float, limit_ms: "float | None" = None) -> bytes:
    """A load run second by second: achieved requests/s against the declared rate, with the users running,
    beside the latency percentiles of the load engine's recent window (and the limit)."""
    plt = _pyplot()
    figure, (rate, latency) = plt.subplots(1, 2, figsize=(11, 3.4))
    at_s = history.get("at_s", [])
    rate.plot(at_s, history.get("requests_per_s", []), color="tab:blue", label="achieved requests/s (10 s window)")
    rate.axhline(float(declared_rate), color="tab:red", linestyle="--", label=f"declared {float(declared_rate):g}/s")
    users = rate.twinx()
    users.plot(at_s, history.get("users", []), color="grey", linestyle=":", label="users")
    users.set_ylabel("users")
    for key, colour in (("p50_ms", "tab:green"), ("p95_ms", "tab:orange")):
        points = [(t, v) for t, v in zip(at_s, history.get(key, []), strict=False) if v is not None]
        latency.plot([t for t, _ in points], [v for _, v in points], color=colour, label=key.replace("_ms", ""))
    if limit_ms is not None:
        latency.axhline(float(limit_ms), color="tab:red", linestyle="-", label=f"limit {float(limit_ms):g} ms")
    rate.set(title=f"{title}: arrival rate", xlabel="seconds", ylabel="requests/s")
    latency.set(title=f"{title}: latency (recent window)", xlabel="seconds", ylabel="ms")
    rate.set_ylim(bottom=0)
    latency.set_ylim(bottom=0)
    rate.legend(loc="lower right", fontsize="small")
    latency.legend(loc="upper right", fontsize="small")
    return _png(figure)


def memory_png(title: str, series: dict, marks: dict[str, float]) -> bytes:
    """RSS (MiB) and CPU (%) of each sampled process over time, with marks (warm-up done) as lines."""
    plt = _pyplot()
    figure, (memory, cpu) = plt.subplots(1, 2, figsize=(11, 3.4))
    for name, process in series.items():
        times = [sample.at_s for sample in process.samples]
        memory.plot(times, [sample.rss_mib for sample in process.samples], label=name)
        cpu.plot(times, [sample.cpu_percent for sample in process.samples], label=name)
    for label, at_s in marks.items():
        for axis in (memory, cpu):
            axis.axvline(at_s, color="grey", linestyle=":", label=label if axis is memory else None)
    memory.set(title=f"{title}: resident memory", xlabel="seconds", ylabel="MiB")
    cpu.set(title=f"{title}: CPU", xlabel="seconds", ylabel="% of one core")
    memory.legend(loc="upper left", fontsize="small")
    cpu.legend(loc="upper left", fontsize="small")
    return _png(figure)


def img_tag(png: bytes, alt: str) -> str:
    """An ``<img>`` holding ``png`` inline (base64 data URL)."""
    encoded = base64.b64encode(png).decode("ascii")
    return f'<img src="data:image/png;base64,{encoded}" alt="{alt}" style="max-width:100%">'
