"""Teaching workbooks: one lesson each, on real data, with native charts (``gdfit workbooks``).

Each builder returns a ``Report`` whose first sheet is a short "Read me". Charts sit at the top
of a sheet, stacked in column A, and the tables they read start below them, so a chart's place
never depends on how wide the table columns turn out. Nothing here depends on the clock: the
same code writes the same cells.
"""
from __future__ import annotations

from typing import Callable, Sequence

from gdfit.datasets import ad_spend
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
    """``sheet`` as it is: column widths, number formats and the page (everything drawn, one page
    wide) are set for every sheet by ``gdfit.report.present`` when the report is drawn."""
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
