"""The defect-detection matrix: which seeded defect each Robot test catches, judged against a control run.

Inputs are JSON parts written by ``tests/defect_detection``: one per defect (its Robot tests run with the
defect switched on) and one per control run (the same tests, once, without any defect, in the same
session). Output is ``results/detection.json`` and ``results/detection.html``.

A run that covered only some defects (``bin/detection -k <defect>``) writes ``detection-partial.json`` and
``detection-partial.html`` instead, labelled partial, so it never replaces the whole matrix; the sign-off
reads only ``detection.json`` and calls a matrix that is not ``complete`` partial.

A defect is

- **caught** when every test that claims it failed with a message that names its policy as a whole token
  (``B1`` is not found in ``B11``) and matches the defect's own pattern (``FAILS_WITH``), *and* each of
  those tests passed in the control run;
- **undecided** when its tests failed as expected but a control run did not pass (or is missing): the
  failure may have nothing to do with the defect;
- **missed** otherwise.

A Robot test that no caught defect has made fail is listed as unproven. The mutation score
(``results/mutation.json``, ``bin/mutation``) is shown too when present.
"""

import html
import json
import os
import re
from pathlib import Path

from junjo_acceptance.tools.robot_inventory import ROOT, robot_tests

PARTS = ROOT / "results" / "detection-parts"
CONTROLS_FOLDER = "controls"
MUTATION = ROOT / "results" / "mutation.json"
RUN_VARIABLE = "JUNJO_DETECTION_RUN"


def run_parts() -> Path:
    """The parts folder of this pytest session (``PARTS/<run id>``, the id set by the session's controller in
    ``JUNJO_DETECTION_RUN`` and inherited by its xdist workers), so that two sessions at once — a detection run
    and any other pytest run — never delete or mix each other's parts. Control runs go to its ``controls``."""
    return PARTS / os.environ.get(RUN_VARIABLE, "default")


def names_policy(message: str, policy: str) -> bool:
    """True if ``message`` names ``policy`` as a whole token: ``B1`` is found in ``B1: …``, not in ``B11``."""
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(policy)}(?![A-Za-z0-9])", message) is not None


def failed_as_expected(outcome: dict, policy: str, pattern: str) -> bool:
    """The test failed, and its message names the defect's policy and matches the defect's own pattern."""
    message = outcome.get("message", "")
    return (outcome.get("status") == "FAIL" and names_policy(message, policy)
            and re.search(pattern, message, re.IGNORECASE | re.DOTALL) is not None)


def verdict(defect: dict, controls: dict) -> str:
    """``caught``, ``undecided`` or ``missed`` for one defect part, given every control outcome by test."""
    tests = defect["tests"]
    if not tests or not all(failed_as_expected(o, defect["policy"], defect["pattern"]) for o in tests.values()):
        return "missed"
    if all(controls.get(name, {}).get("status") == "PASS" for name in tests):
        return "caught"
    return "undecided"


def _load_parts(directory: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(directory.glob("*.json"))] if directory.exists() else []


def merge(parts_dir: Path, expected_defects: "list[str] | None" = None) -> dict:
    """Combine the defect parts, the control runs and the inventory of Robot tests into the matrix;
    ``complete`` when every defect of ``expected_defects`` (the catalogue) has a part."""
    controls = {name: outcome for part in _load_parts(parts_dir / CONTROLS_FOLDER)
                for name, outcome in part["tests"].items()}
    defects = _load_parts(parts_dir)
    expected = sorted(expected_defects if expected_defects is not None else (d["defect"] for d in defects))
    done = {d["defect"] for d in defects}
    for defect in defects:
        defect["verdict"] = verdict(defect, controls)
        defect["caught"] = defect["verdict"] == "caught"
        defect["controls"] = {name: controls.get(name, {"status": "NOT RUN", "message": ""})
                              for name in defect["tests"]}
    tests = robot_tests()
    proven = {t for d in defects if d["caught"] for t in d["tests"]}
    claimed = {t for d in defects for t in d["tests"]}
    return {
        "defects": defects,
        "caught": [d["defect"] for d in defects if d["verdict"] == "caught"],
        "missed": [d["defect"] for d in defects if d["verdict"] == "missed"],
        "undecided": [d["defect"] for d in defects if d["verdict"] == "undecided"],
        "failed_controls": sorted(name for name, o in controls.items() if o["status"] != "PASS"),
        "unproven_tests": [t["name"] for t in tests if t["name"] not in proven],
        "unclaimed_tests": [t["name"] for t in tests if t["name"] not in claimed],
        "robot_tests": len(tests),
        "mutation": _latest_mutation(),
        "expected_defects": len(expected),
        "not_run": [name for name in expected if name not in done],
        "complete": all(name in done for name in expected),
    }


def _latest_mutation() -> "dict | None":
    """The results of the latest ``bin/mutation`` run, or ``None`` when it has not run."""
    return json.loads(MUTATION.read_text()) if MUTATION.exists() else None


def write(matrix: dict, out_dir: Path) -> Path:
    """Write ``detection.json`` and ``detection.html`` into ``out_dir`` (``detection-partial.*`` for a partial
    matrix); returns the JSON file written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = "detection" if matrix.get("complete", True) else "detection-partial"
    (out_dir / f"{stem}.json").write_text(json.dumps(matrix, indent=2))
    (out_dir / f"{stem}.html").write_text(_html(matrix))
    return out_dir / f"{stem}.json"


def _defect_rows(defect: dict) -> list[str]:
    rows = []
    tests = defect["tests"] or {"(no test claims it)": {"status": "-", "message": ""}}
    for test, outcome in tests.items():
        control = defect["controls"].get(test, {"status": "-", "message": ""})
        rows.append(
            f"<tr class='{defect['verdict']}'><td>{html.escape(defect['defect'])}</td>"
            f"<td>{html.escape(defect['policy'])}</td><td>{html.escape(defect['process'])}</td>"
            f"<td>{html.escape(defect['summary'])}</td><td>{html.escape(test)}</td>"
            f"<td>{html.escape(defect['verdict'])}</td><td>{html.escape(outcome['status'])}</td>"
            f"<td><code>{html.escape(defect['pattern'])}</code></td>"
            f"<td>{html.escape(outcome['message'][:300])}</td>"
            f"<td>{html.escape(control['status'])} {html.escape(control['message'][:200])}</td></tr>")
    return rows


def _mutation_html(mutation: "dict | None") -> str:
    if not mutation:
        return "<p>No mutation run in this results folder (<code>bin/mutation</code>, nightly).</p>"
    rows = "".join(
        f"<tr><td>{html.escape(module)}</td><td>{m['killed']}</td><td>{m['survived']}</td>"
        f"<td>{m['other']}</td><td>{m['score']:.0%}</td></tr>"
        for module, m in mutation["modules"].items())
    survivors = "".join(
        f"<li><code>{html.escape(s['module'])}:{s['line']}</code> {html.escape(s['operator'])} — "
        f"<code>{html.escape(s['diff'][:400])}</code></li>" for s in mutation["survivors"]) or "<li>none</li>"
    return (f"<p>{html.escape(mutation['summary'])}</p><table><tr><th>module</th><th>killed</th>"
            f"<th>survived</th><th>other (timeout, incompetent)</th><th>score</th></tr>{rows}</table>"
            f"<h3>Surviving mutants</h3><ul>{survivors}</ul>")


def _html(matrix: dict) -> str:
    rows = [row for defect in matrix["defects"] for row in _defect_rows(defect)]
    unproven = "".join(f"<li>{html.escape(name)}</li>" for name in matrix["unproven_tests"]) or "<li>none</li>"
    verdict_text = (f"{len(matrix['caught'])} caught, {len(matrix['missed'])} missed "
                    f"({', '.join(matrix['missed']) or 'none'}), {len(matrix['undecided'])} undecided "
                    f"({', '.join(matrix['undecided']) or 'none'})")
    if not matrix.get("complete", True):
        verdict_text = (f"PARTIAL matrix ({len(matrix['defects'])} of {matrix['expected_defects']} seeded defects "
                        f"run; the full matrix is detection.html): {verdict_text}")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Defect-detection matrix</title>
<style>body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px;vertical-align:top;font-size:13px}}
tr.caught td:nth-child(6){{background:#c8f7c5}}tr.missed td:nth-child(6){{background:#f7c5c5}}
tr.undecided td:nth-child(6){{background:#f7e9c5}}</style></head><body>
<h1>Defect-detection matrix</h1>
<p><b>{html.escape(verdict_text)}</b> — {len(matrix['defects'])} seeded defects, {matrix['robot_tests']} Robot
tests. <i>Caught</i>: the test failed with a message naming the policy (whole token) and matching the defect's
pattern, and passed in the control run without defects. <i>Undecided</i>: the control run did not pass.</p>
<table><tr><th>defect</th><th>policy</th><th>process</th><th>the bug it models</th><th>Robot test</th>
<th>verdict</th><th>with defect</th><th>expected message</th><th>failure message</th><th>control (no defect)</th>
</tr>{''.join(rows)}</table>
<h2>Robot tests no caught defect has made fail ({len(matrix['unproven_tests'])})</h2><ul>{unproven}</ul>
<h2>Mutation score (reference target)</h2>{_mutation_html(matrix.get('mutation'))}
</body></html>"""


def attach_mutation(out_dir: Path = ROOT / "results") -> "Path | None":
    """Put the latest mutation results (``MUTATION``) into the detection matrix already in ``out_dir`` and
    write it again; returns the JSON file, or ``None`` when there is no matrix or no mutation result yet."""
    matrix_file = out_dir / "detection.json"
    mutation = _latest_mutation()
    if not matrix_file.exists() or mutation is None:
        return None
    return write(json.loads(matrix_file.read_text()) | {"mutation": mutation}, out_dir)
