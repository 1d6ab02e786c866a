"""Plain-text layout for the ``gdfit`` command: tables and paragraphs that fit the terminal.

Numbers are printed to 10 significant digits (what the command has always shown) unless the caller
formats them itself, and are right-aligned; text wraps at spaces. A table wider than the terminal
first wraps its long headers and text cells, then splits into panels that each repeat its first
column, and only when not even one column fits beside that one prints one row per line, as
``header: value``. Pure Python (no numpy) so that ``gdfit --help`` stays quick.
"""
from __future__ import annotations

import math
import numbers
import os
import textwrap
from dataclasses import dataclass
from typing import Any, Sequence

__all__ = ["Figure", "is_terminal", "output_width", "number_text", "paragraph", "table_text", "rows_text",
           "PIPED_WIDTH", "DIGITS"]

#: Widest line written when the output is not a terminal (a pipe, a file, a log, a test).
PIPED_WIDTH = 100
#: Narrowest layout attempted, whatever COLUMNS says: below it a table cannot even show one row per line.
NARROWEST = 20
#: Significant digits of a number printed without an explicit format (the command's precision since 0.1).
DIGITS = 10
#: A text column is wrapped to this many characters (or its longest word) before a table is split.
TEXT_WRAP = 20
GAP = "  "


class Figure(str):
    """A number the caller has already formatted: right-aligned and never wrapped."""


def is_terminal(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def output_width(stream: Any) -> int:
    """Columns available on ``stream``: COLUMNS if set, else the terminal's own width (as
    :func:`shutil.get_terminal_size` does, but for this stream, not stdout); at most 100 when
    ``stream`` is not a terminal, whatever COLUMNS says."""
    terminal = is_terminal(stream)
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0 and terminal:
        try:
            columns = os.get_terminal_size(stream.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    if columns <= 0:
        columns = PIPED_WIDTH
    if not terminal:
        columns = min(columns, PIPED_WIDTH)
    return max(columns, NARROWEST)


def number_text(value: Any, digits: int = DIGITS) -> str:
    """An int as is, a float to ``digits`` significant digits (``nan``/``inf`` spelled out)."""
    if isinstance(value, (bool, numbers.Integral)):
        return str(value)
    value = float(value)
    return f"{value:.{digits}g}" if math.isfinite(value) else str(value)


def _wrap(text: str, width: int, indent: str = "") -> list[str]:
    # A single word longer than the line (a path, a formula) is kept whole: broken, it could not
    # be copied back; it is the only thing that may exceed the width.
    return textwrap.wrap(text, width, subsequent_indent=indent, break_long_words=False,
                         break_on_hyphens=False) or [""]


def paragraph(text: str, width: int, indent: str = "  ") -> str:
    """``text`` wrapped to ``width``, continuation lines indented so each paragraph stays visible."""
    return text if len(text) <= width else "\n".join(_wrap(text, width, indent))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (numbers.Real, bool)):
        return Figure(number_text(value))
    return str(value)


def _longest_word(text: str) -> int:
    return max((len(w) for w in text.split()), default=0)


@dataclass
class _Column:
    header: str
    cells: list[str]

    @property
    def numeric(self) -> bool:
        filled = [c for c in self.cells if c]
        return bool(filled) and sum(isinstance(c, Figure) for c in filled) * 2 >= len(filled)

    def natural(self) -> int:
        return max([len(self.header)] + [len(c) for c in self.cells])

    def compact(self) -> int:
        """Narrowest width worth trying: figures whole, text wrapped to about TEXT_WRAP, headers on
        about three lines, and never narrower than a word."""
        figures = max([len(c) for c in self.cells if isinstance(c, Figure)], default=0)
        texts = [c for c in self.cells if c and not isinstance(c, Figure)]
        text = max([min(len(c), max(TEXT_WRAP, _longest_word(c))) for c in texts], default=0)
        header = max(_longest_word(self.header), math.ceil(len(self.header) / 3)) if self.header else 0
        return min(self.natural(), max(figures, text, header))


def _fit_widths(columns: list[_Column], width: int) -> list[int]:
    """Natural widths, narrowed column by column (the one with most to give first) until the line fits."""
    widths = [c.natural() for c in columns]
    compact = [c.compact() for c in columns]

    def total(ws: Sequence[int]) -> int:
        return sum(ws) + len(GAP) * (len(ws) - 1)

    while total(widths) > width:
        spare = [w - c for w, c in zip(widths, compact)]
        j = max(range(len(widths)), key=spare.__getitem__)
        if spare[j] <= 0:
            break
        widths[j] = compact[j]
    return widths


def _panels(widths: list[int], width: int) -> list[list[int]] | None:
    """Column indexes of each panel (column 0, the key, in every one), as even as the width allows;
    None when the key and any one other column are wider than the line."""
    key, rest = widths[0], list(range(1, len(widths)))
    if not rest:
        return [[0]]
    if any(key + len(GAP) + widths[j] > width for j in rest):
        return None

    def fits(chunk: Sequence[int]) -> bool:
        return key + sum(len(GAP) + widths[j] for j in chunk) <= width

    greedy: list[list[int]] = [[]]
    for j in rest:
        if greedy[-1] and not fits(greedy[-1] + [j]):
            greedy.append([])
        greedy[-1].append(j)
    n = len(greedy)
    size, extra = divmod(len(rest), n)
    even, start = [], 0
    for i in range(n):
        stop = start + size + (i < extra)
        even.append(rest[start:stop])
        start = stop
    chosen = even if all(fits(chunk) for chunk in even) else greedy
    return [[0] + chunk for chunk in chosen]


def _panel_text(columns: list[_Column], widths: list[int], with_header: bool) -> list[str]:
    idx = range(len(columns))

    def line(parts: list[str]) -> str:
        out = []
        for j, part in zip(idx, parts):
            out.append(part.rjust(widths[j]) if columns[j].numeric else part.ljust(widths[j]))
        return GAP.join(out).rstrip()

    lines: list[str] = []
    if with_header:
        wrapped = [_wrap(columns[j].header, widths[j]) if columns[j].header else [] for j in idx]
        height = max(len(w) for w in wrapped)
        # headers sit on the bottom line, next to the first row, as a wrapped header cell does in Excel
        padded = [[""] * (height - len(w)) + w for w in wrapped]
        lines += [line([p[i] for p in padded]) for i in range(height)]
    for r in range(len(columns[0].cells)):
        cells = [columns[j].cells[r] for j in idx]
        parts = [[c] if isinstance(c, Figure) else _wrap(c, widths[j]) for j, c in zip(idx, cells)]
        height = max(len(p) for p in parts)
        for i in range(height):
            lines.append(line([p[i] if i < len(p) else "" for p in parts]))
    return lines


def _record_text(columns: list[_Column], width: int, with_header: bool) -> list[str]:
    """One line (or paragraph) per cell: the row's key, then ``header: value`` beneath it."""
    lines: list[str] = []
    for r in range(len(columns[0].cells)):
        lines += _wrap(columns[0].cells[r], width, "  ")
        for col in columns[1:]:
            if col.cells[r]:
                label = f"{col.header}: " if with_header and col.header else ""
                lines += _wrap(f"  {label}{col.cells[r]}", width, "      ")
    return lines


def table_text(header: Sequence[Any] | None, rows: Sequence[Sequence[Any]],
               width: int = PIPED_WIDTH) -> str:
    """Rows of cells (str, number, :class:`Figure` or None) under an optional header, within ``width``."""
    n = max([len(header or ())] + [len(r) for r in rows])
    heads = [str(h) if h is not None else "" for h in (header or ())] + [""] * (n - len(header or ()))
    body = [[_cell(v) for v in row] + [""] * (n - len(row)) for row in rows]
    columns = [_Column(heads[j], [row[j] for row in body]) for j in range(n)]
    widths = _fit_widths(columns, width)
    panels = _panels(widths, width)
    if panels is None:
        return "\n".join(_record_text(columns, width, header is not None))
    blocks = []
    for idx in panels:
        # each panel sized again on its own: one with room to spare keeps its headers on one line
        panel = [columns[j] for j in idx]
        blocks.append("\n".join(_panel_text(panel, _fit_widths(panel, width), header is not None)))
    return "\n\n".join(blocks)


def _is_header(row: Sequence[Any], later: Sequence[Sequence[Any]]) -> bool:
    filled = [v for v in row if v is not None]
    return bool(later) and all(isinstance(v, str) for v in filled) and any(
        isinstance(v, numbers.Real) for r in later for v in r if v is not None)


def _grid_text(grid: list[list[Any]], width: int) -> str:
    n = max(len(r) for r in grid)
    grid = [list(r) + [None] * (n - len(r)) for r in grid]
    # Excel places these tables from column B; an all-blank column is indentation, not data.
    keep = [j for j in range(n) if any(r[j] is not None for r in grid)]
    grid = [[r[j] for j in keep] for r in grid]
    if _is_header(grid[0], grid[1:]):
        return table_text(grid[0], grid[1:], width)
    return table_text(None, grid, width)


def rows_text(rows: Sequence[Sequence[Any]], width: int = PIPED_WIDTH) -> str:
    """A sheet-like block (ToolPak SUMMARY OUTPUT, Solver's Answer Report) as text within ``width``.

    A row with one filled cell is a title or a line of text, printed flush left and wrapped; runs
    of rows with two or more cells are tables, each sized on its own, a first row of labels over
    numbers being its header. Numbers are printed to 10 significant digits.
    """
    out: list[str] = []
    grid: list[list[Any]] = []
    for row in rows:
        filled = [v for v in row if v is not None]
        if len(filled) >= 2:
            grid.append(list(row))
            continue
        if grid:
            out.append(_grid_text(grid, width))
            grid = []
        out.append(paragraph(str(_cell(filled[0])), width) if filled else "")
    if grid:
        out.append(_grid_text(grid, width))
    return "\n".join(out)
