"""The Formula sheet: Excel's closed form (SLOPE/INTERCEPT/RSQ, or LINEST) live on the data,
next to gdfit's numbers."""
from __future__ import annotations

from typing import Mapping

from gdfit.core.compare import Comparison
from gdfit.core.leastsq.linest import linest_order
from gdfit.report.a1 import cell_a1
from gdfit.report.model import (
    ArrayFormula,
    CellRef,
    CellValue,
    Formula,
    FormulaCell,
    Note,
    PageSetup,
    Ref,
    SheetSpec,
    Table,
)
from gdfit.sheets.training.source import NUMBER, DataSource, data_formula, data_refs, row_formula, sse_formula

__all__ = ["formula_sheet", "excel_cell"]

SHEET, TABLE = "Formula", "formula"
EXCEL, GDFIT = "Excel formula", "gdfit closed form"


def excel_cell(j: int) -> CellRef:
    """The live Excel formula of parameter ``j`` (coefficients, then the intercept)."""
    return CellRef(SHEET, TABLE, j, EXCEL)


def _difference(row: int | str) -> Formula:
    return row_formula(SHEET, TABLE, row, "={excel}-{gdfit}", excel=EXCEL, gdfit=GDFIT)


def _parameter_text(j: int, k: int, const: bool, source: DataSource) -> str | None:
    """The Excel formula of parameter ``j``; None when no single formula can give it."""
    is_intercept = const and j == k
    if k == 1 and const:
        return "=INTERCEPT({y},{X})" if is_intercept else "=SLOPE({y},{X})"
    if source.linest_x is not None:
        position = k + 1 if is_intercept else k - j  # LINEST lists coefficients in reverse
        return f"=INDEX(LINEST({{y}},{{X}},{str(const).upper()},FALSE),1,{position})"
    return None


def _rows(cmp: Comparison, source: DataSource, refs: Mapping[str, Ref]) -> list[list[CellValue]]:
    closed, const, k = cmp.closed, cmp.closed.fit_intercept, len(source.x)
    names = [f"slope ({label})" for label in source.labels] + (["intercept"] if const else [])
    rows: list[list[CellValue]] = []
    for j, name in enumerate(names):
        text = _parameter_text(j, k, const, source)
        value = closed.intercept if const and j == k else float(closed.coef[j])
        rows.append([name, data_formula(text, refs) if text else None, value, _difference(j) if text else None])
    params = [CellRef(SHEET, TABLE, j, EXCEL, "local") for j in range(len(names))]
    rows.append(["SSE", sse_formula(source, params, const), closed.ss_resid, _difference("SSE")])
    r2 = 1.0 - closed.ss_resid / closed.ss_total if closed.ss_total else None
    r2_text = "=RSQ({y},{X})" if k == 1 and const else (
        f"=INDEX(LINEST({{y}},{{X}},{str(const).upper()},TRUE),3,1)" if source.linest_x else None)
    rows.append(["R²", data_formula(r2_text, refs) if r2_text else None, r2,
                 _difference("R²") if r2_text else None])
    return rows


def formula_sheet(cmp: Comparison, source: DataSource) -> SheetSpec:
    """Live SLOPE/INTERCEPT/RSQ (one x) or LINEST (several), SSE by formula, next to gdfit's numbers."""
    refs = data_refs(source)
    sheet = SheetSpec(SHEET, page=PageSetup())
    sheet.notes += [Note("A1", "The closed form, live in Excel", "title", span=4),
                    Note("A2", "Column B holds Excel formulas on the data: edit the data and they "
                               "recalculate. Column C is gdfit's closed form.", "caption", span=6)]
    table = Table("A4", ["Quantity", EXCEL, GDFIT, "difference"], _rows(cmp, source, refs),
                  [None, NUMBER, NUMBER, "0.00E+00"], id=TABLE)
    sheet.tables.append(table)
    below = table.rect.max_row
    if source.linest_x is not None:
        _linest_block(sheet, cmp, source, refs, top=below + 3)
    else:
        sheet.notes.append(Note(f"A{below + 2}", "The x columns are not side by side, so LINEST "
                                "cannot take them as one range; place them next to each other.",
                                "warning", span=6))
    return sheet


def _linest_block(sheet: SheetSpec, cmp: Comparison, source: DataSource, refs: Mapping[str, Ref],
                  top: int) -> None:
    const, k = cmp.closed.fit_intercept, len(source.x)
    # LINEST's columns always end with the intercept slot (0 without a constant).
    header = linest_order([*(f"slope ({label})" for label in source.labels), "intercept"], True)
    labels = ["coefficients", "standard errors", "R², se(y)", "F, df", "SS reg, SS resid"]
    sheet.notes.append(Note(f"A{top - 1}", f"=LINEST(y, x, {str(const).upper()}, TRUE), live",
                            "heading", span=k + 2))
    sheet.tables.append(Table(f"A{top}", ["LINEST row"], [[label] for label in labels], id="linest_labels"))
    heads = Table(f"B{top}", header, [], id="linest_header")
    sheet.tables.append(heads)
    text = f"=LINEST({{y}},{{X}},{str(const).upper()},TRUE)"
    linest = data_formula(text, refs)
    block: list[list[CellValue]] = [[None if v != v else float(v) for v in row] for row in cmp.linest]
    # gdfit's own block is what LINEST gives: its numbers choose the live block's formats.
    sheet.formulas.append(FormulaCell(cell_a1(heads.first_data_row, heads.rect.min_col),
                                      ArrayFormula(text, 5, k + 1, linest.refs), NUMBER, expected=block))
    right = k + 3  # one blank column, then gdfit's block
    sheet.notes.append(Note(cell_a1(top - 1, right), "gdfit.linest(), the same block", "heading", span=4))
    sheet.tables.append(Table(cell_a1(top, right), header, block, [NUMBER] * (k + 1), id="linest_gdfit"))
