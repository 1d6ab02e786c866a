"""The report model: what goes on which sheet, where, as plain data that two renderers draw.

A ``Report`` is an ordered list of ``SheetSpec``; a sheet holds ``Table``, ``Note``,
``FormulaCell`` and ``ChartSpec`` blocks, each with its top-left cell decided here. Charts and
formulas point into tables through ``ColumnRef`` (a column) and ``CellRef`` (a cell, by row label
or index and header), or at literal ``RangeRef`` ranges; ``gdfit.report.references.resolve`` turns
them into A1 ranges,
so a table can move without breaking what reads it and no builder needs another's row numbers.
Every positional or textual rule a renderer needs (ranges, colours, which strings must stay
text) lives here, in ``gdfit.report.layout`` (footprints, overlaps, column widths, ``validate``)
or in ``gdfit.report.a1`` (A1 geometry), so ``render.xlsx`` (openpyxl) and ``render.live``
(xlwings) cannot disagree.
No I/O, and nothing from openpyxl or xlwings.
"""
from __future__ import annotations

from collections.abc import Sequence as SequenceABC
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal, Mapping, Sequence, Union

from gdfit.report.a1 import Rect, parse_cell

if TYPE_CHECKING:
    from gdfit.report.solver_model import SolverModel

__all__ = [
    "Formula", "ArrayFormula", "ColumnRef", "CellRef", "CellStyle", "RowKey", "RangeRef", "Ref",
    "Table", "Columns", "Note", "FormulaCell", "CellValue",
    "SeriesSpec", "ChartSpec", "PageSetup", "SheetSpec", "WorkbookName", "Report", "LayoutError",
    "PALETTE", "series_colors",
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


class Columns(SequenceABC):
    """A table's rows of numbers held as columns: a million rows are a few arrays, not a million
    lists (the Regression sheet's one row per observation).

    ``columns`` are one-dimensional numpy arrays of numbers, all of one length, or None for an
    empty column. As a sequence it is the rows: ``columns[i]`` is the list of Python numbers
    (None for an empty column, NaN for a #N/A) that a list-of-lists table would hold, so every
    reader of ``Table.rows`` works on it; renderers and the presentation rules read the arrays
    directly (:meth:`column`). The arrays are kept read-only, so copies of a report share them.
    """

    __slots__ = ("_columns", "_length", "_memo")

    def __init__(self, columns: Sequence[Any]) -> None:
        arrays = []
        for c in columns:
            if c is not None:
                c = c.copy() if c.flags.writeable else c
                c.setflags(write=False)
                if c.ndim != 1 or c.dtype.kind not in "if":
                    raise LayoutError(f"Columns takes 1-D arrays of numbers; got {c.dtype} of shape {c.shape}")
            arrays.append(c)
        lengths = {len(c) for c in arrays if c is not None}
        if len(lengths) > 1:
            raise LayoutError(f"Columns needs columns of one length; got lengths {sorted(lengths)}")
        self._columns = tuple(arrays)
        self._length = lengths.pop() if lengths else 0
        self._memo: dict[Any, Any] = {}

    @property
    def width(self) -> int:
        return len(self._columns)

    def column(self, j: int) -> Any:
        """The array of column ``j`` (None when it is empty)."""
        return self._columns[j]

    def value(self, i: int, j: int) -> int | float | None:
        """The value of row ``i``, column ``j``, as a Python number."""
        c = self._columns[j]
        return None if c is None else c[i].item()

    def memo(self, key: Any, compute: Callable[[], Any]) -> Any:
        """``compute()``, once per ``key``: what is derived from immutable columns (their formats)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(self._length))]
        k = i + self._length if i < 0 else i
        if not 0 <= k < self._length:
            raise IndexError(f"row {i} of {self._length}")
        return [None if c is None else c[k].item() for c in self._columns]

    def __deepcopy__(self, memo: dict) -> "Columns":
        return self  # immutable

    def __repr__(self) -> str:
        return f"Columns({self._length} rows x {self.width})"


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
    wrap: bool = False  # text cells wrap within their column (long texts; set by report.present)

    @property
    def width(self) -> int:
        rows = [self.rows.width] if isinstance(self.rows, Columns) else [len(r) for r in self.rows]
        return max([len(self.header or ())] + rows + [1])

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
    wrap: bool = False  # merged over its span and wrapped (the row is made tall enough)


@dataclass
class FormulaCell:
    """A formula on its own (e.g. ``=SLOPE`` beside the GD numbers, or a 5x2 ``=LINEST`` array)."""

    anchor: str
    formula: Formula | ArrayFormula
    number_format: str | None = None
    # The values gdfit expects the formula to give (rows of the block), when it knows them: the
    # number format is then chosen by their magnitude (``report.present``) rather than General.
    expected: Sequence[Sequence[float | None]] | None = None

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
    x_major_unit: float | None = None  # tick spacing (whole iterations on an iteration axis)
    # Blank cells break a line: one series can then draw several closed contour curves.
    blanks: Literal["gap", "zero", "span"] = "gap"


@dataclass
class PageSetup:
    """Printing (and PDF export): one page, landscape, keeps a chart from being cut across pages."""

    landscape: bool = True
    fit_to_page: bool = True
    pages_tall: int = 1  # with fit_to_page: 0 lets a long sheet run on over as many pages as it needs
    print_area: str | None = None  # e.g. "A1:N66": what a printout or PDF shows of the sheet
    scale: int | None = None  # percent, instead of fit_to_page: one page wide, as many tall as needed
    row_breaks: tuple[int, ...] = ()  # rows after which a new page starts (above a chart, not through it)
    repeat_rows: str | None = None  # e.g. "68:68": printed at the top of every page


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
    row_heights: dict[int, float] = field(default_factory=dict)  # points, by 1-based row
    solver: "SolverModel | None" = None  # gdfit.report.solver_model: a ready Excel Solver model


@dataclass(frozen=True)
class WorkbookName:
    """A workbook-scoped defined name (``gd_learning_rate``) for the cells ``ref`` points at."""

    name: str
    ref: Ref


@dataclass
class Report:
    """An ordered list of sheets; ``title`` goes into the workbook's properties; ``names`` are
    workbook-scoped defined names that formulas on any sheet can use."""

    sheets: list[SheetSpec]
    title: str = ""
    names: list[WorkbookName] = field(default_factory=list)

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
