"""The engine behind the Solver-equivalent: L-BFGS-B driven by GRG-style finite differences and
stopping tests.

With only bounds on the variables, Excel's GRG Nonlinear reduces to a quasi-Newton method on the
free variables; scipy's L-BFGS-B plays that part. Its own stopping tests are switched off and
replaced by the two tests of GRG2 (Lasdon & Waren), both with tolerance Convergence (1e-4):

* Kuhn-Tucker test ("Solver found a solution"): every component of the projected gradient is
  small. GRG2 compares it with Convergence after its own scaling; here the scale-free form
  ``|g_i| * max(|x_i|, 1) <= convergence * |f|`` is used: changing any variable by its own size
  (at least 1) would change the objective by less than that fraction, to first order;
* fractional-change test ("Solver has converged to the current solution"): the objective stays
  within ``convergence * |f_ref|`` of a reference value for 5 consecutive iterations (GRG2 uses 3,
  Excel documents 5); a larger change makes the current value the new reference.

A failed line search (no further decrease found) is Excel's "Solver cannot improve".
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import minimize

__all__ = ["Outcome", "run"]

WINDOW = 5
_UNLIMITED = 10 ** 9
_FORWARD_STEP = math.sqrt(np.finfo(float).eps)  # ~1.5e-8: balances truncation and rounding
_CENTRAL_STEP = np.finfo(float).eps ** (1.0 / 3.0)  # ~6e-6 for the second-order formula


@dataclass
class Outcome:
    """Final point, Excel status code, iterations and objective evaluations of one run."""

    x: np.ndarray
    status: int
    n_iter: int
    n_evals: int
    seconds: float


class _Stop(Exception):
    """Raised from the callback when one of Excel's stopping rules holds."""


class _Problem:
    """Objective with finite-difference gradient, evaluation count and the last (x, f, g) seen."""

    def __init__(self, fun: Callable[[np.ndarray], float], central: bool, lower: float) -> None:
        self.fun, self.central, self.lower = fun, central, lower
        self.calls = 0
        self.last: tuple[np.ndarray, float, np.ndarray] | None = None

    def value(self, x: np.ndarray) -> float:
        self.calls += 1
        return self.fun(x)

    def __call__(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        x = np.array(x, dtype=np.float64)
        f = self.value(x)
        g = np.empty_like(x)
        for i in range(x.shape[0]):
            h = (_CENTRAL_STEP if self.central else _FORWARD_STEP) * max(abs(x[i]), 1.0)
            up = x.copy()
            up[i] += h
            if self.central and x[i] - h >= self.lower:
                down = x.copy()
                down[i] -= h
                g[i] = (self.value(up) - self.value(down)) / (2.0 * h)
            else:  # forward (also next to the bound, where GRG steps into the feasible side)
                g[i] = (self.value(up) - f) / h
        self.last = (x, f, g)
        return f, g

    def at(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """f and g at ``x``, reusing the line search's last evaluation when it is that point."""
        if self.last is not None and np.array_equal(self.last[0], x):
            return self.last[1], self.last[2]
        return self(x)


@dataclass
class _Tests:
    """GRG2's stopping rules plus Excel's iteration and time limits, checked once per iteration."""

    problem: _Problem
    convergence: float
    lower: float
    max_iter: int
    max_time: float
    started: float
    reference: float
    quiet: int = 0
    n_iter: int = 0
    status: int | None = None
    x: np.ndarray | None = None

    def kuhn_tucker(self, x: np.ndarray, f: float, g: np.ndarray) -> bool:
        # A variable on its bound with the gradient pushing into the bound is optimal there.
        projected = np.where((x <= self.lower) & (g > 0), 0.0, g)
        return bool(np.all(np.abs(projected) * np.maximum(np.abs(x), 1.0) <= self.convergence * abs(f)))

    def __call__(self, xk: np.ndarray) -> None:
        self.n_iter += 1
        self.x = np.array(xk, dtype=np.float64)
        f, g = self.problem.at(self.x)
        if abs(f - self.reference) <= abs(self.reference) * self.convergence:
            self.quiet += 1
        else:
            self.reference, self.quiet = f, 0
        if self.kuhn_tucker(self.x, f, g):
            self.status = 0
        elif self.quiet >= WINDOW:
            self.status = 1
        elif self.n_iter >= self.max_iter:
            self.status = 3
        elif time.perf_counter() - self.started > self.max_time:
            self.status = 10
        if self.status is not None:
            raise _Stop


def run(fun: Callable[[np.ndarray], float], x0: np.ndarray, *, lower: float, central: bool,
        convergence: float, max_iter: int | None, max_time: float | None) -> Outcome:
    """Minimise ``fun`` from ``x0`` (already within the bounds ``x >= lower``)."""
    started = time.perf_counter()
    problem = _Problem(fun, central, lower)
    f0, g0 = problem(x0)
    tests = _Tests(problem, convergence, lower, max_iter or _UNLIMITED, max_time or math.inf,
                   started, reference=f0)
    if tests.kuhn_tucker(x0, f0, g0):
        return Outcome(x0.copy(), 0, 0, problem.calls, time.perf_counter() - started)
    try:
        # L-BFGS-B's own tests are disabled (gtol = ftol = 0) so that only GRG's rules stop it,
        # apart from a failed line search.
        res = minimize(problem, x0, method="L-BFGS-B", jac=True, bounds=[(lower, None)] * x0.shape[0],
                       callback=tests, options={"maxiter": _UNLIMITED, "maxfun": _UNLIMITED,
                                                "ftol": 0.0, "gtol": 0.0})
        x = np.asarray(res.x, dtype=np.float64)
        status = 0 if tests.kuhn_tucker(x, *problem.at(x)) else 2
    except _Stop:
        x, status = tests.x, tests.status
    return Outcome(x, int(status), tests.n_iter, problem.calls, time.perf_counter() - started)
