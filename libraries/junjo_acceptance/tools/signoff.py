"""Release sign-off summary: one page that says whether to ship, written after every acceptance run.

``python -m junjo_acceptance.tools.signoff RESULTS_DIR [-- ROBOT_ARGS…]`` reads the run's ``output.xml`` (and
``metrics.json``,
the detection matrix ``detection.json`` and the target's waivers when present) and writes ``signoff.html``:
the verdict, the tests that were meant to run against those found in the output, pass/fail per category and
priority, the 40 plan items with their status, every waiver, performance figures against thresholds and
baselines, and the defect-detection result. ``ROBOT_ARGS`` are the arguments the run was given (``bin/acceptance``
passes its own): they say which target ran and whether the run was deliberately narrowed.

The verdict (contract Part C, "honest verdicts"):

- **SHIP** only when every plan item has a passing test and no unwaived failing one (an item whose only failures
  are waived counts as accepted: the waiver lists who accepted it until when), every test meant to run
  is in the output and none was skipped, the run was not narrowed, the detection matrix is complete with
  every seeded defect caught, no waiver has expired and no performance figure is out of bounds;
- **DO NOT SHIP** when something is known to be wrong (an unwaived failure, an expired or unreadable waiver,
  a figure out of bounds, a seeded defect missed);
- **NOT VERIFIED** otherwise: nothing is known to be wrong, but something was not proven (the unverified
  plan items and the reasons are listed).

Exit code: 0 for SHIP, 1 for DO NOT SHIP, 2 for NOT VERIFIED.
"""

import datetime
import html
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

from robot.api import ExecutionResult, TestSuite, TestSuiteBuilder
from robot.errors import DataError

from junjo_acceptance.tools import run_args, waivers
from junjo_acceptance.tools.plan_items import ITEMS, SECTIONS

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "libraries"))
from junjo_acceptance.metrics import baseline  # noqa: E402 - the suite's own baseline comparison, reused

CATEGORIES = ("security", "concurrency", "performance", "error_recovery")
PRIORITIES = ("priority:high", "priority:medium", "priority:low")
SHIP, DO_NOT_SHIP, NOT_VERIFIED = "SHIP", "DO NOT SHIP", "NOT VERIFIED"
EXIT_CODES = {SHIP: 0, DO_NOT_SHIP: 1, NOT_VERIFIED: 2}
# A plan item is verified only by a passing test; these statuses leave it unverified. (WAIVED, a failure the
# release owner accepted in a waiver, is a verified and accepted defect: it is listed, and blocks once expired.)
UNVERIFIED = ("PARTIAL", "SKIP", "NOT RUN", "MISSING")


def collect(results_dir: Path, argv: "list[str] | None" = None, suites_dir: Path = ROOT / "suites",
            targets_dir: Path = waivers.TARGETS, detection_path: "Path | None" = None,
            today: "datetime.date | None" = None) -> dict:
    """Everything the page shows, as data (also handy for tests).

    ``argv`` are the robot arguments of the run (the project's ``robot.args`` are added first);
    ``detection_path`` defaults to ``detection.json`` in ``results_dir``, else the project's ``results/``."""
    args = run_args.parse(list(argv or []))
    baseline_args = run_args.parse(_argument_file(ROOT / "robot.args"))  # every run's options, not a narrowing
    today = today or datetime.datetime.now(datetime.UTC).date()
    tests, elapsed_s, output_problem = _read_output(results_dir / "output.xml")
    try:
        inventory = TestSuiteBuilder().build(str(suites_dir))
    except DataError:
        inventory = TestSuite(name="Suites")
    known_tags = {tag for test in inventory.all_tests for tag in test.tags}
    expected = _expected_tests(inventory, args, baseline_args.exclude)
    waiver_list, waiver_problems = waivers.load(waivers.path_for(args.target, targets_dir))
    waived = {w.test: w for w in waiver_list if not w.expired(today)}
    for test in tests:
        test["waiver"] = waived.get(test["name"]) if test["status"] == "FAIL" else None
    found = {t["full_name"] for t in tests}
    detection_path = detection_path or next(
        (p for p in (results_dir / "detection.json", ROOT / "results" / "detection.json") if p.exists()),
        results_dir / "detection.json")
    return {
        "args": args,
        "tests": tests,
        "output_problem": output_problem,
        "absent": [name for name in expected if name not in found],
        "expected_count": len(expected),
        "totals": Counter(t["status"] for t in tests),
        "grid": _grid(tests),
        "plan": _plan_status(tests, known_tags),
        "waivers": _waiver_rows(waiver_list, tests, today),
        "waiver_problems": waiver_problems,
        "metrics": _figures(_load_json(results_dir / "metrics.json", {}), tests),
        "detection": _load_json(detection_path, None),
        "detection_path": detection_path,
        "elapsed_s": elapsed_s,
    }


def verdict(data: dict) -> tuple[str, list[str], list[str]]:
    """The verdict, the reasons not to ship (blocking) and the reasons it is not verified."""
    blocking, unverified = [], []
    failed = [t for t in data["tests"] if t["status"] == "FAIL" and not t["waiver"]]
    if failed:
        blocking.append(f"{len(failed)} failing test(s)")
    expired = [w for w in data["waivers"] if w["state"] == "EXPIRED"]
    if expired:
        blocking.append(f"{len(expired)} expired waiver(s): " + ", ".join(w["test"] for w in expired))
    blocking += [f"waiver file: {problem}" for problem in data["waiver_problems"]]
    bad_metrics = [m for m in data["metrics"] if m.get("verdict") == "FAIL"]
    if bad_metrics:
        blocking.append(f"{len(bad_metrics)} performance figure(s) out of bounds")
    detection = data["detection"]
    if detection and detection.get("missed"):
        blocking.append(f"seeded defects not caught: {', '.join(detection['missed'])}")
    if data["output_problem"]:
        unverified.append(data["output_problem"])
    if data["args"].filters:
        unverified.append("a narrowed run (" + ", ".join(data["args"].filters) + ") cannot verify a release")
    if data["absent"]:
        suites = sorted({name.rsplit(".", 1)[0] for name in data["absent"]})
        unverified.append(f"{len(data['absent'])} of {data['expected_count']} test(s) meant to run are not in "
                          f"the output (suites: {', '.join(suites)})")
    skipped = [t for t in data["tests"] if t["status"] == "SKIP"]
    if skipped:
        unverified.append(f"{len(skipped)} skipped test(s) verified nothing")
    items = [i for i in data["plan"] if i["status"] in UNVERIFIED]
    if items:
        unverified.append(f"{len(items)} plan item(s) not verified by a passing test: "
                          + ", ".join(f"{i['name']} ({i['status']})" for i in items))
    if detection is None:
        unverified.append(f"no defect-detection matrix ({data['detection_path']}): run bin/detection")
    elif detection.get("undecided"):
        unverified.append("seeded defects undecided (their control run did not pass): "
                          + ", ".join(detection["undecided"]))
    if detection is not None and not detection.get("complete"):
        unverified.append("the defect-detection matrix is partial (" + str(len(detection.get("defects", [])))
                          + f" of {detection.get('expected_defects', '?')} seeded defects): run bin/detection "
                          "without -k")
    status = DO_NOT_SHIP if blocking else NOT_VERIFIED if unverified else SHIP
    return status, blocking, unverified


def summary(data: dict) -> str:
    """The verdict as one line."""
    status, blocking, unverified = verdict(data)
    if status == SHIP:
        waived = sum(1 for w in data["waivers"] if w["state"] == "APPLIED")
        return (f"{SHIP}: every test meant to run passed and every plan item is verified by a passing test"
                + (f" ({waived} failure(s) waived, see the waivers)" if waived else ""))
    return f"{status}: " + "; ".join(blocking + unverified)


def _argument_file(path: Path) -> list[str]:
    """The options of a robot argument file, as a command line (one option per line, value after a space)."""
    argv = []
    for line in path.read_text().splitlines() if path.exists() else []:
        line = line.strip()
        if line and not line.startswith("#"):
            argv += line.split(None, 1) if line.startswith("-") else [line]
    return argv


def _read_output(output: Path) -> tuple[list[dict], float, str]:
    """The tests in ``output.xml``, the run's duration, and why the output could not be read (if so)."""
    if not output.exists():
        return [], 0.0, f"no output.xml in {output.parent}: the run produced no results"
    try:
        result = ExecutionResult(str(output))
    except Exception as error:  # noqa: BLE001 - any unreadable output makes the run unverified, not a crash
        return [], 0.0, f"{output} is unreadable ({str(error).splitlines()[0][:200]})"
    tests = [{"name": t.name, "full_name": t.full_name, "id": t.id, "status": t.status, "message": t.message,
              "tags": list(t.tags), "elapsed_s": t.elapsed_time.total_seconds()} for t in result.suite.all_tests]
    return tests, result.suite.elapsed_time.total_seconds(), ""


def _expected_tests(suite, args: run_args.RunArgs, always_excluded: list[str]) -> list[str]:
    """The full names of the tests the run was meant to run: the suite files, filtered as the run was."""
    suite = suite.deepcopy()
    suite.filter(included_suites=args.suite or None, included_tests=args.test or None,
                 included_tags=args.include or None, excluded_tags=always_excluded + args.exclude or None)
    return [test.full_name for test in suite.all_tests]


def _waiver_rows(waiver_list: list, tests: list[dict], today: datetime.date) -> list[dict]:
    status = {t["name"]: t["status"] for t in tests}
    rows = []
    for waiver in waiver_list:
        outcome = status.get(waiver.test, "NOT RUN")
        state = ("EXPIRED" if waiver.expired(today) else "APPLIED" if outcome == "FAIL" else "UNUSED")
        rows.append(vars(waiver) | {"expires": waiver.expires.isoformat(), "state": state, "outcome": outcome})
    return rows


def _grid(tests: list[dict]) -> dict:
    grid: dict = defaultdict(Counter)
    for test in tests:
        category = next((c for c in CATEGORIES if c in test["tags"]), "other")
        priority = next((p for p in PRIORITIES if p in test["tags"]), "priority:none")
        grid[(category, priority)][test["status"]] += 1
    return grid


def _plan_status(tests: list[dict], known_tags: "set[str] | None" = None) -> list[dict]:
    """Each plan item's status: PASS (a passing test, and every other test passed or failed under a waiver),
    FAIL (an unwaived failing test), PARTIAL (a passing test beside a skipped one: the skipped part is not
    verified), WAIVED (only waived failures), SKIP (its tests skipped), NOT RUN (it has tests, none in the
    output) or MISSING (no test in the suite files carries its tag)."""
    items = []
    for section, name, goal in ITEMS:
        tag = f"plan:{name}"
        covering = [t for t in tests if tag in t["tags"]]
        statuses = {"WAIVED" if t.get("waiver") else t["status"] for t in covering}
        if "FAIL" in statuses:
            status = "FAIL"
        elif "PASS" in statuses:
            status = "PARTIAL" if "SKIP" in statuses else "PASS"
        elif statuses:
            status = "WAIVED" if "WAIVED" in statuses else "SKIP"
        else:
            status = "NOT RUN" if known_tags is None or tag in known_tags else "MISSING"
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
    try:
        return json.loads(path.read_text()) if path.exists() else default
    except ValueError:
        return default


def _link(test: dict) -> str:
    return f"<a href='log.html#{test['id']}'>{html.escape(test['name'])}</a>"


def _list(items, empty: str = "none") -> str:
    return "".join(f"<li>{item}</li>" for item in items) or f"<li>{empty}</li>"


def render(data: dict) -> str:
    """The HTML page."""
    status, blocking, unverified = verdict(data)
    totals = data["totals"]
    grid_rows = "".join(
        f"<tr><td>{c}</td><td>{p.split(':')[1]}</td>" + "".join(
            f"<td class='{s.lower()}'>{counts.get(s, 0)}</td>" for s in ("PASS", "FAIL", "SKIP")) + "</tr>"
        for (c, p), counts in sorted(data["grid"].items()))
    plan_rows = "".join(
        f"<tr><td>{i['section']} {html.escape(SECTIONS[i['section']])}</td><td>{i['name']}</td>"
        f"<td>{html.escape(i['goal'])}</td><td class='{_css(i['status'])}'>{i['status']}</td>"
        f"<td>{'<br>'.join(_link(t) + ' ' + t['status'] for t in i['tests'])}</td></tr>" for i in data["plan"])
    metric_rows = "".join(
        f"<tr><td>{html.escape(str(m.get('test', '')))}</td><td>{html.escape(str(m.get('name', '')))}</td>"
        f"<td>{m.get('value')} {html.escape(str(m.get('unit', '')))}</td><td>{m.get('threshold', '')}</td>"
        f"<td>{m.get('baseline', '')}</td><td class='{str(m.get('verdict', '')).lower()}'>{m.get('verdict', '')}"
        f"</td></tr>" for m in data["metrics"]) or "<tr><td colspan=6>no performance figures in this run</td></tr>"
    failures = _list(f"{_link(t)}: {html.escape(t['message'][:400])}"
                     + (f" <b>(waived until {t['waiver'].expires}, owner {html.escape(t['waiver'].owner)})</b>"
                        if t["waiver"] else "") for t in data["tests"] if t["status"] == "FAIL")
    skips = _list(f"{_link(t)}: {html.escape(t['message'][:300])}" for t in data["tests"] if t["status"] == "SKIP")
    absent = _list(html.escape(name) for name in data["absent"][:200])
    waiver_rows = "".join(
        f"<tr><td>{html.escape(w['test'])}</td><td>{html.escape(w['policy'])}</td><td>{html.escape(w['reason'])}"
        f"</td><td>{html.escape(w['owner'])}</td><td>{w['expires']}</td><td>{w['outcome']}</td>"
        f"<td class='{_css(w['state'])}'>{w['state']}</td></tr>" for w in data["waivers"]
    ) or f"<tr><td colspan=7>no waivers for target profile {html.escape(data['args'].target)}</td></tr>"
    detection = data["detection"]
    if detection is None:
        detection_text = f"no matrix at {html.escape(str(data['detection_path']))} (run <code>bin/detection</code>)"
    else:
        missed = ", ".join(detection.get("missed", [])) or "none"
        missed += "; undecided: " + (", ".join(detection.get("undecided", [])) or "none")
        scope = ("complete" if detection.get("complete") else
                 f"PARTIAL: {len(detection.get('defects', []))} of {detection.get('expected_defects', '?')}")
        detection_text = (f"{scope} — {len(detection.get('defects', []))} seeded defects, missed: {missed}; "
                          f"Robot tests no defect has proven: {len(detection.get('unproven_tests', []))} "
                          f"(<a href='detection.html'>matrix</a>, {html.escape(str(data['detection_path']))})")
    verified = sum(i["status"] == "PASS" for i in data["plan"])
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Release sign-off</title><style>
body{{font-family:sans-serif;margin:2em;max-width:1200px}}table{{border-collapse:collapse;margin-bottom:1.5em}}
td,th{{border:1px solid #ccc;padding:3px 8px;font-size:13px;vertical-align:top}}
.pass{{background:#c8f7c5}}.fail{{background:#f7c5c5}}.skip,.missing,.unverified{{background:#f7efc5}}
.verdict{{font-size:1.6em;padding:.4em .8em;display:inline-block}}</style></head><body>
<h1>Release sign-off — target profile {html.escape(data['args'].target)}</h1>
<p class="verdict {_css(status)}">{status}</p>
<h2>Why</h2><p>Blocking (known to be wrong):</p><ul>{_list(html.escape(r) for r in blocking)}</ul>
<p>Not verified (not proven either way):</p><ul>{_list(html.escape(r) for r in unverified)}</ul>
<p>{totals.get('PASS', 0)} passed, {totals.get('FAIL', 0)} failed, {totals.get('SKIP', 0)} skipped of
{data['expected_count']} tests meant to run, in {data['elapsed_s']:.0f} s. Details: <a href="report.html">report</a>,
<a href="log.html">log</a>.</p>
<h2>Failures</h2><ul>{failures}</ul>
<h2>Skipped tests</h2><ul>{skips}</ul>
<h2>Tests meant to run but absent from the output ({len(data['absent'])})</h2><ul>{absent}</ul>
<h2>Waivers</h2><table><tr><th>test</th><th>policy</th><th>reason</th><th>owner</th><th>expires</th>
<th>test result</th><th>waiver</th></tr>{waiver_rows}</table>
<h2>By category and priority</h2><table><tr><th>category</th><th>priority</th><th>pass</th><th>fail</th>
<th>skip</th></tr>{grid_rows}</table>
<h2>Test plan items: {verified} of {len(data['plan'])} verified by a passing test</h2>
<table><tr><th>section</th><th>item</th><th>goal</th><th>status</th><th>tests</th></tr>
{plan_rows}</table>
<h2>Performance figures</h2><p>Each figure with its accepted baseline and the limit the baseline's tolerance
allows; the verdict is the test's (its own B15 thresholds are in its log).</p>
<table><tr><th>test</th><th>figure</th><th>value</th><th>limit from baseline</th>
<th>baseline</th><th>verdict</th></tr>{metric_rows}</table>
<h2>Defect detection</h2><p>{detection_text}</p>
</body></html>"""


def _css(status: str) -> str:
    return {"PASS": "pass", "SHIP": "pass", "APPLIED": "skip", "UNUSED": "pass", "FAIL": "fail", "EXPIRED": "fail",
            DO_NOT_SHIP: "fail"}.get(status, "unverified")


def main(argv: list[str]) -> int:
    """``python -m junjo_acceptance.tools.signoff RESULTS_DIR [-- ROBOT_ARGS…]``: write ``signoff.html``, print the
    verdict and
    exit 0 (SHIP), 1 (DO NOT SHIP) or 2 (NOT VERIFIED)."""
    rest = argv[1:]
    robot_argv = rest[rest.index("--") + 1:] if "--" in rest else []
    rest = rest[:rest.index("--")] if "--" in rest else rest
    results_dir = Path(rest[0] if rest else run_args.parse(robot_argv).outputdir)
    results_dir.mkdir(parents=True, exist_ok=True)
    data = collect(results_dir, robot_argv)
    (results_dir / "signoff.html").write_text(render(data), encoding="utf-8")
    status = verdict(data)[0]
    print(f"Sign-off: {summary(data)}\n  -> {results_dir / 'signoff.html'}")
    return EXIT_CODES[status]


if __name__ == "__main__":
    sys.exit(main(sys.argv))
