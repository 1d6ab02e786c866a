"""A sheet (or a CSV file) as rows of raw values, and the names its cells have for the person reading.

A workbook cell is named as Excel shows it (``C5``), a CSV cell by its line (``line 5``), counting
records as Excel's row numbers do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np

from gdfit.core.data import InputError
from gdfit.files.read_cells import BLANK, Cell, classify
from gdfit.report.a1 import col_letter

__all__ = ["Grid", "UNCACHED", "spans"]

UNCACHED = "="  # marks a formula cell saved without its result
_NUMBER_TYPES = frozenset({float, int})  # how a workbook reader gives a number (bool is neither)


@dataclass(eq=False)
class Grid:
    """Raw values by row. ``special`` lists, on first need, the cells the workbook reader shows as
    blank although they are not: Excel error values (``#N/A``) and formulas without a saved result."""

    rows: list[list[Any]]
    file: str
    sheet: str | None = None
    decimal_comma: bool = False
    special: Callable[[], dict[tuple[int, int], str]] | None = None
    errors_unseen: bool = False  # a format whose error values cannot be told from blanks (.xls, .xlsb)
    _cells: dict[int, list[Cell]] = field(default_factory=dict, repr=False)
    _special: dict[tuple[int, int], str] | None = field(default=None, repr=False)
    _plain: list[bool] | None = field(default=None, repr=False)
    _numbers: dict[tuple[int, tuple[int, ...]], np.ndarray | None] = field(default_factory=dict, repr=False)

    @property
    def is_csv(self) -> bool:
        return self.sheet is None

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def raw(self, r: int, c: int) -> Any:
        row = self.rows[r] if r < len(self.rows) else ()
        return row[c] if c < len(row) else None

    def row_cells(self, r: int) -> list[Cell]:
        """The cells of row ``r`` as typed, classified once."""
        found = self._cells.get(r)
        if found is None:
            raw = self.rows[r] if r < len(self.rows) else ()
            found = self._cells[r] = [classify(v, self.decimal_comma) for v in raw]
        return found

    @property
    def plain_rows(self) -> list[bool]:
        """Per row, whether it holds numbers only, as the reader gave them: every cell classifies as
        a number that no message quotes, so the common rows of a sheet need no :class:`Cell`."""
        if self._plain is None:
            self._plain = [bool(row) and set(map(type, row)) <= _NUMBER_TYPES for row in self.rows]
        return self._plain

    def plain_row(self, r: int) -> bool:
        plain = self.plain_rows
        return r < len(plain) and plain[r]

    def numbers(self, rows: Sequence[int], c: int) -> np.ndarray | None:
        """Column ``c`` at ``rows`` as float64 when every one of its cells is a number the reader gave
        (what :meth:`resolved` would classify as ``number``, value ``float(raw)``); else None."""
        key = (c, tuple(rows))
        if key not in self._numbers:
            found = None
            try:
                values = [self.rows[r][c] for r in rows]
            except IndexError:  # a short row or a row past the end: a blank
                values = []
            if values and set(map(type, values)) <= _NUMBER_TYPES:
                try:
                    found = np.array(values, dtype=float)
                except OverflowError:  # an integer past float64: the per-cell path says so
                    found = None
            self._numbers[key] = found
        return self._numbers[key]

    def cell(self, r: int, c: int) -> Cell:
        """The cell as typed; a blank here may still be an error value (see :meth:`resolved`)."""
        row = self._cells.get(r) or self.row_cells(r)
        return row[c] if c < len(row) else BLANK

    def resolved(self, r: int, c: int) -> Cell:
        """The cell, with error values and uncalculated formulas that the reader showed as blank."""
        found = self.cell(r, c)
        if found is not BLANK or self.special is None:
            return found
        if self._special is None:
            self._special = self.special()
        mark = self._special.get((r, c))
        if mark == UNCACHED:
            raise InputError(f"{self.file}, sheet {self.sheet!r}: {self.name(r, c)} holds a formula whose result "
                             "was never saved (the file was written by a program that does not calculate, such as "
                             "openpyxl); open it in Excel or LibreOffice, save it, and read it again.")
        return found if mark is None else Cell("error", shown=mark)

    def name(self, r: int, c: int) -> str:
        return f"line {r + 1}" if self.is_csv else f"{col_letter(c + 1)}{r + 1}"

    def col_id(self, c: int) -> str:
        """``C`` in a workbook, ``3`` in a CSV."""
        return str(c + 1) if self.is_csv else col_letter(c + 1)

    def col_name(self, c: int) -> str:
        return f"column {self.col_id(c)}"

    def default_label(self, c: int) -> str:
        """The label of a column without a header."""
        return self.col_name(c) if self.is_csv else self.col_id(c)

    def rows_name(self, rows: list[int]) -> str:
        """``row 5``, ``rows 5, 9-12`` (``line`` for a CSV), numbers as the user sees them."""
        word = "line" if self.is_csv else "row"
        parts = spans([r + 1 for r in rows])
        return f"{word}{'s' if len(rows) > 1 else ''} {parts}"


def spans(numbers: list[int], limit: int = 8) -> str:
    """``[3, 4, 5, 9]`` -> ``3-5, 9``; past ``limit`` runs, ``and N more``."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    text = [f"{a}" if a == b else f"{a}-{b}" for a, b in runs[:limit]]
    rest = sum(b - a + 1 for a, b in runs[limit:])
    return ", ".join(text) + (f" and {rest} more" if rest else "")
