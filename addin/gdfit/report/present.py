"""What a person sees: the presentation rules every sheet of a ``Report`` is drawn with.

``present(report)`` returns a copy of the report laid out for reading and printing, and both
renderers draw that copy, so the rules hold on every sheet whoever built it:

- numbers keep their values; their formats follow their magnitude (``display_format``) so that
  no value shows ``###`` and a ToolPak or Answer Report number reads as a number, not as every
  digit the column has room for;
- columns are as wide as their header and formatted values need, with room between numeric
  columns; long headers wrap over more than one line;
- a note longer than its span wraps within it (the row grows), so read-me text stays on the page;
- pages: the orientation that prints the sheet larger, scaled to one page wide and never to one
  page tall, everything gdfit wrote inside the print area, the longest table's header repeated
  on every page, and page breaks placed above a chart rather than through it;
- charts: iteration axes tick at whole numbers, tick labels carry thousands separators or turn
  scientific, and a log axis never receives a value <= 0 (those points are left out and the
  title says so).

Pure functions over ``gdfit.report.model``: no I/O, nothing from openpyxl or xlwings.
"""
from __future__ import annotations

import copy
import math
import textwrap
from dataclasses import replace
from typing import Iterable, Sequence

import numpy as np

from gdfit.report.a1 import DEFAULT_COLUMN_WIDTH, Rect, col_index, col_letter, parse_cell, span_cells
from gdfit.report.model import (
    ArrayFormula,
    ChartSpec,
    ColumnRef,
    Columns,
    Formula,
    FormulaCell,
    Note,
    PageSetup,
    Report,
    SeriesSpec,
    SheetSpec,
    Table,
)
from gdfit.report.references import resolve

__all__ = [
    "present", "column_widths", "display_format", "display_text", "numeric_column", "cell_format", "column_formats", "formula_format", "expected_value", "indented",
    "PRINTABLE_CM", "ROW_POINTS", "MAX_COLUMN_WIDTH", "HEADER_WRAP_WIDTH", "MAX_ROW_BREAKS",
]

ROW_POINTS = 15.0  # Excel's default row height (Calibri 11)
_POINT_CM = 2.54 / 72
# The printable area common to A4 and Letter with Excel's default margins (0.7" left and right,
# 0.75" top and bottom): the narrower of the two widths and the shorter of the two heights.
PRINTABLE_CM = {"portrait": (21.0 - 3.556, 27.94 - 3.81), "landscape": (27.94 - 3.556, 21.0 - 3.81)}
# Page heights are used at 92%: LibreOffice's and Excel's rows come out a little taller than the
# nominal 15 pt, and a manual break must come before the application's own one.
_PAGE_SAFETY = 0.92
MAX_COLUMN_WIDTH = 40.0  # characters; longer text in a table wraps in its cell
HEADER_WRAP_WIDTH = 16.0  # characters: a longer header wraps rather than widening its column
_PADDING = 2.0  # characters between one column's widest value and the next column
# A bold header character, in column-width characters: from 1.11 ("gradient: Price") to 1.27
# ("descended: Ad") measured in LibreOffice's PDF (DejaVu Sans Bold); and the gap a header line
# leaves in its cell, so that pdftotext (and a reader) sees two neighbouring headers apart.
_BOLD_CHARS, _HEADER_GAP = (1.1, 1.3), 3.0
_MIN_SCALE = 25  # percent: one page wide down to this (the widest lesson sheets need 32%)
_FIXED_DECIMALS = 10  # the most decimals a magnitude-chosen fixed format shows
_GENERAL_DIGITS = 9  # significant digits a General number shows (ToolPak, Answer Report)
_FIXED_DIGITS = 7  # at least this many significant digits where a builder asked for a fixed format


# ---- number formats ----------------------------------------------------------------------------

def _is_fixed(fmt: str) -> bool:
    """A plain fixed-decimal format such as ``0.000000`` or ``0``."""
    body = fmt.replace("#", "").replace(",", "")
    return body != "" and set(body) <= set("0.") and body.count(".") <= 1


# Powers of ten as Python reads them ("1e-5" is the double nearest to 10**-5): the exact boundaries
# of a number's decimal exponent, where log10's last bit can fall either side.
_POW10_LOW = -330
_POW10 = np.array([float(f"1e{e}") for e in range(_POW10_LOW, 310)])


def _exponent(a: float) -> int:
    """The decimal exponent of ``a`` > 0: ``10**e <= a < 10**(e + 1)``, exact at powers of ten."""
    e = math.floor(math.log10(a))
    if a < _POW10[e - _POW10_LOW]:
        e -= 1
    elif a >= _POW10[e + 1 - _POW10_LOW]:
        e += 1
    return e


def _exponents(a: np.ndarray) -> np.ndarray:
    """:func:`_exponent` of every element of ``a`` (all > 0 and finite)."""
    e = np.floor(np.log10(a)).astype(np.int64)
    e -= a < _POW10[e - _POW10_LOW]
    e += a >= _POW10[e + 1 - _POW10_LOW]
    return e


def _magnitude_format(a: float, digits: int, min_decimals: int, scientific_decimals: int) -> str:
    if a >= 1e11 or 0 < a < 1e-4:
        return "0." + "0" * scientific_decimals + "E+00"
    integer_digits = _exponent(a) + 1 if a > 0 else 1
    decimals = max(min_decimals if a < 1e4 else 0, min(_FIXED_DECIMALS, digits - integer_digits))
    body = "#,##0" if a >= 1e5 else "0"
    return body + ("." + "0" * decimals if decimals > 0 else "")


def display_format(value: object, number_format: str | None) -> str | None:
    """The number format a number is shown in: the builder's, unless its magnitude would show it
    as ``###``, as a string of digits or as too few significant digits.

    - General (``None``) on a non-integer: about nine significant digits, thousands separators
      from 100,000, scientific from 1e11 or below 1e-4 (the value itself is kept: ToolPak and
      Answer Report numbers stay as Excel writes them, only their display is chosen);
    - a fixed format such as ``0.000000``: kept where it shows at least seven significant digits
      in at most 15 characters, otherwise more decimals, separators or scientific;
    - every other format (exponent, percent, text, booleans) is kept.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return number_format
    a = abs(float(value))
    fmt = number_format or "General"
    if fmt == "General":
        if 1e-4 <= a < 1e11 and len(repr(float(value)).lstrip("-").replace(".", "").lstrip("0")) \
                <= _GENERAL_DIGITS:
            return number_format  # 12, 1.8, 98.65: General shows them as typed
        if a == 0:
            return number_format
        return _magnitude_format(a, _GENERAL_DIGITS, 0, 5)
    if _is_fixed(fmt):
        if a == 0:
            return number_format
        requested = len(fmt.split(".")[1]) if "." in fmt else 0
        if a >= 1e11 or a < 1e-4:
            return "0." + "0" * max(requested, 2) + "E+00"
        integer_digits = math.floor(math.log10(a)) + 1
        if integer_digits <= 0 and requested + integer_digits < 3:  # 0.001234 in 0.000: too few digits
            return "0." + "0" * min(_FIXED_DECIMALS, 3 - integer_digits)
        if integer_digits + requested > 14:  # 12,345,678.123456: more digits than anyone reads
            return _magnitude_format(a, _FIXED_DIGITS, 0, requested)
        return number_format
    return number_format


def display_text(value: object, number_format: str | None) -> str:
    """About what Excel shows for ``value`` in ``number_format`` (for sizing columns)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "FALSE"
    if isinstance(value, str):
        return value
    if isinstance(value, (Formula, ArrayFormula)):
        return "-0.000000000"  # a result of unknown size: room for a General number
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return "#N/A"
    fmt = (number_format or "General").split(";")[0]
    v = float(value)
    if fmt == "General":
        return f"{v:.10g}" if abs(v) < 1e11 else f"{v:.5E}"
    if "E+" in fmt.upper():
        decimals = len(fmt.upper().split("E")[0].split(".")[1]) if "." in fmt else 0
        return f"{v:.{decimals}E}"
    if fmt.endswith("%"):
        decimals = len(fmt[:-1].split(".")[1]) if "." in fmt else 0
        return f"{v * 100:.{decimals}f}%"
    if _is_fixed(fmt):
        decimals = len(fmt.split(".")[1]) if "." in fmt else 0
        return f"{v:,.{decimals}f}" if "," in fmt else f"{v:.{decimals}f}"
    return f"{v:.10g}"


def numeric_column(table: Table, j: int) -> bool:
    """True when column ``j`` of ``table`` holds numbers or formulas only (it is right-aligned,
    header included)."""
    if isinstance(table.rows, Columns):
        return j < table.rows.width and table.rows.column(j) is not None and len(table.rows) > 0
    values = [row[j] for row in table.rows if j < len(row) and row[j] is not None]
    return bool(values) and all(
        not isinstance(v, (str, bool)) and isinstance(v, (int, float, Formula, ArrayFormula))
        for v in values)


def formula_format(number_format: str | None, expected: object = None) -> str | None:
    """A formula cell's format. With the value gdfit expects it to give, chosen by its magnitude
    (``display_format``); without, a fixed format (which would show ``###`` for a large result)
    gives way to General, which adapts to the column."""
    if isinstance(expected, (int, float)) and not isinstance(expected, bool) and math.isfinite(expected):
        return display_format(expected, number_format)
    return None if number_format and _is_fixed(number_format) else number_format


def expected_value(cell: FormulaCell, di: int, dj: int) -> float | None:
    """What ``cell.expected`` says the formula gives at offset ``(di, dj)`` of its block."""
    rows = cell.expected
    if rows is None or di >= len(rows) or dj >= len(rows[di]):
        return None
    return rows[di][dj]


def indented(table: Table, i: int, j: int) -> bool:
    """True for a text cell right of a number (an Answer Report's "Formula" after its "Cell
    Value"): a right-aligned number would otherwise run into the text."""
    if isinstance(table.rows, Columns):
        return False  # numbers only
    row = table.rows[i]
    left = row[j - 1] if 0 < j <= len(row) else None
    return isinstance(row[j], str) and isinstance(left, (int, float, Formula)) and not isinstance(left, bool)


def cell_format(table: Table, i: int, j: int) -> str | None:
    """The number format of data cell ``(i, j)`` of ``table`` as drawn.

    A formula's value is not known here; it takes the format of the largest number in its row
    (the quantity a row describes has one magnitude), else General, which never shows ``###``.
    """
    if isinstance(table.rows, Columns):
        codes, chosen = column_formats(table, j)
        return None if codes is None else chosen[codes[i]]
    formats = list(table.number_formats)
    fmt = formats[j] if j < len(formats) else None
    value = table.rows[i][j]
    if isinstance(value, (Formula, ArrayFormula)):
        if fmt is None or not _is_fixed(fmt):
            return fmt
        numbers = [abs(float(v)) for v in table.rows[i]
                   if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)]
        return display_format(max(numbers), fmt) if numbers else None
    return display_format(value, fmt)


def column_formats(table: Table, j: int) -> tuple[np.ndarray | None, list[str | None]]:
    """Column ``j`` of a ``Columns`` table as drawn: a code for each cell and the formats the codes
    stand for (``formats[codes[i]]`` is ``cell_format(table, i, j)``); ``(None, [])`` for an
    empty column. Worked out once for the whole column, with numpy."""
    rows = table.rows
    assert isinstance(rows, Columns)
    formats = list(table.number_formats)
    fmt = formats[j] if j < len(formats) else None
    return rows.memo(("formats", j, fmt), lambda: _array_formats(rows.column(j), fmt))


def _array_formats(values: np.ndarray | None, number_format: str | None) -> tuple[np.ndarray | None, list]:
    """``display_format`` of every element of ``values`` as codes into a list of formats."""
    if values is None:
        return None, []
    v = values.astype(float)
    fmt = number_format or "General"
    if fmt != "General":
        if not _is_fixed(fmt):
            return np.zeros(len(v), dtype=np.int64), [number_format]  # kept whatever the value
        chosen = [display_format(x, number_format) for x in v.tolist()]  # rare: no array rule yet
        kinds = sorted(set(chosen), key=lambda f: (f is not None, f or ""))
        index = {f: k for k, f in enumerate(kinds)}
        return np.array([index[f] for f in chosen], dtype=np.int64), kinds
    # General: a value that shows as typed keeps it (key -1); the others, their magnitude's format
    # (one key per format: scientific, or integer digits and thousands separators).
    a = np.abs(v)
    key = np.full(len(v), -1, dtype=np.int64)
    ranged = np.isfinite(a) & (a > 0)
    exponent = np.zeros(len(v), dtype=np.int64)
    exponent[ranged] = _exponents(a[ranged])
    typed = ranged & (a >= 1e-4) & (a < 1e11) & _nine_digits(a, exponent, ranged) & \
        ~((a >= 1e8) & (a == np.floor(a)))  # repr counts the ".0" of 123456789.0: ten digits
    scientific = ranged & ((a >= 1e11) | (a < 1e-4))
    fixed = ranged & ~typed & ~scientific
    key[scientific] = 0
    key[fixed] = 1 + 2 * (exponent[fixed] + 5) + (a[fixed] >= 1e5)  # exponents from -4: keys from 3
    kinds: list[str | None] = [number_format]
    codes = np.zeros(len(v), dtype=np.int64)
    for k in np.unique(key[key >= 0]).tolist():
        where = key == k
        codes[where] = len(kinds)
        kinds.append(display_format(float(v[np.argmax(where)]), number_format))  # the key decides it
    return codes, kinds


def _nine_digits(a: np.ndarray, exponent: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """True where ``repr(a)`` has at most nine significant digits, i.e. where the nine-digit
    decimal nearest ``a`` reads back as ``a``: ``a`` scaled to nine integer digits rounds to an
    integer m, and m scaled back by an exact power of ten is correctly rounded to ``a`` or not."""
    out = np.zeros(len(a), dtype=bool)
    shift = 8 - exponent[mask]
    x = a[mask]
    up = shift >= 0
    power = _POW10[np.abs(shift) - _POW10_LOW]
    m = np.where(up, np.rint(x * power), np.rint(x / power))
    out[mask] = np.where(up, m / power, m * power) == x
    return out


def _array_text_width(values: np.ndarray, codes: np.ndarray, formats: list[str | None]) -> int:
    """The longest ``display_text`` of the column's values in their formats (codes as from
    :func:`_array_formats`), without writing every value out."""
    v = values.astype(float)
    width = 0
    for k, fmt in enumerate(formats):
        group = v[codes == k]
        if not len(group):
            continue
        finite = np.isfinite(group)
        if not finite.all():
            width = max(width, len(display_text(math.nan, fmt)))
            group = group[finite]
            if not len(group):
                continue
        if (fmt or "General") == "General" and np.abs(group).max() < 1e11:
            width = max(width, int(_general_lengths(group).max()))
            continue
        # A fixed or scientific format: the text grows with |value| (its exponent with the
        # exponent's size), so the longest is at an end of each sign's range.
        candidates = []
        for part in (group[group >= 0], group[group < 0]):
            if len(part):
                magnitude = np.abs(part)
                candidates += [float(part[np.argmax(magnitude)]), float(part[np.argmin(magnitude)])]
        width = max(width, max(len(display_text(c, fmt)) for c in candidates))
    return width


def _general_lengths(v: np.ndarray) -> np.ndarray:
    """``len(f"{x:.10g}")`` of values shown in General below 1e11, element by element: the sign,
    the integer digits and as many decimals as the shortest reading of ``x`` has (at most ten
    significant digits in all, as ``.10g`` rounds)."""
    a = np.abs(v)
    lengths = np.signbit(v).astype(np.int64)
    positive = a > 0
    exponent = np.zeros(len(a), dtype=np.int64)
    exponent[positive] = _exponents(a[positive])
    small = positive & (exponent < -4)  # .10g writes these as 1.234e-05
    # ten significant digits: rounded there, then trailing zeros dropped
    decimals = np.full(len(a), -1, dtype=np.int64)
    limit = np.where(positive, 9 - exponent, 0)
    pending = positive & ~small
    for d in range(0, 15):
        if not pending.any():
            break
        at = pending & ((d >= limit) | (np.rint(a * _POW10[d - _POW10_LOW]) / _POW10[d - _POW10_LOW] == a))
        decimals[at] = np.minimum(d, limit[at])
        pending &= ~at
    decimals[pending] = limit[pending]
    plain = ~small
    integer = np.where(exponent >= 0, exponent + 1, 1)
    lengths[plain] += integer[plain] + np.where(decimals[plain] > 0, decimals[plain] + 1, 0)
    for i in np.flatnonzero(small | (positive & (a >= 1e10))).tolist():  # few: written out
        lengths[i] = len(f"{v[i]:.10g}")
    return lengths


# ---- widths, wrapping and row heights ------------------------------------------------------------

def _text_chars(text: str, bold: bool = False) -> float:
    longest = max((len(line) for line in str(text).splitlines()), default=0)
    return longest * (1.2 if bold else 1.0)  # bold DejaVu Sans (LibreOffice's Calibri stand-in) runs wide


def _wrapped_lines(text: str, width_chars: float, fill: float = 0.8) -> int:
    # ``fill`` of the width: fonts differ (Calibri in Excel, DejaVu Sans in LibreOffice without
    # Carlito) and a line breaks at a word; a row a line too tall is better than a line cut off.
    chars = max(int(width_chars * fill), 1)
    return sum(max(len(textwrap.wrap(line, chars) or [""]), 1) for line in str(text).splitlines() or [""])


_NOTE_SCALE = {"title": 1.5, "heading": 1.3, "body": 1.0, "warning": 1.2, "caption": 0.85}  # bold and size


def _header_width(text: str, width: float) -> float:
    """``width`` or wider, so that the application wraps a bold header where gdfit expects and every
    line leaves ``_HEADER_GAP`` free: a line filling its cell runs into the next column's header,
    and two right-aligned headers then read as one ("descended: Web descended: Price").

    A bold character is 1.1 to 1.3 column characters wide (``_BOLD_CHARS``, by letter): each line
    must fit with the gap at the widest, and the next line's first word must not fit at the
    narrowest, else the application would pull it up and fill the line."""
    narrow, wide = _BOLD_CHARS
    while True:
        lines = textwrap.wrap(text, max(int((width - _HEADER_GAP) / wide), 1), break_long_words=False) or [""]
        pulled_up = any((len(line) + 1 + len(after.split()[0])) * narrow <= width
                        for line, after in zip(lines, lines[1:]))
        if not pulled_up and max(len(line) for line in lines) * wide + _HEADER_GAP <= width:
            return width
        width += 0.5


def _column_widths(sheet: SheetSpec) -> tuple[dict[int, float], dict[int, float]]:
    """Widths by column index, and header row heights, from every table on the sheet."""
    need: dict[int, float] = {}
    heights: dict[int, float] = {}
    for t in sheet.tables:
        left = t.rect.min_col
        if isinstance(t.rows, Columns):
            for j in range(t.rows.width):
                codes, formats = column_formats(t, j)
                if codes is not None and len(codes):
                    width = _array_text_width(t.rows.column(j), codes, formats)
                    need[left + j] = max(need.get(left + j, 0.0), width + _PADDING)
        for i, row in enumerate(() if isinstance(t.rows, Columns) else t.rows):
            for j, value in enumerate(row):
                if isinstance(value, str):
                    right = row[j + 1] if j + 1 < len(row) else None
                    if right is None and t.header is None:
                        continue  # it runs on over the empty cells beside it (ToolPak, Answer Report)
                    width = min(_text_chars(value), MAX_COLUMN_WIDTH)
                elif isinstance(value, ArrayFormula) or value is None:
                    continue
                else:
                    width = len(display_text(value, cell_format(t, i, j)))
                need[left + j] = max(need.get(left + j, 0.0), width + _PADDING)
        for j, text in enumerate(t.header or ()):
            words = max((len(w) for w in str(text).split()), default=0)
            header = min(_text_chars(text, bold=True), max(HEADER_WRAP_WIDTH, words * 1.2))
            need[left + j] = max(need.get(left + j, 0.0), header + _PADDING)
    for f in sheet.formulas:  # a live formula's result: as expected, or room for a General number
        for dj, c in enumerate(range(f.rect.min_col, f.rect.max_col + 1)):
            texts = [display_text(v, formula_format(f.number_format, v)) for di in range(f.rect.shape[0])
                     if (v := expected_value(f, di, dj)) is not None] or [display_text(f.formula, None)]
            need[c] = max(need.get(c, 0.0), max(len(t) for t in texts) + _PADDING)
    widths = {c: min(max(w, DEFAULT_COLUMN_WIDTH), MAX_COLUMN_WIDTH) for c, w in need.items()}
    for letter, width in sheet.column_widths.items():  # a builder's width is a minimum
        c = col_index(letter)
        widths[c] = max(widths.get(c, 0.0), width)
    for t in sheet.tables:
        if t.header is None:
            continue
        top, left = parse_cell(t.anchor)
        for j, text in enumerate(t.header):
            widths[left + j] = _header_width(str(text), widths.get(left + j, DEFAULT_COLUMN_WIDTH))
        lines = max((_wrapped_lines(h, widths.get(left + j, DEFAULT_COLUMN_WIDTH) / 1.2 - 1)
                     for j, h in enumerate(t.header)), default=1)
        if lines > 1:
            heights[top] = max(heights.get(top, 0.0), lines * ROW_POINTS)
    return widths, heights


def column_widths(sheet: SheetSpec) -> dict[str, float]:
    """The column widths ``present`` gives ``sheet`` (by letter), for a builder placing charts
    beside its tables before the sheet is presented."""
    return {col_letter(c): round(w, 1) for c, w in sorted(_column_widths(sheet)[0].items())}


def _width_of(widths: dict[int, float], first: int, last: int) -> float:
    return sum(widths.get(c, DEFAULT_COLUMN_WIDTH) for c in range(first, last + 1))


def _columns_for(widths: dict[int, float], first: int, chars: float) -> int:
    """The last column a text of ``chars`` characters reaches from column ``first``."""
    col, covered = first, widths.get(first, DEFAULT_COLUMN_WIDTH)
    while covered < chars and col < 16384:
        col += 1
        covered += widths.get(col, DEFAULT_COLUMN_WIDTH)
    return col


def _columns_within(widths: dict[int, float], first: int, chars: float) -> int:
    """The last column such that columns ``first..`` it are at most ``chars`` wide (at least ``first``)."""
    col, covered = first, widths.get(first, DEFAULT_COLUMN_WIDTH)
    while covered + widths.get(col + 1, DEFAULT_COLUMN_WIDTH) <= chars and col < 16384:
        col += 1
        covered += widths.get(col, DEFAULT_COLUMN_WIDTH)
    return col


def _blocks(sheet: SheetSpec, widths: dict[int, float], but: Note) -> list[Rect]:
    letters = {col_letter(c): w for c, w in widths.items()}
    rects = [t.rect for t in sheet.tables] + [f.rect for f in sheet.formulas]
    rects += [span_cells(c.anchor, c.width_cm, c.height_cm, letters) for c in sheet.charts]
    for n in sheet.notes:
        if n is not but:
            row, col = parse_cell(n.anchor)
            rects.append(Rect(row, col, row, col + n.span - 1))
    return rects


def _lay_out_text(sheet: SheetSpec, widths: dict[int, float], heights: dict[int, float],
                  page_chars: float) -> list[Rect]:
    """Wrap notes and long table texts; return where every text reaches (for the print area)."""
    reach: list[Rect] = []
    notes = []
    for note in sheet.notes:
        row, col = parse_cell(note.anchor)
        scale = _NOTE_SCALE.get(note.style, 1.0)
        chars = _text_chars(note.text) * scale
        room = max(page_chars - _width_of(widths, 1, col - 1), 30.0)  # from its column to the page edge
        if chars <= room:  # it fits, or runs on over the empty cells beside it
            notes.append(note)
            reach.append(Rect(row, col, row, _columns_for(widths, col, chars)))  # where its text ends
            continue
        # Wider than the printed page: wrap within the page width (or the span, if wider), the row
        # growing to hold the lines.
        last = max(_columns_within(widths, col, room), col)
        blocking = [r.min_col for r in _blocks(sheet, widths, note)
                    if r.min_row <= row <= r.max_row and r.min_col > col]
        last = min([last] + [c - 1 for c in blocking])
        wrap_chars = _width_of(widths, col, last) / scale - 2
        lines = _wrapped_lines(note.text, wrap_chars) + 1  # a spare line: a note's font is not the cells'
        heights[row] = max(heights.get(row, 0.0), lines * ROW_POINTS * max(scale, 1.0))
        notes.append(replace(note, span=last - col + 1, wrap=True))
        reach.append(Rect(row, col, row, last))
    sheet.notes = notes
    for t in sheet.tables:
        if isinstance(t.rows, Columns):
            continue  # numbers only
        top, left = parse_cell(t.anchor)
        first = t.first_data_row
        for i, row in enumerate(t.rows):
            for j, value in enumerate(row):
                if not isinstance(value, str):
                    continue
                width = widths.get(left + j, DEFAULT_COLUMN_WIDTH)
                chars = _text_chars(value)
                right = row[j + 1] if j + 1 < len(row) else None
                if right is None and t.header is None:
                    reach.append(Rect(first + i, left + j, first + i, _columns_for(widths, left + j, chars)))
                elif chars > width - 1:
                    # Body text in a cell as wide as it: nine tenths of a line is safe there.
                    lines = _wrapped_lines(value, width - 1, fill=0.9)
                    heights[first + i] = max(heights.get(first + i, 0.0), lines * ROW_POINTS)
                    t.wrap = True
    return reach


# ---- pages -------------------------------------------------------------------------------------

def _column_cm(width_chars: float) -> float:
    """A column's printed width: the wider of Excel's (Calibri: 7 px a character and 5 px of
    padding at 96 dpi) and LibreOffice's where Calibri and Carlito are missing (DejaVu Sans:
    7 pt a character, a third wider), so that the page fits in either."""
    return max(math.trunc(width_chars * 7 + 5) / 96 * 2.54, width_chars * 7.0 * _POINT_CM)


def _row_cm(heights: dict[int, float], row: int) -> float:
    return heights.get(row, ROW_POINTS) * _POINT_CM


def _page_setup(sheet: SheetSpec, widths: dict[int, float], heights: dict[int, float],
                used: Rect) -> PageSetup:
    letters = {col_letter(c): w for c, w in widths.items()}
    width_cm = sum(_column_cm(letters.get(col_letter(c), DEFAULT_COLUMN_WIDTH))
                   for c in range(1, used.max_col + 1))
    landscape = width_cm > PRINTABLE_CM["portrait"][0]
    page_w, page_h = PRINTABLE_CM["landscape" if landscape else "portrait"]
    page_w *= 0.98  # rounding of column widths to pixels
    scale = max(_MIN_SCALE, min(100, math.floor(100 * page_w / width_cm))) if width_cm else 100
    repeat = _repeated_header(sheet)
    chart_rows = [span_cells(c.anchor, c.width_cm, c.height_cm, letters) for c in sheet.charts]
    if repeat is not None and any(c.min_row <= repeat <= c.max_row for c in chart_rows):
        repeat = None  # a repeated row prints the slice of a chart drawn over it on every page
    # The row above a table (its heading), its header and up to three data rows.
    keep = [(t.rect.min_row - 1, min(t.rect.max_row, t.first_data_row + 2)) for t in sheet.tables
            if t.header is not None and t.rect.min_row > 1]
    breaks = _row_breaks(used.max_row, heights, page_h * _PAGE_SAFETY * 100 / scale, chart_rows, repeat, keep)
    return PageSetup(landscape=landscape, fit_to_page=False, pages_tall=0,
                     print_area=f"A1:{col_letter(used.max_col)}{used.max_row}", scale=scale,
                     row_breaks=tuple(breaks),
                     # Printed at the top of the pages after the one it first appears on (as
                     # LibreOffice prints it); only when the table runs on past a break.
                     repeat_rows=f"{repeat}:{repeat}" if repeat and breaks and repeat <= breaks[-1] else None)


def _repeated_header(sheet: SheetSpec) -> int | None:
    """The header row of the sheet's longest table (printed again at the top of later pages)."""
    tables = [t for t in sheet.tables if t.header is not None and len(t.rows) > 20]
    if not tables:
        return None
    return parse_cell(max(tables, key=lambda t: len(t.rows)).anchor)[0]


#: The most manual page breaks a sheet may carry (the file format's limit: Excel repairs more).
MAX_ROW_BREAKS = 1022


def _row_breaks(last_row: int, heights: dict[int, float], page_cm: float, charts: list[Rect],
                repeat: int | None, keep: Sequence[tuple[int, int]] = ()) -> list[int]:
    """Rows after which a page ends: as many rows as fit, but never inside a chart.

    Past ``MAX_ROW_BREAKS`` (a sheet of a hundred thousand rows), the breaks that start the page
    of a chart or of a table's heading stay, and the last others fill the rest: the application
    breaks the pages between them where they fill, as the ones left out would have."""
    breaks: list[int] = []
    row = 1
    while row <= last_row:
        room = page_cm
        if breaks and repeat is not None and repeat < row:
            room -= _row_cm(heights, repeat)
        end, used = row - 1, 0.0
        while end < last_row and used + _row_cm(heights, end + 1) <= room:
            end += 1
            used += _row_cm(heights, end)
        end = max(end, row)  # a row taller than the page still takes a page
        if end >= last_row:
            break
        for chart in charts:
            # Break a row above the chart: the row over it (a heading) goes with it, and a chart
            # anchored on the first row of a page can leave its top edge at the foot of the last.
            if chart.min_row - 1 <= end < chart.max_row and chart.min_row - 1 > row:
                end = chart.min_row - 2
        for first, last in keep:  # a table's heading, header and first rows stay together
            if first <= end < last and first > row:
                end = first - 1
        breaks.append(end)
        row = end + 1
    if len(breaks) <= MAX_ROW_BREAKS:
        return breaks
    # The page a chart or a heading is on starts where it started: at the last break above it.
    tops = [c.min_row - 1 for c in charts] + [first for first, _ in keep]
    needed = {max((b for b in breaks if b < top), default=None) for top in tops} - {None}
    room = MAX_ROW_BREAKS - len(needed)
    rest = [b for b in breaks if b not in needed]
    return sorted(needed | set(rest[len(rest) - max(room, 0):]))[-MAX_ROW_BREAKS:]


# ---- charts ------------------------------------------------------------------------------------

def _values(report: Report, ref) -> list[float | None]:
    where = resolve(report, ref)
    try:
        sheet = report.sheet(where.sheet)
    except Exception:
        return []
    # Each table's extent once: a series can run over thousands of rows of a long table.
    tables = [(t, t.rect, t.first_data_row) for t in sheet.tables]
    out: list[float | None] = []
    r = where.rect
    for t, rect, first in tables:  # a column of a Columns table: its array, not cell by cell
        if isinstance(t.rows, Columns) and r.min_col == r.max_col and rect.min_col <= r.min_col <= rect.max_col \
                and first <= r.min_row and r.max_row <= rect.max_row:
            values = t.rows.column(r.min_col - rect.min_col)
            if values is None:
                return [None] * (r.max_row - r.min_row + 1)
            part = values[r.min_row - first:r.max_row - first + 1].astype(float)
            return [v if math.isfinite(v) else None for v in part.tolist()]
    for row in range(r.min_row, r.max_row + 1):
        for col in range(r.min_col, r.max_col + 1):
            out.append(_cell_at(tables, row, col))
    return out


def _cell_at(tables, row: int, col: int) -> float | None:
    for t, rect, first in tables:
        if rect.min_row <= row <= rect.max_row and rect.min_col <= col <= rect.max_col:
            i, j = row - first, col - rect.min_col
            if isinstance(t.rows, Columns):
                v = t.rows.value(i, j) if 0 <= i < len(t.rows) and j < t.rows.width else None
            elif i < 0 or i >= len(t.rows) or j >= len(t.rows[i]):
                return None
            else:
                v = t.rows[i][j]
            if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                return float(v)
            return None
    return None


def axis_format(values: Iterable[float | None], log: bool = False) -> str:
    """Tick labels for an axis over ``values``: thousands separators, or scientific for very large
    and very small scales."""
    finite = [abs(v) for v in values if v is not None]
    top = max(finite, default=0.0)
    if log:
        positive = [v for v in finite if v > 0]
        low = min(positive, default=1.0)
        return "General" if 1e-2 <= low and top < 1e5 else "0E+00"
    if top >= 1e6 or 0 < top < 1e-2:
        return "0.0E+00"
    if top >= 1e4:
        return "#,##0"
    return "General"


def _iteration_axis(values: Sequence[float | None]) -> float | None:
    """A whole-number tick step (1, 2, 5, 10, ...) for an axis of iteration counts."""
    finite = [v for v in values if v is not None]
    if not finite or any(not float(v).is_integer() for v in finite):
        return None
    span = max(finite) - min(finite)
    raw = max(span / 6, 1.0)
    magnitude = 10 ** math.floor(math.log10(raw))
    return float(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


_STEP_TITLES = ("iteration", "epoch", "step")


def _positive_runs(values: Sequence[float | None]) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, v in enumerate(values + [None]):
        if v is not None and v > 0:
            start = i if start is None else start
        elif start is not None:
            runs.append((start, i - 1))
            start = None
    return runs


def _log_safe(report: Report, chart: ChartSpec) -> ChartSpec:
    """Leave out points a log axis cannot draw (a loss of exactly 0 on a perfect fit) and say so."""
    if not chart.y_log:
        return chart
    series: list[SeriesSpec] = []
    dropped = 0
    for s in chart.series:
        y = _values(report, s.y_ref)
        if not isinstance(s.y_ref, ColumnRef) or not isinstance(s.x_ref, ColumnRef) or \
                s.y_ref.rows is not None or s.x_ref.rows is not None or \
                all(v is None or v > 0 for v in y):
            series.append(s)
            continue
        runs = _positive_runs(y)
        dropped += sum(1 for v in y if v is not None and v <= 0)
        for k, (a, b) in enumerate(runs):
            series.append(replace(s, name=s.name if k == 0 else f"{s.name} (cont.)",
                                  x_ref=replace(s.x_ref, rows=(a, b)), y_ref=replace(s.y_ref, rows=(a, b))))
    if not dropped:
        return chart
    if not series:
        return replace(chart, y_log=False)
    what = "value" if dropped == 1 else "values"
    return replace(chart, series=series,
                   title=f"{chart.title}; {dropped} {what} of 0 left out (a log scale has no 0)")


def _present_chart(report: Report, chart: ChartSpec) -> ChartSpec:
    chart = _log_safe(report, chart)
    xs = [v for s in chart.series for v in _values(report, s.x_ref)]
    ys = [v for s in chart.series for v in _values(report, s.y_ref)]
    x_format = chart.x_number_format or axis_format(xs, chart.x_log)
    y_format = chart.y_number_format or axis_format(ys, chart.y_log)
    x_unit = chart.x_major_unit
    if x_unit is None and chart.kind == "scatter" and not chart.x_log and \
            chart.x_title.split(" ")[0].lower() in _STEP_TITLES:
        x_unit = _iteration_axis(xs)
        if x_unit is not None:
            x_format = chart.x_number_format or ("#,##0" if max(v for v in xs if v is not None) >= 1e4 else "0")
    return replace(chart, x_number_format=x_format, y_number_format=y_format, x_major_unit=x_unit)


# ---- the whole report --------------------------------------------------------------------------

def _used(sheet: SheetSpec, reach: list[Rect], widths: dict[int, float]) -> Rect:
    letters = {col_letter(c): w for c, w in widths.items()}
    rects = [t.rect for t in sheet.tables] + [f.rect for f in sheet.formulas] + reach
    rects += [span_cells(c.anchor, c.width_cm, c.height_cm, letters) for c in sheet.charts]
    if not rects:
        return Rect(1, 1, 1, 1)
    return Rect(1, 1, max(r.max_row for r in rects), max(r.max_col for r in rects))


def present_sheet(report: Report, sheet: SheetSpec) -> SheetSpec:
    """``sheet`` laid out for reading and printing (see the module's rules); ``report`` resolves
    the charts' references."""
    sheet = copy.deepcopy(sheet)
    widths, heights = _column_widths(sheet)
    # Notes wrap at the width of a portrait page at 100%, or of the tables and charts when wider: a
    # title or a read-me line then never decides the page's width.
    page_chars = PRINTABLE_CM["portrait"][0] / _column_cm(100.0) * 100.0
    used_by_blocks = _used(sheet, [], widths)
    # The sheet prints scaled to its tables' and charts' width anyway: notes may use all of it.
    page_chars = max(page_chars, _width_of(widths, 1, used_by_blocks.max_col))
    reach = _lay_out_text(sheet, widths, heights, page_chars)
    sheet.column_widths = {col_letter(c): round(w, 1) for c, w in sorted(widths.items())}
    sheet.row_heights = {**heights, **sheet.row_heights}
    sheet.charts = [_present_chart(report, c) for c in sheet.charts]
    sheet.page = _page_setup(sheet, widths, sheet.row_heights, _used(sheet, reach, widths))
    return sheet


def present(report: Report) -> Report:
    """A copy of ``report`` with every sheet laid out by the presentation rules (module doc)."""
    return replace(report, sheets=[present_sheet(report, s) for s in report.sheets])
