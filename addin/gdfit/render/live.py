"""Draw a ``Report`` into an open Excel book through xlwings (Excel itself, or a remote engine).

The same report the openpyxl renderer writes to a file, spelled for a live book: each table in
one write of its values (text typed with a leading apostrophe, ``typed_literal``, so Excel never
parses it; formulas with plain function names, as Excel takes them live), number formats per
column, array formulas, Excel tables, styled notes, column widths, native charts
(``render.live_chart``), the sheet's Solver model as sheet-scoped names, gdfit's owner mark, and
the report's workbook-scoped names.

Sheets follow ``gdfit.files.train``'s policy (``render.live_sheets``): gdfit's own sheets are replaced
in place, a user's sheet of the same name is never touched. Drawing is all or nothing: on any
error (or Ctrl-C) the new sheets are deleted and the old ones get their names back.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from gdfit.render.live_chart import draw_chart
from gdfit.render.live_sheets import SheetSwap, owned_names, plan, quiet_screen, uses_com
from gdfit.report.a1 import Rect, a1_range, col_letter, parse_cell
from gdfit.report.cells import cell_value, typed_literal
from gdfit.report.layout import validate
from gdfit.report.model import ArrayFormula, FormulaCell, Note, Report, SheetSpec, Table
from gdfit.report.ownership import OWNER_NAME
from gdfit.report.present import cell_format, expected_value, formula_format, present
from gdfit.report.references import formula_text, workbook_names
from gdfit.report.solver_model import solver_names

__all__ = ["LiveResult", "render_book", "owned_names", "uses_com", "frozen_part"]

_NOTE_STYLE = {  # font size, bold, italic, font colour, fill: as render.xlsx draws them
    "title": (14, True, False, None, None), "heading": (12, True, False, None, None),
    "body": (11, False, False, None, None),
    "warning": (11, True, False, "#9C0006", "#FFC7CE"),
    "caption": (9, False, True, "#595959", None)}


@dataclass
class LiveResult:
    """Report sheet name -> book sheet name, and what this engine could not draw exactly."""

    sheets: dict[str, str]
    left_out: list[str] = field(default_factory=list)


def render_book(report: Report, book, *, replace_owned: bool = True,
                com: bool | None = None) -> LiveResult:
    """Draw every sheet of ``report`` into ``book`` (an xlwings Book), all or nothing.

    Parameters
    ----------
    report : Report
        Validated first: a bad report raises ``LayoutError`` before the book is touched.
    book : xlwings.Book
        Sheets the report does not name are left alone.
    replace_owned : bool
        Replace sheets gdfit wrote before, and give the report's sheet a suffix where a user's
        sheet has its name (``gdfit.files.train.sheet_names_for``). False: any existing sheet of a
        report's name is a ``LayoutError``.
    com : bool, optional
        Use the Excel object model for what xlwings cannot express (series with their own x
        values, log axes, dashes, hidden names, page setup). Default: on Windows Excel only.

    Returns
    -------
    LiveResult
    """
    validate(report)
    report = present(report)  # widths, formats by magnitude, wrapping, pages: as render.xlsx draws them
    planned = plan(report, book, replace_owned)
    com = uses_com(book) if com is None else com
    swap = SheetSwap(book)
    left_out: list[str] = []
    with quiet_screen(book.app):
        try:
            # Every sheet and name first: a formula may refer to a later sheet or to a name.
            sheets = [swap.place(spec.name) for spec in planned.sheets]
            for name, target in workbook_names(planned).items():
                book.names.add(name, "=" + target)
            for spec, sheet in zip(planned.sheets, sheets):
                left_out += _draw_sheet(planned, spec, sheet, com)
        except BaseException:
            swap.rollback()
            raise
        swap.commit()
    return LiveResult({a.name: b.name for a, b in zip(report.sheets, planned.sheets)}, left_out)


def _draw_sheet(report: Report, spec: SheetSpec, sheet, com: bool) -> list[str]:
    for table in spec.tables:
        _write_table(report, sheet, table)
    for note in spec.notes:
        _write_note(sheet, note)
    for cell in spec.formulas:
        _write_formula_cell(report, sheet, cell)
    for letter, width in spec.column_widths.items():  # before charts: they sit on the columns
        sheet.range(f"{letter}:{letter}").column_width = width
    for row, height in spec.row_heights.items():  # wrapped headers and notes
        sheet.range((row, 1)).row_height = height
    left_out = [text for chart in spec.charts
                for text in draw_chart(report, sheet, chart, com=com)]
    names = {OWNER_NAME: '"gdfit"'}
    if spec.solver:
        names.update(solver_names(report, spec.solver))
    for name, text in names.items():
        added = sheet.names.add(name, "=" + text)
        if com:
            added.api.Visible = False  # Excel keeps a Solver model in hidden names
    if spec.freeze:
        _freeze(sheet, spec.freeze, com)
    if com and spec.page:
        _page_setup(sheet, spec)
    return left_out


def _live_value(report: Report, value: object) -> object:
    kind, value = cell_value(value)
    if kind == "text":
        return typed_literal(value)
    if kind == "formula":
        return formula_text(report, value)
    if kind == "error":
        return "#N/A"  # typed, Excel makes it the error value
    return None if kind == "array" else value  # arrays are written after the values


def _write_table(report: Report, sheet, table: Table) -> None:
    top, left = parse_cell(table.anchor)
    width = table.width
    grid = []
    if table.header is not None:
        padding = [None] * (width - len(table.header))
        grid.append([_live_value(report, h) for h in table.header] + padding)
        header = sheet.range((top, left), (top, left + len(table.header) - 1))
        header.font.bold = True
        header.borders["edge_bottom"].line_style = "continuous"
    for row in table.rows:
        grid.append([_live_value(report, v) for v in row] + [None] * (width - len(row)))
    if grid:
        sheet.range((top, left)).value = grid
    if table.header is not None:
        header.wrap_text = True  # a long header wraps (report.present sized its row)
    first = table.first_data_row
    for j in range(width):  # formats by magnitude, one call per run of equal formats down a column
        runs = _format_runs([cell_format(table, i, j) if j < len(row) else None
                             for i, row in enumerate(table.rows)])
        for start, stop, fmt in runs:
            sheet.range((first + start, left + j), (first + stop, left + j)).number_format = fmt
    if table.wrap:
        for i, row in enumerate(table.rows):
            for j, value in enumerate(row):
                if isinstance(value, str):
                    sheet.range((first + i, left + j)).wrap_text = True
    for i, row in enumerate(table.rows):
        for j, value in enumerate(row):
            if isinstance(value, ArrayFormula):
                _array(report, sheet, Rect(first + i, left + j, first + i + value.rows - 1,
                                           left + j + value.cols - 1), value)
    if table.name:
        sheet.tables.add(source=sheet.range(a1_range(table.rect)), name=table.name,
                         table_style_name=table.style or "")


def _format_runs(formats: list[str | None]) -> list[tuple[int, int, str]]:
    """``(first, last, format)`` for each run of equal, set formats in ``formats``."""
    runs: list[tuple[int, int, str]] = []
    for i, fmt in enumerate(formats):
        if not fmt:
            continue
        if runs and runs[-1][1] == i - 1 and runs[-1][2] == fmt:
            runs[-1] = (runs[-1][0], i, fmt)
        else:
            runs.append((i, i, fmt))
    return runs


def _array(report: Report, sheet, rect: Rect, formula: ArrayFormula):
    rng = sheet.range(a1_range(rect))
    rng.formula_array = formula_text(report, formula)
    return rng


def _write_note(sheet, note: Note) -> None:
    rng = sheet.range(note.anchor)
    rng.value = typed_literal(note.text)
    size, bold, italic, color, fill = _NOTE_STYLE[note.style]
    rng.font.size = size
    if bold:
        rng.font.bold = True
    if italic:
        rng.font.italic = True
    if color:
        rng.font.color = color
    if fill:
        rng.color = fill
    if note.wrap:  # merged over its span and wrapped, as render.xlsx draws it
        row, col = parse_cell(note.anchor)
        block = sheet.range((row, col), (row, col + note.span - 1))
        if note.span > 1:
            block.merge()
        block.wrap_text = True


def _write_formula_cell(report: Report, sheet, spec: FormulaCell) -> None:
    row, col = parse_cell(spec.anchor)
    if isinstance(spec.formula, ArrayFormula):
        rng = _array(report, sheet, spec.rect, spec.formula)
    else:
        rng = sheet.range((row, col))
        rng.formula = formula_text(report, spec.formula)
    rows, cols = (spec.formula.rows, spec.formula.cols) if isinstance(spec.formula, ArrayFormula) else (1, 1)
    for dj in range(cols):  # one call per run of equal formats down each column of the block
        for first, last, fmt in _format_runs([formula_format(spec.number_format, expected_value(spec, di, dj))
                                              for di in range(rows)]):
            sheet.range((row + first, col + dj), (row + last, col + dj)).number_format = fmt


def frozen_part(cell: str) -> str | None:
    """The frozen rows/columns for a first unfrozen ``cell`` (openpyxl's convention): "A4" ->
    "1:3", "B1" -> "A:A", "C5" -> "A1:B4"; None for "A1"."""
    row, col = parse_cell(cell)
    if row > 1 and col > 1:
        return f"A1:{col_letter(col - 1)}{row - 1}"
    if row > 1:
        return f"1:{row - 1}"
    return f"A:{col_letter(col - 1)}" if col > 1 else None


def _freeze(sheet, cell: str, com: bool) -> None:
    row, col = parse_cell(cell)
    frozen = frozen_part(cell)
    if frozen is None:
        return
    try:
        sheet.freeze_panes.freeze_at(frozen)
    except (AttributeError, NotImplementedError):  # classic xlwings has no freeze_panes
        if com:  # Excel freezes the active window: split it at the cell, then freeze
            sheet.activate()
            window = sheet.book.app.api.ActiveWindow
            window.SplitRow, window.SplitColumn = row - 1, col - 1
            window.FreezePanes = True


def _page_setup(sheet, spec: SheetSpec) -> None:
    """Windows Excel only: orientation, and one page wide at ``page.scale`` (report.present) with
    its breaks, repeated header row and print area; or fit to pages as an older report asks."""
    setup = sheet.api.PageSetup
    page = spec.page
    setup.Orientation = 2 if page.landscape else 1  # xlLandscape / xlPortrait
    if page.fit_to_page:
        setup.Zoom = False
        setup.FitToPagesWide = 1
        setup.FitToPagesTall = page.pages_tall or False
    elif page.scale is not None:
        setup.Zoom = page.scale
    if page.print_area:
        setup.PrintArea = page.print_area
    if page.repeat_rows:
        setup.PrintTitleRows = "$" + page.repeat_rows.replace(":", ":$")
    for row in page.row_breaks:
        sheet.api.HPageBreaks.Add(Before=sheet.api.Range(f"A{row + 1}"))
