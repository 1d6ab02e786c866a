"""Plain-words findings for a :class:`~gdfit.core.compare.Comparison`: what differs and why.

Each finding is a short flag (for code and tests) and a sentence (for the sheet).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from gdfit.core.descent.losses import LOSSES

if TYPE_CHECKING:  # pragma: no cover - import for type hints only
    from gdfit.core.compare import Comparison

__all__ = ["comparison_notes", "SOLVER_OFF"]

#: A Solver-equivalent answer further than this (relative) from the closed form gets a note.
SOLVER_OFF = 1e-3
#: Distances below this many times (1 + ‖θ*‖) are float64 rounding (≈ 4500 ulps): not quoted digit by digit.
ROUNDING_LEVEL = 1e-12


def _names(labels: tuple[str, ...], idx: tuple[int, ...]) -> str:
    return ", ".join(repr(labels[i]) for i in idx)


def _gd_findings(c: "Comparison") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    fit = c.fit
    if fit.diverged:
        out.append(("gd_diverged", f"Gradient descent diverged ({fit.message}); lower the learning "
                                   "rate or use learning_rate='auto'. Its numbers are not a fit."))
    elif not fit.converged:
        out.append(("gd_not_converged", f"Gradient descent stopped before converging ({fit.message}); "
                                        "its coefficients are where it stopped, not the optimum."))
    if c.loss in LOSSES and LOSSES[c.loss].kind != "squared":
        out.append(("non_squared_loss", f"Gradient descent minimised the {LOSSES[c.loss].title} loss, not "
                                        "squared error, so it targets a different optimum than least "
                                        "squares (closed form, LINEST, ToolPak, Solver's SSE); its "
                                        "coefficients differ by design."))
    return out


def _bound_findings(c: "Comparison") -> list[tuple[str, str]]:
    b = c.bound
    if b is None:
        return []
    if b.mu <= 0:
        return [("no_bound", "No error bound for gradient descent: the design is rank-deficient "
                             "(smallest Hessian eigenvalue 0), so the least-squares optimum is not unique.")]
    verdict = "respected" if b.respected else "NOT respected -- please report this"
    flag = "bound_respected" if b.respected else "bound_violated"
    scale = 1.0 + float(np.linalg.norm(c.closed.params))
    if b.respected and max(b.bound, b.observed) <= ROUNDING_LEVEL * scale:
        # Here the digits of ‖∇f‖ are rounding noise that differs between CPUs: say what they mean.
        return [(flag, f"Error bound for gradient descent: ‖θ − θ*‖ ≤ ‖∇f‖/μ, and both the bound and the "
                       f"observed distance are below {ROUNDING_LEVEL:.0e} × (1 + ‖θ*‖): gradient descent "
                       f"sits on the optimum to rounding level; the bound is {verdict}.")]
    return [(flag, f"Error bound for gradient descent: ‖θ − θ*‖ ≤ ‖∇f‖/μ = {b.gradient_norm:.3g}/"
                   f"{b.mu:.3g} = {b.bound:.3g}; the observed distance {b.observed:.3g} is {verdict}.")]


def _solver_findings(c: "Comparison") -> list[tuple[str, str]]:
    s, out = c.solver, []
    if s.bounds_active:
        wanted = [float(c.closed.params[s.names.index(nm)]) for nm in s.bounds_active]
        values = ", ".join(f"{nm} = {w:.4g}" for nm, w in zip(s.bounds_active, wanted))
        out.append(("solver_bound_active",
                    f"Solver-equivalent holds {', '.join(s.bounds_active)} at 0 because \"Make "
                    f"Unconstrained Variables Non-Negative\" is ticked (Excel's default); least squares "
                    f"wants {values}. Untick it (assume_nonnegative=False) to match."))
    diff = float(c.table.loc[s.label, "max rel. diff vs closed form"])
    if diff > SOLVER_OFF and not s.bounds_active and not c.closed.dropped:
        ratio = s.sse / c.closed.ss_resid if c.closed.ss_resid > 0 else float("inf")
        out.append(("solver_stopped_early",
                    f"Solver-equivalent stopped {diff:.1%} away from the closed form although its SSE is "
                    f"only {ratio - 1:.2%} above the optimum ({s.message}). Its convergence tests are "
                    "fooled by badly scaled x (e.g. years); centre or rescale x and solve again."))
    return out


def comparison_notes(c: "Comparison") -> tuple[list[str], list[str]]:
    """Return ``(flags, notes)`` for a comparison, in a fixed order: GD, bound, rank, Solver."""
    findings = _gd_findings(c) + _bound_findings(c)
    if c.closed.dropped:
        findings.append(("rank_dropped",
                         f"Column(s) {_names(c.labels, c.closed.dropped)} are linear combinations of "
                         "earlier columns: LINEST, the ToolPak and the closed form drop them "
                         "(coefficient 0, df reduced); gradient descent and Solver spread the weight "
                         "over the collinear columns, so coefficients differ while predictions agree."))
    findings += _solver_findings(c)
    return [f for f, _ in findings], [n for _, n in findings]
