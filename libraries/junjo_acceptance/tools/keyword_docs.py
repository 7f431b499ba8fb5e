"""Keyword documentation: libdoc HTML for every keyword library and resource file, plus an index page.

``python -m junjo_acceptance.tools.keyword_docs [out-dir]`` (default ``results/keywords``).
"""

import html
import sys
from pathlib import Path

from robot import libdoc

ROOT = Path(__file__).resolve().parents[3]


def sources() -> list[Path]:
    """Every keyword library (``libraries/*.py`` with a capitalised name) and resource file."""
    libraries = [p for p in sorted((ROOT / "libraries").glob("*.py")) if p.stem[0].isupper()]
    return libraries + sorted((ROOT / "resources").rglob("*.resource"))


def page_name(source: Path) -> str:
    """``ApiSessions.html`` for a library, ``security.xss.html`` for ``resources/security/xss.resource``."""
    folder = source.parent.relative_to(ROOT).parts[1:]
    return ".".join([*folder, source.stem]) + ".html"


def build(out_dir: Path) -> list[Path]:
    """Write one HTML page per source and an ``index.html``; returns the pages."""
    out_dir.mkdir(parents=True, exist_ok=True)
    sys.path[:0] = [str(ROOT / "libraries")]
    pages = []
    for source in sources():
        page = out_dir / page_name(source)
        libdoc.libdoc(str(source), str(page), quiet=True)
        pages.append(page)
    items = "".join(f"<li><a href='{p.name}'>{html.escape(p.stem)}</a> ({s.relative_to(ROOT)})</li>"
                    for p, s in zip(pages, sources(), strict=True))
    (out_dir / "index.html").write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Keyword documentation</title></head>"
        f"<body style='font-family:sans-serif'><h1>Keyword documentation</h1><ul>{items}</ul></body></html>")
    return pages


if __name__ == "__main__":
    built = build(Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "results" / "keywords"))
    print(f"{len(built)} keyword documentation pages written")
