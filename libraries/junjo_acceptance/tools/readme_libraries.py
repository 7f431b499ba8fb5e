"""The README's list of keyword libraries and resource files, read from the code.

``python -m junjo_acceptance.tools.readme_libraries`` prints the list; ``--write`` replaces the block between
``<!-- libraries:start -->`` and ``<!-- libraries:end -->`` in ``README.md``; ``--check`` exits 1 when that
block is not what the code says (``tests/test_readme.py`` runs the same check).

A keyword library is ``libraries/*.py`` with a capitalised name, described by the first sentence of its
class documentation; a resource file is ``resources/**/*.resource``, described by the first sentence of its
``Documentation``. Libraries imported from installed packages (``Library    Collections``) are listed by name.
"""

import re
import sys

from robot.api.parsing import get_model
from robot.libdocpkg import LibraryDocumentation
from robot.parsing.model.statements import LibraryImport

from junjo_acceptance.tools.keyword_docs import ROOT, sources
from junjo_acceptance.tools.robot_inventory import robot_files

README = ROOT / "README.md"
START = "<!-- libraries:start -->"
END = "<!-- libraries:end -->"
COMMAND = "PYTHONPATH=libraries python -m junjo_acceptance.tools.readme_libraries --write"


def first_sentence(doc: str) -> str:
    """The first sentence of the first paragraph of a Robot documentation string, as Markdown."""
    paragraph = " ".join(doc.strip().split("\n\n")[0].split())
    sentence = re.split(r"(?<=\.)\s+(?=[A-Z`*])", paragraph)[0]
    sentence = re.sub(r"\[([^|\]]+)\|([^\]]+)\]", r"[\2](\1)", sentence)  # [url|text] → [text](url)
    return sentence.replace("``", "`").replace("|", "\\|")


def external_libraries() -> list[str]:
    """Libraries the resource and suite files import by name from installed packages."""
    ours = {path.stem for path in sources() if path.suffix == ".py"}
    names = set()
    for path in robot_files():
        for section in get_model(path).sections:
            for item in section.body:
                if isinstance(item, LibraryImport) and item.name not in ours and "/" not in item.name:
                    names.add(item.name)
    return sorted(names, key=str.lower)


def block() -> str:
    """The generated Markdown block, markers included."""
    sys.path[:0] = [str(ROOT / "libraries")]
    libraries, resources = [], []
    for source in sources():
        doc = first_sentence(LibraryDocumentation(str(source)).doc)
        if source.suffix == ".py":
            libraries.append(f"| `{source.stem}` | {doc} |")
        else:
            resources.append(f"| `{source.relative_to(ROOT / 'resources').as_posix()}` | {doc} |")
    lines = [
        START,
        f"<!-- generated from the code by `{COMMAND}`; do not edit by hand -->",
        "",
        "| keyword library (`libraries/`) | what it does |",
        "|---|---|",
        *libraries,
        "",
        "| resource file (`resources/`) | what it holds |",
        "|---|---|",
        *resources,
        "",
        "Also imported from installed packages: " + ", ".join(f"`{name}`" for name in external_libraries()) + ".",
        END,
    ]
    return "\n".join(lines)


def current(text: str) -> str:
    """The block as it stands in ``text`` (markers included), or ``""`` when it has none."""
    match = re.search(re.escape(START) + r".*?" + re.escape(END), text, flags=re.DOTALL)
    return match.group(0) if match else ""


def main(argv: list[str]) -> int:
    generated = block()
    text = README.read_text(encoding="utf-8")
    if "--write" in argv:
        if not current(text):
            print(f"README.md has no {START} … {END} block", file=sys.stderr)
            return 1
        README.write_text(text.replace(current(text), generated), encoding="utf-8")
        print("README.md: library list written")
        return 0
    if "--check" in argv:
        if current(text) != generated:
            print(f"README.md: the library list is stale; run `{COMMAND}`", file=sys.stderr)
            return 1
        return 0
    print(generated)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
