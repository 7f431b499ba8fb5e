"""Release sign-off summary: one page that says whether to ship, written after every acceptance run.

``python -m tools.signoff [results-dir]`` reads ``output.xml`` (and ``metrics.json`` / ``detection.json`` when
present) and writes ``signoff.html``: the verdict, pass/fail per category and priority, the 40 plan items
with their status, performance figures against thresholds and baselines, the defect-detection result, and
links into ``log.html``.
"""

import html
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from robot.api import ExecutionResult

from tools.plan_items import ITEMS, SECTIONS

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "libraries"))
from metrics import baseline  # noqa: E402 - the suite's own baseline comparison, reused

CATEGORIES = ("security", "concurrency", "performance", "error_recovery")
PRIORITIES = ("priority:high", "priority:medium", "priority:low")


def collect(results_dir: Path) -> dict:
    """Everything the page shows, as data (also handy for tests)."""
    result = ExecutionResult(str(results_dir / "output.xml"))
    tests = [{"name": t.name, "id": t.id, "status": t.status, "message": t.message, "tags": list(t.tags),
              "elapsed_s": t.elapsed_time.total_seconds()} for t in result.suite.all_tests]
    return {
        "tests": tests,
        "totals": Counter(t["status"] for t in tests),
        "grid": _grid(tests),
        "plan": _plan_status(tests),
        "metrics": _figures(_load_json(results_dir / "metrics.json", {}), tests),
        "detection": _load_json(results_dir / "detection.json", None),
        "elapsed_s": result.suite.elapsed_time.total_seconds(),
    }


def verdict(data: dict) -> tuple[bool, str]:
    """Ship or not, and why."""
    failed = data["totals"].get("FAIL", 0)
    missing = [item for item in data["plan"] if item["status"] == "MISSING"]
    bad_metrics = [m for m in data["metrics"] if m.get("verdict") == "FAIL"]
    reasons = []
    if failed:
        reasons.append(f"{failed} failing test(s)")
    if missing:
        reasons.append(f"{len(missing)} plan item(s) without a test")
    if bad_metrics:
        reasons.append(f"{len(bad_metrics)} performance figure(s) out of bounds")
    detection = data["detection"]
    if detection and detection.get("missed"):
        reasons.append(f"seeded defects not caught: {', '.join(detection['missed'])}")
    return (not reasons, "; ".join(reasons) or "every test passed and every plan item is covered")


def _grid(tests: list[dict]) -> dict:
    grid: dict = defaultdict(Counter)
    for test in tests:
        category = next((c for c in CATEGORIES if c in test["tags"]), "other")
        priority = next((p for p in PRIORITIES if p in test["tags"]), "priority:none")
        grid[(category, priority)][test["status"]] += 1
    return grid


def _plan_status(tests: list[dict]) -> list[dict]:
    items = []
    for section, name, goal in ITEMS:
        covering = [t for t in tests if f"plan:{name}" in t["tags"]]
        statuses = {t["status"] for t in covering}
        status = ("MISSING" if not covering else "FAIL" if "FAIL" in statuses
                  else "PASS" if "PASS" in statuses else "SKIP")
        items.append({"section": section, "name": name, "goal": goal, "status": status, "tests": covering})
    return items


def _figures(metrics: dict, tests: list[dict]) -> list[dict]:
    """Headline and baselined figures of every measured test, compared with the profile's baseline."""
    status = {t["name"]: t["status"] for t in tests}
    rows = []
    for entry in metrics.get("tests", {}).values():
        accepted = baseline.load(ROOT / "resources" / "baselines" / f"{entry.get('target_profile')}.json")
        figures = {name: (f["value"], f.get("unit", "")) for name, f in entry.get("figures", {}).items()}
        for comparison in baseline.compare(entry["test"], figures, accepted):
            if comparison.verdict == "no baseline" and comparison.figure not in entry.get("headline", []):
                continue
            rows.append({"test": entry["test"], "name": comparison.figure, "unit": comparison.unit,
                         "value": round(comparison.measured, 2), "baseline": comparison.baseline,
                         "threshold": "" if comparison.limit is None else round(comparison.limit, 2),
                         "verdict": "FAIL" if comparison.verdict == "regression" else
                         status.get(entry["test"], "")})
    return rows


def _load_json(path: Path, default):
    return json.loads(path.read_text()) if path.exists() else default


def _link(test: dict) -> str:
    return f"<a href='log.html#{test['id']}'>{html.escape(test['name'])}</a>"


def render(data: dict) -> str:
    """The HTML page."""
    ship, why = verdict(data)
    totals = data["totals"]
    grid_rows = "".join(
        f"<tr><td>{c}</td><td>{p.split(':')[1]}</td>" + "".join(
            f"<td class='{s.lower()}'>{counts.get(s, 0)}</td>" for s in ("PASS", "FAIL", "SKIP")) + "</tr>"
        for (c, p), counts in sorted(data["grid"].items()))
    plan_rows = "".join(
        f"<tr><td>{i['section']} {html.escape(SECTIONS[i['section']])}</td><td>{i['name']}</td>"
        f"<td>{html.escape(i['goal'])}</td><td class='{i['status'].lower()}'>{i['status']}</td>"
        f"<td>{'<br>'.join(_link(t) for t in i['tests'])}</td></tr>" for i in data["plan"])
    metric_rows = "".join(
        f"<tr><td>{html.escape(str(m.get('test', '')))}</td><td>{html.escape(str(m.get('name', '')))}</td>"
        f"<td>{m.get('value')} {html.escape(str(m.get('unit', '')))}</td><td>{m.get('threshold', '')}</td>"
        f"<td>{m.get('baseline', '')}</td><td class='{str(m.get('verdict', '')).lower()}'>{m.get('verdict', '')}"
        f"</td></tr>" for m in data["metrics"]) or "<tr><td colspan=6>no performance figures in this run</td></tr>"
    failures = "".join(f"<li>{_link(t)}: {html.escape(t['message'][:400])}</li>"
                       for t in data["tests"] if t["status"] == "FAIL") or "<li>none</li>"
    detection = data["detection"]
    if detection is None:
        detection_text = "not run in this results folder (run <code>bin/detection</code>)"
    else:
        missed = ", ".join(detection["missed"]) or "none"
        detection_text = (f"{len(detection['defects'])} seeded defects, missed: {missed}; Robot tests no defect "
                          f"has proven: {len(detection['unproven_tests'])} (<a href='detection.html'>matrix</a>)")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Release sign-off</title><style>
body{{font-family:sans-serif;margin:2em;max-width:1200px}}table{{border-collapse:collapse;margin-bottom:1.5em}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:13px;vertical-align:top}}
.pass{{background:#c8f7c5}}.fail{{background:#f7c5c5}}.skip,.missing{{background:#f7efc5}}
.verdict{{font-size:1.6em;padding:.4em .8em;display:inline-block}}</style></head><body>
<h1>Release sign-off</h1>
<p class="verdict {'pass' if ship else 'fail'}">{'SHIP' if ship else 'DO NOT SHIP'}: {html.escape(why)}</p>
<p>{totals.get('PASS', 0)} passed, {totals.get('FAIL', 0)} failed, {totals.get('SKIP', 0)} skipped in
{data['elapsed_s']:.0f} s. Details: <a href="report.html">report</a>, <a href="log.html">log</a>.</p>
<h2>Failures</h2><ul>{failures}</ul>
<h2>By category and priority</h2><table><tr><th>category</th><th>priority</th><th>pass</th><th>fail</th>
<th>skip</th></tr>{grid_rows}</table>
<h2>Test plan items: {sum(i['status'] == 'PASS' for i in data['plan'])} of {len(data['plan'])} passed</h2>
<table><tr><th>section</th><th>item</th><th>goal</th><th>status</th><th>tests</th></tr>
{plan_rows}</table>
<h2>Performance figures</h2><p>Each figure with its accepted baseline and the limit the baseline's tolerance
allows; the verdict is the test's (its own B15 thresholds are in its log).</p>
<table><tr><th>test</th><th>figure</th><th>value</th><th>limit from baseline</th>
<th>baseline</th><th>verdict</th></tr>{metric_rows}</table>
<h2>Defect detection</h2><p>{detection_text}</p>
</body></html>"""


def main(argv: list[str]) -> int:
    results_dir = Path(argv[1] if len(argv) > 1 else "results")
    data = collect(results_dir)
    (results_dir / "signoff.html").write_text(render(data))
    ship, why = verdict(data)
    print(f"Sign-off: {'SHIP' if ship else 'DO NOT SHIP'} — {why}: {results_dir / 'signoff.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
