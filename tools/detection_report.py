"""The defect-detection matrix: which seeded defect each Robot test catches.

Inputs are per-defect JSON parts written by ``tests/defect_detection`` (one Robot run per defect); output is
``results/detection.json`` and ``results/detection.html``. A defect that no test catches, or a Robot test
that no defect proves able to fail, is listed as such.

A run that covered only some defects (``bin/detection -k <defect>``) writes ``detection-partial.json`` and
``detection-partial.html`` instead, labelled partial, so it never replaces the whole matrix; the sign-off
reads only ``detection.json`` and calls a matrix that is not ``complete`` partial.
"""

import html
import json
import os
from pathlib import Path

from tools.robot_inventory import ROOT, robot_tests

PARTS = ROOT / "results" / "detection-parts"
RUN_VARIABLE = "JUNJO_DETECTION_RUN"


def run_parts() -> Path:
    """The parts folder of this pytest session (``PARTS/<run id>``, the id set by the session's controller in
    ``JUNJO_DETECTION_RUN`` and inherited by its xdist workers), so that two sessions at once — a detection run
    and any other pytest run — never delete or mix each other's parts."""
    return PARTS / os.environ.get(RUN_VARIABLE, "default")


def merge(parts_dir: Path, expected_defects: "list[str] | None" = None) -> dict:
    """Combine the per-defect parts with the inventory of Robot tests; ``complete`` when every defect of
    ``expected_defects`` (the catalogue) has a part."""
    defects = [json.loads(p.read_text()) for p in sorted(parts_dir.glob("*.json"))]
    expected = sorted(expected_defects if expected_defects is not None else (d["defect"] for d in defects))
    done = {d["defect"] for d in defects}
    tests = robot_tests()
    proven = {t for d in defects for t, outcome in d["tests"].items() if outcome["status"] == "FAIL"}
    claimed = {t for d in defects for t in d["tests"]}
    return {
        "defects": defects,
        "missed": [d["defect"] for d in defects if not d["caught"]],
        "unproven_tests": [t["name"] for t in tests if t["name"] not in proven],
        "unclaimed_tests": [t["name"] for t in tests if t["name"] not in claimed],
        "robot_tests": len(tests),
        "expected_defects": len(expected),
        "not_run": [name for name in expected if name not in done],
        "complete": all(name in done for name in expected),
    }


def write(matrix: dict, out_dir: Path) -> Path:
    """Write ``detection.json`` and ``detection.html`` into ``out_dir`` (``detection-partial.*`` for a partial
    matrix); returns the JSON file written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "detection" if matrix.get("complete", True) else "detection-partial"
    (out_dir / f"{stem}.json").write_text(json.dumps(matrix, indent=2))
    (out_dir / f"{stem}.html").write_text(_html(matrix))
    return out_dir / f"{stem}.json"


def _html(matrix: dict) -> str:
    rows = []
    for defect in matrix["defects"]:
        for test, outcome in defect["tests"].items() or {"(no test claims it)": {"status": "-", "message": ""}}.items():
            caught = outcome["status"] == "FAIL"
            rows.append(
                f"<tr class='{'ok' if caught else 'bad'}'><td>{html.escape(defect['defect'])}</td>"
                f"<td>{html.escape(defect['policy'])}</td><td>{html.escape(defect['process'])}</td>"
                f"<td>{html.escape(defect['summary'])}</td><td>{html.escape(test)}</td>"
                f"<td>{'caught' if caught else 'MISSED'}</td><td>{html.escape(outcome['message'][:300])}</td></tr>")
    unproven = "".join(f"<li>{html.escape(name)}</li>" for name in matrix["unproven_tests"]) or "<li>none</li>"
    verdict = "every seeded defect is caught" if not matrix["missed"] else \
        f"MISSED: {', '.join(matrix['missed'])}"
    if not matrix.get("complete", True):
        verdict = (f"PARTIAL matrix ({len(matrix['defects'])} of {matrix['expected_defects']} seeded defects run; "
                   f"the full matrix is detection.html): {verdict}")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Defect-detection matrix</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top;font-size:13px}}
tr.ok td:nth-child(6){{background:#c8f7c5}}tr.bad td:nth-child(6){{background:#f7c5c5}}</style></head><body>
<h1>Defect-detection matrix</h1>
<p><b>{html.escape(verdict)}</b> — {len(matrix['defects'])} seeded defects, {matrix['robot_tests']} Robot tests.</p>
<table><tr><th>defect</th><th>policy</th><th>process</th><th>the bug it models</th><th>Robot test</th>
<th>result</th><th>failure message</th></tr>{''.join(rows)}</table>
<h2>Robot tests no seeded defect has made fail ({len(matrix['unproven_tests'])})</h2><ul>{unproven}</ul>
</body></html>"""
