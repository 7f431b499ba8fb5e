"""HTML tables for ``log.html`` (logged with ``html=True``)."""

from html import escape

STYLE = "border-collapse:collapse;margin:4px 0"
CELL = "border:1px solid #bbb;padding:2px 8px"
VERDICT_COLOURS = {"ok": "#d8f0d8", "regression": "#f6d0d0", "no baseline": "#eeeeee"}


def number(value, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        text = f"{value:.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def table(header: list[str], rows: list[list], colours: "list[str | None] | None" = None) -> str:
    """A small bordered table; ``colours`` gives each row a background (or None)."""
    head = "".join(f'<th style="{CELL}">{escape(str(cell))}</th>' for cell in header)
    body = []
    for index, row in enumerate(rows):
        colour = colours[index] if colours else None
        shade = f' style="background:{colour}"' if colour else ""
        cells = "".join(f'<td style="{CELL}">{escape(str(cell))}</td>' for cell in row)
        body.append(f"<tr{shade}>{cells}</tr>")
    return f'<table style="{STYLE}"><tr>{head}</tr>{"".join(body)}</table>'


def figures_table(title: str, figures: dict[str, tuple[float, str]]) -> str:
    rows = [[name, number(value, unit)] for name, (value, unit) in figures.items()]
    return f"<b>{escape(title)}</b>" + table(["figure", "value"], rows)


def comparison_table(source: str, comparisons: list) -> str:
    rows, colours = [], []
    for item in comparisons:
        sign = "" if item.limit is None else ("≤ " if item.better == "lower" else "≥ ")
        tolerance = "–" if item.tolerance is None else f"{item.tolerance:.0%}"
        rows.append([item.figure, number(item.measured, item.unit), number(item.baseline, item.unit), tolerance,
                     sign + number(item.limit, item.unit), item.verdict])
        colours.append(VERDICT_COLOURS.get(item.verdict))
    header = ["figure", "measured", "baseline", "tolerance", "limit", "verdict"]
    return f"<b>Baseline comparison</b> ({escape(source)})" + table(header, rows, colours)
