"""The repository can be cloned anywhere and its support code never shadows a package from PyPI."""

import subprocess
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = ROOT / "libraries"
PACKAGE = "junjo_acceptance"
# Names PyPI already has that this project once put first on sys.path (issue 13), checked even when the
# distribution is not installed here.
KNOWN_PYPI_NAMES = {"metrics", "concurrency", "target", "ingestion", "expectations", "masking", "tools",
                    "faults", "races", "api_client", "hostile_input", "fake_llm", "junjo_client",
                    "security_probes"}


def _tracked_paths() -> list[str]:
    return subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()


def _importable_names(folder: Path) -> set[str]:
    names = set()
    for entry in folder.iterdir():
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_file() and entry.suffix == ".py":
            names.add(entry.stem)
        elif entry.is_dir() and any(entry.glob("*.py")):
            names.add(entry.name)
    return names


def test_no_two_paths_differ_only_in_case():
    seen: dict[str, str] = {}
    clashes = []
    for path in _tracked_paths():
        parts = Path(path).parts
        for depth in range(1, len(parts) + 1):
            prefix = "/".join(parts[:depth])
            other = seen.setdefault(prefix.lower(), prefix)
            if other != prefix:
                clashes.append(f"{other} ~ {prefix}")
    assert not clashes, "paths that differ only in case break a clone on macOS and Windows: " + ", ".join(
        sorted(set(clashes)))


def test_libraries_holds_only_keyword_libraries_and_the_support_package():
    strays = sorted(name for name in _importable_names(LIBRARIES) if name != PACKAGE and not name[0].isupper())
    assert not strays, (f"support modules belong in libraries/{PACKAGE}/, not first on Robot's pythonpath: "
                        f"{', '.join(strays)}")


def test_nothing_on_the_pythonpath_shadows_a_pypi_package():
    installed = set(packages_distributions())  # import names are case-sensitive, also on macOS and Windows
    ours = {PACKAGE, "sut", "tests", "suites", "resources"}
    on_path = (_importable_names(LIBRARIES) | _importable_names(ROOT)) - ours
    shadowing = sorted(name for name in on_path if name in installed | KNOWN_PYPI_NAMES)
    assert not shadowing, f"these names shadow packages of the same name on PyPI: {', '.join(shadowing)}"
    assert PACKAGE not in installed, f"{PACKAGE} is also an installed distribution: pick another name"
