"""Logistic regression three ways: gradient descent, Newton's exact maximum, and Solver's recipe.

The parity table of :func:`gdfit.compare` with ``model="logistic"``: one row per method with the
coefficients, the log-likelihood, iterations, seconds and the largest relative difference from
the maximum-likelihood estimate; :attr:`LogitComparison.notes` says in plain words what differs
and why (separation, Solver's non-negative default, a stop short of the maximum, the penalty).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from gdfit.core.data import Dataset, OptionError
from gdfit.core.descent.fit import FitResult, fit_dataset
from gdfit.core.logistic.mle import LogitResult, logistic_mle_dataset
from gdfit.core.logistic.statistics import log_likelihood
from gdfit.core.solver.logistic import LogitSolverResult, solve_logistic_dataset
from gdfit.core.solver.options import SOLVER_LABEL

__all__ = ["LogitComparison", "compare_logistic_dataset", "LOGIT_METHODS", "relative_to"]

LOGIT_METHODS = ("Gradient descent", "Newton (maximum likelihood)", SOLVER_LABEL)
_CLOSE = 1e-6  # a method this close to the maximum (relative) agrees with it for any reader
_OFF = 1e-3  # ...and this far from it gets a note


def relative_to(params: np.ndarray, reference: np.ndarray) -> float:
    """Largest ``|p - p*| / |p*|``; a zero ``p*`` is compared with ``max|p*|``."""
    if not reference.size:
        return 0.0
    top = float(np.max(np.abs(reference))) or 1.0
    scale = np.where(reference != 0, np.abs(reference), top)
    return float(np.max(np.abs(params - reference) / scale))


@dataclass
class LogitComparison:
    """The table and the three results it was built from (``fit``, ``mle``, ``solver``)."""

    fit: FitResult
    mle: LogitResult
    solver: LogitSolverResult
    table: pd.DataFrame
    labels: tuple[str, ...]
    classes: tuple[Any, Any]
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    loss: str = "log"

    def rows(self) -> list[list[Any]]:
        """Header then one row per method, ready for a sheet (None for "not applicable")."""
        header = ["Method"] + list(self.table.columns)
        body = [[method] + [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row]
                for method, row in zip(self.table.index, self.table.itertuples(index=False))]
        return [header] + body


def compare_logistic_dataset(data: Dataset, classes: tuple[Any, Any] = (0, 1), *, const: bool = True,
                             l2: float = 0.0, solver_options: dict[str, Any] | None = None,
                             **gd_options: Any) -> LogitComparison:
    """Gradient descent (``fit(loss="log")``), Newton and the Solver-equivalent on 0/1 labels."""
    for name in ("loss", "fit_intercept", "positive"):
        if name in gd_options:
            raise OptionError(f"compare with model='logistic' sets {name!r} itself; leave it out "
                              "(use const for the intercept, positive for the label modelled as 1).")
    fit = fit_dataset(data, loss="log", fit_intercept=const, l2=l2, **gd_options)
    started = time.perf_counter()
    mle = logistic_mle_dataset(data, fit_intercept=const, l2=l2, classes=classes)
    mle_seconds = time.perf_counter() - started
    solver = solve_logistic_dataset(data, classes, const=const, **(solver_options or {}))
    star = mle.params
    gd_llf = log_likelihood(data.y, data.X @ fit.coef + fit.intercept)
    rows = {
        LOGIT_METHODS[0]: [*fit.coef, fit.intercept, gd_llf, fit.n_iter, fit.seconds, relative_to(fit.params, star)],
        LOGIT_METHODS[1]: [*mle.coef, mle.intercept, mle.llf, mle.n_iter, mle_seconds, 0.0],
        LOGIT_METHODS[2]: [*solver.coef, solver.intercept, solver.llf, solver.n_iter, solver.seconds,
                           relative_to(solver.params, star)],
    }
    columns = [*data.labels, "intercept", "log-likelihood", "iterations", "seconds", "max rel. diff vs MLE"]
    if not const:
        rows = {k: v[:data.p] + v[data.p + 1:] for k, v in rows.items()}
        columns.remove("intercept")
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    table["iterations"] = table["iterations"].astype("Int64")
    result = LogitComparison(fit=fit, mle=mle, solver=solver, table=table, labels=data.labels,
                             classes=tuple(classes))
    result.flags, result.notes = _notes(result, l2)
    return result


def _notes(c: LogitComparison, l2: float) -> tuple[list[str], list[str]]:
    found: list[tuple[str, str]] = []
    fit, mle, solver = c.fit, c.mle, c.solver
    star = mle.params
    if mle.separation is not None:
        found.append(("separation", f"{mle.separation} No method's coefficients are a maximum: each is "
                                    "where its stopping rule held."))
    if fit.diverged:
        found.append(("gd_diverged", f"Gradient descent diverged ({fit.message})"))
    elif not fit.converged and mle.separation is None:
        found.append(("gd_not_converged", f"Gradient descent stopped before converging ({fit.message})"))
    elif mle.separation is None:
        gap = relative_to(fit.params, star)
        found.append(("gd_agrees" if gap <= _CLOSE else "gd_off",
                      f"Gradient descent agrees with Newton's maximum to {gap:.1e} (largest relative "
                      "difference): the same S-curve found by small steps downhill on the log loss instead "
                      "of Newton's exact quadratic steps."))
    held = [name for name, value in zip(solver.names, star) if name in solver.bounds_active and value < 0]
    if held:
        named = ", ".join(map(repr, held))
        found.append(("solver_nonnegative", f"Solver's default \"Make Unconstrained Variables Non-Negative\" "
                                            f"held {named} at 0 although the maximum has "
                                            f"{'it' if len(held) == 1 else 'them'} negative: clear that box "
                                            "(assume_nonnegative=False) before solving."))
    elif mle.separation is None:
        gap = relative_to(solver.params, star)
        if gap > _OFF:
            found.append(("solver_off", f"Solver stopped {gap:.1e} (relative) from the maximum with LL "
                                        f"{solver.llf:.6g} against {mle.llf:.6g}: its Convergence test "
                                        "(0.0001 of the objective) holds on the flat top of the log-likelihood "
                                        "before the coefficients settle."))
    found.append(("solver_no_se", "Solver gives the coefficients only: the standard errors, z and p-values "
                                  "come from Newton's Hessian (the Logistic Regression block)."))
    if l2 > 0:
        found.append(("l2", f"Gradient descent and Newton maximise the likelihood with the ridge penalty "
                            f"l2={l2:g} on the standardised coefficients (intercept not penalised); Solver's "
                            "recipe maximises the plain LL, so it sits elsewhere."))
    return [flag for flag, _ in found], [text for _, text in found]
