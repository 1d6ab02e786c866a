"""What each worksheet function computes: Excel-shaped arguments in, rows of cells out.

Each function validates its arguments with :mod:`gdfit.excel.convert`, calls the core
(``fit``, ``regression_stats``, ``regression_output``, ``solve``, ``compare``) and returns rows
for Excel. Fits, comparisons and Solver runs are shared through :data:`cache.RESULTS`, keyed by
the numbers and the options, so ``GD_FIT``, ``GD_HISTORY`` and ``GD_PREDICT`` on the same data
run one gradient descent, and a recalculation with unchanged inputs runs none. Every fit is
seeded and capped in time (``max_time``); a capped fit is returned as it stands, flagged not
converged (see ``GD_STATUS``).
"""
from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from gdfit.core.compare import compare
from gdfit.core.data import InputError, check_choice
from gdfit.core.descent.fit import ConvergenceWarning, FitResult, fit_dataset
from gdfit.core.descent.fit import fit as run_fit
from gdfit.core.descent.losses import ALIASES, LOSSES, get_loss
from gdfit.core.leastsq.linest import linest_block, linest_dataset, linest_order, regression_stats
from gdfit.core.leastsq.toolpak import regression_output
from gdfit.core.logistic.labels import encode_labels
from gdfit.core.logistic.mle import logit_at
from gdfit.core.solver.solve import SOLVER_LABEL, solve
from gdfit.excel import convert
from gdfit.excel.cache import RESULTS, content_key
from gdfit.excel.convert import ExcelData

__all__ = ["fit_options", "fitted", "fit_block", "history_rows", "status_rows", "predict_rows",
           "loss_value", "learning_rate_rows", "summary_rows", "solver_rows", "compare_rows", "logit_block",
           "logit_predict_rows"]

DEFAULT_MAX_ITER = 1000


def fit_options(learning_rate: Any = None, max_iter: Any = None, loss: Any = None,
                method: Any = None, batch_size: Any = None, seed: Any = None,
                max_time: Any = None) -> dict[str, Any]:
    """The optional arguments shared by the fitting functions, with their defaults."""
    return {"learning_rate": convert.learning_rate(learning_rate),
            "max_iter": convert.option(max_iter, DEFAULT_MAX_ITER),
            "loss": convert.option(loss, "mse"), "method": convert.option(method, "gd"),
            "batch_size": convert.option(batch_size, None), "seed": convert.option(seed, 0),
            "max_time": convert.max_time(max_time)}


def _frame(data: ExcelData) -> pd.DataFrame:
    return pd.DataFrame(data.X, columns=list(data.labels))


def _quietly(call):
    # A capped or unconverged fit is reported in its result (GD_STATUS); a warning printed
    # into Excel's Python console helps no one.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return call()


def _fit(data: ExcelData, const: bool, options: dict[str, Any]) -> FitResult:
    checked = linest_dataset(data.y, _frame(data), const, moments=True)  # worded with Excel's names
    return _quietly(lambda: fit_dataset(checked, fit_intercept=const, **options))


def fitted(data: ExcelData, const: bool, options: dict[str, Any]) -> FitResult:
    """The gradient-descent fit of ``data``, computed once per distinct content and options."""
    key = content_key("fit", data.X, data.y, data.labels, const, sorted(options.items()))
    return RESULTS.get(key, lambda: _fit(data, const, options))


def _prepare(known_y: Any, known_x: Any, constant: Any, fit_args: tuple, linear: bool = False) -> tuple:
    if linear and isinstance(fit_args[2], str) and fit_args[2].strip().lower() == "log":
        # LINEST's statistics, TREND's predictions and the ToolPak's block are about lines.
        raise InputError("loss \"log\" is logistic regression: use GD_LOGIT (coefficients and statistics) "
                         "or GD_LOGIT_PREDICT (probabilities).")
    data = convert.excel_data(known_y, known_x)
    const = convert.flag("constant", constant, True)
    return data, const, fitted(data, const, fit_options(*fit_args))


def _stats(data: ExcelData, const: bool, fit: FitResult):
    return regression_stats(data.y, data.X, fit.coef, fit.intercept if const else None, const)


def fit_block(known_y, known_x, constant, stats, *fit_args) -> list[list[Any]]:
    """GD_FIT: LINEST's array (1 row, or 5 with ``stats``) at the gradient-descent solution."""
    data, const, fit = _prepare(known_y, known_x, constant, fit_args, linear=True)
    show = convert.flag("stats", stats, False)
    return convert.cells(linest_block(_stats(data, const, fit), stats=show))


def history_rows(known_y, known_x, constant, *fit_args) -> list[list[Any]]:
    """GD_HISTORY: the iteration table with its header row."""
    _, _, fit = _prepare(known_y, known_x, constant, fit_args)
    header = [str(c) for c in fit.history.columns]
    return [header] + convert.cells(fit.history.to_numpy(dtype=float))


def status_rows(known_y, known_x, constant, *fit_args) -> list[list[Any]]:
    """GD_STATUS: whether the fit converged, how far it went and why it stopped."""
    _, _, fit = _prepare(known_y, known_x, constant, fit_args)
    return convert.cells([["converged", fit.converged], ["diverged", fit.diverged],
                          ["iterations", fit.n_iter], [f"final {fit.loss_name}", fit.loss],
                          ["learning rate", fit.learning_rate], ["seconds", fit.seconds],
                          ["stopped because", fit.message]])


def _new_x(data, new_x, excel_says: str = ""):
    """``new_x`` as a block of the known x's shape (the known x themselves when omitted)."""
    X_new = data.X if new_x is None else convert.excel_block(
        new_x, "new_x", by_row=data.by_row, skip_blank=False, header=True)
    k = data.X.shape[1]
    if X_new.shape[1] != k:
        unit = "row" if data.by_row else "column"
        raise InputError(f"new_x has {X_new.shape[1]} {unit}(s) but known_x has {k}; give one "
                         f"{unit} per x variable{excel_says}.")
    return X_new


def predict_rows(known_y, known_x, new_x, constant, *fit_args) -> list[list[Any]]:
    """GD_PREDICT: fitted values at ``new_x`` (default: the known x), shaped like TREND's."""
    data, const, fit = _prepare(known_y, known_x, constant, fit_args, linear=True)
    X_new = _new_x(data, new_x, " (TREND would show #REF!)")
    predicted = X_new @ fit.coef + fit.intercept  # the fitted line itself, at other x
    return convert.cells([predicted] if data.by_row else predicted[:, None])


def _loss_name(loss: Any) -> str:
    name = check_choice("loss", convert.option(loss, "mse"), (*LOSSES, *ALIASES))
    return ALIASES.get(name, name)


def loss_value(known_y, known_x, coefficients, loss) -> float:
    """GD_LOSS: the loss of given coefficients (LINEST's order: last slope first, intercept last)."""
    data = convert.excel_data(known_y, known_x)
    values = convert.excel_block(coefficients, "coefficients", skip_blank=False).reshape(-1)
    k = data.X.shape[1]
    if values.size not in (k, k + 1):
        raise InputError(f"coefficients has {values.size} value(s) but known_x has {k} "
                         f"column(s); give {k + 1} values as LINEST returns them (slopes from "
                         f"the last column to the first, then the intercept), or {k} for a "
                         "line through the origin.")
    const = values.size == k + 1
    params = linest_order(values, const)
    st = regression_stats(data.y, data.X, params[:k], float(params[k]) if const else None, const)
    return float(get_loss(_loss_name(loss)).value(st.fitted - st.y))


def learning_rate_rows(known_x, loss, constant, known_y, method, batch_size) -> list[list[Any]]:
    """GD_LEARNING_RATE: the automatic step 1/L and the largest stable step 2/L for the data."""
    name = _loss_name(loss)
    const = convert.flag("constant", constant, True)
    if known_y is None:
        if not LOSSES[name].smooth or LOSSES[name].root:
            raise InputError(f"loss {name!r} needs known_y: its step depends on the size of the "
                             "errors; give known_y as the 4th argument.")
        X = convert.excel_block(known_x, "known_x", header=True)
        y = np.zeros(X.shape[0])
    else:
        data = convert.excel_data(known_y, known_x)
        X, y = data.X, data.y
    fit = _quietly(lambda: run_fit(
        X, y, max_iter=0, loss=name, method=convert.option(method, "gd"),
        batch_size=convert.option(batch_size, None), fit_intercept=const))
    limit = math.nan if fit.stable_limit is None else fit.stable_limit
    return convert.cells([["auto learning rate", "largest stable rate (2/L)"],
                          [fit.learning_rate, limit]])


def _confidence(value: Any) -> Any:
    value = convert.option(value, 0.95)
    # The ToolPak's box takes a percentage (95); accept both spellings.
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 < value < 100:
        return value / 100.0
    return value


def summary_rows(known_y, known_x, constant, confidence, *fit_args) -> list[list[Any]]:
    """GD_SUMMARY: the ToolPak's SUMMARY OUTPUT computed at the gradient-descent solution."""
    data, const, fit = _prepare(known_y, known_x, constant, fit_args, linear=True)
    rows = regression_output(data.y, data.X, const=const, confidence=_confidence(confidence),
                             labels=list(data.labels) if data.has_header else None,
                             coef=fit.coef, intercept=fit.intercept if const else None)
    return convert.cells(rows)


def _linest_names(data: ExcelData, const: bool) -> list[str]:
    return linest_order([f"slope ({label})" for label in data.labels] + (["intercept"] if const else []), const)


def solver_rows(known_y, known_x, constant, start, nonnegative, max_time) -> list[list[Any]]:
    """GD_SOLVER: the Solver-equivalent's answer, variables in LINEST's order."""
    data = convert.excel_data(known_y, known_x)
    const = convert.flag("constant", constant, True)
    nonneg = convert.flag("nonnegative", nonnegative, True)
    seconds = convert.max_time(max_time)
    k = data.X.shape[1]
    first = None
    if start is not None:
        values = convert.excel_block(start, "start", skip_blank=False).reshape(-1)
        # LINEST order (last slope first, intercept last) to Solver's (X's columns, intercept);
        # a wrong count goes through as given, for solve's message.
        first = np.array(linest_order(values, const)) if values.size == k + int(const) else values
    key = content_key("solve", data.X, data.y, const, first, nonneg, seconds)
    result = RESULTS.get(key, lambda: solve(data.y, data.X, const=const, start=first,
                                            assume_nonnegative=nonneg, max_time=seconds))
    values = linest_order(result.params, const)
    rows = [[SOLVER_LABEL, "value"]] + [[n, v] for n, v in zip(_linest_names(data, const), values)]
    rows += [["SSE", result.sse], ["iterations", result.n_iter], ["status code", result.status],
             ["message", result.message]]
    return convert.cells(rows)


def compare_rows(known_y, known_x, constant, *fit_args) -> list[list[Any]]:
    """GD_COMPARE: the parity table, gradient descent next to Excel's ways, with its header."""
    data = convert.excel_data(known_y, known_x)
    const = convert.flag("constant", constant, True)
    options = fit_options(*fit_args)
    key = content_key("compare", data.X, data.y, data.labels, const, sorted(options.items()))
    cmp = RESULTS.get(key, lambda: _quietly(lambda: compare(
        data.y, _frame(data), const=const, solver_options={"max_time": options["max_time"]},
        **options)))
    return convert.cells(cmp.rows())


# ---- logistic regression ---------------------------------------------------------------------

def _logit_data(known_y: Any, known_x: Any, positive: Any) -> tuple[ExcelData, tuple[Any, Any]]:
    """``known_y`` of two labels (numbers, TRUE/FALSE or words) as 0/1 cells, then LINEST's reader.

    A first cell of text is a header when every ``known_x`` column starts with text too, or, with
    ``known_x`` omitted, when it is a third value that occurs only there.
    """
    rows = convert.grid(known_y, "known_y")
    by_row = len(rows) == 1 and len(rows[0]) > 1
    flat = rows[0] if by_row else [row[0] for row in rows]
    first_x = None
    if known_x is not None:
        x_rows = convert.grid(known_x, "known_x")
        first_x = [row[0] for row in x_rows] if by_row else x_rows[0]
    rest = {v for v in flat[1:] if not convert.is_blank(v)}
    header = len(flat) > 1 and convert.is_label(flat[0]) and (
        all(map(convert.is_label, first_x)) if first_x is not None else flat[0] not in rest and len(rest) == 2)
    body = flat[1:] if header else flat
    present = [v for v in body if not convert.is_blank(v)]
    labels = encode_labels(present, positive, "known_y")
    codes = iter(np.asarray(labels.y, dtype=float).tolist())
    encoded = [None if convert.is_blank(v) else next(codes) for v in body]
    cells_y = ([flat[0]] if header else []) + encoded
    y_arg = [cells_y] if by_row else [[v] for v in cells_y]
    return convert.excel_data(y_arg, known_x), (labels.negative, labels.positive)


def _logit_fit(known_y, known_x, constant, fit_args: tuple, l2: Any, positive: Any) -> tuple:
    data, classes = _logit_data(known_y, known_x, positive)
    const = convert.flag("constant", constant, True)
    learning_rate, max_iter, method, batch_size, seed, max_time = fit_args
    options = fit_options(learning_rate, max_iter, "log", method, batch_size, seed, max_time)
    options["l2"] = convert.option(l2, 0.0)
    return data, const, classes, fitted(data, const, options)


def logit_block(known_y, known_x, constant, stats, learning_rate, max_iter, method, batch_size, seed,
                max_time, l2=None, positive=None) -> list[list[Any]]:
    """GD_LOGIT: LINEST's layout for logistic regression fitted by gradient descent.

    Row 1 the coefficients (last x first) then the intercept; with ``stats``: row 2 their standard
    errors (from the Hessian at the descent's answer), row 3 McFadden's R² and -2LL, row 4 the
    likelihood-ratio χ² and its df, row 5 LL and LL of the intercept-only model; #N/A elsewhere.
    """
    fit_args = (learning_rate, max_iter, method, batch_size, seed, max_time)
    data, const, _, fit = _logit_fit(known_y, known_x, constant, fit_args, l2, positive)
    show = convert.flag("stats", stats, False)
    # LINEST shows b = 0 (and #N/A for its standard error) when the constant is left out.
    top = list(linest_order(fit.params, const)) + ([] if const else [0.0])
    if not show:
        return convert.cells([top])
    checked = linest_dataset(data.y, _frame(data), const)
    at = logit_at(checked, fit.coef, fit.intercept, fit_intercept=const, l2=fit.options["l2"])
    width = len(top)
    na = math.nan  # shown as #N/A

    def row(*values):
        return list(values) + [na] * (width - len(values))
    errors = list(linest_order(at.bse, const)) + ([] if const else [na])
    return convert.cells([top, errors, row(at.prsquared, -2.0 * at.llf),
                          row(at.llr, at.df_model), row(at.llf, at.llnull)])


def logit_predict_rows(known_y, known_x, new_x, constant, learning_rate, max_iter, method, batch_size,
                       seed, max_time, l2=None, positive=None) -> list[list[Any]]:
    """GD_LOGIT_PREDICT: the probability of the positive label at each row of ``new_x`` (default known_x)."""
    fit_args = (learning_rate, max_iter, method, batch_size, seed, max_time)
    data, const, _, fit = _logit_fit(known_y, known_x, constant, fit_args, l2, positive)
    X_new = _new_x(data, new_x)
    probability = fit.predict_proba(X_new)
    return convert.cells([probability] if data.by_row else probability[:, None])
