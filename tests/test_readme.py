"""The README is true: its library list is the code's, its walkthrough runs as written, its commands exist.

The walkthrough ("Writing a new test") is taken from the README's fenced blocks marked ``file=<path>`` (written
there) and ``expect=pass|fail`` (commands run in order), in a temporary copy of the repository: nothing is left
in the working tree.
"""

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from robot.api import ExecutionResult

from junjo_acceptance.tools import readme_libraries
from junjo_acceptance.tools.robot_inventory import robot_files

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<info>[^\n`]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
                   re.MULTILINE | re.DOTALL)
# Paths the README names that are not in the repository on purpose.
PLACEHOLDERS = ("<", "*", "…")
RECIPE_FILES = {"resources/targets/junjo_compose.py"}  # the Docker Compose recipe's profile: yours to write
# The walkthrough's step under test: no existing suite or resource may check it already.
WALKTHROUGH_STEP = "Delete User"


def _text() -> str:
    return README.read_text(encoding="utf-8")


def _fences() -> list[tuple[dict, str]]:
    """Every fenced block: its info words (``lang``, ``key=value``) and its body, dedented."""
    blocks = []
    for match in FENCE.finditer(_text()):
        words = match.group("info").split()
        info = {"lang": words[0] if words else ""} | dict(w.split("=", 1) for w in words[1:] if "=" in w)
        blocks.append((info, textwrap.dedent(match.group("body"))))
    return blocks


def _walkthrough() -> tuple[dict[str, str], list[tuple[str, str]]]:
    files = {info["file"]: body for info, body in _fences() if "file" in info}
    commands = [(info["expect"], line) for info, body in _fences() if "expect" in info
                for line in body.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return files, commands


def test_the_library_list_is_the_codes():
    in_readme = readme_libraries.current(_text())
    assert in_readme, f"README.md has no {readme_libraries.START} … {readme_libraries.END} block"
    assert in_readme == readme_libraries.block(), (
        f"the README's library list is stale: run `{readme_libraries.COMMAND}` and commit README.md")


def test_the_walkthrough_is_complete_and_new():
    files, commands = _walkthrough()
    suites = [path for path in files if path.startswith("suites/") and path.endswith(".robot")]
    defects = [path for path in files if path.startswith("sut/defects/")]
    assert len(suites) == 1 and len(defects) == 1, f"one suite file and one seeded defect expected: {list(files)}"
    assert [expect for expect, _ in commands].count("fail") >= 1, "the walkthrough never shows the test failing"
    for path in files:
        assert not (ROOT / path).exists(), f"{path} already exists: the walkthrough must create it"
    assert WALKTHROUGH_STEP in files[suites[0]], f"the walkthrough no longer calls `{WALKTHROUGH_STEP}`"
    users = [str(path.relative_to(ROOT)) for path in robot_files()
             if re.search(rf"^\s+(\S.*?\s{{2,}})?{WALKTHROUGH_STEP}(\s{{2,}}|$)", path.read_text(), re.MULTILINE)]
    assert not users, (f"`{WALKTHROUGH_STEP}`, the walkthrough's step under test, is already checked in "
                       f"{users}: give the README an expectation no test checks yet")
    for line in (line for info, body in _fences() if info["lang"] == "robotframework" for line in body.splitlines()):
        assert "Resource" not in line.split()[:1] or "/resources/common/" in line, (
            f"the walkthrough may import only resources/common/: {line.strip()}")


@pytest.mark.slow
def test_the_walkthrough_runs_as_written(tmp_path):
    files, commands = _walkthrough()
    copy = tmp_path / "repository"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(
        ".git", ".venv", "results", ".deploy", "__pycache__", ".pytest_cache", ".ruff_cache"))
    for path, body in files.items():
        (copy / path).write_text(body, encoding="utf-8")
    defect = next(body for path, body in files.items() if path.startswith("sut/defects/"))
    caught_by = re.search(r"CAUGHT_BY = \[(.*?)\]", defect).group(1)
    fails_with = eval(re.search(r"^FAILS_WITH = (r?\".*\")$", defect, re.MULTILINE).group(1))  # noqa: S307
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               PYTHONPATH=str(copy / "libraries"), JUNJO_VENV=sys.prefix)  # bin/ scripts: this venv
    for expect, command in commands:
        run = subprocess.run(command, shell=True, cwd=copy, env=env, capture_output=True, text=True, timeout=600)
        shown = f"`{command}` exited {run.returncode}:\n{run.stdout[-3000:]}{run.stderr[-2000:]}"
        if expect == "pass":
            assert run.returncode == 0, shown
            continue
        assert run.returncode != 0, shown
        args = shlex.split(command)
        output = copy / args[args.index("--outputdir") + 1] / "output.xml"
        tests = list(ExecutionResult(str(output)).suite.all_tests)
        assert [test.status for test in tests] == ["FAIL"], shown
        assert f'"{tests[0].name}"' in caught_by, f"CAUGHT_BY {caught_by} does not name {tests[0].name!r}"
        assert re.search(fails_with, tests[0].message), (
            f"FAILS_WITH {fails_with!r} does not match the failure: {tests[0].message}")
    leftovers = [path for path in files if (ROOT / path).exists()]
    assert not leftovers, f"the walkthrough left files in the repository: {leftovers}"


def test_every_bin_script_and_python_module_it_names_exists():
    text = _text()
    scripts = set(re.findall(r"(?<![\w/.-])bin/([\w-]+)", text))
    missing = [f"bin/{name}" for name in sorted(scripts) if not os.access(ROOT / "bin" / name, os.X_OK)]
    modules = set(re.findall(r"python -m ([\w.]+)", text))
    sys.path[:0] = [str(ROOT / "libraries"), str(ROOT)]
    missing += [f"python -m {name}" for name in sorted(modules) if importlib.util.find_spec(name) is None]
    assert not missing, f"the README names commands that do not exist: {missing}"


def test_every_path_it_names_exists():
    files, _ = _walkthrough()
    named = set(re.findall(r"(?<![\w/.-])((?:suites|resources|libraries|sut|tests|bin|junjo_acceptance)/[\w./-]*"
                           r"(?:<[^>`\s]*>[\w./-]*)*)", _text()))
    missing = []
    for path in sorted(named):
        path = path.rstrip(".")
        if any(mark in path for mark in PLACEHOLDERS) or path in files or path in RECIPE_FILES:
            continue
        if not (ROOT / path).exists() and not (ROOT / "libraries" / path).exists():
            missing.append(path)
    assert not missing, f"the README names paths that do not exist: {missing}"


def test_its_robot_commands_write_into_results():
    commands = [line.strip() for info, body in _fences() if info["lang"] == "bash" for line in body.splitlines()
                if re.match(r"\s*(robot|pabot)\s", line)]
    commands += re.findall(r"`((?:robot|pabot) [^`]+ (?:suites|\S+\.robot))`", _text())  # inline, with a target
    assert commands
    stray = [command for command in commands
             if not re.search(r"--outputdir (results|\$|/)", command) and "--dryrun" not in command]
    assert not stray, f"these commands write their output into the working directory: {stray}"


def test_every_option_it_gives_a_project_tool_exists():
    sources = {"bin/mutation": "libraries/junjo_acceptance/tools/mutation.py",
               "bin/deploy-reference": "libraries/junjo_acceptance/tools/deploy_reference.py"}
    for line in _text().splitlines():
        for module in re.findall(r"python -m (junjo_acceptance[\w.]+)", line):
            sources.setdefault(module, "libraries/" + module.replace(".", "/") + ".py")
    wrong = []
    for line in _text().splitlines():
        for command, source in sources.items():
            if command not in line:
                continue
            code = (ROOT / source).read_text() if (ROOT / source).exists() else ""
            words = line.split(command, 1)[1].split("#")[0].split("`")[0].split()
            wrong += [f"{command} {word}" for word in words if word.startswith("--") and f'"{word}' not in code]
            if command == "bin/deploy-reference" and words and re.fullmatch(r"[a-z]+", words[0]):
                wrong += [f"{command} {words[0]}" for _ in [0] if f'"{words[0]}"' not in code]
    assert not wrong, f"the README gives options the tools do not take: {sorted(set(wrong))}"


def test_every_keyword_it_names_exists():
    from robot.libdocpkg import LibraryDocumentation

    from junjo_acceptance.tools.keyword_docs import sources
    files, _ = _walkthrough()
    known = {line.strip().lower() for body in files.values() for line in body.splitlines() if line[:1].isalpha()}
    for source in [*map(str, sources()), *readme_libraries.external_libraries(), "BuiltIn", "String"]:
        known |= {keyword.name.lower() for keyword in LibraryDocumentation(source).keywords}
    named = set(re.findall(r"`([A-Z][\w'-]*(?: [A-Z][\w'-]*)+)`", _text()))  # `Record Load Statistics`
    for verbs in re.findall(r"`((?:\w+/)+\w+) Target Process`", _text()):  # `Kill/Stop Target Process`
        named |= {f"{verb} Target Process" for verb in verbs.split("/")}
    unknown = sorted(name for name in named if name.lower() not in known)
    assert not unknown, f"the README names keywords that no library or resource has: {unknown}"


def test_every_variable_it_names_exists():
    robot_text = "\n".join(path.read_text() for path in robot_files())
    named = set(re.findall(r"\$\{([A-Z][A-Z0-9_]+)\}", _text())) | set(re.findall(r"--variable ([A-Z][A-Z0-9_]+):",
                                                                               _text()))
    unknown = sorted(name for name in named if f"${{{name}}}" not in robot_text)
    assert not unknown, f"the README names variables no suite or resource has: {unknown}"
