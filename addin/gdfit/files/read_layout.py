"""Where the table is on a sheet: the block of numbers, the header row of text above it, and the
title, note and total rows around it.

The block is the run of columns, between wholly empty columns, that holds the most numbers. It
starts at the first row with numbers in two of its cells; the header is the nearest row above of
text only (two cells or more), with nothing but blank rows between. The block ends at the last row
with a number before a row of text only (a second header, a notes block) or the end of the sheet.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from gdfit.files.read_grid import Grid

__all__ = ["Table", "find_table", "total_label", "NUMERIC"]

NUMERIC = ("number", "date", "undated", "error")
_TOTAL = re.compile(r"(grand\s+)?(sub-?\s*)?totals?\b.*|(sum|average|mean)\s*:?", re.I)


@dataclass(frozen=True)
class Table:
    """A table found on ``grid``: rows and columns 0-based, ``last`` included."""

    grid: Grid
    header: int | None
    first: int
    last: int
    columns: tuple[int, ...]
    labels: dict[int, str]
    notes: tuple[str, ...]  # what lies around the table and is not read

    @property
    def rows(self) -> range:
        return range(self.first, self.last + 1)


def _label(text: str) -> str:
    return " ".join(text.split())  # a header typed on two lines reads as one


def total_label(grid: Grid, row: int, columns: tuple[int, ...]) -> str | None:
    """The text that marks ``row`` as a total row ("Total", "Grand total", "Average"...), if any."""
    if grid.plain_row(row):
        return None
    cells = grid.row_cells(row)
    for c in columns:
        cell = cells[c] if c < len(cells) else None
        if cell is not None and cell.kind == "text" and _TOTAL.fullmatch(cell.shown.strip()):
            return cell.shown.strip()
    return None


def _column_census(grid: Grid, columns: range) -> tuple[list[list[int]], dict[int, int]]:
    """Runs of used columns between wholly empty ones, and the count of numbers in each column."""
    numbers = dict.fromkeys(columns, 0)
    used: set[int] = set()
    for r in grid.other_rows:
        for c, cell in enumerate(grid.row_cells(r)):
            if c in numbers and cell.kind != "blank":
                used.add(c)
                numbers[c] += cell.kind in NUMERIC
    # rows of numbers only, by length: counted without their cells
    widths, counts = np.unique(grid.row_lengths[grid.plain_mask], return_counts=True)
    for width, count in zip(widths.tolist(), counts.tolist()):
        for c in range(width):
            if c in numbers:
                used.add(c)
                numbers[c] += count
    runs: list[list[int]] = []
    for c in sorted(used):
        if runs and c == runs[-1][-1] + 1:
            runs[-1].append(c)
        else:
            runs.append([c])
    return runs, numbers


@dataclass(frozen=True)
class _Counts:
    """Per row, the numbers and the texts (text or TRUE/FALSE) in the columns looked at."""

    numbers: np.ndarray
    texts: np.ndarray

    def row(self, r: int) -> tuple[int, int]:
        return int(self.numbers[r]), int(self.texts[r])

    def filled(self, rows: slice) -> list[int]:
        """The rows within ``rows`` that hold anything counted."""
        start = rows.start or 0
        return (np.flatnonzero((self.numbers[rows] > 0) | (self.texts[rows] > 0)) + start).tolist()


def _row_counts(grid: Grid, columns: list[int]) -> _Counts:
    """(numbers, texts) in ``columns`` of every row."""
    lo, hi = columns[0], columns[-1] + 1
    # a row of numbers only: every one of its cells within the columns is a number
    numbers = np.where(grid.plain_mask, np.clip(np.minimum(grid.row_lengths, hi) - lo, 0, None), 0)
    texts = np.zeros(grid.height, dtype=np.intp)
    for r in grid.other_rows:
        kinds = [cell.kind for cell in grid.row_cells(r)[lo:hi]]
        numbers[r] = sum(k in NUMERIC for k in kinds)
        texts[r] = sum(k in ("text", "logical") for k in kinds)
    return _Counts(numbers, texts)


def _block_rows(counts: _Counts, need: int) -> tuple[int, int, int | None]:
    """(first, last, header) of the block of numbers, from each row's (numbers, texts)."""
    numbers, texts = counts.numbers, counts.texts
    enough = np.flatnonzero(numbers >= need)
    # else one number per row at most (a column of formulas without saved results, say)
    first = int(enough[0]) if len(enough) else int(np.flatnonzero(numbers)[0])
    header = None
    above = counts.filled(slice(0, first))  # blank rows may lie between a header and its numbers
    if above:
        r = above[-1]
        if texts[r] >= need and numbers[r] == 0:
            header = r
    # a second header or a block of notes below the table ends it
    ends = np.flatnonzero((numbers[first + 1:] == 0) & (texts[first + 1:] >= need))
    stop = first + 1 + int(ends[0]) if len(ends) else len(numbers)
    filled = np.flatnonzero(numbers[first + 1:stop])
    last = first + 1 + int(filled[-1]) if len(filled) else first
    return first, last, header


def _years(grid: Grid, row: int, columns: list[int]) -> bool:
    """Row ``row`` holds, in ``columns``, two or more whole numbers from 1900 to 2100, increasing
    from left to right, and nothing else but text: years heading columns."""
    cells = grid.row_cells(row)
    values = []
    for c in columns:
        cell = cells[c] if c < len(cells) else None
        if cell is None or cell.kind in ("blank", "text"):
            continue
        if cell.kind != "number" or not 1900 <= cell.value <= 2100 or cell.value != int(cell.value):  # NaN: no int
            return False
        values.append(cell.value)
    return len(values) >= 2 and all(a < b for a, b in zip(values, values[1:]))


def _second_header(above: tuple[int, int], header: tuple[int, int]) -> bool:
    """The row right above the header is its first line: text only, in half its columns at least."""
    numbers, texts = above
    return numbers == 0 and texts >= max(2, (header[1] + 1) // 2)


def _header_label(grid: Grid, rows: list[int], c: int) -> str:
    parts = []
    for r in rows:
        cell = grid.cell(r, c)
        if cell.kind == "number":  # a year heading the column
            parts.append(f"{cell.value:.0f}")
        elif cell.kind != "blank":
            parts.append(_label(cell.shown))
    return " ".join(parts)


def find_table(grid: Grid, columns: range | None = None) -> Table | None:
    """The table on ``grid`` (within ``columns`` if given), or None when it holds no numbers."""
    runs, numbers = _column_census(grid, columns if columns is not None else range(grid.width))
    scored = [(sum(numbers[c] for c in run), -run[0], run) for run in runs]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return None
    run = max(scored)[2]
    counts = _row_counts(grid, run)
    need = min(2, len(run))
    first, last, header = _block_rows(counts, need)
    if header is None and first < last and _years(grid, first, run) \
            and not any(_years(grid, r, run) for r in range(first + 1, min(last, first + 50) + 1)):
        # "Product | 2022 | 2023 | 2024": the years are the header, not the first row of data
        header = first
        first = first + 1 + int(np.flatnonzero(counts.numbers[first + 1:last + 1] >= 1)[0])
    header_rows = [header] if header is not None else []
    if header is not None and header > 0 and _second_header(counts.row(header - 1), counts.row(header)):
        header_rows.insert(0, header - 1)  # a header on two rows: "Ad spend" over "($)"
    labels = {c: _header_label(grid, header_rows, c) or grid.default_label(c) for c in run}
    notes = []
    top = header_rows[0] if header_rows else first
    above = counts.filled(slice(0, top))
    if above:
        where = f"the header ({grid.rows_name(header_rows)})" if header_rows else "the numbers"
        notes.append(f"{grid.rows_name(above)}: above {where}, not read (titles and notes)")
    below = counts.filled(slice(last + 1, grid.height))
    if below:
        notes.append(f"{grid.rows_name(below)}: below the table, not read")
    for other in runs:
        if other is not run:
            span = (f"columns {grid.col_id(other[0])}-{grid.col_id(other[-1])}" if len(other) > 1
                    else grid.col_name(other[0]))
            notes.append(f"{span}: beside the table, not read")
    return Table(grid, header, first, last, tuple(run), labels, tuple(notes))
