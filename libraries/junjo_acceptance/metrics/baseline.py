"""The committed baseline of a target profile (``resources/baselines/<profile>.json``) and the comparison
of a run's figures with it.

A baseline holds, per test and figure, the accepted ``value``, its ``unit``, which direction is
``better`` (``lower`` for latencies and memory, ``higher`` for throughput) and the ``tolerance``: the
fraction by which a run may be worse before it counts as a regression. For a lower-is-better figure the
limit is ``value × (1 + tolerance)``, for a higher-is-better one ``value / (1 + tolerance)``.

Accept a run's numbers as the new baseline (keeps the chosen figures, tolerances and directions)::

    python -m junjo_acceptance.metrics.baseline accept results/metrics.json resources/baselines/reference.json

(run from ``libraries/``; ``--all`` also adds figures the baseline does not list yet).
"""

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from .tables import number

DEFAULT_TOLERANCE = 1.0


@dataclass
class Comparison:
    """One figure of a run against its baseline; ``verdict`` is ``ok``, ``regression`` or ``no baseline``."""

    figure: str
    unit: str
    measured: float
    baseline: "float | None" = None
    better: str = "lower"
    tolerance: "float | None" = None
    limit: "float | None" = None
    verdict: str = "no baseline"

    def as_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        sign = "≤" if self.better == "lower" else "≥"
        return (f"{self.figure} = {number(self.measured, self.unit)}, baseline {number(self.baseline, self.unit)}, "
                f"tolerance {self.tolerance:.0%} → must be {sign} {number(self.limit, self.unit)}")


def load(path: "str | Path") -> "dict | None":
    """The baseline at ``path``, or None when there is no such file."""
    path = Path(path)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def compare(test: str, figures: dict[str, tuple[float, str]], baseline: "dict | None") -> list[Comparison]:
    """Every figure of ``test`` compared with ``baseline`` (figures it does not list: ``no baseline``)."""
    expected = (baseline or {}).get("tests", {}).get(test, {})
    default = float((baseline or {}).get("default_tolerance", DEFAULT_TOLERANCE))
    results = []
    for figure, (measured, unit) in figures.items():
        entry = expected.get(figure)
        comparison = Comparison(figure, unit, float(measured))
        if entry is not None:
            comparison.baseline = float(entry["value"])
            comparison.better = entry.get("better", "lower")
            comparison.tolerance = float(entry.get("tolerance", default))
            factor = 1 + comparison.tolerance
            if comparison.better == "lower":
                comparison.limit = comparison.baseline * factor
                worse = comparison.measured > comparison.limit
            else:
                comparison.limit = comparison.baseline / factor
                worse = comparison.measured < comparison.limit
            comparison.verdict = "regression" if worse or math.isnan(comparison.measured) else "ok"
        results.append(comparison)
    return results


def accept(metrics_path: Path, baseline_path: Path, add_all: bool = False) -> dict:
    """Update ``baseline_path`` with the values of ``metrics_path`` (see the module docs); returns it."""
    run = json.loads(metrics_path.read_text(encoding="utf-8"))
    baseline = load(baseline_path) or {"profile": baseline_path.stem, "default_tolerance": DEFAULT_TOLERANCE,
                                       "tests": {}}
    for entry in run.get("tests", {}).values():
        if entry.get("status") != "PASS":
            continue
        wanted = baseline["tests"].setdefault(entry["test"], {}) if add_all else baseline["tests"].get(entry["test"])
        for figure, recorded in entry.get("figures", {}).items():
            if wanted is None or (figure not in wanted and not add_all):
                continue
            previous = wanted.get(figure, {"better": "higher" if "throughput" in figure else "lower"})
            wanted[figure] = {**previous, "value": round(recorded["value"], 3), "unit": recorded["unit"]}
    baseline["recorded"] = run.get("generated_at", "")
    baseline_path.write_text(json.dumps(baseline, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return baseline


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m junjo_acceptance.metrics.baseline",
                                     description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    accepting = commands.add_parser("accept", help="make a run's figures the new baseline")
    accepting.add_argument("metrics", type=Path, help="metrics.json of an accepted run")
    accepting.add_argument("baseline", type=Path, help="the baseline file to update")
    accepting.add_argument("--all", action="store_true", help="also add figures the baseline does not list")
    args = parser.parse_args(argv)
    baseline = accept(args.metrics, args.baseline, args.all)
    count = sum(len(figures) for figures in baseline["tests"].values())
    print(f"{args.baseline}: {count} figures of {len(baseline['tests'])} tests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
