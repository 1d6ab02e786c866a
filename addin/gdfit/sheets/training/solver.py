"""The Solver sheet: variable cells at the lesson's first guess, an SSE objective and a saved
Solver model, beside the Solver-equivalent's result and Answer Report."""
from __future__ import annotations

from gdfit import __version__
from gdfit.core.compare import Comparison
from gdfit.report.a1 import a1_range
from gdfit.report.model import CellRef, CellStyle, CellValue, ColumnRef, Note, PageSetup, RowKey, SheetSpec, Table
from gdfit.report.solver_model import SolverModel
from gdfit.sheets.training.source import NUMBER, DataSource, sse_formula

__all__ = ["solver_sheet"]

SHEET, CELLS, VALUE = "Solver", "solver_cells", "Value"
OBJECTIVE = "SSE (objective)"


def _value(row: RowKey, style: CellStyle = "sheet") -> CellRef:
    return CellRef(SHEET, CELLS, row, VALUE, style)


def _zeros_text(names: list[str]) -> str:
    """Where Excel's Solver starts from blank variable cells, in the sheet's own names."""
    listed = ", ".join(names)
    return f"zeros ({listed} all 0, as Excel's Solver takes blank variable cells)"


def solver_sheet(cmp: Comparison, source: DataSource, start_text: str | None = None) -> SheetSpec:
    """Variable cells where the Solver-equivalent started, an SSE objective, a saved Solver model,
    and the Solver-equivalent's result and Answer Report.

    ``start_text`` says where that start comes from (default: zeros, as Excel's Solver starts
    from blank variable cells)."""
    const = cmp.closed.fit_intercept
    names = [f"slope ({label})" for label in source.labels] + (["intercept"] if const else [])
    start = [float(v) for v in cmp.solver.start]
    rows: list[list[CellValue]] = [[name, value] for name, value in zip(names, start)]
    rows.append([OBJECTIVE, sse_formula(source, [_value(j, "local") for j in range(len(names))], const)])
    # Column B stays narrow: the Answer Report's long lines overflow into the empty cells beside them.
    sheet = SheetSpec(SHEET, page=PageSetup(), column_widths={"A": 26.0, "B": 16.0})
    sheet.notes += [
        Note("A1", "Solver: minimise SSE by changing the slope and intercept", "title", span=6),
        Note("A2", "Excel: Data > Solver opens this model ready; press Solve. It starts from "
                   f"{start_text or _zeros_text(names)} with Excel's defaults (GRG Nonlinear, non-negative).",
             "caption", span=8)]
    cells = Table("A4", ["Variable cell", VALUE], rows, [None, NUMBER], id=CELLS)
    sheet.tables.append(cells)
    sheet.solver = SolverModel(objective=_value(OBJECTIVE),
                               variables=ColumnRef(SHEET, CELLS, VALUE, rows=(0, len(names) - 1)))
    result = cmp.solver
    sheet.notes.append(Note("D4", "Solver-equivalent (GRG-like, Excel defaults), computed by gdfit",
                            "heading", span=6))
    closed = cmp.closed.params
    res_rows: list[list[CellValue]] = [[n, s, v, c] for n, s, v, c in zip(names, start, result.params, closed)]
    res_rows.append(["SSE", None, result.sse, cmp.closed.ss_resid])
    results = Table("D5", ["Parameter", "Start", "Solver-equivalent", "Closed form"],
                    res_rows, [None, NUMBER, NUMBER, NUMBER], id="solver_result")
    sheet.tables.append(results)
    address = lambda row: a1_range(cells.cell(row, VALUE), absolute=True)  # noqa: E731
    answer = result.answer_report(
        cells={"objective": address(OBJECTIVE), "variables": [address(j) for j in range(len(names))],
               "names": names},
        worksheet="[workbook]Solver", created=f"gdfit {__version__}")
    report_top = max(cells.rect.max_row, results.rect.max_row) + 3
    sheet.tables.append(Table(f"A{report_top}", None, answer, id="answer_report"))
    return sheet
