"""Turn a comparison (gradient descent next to Excel's methods) into the sheets an analyst reads.

``training_report`` builds the ``Formula``, ``Solver``, ``Regression``, ``GD`` and ``Compare``
sheets as a :class:`~gdfit.report.model.Report`; every position is decided here, so the file renderer
and the live Excel renderer draw the same thing. The data stay where they are: formulas and
charts point at the data sheet's cells (``DataSource``), so editing the data updates them.
"""
from __future__ import annotations

from dataclasses import dataclass

from gdfit import __version__
from gdfit.report.a1 import cell_a1, col_letter, parse_cell
from gdfit.report.layout import auto_widths, footprints
from gdfit.report.model import (
    ArrayFormula,
    ColumnRef,
    Formula,
    FormulaCell,
    Note,
    PageSetup,
    RangeRef,
    Report,
    SheetSpec,
    Table,
)
from gdfit.report.solver_model import SolverModel
from gdfit.sheets.training.sheets import GD_TABLES_ROW, compare_sheet, formula_refs, gd_sheet, regression_sheet

__all__ = ["DataSource", "training_report", "SHEETS", "lesson_start"]

#: The sheets gdfit writes, in order.
SHEETS = ("Formula", "Solver", "Regression", "GD", "Compare")
NUMBER = "0.000000"
SEED_GUESS_SLOPE, SEED_GUESS_INTERCEPT = 1.0, 0.0  # the lesson's first guess: m = 1, b = 0


def lesson_start(k: int, const: bool) -> list[float]:
    """Solver's starting cells: the lesson's guess, every slope 1 and the intercept 0."""
    return [SEED_GUESS_SLOPE] * k + ([SEED_GUESS_INTERCEPT] if const else [])


@dataclass(frozen=True)
class DataSource:
    """Where the data live: one range per x column and one for y (same rows)."""

    x: tuple[RangeRef | ColumnRef, ...]
    y: RangeRef | ColumnRef
    labels: tuple[str, ...]
    y_label: str
    x_block: RangeRef | None = None  # all x columns as one rectangle, when they are adjacent

    @property
    def linest_x(self) -> RangeRef | ColumnRef | None:
        return self.x[0] if len(self.x) == 1 else self.x_block


def _refs(source: DataSource) -> dict:
    refs = {"y": source.y}
    refs.update({f"x{j}": ref for j, ref in enumerate(source.x)})
    if source.linest_x is not None:
        refs["X"] = source.linest_x
    return refs


def _formula(text: str, refs: dict) -> Formula:
    return Formula(text, formula_refs(text, refs))


def _prediction(source: DataSource, coef_cells: list[str], intercept_cell: str | None) -> str:
    """Formula text of the fitted values as an array expression, e.g. ``{x0}*$B$5+$B$6``."""
    terms = [f"{{x{j}}}*{cell}" for j, cell in enumerate(coef_cells)]
    if intercept_cell:
        terms.append(intercept_cell)
    return "+".join(terms) or "0"


def formula_sheet(cmp, source: DataSource) -> SheetSpec:
    """Live SLOPE/INTERCEPT/RSQ (one x) or LINEST (several), SSE by formula, next to gdfit's numbers."""
    closed, const, k = cmp.closed, cmp.closed.fit_intercept, len(source.x)
    refs = _refs(source)
    names = [f"slope ({label})" for label in source.labels] + (["intercept"] if const else [])
    top = 5  # first data row of the table anchored at A4
    rows = []
    for j, name in enumerate(names):
        is_intercept = const and j == k
        if k == 1 and const:
            text = "=INTERCEPT({y},{X})" if is_intercept else "=SLOPE({y},{X})"
        elif source.linest_x is not None:
            position = k + 1 if is_intercept else k - j  # LINEST lists coefficients in reverse
            text = f"=INDEX(LINEST({{y}},{{X}},{str(const).upper()},FALSE),1,{position})"
        else:
            text = None
        value = closed.intercept if is_intercept else float(closed.coef[j])
        rows.append([name, _formula(text, refs) if text else None, value,
                     Formula(f"=B{top + j}-C{top + j}") if text else None])
    coef_cells = [f"$B${top + j}" for j in range(k)]
    fitted = _prediction(source, coef_cells, f"$B${top + k}" if const else None)
    sse_row = top + len(names)
    rows.append(["SSE", _formula(f"=SUMPRODUCT(({{y}}-({fitted}))^2)", refs), closed.ss_resid,
                 Formula(f"=B{sse_row}-C{sse_row}")])
    r2 = 1.0 - closed.ss_resid / closed.ss_total if closed.ss_total else None
    r2_text = "=RSQ({y},{X})" if k == 1 and const else (
        f"=INDEX(LINEST({{y}},{{X}},{str(const).upper()},TRUE),3,1)" if source.linest_x else None)
    rows.append(["R²", _formula(r2_text, refs) if r2_text else None, r2,
                 Formula(f"=B{sse_row + 1}-C{sse_row + 1}") if r2_text else None])
    sheet = SheetSpec("Formula", page=PageSetup())
    sheet.notes += [Note("A1", "The closed form, live in Excel", "title", span=4),
                    Note("A2", "Column B holds Excel formulas on the data: edit the data and they "
                               "recalculate. Column C is gdfit's closed form.", "caption", span=6)]
    sheet.tables.append(Table("A4", ["Quantity", "Excel formula", "gdfit closed form", "difference"],
                              rows, [None, NUMBER, NUMBER, "0.00E+00"], id="formula"))
    if source.linest_x is not None:
        _linest_block(sheet, cmp, source, refs, top=sse_row + 4)
    if source.linest_x is None:
        sheet.notes.append(Note(f"A{sse_row + 3}", "The x columns are not side by side, so LINEST "
                                "cannot take them as one range; place them next to each other.",
                                "warning", span=6))
    return sheet


def _linest_block(sheet: SheetSpec, cmp, source: DataSource, refs: dict, top: int) -> None:
    const, k = cmp.closed.fit_intercept, len(source.x)
    header = [f"slope ({label})" for label in reversed(source.labels)] + ["intercept"]
    labels = ["coefficients", "standard errors", "R², se(y)", "F, df", "SS reg, SS resid"]
    sheet.notes.append(Note(f"A{top - 1}", f"=LINEST(y, x, {str(const).upper()}, TRUE), live",
                            "heading", span=k + 2))
    sheet.tables.append(Table(f"A{top}", ["LINEST row"], [[label] for label in labels], id="linest_labels"))
    sheet.tables.append(Table(f"B{top}", header, [], id="linest_header"))
    text = f"=LINEST({{y}},{{X}},{str(const).upper()},TRUE)"
    sheet.formulas.append(FormulaCell(f"B{top + 1}", ArrayFormula(text, 5, k + 1, formula_refs(text, refs)),
                                      NUMBER))
    right = k + 3  # one blank column, then gdfit's block
    sheet.notes.append(Note(cell_a1(top - 1, right), "gdfit.linest(), the same block", "heading", span=4))
    block = [[None if v != v else float(v) for v in row] for row in cmp.linest]
    sheet.tables.append(Table(cell_a1(top, right), header, block, [NUMBER] * (k + 1), id="linest_gdfit"))


def solver_sheet(cmp, source: DataSource) -> SheetSpec:
    """Variable cells at the lesson's first guess, an SSE objective, a saved Solver model, and
    the Solver-equivalent's result and Answer Report."""
    const, k = cmp.closed.fit_intercept, len(source.x)
    names = [f"slope ({label})" for label in source.labels] + (["intercept"] if const else [])
    start = lesson_start(k, const)
    top = 5
    coef_cells = [f"$B${top + j}" for j in range(k)]
    fitted = _prediction(source, coef_cells, f"$B${top + k}" if const else None)
    objective_row = top + len(names)
    rows = [[name, value] for name, value in zip(names, start)]
    rows.append(["SSE (objective)", _formula(f"=SUMPRODUCT(({{y}}-({fitted}))^2)", _refs(source))])
    # Column B stays narrow: the Answer Report's long lines overflow into the empty cells beside them.
    sheet = SheetSpec("Solver", page=PageSetup(), column_widths={"A": 26.0, "B": 16.0})
    sheet.notes += [
        Note("A1", "Solver: minimise SSE by changing the slope and intercept", "title", span=6),
        Note("A2", "Excel: Data > Solver opens this model ready; press Solve. It starts from the "
                   "lesson's guess m = 1, b = 0 with Excel's defaults (GRG Nonlinear, non-negative).",
             "caption", span=8)]
    sheet.tables.append(Table("A4", ["Variable cell", "Value"], rows, [None, NUMBER], id="solver_cells"))
    sheet.solver = SolverModel(objective=RangeRef("Solver", f"B{objective_row}"),
                               variables=RangeRef("Solver", f"B{top}:B{objective_row - 1}"))
    result = cmp.solver
    sheet.notes.append(Note("D4", "Solver-equivalent (GRG-like, Excel defaults), computed by gdfit",
                            "heading", span=6))
    closed = cmp.closed.params
    res_rows = [[n, s, v, c] for n, s, v, c in zip(names, start, result.params, closed)]
    res_rows.append(["SSE", None, result.sse, cmp.closed.ss_resid])
    sheet.tables.append(Table("D5", ["Parameter", "Start", "Solver-equivalent", "Closed form"],
                              res_rows, [None, NUMBER, NUMBER, NUMBER], id="solver_result"))
    report_top = max(objective_row, 5 + len(res_rows)) + 3
    cells = {"objective": f"$B${objective_row}", "variables": [f"$B${top + j}" for j in range(len(names))],
             "names": names}
    answer = result.answer_report(cells=cells, worksheet="[workbook]Solver", created=f"gdfit {__version__}")
    sheet.tables.append(Table(f"A{report_top}", None, answer, id="answer_report"))
    return sheet


def training_report(cmp, source: DataSource, data, *, title: str = "gdfit training") -> Report:
    """The five sheets gdfit writes for one comparison (see ``SHEETS``); ``data`` is the Dataset."""
    sheets = [formula_sheet(cmp, source), solver_sheet(cmp, source), regression_sheet(cmp, source, data),
              gd_sheet(cmp, source, data), compare_sheet(cmp, source, data)]
    for sheet in sheets:
        widths = auto_widths(sheet)
        widths.update(sheet.column_widths)
        sheet.column_widths = {key: min(value, 60.0) for key, value in widths.items()}
    report = Report(sheets, title=title)
    _print_charts_only(report.sheet("GD"))
    return report


def _print_charts_only(sheet: SheetSpec) -> None:
    """Print (and export) the GD sheet's options and charts on one page, not its long tables."""
    top = [rect for _, rect in footprints(sheet) if rect.min_row < GD_TABLES_ROW - 2]
    last_row = max(r.max_row for r in top)
    last_col = max(r.max_col for r in top)
    sheet.page = PageSetup(print_area=f"A1:{col_letter(last_col)}{last_row}")


def adjacent_block(refs: list[RangeRef]) -> RangeRef | None:
    """One rectangle covering side-by-side single-column ranges of the same rows, else None."""
    if len(refs) < 2 or len({r.sheet for r in refs}) != 1:
        return None
    spans = []
    for ref in refs:
        first, _, last = ref.cells.partition(":")
        (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last or first)
        spans.append((r1, r2, c1, c2))
    rows = {(s[0], s[1]) for s in spans}
    cols = [s[2] for s in spans]
    if len(rows) != 1 or any(s[2] != s[3] for s in spans) or cols != list(range(cols[0], cols[0] + len(cols))):
        return None
    (r1, r2), = rows
    cells = f"{col_letter(cols[0])}{r1}:{col_letter(cols[-1])}{r2}"
    return RangeRef(refs[0].sheet, cells, external=refs[0].external)
