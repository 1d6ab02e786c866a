"""Where the table is on a sheet: the block of numbers, the header row of text above it, and the
title, note and total rows around it.

The block is the run of columns, between wholly empty columns, that holds the most numbers. It
starts at the first row with numbers in two of its cells; the header is the nearest row above of
text only (two cells or more), with nothing but blank rows between. The block ends at the last row
with a number before a row of text only (a second header, a notes block) or the end of the sheet.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

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
    plain_widths: Counter[int] = Counter()  # rows of numbers only, by length: counted without their cells
    for r, plain in enumerate(grid.plain_rows):
        if plain:
            plain_widths[len(grid.rows[r])] += 1
            continue
        for c, cell in enumerate(grid.row_cells(r)):
            if c in numbers and cell.kind != "blank":
                used.add(c)
                numbers[c] += cell.kind in NUMERIC
    for width, count in plain_widths.items():
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


def _row_counts(grid: Grid, columns: list[int]) -> list[tuple[int, int]]:
    """(numbers, texts) in ``columns`` of every row."""
    lo, hi = columns[0], columns[-1] + 1
    counts = []
    plain_counts = {}  # rows of numbers only, by length
    for r, plain in enumerate(grid.plain_rows):
        if plain:
            width = len(grid.rows[r])
            if width not in plain_counts:
                plain_counts[width] = (max(0, min(hi, width) - lo), 0)
            counts.append(plain_counts[width])
            continue
        kinds = [cell.kind for cell in grid.row_cells(r)[lo:hi]]
        counts.append((sum(k in NUMERIC for k in kinds), sum(k in ("text", "logical") for k in kinds)))
    return counts


def _block_rows(counts: list[tuple[int, int]], need: int) -> tuple[int, int, int | None]:
    """(first, last, header) of the block of numbers, from each row's (numbers, texts)."""
    first = next((r for r, (n, _) in enumerate(counts) if n >= need), None)
    if first is None:  # one number per row at most (a column of formulas without saved results, say)
        first = next(r for r, (n, _) in enumerate(counts) if n)
    header = None
    for r in range(first - 1, -1, -1):
        numbers, texts = counts[r]
        if texts == 0 and numbers == 0:
            continue  # blank rows between a header and its numbers
        if texts >= need and numbers == 0:
            header = r
        break
    last = first
    for r in range(first + 1, len(counts)):
        numbers, texts = counts[r]
        if numbers == 0 and texts >= need:
            break  # a second header or a block of notes below the table
        if numbers:
            last = r
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
        if cell.kind != "number" or cell.value != int(cell.value) or not 1900 <= cell.value <= 2100:
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
        first = next(r for r in range(first + 1, last + 1) if counts[r][0] >= 1)
    header_rows = [header] if header is not None else []
    if header is not None and header > 0 and _second_header(counts[header - 1], counts[header]):
        header_rows.insert(0, header - 1)  # a header on two rows: "Ad spend" over "($)"
    labels = {c: _header_label(grid, header_rows, c) or grid.default_label(c) for c in run}
    notes = []
    top = header_rows[0] if header_rows else first
    above = [r for r in range(top) if any(counts[r])]
    if above:
        where = f"the header ({grid.rows_name(header_rows)})" if header_rows else "the numbers"
        notes.append(f"{grid.rows_name(above)}: above {where}, not read (titles and notes)")
    below = [r for r in range(last + 1, grid.height) if any(counts[r])]
    if below:
        notes.append(f"{grid.rows_name(below)}: below the table, not read")
    for other in runs:
        if other is not run:
            span = (f"columns {grid.col_id(other[0])}-{grid.col_id(other[-1])}" if len(other) > 1
                    else grid.col_name(other[0]))
            notes.append(f"{span}: beside the table, not read")
    return Table(grid, header, first, last, tuple(run), labels, tuple(notes))
