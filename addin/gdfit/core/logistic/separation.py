"""Separation: when the two labels can be split by a line, the log-likelihood has no maximum.

With ``s = 2y - 1`` and the rows ``a`` of the design (columns, then the ones of the intercept), the
data are *separated* when some direction ``w ≠ 0`` puts every row on its label's side or on the
line, ``s·(a·w) ≥ 0``, with at least one row strictly off it: moving the coefficients along ``w``
then raises the log-likelihood for ever. *Complete* separation has every row strictly off the line;
*quasi-complete* leaves some rows on it (Albert and Anderson, 1984). Both are decided here by two
linear programmes (scipy's HiGHS), in the spirit of Konis (2007):

1. maximise ``Σ s·(a·w)`` subject to ``s·(a·w) ≥ 0`` and ``-1 ≤ w ≤ 1``: a positive optimum is a
   separating direction;
2. maximise ``t`` subject to ``s·(a·w) ≥ t``, ``t ≤ 1``: a positive ``t`` makes it complete.

The columns are standardised first, so the tolerances mean the same for any units. Beside an
intercept, a single column whose two classes' ranges do not overlap is named on its own, before
any LP: that is the common case, and an LP's direction may mix in columns that play no part.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np
from scipy.optimize import linprog

__all__ = ["Separation", "find_separation"]

_TOL = 1e-9  # of a margin on standardised columns, where the LP's own feasibility tolerance is 1e-7


class Separation(NamedTuple):
    kind: str  # "complete" or "quasi-complete"
    columns: tuple[str, ...]  # the columns the separating direction uses
    on_line: int  # rows left on the separating line (0 for complete separation)
    message: str


def _single_columns(A: np.ndarray, y: np.ndarray, labels: Sequence[str], strict: bool) -> tuple[str, ...]:
    """Columns whose values for one label all lie at or beyond (strictly beyond) the other's."""
    ones = y == 1.0
    found = []
    for j, label in enumerate(labels):
        lo1, hi1, lo0, hi0 = A[ones, j].min(), A[ones, j].max(), A[~ones, j].min(), A[~ones, j].max()
        if (lo1 > hi0 or hi1 < lo0) if strict else (lo1 >= hi0 or hi1 <= lo0):
            found.append(label)
    return tuple(found)


def _message(kind: str, columns: tuple[str, ...], on_line: int) -> str:
    named = ", ".join(map(repr, columns)) or "the intercept"
    which = "separates" if len(columns) == 1 else "together separate"
    if kind == "complete":
        head = f"Complete separation: {named} {which} the two labels exactly"
    else:
        head = (f"Quasi-complete separation: {named} {which} the two labels except for {on_line} row(s) "
                "on the dividing line")
    return (f"{head}, so the log-likelihood has no finite maximum and the coefficients grow without "
            "bound; use l2= for a finite answer, or drop or merge what separates.")


def find_separation(A: np.ndarray, y: np.ndarray, labels: Sequence[str],
                    fit_intercept: bool = True) -> Separation | None:
    """The separation of 0/1 labels ``y`` by the standardised design ``A`` (labels, then any
    intercept column); None when the maximum likelihood estimate exists."""
    n, k = A.shape
    if fit_intercept:
        alone = _single_columns(A, y, labels, strict=True)
        if alone:
            return Separation("complete", alone[:1], 0, _message("complete", alone[:1], 0))
    S = A * (2.0 * y - 1.0)[:, None]
    found = linprog(-S.sum(axis=0), A_ub=-S, b_ub=np.zeros(n), bounds=[(-1.0, 1.0)] * k, method="highs")
    if found.status != 0 or -found.fun <= _TOL * n:
        return None
    w = found.x
    margins = S @ w
    complete = linprog(np.append(np.zeros(k), -1.0), A_ub=np.column_stack([-S, np.ones(n)]),
                       b_ub=np.zeros(n), bounds=[(-1.0, 1.0)] * k + [(None, 1.0)], method="highs")
    is_complete = complete.status == 0 and -complete.fun > _TOL
    if is_complete:
        w = complete.x[:k]
        margins = S @ w
    weights = np.abs(w[:len(labels)])
    columns = tuple(label for label, weight in zip(labels, weights) if weight > 1e-6 * max(weights.max(), 1e-300))
    kind = "complete" if is_complete else "quasi-complete"
    on_line = 0
    if not is_complete:
        alone = _single_columns(A, y, labels, strict=False) if fit_intercept else ()
        if alone:  # name one column and count the rows tied at its dividing value
            j = list(labels).index(alone[0])
            ones = y == 1.0
            cut = A[ones, j].min() if A[ones, j].min() >= A[~ones, j].max() else A[ones, j].max()
            columns, on_line = alone[:1], int(np.sum(A[:, j] == cut))
        else:
            on_line = int(np.sum(margins <= _TOL))
    return Separation(kind, columns, on_line, _message(kind, columns, on_line))
