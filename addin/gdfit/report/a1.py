"""A1 geometry for the report model: cells, rectangles, sheet-qualified ranges, chart footprints.

Pure functions with no dependencies, shared by ``gdfit.report.model`` and both renderers so that a
range is spelled the same way in a file written by openpyxl and in a live Excel book.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping

__all__ = [
    "Rect", "parse_cell", "col_letter", "col_index", "cell_a1", "a1_range", "quote_sheet",
    "span_cells", "find_overlaps", "DEFAULT_COLUMN_WIDTH",
]

MAX_ROW, MAX_COL = 1_048_576, 16_384  # Excel's grid
DEFAULT_COLUMN_WIDTH = 8.43  # characters, Excel's default
_ROW_CM = 15 / 72 * 2.54  # Excel's default row height: 15 points
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


@dataclass(frozen=True)
class Rect:
    """Cells ``min_row..max_row`` x ``min_col..max_col``, 1-based and inclusive."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def overlaps(self, other: "Rect") -> bool:
        return not (
            self.max_row < other.min_row or other.max_row < self.min_row
            or self.max_col < other.min_col or other.max_col < self.min_col
        )

    @property
    def shape(self) -> tuple[int, int]:
        return self.max_row - self.min_row + 1, self.max_col - self.min_col + 1


def col_letter(col: int) -> str:
    """1 -> ``A``, 27 -> ``AA``, 16384 -> ``XFD``."""
    if not 1 <= col <= MAX_COL:
        raise ValueError(f"column {col} is outside Excel's 1..{MAX_COL}")
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    """``A`` -> 1, ``AA`` -> 27."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return col


def parse_cell(cell: str) -> tuple[int, int]:
    """``"B5"`` (or ``"$B$5"``) -> ``(row, col)`` = ``(5, 2)``."""
    m = _CELL.match(cell.strip())
    if not m:
        raise ValueError(f"{cell!r} is not a cell address like 'B5'")
    row, col = int(m.group(2)), col_index(m.group(1))
    if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
        raise ValueError(f"{cell!r} is outside Excel's grid")
    return row, col


def cell_a1(row: int, col: int, absolute: bool = False) -> str:
    """``(5, 2)`` -> ``"B5"``, or ``"$B$5"`` when ``absolute``."""
    if not 1 <= row <= MAX_ROW:
        raise ValueError(f"row {row} is outside Excel's 1..{MAX_ROW}")
    d = "$" if absolute else ""
    return f"{d}{col_letter(col)}{d}{row}"


def a1_range(rect: Rect, absolute: bool = False) -> str:
    """``"B5:C9"``; a single cell as ``"B5"``."""
    first = cell_a1(rect.min_row, rect.min_col, absolute)
    if rect.shape == (1, 1):
        return first
    return f"{first}:{cell_a1(rect.max_row, rect.max_col, absolute)}"


def quote_sheet(name: str) -> str:
    """A sheet name as a formula or chart reference spells it: always quoted, ``'`` doubled.

    Quoting every name is valid in Excel and LibreOffice and avoids deciding which names
    (spaces, digits first, names like ``R1C1``) would need it.
    """
    return "'" + name.replace("'", "''") + "'"


def _column_cm(width_chars: float) -> float:
    # Excel's pixel width of a column (Calibri 11 at 96 dpi): 7 px per character plus 5 of padding.
    return math.trunc(width_chars * 7 + 5) / 96 * 2.54


def span_cells(anchor: str, width_cm: float, height_cm: float,
               column_widths: Mapping[str, float]) -> Rect:
    """Cells covered by an object of the given size placed at ``anchor`` (default row heights)."""
    row, col = parse_cell(anchor)
    covered, last_col = 0.0, col - 1
    while covered < width_cm - 1e-9:
        last_col += 1
        covered += _column_cm(column_widths.get(col_letter(last_col), DEFAULT_COLUMN_WIDTH))
    last_row = row + max(math.ceil(height_cm / _ROW_CM - 1e-9), 1) - 1
    return Rect(row, col, last_row, max(last_col, col))


def find_overlaps(blocks: list[tuple[str, Rect]]) -> list[tuple[str, str]]:
    """Pairs of labelled rectangles that share at least one cell."""
    return [
        (a, b)
        for i, (a, ra) in enumerate(blocks)
        for b, rb in blocks[i + 1:]
        if ra.overlaps(rb)
    ]


def text_width(value: object, number_format: str | None = None) -> float:
    """Characters a value needs when shown in ``number_format`` (a generous estimate).

    Used to size columns so numbers never show as ``###``: an exponent format needs its own
    length plus a sign; a fixed format needs the integer digits, the decimals and a sign;
    General shows up to 11 characters.
    """
    if isinstance(value, str):
        return float(min(max((len(line) for line in value.splitlines()), default=0), 60))
    if isinstance(value, bool) or value is None:
        return 5.0 if value is not None else 0.0
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return 5.0  # formulas and error values: "#N/A", a short result
    fmt = (number_format or "General").split(";")[0]
    if fmt == "General":
        return float(min(len(f"{value:.10g}"), 11))
    if "E" in fmt.upper():
        return float(len(fmt) + 1)
    decimals = len(fmt.split(".")[1].rstrip("%")) if "." in fmt else 0
    digits = len(str(int(abs(value))))
    if "," in fmt:
        digits += (digits - 1) // 3
    return float(digits + (decimals + 1 if decimals else 0) + 1 + fmt.count("%"))
