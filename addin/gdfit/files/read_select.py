"""What the ``x`` and ``y`` arguments of :func:`gdfit.read_data` name, as columns of cells.

An item is a column header (case and spaces ignored), an A1 range with or without ``$``
(``B3:B26``, ``B3:D26``), whole columns (``B:B``, ``B:D``), any of those on another sheet
(``'Sales 2023-24'!B3:B26``), an Excel table column (``Table1[Ad spend]``) or a defined name.
``x`` may list several items, or give them in one string separated by commas.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from gdfit.core.data import InputError
from gdfit.files.read_book import OOXML, Book
from gdfit.files.read_grid import Grid
from gdfit.files.read_layout import Table, find_table
from gdfit.report.a1 import MAX_COL, col_index

__all__ = ["Column", "Selection", "split_items", "header_key"]

_RANGE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})?(?::\$?([A-Za-z]{1,3})\$?([0-9]{1,7})?)?")
_SHEET = re.compile(r"(?:'((?:[^']|'')+)'|([^'!]+))!(.+)")
_TABLE = re.compile(r"([A-Za-z_\\][\w.\\]*)\[\s*([^\[\]]+?)\s*\]")


@dataclass(frozen=True)
class Column:
    """One column of cells to read: its rows (0-based, in order), label and how it was named."""

    grid: Grid
    col: int
    rows: tuple[int, ...] | range
    label: str
    given: str | None = None  # the user's words; None when picked by default
    elastic: bool = False  # named by header or whole column: takes the rows of the ranges read beside it

    @property
    def key(self) -> tuple[int, int]:
        return id(self.grid), self.col

    def describe(self) -> str:
        return f"{self.label!r} ({self.grid.col_name(self.col)})"


def header_key(text: str) -> str:
    return "".join(text.split()).casefold()


def split_items(value: Any, arg: str) -> list[str]:
    """The items of an ``x`` or ``y`` argument: a list, or one string split at top-level commas."""
    if value is None:
        return []
    if isinstance(value, str):
        items, depth, quoted, start = [], 0, False, 0
        for i, ch in enumerate(value):
            if ch == "'":
                quoted = not quoted
            elif not quoted and ch in "([":
                depth += 1
            elif not quoted and ch in ")]":
                depth -= 1
            elif ch == "," and not quoted and depth == 0:
                items.append(value[start:i])
                start = i + 1
        return [*items, value[start:]]
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    raise InputError(f"{arg} must be a header, a range or a list of them; got {value!r}.")


@dataclass(eq=False)
class Selection:
    """Resolves items against the sheet read by default, the rest of the workbook, its tables and names."""

    grid: Grid
    book: Book | None
    _tables: dict[int, Table | None] = field(default_factory=dict)

    def table(self, grid: Grid | None = None) -> Table | None:
        grid = grid or self.grid
        if id(grid) not in self._tables:
            self._tables[id(grid)] = find_table(grid)
        return self._tables[id(grid)]

    def columns(self, value: Any, arg: str) -> list[Column]:
        """Every column ``value`` names, in order; headers with commas in them are matched whole."""
        if isinstance(value, str) and self._header(value.strip(), arg):
            return self._header(value.strip(), arg)
        found: list[Column] = []
        for item in split_items(value, arg):
            found.extend(self.item(item, arg))
        return found

    def _header(self, text: str, arg: str) -> list[Column]:
        table = self.table()
        if table is None or not text:
            return []
        key = header_key(text)
        hits = [c for c in table.columns if header_key(table.labels[c]) == key and table.header is not None]
        if len(hits) > 1:
            cells = ", ".join(self.grid.name(table.header, c) for c in hits)
            raise InputError(f"{arg} {text!r} matches {len(hits)} headers ({cells}); name the column by its range, "
                             f"e.g. {self.grid.col_id(hits[0])}:{self.grid.col_id(hits[0])}.")
        return [Column(self.grid, c, table.rows, table.labels[c], text, True) for c in hits]

    def item(self, text: str, arg: str, grid: Grid | None = None, named: str | None = None) -> list[Column]:
        given = named or text.strip()
        t = text.strip()
        if not t:
            raise InputError(f"{arg} has an empty item; separate headers or ranges by single commas.")
        if grid is None:
            hits = self._header(t, arg)
            if hits:
                return hits
        table_ref = _TABLE.fullmatch(t)
        if table_ref:
            return [self._table_column(table_ref.group(1), table_ref.group(2), arg, given)]
        sheet_ref = _SHEET.fullmatch(t)
        if sheet_ref:
            if self.book is None:
                raise InputError(f"{arg} {given!r} names a sheet, but {self.grid.file} is a CSV file; "
                                 "give the range without the sheet name.")
            name = (sheet_ref.group(1) or "").replace("''", "'") or sheet_ref.group(2)
            target = self.book.grid(self.book.find_sheet(name, f"{arg} {given!r}: sheet"))
            return self.item(sheet_ref.group(3), arg, target, given)
        range_ref = _RANGE.fullmatch(t)
        if range_ref and (range_ref.group(3) or range_ref.group(2)):
            return self._range(range_ref.groups(), grid or self.grid, arg, given)
        if grid is None and self.book is not None:
            defined = self.book.defined_name(t)
            if defined is not None:
                ref, scope = defined
                target = self.book.grid(scope) if scope else None
                if not (_SHEET.fullmatch(ref) or _RANGE.fullmatch(ref.replace("$", ""))):
                    raise InputError(f"{arg} {given!r} is a defined name for {ref!r}, not a range of cells; "
                                     "name the cells directly, like B3:B26.")
                return self.item(ref, arg, target, given)
        raise InputError(self._unknown(given, arg))

    def _unknown(self, given: str, arg: str) -> str:
        table = self.table()
        headers = ", ".join(repr(table.labels[c]) for c in table.columns) if table and table.header is not None \
            else "none found"
        names = "" if self.book is None or not self.book.names_known else ", a defined name"
        return (f"{arg} {given!r} is not a column header (headers: {headers}), a range like B3:B26 or B:B, "
                f"or a table column like Table1[Ad spend]{names}; check the spelling.")

    def _table_column(self, name: str, column: str, arg: str, given: str) -> Column:
        table = self.book.table(name) if self.book is not None else None
        if table is None:
            known = ", ".join(self.book.workbook.table_names or []) if self.book and self.book.suffix in OOXML else ""
            where = f"its tables are {known}" if known else "python-calamine reads tables from .xlsx files only"
            raise InputError(f"{arg} {given!r}: {self.grid.file} has no Excel table {name!r} ({where}); "
                             "name the cells by header or range instead.")
        col = table.column(column)
        if col is None:
            raise InputError(f"{arg} {given!r}: table {table.name} has no column {column!r}; its columns are "
                             f"{', '.join(repr(c) for c in table.columns)}.")
        grid = self.book.grid(table.sheet)
        label = grid.cell(table.header_row, col).shown or column
        return Column(grid, col, range(table.first_row, table.last_row + 1), label, given)

    def _range(self, parts: tuple, grid: Grid, arg: str, given: str) -> list[Column]:
        c1, r1, c2, r2 = parts
        c2, r2 = c2 or c1, r2 if c2 else r1
        if (r1 is None) != (r2 is None):
            raise InputError(f"{arg} {given!r} mixes a whole column and a cell; write B3:B26 or B:B.")
        cols = sorted((col_index(c1) - 1, col_index(c2) - 1))
        if cols[1] >= MAX_COL:
            raise InputError(f"{arg} {given!r} lies beyond Excel's last column XFD.")
        span = range(cols[0], cols[1] + 1)
        if r1 is None:
            return self._whole_columns(grid, span, arg, given)
        rows = sorted((int(r1) - 1, int(r2) - 1))
        if rows[0] < 0:
            raise InputError(f"{arg} {given!r} has row 0; Excel's rows start at 1.")
        if rows[0] == rows[1]:
            raise InputError(f"{arg} {given!r} is a single {'cell' if len(span) == 1 else 'row'}; "
                             "give a column of cells, like B3:B26.")
        last = min(rows[1], grid.height - 1)
        top = [grid.cell(rows[0], c) for c in span]
        table = self.table(grid)
        if all(cell.kind == "text" for cell in top):  # the range starts with its header
            return [Column(grid, c, range(rows[0] + 1, last + 1), " ".join(top[j].shown.split()), given)
                    for j, c in enumerate(span)]
        labels = table.labels if table is not None and table.header is not None and table.header < rows[0] else {}
        return [Column(grid, c, range(rows[0], last + 1), labels.get(c, grid.default_label(c)), given)
                for c in span]

    def _whole_columns(self, grid: Grid, span: range, arg: str, given: str) -> list[Column]:
        table = self.table(grid)
        if table is None or not set(span) <= set(table.columns):
            table = find_table(grid, span)
        if table is None:
            raise InputError(f"{arg} {given!r} holds no numbers on {'the file' if grid.is_csv else repr(grid.sheet)}; "
                             "check the column letters.")
        return [Column(grid, c, table.rows, table.labels.get(c, grid.default_label(c)), given, True)
                for c in span]
