"""``gdfit.read_data``: the analyst's file read as it really is, with one line saying what was read
and one line for everything left out.

Formats: CSV/TSV/TXT (see :mod:`gdfit.files.read_csv`) and workbooks through python-calamine
(:mod:`gdfit.files.read_book`). The table is found as :mod:`gdfit.files.read_layout` describes,
the ``x`` and ``y`` arguments are resolved by :mod:`gdfit.files.read_select`, and the rows are
checked by :mod:`gdfit.files.read_rows`.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import pandas as pd

from gdfit.core.data import InputError
from gdfit.files.read_book import BOOK_SUFFIXES, Book, open_book
from gdfit.files.read_csv import read_csv_grid
from gdfit.files.read_grid import Grid
from gdfit.files.read_layout import Table, total_label
from gdfit.files.read_rows import bad_cells_message, profile, read_rows
from gdfit.files.read_select import Column, Selection
from gdfit.report.a1 import quote_sheet

__all__ = ["LoadedData", "read_data", "TEXT_SUFFIXES"]

TEXT_SUFFIXES = (".csv", ".tsv", ".txt", ".tab")
_NOT_PICKED = {
    "dates": "dates, not picked by default (name the column in x to read them as Excel serial numbers)",
    "text": "text, not numbers",
    "logical": "TRUE/FALSE values, not numbers",
    "empty": "empty",
}


@dataclass(frozen=True, eq=False)
class LoadedData:
    """The data :func:`read_data` read.

    ``X`` and ``y`` are labelled by the headers and indexed by the row (or CSV line) numbers;
    ``where`` says in one line what was read; ``skipped`` has one line per column or group of rows
    left out, with the reason; ``notes`` one line per value conversion (percentages, dates).
    ``x_refs``/``y_ref`` are the sheet-qualified ranges read (empty for a CSV file).
    ``text_numbers`` has, per column (the x columns, then y), the positions among the rows read of
    cells that hold a number typed as text: gdfit reads them, Excel's SUM and LINEST see text.
    """

    X: pd.DataFrame
    y: pd.Series
    where: str
    skipped: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    sheet: str | None = None
    x_refs: tuple[str, ...] = ()
    y_ref: str | None = None
    text_numbers: tuple[tuple[int, ...], ...] = ()


def _open(file: Path, sheet: str | None) -> tuple[Selection, str]:
    suffix = file.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        if sheet is not None:
            raise InputError(f"sheet={sheet!r} was given, but {file.name} is a CSV file without sheets; leave it out.")
        grid, how = read_csv_grid(file)
        return Selection(grid, None), f"{file.name} ({how})"
    if suffix not in BOOK_SUFFIXES:
        kinds = " ".join(TEXT_SUFFIXES + BOOK_SUFFIXES)
        raise InputError(f"{file.name}: {suffix or 'no extension'} is not a format gdfit reads ({kinds}); "
                         "save the data as .xlsx or CSV.")
    book = open_book(file)
    if sheet is not None:
        name = book.find_sheet(str(sheet), "sheet")
        return Selection(book.grid(name), book), f"{file.name}, sheet {name!r}"
    return _default_sheet(book)


def _default_sheet(book: Book) -> tuple[Selection, str]:
    """The active sheet if it holds numbers, else the first (visible) sheet that does."""
    order = [book.active] if book.active else []
    order += [s for s in book.sheets if s not in book.hidden and s not in order]
    order += [s for s in book.sheets if s not in order]
    for name in order:
        selection = Selection(book.grid(name), book)
        if selection.table() is not None:
            if name == book.active:
                why = "the active sheet"
            elif book.active:
                why = f"the first sheet with numbers; the active sheet {book.active!r} has none"
            else:
                why = "the first sheet with numbers"
            return selection, f"{book.path.name}, sheet {name!r} ({why})"
    raise InputError(f"{book.path.name}: no sheet holds a table of numbers (sheets: "
                     f"{', '.join(repr(s) for s in book.sheets)}); check the file, or name the cells with x and y.")


def _check_missing(missing: Any) -> str:
    key = missing.strip().lower() if isinstance(missing, str) else missing
    if key not in ("error", "drop"):
        raise InputError(f"missing must be 'error' or 'drop'; got {missing!r}.")
    return key


def _labelled_totals(selection: Selection, anchor: Column) -> dict[int, str]:
    table = selection.table(anchor.grid)
    columns = table.columns if table is not None else tuple(range(anchor.grid.width))
    found = {}
    rows = _row_array(anchor.rows)
    plain = anchor.grid.plain_mask
    inside = rows < len(plain)
    inside[inside] = plain[rows[inside]]  # numbers only: no label
    for i in np.flatnonzero(~inside).tolist():
        label = total_label(anchor.grid, int(rows[i]), columns)
        if label is not None:
            found[i] = label
    return found


def _row_array(rows: Sequence[int]) -> np.ndarray:
    """Rows as an int64 array; a range without a Python int for each."""
    if isinstance(rows, range):
        return np.arange(rows.start, rows.stop, rows.step, dtype=np.int64)
    return np.array(rows, dtype=np.int64)


def _align(columns: list[Column]) -> list[Column]:
    """Columns named by header or whole column take the rows of the first range named on their sheet,
    so ``x="Web visits", y="E5:E29"`` reads rows 5 to 29 of both."""
    exact = {}
    for col in columns:
        if not col.elastic:
            exact.setdefault(id(col.grid), col.rows)
    return [replace(c, rows=exact[id(c.grid)]) if c.elastic and id(c.grid) in exact else c for c in columns]


def _two_labels(column: Column, positions: list[int]) -> bool:
    """The column holds exactly two distinct values (numbers, text or TRUE/FALSE), blanks aside."""
    seen = set()
    for i in positions:
        cell = column.grid.resolved(column.rows[i], column.col)
        if cell.kind != "blank":
            seen.add((cell.kind, cell.value if cell.kind in ("number", "logical") else cell.shown))
            if len(seen) > 2:
                return False
    return len(seen) == 2


def _defaults(selection: Selection, x_cols: list[Column], y_cols: list[Column],
              y_labels: bool = False) -> tuple[list[Column], Column, list[str]]:
    """Fill in x and y where they were left out, noting every table column not used."""
    explicit = y_cols + x_cols
    grid = explicit[0].grid if explicit else selection.grid
    table: Table | None = selection.table(grid)
    if table is None:
        raise InputError(f"found no table of numbers in {_place(grid)}; name the cells with x and y.")
    rows = explicit[0].rows if explicit else table.rows  # a range: a million rows need no million ints
    anchor = Column(grid, table.columns[0], rows, "")
    totals = _labelled_totals(selection, anchor)
    positions = [i for i in range(len(rows)) if i not in totals] if totals else range(len(rows))
    taken = {c.key for c in explicit}
    kinds = {}
    for c in table.columns:
        if (id(grid), c) in taken:
            continue
        column = Column(grid, c, rows, table.labels[c])
        kind, bad = profile(column, positions)
        if kind == "bad" and (not x_cols or not y_cols):
            raise InputError(bad_cells_message(column, bad, "x"))
        kinds[c] = (kind, column)
    numeric = [column for kind, column in kinds.values() if kind == "numeric"]
    if y_cols:
        y_col = y_cols[0]
    elif y_labels:  # the last column of two labels: pass/fail, TRUE/FALSE, 0/1
        y_col = next((column for kind, column in reversed(list(kinds.values()))
                      if kind in ("numeric", "text", "logical") and _two_labels(column, positions)), None)
        if y_col is None:
            raise InputError(f"found no column of two labels (such as 0/1, TRUE/FALSE or pass/fail) for y in "
                             f"{_place(grid)}; name it with y.")
        numeric = [c for c in numeric if c.key != y_col.key]
    elif numeric:
        y_col = numeric.pop()
    else:
        raise InputError(f"found no column of numbers for y in {_place(grid)}; name it with y.")
    if not x_cols:
        x_cols = numeric
        if not x_cols:
            raise InputError(f"found no column of numbers for x beside y {y_col.label!r} in {_place(grid)}; "
                             "name the x columns with x.")
    used = {c.key for c in x_cols + [y_col]}
    skipped = list(table.notes)
    for kind, column in kinds.values():
        if column.key not in used:
            reason = _NOT_PICKED.get(kind, "not named in x")
            if kind == "empty" and grid.errors_unseen:
                suffix = grid.file.rsplit(".", 1)[-1]
                reason += f" (or error values, which python-calamine shows as blank in .{suffix} files)"
            skipped.append(f"{column.describe()}: {reason}")
    return x_cols, y_col, skipped


def _place(grid: Grid) -> str:
    return grid.file if grid.is_csv else f"{grid.file}, sheet {grid.sheet!r}"


def _check_choice(x_cols: list[Column], y_col: Column) -> None:
    seen: dict[tuple[int, int], Column] = {}
    for col in x_cols:
        if col.key == y_col.key:
            raise InputError(f"y {y_col.given or y_col.label!r} is also among the x columns (as {col.given!r}); "
                             "leave it out of x.")
        if col.key in seen:
            raise InputError(f"x names {col.describe()} twice ({seen[col.key].given!r} and {col.given!r}); "
                             "name each column once.")
        seen[col.key] = col
    for col in x_cols:
        if len(col.rows) != len(y_col.rows):
            raise InputError(f"x {col.given or col.label!r} has {len(col.rows)} rows but y "
                             f"{y_col.given or y_col.label!r} has {len(y_col.rows)}; give ranges of the same rows.")


def _ref(col: Column, kept: list[int], qualified: bool) -> str:
    first, last = col.rows[kept[0]] + 1, col.rows[kept[-1]] + 1
    letter = col.grid.col_id(col.col)
    sheet = quote_sheet(col.grid.sheet) + "!" if qualified else ""
    return f"{sheet}{letter}{first}:{letter}{last}"


def _describe(cols: list[Column], kept: list[int], home: Grid) -> str:
    if home.is_csv:
        return ", ".join(f"{c.label!r} ({c.grid.col_name(c.col)})" for c in cols)
    return ", ".join(f"{_ref(c, kept, c.grid is not home)} ({c.label})" for c in cols)


def unique_labels(labels: list[str]) -> list[str]:
    """Labels made distinct for a DataFrame's columns: a repeated one gets " (2)", " (3)"..."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out


def read_data(path: str | Path, sheet: str | None = None, x: str | Sequence[str] | None = None,
              y: str | None = None, missing: str = "error", *, y_labels: bool = False) -> LoadedData:
    """Read the x and y columns of a CSV file or a workbook as the analyst laid them out.

    Parameters
    ----------
    path : a .csv/.tsv/.txt file or an .xlsx/.xlsm/.xltx/.xls/.xlsb/.ods workbook
    sheet : the sheet to read (case-insensitive); default the active sheet, or else the first
        sheet that holds numbers
    x : headers, ranges (``B3:D26``, ``B:B``, ``'Sales'!B3:B26``), table columns
        (``Table1[Ad spend]``) or defined names; a list, or one string separated by commas.
        Default: every numeric column of the table except y
    y : one of the same; default the last numeric column not in x
    missing : ``"error"`` (a blank cell is an error naming it) or ``"drop"`` (rows with a blank
        are left out and listed)
    y_labels : y holds class labels (logistic regression): numbers, text or TRUE/FALSE, returned
        as written (floats, str, bool); by default the last column with exactly two values

    Returns
    -------
    LoadedData

    Raises
    ------
    gdfit.InputError
        one line naming the argument or the cell, the value and the fix.
    """
    missing = _check_missing(missing)
    file = Path(path)
    if not file.is_file():
        raise InputError(f"path {str(path)!r} is not a file; give the path to a .csv or .xlsx file.")
    selection, source = _open(file, sheet)
    x_cols = selection.columns(x, "x")
    y_cols = selection.columns(y, "y") if y is not None else []
    if len(y_cols) > 1:
        raise InputError(f"y {y!r} names {len(y_cols)} columns; give one column for y.")
    aligned = _align(y_cols + x_cols)
    y_cols, x_cols = aligned[:len(y_cols)], aligned[len(y_cols):]
    if x_cols and y_cols:
        y_col, table = y_cols[0], selection.table(y_cols[0].grid)
        skipped = list(table.notes) if table is not None and y_col.grid is selection.grid else []
        used = {c.key for c in x_cols + y_cols}
        if table is not None:
            skipped += [f"{Column(table.grid, c, (), table.labels[c]).describe()}: not named in x or y"
                        for c in table.columns if (id(table.grid), c) not in used]
    else:
        x_cols, y_col, skipped = _defaults(selection, x_cols, y_cols, y_labels)
    _check_choice(x_cols, y_col)
    anchor = y_col
    rows = read_rows(x_cols + [y_col], ["x"] * len(x_cols) + ["y"], _labelled_totals(selection, anchor), missing,
                     y_labels)
    home = selection.grid
    index = pd.Index(_row_array(anchor.rows)[_row_array(rows.keep)] + 1, name="line" if home.is_csv else "row")
    labels = unique_labels([c.label for c in x_cols] + [y_col.label])
    # one 2-D block made once: a frame built from a dict of columns copies them again to consolidate
    X = pd.DataFrame(np.column_stack(rows.values[:-1]).astype(float, copy=False), columns=labels[:-1], index=index,
                     copy=False)
    y_values = rows.values[-1]
    if isinstance(y_values, np.ndarray):  # a column of the sheet's block of numbers: y keeps a copy, not all of it
        y_values = np.ascontiguousarray(y_values)
    target = pd.Series(y_values, index=index, name=labels[-1])
    lines = f"lines {anchor.rows[rows.keep[0]] + 1}-{anchor.rows[rows.keep[-1]] + 1}, " if home.is_csv else ""
    where = (f"{source}: x = {_describe(x_cols, rows.keep, home)}; y = {_describe([y_col], rows.keep, home)}; "
             f"{lines}{len(rows.keep)} rows")
    refs = () if home.is_csv else tuple(_ref(c, rows.keep, True) for c in x_cols)
    y_ref = None if home.is_csv else _ref(y_col, rows.keep, True)
    text_numbers = () if home.is_csv else tuple(_text_numbers(c, rows.keep) for c in x_cols + [y_col])
    return LoadedData(X, target, where, tuple(skipped + rows.skipped), tuple(rows.notes),
                      None if home.is_csv else home.sheet, refs, y_ref, text_numbers)


def _text_numbers(col: Column, keep: Sequence[int]) -> tuple[int, ...]:
    """Positions among the rows read where a workbook cell holds text that gdfit read as a number."""
    if col.grid.numbers(col.rows, col.col) is not None:  # every cell a stored number: nothing to look at
        return ()
    return tuple(k for k, i in enumerate(keep) if isinstance(col.grid.raw(col.rows[i], col.col), str))
