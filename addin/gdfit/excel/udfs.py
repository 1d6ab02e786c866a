"""gdfit's worksheet functions for the classic xlwings add-in (Windows Excel).

``=GD_FIT(known_y, known_x, ...)`` takes LINEST's arguments and returns LINEST's layout at the
gradient-descent solution, so ``=GD_FIT(B2:B31,A2:A31)-LINEST(B2:B31,A2:A31)`` shows how far
the descent is from the closed form. Each function here only declares how Excel passes the
arguments (the docstrings and ``doc=`` texts are what the Function Wizard shows) and calls
:mod:`gdfit.excel.functions`.

Common behaviour (also in the README):

* Ranges: rows that are blank in ``known_y`` and every ``known_x`` column are skipped, so
  whole-column references work; a first row of text in every range is read as headers.
  Any other blank, text, TRUE/FALSE or error value gives a one-line message in the cell, naming
  the argument, the row and the fix, e.g. ``GD_FIT: known_x has a blank at row 4; ...``.
* #N/A where LINEST shows #N/A (as Excel's error value, not text).
* Deterministic (``seed``, default 0) and not volatile; results are cached by content, so
  recalculating unchanged inputs does not refit.
* Time cap: a fit stops after ``max_time`` seconds (default 5, or the environment variable
  ``GDFIT_MAX_TIME``) and returns the last iterate; ``GD_STATUS`` then shows converged FALSE.
* ``constant`` is LINEST's ``const`` (``const`` itself is a reserved word in VBA).

Each function's docstring is the one line the Function Wizard shows (Excel takes 255
characters), written as adjacent string literals.
"""
from __future__ import annotations

import logging
from typing import Any

import xlwings as xw

from gdfit.excel import convert

__all__ = ["GD_FIT", "GD_HISTORY", "GD_STATUS", "GD_PREDICT", "GD_LOSS", "GD_LEARNING_RATE",
           "GD_SUMMARY", "GD_SOLVER", "GD_COMPARE", "GD_LOGIT", "GD_LOGIT_PREDICT"]

log = logging.getLogger(__name__)
CATEGORY = "gdfit"

Y = "The y values: one column (or one row). Blank rows are skipped; a text first row is a header."
X = ("The x values: one column per variable, same rows as known_y. Omitted: 1, 2, 3, ... "
     "as in LINEST.")
CONST = "TRUE or omitted: fit the intercept b. FALSE: force b = 0 (a line through the origin)."
RATE = ("Step size on standardised columns, or \"auto\" (default: 1/L, see GD_LEARNING_RATE). "
        "Too large a step diverges.")
ITERS = "Most iterations (epochs for sgd/minibatch). Default 1000."
LOSS = "What is minimised: \"mse\" (default), \"sse\", \"rmse\", \"mae\", \"sae\" or \"huber\"."
METHOD = ("\"gd\" (default: all rows per step), \"sgd\" (one row per step) or \"minibatch\" "
          "(batch_size rows).")
BATCH = "Rows per step for method \"minibatch\" (default 32)."
SEED = "Seed for the row shuffling of sgd/minibatch (default 0): same seed, same answer."
TIME = "Seconds before the fit stops and returns its last step (default 5 or GDFIT_MAX_TIME)."


def _call(name: str, function: str, *args: Any) -> Any:
    """Run ``functions.<function>``; any failure becomes the one line the cell shows."""
    try:
        from gdfit.excel import functions  # imported on first use: registering the UDFs stays fast
        return getattr(functions, function)(*args)
    except Exception as exc:  # noqa: BLE001 - a worksheet function must never raise into Excel
        if not convert.expected(exc):
            log.exception("%s failed", name)  # a bug: its traceback, for the report it asks for
        return convert.message(name, exc)


def _data_args(function):
    """Decorate LINEST's data arguments: known_y, known_x (2-D, error values as text), constant."""
    function = xw.arg("known_y", ndim=2, err_to_str=True, doc=Y)(function)
    function = xw.arg("known_x", ndim=2, err_to_str=True, doc=X)(function)
    return xw.arg("constant", doc=CONST)(function)


def _fit_args(function):
    """Decorate the optional fit arguments every fitting function shares."""
    for name, doc in (("learning_rate", RATE), ("max_iter", ITERS), ("loss", LOSS),
                      ("method", METHOD), ("batch_size", BATCH), ("seed", SEED),
                      ("max_time", TIME)):
        function = xw.arg(name, doc=doc)(function)
    return function


@xw.func(category=CATEGORY)
@_data_args
@xw.arg("stats", doc="TRUE: the 5-row LINEST block (standard errors, R², F, sums of squares).")
@_fit_args
def GD_FIT(known_y, known_x=None, constant=None, stats=None, learning_rate=None, max_iter=None,
           loss=None, method=None, batch_size=None, seed=None, max_time=None):
    ("Like LINEST, fitted by gradient descent: slopes (last x first), then the intercept. With "
     "stats=TRUE, LINEST's 5-row statistics at that answer. =GD_FIT(...)-LINEST(...) shows the "
     "difference.")
    return _call("GD_FIT", "fit_block", known_y, known_x, constant, stats, learning_rate,
                 max_iter, loss, method, batch_size, seed, max_time)


@xw.func(category=CATEGORY)
@_data_args
@_fit_args
def GD_HISTORY(known_y, known_x=None, constant=None, learning_rate=None, max_iter=None,
               loss=None, method=None, batch_size=None, seed=None, max_time=None):
    ("The gradient descent step by step: iteration, loss, gradient norm, learning rate and every "
     "parameter, with a header row. Long runs are thinned to 2000 rows (first and last kept).")
    return _call("GD_HISTORY", "history_rows", known_y, known_x, constant, learning_rate,
                 max_iter, loss, method, batch_size, seed, max_time)


@xw.func(category=CATEGORY)
@_data_args
@_fit_args
def GD_STATUS(known_y, known_x=None, constant=None, learning_rate=None, max_iter=None,
              loss=None, method=None, batch_size=None, seed=None, max_time=None):
    ("Did the gradient descent converge? Converged, diverged, iterations, final loss, learning "
     "rate, seconds and why it stopped (e.g. the max_time cap), as label/value rows.")
    return _call("GD_STATUS", "status_rows", known_y, known_x, constant, learning_rate,
                 max_iter, loss, method, batch_size, seed, max_time)


@xw.func(category=CATEGORY)
@xw.arg("known_y", ndim=2, err_to_str=True, doc=Y)
@xw.arg("known_x", ndim=2, err_to_str=True, doc=X)
@xw.arg("new_x", ndim=2, err_to_str=True,
        doc="x values to predict at, one column per variable. Omitted: known_x.")
@xw.arg("constant", doc=CONST)
@_fit_args
def GD_PREDICT(known_y, known_x=None, new_x=None, constant=None, learning_rate=None,
               max_iter=None, loss=None, method=None, batch_size=None, seed=None, max_time=None):
    ("Like TREND, with the line fitted by gradient descent: the predicted y for each row of new_x "
     "(or of known_x).")
    return _call("GD_PREDICT", "predict_rows", known_y, known_x, new_x, constant,
                 learning_rate, max_iter, loss, method, batch_size, seed, max_time)


@xw.func(category=CATEGORY)
@xw.arg("known_y", ndim=2, err_to_str=True, doc=Y)
@xw.arg("known_x", ndim=2, err_to_str=True, doc=X)
@xw.arg("coefficients", ndim=2, err_to_str=True,
        doc="As LINEST returns them: slopes from the last x to the first, then the intercept "
            "(leave it out for a line through the origin).")
@xw.arg("loss", doc=LOSS)
def GD_LOSS(known_y, known_x, coefficients, loss=None):
    ("The loss (default MSE) of the line given by coefficients in LINEST's order, e.g. "
     "=GD_LOSS(B2:B31,A2:A31,LINEST(B2:B31,A2:A31)).")
    return _call("GD_LOSS", "loss_value", known_y, known_x, coefficients, loss)


@xw.func(category=CATEGORY)
@xw.arg("known_x", ndim=2, err_to_str=True, doc=X)
@xw.arg("loss", doc=LOSS)
@xw.arg("constant", doc=CONST)
@xw.arg("known_y", ndim=2, err_to_str=True,
        doc="The y values; needed only for loss rmse, mae and sae, whose step depends on them.")
@xw.arg("method", doc=METHOD)
@xw.arg("batch_size", doc=BATCH)
def GD_LEARNING_RATE(known_x, loss=None, constant=None, known_y=None, method=None,
                     batch_size=None):
    ("The step gradient descent takes with learning_rate \"auto\" (1/L, L the curvature of the "
     "loss) and the largest stable step 2/L, on standardised columns: 2 cells under a header row.")
    return _call("GD_LEARNING_RATE", "learning_rate_rows", known_x, loss, constant, known_y,
                 method, batch_size)


@xw.func(category=CATEGORY)
@_data_args
@xw.arg("confidence", doc="Confidence level for the last interval columns: 0.95 or 95 (default).")
@_fit_args
def GD_SUMMARY(known_y, known_x=None, constant=None, confidence=None, learning_rate=None,
               max_iter=None, loss=None, method=None, batch_size=None, seed=None, max_time=None):
    ("The Analysis ToolPak's Regression SUMMARY OUTPUT (R², ANOVA, coefficients, t stats, "
     "p-values, intervals) computed at the gradient-descent solution.")
    return _call("GD_SUMMARY", "summary_rows", known_y, known_x, constant, confidence,
                 learning_rate, max_iter, loss, method, batch_size, seed, max_time)


@xw.func(category=CATEGORY)
@_data_args
@xw.arg("start", ndim=2, err_to_str=True,
        doc="Starting values in LINEST's order (slopes last x first, then intercept). Default 0.")
@xw.arg("nonnegative", doc="TRUE or omitted: Solver's default \"Make Unconstrained Variables "
                           "Non-Negative\". FALSE: allow negative values.")
@xw.arg("max_time", doc="Seconds before the search stops (default 5 or GDFIT_MAX_TIME).")
def GD_SOLVER(known_y, known_x=None, constant=None, start=None, nonnegative=None,
              max_time=None):
    ("What Excel's Solver (GRG Nonlinear, default options) would find minimising SSE: gdfit's "
     "Solver-equivalent, not Solver itself. Final values, SSE, iterations and Solver's message.")
    return _call("GD_SOLVER", "solver_rows", known_y, known_x, constant, start, nonnegative,
                 max_time)


@xw.func(category=CATEGORY)
@_data_args
@_fit_args
def GD_COMPARE(known_y, known_x=None, constant=None, learning_rate=None, max_iter=None,
               loss=None, method=None, batch_size=None, seed=None, max_time=None):
    ("Gradient descent next to the closed form, LINEST, the ToolPak and the Solver-equivalent: "
     "coefficients, SSE, R², iterations, seconds and relative difference, with a header row.")
    return _call("GD_COMPARE", "compare_rows", known_y, known_x, constant, learning_rate,
                 max_iter, loss, method, batch_size, seed, max_time)


LABELS_Y = ("The outcomes: one column (or row) of two labels, 0/1, TRUE/FALSE or two words. Blank "
            "rows are skipped; a text first row is a header.")
L2 = ("Ridge penalty l2/2 times the sum of squared standardised coefficients (intercept not "
      "penalised). Default 0. Gives a finite answer when the labels are separated.")
POSITIVE = "The label modelled as 1 (default: the later-sorting one, e.g. 1, TRUE or \"yes\")."


def _logit_args(function):
    """Decorate the logistic fit's optional arguments."""
    for name, doc in (("learning_rate", RATE), ("max_iter", ITERS), ("method", METHOD),
                      ("batch_size", BATCH), ("seed", SEED), ("max_time", TIME), ("l2", L2),
                      ("positive", POSITIVE)):
        function = xw.arg(name, doc=doc)(function)
    return function


@xw.func(category=CATEGORY)
@xw.arg("known_y", ndim=2, err_to_str=True, doc=LABELS_Y)
@xw.arg("known_x", ndim=2, err_to_str=True, doc=X)
@xw.arg("constant", doc=CONST)
@xw.arg("stats", doc="TRUE: rows 2-5 with standard errors, McFadden R2 and -2LL, the LR chi-square "
                     "and df, LL and LL of the null model.")
@_logit_args
def GD_LOGIT(known_y, known_x=None, constant=None, stats=None, learning_rate=None, max_iter=None,
             method=None, batch_size=None, seed=None, max_time=None, l2=None, positive=None):
    ("Logistic regression by gradient descent in LINEST's layout: coefficients (last x first), "
     "then the intercept; stats=TRUE adds standard errors, McFadden R2, -2LL, the LR test and LL.")
    return _call("GD_LOGIT", "logit_block", known_y, known_x, constant, stats, learning_rate,
                 max_iter, method, batch_size, seed, max_time, l2, positive)


@xw.func(category=CATEGORY)
@xw.arg("known_y", ndim=2, err_to_str=True, doc=LABELS_Y)
@xw.arg("known_x", ndim=2, err_to_str=True, doc=X)
@xw.arg("new_x", ndim=2, err_to_str=True,
        doc="x values to predict at, one column per variable. Omitted: known_x.")
@xw.arg("constant", doc=CONST)
@_logit_args
def GD_LOGIT_PREDICT(known_y, known_x=None, new_x=None, constant=None, learning_rate=None,
                     max_iter=None, method=None, batch_size=None, seed=None, max_time=None, l2=None,
                     positive=None):
    ("The probability of the positive label at each row of new_x (or of known_x), from the "
     "logistic regression GD_LOGIT fits by gradient descent.")
    return _call("GD_LOGIT_PREDICT", "logit_predict_rows", known_y, known_x, new_x, constant,
                 learning_rate, max_iter, method, batch_size, seed, max_time, l2, positive)
