"""Workbook cells as plain values, for comparing a committed workbook with a fresh build."""
import math

import openpyxl
from openpyxl.worksheet.formula import ArrayFormula


def _value(cell):
    v = cell.value
    return (v.ref, v.text) if isinstance(v, ArrayFormula) else v


def _masked(values):
    """The run manifest's numpy version is that of the machine that built the file: not compared."""
    return [("<numpy version>" if j and values[j - 1] == "numpy version" else v) for j, v in enumerate(values)]


def cells(path):
    """Every cell's value, sheet by sheet."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: [_masked([_value(c) for c in row]) for row in ws.iter_rows()] for ws in wb.worksheets}


def mismatches(a, b, rel=1e-9):
    """Cells that differ between two ``cells`` results; floats within ``rel`` count as equal, since
    another numpy or BLAS build may round the last digits of an iterative result differently."""
    found = [] if a.keys() == b.keys() else [("sheets", list(a), list(b))]
    for sheet in a.keys() & b.keys():
        if len(a[sheet]) != len(b[sheet]):
            found.append((sheet, "rows", len(a[sheet]), len(b[sheet])))
            continue
        for r, (row_a, row_b) in enumerate(zip(a[sheet], b[sheet])):
            for c, (x, y) in enumerate(zip(row_a, row_b)):
                both_float = isinstance(x, float) and isinstance(y, float)
                if both_float and math.isclose(x, y, rel_tol=rel, abs_tol=1e-300):
                    continue
                if x != y or len(row_a) != len(row_b):
                    found.append((sheet, r + 1, c + 1, x, y))
    return found
