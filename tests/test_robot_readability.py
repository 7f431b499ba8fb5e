"""The Robot files read without Python and their layout mirrors the test plan (issue 13).

- at most ``MAX_INLINE_PYTHON`` inline Python expressions (``Evaluate``, ``${{ }}``, ``${count - 1}``) in suites/
  and resources/;
- one resource per suite file (= plan section): ``resources/<category>/<suite>.resource``;
- shared keywords only in ``resources/common/``; no suite or resource imports another category's resource;
- every test name can be passed to ``-t`` as it is: at most ``MAX_TEST_NAME`` characters and no comma.
"""

import re
from pathlib import Path

from junjo_acceptance.tools.robot_inventory import robot_files, robot_tests

ROOT = Path(__file__).resolve().parents[1]
SUITES = ROOT / "suites"
RESOURCES = ROOT / "resources"
MAX_INLINE_PYTHON = 15
MAX_TEST_NAME = 70
# Evaluate, ${{ }}, and extended-variable arithmetic or slicing such as ${count - 1} or ${answer.text[:200]}
# (Robot evaluates those as Python too). IF and Should Be True conditions are Robot's own condition syntax.
INLINE_PYTHON = re.compile(
    r"(?:\s{2}|\t|\.)Evaluate(?=\s{2}|\t|$)|\$\{\{|\$\{\w+(?:\.\w+)*(?:\s+(?:[-+*/%]|//)\s|\[[^\]]*:)",
    re.MULTILINE)
RESOURCE_IMPORT = re.compile(r"^Resource\s{2,}(\S.*?)\s*$", re.MULTILINE)


def _category(path: Path) -> "str | None":
    """The plan category a suite or resource belongs to; ``None`` for the shared ones."""
    relative = path.relative_to(SUITES if path.is_relative_to(SUITES) else RESOURCES)
    if len(relative.parts) < 2 or relative.parts[0] == "common":
        return None
    return relative.parts[0]


def test_few_inline_python_expressions():
    counts = {str(p.relative_to(ROOT)): len(INLINE_PYTHON.findall(p.read_text(encoding="utf-8")))
              for p in robot_files()}
    total = sum(counts.values())
    worst = sorted(((n, f) for f, n in counts.items() if n), reverse=True)
    assert total <= MAX_INLINE_PYTHON, (
        f"{total} inline Python expressions (Evaluate, ${{{{ }}}}, ${{x - 1}}) in suites/ and resources/, at most "
        f"{MAX_INLINE_PYTHON} allowed; move the logic into a keyword library: {worst}")


def test_every_suite_file_has_its_own_resource():
    missing = [str(s.relative_to(ROOT)) for s in SUITES.glob("*/*.robot") if s.name != "__init__.robot"
               and not (RESOURCES / s.parent.name / f"{s.stem}.resource").exists()]
    assert not missing, f"suite files without resources/<category>/<suite>.resource: {missing}"


def test_resources_live_in_common_or_a_category_folder():
    loose = [p.name for p in RESOURCES.glob("*.resource")]
    assert not loose, f"resources outside resources/common/ and resources/<category>/: {loose}"


def test_no_imports_across_categories():
    crossings = []
    for path in robot_files():
        for imported in RESOURCE_IMPORT.findall(path.read_text(encoding="utf-8")):
            target = (path.parent / imported).resolve()
            if not target.exists():
                crossings.append(f"{path.relative_to(ROOT)} imports missing {imported}")
            elif _category(target) not in (None, _category(path)):
                crossings.append(f"{path.relative_to(ROOT)} imports {target.relative_to(ROOT)}")
    assert not crossings, "imports across plan categories:\n" + "\n".join(crossings)


def test_test_names_can_be_passed_to_dash_t():
    bad = [t["name"] for t in robot_tests() if len(t["name"]) > MAX_TEST_NAME or "," in t["name"]]
    assert not bad, f"test names longer than {MAX_TEST_NAME} characters or with a comma: {bad}"
