"""The sign-off verdict is honest: SHIP only for a complete, fully passing, fully verified run.

Each test crafts a small Robot project (one test per plan item, outcomes chosen per test), runs it for real
into an output directory and signs it off, as ``bin/acceptance`` does.
"""

import datetime
import io
import json
import shutil

import pytest
import robot

from junjo_acceptance.tools import detection_report, signoff
from junjo_acceptance.tools.plan_items import ITEMS

TODAY = datetime.date(2026, 11, 30)


def _suite_text(outcomes: dict[str, str]) -> str:
    lines = ["*** Test Cases ***"]
    for _, name, _ in ITEMS:
        outcome = outcomes.get(name, "PASS")
        body = {"PASS": "No Operation", "FAIL": f"Fail    B1: {name} broke",
                "SKIP": f"Skip    target lacks what {name} needs"}[outcome]
        lines += [f"Check {name}", f"    [Tags]    plan:{name}    security    priority:high", f"    {body}"]
    return "\n".join(lines) + "\n"


@pytest.fixture
def project(tmp_path):
    """A crafted suite folder, a results folder, a waivers folder and a complete detection matrix."""
    suites = tmp_path / "suites"
    (suites / "security").mkdir(parents=True)
    results = tmp_path / "results"
    results.mkdir()
    targets = tmp_path / "targets"
    targets.mkdir()
    (results / "detection.json").write_text(json.dumps(
        {"defects": [{"defect": "d1"}], "missed": [], "unproven_tests": [], "expected_defects": 1,
         "complete": True}))
    return {"suites": suites, "results": results, "targets": targets, "root": tmp_path}


def _run(project, outcomes=None, robot_args=(), extra_suite: str = "", **options):
    """Write the crafted suite (and an extra suite file if given), run it with robot into the results folder
    the arguments name, and sign it off."""
    (project["suites"] / "security" / "plan.robot").write_text(_suite_text(outcomes or {}))
    if extra_suite:
        (project["suites"] / "security" / "extra.robot").write_text(extra_suite)
    results = project["results"]
    robot.run(str(project["suites"]), outputdir=str(results), log="NONE", report="NONE", stdout=io.StringIO(),
              stderr=io.StringIO(), **options)
    data = signoff.collect(results, list(robot_args), suites_dir=project["suites"], targets_dir=project["targets"],
                           today=TODAY)
    return data, signoff.verdict(data)


def _waive(project, test: str, expires: str) -> None:
    (project["targets"] / "reference.waivers.json").write_text(json.dumps([{
        "test": test, "policy": "B1", "reason": "fix lands in 0.81", "owner": "qa-lead@example.com",
        "expires": expires}]))


def test_a_complete_passing_run_ships(project):
    data, (status, blocking, unverified) = _run(project)
    assert (status, blocking, unverified) == ("SHIP", [], [])
    assert "SHIP" in signoff.render(data)


def test_a_run_with_skipped_plan_items_is_not_verified_and_lists_them(project):
    """The issue's run: failures flipped to pass, skips kept. It must never read SHIP."""
    skipped = {name: "SKIP" for _, name, _ in ITEMS[:23]}
    data, (status, blocking, unverified) = _run(project, skipped)
    assert status == "NOT VERIFIED"
    assert not blocking
    text = " ".join(unverified)
    assert "23 skipped test(s)" in text
    for name in skipped:
        assert f"{name} (SKIP)" in text
    assert "NOT VERIFIED" in signoff.render(data)


def test_a_plan_item_with_one_pass_and_one_skip_is_partial(project):
    name = ITEMS[0][1]
    extra = (f"*** Test Cases ***\nSecond Check\n    [Tags]    plan:{name}    security    priority:high\n"
             "    Skip    no database path declared\n")
    data, (status, _, unverified) = _run(project, extra_suite=extra)
    assert status == "NOT VERIFIED"
    assert next(i for i in data["plan"] if i["name"] == name)["status"] == "PARTIAL"
    assert f"{name} (PARTIAL)" in " ".join(unverified)


def test_a_failure_blocks_and_the_exit_code_says_so(project):
    data, (status, blocking, _) = _run(project, {ITEMS[5][1]: "FAIL"})
    assert status == "DO NOT SHIP"
    assert blocking == ["1 failing test(s)"]
    assert signoff.EXIT_CODES[status] == 1


def test_a_waived_failure_ships_is_listed_and_still_fails_in_the_log(project):
    name = ITEMS[5][1]
    _waive(project, f"Check {name}", "2026-12-31")
    data, (status, blocking, unverified) = _run(project, {name: "FAIL"})
    assert (status, blocking, unverified) == ("SHIP", [], [])
    assert [(w["test"], w["state"]) for w in data["waivers"]] == [(f"Check {name}", "APPLIED")]
    page = signoff.render(data)
    assert "fix lands in 0.81" in page and "qa-lead@example.com" in page and "waived until 2026-12-31" in page
    reread = robot.api.ExecutionResult(str(project["results"] / "output.xml"))
    assert {t.name: t.status for t in reread.suite.all_tests}[f"Check {name}"] == "FAIL"


def test_an_expired_waiver_blocks(project):
    name = ITEMS[5][1]
    _waive(project, f"Check {name}", "2026-11-29")
    data, (status, blocking, _) = _run(project, {name: "FAIL"})
    assert status == "DO NOT SHIP"
    assert any("expired waiver" in reason for reason in blocking)
    assert [w["state"] for w in data["waivers"]] == ["EXPIRED"]


def test_a_broken_waiver_file_blocks(project):
    (project["targets"] / "reference.waivers.json").write_text('[{"test": "x", "owner": "me"}]')
    _, (status, blocking, _) = _run(project)
    assert status == "DO NOT SHIP"
    assert any("missing policy, reason, expires" in reason for reason in blocking)


def test_a_deliberately_filtered_run_is_not_verified_without_crashing(project):
    _, (status, blocking, unverified) = _run(project, robot_args=["--include", "plan:test_user_email_sql_injection"],
                                             include=["plan:test_user_email_sql_injection"])
    assert status == "NOT VERIFIED"
    assert not blocking
    assert "narrowed run (--include plan:test_user_email_sql_injection)" in unverified[0]
    assert not any("not in the output" in reason for reason in unverified)  # the filter explains the absences


def test_a_suite_missing_from_the_output_is_named(project):
    extra = "*** Test Cases ***\nExtra Check\n    [Tags]    security    priority:low\n    No Operation\n"
    (project["suites"] / "security" / "plan.robot").write_text(_suite_text({}))
    robot.run(str(project["suites"] / "security" / "plan.robot"), outputdir=str(project["results"]),
              log="NONE", report="NONE", stdout=io.StringIO(), name="Suites")
    (project["suites"] / "security" / "extra.robot").write_text(extra)
    data = signoff.collect(project["results"], [], suites_dir=project["suites"], targets_dir=project["targets"])
    status, _, unverified = signoff.verdict(data)
    assert status == "NOT VERIFIED"
    assert any("not in the output" in reason and "Extra" in reason for reason in unverified), unverified


def test_partial_or_absent_detection_matrix_is_not_verified(project):
    (project["results"] / "detection.json").write_text(json.dumps(
        {"defects": [{"defect": "d1"}], "missed": [], "unproven_tests": [], "expected_defects": 55,
         "complete": False}))
    _, (status, _, unverified) = _run(project)
    assert status == "NOT VERIFIED" and "partial (1 of 55" in unverified[-1]
    (project["results"] / "detection.json").unlink()
    data = signoff.collect(project["results"], [], suites_dir=project["suites"], targets_dir=project["targets"],
                           detection_path=project["results"] / "detection.json")
    assert signoff.verdict(data)[0] == "NOT VERIFIED"


def test_missing_or_corrupt_output_is_not_verified_not_a_crash(project):
    data = signoff.collect(project["results"], [], suites_dir=project["suites"], targets_dir=project["targets"])
    assert signoff.verdict(data)[0] == "NOT VERIFIED" and "no output.xml" in data["output_problem"]
    (project["results"] / "output.xml").write_text("<robot><suite name='x'")
    data = signoff.collect(project["results"], [], suites_dir=project["suites"], targets_dir=project["targets"])
    assert signoff.verdict(data)[0] == "NOT VERIFIED" and "unreadable" in data["output_problem"]
    signoff.render(data)


def test_main_reads_the_outputdir_of_the_run_and_exits_non_zero_unless_ship(project, monkeypatch):
    elsewhere = project["root"] / "elsewhere"
    _run(project, {ITEMS[0][1]: "FAIL"})
    shutil.move(project["results"], elsewhere)
    monkeypatch.setattr(signoff, "ROOT", project["root"])
    code = signoff.main(["signoff", "--", "--outputdir", str(elsewhere), "--variable", "TARGET:reference"])
    assert code == 1  # the failing run was found where --outputdir put it, not in ./results
    assert (elsewhere / "signoff.html").exists()
    assert not (project["root"] / "results" / "signoff.html").exists()


def test_a_partial_detection_run_never_replaces_the_full_matrix(tmp_path):
    parts = tmp_path / "parts"
    parts.mkdir()
    entry = {"defect": "a", "policy": "B1", "process": "backend", "summary": "s", "pattern": "x", "tests": {}}
    (parts / "a.json").write_text(json.dumps(entry))
    (parts / "b.json").write_text(json.dumps(entry | {"defect": "b"}))
    full = detection_report.write(detection_report.merge(parts, ["a", "b"]), tmp_path)
    (parts / "b.json").unlink()
    partial = detection_report.write(detection_report.merge(parts, ["a", "b"]), tmp_path)
    assert full.name == "detection.json" and partial.name == "detection-partial.json"
    assert json.loads(full.read_text())["complete"] is True
    assert json.loads(partial.read_text())["not_run"] == ["b"]
    assert "PARTIAL matrix" in (tmp_path / "detection-partial.html").read_text()


def test_run_arguments_are_read_as_robot_reads_them():
    from junjo_acceptance.tools import run_args

    args = run_args.parse(["--outputdir", "a", "-d", "b", "--variable=TARGET:junjo_ai_studio_080", "--processes", "3",
                           "-i", "security", "--exclude", "slow", "--argumentfile", "x.args"])
    assert (args.outputdir, args.target, args.include, args.exclude) == ("b", "junjo_ai_studio_080", ["security"],
                                                                         ["slow"])
    assert args.filters == ["--include security", "--exclude slow"] and not args.paths
    full = run_args.parse(["--variable", "DEFECTS:x", "--pabotlibport", "0"])
    assert (full.outputdir, full.target, full.filters) == ("results", "reference", [])
