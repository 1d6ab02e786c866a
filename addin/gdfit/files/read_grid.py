"""A sheet (or a CSV file) as rows of raw values, and the names its cells have for the person reading.

A workbook cell is named as Excel shows it (``C5``), a CSV cell by its line (``line 5``), counting
records as Excel's row numbers do.
"""
from __future__ import annotations

import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Any, Callable, Iterator, NamedTuple, Sequence

import numpy as np

from gdfit.core.data import InputError
from gdfit.files.read_cells import BLANK, Cell, classify, date_order
from gdfit.report.a1 import col_letter

__all__ = ["Grid", "Numbers", "UNCACHED", "collector_paused", "spans"]

UNCACHED = "="  # marks a formula cell saved without its result
_NUMBER_TYPES = frozenset({float, int})  # how a workbook reader gives a number (bool is neither)
_TEXT = {str}
_CHUNK = 4096  # rows whose types are checked together: a chunk of numbers only costs one set, not one a row
_CONVERT = 65536  # rows converted to float64 in one go
# Numbers as CSV files write them, one a line: what classify reads without its general parse, and
# the same with an exponent (which that parse reads as the same number, with no digits shown).
_PLAIN_LINES = {comma: re.compile(rf"(?:{p}\n)*{p}") for comma, p in
                ((False, r"-?\d+(?:\.\d*)?(?:[eE][+-]?\d+)?"), (True, r"-?\d+(?:,\d*)?(?:[eE][+-]?\d+)?"))}


class Numbers(NamedTuple):
    """A column of plain numbers: the values, and for a CSV file the digits shown after the point
    (-1 where an exponent is written: none counts)."""

    values: np.ndarray
    decimals: np.ndarray | None


class _Block(NamedTuple):
    """A span of rows as float64: ``values`` by row and column, ``others`` the positions of the rows
    that are not plain (their cells left for each column to fill in), or None when there are none."""

    values: np.ndarray
    others: np.ndarray | None


_UNSEEN = object()  # no block for these rows: the column is read by the per-column path


def _span(rows: range | tuple[int, ...]) -> tuple[int, int] | None:
    """(first, stop) when ``rows`` are consecutive, one row at least."""
    if not rows:
        return None
    if isinstance(rows, range):
        return (rows.start, rows.stop) if rows.step == 1 else None
    first, last = rows[0], rows[-1]
    return (first, last + 1) if last - first == len(rows) - 1 and rows == tuple(range(first, last + 1)) else None


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
    _plain: np.ndarray | None = field(default=None, repr=False)
    _plain_list: list[bool] | None = field(default=None, repr=False)
    _others: list[int] | None = field(default=None, repr=False)
    _lengths: np.ndarray | None = field(default=None, repr=False)
    _numbers: dict[tuple[int, tuple[int, ...]], Numbers | None] = field(default_factory=dict, repr=False)
    _blocks: dict[tuple[int, int], _Block | None] = field(default_factory=dict, repr=False)
    _day_first: bool | None | str = field(default="unknown", repr=False)

    @property
    def day_first(self) -> bool | None:
        """Whether this file's numeric dates (``1/31/2023``) put the day first, where they say
        (:func:`gdfit.files.read_cells.date_order`); looked for among the rows that hold text."""
        if self._day_first == "unknown":
            texts = (v for r in self.other_rows for v in self.rows[r] if type(v) is str and v)
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
        return int(self.row_lengths.max()) if self.rows else 0

    @property
    def row_lengths(self) -> np.ndarray:
        """The number of cells of every row."""
        if self._lengths is None:
            self._lengths = np.fromiter(map(len, self.rows), dtype=np.intp, count=len(self.rows))
        return self._lengths

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
    def plain_mask(self) -> np.ndarray:
        """Per row (a bool array), whether it holds plain numbers only: floats and ints as a workbook
        reader gives them, or in a CSV file text such as ``-12.5`` (which :func:`classify` reads
        without its general parse). Every such cell is a number no message quotes, so these rows
        need no :class:`Cell`."""
        if self._plain is None:
            rows = self.rows
            plain = np.zeros(len(rows), dtype=bool)
            for start in range(0, len(rows), _CHUNK):
                chunk = rows[start:start + _CHUNK]
                if all(chunk) and self._plain_cells(list(chain.from_iterable(chunk))):
                    plain[start:start + len(chunk)] = True
                else:  # something else somewhere in the chunk (or an empty row): row by row
                    plain[start:start + len(chunk)] = [bool(row) and self._plain_cells(row) for row in chunk]
            self._plain = plain
        return self._plain

    @property
    def plain_rows(self) -> list[bool]:
        """:attr:`plain_mask` as a list."""
        if self._plain_list is None:
            self._plain_list = self.plain_mask.tolist()
        return self._plain_list

    @property
    def other_rows(self) -> list[int]:
        """The rows that are not plain (see :attr:`plain_mask`), in order: the only ones whose cells
        need looking at one by one."""
        if self._others is None:
            self._others = np.flatnonzero(~self.plain_mask).tolist()
        return self._others

    def _plain_cells(self, cells: list[Any]) -> bool:
        """Every cell a plain number (see :attr:`plain_mask`)."""
        if self.is_csv:
            return set(map(type, cells)) == _TEXT and self._plain_texts(cells)
        return set(map(type, cells)) <= _NUMBER_TYPES

    def _plain_texts(self, texts: list[str]) -> bool:
        """Every text a plain number, checked by one regular expression over the lot."""
        joined = "\n".join(texts)
        return joined.count("\n") == len(texts) - 1 and _PLAIN_LINES[self.decimal_comma].fullmatch(joined) is not None

    def plain_row(self, r: int) -> bool:
        plain = self.plain_mask
        return r < len(plain) and bool(plain[r])

    def numbers(self, rows: Sequence[int], c: int) -> Numbers | None:
        """Column ``c`` at ``rows`` when every one of its cells is a plain number (see
        :attr:`plain_mask`): the values :meth:`resolved` would give, as float64, and for a CSV file
        the digits written after the decimal separator; else None."""
        key = (c, rows if isinstance(rows, range) else tuple(rows))
        if key not in self._numbers:
            span = _span(key[1])
            if span is None:
                found = _UNSEEN
            elif self.is_csv:
                found = self._plain_text_numbers(span, c)
            else:
                found = self._block_numbers(span, c)
            self._numbers[key] = self._column_numbers(rows, c) if found is _UNSEEN else found
        return self._numbers[key]

    def _column_numbers(self, rows: Sequence[int], c: int) -> Numbers | None:
        """:meth:`numbers` one column at a time, its cells gathered from the rows as Python values."""
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
        return self._plain_numbers(values) if values else None

    def _plain_text_numbers(self, span: tuple[int, int], c: int) -> Numbers | object:
        """:meth:`numbers` of a CSV file's rows in ``span`` when every one is plain and has a
        column ``c``: its texts, known to be plain numbers, read without checking them again;
        ``_UNSEEN`` otherwise."""
        first, stop = span
        if stop > len(self.rows) or not self.plain_mask[first:stop].all() or self.row_lengths[first:stop].min() <= c:
            return _UNSEEN
        return self._plain_numbers(list(map(itemgetter(c), self.rows[first:stop])), checked=True)

    def _block(self, first: int, stop: int) -> _Block | None:
        """The rows ``first`` to ``stop - 1`` as one float64 array, converted once for every column
        read from them: its plain rows (of one length) run by run, the others filled in per column by
        :meth:`_block_numbers`. None when no row there is plain, the plain rows differ in length, or
        an integer lies past float64 (the per-column path then says which column)."""
        key = (first, stop)
        if key not in self._blocks:
            plain = self.plain_mask[first:stop]
            widths = self.row_lengths[first:stop][plain]
            block = None
            if len(widths) and widths.min() == widths.max():
                try:
                    if len(widths) == stop - first:  # every row plain, the usual case: no copy
                        block = _Block(np.array(self.rows[first:stop], dtype=float), None)
                    else:
                        values = np.empty((stop - first, int(widths[0])))
                        edges = np.flatnonzero(np.diff(np.concatenate(([False], plain, [False])).astype(np.int8)))
                        for a, b in zip(edges[::2].tolist(), edges[1::2].tolist()):
                            for at in range(a, b, _CONVERT):  # a bounded list slice and temporary at a time
                                end = min(at + _CONVERT, b)
                                values[at:end] = np.array(self.rows[first + at:first + end], dtype=float)
                        block = _Block(values, np.flatnonzero(~plain))
                except OverflowError:
                    pass
            self._blocks[key] = block
        return self._blocks[key]

    def _block_numbers(self, span: tuple[int, int], c: int) -> Numbers | None | object:
        """:meth:`numbers` for the rows of ``span`` through :meth:`_block`: the plain rows' values
        taken from it, the other rows' cells looked at one by one; ``_UNSEEN`` when there is no block."""
        first, stop = span
        if stop > len(self.rows):
            return None  # rows past the end: blanks
        block = self._block(first, stop)
        if block is None:
            return _UNSEEN
        if c >= block.values.shape[1]:
            return None  # the plain rows end before column c: blanks
        column = block.values[:, c]
        if block.others is None:
            return Numbers(column, None)
        cells = []
        for i in block.others.tolist():
            row = self.rows[first + i]
            if c >= len(row):
                return None
            cells.append(row[c])
        if not set(map(type, cells)) <= _NUMBER_TYPES:
            return None
        try:
            column[block.others] = np.array(cells, dtype=float)  # this column's own: no other reads it
        except OverflowError:  # an integer past float64: the per-cell path says so
            return None
        return Numbers(column, None)

    def _plain_numbers(self, values: list[Any], checked: bool = False) -> Numbers | None:
        """``values`` as :class:`Numbers` when every one is a plain number; ``checked``: texts
        already known to be."""
        if not checked:
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


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a reader (python-calamine, the csv module) makes a
    list for every row: each collection, set off by every few hundred new lists, walks all the lists
    made so far, which on a million rows takes longer than making them (python-calamine: 1.3 s of
    1.8 s). Lists of cell values hold no cycles."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
