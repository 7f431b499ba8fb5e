"""Summaries of latency samples: percentiles (linear interpolation, as numpy's default), throughput,
errors, and a least-squares slope for trends (memory growth)."""

import math
from dataclasses import asdict, dataclass


def percentile(values: list[float], percent: float) -> float:
    """The ``percent`` percentile of ``values`` (0..100), linearly interpolated between closest ranks."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * float(percent) / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class LatencySummary:
    """What a set of latency samples says; ``throughput_per_s`` counts ``items`` (spans, requests) per
    second of ``elapsed_s`` (0 when no elapsed time was given)."""

    name: str
    count: int
    errors: int
    min_ms: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    items: int
    elapsed_s: float
    throughput_per_s: float

    def as_dict(self) -> dict:
        return asdict(self)

    def figures(self) -> dict[str, tuple[float, str]]:
        """The figures worth recording, as ``{figure: (value, unit)}``."""
        found = {f"{self.name}.{key}": (getattr(self, key), "ms")
                 for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")}
        found[f"{self.name}.count"] = (self.count, "")
        found[f"{self.name}.errors"] = (self.errors, "")
        if self.throughput_per_s:
            found[f"{self.name}.throughput_per_s"] = (self.throughput_per_s, "/s")
        return found


def summarise(name: str, latencies_ms: list[float], errors: int = 0, items: "int | None" = None,
              elapsed_s: "float | None" = None) -> LatencySummary:
    """Summarise ``latencies_ms``; ``items`` defaults to the number of samples."""
    values = [float(value) for value in latencies_ms]
    count = len(values)
    items = count if items is None else int(items)
    elapsed = float(elapsed_s) if elapsed_s else 0.0
    return LatencySummary(
        name=name, count=count, errors=int(errors),
        min_ms=min(values, default=math.nan), p50_ms=percentile(values, 50), p95_ms=percentile(values, 95),
        p99_ms=percentile(values, 99), max_ms=max(values, default=math.nan),
        mean_ms=sum(values) / count if count else math.nan,
        items=items, elapsed_s=elapsed, throughput_per_s=items / elapsed if elapsed > 0 else 0.0)


def slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ``ys`` over ``xs`` (0 with fewer than two distinct ``xs``)."""
    if len(xs) < 2:
        return 0.0
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return 0.0
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
