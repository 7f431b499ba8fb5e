"""Mutation score of the reference target's core modules, judged by the Robot tests of each area.

Engine: cosmic-ray 8 (``requirements-mutation.txt``). It runs an arbitrary test command per mutant (here:
``robot`` with the tests of the module's area, which start the embedded target from the mutated source),
keeps its state in a session database (a nightly run that is cut off resumes where it stopped), and its
work items can be marked skipped, which is how a run is bounded: a seeded random sample of ``--per-module``
mutants per module. mutmut 3 was not chosen: it drives pytest only and mutates through trampolines in
copied sources, which a target started as a separate process would not load.

The run happens in a copy of the project (``git ls-files``), never in the working tree: cosmic-ray
rewrites the module on disk while a mutant is tested. Output: ``results/mutation.json`` (shown by
``results/detection.html``) and the cosmic-ray sessions beside it.

    python -m junjo_acceptance.tools.mutation --per-module 40          # what bin/mutation runs (a nightly slot)
    python -m junjo_acceptance.tools.mutation --per-module 5 --module sessions
"""

import argparse
import json
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# module key → (source file, Robot tests of that area). Tests are chosen for what the module does and for
# speed: a mutant costs one Robot run of them.
MODULES = {
    "span_convert": ("sut/backend/span_convert.py", [
        "Ten Concurrent Senders Store Each Span Once Intact Under Its Service",
        "A Trace In The Older Telemetry Format Is Stored With Its Junjo Columns",
        "Junjo Client Workflow Runs Arrive With Node Spans And State Patches",
        "Five Senders Of One Span Store It Once With One Set Of State Patches",
        "Concurrent State Patches Are Stored Once With Exact Times In Order",
        "A Span With Hundreds Of Attributes And Events Round-Trips Intact",
        "Junjo JSON That A Strict Reader Rejects Never Stops Ingestion",
    ]),
    "sessions": ("sut/backend/sessions.py", [
        "An Expired Session Is Refused",
        "Signing Out One Device Revokes Only That Session",
        "A Tampered Session Cookie Is Refused",
        "The Session Cookie Is Opaque And Locked Down",
        "Concurrent Sign-Ins Of One User Get Distinct Valid Sessions",
        "Two Concurrent Sign-Outs Of One Session Both Succeed And Revoke It",
    ]),
    "key_check": ("sut/ingestion/key_cache.py", [
        "Ingestion Refuses Every Kind Of Invalid API Key",
        "A Deleted API Key Stops Working On Ingestion",
        "With The Backend Down Ingestion Accepts Cached Keys And Loses Nothing",
    ]),
    "poller": ("sut/backend/poller.py", [
        "A Span Whose Parent Arrives In A Later Batch Is Stored",
        "Acknowledged Spans Survive A Backend Kill During A Sustained Send",
        "A Span Store Outage Gives Retryable Query Errors And Loses Nothing",
        "A Span With A 100 KB Attribute Is Stored And Returned Intact",
    ]),
}


def test_command(tests: list[str]) -> str:
    """The Robot run that judges one mutant: exit code 0 = survived."""
    command = [sys.executable, "-m", "robot", "--argumentfile", "robot.args", "--outputdir", "mutation-out",
               "--report", "NONE", "--log", "NONE", "--xunit", "NONE", "--console", "none", "--exitonfailure"]
    for name in tests:
        command += ["--test", name]
    return shlex.join(command + ["suites"])


def copy_project(destination: Path) -> None:
    """The project's tracked files (as they are on disk now) copied into ``destination``."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, files.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


def _cosmic_ray(*args: str, cwd: Path, timeout: float = 24 * 3600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cosmic_ray.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, check=False)


def sample(session: Path, keep: int, seed: int) -> tuple[int, int]:
    """Mark all but a seeded random ``keep`` of the session's pending mutants as skipped: (total, kept)."""
    from cosmic_ray.work_db import use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    with use_db(str(session)) as db:
        pending = sorted(db.pending_work_items, key=lambda item: item.job_id)
        chosen = set(random.Random(seed).sample(range(len(pending)), min(keep, len(pending))))
        for index, item in enumerate(pending):
            if index not in chosen:
                db.set_result(item.job_id, WorkResult(output="not sampled", worker_outcome=WorkerOutcome.SKIPPED))
        return len(pending), len(chosen)


def run_module(key: str, workdir: Path, per_module: int, seed: int, timeout_s: float) -> dict:
    """Init, sample and execute one module's mutants in ``workdir``; its summary and survivors."""
    source, tests = MODULES[key]
    command = test_command(tests)
    started = time.monotonic()
    baseline = subprocess.run(shlex.split(command), cwd=workdir, capture_output=True, timeout=timeout_s, check=False)
    baseline_s = time.monotonic() - started
    summary = {"source": source, "tests": tests, "baseline_s": round(baseline_s, 1), "killed": 0, "survived": 0,
               "other": 0, "score": 0.0, "sampled": 0, "total": 0}
    if baseline.returncode != 0:
        return {**summary, "error": "the tests fail without any mutant: no score"}
    config = workdir / f"mutation-{key}.toml"
    config.write_text(
        "[cosmic-ray]\n"
        f"module-path = {json.dumps(source)}\n"
        f"timeout = {max(60.0, 3 * baseline_s)}\n"
        "excluded-modules = []\n"
        f"test-command = {json.dumps(command)}\n"
        "[cosmic-ray.distributor]\nname = \"local\"\n")
    session = workdir / f"mutation-{key}.sqlite"
    init = _cosmic_ray("init", str(config), str(session), cwd=workdir)
    if init.returncode != 0:
        return {**summary, "error": f"cosmic-ray init failed: {init.stderr[-500:]}"}
    summary["total"], summary["sampled"] = sample(session, per_module, seed)
    _cosmic_ray("exec", str(config), str(session), cwd=workdir)
    return _score(key, session, summary)


def _score(key: str, session: Path, summary: dict) -> dict:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    survivors = []
    with use_db(str(session), WorkDB.Mode.open) as db:
        for item, result in db.completed_work_items:
            if result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            if result.test_outcome == TestOutcome.KILLED:
                summary["killed"] += 1
            elif result.test_outcome == TestOutcome.SURVIVED:
                summary["survived"] += 1
                mutation = item.mutations[0]
                survivors.append({"module": key, "line": mutation.start_pos[0], "operator": mutation.operator_name,
                                  "diff": result.diff or ""})
            else:
                summary["other"] += 1
    judged = summary["killed"] + summary["survived"]
    summary["score"] = summary["killed"] / judged if judged else 0.0
    summary["survivors"] = survivors
    return summary


def main(argv: "list[str] | None" = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-module", type=int, default=40, help="mutants sampled per module (default 40)")
    parser.add_argument("--seed", type=int, default=12, help="seed of the sample (default 12)")
    parser.add_argument("--module", action="append", choices=sorted(MODULES), help="only these (repeatable)")
    parser.add_argument("--timeout-s", type=float, default=900, help="bound of one baseline run")
    parser.add_argument("--out", type=Path, default=ROOT / "results" / "mutation.json")
    parser.add_argument("--keep-workdir", action="store_true", help="keep the copy and its cosmic-ray sessions")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="junjo-mutation-"))
    copy_project(workdir)
    modules, survivors = {}, []
    for key in args.module or sorted(MODULES):
        result = run_module(key, workdir, args.per_module, args.seed, args.timeout_s)
        survivors += result.pop("survivors", [])
        modules[key] = result
        print(f"{key}: {result['killed']} killed, {result['survived']} survived, {result['other']} other "
              f"of {result['sampled']} sampled ({result['total']} in all) {result.get('error', '')}", flush=True)
    judged = sum(m["killed"] + m["survived"] for m in modules.values())
    killed = sum(m["killed"] for m in modules.values())
    report = {"summary": f"{killed} of {judged} judged mutants killed ({killed / judged:.0%}), "
                         f"{len(survivors)} survived; sample of {args.per_module} per module, seed {args.seed}"
                         if judged else "no mutant judged",
              "modules": modules, "survivors": survivors}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2))
    print(report["summary"])
    if args.keep_workdir:
        print(f"copy and cosmic-ray sessions kept in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
