"""Workbook cells as plain values, for comparing a committed workbook with a fresh build.

``mismatches`` compares text, formulas, booleans, integers, blanks and the shape of every sheet
exactly, and floats within the tolerances below (a blank matches only a float that is 0 within
the floor); ``mismatches(a, b, rel=0, floor=0)`` is exact.
"""
import math

import openpyxl
from openpyxl.worksheet.formula import ArrayFormula

#: Floats that come out of an iterative or finite-difference solver (the Solver-equivalent's
#: forward-difference gradients, a descent stopped by a tolerance) move in their 9th digit with the
#: CPU kernel and the BLAS build: the Solver-equivalent's intercept is 3.246751426 with one OpenBLAS
#: kernel and 3.246751432 with another (1.85e-9 relative, the largest change measured over five
#: OpenBLAS kernels and numpy 1.24, 2.0 and 2.4). 1e-7 leaves a factor 50 over that and is still
#: far below what a change of method, option or data moves.
REL = 1e-7
#: Floats that should be 0 (the residual of an exact fit at a data point, a gradient norm or a
#: difference at the optimum) are rounding noise, -2.13e-13 with one kernel and -2.28e-13 with
#: another, so no relative tolerance fits them. Such a float counts as equal within 1e-9 of its
#: table's scale: the largest float in the block of filled cells around it. The largest such move
#: measured is the Solver row's "max rel. diff vs closed form" on the ad-spend Compare sheet,
#: 3.875e-7 vs 3.892e-7: 0.27 of the floor at that table's scale of 6.19 (its SSE).
FLOOR = 1e-9


def _value(cell):
    v = cell.value
    return (v.ref, v.text) if isinstance(v, ArrayFormula) else v


def _masked(values):
    """The run manifest's numpy version is that of the machine that built the file: not compared."""
    return [("<numpy version>" if j and values[j - 1] == "numpy version" else v) for j, v in enumerate(values)]


def cells(path):
    """Every cell's value, sheet by sheet, in the workbook's sheet order."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: [_masked([_value(c) for c in row]) for row in ws.iter_rows()] for ws in wb.worksheets}


def layout(path):
    """What a sheet holds besides its cells: Excel tables, merged ranges, charts with their series."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: {"tables": sorted((t.name, t.ref) for t in ws.tables.values()),
                       "merged": sorted(str(r) for r in ws.merged_cells.ranges),
                       "charts": [(type(c).__name__, len(c.series)) for c in ws._charts]}
            for ws in wb.worksheets}


def _is_float(v):
    return isinstance(v, float)


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def table_scales(rows):
    """For each filled cell (row, column), the largest absolute float of its table: the cells
    reachable from it through filled neighbours above, below, left and right."""
    scales, seen = {}, set()
    for start_r, row in enumerate(rows):
        for start_c, v in enumerate(row):
            if v is None or (start_r, start_c) in seen:
                continue
            block, stack = [], [(start_r, start_c)]
            seen.add((start_r, start_c))
            while stack:
                r, c = stack.pop()
                block.append((r, c))
                for i, j in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                    if 0 <= i < len(rows) and 0 <= j < len(rows[i]) and rows[i][j] is not None \
                            and (i, j) not in seen:
                        seen.add((i, j))
                        stack.append((i, j))
            scale = max((abs(rows[r][c]) for r, c in block if _is_float(rows[r][c])), default=0.0)
            scales.update(dict.fromkeys(block, scale))
    return scales


def _same(x, y, rel, floor, scale):
    if (x is None) != (y is None):
        # Code that writes a zero as a blank (the lessons' log-scale excess columns) leaves a blank
        # where another machine's rounding leaves 1e-13: a float within the floor is that zero.
        value = y if x is None else x
        return _is_float(value) and abs(value) < floor * scale()
    if _is_number(x) and _is_number(y) and (_is_float(x) or _is_float(y)):
        return math.isclose(x, y, rel_tol=rel, abs_tol=floor * scale())
    return type(x) is type(y) and x == y  # True is not 1, a blank is not 0, a formula is its text


def mismatches(a, b, rel=REL, floor=FLOOR):
    """Cells that differ between two ``cells`` results, as (sheet, row, column, a's, b's).

    Floats count as equal within ``rel`` relative or ``floor`` times their table's scale (see
    ``REL`` and ``FLOOR``); every other value, the sheets' order and their shapes exactly.
    """
    if list(a) != list(b):
        return [("sheets", list(a), list(b))]
    found = []
    for sheet in a:
        rows_a, rows_b = a[sheet], b[sheet]
        widths_a, widths_b = [len(row) for row in rows_a], [len(row) for row in rows_b]
        if widths_a != widths_b:
            found.append((sheet, "shape", (len(rows_a), max(widths_a, default=0)),
                          (len(rows_b), max(widths_b, default=0))))
            continue
        scales = []  # both tables' scales, worked out at the first float that needs them

        def scale(r, c):
            if not scales:
                scales.extend([table_scales(rows_a), table_scales(rows_b)])
            return max(scales[0].get((r, c), 0.0), scales[1].get((r, c), 0.0))

        for r, (row_a, row_b) in enumerate(zip(rows_a, rows_b)):
            for c, (x, y) in enumerate(zip(row_a, row_b)):
                if not _same(x, y, rel, floor, lambda: scale(r, c)):
                    found.append((sheet, r + 1, c + 1, x, y))
    return found
