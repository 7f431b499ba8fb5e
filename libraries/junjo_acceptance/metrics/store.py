"""``metrics.json``: every figure of a run, per test, with its baseline comparison.

Each Robot process writes its own file, ``${OUTPUT DIR}/metrics.json``, from what it recorded in this run
(so a file never mixes runs). Under pabot each process has its own output folder,
``<outputdir>/pabot_results/<n>/``; after writing its file a process therefore also merges every
``pabot_results/*/metrics.json`` into ``<outputdir>/metrics.json``, under a file lock. pabot empties
``pabot_results`` when a run starts, so the merged file holds exactly the current run.
"""

import json
import os
import time
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock

FILE_NAME = "metrics.json"
PABOT_FOLDER = "pabot_results"


def _write_atomically(path: Path, data: dict) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n", encoding="utf-8")
    os.replace(temporary, path)


@contextmanager
def _locked(folder: Path):
    with FileLock(folder / f".{FILE_NAME}.lock"):
        yield


def document(tests: dict) -> dict:
    """The JSON document of a set of test entries."""
    return {"generated_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "tests": dict(sorted(tests.items()))}


def pabot_main_folder(output_dir: Path) -> "Path | None":
    """The main output folder when ``output_dir`` is one pabot process's folder, else None."""
    return output_dir.parent.parent if output_dir.parent.name == PABOT_FOLDER else None


def save(output_dir: "str | Path", tests: dict) -> list[Path]:
    """Write this process's ``metrics.json`` and, under pabot, the merged one; returns the files written."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    own = output_dir / FILE_NAME
    _write_atomically(own, document(tests))
    main = pabot_main_folder(output_dir)
    if main is None:
        return [own]
    with _locked(main):
        merged: dict = {}
        for part in sorted((main / PABOT_FOLDER).glob(f"*/{FILE_NAME}")):
            try:
                merged.update(json.loads(part.read_text(encoding="utf-8")).get("tests", {}))
            except (OSError, ValueError):
                continue  # a part being replaced right now is merged by its own writer
        _write_atomically(main / FILE_NAME, document(merged))
    return [own, main / FILE_NAME]
