"""From references to A1: where a ``ColumnRef``, ``CellRef`` or ``RangeRef`` lands once the report
is laid out, the formula text that spells it, and a report with its sheets renamed."""
from __future__ import annotations

from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Mapping, TypeVar, cast

from gdfit.report.a1 import Rect, a1_range, parse_cell, quote_sheet
from gdfit.report.model import ArrayFormula, CellRef, ColumnRef, Formula, LayoutError, RangeRef, Ref, Report, SheetSpec

__all__ = ["ResolvedRange", "resolve", "formula_text", "workbook_names", "renamed"]

T = TypeVar("T")


@dataclass(frozen=True)
class ResolvedRange:
    """A rectangle on a named sheet; ``a1`` is the absolute reference charts and formulas use."""

    sheet: str
    rect: Rect

    @property
    def a1(self) -> str:
        return f"{quote_sheet(self.sheet)}!{a1_range(self.rect, absolute=True)}"


def resolve(report: Report, ref: Ref) -> ResolvedRange:
    """The cells ``ref`` points at, e.g. ``'GD'!$B$5:$B$120``."""
    if isinstance(ref, RangeRef):
        if not ref.external:
            report.sheet(ref.sheet)
        first, _, last = ref.cells.partition(":")
        (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last or first)
        return ResolvedRange(ref.sheet, Rect(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    table = report.table(ref.sheet, ref.table)
    if isinstance(ref, CellRef):
        return ResolvedRange(ref.sheet, table.cell(ref.row, ref.column))
    col = table.rect.min_col + table.column_index(ref.column)
    if ref.rows is not None:
        top_row, bottom_row = (table.first_data_row + table.row_index(row) for row in ref.rows)
        if bottom_row < top_row or ref.include_header:
            raise LayoutError(f"column {ref.column!r} of table {table.key!r}: rows {ref.rows} must run "
                              "downwards, without include_header")
        return ResolvedRange(ref.sheet, Rect(top_row, col, bottom_row, col))
    top = table.rect.min_row if ref.include_header else table.first_data_row
    if top > table.rect.max_row:
        raise LayoutError(f"table {table.key!r} on {ref.sheet!r} has no rows for {ref.column!r}")
    return ResolvedRange(ref.sheet, Rect(top, col, table.rect.max_row, col))


def formula_text(report: Report, formula: Formula | ArrayFormula, sheet: str | None = None) -> str:
    """The formula with every ``{key}`` replaced by the A1 range of its reference.

    ``sheet`` is the sheet the formula sits on, when known: a ``CellRef`` spelled without its
    sheet (``"local"``, ``"relative"``) must then point at that sheet.
    """
    text = formula.text
    for key, ref in formula.refs.items():
        token = "{" + key + "}"
        if token not in text:
            raise LayoutError(f"formula {formula.text!r} does not use its reference {key!r}")
        text = text.replace(token, _spelled(report, ref, sheet))
    return text


def workbook_names(report: Report) -> dict[str, str]:
    """The report's workbook-scoped names, each with the absolute range it refers to
    (``'GD formulas'!$C$3``), as both renderers define them."""
    return {n.name: resolve(report, n.ref).a1 for n in report.names}


def _spelled(report: Report, ref: Ref, sheet: str | None) -> str:
    where = resolve(report, ref)
    if not isinstance(ref, CellRef) or ref.style == "sheet":
        return where.a1
    if sheet is not None and ref.sheet != sheet:
        raise LayoutError(f"a formula on sheet {sheet!r} spells a cell of sheet {ref.sheet!r} without "
                          "its sheet name; give that CellRef style 'sheet'")
    return a1_range(where.rect, absolute=ref.style == "local")


def renamed(report: Report, names: Mapping[str, str]) -> Report:
    """A copy of ``report`` whose sheets (and every reference to them) are renamed by ``names``.

    Used when a workbook already has a sheet of the user's with a name the report wants.
    """
    return _rename(report, names)


def _rename(node: T, names: Mapping[str, str]) -> T:
    """``node`` rebuilt with every reference's (and every sheet's) name mapped through ``names``."""
    renamed_node: object = node
    if isinstance(node, (ColumnRef, CellRef, RangeRef)):
        renamed_node = replace(node, sheet=names.get(node.sheet, node.sheet))
    elif is_dataclass(node) and not isinstance(node, type):
        changed = {f.name: _rename(getattr(node, f.name), names) for f in fields(node) if f.init}
        if isinstance(node, SheetSpec):
            changed["name"] = names.get(node.name, node.name)
        renamed_node = replace(node, **changed)
    elif isinstance(node, (list, tuple)):
        renamed_node = type(node)(_rename(item, names) for item in node)
    elif isinstance(node, dict):
        renamed_node = {key: _rename(value, names) for key, value in node.items()}
    return cast(T, renamed_node)
