"""The Analysis ToolPak's Regression "SUMMARY OUTPUT" block, at the least-squares solution or at
any coefficient vector, with the optional RESIDUAL and PROBABILITY OUTPUT tables."""
from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real
from typing import Any, Sequence

import numpy as np

from gdfit.core.data import Dataset, InputError, OptionError
from gdfit.core.leastsq.closed_form import OLSResult
from gdfit.core.leastsq.linest import excel_flag, linest_dataset
from gdfit.core.leastsq.statistics import RegressionStats, stats_at

__all__ = ["regression_output", "toolpak_regression", "ToolPakRegression", "toolpak_order"]


@dataclass(frozen=True)
class ToolPakRegression:
    """The ToolPak's Regression output as numbers: its statistics, X row names and confidence level.

    Every number of the block is a field of :attr:`stats` ("R Square" is ``stats.rsquared``, the
    Residual SS ``stats.ss_resid``, the Coefficients column ``stats.params`` in gdfit's order);
    :meth:`rows` lays them out as the ToolPak does.
    """

    stats: RegressionStats
    confidence: float
    names: tuple[str, ...]
    y_label: str | None = None

    def rows(self, residuals: bool = False, standardized: bool = False,
             probability: bool = False) -> list[list[Any]]:
        """The SUMMARY OUTPUT rows, with the RESIDUAL and PROBABILITY OUTPUT blocks when asked
        (see :func:`regression_output`); every row 9 cells wide."""
        rows = _summary_rows(self.stats, self.confidence, list(self.names))
        if residuals or standardized or probability:
            head, columns = self.observations(residuals, standardized, probability)
            values = [[None] * self.stats.n if c is None else c.tolist() for c in columns]
            rows += head + [list(row) for row in zip(*values)]
        return [row + [None] * (9 - len(row)) for row in rows]

    def observations(self, residuals: bool = False, standardized: bool = False,
                     probability: bool = False) -> tuple[list[list[Any]], list[np.ndarray | None]]:
        """The RESIDUAL and PROBABILITY OUTPUT that :meth:`rows` puts under the SUMMARY OUTPUT:
        the rows over them (three blank rows, the titles, a blank row, the headers), and the
        columns of the one row per observation below, 9 wide, None for an empty column. A million
        observations are then a few arrays rather than a million lists."""
        return _observation_block(self.stats, bool(residuals or standardized), bool(standardized),
                                  bool(probability), self.y_label)


def toolpak_order(values: np.ndarray, const: bool) -> np.ndarray:
    """gdfit's parameter order to the ToolPak's rows: the intercept (last in gdfit's) first."""
    return np.roll(values, 1, axis=0) if const else values


def _x_names(data: Dataset, labels: Any) -> tuple[str, ...]:
    """The X row names: "X Variable 1..k" for None, else one given name per X column."""
    if labels is None:
        return tuple(f"X Variable {j + 1}" for j in range(data.p))
    if isinstance(labels, str) or not isinstance(labels, Sequence):
        raise InputError(f"labels must be True, None or a list of names; got {labels!r}.")
    if len(labels) != data.p:
        raise InputError(f"labels has {len(labels)} name(s) but known_x has {data.p} column(s); "
                         "give one name per X column.")
    return tuple(str(v) for v in labels)


def _check_confidence(confidence: Any) -> float:
    ok = isinstance(confidence, (Real, np.number)) and not isinstance(confidence, (bool, np.bool_))
    if not (ok and 0.0 < float(confidence) < 1.0):
        raise OptionError(f"The 'confidence' option must be a number between 0 and 1 (e.g. 0.95 for 95%); "
                          f"got {confidence!r}.")
    return float(confidence)


def toolpak_regression(data: Dataset, *, const: bool = True, confidence: Any = 0.95, labels: Any = None,
                       y_label: str | None = None, coef: Any = None, intercept: Any = None,
                       ols: OLSResult | None = None) -> ToolPakRegression:
    """The ToolPak's Regression on validated ``data`` (from :func:`linest_dataset` or ``as_dataset``
    with ``fit_intercept=const``); the arguments are those of :func:`regression_output`, ``labels``
    a list of names or None, ``y_label`` the response's name for the residual headers, ``ols`` the
    closed form of ``data`` if the caller has it (see :func:`stats_at`)."""
    c = _check_confidence(confidence)
    names = _x_names(data, labels)
    return ToolPakRegression(stats_at(data, coef, intercept, const=const, ols=ols), c, names, y_label)


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
    y_label = None
    if labels is True:
        if getattr(known_x, "columns", None) is None:
            raise InputError("labels=True needs known_x as a DataFrame with column names; "
                             "pass a list of names instead.")
        labels, y_label = list(data.labels), (data.y_label if data.y_label != "y" else None)
    elif labels is False:
        labels = None
    result = toolpak_regression(data, const=const, confidence=c, labels=labels, y_label=y_label,
                                coef=coef, intercept=intercept)
    return result.rows(residuals, standardized, probability)


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
    for name, values in zip((["Intercept"] if st.const else []) + names, toolpak_order(table, st.const)):
        rows.append([name] + [float(v) for v in values])
    return rows


def _observation_block(st: RegressionStats, residuals: bool, standardized: bool, probability: bool,
                       y_label: str | None) -> tuple[list[list[Any]], list[np.ndarray | None]]:
    n = st.n
    y_name = y_label or "Y"
    left_head: list[list[Any]] = []
    left: list[np.ndarray | None] = []
    if residuals:
        resid = np.asarray(st.residuals, dtype=float)
        left_head = [["RESIDUAL OUTPUT"], [], ["Observation", f"Predicted {y_name}", "Residuals"]
                     + (["Standard Residuals"] if standardized else [])]
        left = [np.arange(1, n + 1, dtype=np.int64), np.asarray(st.fitted, dtype=float), resid]
        if standardized:
            scale = math.sqrt(math.fsum(resid * resid) / (n - 1)) if n > 1 else math.nan
            left.append(resid / scale if scale > 0 else np.full(n, math.nan))
    width = len(left) + 1 if left else 0  # one blank column between the two blocks
    right_head: list[list[Any]] = []
    right: list[np.ndarray | None] = []
    if probability:
        right_head = [["PROBABILITY OUTPUT"], [], ["Percentile", y_name]]
        right = [100.0 * (np.arange(n) + 0.5) / n, np.sort(np.asarray(st.y, dtype=float))]
    head: list[list[Any]] = [[], [], []]
    for i in range(3):
        row = list(left_head[i]) if left_head else []
        if right_head:
            row = row + [None] * (width - len(row)) + right_head[i]
        head.append(row)
    columns = left + ([None] * (width - len(left)) + right if right else [])
    return head, columns + [None] * (9 - len(columns))
