"""One parity table: gradient descent next to the closed form, LINEST, the ToolPak and Solver.

Every row comes from the real computation (gradient descent, :func:`closed_form`, LINEST's
block, the ToolPak's regression, the Solver-equivalent), kept on the :class:`Comparison`, so the
table can be traced back to them. The data are validated once and the same :class:`Dataset` goes
to every method. For squared-error losses the gradient-descent answer also gets an
a-posteriori error bound, and :attr:`Comparison.notes` says in plain words what differs and why.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

import numpy as np
import pandas as pd

from gdfit.core.compare_notes import comparison_notes
from gdfit.core.data import Dataset, OptionError, check_choice, design
from gdfit.core.descent.fit import FitResult, fit_dataset
from gdfit.core.descent.losses import LOSSES
from gdfit.core.leastsq import precise
from gdfit.core.leastsq.closed_form import OLSResult, closed_form
from gdfit.core.leastsq.linest import excel_flag, linest_block, linest_dataset, linest_order
from gdfit.core.leastsq.statistics import RegressionStats, stats_at
from gdfit.core.leastsq.toolpak import ToolPakRegression, toolpak_regression
from gdfit.core.logistic.compare import compare_logistic_dataset
from gdfit.core.logistic.mle import excel_logit_data
from gdfit.core.solver.solve import MODELS, SOLVER_LABEL, SolverResult, solve_dataset

__all__ = ["Comparison", "ErrorBound", "compare", "compare_dataset", "error_bound", "relative_difference",
           "METHODS"]

T = TypeVar("T")

METHODS = ("Gradient descent", "Closed form", "LINEST", "ToolPak Regression", SOLVER_LABEL)


@dataclass(frozen=True)
class ErrorBound:
    """``‖θ - θ*‖ <= ‖∇f(θ)‖ / μ`` for a squared-error loss, θ = (coefficients, intercept).

    ``gradient_norm`` and ``mu`` (the smallest eigenvalue of the loss's Hessian) are those of the
    chosen loss in original units; for RMSE, whose Hessian is not constant, those of MSE, which has
    the same minimiser. ``respected`` allows for the few units in the last place that the closed
    form itself may be off.
    """

    loss: str
    gradient_norm: float
    mu: float
    bound: float
    observed: float
    respected: bool


def error_bound(data: Dataset, coef: np.ndarray, intercept: float, closed: OLSResult,
                loss: str = "mse") -> ErrorBound:
    """The a-posteriori bound of a coefficient vector against the least-squares solution.

    For ``f = c·Σr²`` (c = 1 for SSE, 1/n for MSE) ``∇f = -2c·Aᵀr`` and the Hessian is ``2c·AᵀA``,
    so ``‖∇f‖/μ = ‖Aᵀr‖ / σ_min(A)²`` and ``θ - θ* = -(AᵀA)⁻¹Aᵀr`` exactly. The residuals and
    ``Aᵀr`` are computed in double-double arithmetic so the bound stays meaningful when θ is close
    to θ*. A rank-deficient design (μ = 0) gives an infinite bound.
    """
    const = closed.fit_intercept
    A = design(data.X, const)
    theta = np.append(coef, intercept) if const else np.asarray(coef, dtype=np.float64)
    star = closed.params
    r = precise.residual(A, theta, data.y, np.zeros(data.n))
    grad_core = precise.rmatvec(A, r)  # Aᵀr
    # A design the closed form found rank-deficient has μ = 0 (rounding leaves ~1e-16 instead).
    full_rank = A.shape[1] > 0 and not closed.dropped
    sigma_min = float(np.linalg.svd(A, compute_uv=False).min()) if full_rank else 0.0
    c = 1.0 if loss == "sse" else 1.0 / data.n
    gradient_norm = 2.0 * c * float(np.linalg.norm(grad_core))
    mu = 2.0 * c * sigma_min ** 2
    bound = gradient_norm / mu if mu > 0 else math.inf
    observed = float(np.linalg.norm(theta - star))
    slack = 64.0 * np.finfo(float).eps * float(np.linalg.norm(star))
    return ErrorBound(loss, gradient_norm, mu, bound, observed, observed <= bound * (1 + 1e-9) + slack)


def relative_difference(params: np.ndarray, reference: np.ndarray) -> float:
    """Largest ``|p - p*| / |p*|`` over the parameters; a zero ``p*`` is compared with ``max|p*|``."""
    ref_scale = float(np.max(np.abs(reference))) if reference.size else 0.0
    scale = np.where(reference != 0, np.abs(reference), ref_scale if ref_scale > 0 else 1.0)
    return float(np.max(np.abs(params - reference) / scale)) if reference.size else 0.0


def _timed(call: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    value = call()
    return value, time.perf_counter() - started


@dataclass
class Comparison:
    """The parity table and everything it was built from.

    ``fit`` (gradient descent), ``closed`` (the closed form), ``linest`` (LINEST's 5-row block),
    ``toolpak`` (the ToolPak's Regression; ``toolpak.rows()`` is its SUMMARY OUTPUT), ``solver``
    (the Solver-equivalent), ``gd_stats`` (LINEST/ToolPak statistics at the GD solution),
    ``bound`` (None for non-squared losses), ``table`` (one row per method), ``notes``
    (plain-words lines) and ``flags`` (short codes of the same findings).
    """

    fit: FitResult
    closed: OLSResult
    linest: np.ndarray
    toolpak: ToolPakRegression
    solver: SolverResult
    gd_stats: RegressionStats
    bound: ErrorBound | None
    table: pd.DataFrame
    labels: tuple[str, ...]
    loss: str
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def rows(self) -> list[list[str | int | float | None]]:
        """Header then one row per method, ready for a sheet (None for "not applicable")."""
        header = ["Method"] + list(self.table.columns)
        body = [[method] + [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row]
                for method, row in zip(self.table.index, self.table.itertuples(index=False))]
        return [header] + body


def _row(params: np.ndarray, const: bool, sse: float, r2: float, n_iter: int | None, seconds: float,
         closed_params: np.ndarray) -> list[object]:
    coef = list(params[:-1] if const else params)
    intercept = float(params[-1]) if const else 0.0
    return coef + [intercept, sse, r2, n_iter, seconds, relative_difference(params, closed_params)]


def _method_rows(data: Dataset, const: bool, fit: FitResult, closed: OLSResult, closed_seconds: float,
                 linest: np.ndarray, linest_seconds: float, toolpak: ToolPakRegression,
                 toolpak_seconds: float, solver: SolverResult,
                 gd_stats: RegressionStats) -> dict[str, list[object]]:
    star = closed.params
    # LINEST's first row read back as an analyst would, through the one order conversion.
    linest_params = np.array(linest_order(linest[0, :data.p + int(const)], const))
    tp = toolpak.stats
    r2_closed = 1.0 - closed.ss_resid / closed.ss_total if closed.ss_total else math.nan
    solver_r2 = 1.0 - solver.sse / closed.ss_total if closed.ss_total else math.nan
    return {
        METHODS[0]: _row(fit.params, const, gd_stats.ss_resid, gd_stats.rsquared, fit.n_iter, fit.seconds, star),
        METHODS[1]: _row(star, const, closed.ss_resid, r2_closed, None, closed_seconds, star),
        # LINEST's rows: 3rd (r², se_y), 5th (ss_reg, ss_resid).
        METHODS[2]: _row(linest_params, const, float(linest[4, 1]), float(linest[2, 0]), None,
                         linest_seconds, star),
        METHODS[3]: _row(tp.params, const, tp.ss_resid, tp.rsquared, None, toolpak_seconds, star),
        METHODS[4]: _row(solver.params, const, solver.sse, solver_r2, solver.n_iter, solver.seconds, star),
    }


def compare(known_y: Any, known_x: Any = None, *, const: Any = True,
            solver_options: dict[str, Any] | None = None, model: str = "linear", positive: Any = None,
            **gd_options: Any) -> Any:
    """Fit by gradient descent and put the answer beside Excel's ways of getting it.

    ``model="logistic"`` compares logistic regression by gradient descent (``loss="log"``) with
    Newton's maximum likelihood and the Solver-equivalent of the log-likelihood recipe, and returns
    a :class:`~gdfit.core.logistic.compare.LogitComparison`; ``known_y`` holds two labels
    (``positive`` names the one modelled as 1) and ``l2=`` applies to gradient descent and Newton.

    Parameters
    ----------
    known_y, known_x : array-like
        Data in Excel's orientation (as for :func:`gdfit.linest`); DataFrame columns name the
        coefficient columns of the table.
    const : bool, default True
        Fit an intercept (passed to every method; ``fit_intercept`` for gradient descent).
    solver_options : dict, optional
        Keyword options for :func:`gdfit.solve` (e.g. ``{"assume_nonnegative": False}``).
    **gd_options
        Keyword options for :func:`gdfit.fit` (loss, optimizer, learning_rate, max_iter, ...).

    Returns
    -------
    Comparison
        ``table`` has one row per method (index: "Gradient descent", "Closed form", "LINEST",
        "ToolPak Regression", the Solver-equivalent) and columns: one per coefficient (labels),
        "intercept", "SSE", "R²", "iterations", "seconds", "max rel. diff vs closed form".
    """
    const = excel_flag("const", const, True)
    if check_choice("model", model, MODELS) == "logistic":
        data, classes = excel_logit_data(known_y, known_x, const, positive, moments=True)
        return compare_logistic_dataset(data, classes, const=const, solver_options=solver_options, **gd_options)
    if positive is not None:
        raise OptionError(f"The 'positive' option applies to model='logistic'; got positive={positive!r}.")
    data = linest_dataset(known_y, known_x, const, moments=True)  # the one validation of the run
    return compare_dataset(data, const=const, solver_options=solver_options, **gd_options)


def compare_dataset(data: Dataset, *, const: bool = True, solver_options: dict[str, Any] | None = None,
                    **gd_options: Any) -> Comparison:
    """:func:`compare` on data already validated by ``as_dataset(..., fit_intercept=const,
    moments=True)`` (or :func:`linest_dataset` with ``moments=True``): every method gets the same
    :class:`Dataset`, and each checks only its own options against it."""
    if "fit_intercept" in gd_options:
        raise OptionError("compare takes 'const' (Excel's name) instead of 'fit_intercept'; "
                          f"pass const={gd_options['fit_intercept']!r}.")
    if gd_options.get("loss") == "log":
        # Beside LINEST, the ToolPak and Solver's SSE a logistic fit would be compared with lines.
        raise OptionError("loss='log' is logistic regression: compare it with model='logistic' "
                          "(gradient descent, Newton and Solver's log-likelihood recipe).")
    fit = fit_dataset(data, fit_intercept=const, **gd_options)
    loss = fit.loss_name  # the registry name, aliases ("l1", "l2") resolved
    closed, closed_seconds = _timed(lambda: closed_form(data, None, fit_intercept=const))
    # LINEST and the ToolPak start from the same closed form (solved once: at a million rows it is
    # seconds); each one's time is that solve and its own statistics on top, what it takes alone.
    linest, linest_seconds = _timed(lambda: linest_block(stats_at(data, const=const, ols=closed)))
    toolpak, toolpak_seconds = _timed(lambda: toolpak_regression(data, const=const, ols=closed))
    linest_seconds += closed_seconds
    toolpak_seconds += closed_seconds
    solver = solve_dataset(data, const=const, **(solver_options or {}))
    gd_stats = stats_at(data, fit.coef, fit.intercept if const else None, const=const, ols=closed)
    bound = error_bound(data, np.asarray(fit.coef), float(fit.intercept), closed, loss) \
        if loss in LOSSES and LOSSES[loss].kind == "squared" else None
    rows = _method_rows(data, const, fit, closed, closed_seconds, linest, linest_seconds, toolpak,
                        toolpak_seconds, solver, gd_stats)
    columns = list(data.labels) + ["intercept", "SSE", "R²", "iterations", "seconds",
                                   "max rel. diff vs closed form"]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    table["iterations"] = table["iterations"].astype("Int64")
    result = Comparison(fit=fit, closed=closed, linest=linest, toolpak=toolpak, solver=solver,
                        gd_stats=gd_stats, bound=bound, table=table, labels=data.labels, loss=loss)
    result.flags, result.notes = comparison_notes(result)
    return result
