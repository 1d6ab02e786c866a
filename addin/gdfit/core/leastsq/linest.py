"""Excel's LINEST: its array, its argument rules, and the statistics at any coefficient vector.

Excel's argument order (``known_y`` first); the statistics can be computed at the least-squares
solution or at any coefficient vector (a gradient-descent or Solver answer) and themselves live in
:mod:`gdfit.core.leastsq.statistics`. The ToolPak's block is :mod:`gdfit.core.leastsq.toolpak`.

gdfit orders a parameter vector as the columns of X, then the intercept; LINEST lists the
coefficients from the last column to the first, then the intercept. :func:`linest_order` is the
one place that converts between the two.
"""
from __future__ import annotations

from numbers import Real
from typing import Any, Sequence, TypeVar

import numpy as np

from gdfit.core.data import Dataset, InputError, OptionError, as_dataset
from gdfit.core.leastsq.statistics import RegressionStats, stats_at

__all__ = ["linest", "regression_stats", "linest_dataset", "linest_order", "linest_block", "excel_flag",
           "RegressionStats"]

T = TypeVar("T")

_REF = "Excel's LINEST would show #REF!"


def excel_flag(name: str, value: Any, default: bool) -> bool:
    """Excel's logical arguments: omitted (None) means the default; TRUE/FALSE or a number."""
    if value is None:
        return default
    if isinstance(value, (bool, np.bool_, Real, np.number)) and value == value:  # NaN is no answer
        return bool(value)
    raise OptionError(f"The {name!r} option must be TRUE or FALSE; got {value!r}.")


def _shape(values: Any, arg: str) -> tuple[int, ...]:
    try:
        return tuple(np.shape(values))
    except ValueError:  # ragged nested lists
        raise InputError(f"{arg} must be a rectangular range of numbers; rows have different lengths.") from None


def linest_order(values: Sequence[T] | np.ndarray, const: bool) -> list[T]:
    """Reorder a parameter vector between gdfit's order and LINEST's, either way.

    gdfit: the coefficients in X's column order, then the intercept when ``const``. LINEST: the
    coefficients from the last column to the first, then the intercept. The map is its own
    inverse, so it reads LINEST's row back as well as it writes it. Names convert like numbers.
    """
    items = list(values)
    coefficients, intercept = (items[:-1], items[-1:]) if const else (items, [])
    return coefficients[::-1] + intercept


def linest_block(st: RegressionStats, stats: bool = True) -> np.ndarray:
    """The array LINEST returns for ``st``: 1 row, or 5 rows with ``stats``; NaN where Excel shows #N/A.

    Rows: coefficients and standard errors in LINEST's order (the intercept slot holds 0 and
    #N/A without a constant); r², se_y; F, df; ss_reg, ss_resid. Error values (division by zero
    degrees of freedom, F of a perfect fit) are NaN too.
    """
    width = max(st.k + 1, 2 if stats else 1)
    block = np.full((5 if stats else 1, width), np.nan)
    block[0, :st.k + 1] = linest_order(np.append(st.coef, st.intercept), const=True)
    if stats:
        block[1, :st.k + 1] = linest_order(np.append(st.bse, st.bse_intercept), const=True)
        block[2, :2] = st.rsquared, st.se_y
        block[3, :2] = st.fvalue, st.df_resid
        block[4, :2] = st.ss_reg, st.ss_resid
    block[~np.isfinite(block)] = np.nan
    return block


def linest_dataset(known_y: Any, known_x: Any = None, const: bool = True, *,
                   moments: bool = False) -> Dataset:
    """Validate LINEST-style inputs and return them as one Dataset (variables as columns).

    Like Excel: ``known_y`` in one column means each column of ``known_x`` is a variable; in one
    row, each row of ``known_x`` is a variable. ``known_x`` omitted (None) means 1, 2, ..., n.
    Sizes that do not match raise :class:`InputError` (Excel shows #REF!). ``moments=True``
    gathers the column statistics gradient descent starts from (see :func:`as_dataset`).
    """
    y_shape = _shape(known_y, "known_y")
    is_row = len(y_shape) == 2 and y_shape[0] == 1 and y_shape[1] > 1
    y = np.asarray(known_y, dtype=object).reshape(-1) if is_row else known_y
    n = y_shape[1] if is_row else (y_shape[0] if y_shape else 1)
    if known_x is None:
        known_x = np.arange(1.0, n + 1.0)
    x_shape = _shape(known_x, "known_x")
    if is_row and len(x_shape) == 2:
        if x_shape[1] != n:
            raise InputError(f"known_x has {x_shape[1]} columns but known_y is a row of {n}; {_REF}. "
                             "Select ranges with the same number of columns (one row per variable).")
        known_x = np.asarray(known_x, dtype=object).T
    elif len(x_shape) >= 1 and x_shape[0] != n:
        what = "a row of" if is_row else "a column of"
        raise InputError(f"known_x has {x_shape[0]} {'values' if is_row else 'rows'} but known_y is {what} {n}; "
                         f"{_REF}. Select ranges with the same number of {'columns' if is_row else 'rows'}.")
    return as_dataset(known_x, y, fit_intercept=const, moments=moments, x_name="known_x", y_name="known_y")


def regression_stats(known_y: Any, known_x: Any = None, coef: Any = None, intercept: Any = None,
                     const: Any = True) -> RegressionStats:
    """LINEST / ToolPak statistics at the least-squares solution or at a given coefficient vector.

    Parameters
    ----------
    known_y, known_x : array-like
        As for :func:`linest` (Excel orientation rules; ``known_x`` may be omitted).
    coef : array-like, optional
        Coefficients in X's column order, original units (e.g. ``FitResult.coef``). None means the
        closed-form least-squares solution.
    intercept : float, optional
        Required with ``coef`` when ``const`` is True; must be 0/None when ``const`` is False.
    const : bool
        Fit an intercept (True) or force it to 0 (False, uncentred R², F and ss_reg as Excel).

    Returns
    -------
    RegressionStats
        ``coef, intercept, bse, bse_intercept, rsquared, rsquared_adj, multiple_r, se_y, fvalue,
        f_pvalue, df_model, df_resid, ss_reg, ss_resid, ss_total, params, tvalues, pvalues,
        conf_int()``; :func:`linest_block` lays them out as LINEST. ``ss_reg`` is
        ``ss_total - ss_resid`` at the given vector.
    """
    const = excel_flag("const", const, True)
    return stats_at(linest_dataset(known_y, known_x, const), coef, intercept, const=const)


def linest(known_y: Any, known_x: Any = None, const: Any = True, stats: Any = False) -> np.ndarray:
    """Excel's LINEST: least-squares coefficients (and statistics) in LINEST's exact layout.

    Parameters
    ----------
    known_y : array-like
        One column (or one row) of y values.
    known_x : array-like, optional
        One column per variable (one row per variable when ``known_y`` is a row). Omitted means
        1, 2, ..., n as in Excel.
    const : bool, default True
        False forces the intercept to 0 (then se_b is #N/A and r², F, ss_reg are uncentred).
    stats : bool, default False
        Return the 5-row block instead of the coefficient row.

    Returns
    -------
    numpy.ndarray
        Shape (1, k+1), or (5, k+1) with ``stats``: ``{m_k ... m_1, b; se_k ... se_1, se_b;
        r2, se_y; F, df; ss_reg, ss_resid}``. NaN stands for Excel's #N/A (rows 3-5 beyond column
        2, se_b without a constant) and for error values. A column that is a linear combination of
        earlier columns gets coefficient 0 and se 0, and is not counted in ``df``.
    """
    result = regression_stats(known_y, known_x, const=const)
    return linest_block(result, stats=excel_flag("stats", stats, False))
