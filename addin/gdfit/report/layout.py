"""Layout of a ``Report`` on its sheets: footprints, overlaps, column widths, and validation.

Pure functions over the model in ``gdfit.report.model``; both renderers call ``validate`` first.
"""
from __future__ import annotations

import re
from typing import Iterable, Sequence

from gdfit.report.a1 import (
    DEFAULT_COLUMN_WIDTH,
    Rect,
    col_letter,
    find_overlaps,
    parse_cell,
    span_cells,
    text_width,
)
from gdfit.report.model import (
    ArrayFormula,
    CellValue,
    ChartSpec,
    Columns,
    Formula,
    LayoutError,
    Report,
    SheetSpec,
    Table,
)
from gdfit.report.references import formula_text, resolve

__all__ = ["footprints", "overlaps", "auto_widths", "validate", "contour_rows"]

NOTE_STYLES = ("title", "heading", "body", "warning", "caption")
SERIES_STYLES = ("markers", "line", "markers+line")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_TABLE_NAME = re.compile(r"^[A-Za-z_\\][A-Za-z0-9_.\\]{0,254}$")
_LOOKS_LIKE_CELL = re.compile(r"^([A-Za-z]{1,3}[0-9]+|[Rr][0-9]*[Cc]?[0-9]*|[RrCc])$")


def footprints(sheet: SheetSpec) -> list[tuple[str, Rect]]:
    """Every block on a sheet with the cells it occupies (charts at default row height)."""
    out = [(f"table {t.key}", t.rect) for t in sheet.tables]
    for n in sheet.notes:
        row, col = parse_cell(n.anchor)
        out.append((f"note {n.text[:24]!r}", Rect(row, col, row, col + n.span - 1)))
    out += [(f"formula at {f.anchor}", f.rect) for f in sheet.formulas]
    out += [
        (f"chart {c.title!r}", span_cells(c.anchor, c.width_cm, c.height_cm, sheet.column_widths))
        for c in sheet.charts
    ]
    return out


def overlaps(sheet: SheetSpec) -> list[tuple[str, str]]:
    """Pairs of blocks on ``sheet`` that share a cell; a drawable sheet has none."""
    return find_overlaps(footprints(sheet))


def auto_widths(sheet: SheetSpec, padding: float = 2.0) -> dict[str, float]:
    """Column widths (Excel characters) that show every table header and value on ``sheet``.

    Explicit ``sheet.column_widths`` win; columns with nothing wider than the default are
    left out. Builders call ``sheet.column_widths.update(auto_widths(sheet))``-style merges.
    """
    need: dict[int, float] = {}
    for t in sheet.tables:
        left = t.rect.min_col
        formats = list(t.number_formats)
        for j, text in enumerate(t.header or ()):
            need[left + j] = max(need.get(left + j, 0.0), text_width(text))
        for row in t.rows:
            for j, value in enumerate(row):
                fmt = formats[j] if j < len(formats) else None
                need[left + j] = max(need.get(left + j, 0.0), text_width(value, fmt))
    widths = {col_letter(c): round(w + padding, 1) for c, w in sorted(need.items())
              if w + padding > DEFAULT_COLUMN_WIDTH}
    return {k: v for k, v in widths.items() if k not in sheet.column_widths}


def contour_rows(levels: Iterable[float], curves: Iterable[Iterable[Iterable[float]]]
                 ) -> list[list[CellValue]]:
    """Rows ``[level, x, y]`` of several curves in one table, a blank row between curves.

    One chart series over the ``x``/``y`` columns then draws every curve, each closed on itself:
    with ``ChartSpec.blanks == "gap"`` Excel and LibreOffice break the line at a blank row, and
    the legend has one entry for all levels. (Checked in LibreOffice: tests/render.)
    """
    rows: list[list[CellValue]] = []
    for level, curve in zip(levels, curves, strict=True):
        if rows:
            rows.append([None, None, None])
        rows += [[float(level), float(x), float(y)] for x, y in curve]
    return rows


def validate(report: Report) -> None:
    """Raise ``LayoutError`` naming the first problem that would stop a renderer or Excel.

    Checks sheet names (Excel's rules), overlapping blocks, Excel table names and headers,
    array formulas inside tables, formulas and series whose references do not resolve, and
    cells of another sheet that a formula spells without the sheet's name, and workbook names.
    Renderers call it before touching a workbook, so a bad report leaves nothing half-drawn.
    """
    if not report.sheets:
        raise LayoutError("a report needs at least one sheet (a workbook cannot be empty)")
    seen: set[str] = set()
    table_names: set[str] = set()
    for sheet in report.sheets:
        _check_sheet_name(sheet.name, seen)
        clashes = overlaps(sheet)
        if clashes:
            a, b = clashes[0]
            raise LayoutError(f"on sheet {sheet.name!r}, {a} overlaps {b}")
        for table in sheet.tables:
            _check_table(table, table_names)
            if isinstance(table.rows, Columns):
                continue  # numbers only
            for value in (v for row in table.rows for v in row):
                if isinstance(value, (Formula, ArrayFormula)):
                    _check_formula(report, value, sheet.name)
        for f in sheet.formulas:
            _check_formula(report, f.formula, sheet.name)
        for note in sheet.notes:
            if note.style not in NOTE_STYLES or note.span < 1:
                raise LayoutError(
                    f"note {note.text!r}: style must be one of {NOTE_STYLES}, span >= 1")
        for chart in sheet.charts:
            _check_chart(report, chart)
    _check_names(report)


def _check_names(report: Report) -> None:
    # Excel tables and defined names share one namespace.
    seen = {t.name.lower() for s in report.sheets for t in s.tables if t.name}
    for n in report.names:
        if not _TABLE_NAME.match(n.name) or _LOOKS_LIKE_CELL.match(n.name):
            raise LayoutError(f"{n.name!r} is not a valid Excel name (letters, digits, _ .; not a cell)")
        if n.name.lower() in seen:
            raise LayoutError(f"the name {n.name!r} is defined twice (Excel ignores case)")
        seen.add(n.name.lower())
        resolve(report, n.ref)


def _check_formula(report: Report, formula: Formula | ArrayFormula, sheet: str) -> None:
    if not formula.text.startswith("="):
        raise LayoutError(f"formula {formula.text!r} must start with '='")
    if isinstance(formula, ArrayFormula) and min(formula.rows, formula.cols) < 1:
        raise LayoutError(f"array formula {formula.text!r} must span at least one cell")
    formula_text(report, formula, sheet)


def _check_chart(report: Report, chart: ChartSpec) -> None:
    if chart.blanks not in ("gap", "zero", "span"):
        raise LayoutError(f"chart {chart.title!r}: blanks must be 'gap', 'zero' or 'span'")
    if chart.kind not in ("scatter", "line") or not chart.series:
        raise LayoutError(
            f"chart {chart.title!r} must be 'scatter' or 'line' with at least one series")
    for s in chart.series:
        if s.style not in SERIES_STYLES:
            raise LayoutError(f"series {s.name!r}: style must be one of {SERIES_STYLES}")
        x, y = resolve(report, s.x_ref), resolve(report, s.y_ref)
        if x.rect.shape != y.rect.shape or 1 not in x.rect.shape:
            raise LayoutError(
                f"series {s.name!r} of chart {chart.title!r}: x and y must be single rows or "
                f"columns of the same length; got {x.a1} and {y.a1}"
            )


def _check_sheet_name(name: str, seen: set[str]) -> None:
    if not 1 <= len(name) <= 31 or _BAD_SHEET_CHARS.search(name) or name.startswith("'") \
            or name.endswith("'"):
        raise LayoutError(
            f"sheet name {name!r} is not allowed in Excel: 1-31 characters, "
            "none of [ ] : * ? / \\, "
            "no quote at either end"
        )
    if name.lower() in seen:
        raise LayoutError(f"two sheets are named {name!r} (Excel ignores case)")
    seen.add(name.lower())


def _check_table(table: Table, names: set[str]) -> None:
    if len(table.number_formats) > table.width:
        raise LayoutError(f"table {table.key!r} has more number formats than columns")
    arrays = _array_cells(table)
    if table.name is None:
        return
    if not _TABLE_NAME.match(table.name) or _LOOKS_LIKE_CELL.match(table.name):
        raise LayoutError(f"{table.name!r} is not a valid Excel table name (letters, digits, _ .)")
    if table.name.lower() in names:
        raise LayoutError(f"two Excel tables are named {table.name!r}")
    names.add(table.name.lower())
    header = list(table.header or ())
    if not header or len(header) != table.width or not table.rows:
        raise LayoutError(f"Excel table {table.name!r} needs a full header and at least one row")
    if any(not isinstance(h, str) or not h for h in header) or \
            len({h.lower() for h in header}) != len(header):
        raise LayoutError(
            f"Excel table {table.name!r} needs unique, non-empty headers; got {header}")
    if arrays:
        raise LayoutError(f"Excel table {table.name!r} cannot hold a multi-cell array formula")


def _array_cells(table: Table) -> int:
    """Count multi-cell array formulas, checking each lies in the table over blank cells."""
    if isinstance(table.rows, Columns):
        return 0  # numbers only
    count = 0
    for i, row in enumerate(table.rows):
        for j, value in enumerate(row):
            if not isinstance(value, ArrayFormula) or (value.rows, value.cols) == (1, 1):
                continue
            count += 1
            for di in range(value.rows):
                for dj in range(value.cols):
                    if (di or dj) and _at(table.rows, i + di, j + dj, table.width) is not None:
                        raise LayoutError(
                            f"array formula {value.text!r} in table {table.key!r} needs "
                            f"{value.rows}x{value.cols} cells of blanks from its anchor"
                        )
    return count


def _at(rows: Sequence[Sequence[CellValue]], i: int, j: int, width: int) -> CellValue:
    if i >= len(rows) or j >= width:
        return "outside the table"
    return rows[i][j] if j < len(rows[i]) else None
