"""Merge the output folders of the shards of one acceptance run into one folder, then sign it off.

``python -m junjo_acceptance.tools.merge_shards MERGED SHARD_DIR... [-- robot arguments of the run]``

- ``output.xml``, ``log.html``, ``report.html``, ``xunit.xml``: ``rebot --merge`` of the shards'
  ``output.xml`` in the order given. Shards hold disjoint suites of one suite tree, so merging adds each
  shard's suites to the tree of the first: the result has the suites, tests and statuses of the unsharded
  run, with one top-level suite.
- ``metrics.json``: the figures of every test of every shard (``junjo_acceptance.metrics.store``).
- the sign-off: ``python -m junjo_acceptance.tools.signoff MERGED -- <robot arguments>`` on the merged folder,
  unchanged.

Exits with the sign-off's status (so a merged run ships exactly when the unsharded run would), or 3 when a
shard has no ``output.xml`` or rebot fails.
"""

import json
import subprocess
import sys
from pathlib import Path

from robot import rebot_cli

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "libraries"))
from junjo_acceptance.metrics import store  # noqa: E402 - the suite's own metrics.json format, reused

MISSING_SHARD = 3
REBOT_ERROR = 252  # rebot's exit codes from here up mean an error, not failed tests


def merge_metrics(shards: list[Path], merged: Path) -> int:
    """Write ``merged/metrics.json`` with the tests of every shard's ``metrics.json``; returns how many."""
    tests: dict = {}
    for shard in shards:
        path = shard / store.FILE_NAME
        if path.exists():
            tests.update(json.loads(path.read_text(encoding="utf-8")).get("tests", {}))
    if tests:
        (merged / store.FILE_NAME).write_text(json.dumps(store.document(tests), indent=2, ensure_ascii=False) + "\n",
                                              encoding="utf-8")
    return len(tests)


def merge(merged: Path, shards: list[Path]) -> int:
    """Merge the shards' outputs into ``merged``; returns 0, or :data:`MISSING_SHARD` / rebot's error code."""
    missing = [str(shard) for shard in shards if not (shard / "output.xml").exists()]
    if missing or not shards:
        print(f"merge_shards: no output.xml in {', '.join(missing) or 'any shard (none given)'}", file=sys.stderr)
        return MISSING_SHARD
    merged.mkdir(parents=True, exist_ok=True)
    status = rebot_cli(["--merge", "--name", "Suites", "--outputdir", str(merged), "--output", "output.xml",
                        "--xunit", "xunit.xml", *[str(shard / "output.xml") for shard in shards]], exit=False)
    if status >= REBOT_ERROR:
        return status
    with_figures = merge_metrics(shards, merged)
    print(f"merge_shards: {len(shards)} shards merged into {merged} ({with_figures} tests with figures)")
    return 0


def main(argv: list[str]) -> int:
    rest = argv[1:]
    robot_argv = rest[rest.index("--") + 1:] if "--" in rest else []
    paths = [Path(arg) for arg in (rest[:rest.index("--")] if "--" in rest else rest)]
    if len(paths) < 2:
        print("usage: python -m junjo_acceptance.tools.merge_shards MERGED SHARD_DIR... [-- robot arguments]",
              file=sys.stderr)
        return 64
    status = merge(paths[0], paths[1:])
    if status:
        return status
    signoff = [sys.executable, "-m", "junjo_acceptance.tools.signoff", str(paths[0]), "--", *robot_argv]
    return subprocess.run(signoff, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
