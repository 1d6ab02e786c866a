"""The report model: what goes on which sheet, where, as plain data that two renderers draw.

A ``Report`` is an ordered list of ``SheetSpec``; a sheet holds ``Table``, ``Note``,
``FormulaCell`` and ``ChartSpec`` blocks, each with its top-left cell decided here. Charts and
formulas point into tables through ``ColumnRef`` (a column) and ``CellRef`` (a cell, by row label
or index and header), or at literal ``RangeRef`` ranges; ``resolve`` turns them into A1 ranges,
so a table can move without breaking what reads it and no builder needs another's row numbers.
Every positional or textual rule a renderer needs (ranges, colours, which strings must stay
text) lives here, in ``gdfit.report.layout`` (footprints, overlaps, column widths, ``validate``)
or in ``gdfit.report.a1`` (A1 geometry), so ``render.xlsx`` (openpyxl) and ``render.live``
(xlwings) cannot disagree.
No I/O, and nothing from openpyxl or xlwings.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields, is_dataclass, replace
from numbers import Real
from typing import TYPE_CHECKING, Literal, Mapping, Sequence, Union

from gdfit.report.a1 import Rect, a1_range, parse_cell, quote_sheet

if TYPE_CHECKING:
    from gdfit.report.solver_model import SolverModel

__all__ = [
    "Formula", "ArrayFormula", "ColumnRef", "CellRef", "CellStyle", "RowKey", "RangeRef", "Ref",
    "Table", "Note", "FormulaCell", "CellValue",
    "SeriesSpec", "ChartSpec", "PageSetup", "SheetSpec", "Report", "ResolvedRange",
    "LayoutError", "resolve", "formula_text", "is_formula_like", "clean_text", "cell_value",
    "typed_literal",
    "PALETTE", "series_colors", "renamed",
]


class LayoutError(ValueError):
    """A report that cannot be drawn as specified (overlap, unknown reference, bad name)."""


#: A data row of a table: its 0-based index, or the text in its first column (``"SSE"``).
RowKey = Union[int, str]


@dataclass(frozen=True)
class ColumnRef:
    """The data cells (below the header) of one table column, by header text or 0-based index.

    ``rows`` narrows it to the data rows ``first..last`` (inclusive, see ``RowKey``).
    """

    sheet: str
    table: str
    column: str | int
    include_header: bool = False
    rows: tuple[RowKey, RowKey] | None = None


#: How a formula spells a ``CellRef``: ``"sheet"`` as ``'GD'!$B$5``; ``"local"`` as ``$B$5`` and
#: ``"relative"`` as ``B5``, for a cell on the formula's own sheet (``validate`` checks that it
#: is), the way a formula typed there would spell it.
CellStyle = Literal["sheet", "local", "relative"]


@dataclass(frozen=True)
class CellRef:
    """One data cell of a table: a row (``RowKey``) and a column (header text or 0-based index)."""

    sheet: str
    table: str
    row: RowKey
    column: str | int
    style: CellStyle = "sheet"


@dataclass(frozen=True)
class RangeRef:
    """A literal range on a sheet of the report, e.g. ``RangeRef("GD", "B5:B9")``."""

    sheet: str
    cells: str
    external: bool = False  # a sheet of the workbook the report does not draw (the user's data)


Ref = Union[ColumnRef, CellRef, RangeRef]


@dataclass(frozen=True)
class Formula:
    """A live formula; ``{key}`` in ``text`` becomes the absolute A1 range of ``refs[key]``."""

    text: str
    refs: Mapping[str, Ref] = field(default_factory=dict)


@dataclass(frozen=True)
class ArrayFormula:
    """A legacy (Ctrl+Shift+Enter) array formula filling ``rows`` x ``cols`` cells."""

    text: str
    rows: int = 1
    cols: int = 1
    refs: Mapping[str, Ref] = field(default_factory=dict)


CellValue = Union[None, bool, int, float, str, Formula, ArrayFormula]
NoteStyle = Literal["title", "heading", "body", "warning", "caption"]


@dataclass
class Table:
    """A header row (optional) over rows of values; ``number_formats`` per column (None = General).

    ``name`` makes it an Excel table (unique header strings, at least one row); ``id`` is how
    references find it when it has no Excel name. ``style`` is an Excel table style name.
    """

    anchor: str
    header: Sequence[str] | None
    rows: Sequence[Sequence[CellValue]]
    number_formats: Sequence[str | None] = ()
    name: str | None = None
    id: str | None = None
    style: str | None = "TableStyleLight9"

    @property
    def width(self) -> int:
        return max([len(self.header or ())] + [len(r) for r in self.rows] + [1])

    @property
    def first_data_row(self) -> int:
        return parse_cell(self.anchor)[0] + (1 if self.header is not None else 0)

    @property
    def rect(self) -> Rect:
        row, col = parse_cell(self.anchor)
        height = len(self.rows) + (1 if self.header is not None else 0)
        return Rect(row, col, row + max(height, 1) - 1, col + self.width - 1)

    def column_index(self, column: str | int) -> int:
        """0-based index of a column given by header text or index."""
        if isinstance(column, int):
            if not 0 <= column < self.width:
                raise LayoutError(f"table {self.key!r} has no column {column}")
            return column
        matches = [i for i, h in enumerate(self.header or ()) if h == column]
        if len(matches) != 1:
            raise LayoutError(f"table {self.key!r} has {len(matches)} columns headed {column!r}")
        return matches[0]

    def row_index(self, row: RowKey) -> int:
        """0-based index of a data row given by index or by the text in its first column."""
        if isinstance(row, int):
            if not 0 <= row < len(self.rows):
                raise LayoutError(f"table {self.key!r} has no data row {row} (it has {len(self.rows)})")
            return row
        matches = [i for i, values in enumerate(self.rows) if values and values[0] == row]
        if len(matches) != 1:
            raise LayoutError(f"table {self.key!r} has {len(matches)} rows labelled {row!r}")
        return matches[0]

    def cell(self, row: RowKey, column: str | int) -> Rect:
        """Where the data cell of ``row`` (``RowKey``) and ``column`` lands on the sheet."""
        at_row = self.first_data_row + self.row_index(row)
        at_col = self.rect.min_col + self.column_index(column)
        return Rect(at_row, at_col, at_row, at_col)

    @property
    def key(self) -> str:
        return self.id or self.name or self.anchor


@dataclass
class Note:
    """One line of text; ``span`` is how many columns it is allowed to spill over (for layout)."""

    anchor: str
    text: str
    style: NoteStyle = "body"
    span: int = 1


@dataclass
class FormulaCell:
    """A formula on its own (e.g. ``=SLOPE`` beside the GD numbers, or a 5x2 ``=LINEST`` array)."""

    anchor: str
    formula: Formula | ArrayFormula
    number_format: str | None = None

    @property
    def rect(self) -> Rect:
        row, col = parse_cell(self.anchor)
        f = self.formula
        rows, cols = (f.rows, f.cols) if isinstance(f, ArrayFormula) else (1, 1)
        return Rect(row, col, row + rows - 1, col + cols - 1)


@dataclass
class SeriesSpec:
    """One series. ``style``: markers only, a line only, or both; ``color`` as hex ``"1F77B4"``."""

    name: str
    x_ref: Ref
    y_ref: Ref
    style: Literal["markers", "line", "markers+line"] = "markers"
    marker: str = "circle"
    marker_size: int = 5
    line_dash: str | None = None  # DrawingML preset: "dash", "sysDot", "lgDash", ...
    line_width_pt: float = 1.75
    color: str | None = None


@dataclass
class ChartSpec:
    """A native chart: ``"scatter"`` plots y against numeric x; ``"line"`` takes x as categories."""

    kind: Literal["scatter", "line"]
    title: str
    anchor: str
    series: Sequence[SeriesSpec]
    x_title: str = ""
    y_title: str = ""
    x_log: bool = False
    y_log: bool = False
    legend: Literal["b", "r", "t", "l", "tr"] | None = "b"
    width_cm: float = 16.0
    height_cm: float = 9.0
    x_min: float | None = None
    x_max: float | None = None
    y_min: float | None = None
    y_max: float | None = None
    x_number_format: str | None = None
    y_number_format: str | None = None
    # Blank cells break a line: one series can then draw several closed contour curves.
    blanks: Literal["gap", "zero", "span"] = "gap"


@dataclass
class PageSetup:
    """Printing (and PDF export): one page, landscape, keeps a chart from being cut across pages."""

    landscape: bool = True
    fit_to_page: bool = True
    pages_tall: int = 1  # with fit_to_page: 0 lets a long sheet run on over as many pages as it needs
    print_area: str | None = None  # e.g. "A1:N66": what a printout or PDF shows of the sheet


@dataclass
class SheetSpec:
    """One worksheet; ``column_widths`` maps letters to widths in characters; ``freeze`` a cell."""

    name: str
    tables: list[Table] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    formulas: list[FormulaCell] = field(default_factory=list)
    charts: list[ChartSpec] = field(default_factory=list)
    column_widths: dict[str, float] = field(default_factory=dict)
    freeze: str | None = None
    page: PageSetup | None = None
    solver: "SolverModel | None" = None  # gdfit.report.solver_model: a ready Excel Solver model


@dataclass
class Report:
    """An ordered list of sheets; ``title`` goes into the workbook's properties."""

    sheets: list[SheetSpec]
    title: str = ""

    def sheet(self, name: str) -> SheetSpec:
        for s in self.sheets:
            if s.name == name:
                return s
        raise LayoutError(f"the report has no sheet {name!r}")

    def table(self, sheet: str, key: str) -> Table:
        """The table on ``sheet`` whose ``id`` or ``name`` is ``key``."""
        found = [t for t in self.sheet(sheet).tables if key in (t.id, t.name)]
        if len(found) != 1:
            raise LayoutError(f"sheet {sheet!r} has {len(found)} tables called {key!r}")
        return found[0]


#: Office's default series colours, assigned in order to series without a ``color`` so that Excel,
#: LibreOffice and both renderers draw the same chart in the same colours.
PALETTE = ("4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47", "264478", "9E480E")


def series_colors(chart: ChartSpec) -> list[str]:
    """The colour of each series of ``chart``: its own, or the next palette colour."""
    auto = iter(PALETTE * (len(chart.series) // len(PALETTE) + 1))
    return [s.color or next(auto) for s in chart.series]


# ---- references --------------------------------------------------------------------------------


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


def _spelled(report: Report, ref: Ref, sheet: str | None) -> str:
    where = resolve(report, ref)
    if not isinstance(ref, CellRef) or ref.style == "sheet":
        return where.a1
    if sheet is not None and ref.sheet != sheet:
        raise LayoutError(f"a formula on sheet {sheet!r} spells a cell of sheet {ref.sheet!r} without "
                          "its sheet name; give that CellRef style 'sheet'")
    return a1_range(where.rect, absolute=ref.style == "local")


# ---- cell values and text safety -----------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (hence xlsx) cannot carry; openpyxl refuses them, Excel would not open them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_TEXT = 32767  # Excel's limit on characters in a cell


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet would take ``text`` for a formula when typed in: keep it text."""
    return text.startswith(_FORMULA_START)


def typed_literal(text: str) -> str:
    """``text`` as a live renderer must type it into a cell so that it stays text.

    Excel converts what is typed (``Range.Value`` through xlwings included): ``=1+1`` becomes a
    formula, ``1.5`` a number, ``TRUE`` a boolean, ``1/2`` a date. A leading apostrophe makes
    any of them literal text and is not part of the value. Files written by openpyxl need no
    prefix: there the cell type is stored (``data_type = "s"``).
    """
    return "'" + clean_text(text)


def clean_text(text: str) -> str:
    """``text`` with line ends as ``\\n``, characters a workbook cannot hold as U+FFFD, cut to
    Excel's limit. (XML turns a bare CR into LF anyway; doing it here keeps both renderers equal.)
    """
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("\ufffd", text)[:MAX_TEXT]


def cell_value(value: object) -> tuple[str, object]:
    """Classify a value as ``(kind, value)`` the way every renderer must write it.

    Kinds: ``blank``, ``bool``, ``number`` (finite float or int), ``error`` (``"#N/A"`` for NaN
    or infinity: charts skip it, where a zero or a text would distort them), ``text`` (always
    written as text, even if formula-like), ``formula`` and ``array``.
    """
    if value is None:
        return "blank", None
    if isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b":
        return "bool", bool(value)
    if isinstance(value, (Formula, ArrayFormula)):
        return ("array" if isinstance(value, ArrayFormula) else "formula"), value
    if isinstance(value, str):
        return "text", clean_text(value)
    if isinstance(value, Real) or hasattr(value, "dtype"):  # numpy scalars included
        number = value if isinstance(value, int) else float(value)
        return ("number", number) if math.isfinite(number) else ("error", "#N/A")
    raise TypeError(f"a report cell cannot hold {type(value).__name__} {value!r}")


def renamed(report: Report, names: Mapping[str, str]) -> Report:
    """A copy of ``report`` whose sheets (and every reference to them) are renamed by ``names``.

    Used when a workbook already has a sheet of the user's with a name the report wants.
    """
    return _rename(report, names)


def _rename(node, names):
    if isinstance(node, (ColumnRef, CellRef, RangeRef)):
        return replace(node, sheet=names.get(node.sheet, node.sheet))
    if isinstance(node, SheetSpec):
        changed = {f.name: _rename(getattr(node, f.name), names) for f in fields(node)}
        changed["name"] = names.get(node.name, node.name)
        return SheetSpec(**changed)
    if is_dataclass(node) and not isinstance(node, type):
        return replace(node, **{f.name: _rename(getattr(node, f.name), names) for f in fields(node)
                                if f.init})
    if isinstance(node, (list, tuple)):
        return type(node)(_rename(item, names) for item in node)
    if isinstance(node, dict):
        return {key: _rename(value, names) for key, value in node.items()}
    return node
