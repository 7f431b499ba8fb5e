"""The committed list of plan items matches the test plan (when ``shared/test-plan.md`` is beside the repo)."""

import re
from pathlib import Path

import pytest

from junjo_acceptance.tools.plan_items import ITEMS, SECTIONS

PLAN = Path(__file__).resolve().parents[2] / "shared" / "test-plan.md"


def test_forty_distinct_items_in_known_sections():
    names = [name for _, name, _ in ITEMS]
    assert len(names) == 40 == len(set(names))
    assert {section for section, _, _ in ITEMS} == set(SECTIONS)


@pytest.mark.skipif(not PLAN.exists(), reason="shared/test-plan.md is not beside the repository")
def test_items_match_the_plan():
    assert re.findall(r"^- `(test_[a-z0-9_]+)`", PLAN.read_text(), re.M) == [name for _, name, _ in ITEMS]
