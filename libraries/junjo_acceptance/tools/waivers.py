"""Waivers: known defects a release owner accepts for one target, kept in a file beside its profile (Part C).

``resources/targets/<profile>.waivers.json`` holds a list of waivers::

    [{"test": "Session Cookie Is Opaque And Hardened", "policy": "B3",
      "reason": "cookie encryption lands in 0.81 (TICKET-123)", "owner": "release.manager@example.com",
      "expires": "2026-12-31"}]

A waiver covers the failure of exactly one test (by name) until the end of its ``expires`` day (UTC). The
failure still shows in the log and the report; the sign-off lists every waiver, and an expired waiver, or a
file it cannot read, blocks the release.
"""

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

FIELDS = ("test", "policy", "reason", "owner", "expires")
TARGETS = Path(__file__).resolve().parents[3] / "resources" / "targets"


@dataclass
class Waiver:
    """One accepted known defect."""

    test: str
    policy: str
    reason: str
    owner: str
    expires: datetime.date

    def expired(self, today: datetime.date) -> bool:
        """True once the ``expires`` day has passed."""
        return today > self.expires


def path_for(profile: str, targets_dir: Path = TARGETS) -> Path:
    """Where the waivers of ``profile`` live."""
    return targets_dir / f"{profile}.waivers.json"


def load(path: Path) -> tuple[list[Waiver], list[str]]:
    """The waivers in ``path`` (none if it does not exist) and the problems found in it.

    Every problem (unreadable JSON, a missing field, a bad date, a duplicate test) is reported, not raised:
    the sign-off treats each as blocking, so a broken waiver file can never waive anything silently."""
    if not path.exists():
        return [], []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        return [], [f"{path.name}: not readable JSON ({error})"]
    if not isinstance(entries, list):
        return [], [f"{path.name}: must hold a JSON list of waivers"]
    waivers, problems, seen = [], [], set()
    for number, entry in enumerate(entries, 1):
        where = f"{path.name} waiver {number}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        missing = [f for f in FIELDS if not str(entry.get(f, "")).strip()]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
            continue
        try:
            expires = datetime.date.fromisoformat(str(entry["expires"]))
        except ValueError:
            problems.append(f"{where}: expires {entry['expires']!r} is not a YYYY-MM-DD date")
            continue
        if entry["test"] in seen:
            problems.append(f"{where}: a second waiver for {entry['test']!r}")
            continue
        seen.add(entry["test"])
        waivers.append(Waiver(str(entry["test"]), str(entry["policy"]), str(entry["reason"]),
                              str(entry["owner"]), expires))
    return waivers, problems
