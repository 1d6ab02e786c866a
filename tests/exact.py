"""Exact least squares in rational arithmetic: the reference for float64-accuracy tests."""
from __future__ import annotations

from fractions import Fraction

import numpy as np


def exact_least_squares(A: np.ndarray, y: np.ndarray) -> list[Fraction]:
    """Solve the normal equations of the float64 inputs exactly (Gauss-Jordan on Fractions)."""
    rows = [[Fraction(float(v)) for v in row] for row in np.atleast_2d(A)]
    ys = [Fraction(float(v)) for v in y]
    k = len(rows[0])
    gram = [[sum(r[a] * r[b] for r in rows) for b in range(k)] for a in range(k)]
    rhs = [sum(r[a] * t for r, t in zip(rows, ys)) for a in range(k)]
    m = [gram[i] + [rhs[i]] for i in range(k)]
    for c in range(k):
        pivot = next(i for i in range(c, k) if m[i][c] != 0)
        m[c], m[pivot] = m[pivot], m[c]
        for i in range(k):
            if i != c and m[i][c] != 0:
                f = m[i][c] / m[c][c]
                m[i] = [a - f * b for a, b in zip(m[i], m[c])]
    return [m[i][k] / m[i][i] for i in range(k)]


def significant_digits(estimate: np.ndarray, exact: list[Fraction]) -> float:
    """Fewest correct significant digits across entries (log relative error), capped at float64's 15.95."""
    worst = 15.95
    for est, ref in zip(np.ravel(estimate), exact):
        err = abs(Fraction(float(est)) - ref)
        if err == 0:
            continue
        rel = float(err / abs(ref)) if ref != 0 else float(err)
        worst = min(worst, -np.log10(rel))
    return worst
