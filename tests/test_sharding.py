"""A nightly run split in shards and merged gives the same result as the run in one piece.

Two shards of a small tag-filtered subset (``bin/acceptance-shard 1 2`` and ``2 2``: three quick suites)
are merged with ``junjo_acceptance.tools.merge_shards``; the same subset runs unsharded with the same pabot command. The
merged output must hold the same suites and tests with the same statuses, and the sign-off of the merged
folder must give the same verdict (printed line and exit status) as the unsharded run's.
"""

import json
import os
import re
import subprocess
import sys

import pytest
from robot.api import ExecutionResult
from robot_runs import ROOT

from junjo_acceptance.tools import merge_shards

# Three quick suites (about 8 s of tests in all). pabot splits the items of suites.order in contiguous parts
# and counts the #WAIT line as an item: [Sql Injection, Session Races | Xss, #WAIT].
SUBSET = ["--include", "plan:test_api_key_lookup_sql_injection", "--include",
          "plan:test_concurrent_sign_out_same_session", "--include", "policy:B10"]
TIMEOUT_S = 300


def _run(command: list[str], tmp_path, **env) -> subprocess.CompletedProcess:
    environment = dict(os.environ, TMPDIR=str(tmp_path), **env)
    return subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=TIMEOUT_S,
                          check=False)


def _shape(folder) -> tuple[list[str], dict[str, str]]:
    suite = ExecutionResult(str(folder / "output.xml")).suite
    tests = {test.full_name: test.status for test in suite.all_tests}
    return sorted({test.parent.full_name for test in suite.all_tests}), tests


def _signoff(folder) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "junjo_acceptance.tools.signoff", str(folder), "--", *SUBSET],
                          cwd=ROOT,
                          capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    return done.returncode, re.sub(re.escape(str(folder)), "<results>", done.stdout).strip()


@pytest.mark.slow
def test_two_merged_shards_match_the_unsharded_run(tmp_path):
    shards = [tmp_path / "shard-1", tmp_path / "shard-2"]
    for index, folder in enumerate(shards, start=1):
        done = _run(["bin/acceptance-shard", str(index), "2", *SUBSET], tmp_path, SHARD_OUTPUT=str(folder))
        assert (folder / "output.xml").exists(), done.stdout[-3000:] + done.stderr[-2000:]
    single = tmp_path / "single"
    _run([sys.executable, "-m", "pabot.pabot", "--processes", "2", "--pabotlibport", "0", "--ordering", "suites.order",
          "--outputdir", str(single), "--argumentfile", "robot.args", *SUBSET, "suites"], tmp_path)

    merged = tmp_path / "merged"
    done = _run([sys.executable, "-m", "junjo_acceptance.tools.merge_shards", str(merged), *map(str, shards),
                 "--", *SUBSET], tmp_path)
    assert (merged / "output.xml").exists() and (merged / "log.html").exists(), done.stdout + done.stderr

    shard_suites = [_shape(folder)[0] for folder in shards]
    assert all(shard_suites) and not set(shard_suites[0]) & set(shard_suites[1]), f"shards overlap: {shard_suites}"
    assert _shape(merged) == _shape(single)
    assert len(_shape(single)[1]) >= 5
    merged_signoff, single_signoff = _signoff(merged), _signoff(single)
    assert merged_signoff == single_signoff
    assert done.returncode == merged_signoff[0], "merge_shards must exit with the sign-off's status"


def test_a_missing_shard_stops_the_merge_and_metrics_of_every_shard_are_kept(tmp_path, capsys):
    first, second = tmp_path / "1-of-2", tmp_path / "2-of-2"
    for folder, test in ((first, "Suites.A.One"), (second, "Suites.B.Two")):
        folder.mkdir()
        (folder / "metrics.json").write_text(json.dumps({"tests": {test: {"figures": {}}}}))
    assert merge_shards.merge(tmp_path / "merged", [first, second]) == merge_shards.MISSING_SHARD
    assert "no output.xml in" in capsys.readouterr().err
    (tmp_path / "merged").mkdir()
    assert merge_shards.merge_metrics([first, second], tmp_path / "merged") == 2
    merged = json.loads((tmp_path / "merged" / "metrics.json").read_text())["tests"]
    assert sorted(merged) == ["Suites.A.One", "Suites.B.Two"]
