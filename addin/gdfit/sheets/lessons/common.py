"""Teaching workbooks: one lesson each, on real data, with native charts (``gdfit workbooks``).

Each builder returns a ``Report`` whose first sheet is a short "Read me". Charts sit at the top
of a sheet, stacked in column A, and the tables they read start below them, so a chart's place
never depends on how wide the table columns turn out. Nothing here depends on the clock: the
same code writes the same cells.
"""
from __future__ import annotations

from typing import Callable, Sequence

from gdfit.datasets import ad_spend
from gdfit.report.a1 import col_letter
from gdfit.report.layout import auto_widths
from gdfit.report.model import ColumnRef, Note, PageSetup, SheetSpec
from gdfit.sheets.data import data_sheet
from gdfit.sheets.manifest import add_manifest

__all__ = ["readme_sheet", "finish_sheet", "with_manifest", "ad_spend_data", "below_charts", "ref", "CHART_ROWS", "NUMBER"]

CHART_ROWS = 19  # rows a 16 x 9 cm chart covers at the default row height, plus a spare row
NUMBER = "0.000000"


def readme_sheet(title: str, lines: Sequence[str]) -> SheetSpec:
    """A "Read me" sheet: the title, then one short paragraph per line."""
    sheet = SheetSpec("Read me", notes=[Note("A1", title, "title", span=10)],
                      page=PageSetup(landscape=True))
    sheet.notes += [Note(f"A{3 + i}", line, "body", span=14) for i, line in enumerate(lines)]
    sheet.page.print_area = f"A1:N{3 + len(lines)}"
    return sheet


def finish_sheet(sheet: SheetSpec) -> SheetSpec:
    """Widen the table columns (right of the charts, which keep columns A-K at the default width)
    to show every value, and print everything drawn (one page wide)."""
    sheet.column_widths.update(auto_widths(sheet))
    last_row, last_col = 1, 10  # a 16 cm chart in column A reaches about column J
    for t in sheet.tables:
        last_row, last_col = max(last_row, t.rect.max_row), max(last_col, t.rect.max_col)
    for c in sheet.charts:
        last_row = max(last_row, int(c.anchor[1:]) + CHART_ROWS)
    for f in sheet.formulas:
        last_row = max(last_row, f.rect.max_row)
    for n in sheet.notes:
        last_row = max(last_row, int(n.anchor.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
    if sheet.charts and last_row > 60:
        # A printout of a sheet with charts is the charts and the top of its tables, on one page;
        # hundreds of path or history rows are for reading on screen.
        last_row = max(int(c.anchor[1:]) + CHART_ROWS for c in sheet.charts)
        last_row += max(0, round(sum(c.height_cm for c in sheet.charts) / 0.53) - len(sheet.charts) * CHART_ROWS)
    sheet.page = PageSetup(print_area=f"A1:{col_letter(last_col)}{last_row}",
                           pages_tall=1 if last_row <= 60 else 0)
    return sheet


def below_charts(sheet: SheetSpec) -> int:
    """The first free row (leaving a heading row) under the charts stacked in column A."""
    return max(int(c.anchor[1:]) + round(c.height_cm / 0.53) for c in sheet.charts) + 3


def with_manifest(sheet: SheetSpec, frame, table: str, options: dict, seed: int | None = None) -> SheetSpec:
    """``sheet`` with the run manifest and stale flag (``gdfit.sheets.manifest``) under its charts,
    for a run trained on the columns of ``frame`` held in the Excel table ``table`` of the Data sheet."""
    columns = {str(c): ColumnRef("Data", table, str(c)) for c in frame.columns}
    add_manifest(sheet, below_charts(sheet), columns, frame.to_numpy(dtype=float), options, seed)
    return sheet


def ad_spend_data() -> tuple:
    """The ad-spend Data sheet (Excel table ``AdSpend``) and the frame it holds."""
    frame = ad_spend()
    return data_sheet(frame, "AdSpend", "Ad spend ($ thousands) and sales ($ hundreds of thousands)"), frame


def ref(sheet: str, table: str) -> Callable[[str], ColumnRef]:
    """A shorthand making references to the columns of one table."""
    return lambda column: ColumnRef(sheet, table, column)
