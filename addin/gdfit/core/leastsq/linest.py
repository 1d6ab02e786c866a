"""Excel's regression outputs: LINEST's array and the Analysis ToolPak's "SUMMARY OUTPUT".

Both take Excel's argument order (``known_y`` first) and can be computed at the least-squares
solution or at any coefficient vector (a gradient-descent or Solver answer); the statistics
themselves live in :mod:`gdfit.core.leastsq.statistics`.
"""
from __future__ import annotations

import math
from numbers import Real
from typing import Any, Sequence

import numpy as np

from gdfit.core.data import Dataset, InputError, OptionError, as_dataset
from gdfit.core.leastsq.statistics import RegressionStats, stats_at

__all__ = ["linest", "regression_stats", "regression_output", "linest_dataset", "excel_flag",
           "RegressionStats"]

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


def linest_dataset(known_y: Any, known_x: Any = None, const: bool = True) -> Dataset:
    """Validate LINEST-style inputs and return them as one Dataset (variables as columns).

    Like Excel: ``known_y`` in one column means each column of ``known_x`` is a variable; in one
    row, each row of ``known_x`` is a variable. ``known_x`` omitted (None) means 1, 2, ..., n.
    Sizes that do not match raise :class:`InputError` (Excel shows #REF!).
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
    return as_dataset(known_x, y, fit_intercept=const, x_name="known_x", y_name="known_y")


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
        f_pvalue, df_model, df_resid, ss_reg, ss_resid, ss_total, tvalues, pvalues, conf_int()``
        and ``linest_block()``. ``ss_reg`` is ``ss_total - ss_resid`` at the given vector.
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
    return result.linest_block(stats=excel_flag("stats", stats, False))


def _names(data: Dataset, known_x: Any, labels: Any) -> tuple[list[str], str | None]:
    """X row names for the ToolPak table, and the y label when one is known."""
    if labels is None or labels is False:
        return [f"X Variable {j + 1}" for j in range(data.p)], None
    if labels is True:
        if getattr(known_x, "columns", None) is None:
            raise InputError("labels=True needs known_x as a DataFrame with column names; "
                             "pass a list of names instead.")
        return list(data.labels), (data.y_label if data.y_label != "y" else None)
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise InputError(f"labels must be True, None or a list of names; got {labels!r}.")
    if len(labels) != data.p:
        raise InputError(f"labels has {len(labels)} name(s) but known_x has {data.p} column(s); "
                         "give one name per X column.")
    return [str(v) for v in labels], None


def _check_confidence(confidence: Any) -> float:
    ok = isinstance(confidence, (Real, np.number)) and not isinstance(confidence, (bool, np.bool_))
    if not (ok and 0.0 < float(confidence) < 1.0):
        raise OptionError(f"The 'confidence' option must be a number between 0 and 1 (e.g. 0.95 for 95%); "
                          f"got {confidence!r}.")
    return float(confidence)


def regression_output(known_y: Any, known_x: Any = None, const: Any = True, confidence: Any = 0.95,
                      labels: Any = None, residuals: bool = False, standardized: bool = False,
                      probability: bool = False, coef: Any = None,
                      intercept: Any = None) -> list[list[Any]]:
    """The Analysis ToolPak's Regression "SUMMARY OUTPUT" as rows of cells.

    Parameters
    ----------
    known_y, known_x : array-like
        Y range and X range (columns are variables). Unlike the ToolPak, which stops at 16 X
        columns and needs contiguous ranges, any number of columns is accepted.
    const : bool, default True
        False is the ToolPak's "Constant is Zero": the Intercept row shows 0 then #N/A (NaN), the
        total sum of squares is uncentred and the df column reads k, n - k, n.
    confidence : float, default 0.95
        The "Confidence Level" box as a fraction; it sets the last column pair ("Lower 90.0%").
    labels : True, list of str, or None
        True takes the names of a DataFrame's columns (and of y, for the residual headers); a
        list gives names; None writes "X Variable 1..k".
    residuals, standardized, probability : bool
        Add the RESIDUAL OUTPUT block (with "Standard Residuals" when ``standardized``) and the
        PROBABILITY OUTPUT block.
    coef, intercept : optional
        Compute the block at these coefficients (X's column order) instead of least squares.

    Returns
    -------
    list of list
        Rows of 9 cells starting at the output cell (A1 of a new sheet); None is a blank cell and
        NaN a #N/A. Below the coefficient table, after three blank rows, come the RESIDUAL OUTPUT
        (columns A-D) and, one blank column to its right, the PROBABILITY OUTPUT; each is a title
        row, a blank row, a header row and one row per observation. Standard Residuals are the
        residuals divided by ``sqrt(sum(r**2) / (n - 1))``, the ToolPak's (undocumented) divisor.
    """
    const = excel_flag("const", const, True)
    c = _check_confidence(confidence)
    data = linest_dataset(known_y, known_x, const)
    names, y_label = _names(data, known_x, labels)
    st = stats_at(data, coef, intercept, const=const)
    rows = _summary_rows(st, c, names)
    if residuals or standardized or probability:
        rows += _observation_rows(st, bool(residuals or standardized), bool(standardized),
                                  bool(probability), y_label)
    return [row + [None] * (9 - len(row)) for row in rows]


def _summary_rows(st: RegressionStats, c: float, names: list[str]) -> list[list[Any]]:
    pct = f"{100.0 * c:.1f}%"
    rows: list[list[Any]] = [
        ["SUMMARY OUTPUT"], [],
        ["Regression Statistics"],
        ["Multiple R", st.multiple_r], ["R Square", st.rsquared], ["Adjusted R Square", st.rsquared_adj],
        ["Standard Error", st.se_y], ["Observations", st.n], [],
        ["ANOVA"],
        [None, "df", "SS", "MS", "F", "Significance F"],
        ["Regression", st.df_model, st.ss_reg, st.mse_model, st.fvalue, st.f_pvalue],
        ["Residual", st.df_resid, st.ss_resid, st.mse_resid],
        ["Total", st.df_model + st.df_resid, st.ss_total], [],
        [None, "Coefficients", "Standard Error", "t Stat", "P-value", "Lower 95%", "Upper 95%",
         f"Lower {pct}", f"Upper {pct}"],
    ]
    ci95, cic = st.conf_int(0.95), st.conf_int(c)
    table = np.column_stack([st.params, st.bse_params, st.tvalues, st.pvalues, ci95, cic])
    if not st.const:
        rows.append(["Intercept", 0.0] + [math.nan] * 7)
    for name, values in zip((["Intercept"] if st.const else []) + names, table):
        rows.append([name] + [float(v) for v in values])
    return rows


def _observation_rows(st: RegressionStats, residuals: bool, standardized: bool, probability: bool,
                      y_label: str | None) -> list[list[Any]]:
    n = st.n
    y_name = y_label or "Y"
    left: list[list[Any]] = []
    if residuals:
        resid = st.residuals
        head = ["Observation", f"Predicted {y_name}", "Residuals"] + (["Standard Residuals"] if standardized else [])
        scale = math.sqrt(math.fsum(resid * resid) / (n - 1)) if n > 1 else math.nan
        body = [[i + 1, float(st.fitted[i]), float(resid[i])]
                + ([float(resid[i] / scale) if scale > 0 else math.nan] if standardized else [])
                for i in range(n)]
        left = [["RESIDUAL OUTPUT"], [], head] + body
    width = len(left[2]) + 1 if left else 0
    right: list[list[Any]] = []
    if probability:
        ys = np.sort(st.y)
        right = [["PROBABILITY OUTPUT"], [], ["Percentile", y_name]]
        right += [[100.0 * (i + 0.5) / n, float(ys[i])] for i in range(n)]
    rows: list[list[Any]] = [[], [], []]
    for i in range(max(len(left), len(right))):
        row = list(left[i]) if i < len(left) else []
        if i < len(right):
            row = row + [None] * (width - len(row)) + right[i]
        rows.append(row)
    return rows
