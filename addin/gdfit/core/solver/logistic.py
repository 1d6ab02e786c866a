"""Solver-equivalent for logistic regression: maximise the log-likelihood built in cells.

The classic spreadsheet recipe puts ``p = 1/(1+EXP(-(b + Σ m·x)))`` beside each row and
``LL = SUM(y·LN(p) + (1-y)·LN(1-p))`` in one cell, then asks Solver (GRG Nonlinear) to maximise LL
by changing the coefficient cells. This stand-in runs the same engine as the linear Solver
(:mod:`gdfit.core.solver.grg`, Excel's defaults) on ``-LL`` and keeps the recipe's traps:

* "Make Unconstrained Variables Non-Negative" is on by default, so a coefficient (or intercept)
  that should be negative is held at 0;
* the cells are computed as the formulas are: where a probability rounds to exactly 0 or 1,
  ``LN(0)`` is Excel's ``#NUM!`` and the objective is an error value, which GRG backs away from
  (here: an infinite objective, which the line search rejects);
* "Use Automatic Scaling" divides by |LL| at the start, columns are not rescaled, and Solver
  reports no standard errors.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdfit.core.data import Dataset
from gdfit.core.solver import grg
from gdfit.core.solver.answer_report import SolverRun, cells_for
from gdfit.core.solver.options import MESSAGES, SOLVER_LABEL, solver_options

__all__ = ["LogitSolverResult", "solve_logistic_dataset", "recipe_log_likelihood"]


def recipe_log_likelihood(X: np.ndarray, y: np.ndarray, theta: np.ndarray, const: bool) -> float:
    """LL as the recipe's cells compute it; -inf where a cell would show #NUM! (LN of 0)."""
    p = X.shape[1]
    z = X @ theta[:p] + (theta[p] if const else 0.0)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        prob = 1.0 / (1.0 + np.exp(-z))
        # Excel evaluates both LN terms in every row: y = 0 does not spare LN(p) its error.
        terms = y * np.log(prob) + (1.0 - y) * np.log(1.0 - prob)
    total = float(np.sum(terms))
    return total if np.isfinite(total) else -np.inf


@dataclass(frozen=True)
class LogitSolverResult(SolverRun):
    """Outcome of :func:`gdfit.solve` with ``model="logistic"``; ``status``/``message`` are Excel's."""

    coef: np.ndarray
    intercept: float
    llf: float
    n_iter: int
    seconds: float
    status: int
    message: str
    bounds_active: tuple[str, ...]
    options: dict[str, Any]
    names: tuple[str, ...]
    classes: tuple[Any, Any]
    start: np.ndarray = field(repr=False)
    llf_start: float = field(repr=False)
    n_evals: int = 0
    cells: dict[str, Any] = field(default_factory=dict, repr=False)
    label: str = SOLVER_LABEL
    model: str = "logistic"
    objective_sense: str = "Max"


    @property
    def objective_start(self) -> float:
        return self.llf_start

    @property
    def objective_value(self) -> float:
        return self.llf



def solve_logistic_dataset(data: Dataset, classes: tuple[Any, Any] = (0, 1), *, const: bool = True,
                           start: Any = None, derivatives: str = "forward", scaling: bool = True,
                           assume_nonnegative: bool = True, convergence: float = 1e-4,
                           precision: float = 1e-6, max_iter: int | None = None,
                           max_time: float | None = None, cells: dict[str, Any] | None = None) -> LogitSolverResult:
    """Maximise the recipe's LL over 0/1 labels ``data.y`` with Solver's defaults."""
    opts = solver_options(data.p, const, start, derivatives, scaling, assume_nonnegative, convergence, precision, max_iter, max_time)
    X, y = data.X, data.y

    def ll(theta: np.ndarray) -> float:
        return recipe_log_likelihood(X, y, theta, const)

    x0 = opts["start"]
    ll0 = ll(x0)
    lower = 0.0 if opts["assume_nonnegative"] else -np.inf
    feasible = np.maximum(x0, lower)
    scale = abs(ll(feasible)) if opts["scaling"] else 1.0
    scale = scale if np.isfinite(scale) and scale > 0 else 1.0
    names = data.labels + (("intercept",) if const else ())
    layout = cells_for(names, {"objective_name": "LL", **(cells or {})})
    out = grg.run(lambda t: -ll(t) / scale, feasible, lower=lower, central=opts["derivatives"] == "central",
                  convergence=opts["convergence"], max_iter=opts["max_iter"], max_time=opts["max_time"])
    theta = out.x
    active = tuple(nm for nm, v in zip(names, theta) if opts["assume_nonnegative"] and v <= opts["precision"])
    return LogitSolverResult(coef=theta[:data.p].copy(), intercept=float(theta[data.p]) if const else 0.0,
                             llf=ll(theta), n_iter=out.n_iter, seconds=out.seconds, status=out.status,
                             message=MESSAGES[out.status], bounds_active=active, options=opts, names=names,
                             classes=tuple(classes), start=x0, llf_start=ll0, n_evals=out.n_evals,
                             cells=layout)
