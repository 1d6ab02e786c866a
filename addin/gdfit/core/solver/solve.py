"""Solver-equivalent (GRG-like, Excel defaults): minimise SSE over slope(s) and intercept.

This is not Excel's Solver. It mimics what Excel's GRG Nonlinear engine does with its default
options on this problem, so a workbook can show the kind of answer an analyst gets from Solver:

* with only bounds on the variables GRG reduces to a quasi-Newton method on the free variables;
  here that is ``scipy.optimize.minimize(method="L-BFGS-B")`` (see :mod:`gdfit.core.solver.grg`);
* derivatives by forward differences ("central" on request), never the analytic gradient;
* "Make Unconstrained Variables Non-Negative" is on by default, as in Excel: bounds (0, None),
  so a negative least-squares intercept or slope is clamped at 0;
* "Use Automatic Scaling": the objective is divided by its value at the start. Variables are not
  rescaled, so years as x (2001-2020) still make a long, thin valley;
* GRG2's two stopping tests with Convergence (0.0001): a Kuhn-Tucker test on the gradient ("Solver
  found a solution") and the objective changing by less than that fraction over 5 iterations
  ("Solver has converged to the current solution"). In the flat valley of unscaled data they are
  met far from the least-squares point: SSE looks fine, the coefficients are visibly wrong -- the
  trap Solver users meet;
* Precision (0.000001) is the tolerance within which a variable counts as sitting on its bound
  ("Binding"); Max Time and Iterations are unlimited unless given.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gdfit.core.data import Dataset, OptionError, check_choice
from gdfit.core.leastsq.linest import excel_flag, linest_dataset
from gdfit.core.logistic.mle import excel_logit_data
from gdfit.core.solver import grg
from gdfit.core.solver.answer_report import SolverRun, cells_for
from gdfit.core.solver.logistic import solve_logistic_dataset
from gdfit.core.solver.options import MESSAGES, SOLVER_LABEL, solver_options

__all__ = ["SOLVER_LABEL", "MESSAGES", "SolverResult", "solve", "solve_dataset", "solver_options", "MODELS"]

#: What Solver fits: least squares (minimise SSE) or logistic regression (maximise the log-likelihood).
MODELS = ("linear", "logistic")

@dataclass(frozen=True)
class SolverResult(SolverRun):
    """Outcome of :func:`solve`; ``status``/``message`` are Excel's SolverSolve code and wording."""

    coef: np.ndarray
    intercept: float
    sse: float
    n_iter: int
    seconds: float
    status: int
    message: str
    bounds_active: tuple[str, ...]
    options: dict[str, Any]
    names: tuple[str, ...]
    start: np.ndarray = field(repr=False)
    sse_start: float = field(repr=False)
    n_evals: int = 0
    cells: dict[str, Any] = field(default_factory=dict, repr=False)
    label: str = SOLVER_LABEL


    objective_sense = "Min"
    model = "linear"

    @property
    def objective_start(self) -> float:
        return self.sse_start

    @property
    def objective_value(self) -> float:
        return self.sse



def solve(known_y: Any, known_x: Any = None, *, const: Any = True, start: Any = None,
          derivatives: str = "forward", scaling: bool = True, assume_nonnegative: bool = True,
          convergence: float = 1e-4, precision: float = 1e-6, max_iter: int | None = None,
          max_time: float | None = None, cells: dict[str, Any] | None = None, model: str = "linear",
          positive: Any = None) -> Any:
    """Minimise SSE the way Excel's Solver (GRG Nonlinear, default options) would.

    ``model="logistic"`` maximises the log-likelihood of two-label ``known_y`` instead, from the
    recipe's cells (see :mod:`gdfit.core.solver.logistic`), and returns a ``LogitSolverResult``
    (``llf`` in place of ``sse``); ``positive`` names the label modelled as 1.

    Parameters
    ----------
    known_y, known_x : array-like
        Data in Excel's orientation (as for :func:`gdfit.linest`); ``known_x`` may be omitted.
    const : bool, default True
        Include the intercept as a variable cell; False fixes it at 0.
    start : array-like, optional
        Starting values of the variable cells, coefficients then intercept. Default zeros (the
        seed workbook's guess is slope 1, intercept 0: ``start=[1, 0]``).
    derivatives : {"forward", "central"}
        Finite differences used for the gradient.
    scaling : bool, default True
        "Use Automatic Scaling": the objective is divided by its starting value, which also sets
        the scale of the gradient test.
    assume_nonnegative : bool, default True
        "Make Unconstrained Variables Non-Negative" (on in Excel by default).
    convergence : float, default 1e-4
        Excel's Convergence box: tolerance of both stopping tests (see the module notes).
    precision : float, default 1e-6
        Excel's Precision box: a variable within this of 0 is reported as on its bound.
    max_iter, max_time : optional
        Excel's Iterations and Max Time (seconds) limits; None means unlimited.
    cells : dict, optional
        Worksheet addresses and names for the answer report: ``objective`` ("$E$2"),
        ``variables`` (coefficients then intercept), ``objective_name``, ``names``. Defaults
        put the variables in $B$1.. and SSE two rows below them.

    Returns
    -------
    SolverResult
        ``coef, intercept, sse, n_iter, seconds, status, message, bounds_active, options`` and
        :meth:`SolverResult.answer_report`.
    """
    const = excel_flag("const", const, True)
    model = check_choice("model", model, MODELS)
    if model == "logistic":
        data, classes = excel_logit_data(known_y, known_x, const, positive)
        return solve_logistic_dataset(data, classes, const=const, start=start, derivatives=derivatives,
                                      scaling=scaling, assume_nonnegative=assume_nonnegative,
                                      convergence=convergence, precision=precision, max_iter=max_iter,
                                      max_time=max_time, cells=cells)
    if positive is not None:
        raise OptionError("The 'positive' option applies to model='logistic'; got positive="
                          f"{positive!r} with model='linear'.")
    return solve_dataset(linest_dataset(known_y, known_x, const), const=const, start=start,
                         derivatives=derivatives, scaling=scaling, assume_nonnegative=assume_nonnegative,
                         convergence=convergence, precision=precision, max_iter=max_iter,
                         max_time=max_time, cells=cells)


_SSE_ROWS = 1 << 15  # rows of residuals at a time in the Solver's objective


def solve_dataset(data: Dataset, *, const: bool = True, start: Any = None, derivatives: str = "forward",
                  scaling: bool = True, assume_nonnegative: bool = True, convergence: float = 1e-4,
                  precision: float = 1e-6, max_iter: int | None = None, max_time: float | None = None,
                  cells: dict[str, Any] | None = None) -> SolverResult:
    """:func:`solve` on data already validated (by :func:`linest_dataset`, or ``as_dataset`` with
    ``fit_intercept=const``); the options are :func:`solve`'s and are checked here."""
    opts = solver_options(data.p, const, start, derivatives, scaling, assume_nonnegative, convergence,
                    precision, max_iter, max_time)
    X, y = data.X, data.y

    def sse(theta: np.ndarray) -> float:
        w, b = theta[:data.p], (theta[data.p] if const else 0.0)
        total = 0.0
        for start in range(0, len(y), _SSE_ROWS):  # the residuals stay in the cache: half the time
            r = y[start:start + _SSE_ROWS] - X[start:start + _SSE_ROWS] @ w - b
            total += float(r @ r)
        return total

    x0 = opts["start"]
    sse0 = sse(x0)
    lower = 0.0 if opts["assume_nonnegative"] else -np.inf
    # L-BFGS-B starts from the start projected onto the bounds, as GRG does.
    feasible = np.maximum(x0, lower)
    f_scale = sse(feasible) if opts["scaling"] else 1.0
    f_scale = f_scale if f_scale > 0 else 1.0
    names = data.labels + (("intercept",) if const else ())
    layout = cells_for(names, cells)
    out = grg.run(lambda t: sse(t) / f_scale, feasible, lower=lower,
                  central=opts["derivatives"] == "central", convergence=opts["convergence"],
                  max_iter=opts["max_iter"], max_time=opts["max_time"])
    theta, status = out.x, out.status
    active = tuple(nm for nm, v in zip(names, theta) if opts["assume_nonnegative"] and v <= opts["precision"])
    return SolverResult(coef=theta[:data.p].copy(), intercept=float(theta[data.p]) if const else 0.0,
                        sse=sse(theta), n_iter=out.n_iter, seconds=out.seconds,
                        status=status, message=MESSAGES[status], bounds_active=active, options=opts,
                        names=names, start=x0, sse_start=sse0, n_evals=out.n_evals, cells=layout)
