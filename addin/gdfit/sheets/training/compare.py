"""The Compare sheet: the parity table, a live check against the Formula sheet's formulas, and
what differs and why."""
from __future__ import annotations

from gdfit.core.compare import METHODS, Comparison
from gdfit.report.model import CellRef, CellValue, Formula, Note, PageSetup, SheetSpec, Table
from gdfit.sheets.training.formula import excel_cell
from gdfit.sheets.training.source import NUMBER, DataSource, parameter_names, row_formula

__all__ = ["compare_sheet"]

SHEET, PARITY, LIVE = "Compare", "parity", "live_check"
GD, EXCEL, DIFFERENCE = "Gradient descent", "Excel formula", "difference"


def _live_row(j: int, name: str) -> list[CellValue]:
    """Parameter ``j``: gradient descent's value in the parity table minus Excel's own formula."""
    gd = CellRef(SHEET, PARITY, METHODS[0], 1 + j, "relative")  # the parity table's j-th parameter column
    return [name, Formula("={gd}", {"gd": gd}), Formula("={excel}", {"excel": excel_cell(j)}),
            row_formula(SHEET, LIVE, j, "={gd}-{excel}", gd=GD, excel=EXCEL),
            row_formula(SHEET, LIVE, j, "=IF({excel}=0,ABS({diff}),ABS({diff}/{excel}))", excel=EXCEL,
                        diff=DIFFERENCE)]


def compare_sheet(cmp: Comparison, source: DataSource) -> SheetSpec:
    """The parity table, live differences against the Formula sheet, and what differs and why."""
    const = cmp.closed.fit_intercept
    table_rows = cmp.rows()
    header, body = table_rows[0], table_rows[1:]
    sheet = SheetSpec(SHEET, page=PageSetup())
    sheet.notes += [Note("A1", "Gradient descent next to Excel's ways of fitting the same line", "title", span=8),
                    Note("A2", "The Solver row is gdfit's Solver-equivalent (GRG-like, Excel defaults), "
                               "not Excel's Solver itself.", "caption", span=10)]
    formats = [None] + [NUMBER] * (len(header) - 5) + ["0.0000", "0", "0.0000", "0.00E+00"]
    parity = Table("A4", [str(h) for h in header], body, formats, id=PARITY)
    sheet.tables.append(parity)
    params = parameter_names(source.labels, const)
    live_top = parity.rect.max_row + 3
    sheet.notes.append(Note(f"A{live_top - 1}", "Live check: gradient descent minus Excel's own formulas "
                                                "(Formula sheet)", "heading", span=8))
    live = Table(f"A{live_top}", ["Parameter", GD, EXCEL, DIFFERENCE, "relative difference"],
                 [_live_row(j, name) for j, name in enumerate(params)],
                 [None, NUMBER, NUMBER, "0.00E+00", "0.00E+00"], id=LIVE)
    sheet.tables.append(live)
    notes_top = live.rect.max_row + 3
    sheet.notes.append(Note(f"A{notes_top - 1}", "What differs and why", "heading", span=4))
    sheet.notes += [Note(f"A{notes_top + i}", line, "body", span=12) for i, line in enumerate(cmp.notes)]
    return sheet
