"""Draw a ``Report`` into an openpyxl workbook, and save it atomically.

Cells, number formats, Excel tables, live and array formulas, workbook-scoped names, and native
charts whose series point at the table cells (see ``render.xlsx_chart``). Positions, ranges and the text rule come
from ``gdfit.report.model``; this module only spells them the way an .xlsx file needs.
"""
from __future__ import annotations

import os
import re
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula as XLArrayFormula
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table as XLTable
from openpyxl.worksheet.table import TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from gdfit.render.xlsx_chart import build_chart
from gdfit.report.a1 import Rect, a1_range, parse_cell
from gdfit.report.cells import cell_value
from gdfit.report.layout import validate
from gdfit.report.model import ArrayFormula, Columns, FormulaCell, LayoutError, Note, Report, SheetSpec, Table
from gdfit.report.ownership import NAME_COMMENT
from gdfit.report.present import (
    cell_format,
    column_formats,
    expected_value,
    formula_format,
    indented,
    numeric_column,
    present,
)
from gdfit.report.references import formula_text, workbook_names
from gdfit.report.solver_model import solver_names

__all__ = ["render_workbook", "save_workbook", "replaced_atomically", "excel_formula", "DEFER_ROWS",
           "DeferredColumns"]

# A font named in full: a bare Font(bold=True) has no name and LibreOffice falls back to a serif.
_FONT = "Calibri"
_HEADER_FONT = Font(name=_FONT, size=11, bold=True)
_HEADER_BORDER = Border(bottom=Side(style="thin"))
_NOTE_STYLE = {
    "title": (Font(name=_FONT, bold=True, size=14), None),
    "heading": (Font(name=_FONT, bold=True, size=12), None),
    "body": (Font(name=_FONT, size=11), None),
    "warning": (Font(name=_FONT, size=11, bold=True, color="9C0006"),
                PatternFill("solid", fgColor="FFC7CE")),
    "caption": (Font(name=_FONT, italic=True, size=9, color="595959"), None),
}

_HEADER_TEXT = Alignment(wrap_text=True, vertical="bottom")
_HEADER_NUMERIC = Alignment(wrap_text=True, vertical="bottom", horizontal="right")
_WRAP = Alignment(wrap_text=True, vertical="top")
_INDENT = Alignment(indent=1)

# Excel shows a boolean as TRUE/FALSE by itself; LibreOffice shows 0/1 unless the format says so.
_BOOLEAN_FORMAT = '"TRUE";"TRUE";"FALSE"'

# Functions added in Excel 2010 and later are stored in files with an "_xlfn." prefix; without it
# Excel shows #NAME?. Live Excel (xlwings) takes the plain names: this is the file format's.
_FUTURE_FUNCTIONS = (
    "BETA.DIST BETA.INV BINOM.DIST BINOM.INV CHISQ.DIST CHISQ.DIST.RT CHISQ.INV CHISQ.INV.RT "
    "CHISQ.TEST CONFIDENCE.NORM CONFIDENCE.T COVARIANCE.P COVARIANCE.S EXPON.DIST F.DIST "
    "F.DIST.RT F.INV F.INV.RT F.TEST FORECAST.LINEAR GAMMA.DIST GAMMA.INV LOGNORM.DIST "
    "LOGNORM.INV MODE.SNGL NORM.DIST NORM.INV NORM.S.DIST NORM.S.INV PERCENTILE.EXC "
    "PERCENTILE.INC POISSON.DIST QUARTILE.EXC QUARTILE.INC RANK.AVG RANK.EQ STDEV.P STDEV.S "
    "T.DIST T.DIST.2T T.DIST.RT T.INV T.INV.2T T.TEST VAR.P VAR.S WEIBULL.DIST Z.TEST"
).split()
_FUTURE_RE = re.compile(
    r"(?<![\w.])("
    + "|".join(re.escape(f) for f in sorted(_FUTURE_FUNCTIONS, key=len, reverse=True))
    + r")(?=\s*\()",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"(\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*')")


def excel_formula(text: str) -> str:
    """``text`` as stored in an .xlsx file: post-2007 functions get Excel's ``_xlfn.`` prefix.

    String literals and quoted sheet names are left alone.
    """
    parts = _QUOTED.split(text)
    for i in range(0, len(parts), 2):  # even parts are outside quotes
        parts[i] = _FUTURE_RE.sub(lambda m: "_xlfn." + m.group(1).upper(), parts[i])
    return "".join(parts)


#: Tables longer than this may leave their rows of plain numbers to the caller (see ``deferred``).
DEFER_ROWS = 1000


@dataclass(frozen=True)
class DeferredColumns:
    """A ``Columns`` table left for the caller to write into the sheet's XML: its first row and
    column, the columns, and for each column the code of every cell's format with the style id
    (``s``) each code stands for in the workbook's styles (None: no style)."""

    first_row: int
    first_col: int
    columns: Columns
    codes: tuple
    styles: tuple


def render_workbook(report: Report, workbook: Workbook | None = None, *,
                    replace: bool = False, deferred: dict[str, list] | None = None) -> Workbook:
    """Draw every sheet of ``report`` into ``workbook`` (a new one when None).

    Parameters
    ----------
    report : Report
        Validated first (``gdfit.report.layout.validate``): a bad report raises
        ``LayoutError`` before anything is drawn.
    workbook : openpyxl.Workbook, optional
        Sheets the report does not name are left untouched.
    replace : bool
        A sheet the report names that already exists is cleared and reused in place when True
        (cells, charts, tables and settings go; tab position, visibility and sheet-scoped names
        stay); when False such a sheet raises ``LayoutError``. Which sheets a caller may
        replace is its policy, not the renderer's.
    deferred : dict, optional
        When given, a table of more than ``DEFER_ROWS`` rows without number formats leaves its
        rows of plain numbers unwritten, listed in ``deferred[sheet name]`` as ``(row, first
        column, values)``, and a table of ``Columns`` (the Regression sheet's one row per
        observation) as a ``DeferredColumns``, for a caller that writes them straight into the
        sheet's XML: openpyxl spends tens of microseconds on each cell. Everything else, the
        tables' extents and the styles their formats need included, is drawn as usual.

    Returns
    -------
    openpyxl.Workbook
    """
    validate(report)
    report = present(report)
    if workbook is None:
        wb = Workbook()
        wb.remove(wb.active)  # the default empty "Sheet"
    else:
        wb = workbook
    _check_existing(report, wb, replace)
    for spec in report.sheets:
        rows = deferred.setdefault(spec.name, []) if deferred is not None else None
        _draw_sheet(report, spec, _blank_sheet(wb, spec.name), rows)
    for name, target in workbook_names(report).items():  # a re-run's names are redefined
        # marked as gdfit's, so that training the saved workbook later redefines them
        wb.defined_names[name] = DefinedName(name, attr_text=target, comment=NAME_COMMENT)
    if report.title:
        wb.properties.title = report.title
    return wb


def save_workbook(workbook: Workbook, path: str | os.PathLike[str]) -> Path:
    """Write ``workbook`` to ``path`` atomically (see :func:`replaced_atomically`)."""
    target = Path(path)
    with replaced_atomically(target) as tmp:
        workbook.save(tmp)
    return target


@contextmanager
def replaced_atomically(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target`` to write; when the block ends, ``os.replace`` puts it in
    ``target``'s place in one step, keeping an existing file's permission bits. If writing fails,
    ``target`` is untouched and the temporary file removed."""
    tmp = target.with_name(f".~{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        yield tmp
        if target.exists():
            shutil.copymode(target, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _check_existing(report: Report, wb: Workbook, replace: bool) -> None:
    owned = {s.name.lower() for s in report.sheets}
    for title in wb.sheetnames:  # chart sheets included: their names clash too
        if title.lower() in owned and not replace:
            raise LayoutError(f"the workbook already has a sheet {title!r}; pass replace=True")
    kept = {
        name.lower() for ws in wb.worksheets if ws.title.lower() not in owned for name in ws.tables
    }
    for spec in report.sheets:
        for table in spec.tables:
            if table.name and table.name.lower() in kept:
                raise LayoutError(f"another sheet already has an Excel table {table.name!r}")


def _blank_sheet(wb: Workbook, name: str) -> Worksheet:
    # Removing and re-creating at the same index clears everything a sheet can carry (charts,
    # tables, merged cells, validations, print settings), which clearing cells would not. The
    # sheet's identity goes over: its position, visibility and sheet-scoped names (callers mark
    # the sheets they own with such a name).
    old = next((wb[t] for t in wb.sheetnames if t.lower() == name.lower()), None)
    if old is None:
        return wb.create_sheet(name)
    index = wb.index(old)
    wb.remove(old)
    ws = wb.create_sheet(name, index)
    ws.sheet_state = old.sheet_state
    if isinstance(old, Worksheet):  # a chart sheet has no sheet-scoped names to carry
        ws.defined_names = old.defined_names
    return ws


def _draw_sheet(report: Report, spec: SheetSpec, ws: Worksheet, deferred: list | None = None) -> None:
    for table in spec.tables:
        _write_table(report, ws, table, deferred)
    for note in spec.notes:
        _write_note(ws, note)
    for cell in spec.formulas:
        _write_formula_cell(report, ws, cell)
    for chart in spec.charts:
        ws.add_chart(build_chart(report, chart), chart.anchor)
    for letter, width in spec.column_widths.items():
        ws.column_dimensions[letter].width = width
    for row, height in spec.row_heights.items():
        ws.row_dimensions[row].height = height
    if spec.freeze:
        ws.freeze_panes = spec.freeze
    if spec.page:
        _page_setup(ws, spec)
    if spec.solver:
        for name, text in solver_names(report, spec.solver).items():
            ws.defined_names[name] = DefinedName(name, attr_text=text, hidden=True)


def _plain_number(value: object) -> bool:
    return value is None or cell_value(value)[0] == "number"


def _write_table(report: Report, ws: Worksheet, table: Table, deferred: list | None = None) -> None:
    top, left = parse_cell(table.anchor)
    if table.header is not None:
        for j, text in enumerate(table.header):
            cell = _write_value(report, ws, top, left + j, text)
            cell.font, cell.border = _HEADER_FONT, _HEADER_BORDER
            # A long header wraps; over numbers it sits to the right, above them.
            cell.alignment = _HEADER_NUMERIC if numeric_column(table, j) else _HEADER_TEXT
    first = table.first_data_row  # parsed once, not once a cell: data-sized tables have a million
    if isinstance(table.rows, Columns):
        _write_columns(ws, table, first, left, deferred)
        rows = ()
    else:
        rows = table.rows
    defer = deferred is not None and len(table.rows) > DEFER_ROWS and not any(table.number_formats) \
        and not table.wrap
    for i, row in enumerate(rows):
        if defer and all(_plain_number(v) for v in row) and any(v is not None for v in row) \
                and not any(cell_format(table, i, j) or indented(table, i, j) for j in range(len(row))):
            deferred.append((first + i, left, row))  # written as they are, straight into the sheet
            continue
        for j, value in enumerate(row):
            cell = _write_value(report, ws, first + i, left + j, value)
            fmt = cell_format(table, i, j)
            if fmt:
                cell.number_format = fmt
            if table.wrap and isinstance(value, str):
                cell.alignment = _WRAP
            elif indented(table, i, j):
                cell.alignment = _INDENT
    if table.name:
        xl = XLTable(displayName=table.name, ref=a1_range(table.rect))
        if table.style:
            xl.tableStyleInfo = TableStyleInfo(name=table.style, showRowStripes=True)
        ws.add_table(xl)


def _write_columns(ws: Worksheet, table: Table, first: int, left: int, deferred: list | None) -> None:
    columns = table.rows
    assert isinstance(columns, Columns)
    drawn = [column_formats(table, j) for j in range(columns.width)]
    if deferred is not None:
        styles = tuple(tuple(None if f is None else _style_id(ws, f) for f in formats) for _, formats in drawn)
        deferred.append(DeferredColumns(first, left, columns, tuple(codes for codes, _ in drawn), styles))
        return
    for j, (codes, formats) in enumerate(drawn):
        values = columns.column(j)
        if values is None:
            continue
        for i, (value, code) in enumerate(zip(values.tolist(), codes.tolist())):
            cell = ws.cell(row=first + i, column=left + j)
            kind, cell.value = cell_value(value)
            if kind == "number" and formats[code]:
                cell.number_format = formats[code]


def _style_id(ws: Worksheet, number_format: str) -> int:
    """The workbook's style id (a cell's ``s``) for ``number_format`` on a plain cell."""
    cell = Cell(ws)  # never placed on the sheet: only its style is wanted
    cell.number_format = number_format
    return cell.style_id


def _write_value(report: Report, ws: Worksheet, row: int, col: int, value: object):
    kind, value = cell_value(value)
    cell = ws.cell(row=row, column=col)
    if kind == "formula":
        cell.value = excel_formula(formula_text(report, value))
    elif kind == "array":
        rect = Rect(row, col, row + value.rows - 1, col + value.cols - 1)
        cell.value = XLArrayFormula(a1_range(rect), excel_formula(formula_text(report, value)))
    else:
        cell.value = value
    if kind == "text":
        # openpyxl reads a leading "=" as a formula and "#N/A" as an error: text stays text.
        cell.data_type = "s"
    elif kind == "bool":
        cell.number_format = _BOOLEAN_FORMAT
    return cell


def _write_note(ws: Worksheet, note: Note) -> None:
    row, col = parse_cell(note.anchor)
    cell = ws.cell(row=row, column=col)
    cell.value = cell_value(note.text)[1]
    cell.data_type = "s"
    font, fill = _NOTE_STYLE[note.style]
    cell.font = font
    if fill is not None:
        cell.fill = fill
    if note.wrap and note.span > 1:
        ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + note.span - 1)
    if note.wrap:
        cell.alignment = _WRAP


def _write_formula_cell(report: Report, ws: Worksheet, spec: FormulaCell) -> None:
    row, col = parse_cell(spec.anchor)
    _write_value(report, ws, row, col, spec.formula)
    rows, cols = (spec.formula.rows, spec.formula.cols) if isinstance(spec.formula, ArrayFormula) else (1, 1)
    for di in range(rows):
        for dj in range(cols):
            fmt = formula_format(spec.number_format, expected_value(spec, di, dj))
            if fmt:
                ws.cell(row=row + di, column=col + dj).number_format = fmt


def _page_setup(ws: Worksheet, spec: SheetSpec) -> None:
    page = spec.page
    # Excel's own default margins (openpyxl's are wider), which report.present's page sizes assume.
    ws.page_margins = PageMargins(left=0.7, right=0.7, top=0.75, bottom=0.75, header=0.3, footer=0.3)
    ws.page_setup.orientation = "landscape" if page.landscape else "portrait"
    if page.scale is not None and not page.fit_to_page:
        ws.page_setup.scale = page.scale
    if page.row_breaks:  # at once: openpyxl's append copies the list each time
        ws.row_breaks.brk = [Break(id=row) for row in page.row_breaks]
    if page.repeat_rows:
        ws.print_title_rows = page.repeat_rows
    if page.fit_to_page:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = page.pages_tall
    if page.print_area:
        ws.print_area = page.print_area
