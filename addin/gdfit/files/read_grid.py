"""A sheet (or a CSV file) as rows of raw values, and the names its cells have for the person reading.

A workbook cell is named as Excel shows it (``C5``), a CSV cell by its line (``line 5``), counting
records as Excel's row numbers do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Callable, NamedTuple, Sequence

import numpy as np

from gdfit.core.data import InputError
from gdfit.files.read_cells import BLANK, Cell, classify, date_order
from gdfit.report.a1 import col_letter

__all__ = ["Grid", "Numbers", "UNCACHED", "spans"]

UNCACHED = "="  # marks a formula cell saved without its result
_NUMBER_TYPES = frozenset({float, int})  # how a workbook reader gives a number (bool is neither)
_TEXT = {str}
# Numbers as CSV files write them, one a line: what classify reads without its general parse, and
# the same with an exponent (which that parse reads as the same number, with no digits shown).
_PLAIN_LINES = {comma: re.compile(rf"(?:{p}\n)*{p}") for comma, p in
                ((False, r"-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?"), (True, r"-?\d+(?:,\d*)?(?:[eE][+-]?\d+)?"))}


class Numbers(NamedTuple):
    """A column of plain numbers: the values, and for a CSV file the digits shown after the point
    (-1 where an exponent is written: none counts)."""

    values: np.ndarray
    decimals: np.ndarray | None


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
    _numbers: dict[tuple[int, tuple[int, ...]], Numbers | None] = field(default_factory=dict, repr=False)
    _day_first: bool | None | str = field(default="unknown", repr=False)

    @property
    def day_first(self) -> bool | None:
        """Whether this file's numeric dates (``1/31/2023``) put the day first, where they say
        (:func:`gdfit.files.read_cells.date_order`); looked for among the rows that hold text."""
        if self._day_first == "unknown":
            texts = (v for row, plain in zip(self.rows, self.plain_rows) if not plain
                     for v in row if type(v) is str and v)
            self._day_first = date_order(texts)
        return self._day_first  # type: ignore[return-value]

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
            found = self._cells[r] = [classify(v, self.decimal_comma, self.day_first) for v in raw]
        return found

    @property
    def plain_rows(self) -> list[bool]:
        """Per row, whether it holds plain numbers only: floats and ints as a workbook reader gives
        them, or in a CSV file text such as ``-12.5`` (which :func:`classify` reads without its
        general parse). Every such cell is a number no message quotes, so these rows need no
        :class:`Cell`."""
        if self._plain is None:
            if self.is_csv:
                self._plain = [bool(row) and set(map(type, row)) == _TEXT and self._plain_texts(row) for row in self.rows]
            else:
                self._plain = [bool(row) and set(map(type, row)) <= _NUMBER_TYPES for row in self.rows]
        return self._plain

    def _plain_texts(self, texts: list[str]) -> bool:
        """Every text a plain number, checked by one regular expression over the lot."""
        joined = "\n".join(texts)
        return joined.count("\n") == len(texts) - 1 and _PLAIN_LINES[self.decimal_comma].fullmatch(joined) is not None

    def plain_row(self, r: int) -> bool:
        plain = self.plain_rows
        return r < len(plain) and plain[r]

    def numbers(self, rows: Sequence[int], c: int) -> Numbers | None:
        """Column ``c`` at ``rows`` when every one of its cells is a plain number (see
        :attr:`plain_rows`): the values :meth:`resolved` would give, as float64, and for a CSV file
        the digits written after the decimal separator; else None."""
        key = (c, rows if isinstance(rows, range) else tuple(rows))
        if key not in self._numbers:
            data, at = self.rows, np.asarray(rows)
            try:
                if len(at) and (np.diff(at) == 1).all():  # a block of rows, the usual case: sliced in one go
                    values = list(map(itemgetter(c), data[at[0]:at[-1] + 1]))
                    if len(values) < len(at):
                        raise IndexError  # rows past the end
                else:
                    values = [data[r][c] for r in rows]
            except IndexError:  # a short row or a row past the end: a blank
                values = []
            self._numbers[key] = self._plain_numbers(values) if values else None
        return self._numbers[key]

    def _plain_numbers(self, values: list[Any]) -> Numbers | None:
        types = set(map(type, values))
        if types <= _NUMBER_TYPES:
            try:
                return Numbers(np.array(values, dtype=float), None)
            except OverflowError:  # an integer past float64: the per-cell path says so
                return None
        if types != _TEXT or not self._plain_texts(values):
            return None
        point = "," if self.decimal_comma else "."
        floats = map(float, (v.replace(",", ".") for v in values) if self.decimal_comma else values)
        texts = np.array(values)
        where = np.strings.find(texts, point)
        decimals = np.where(where >= 0, np.strings.str_len(texts) - where - 1, 0)
        exponent = (np.strings.find(texts, "e") >= 0) | (np.strings.find(texts, "E") >= 0)
        decimals[exponent] = -1  # no digits shown: the per-cell path's None
        return Numbers(np.fromiter(floats, dtype=float, count=len(values)), decimals)

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
