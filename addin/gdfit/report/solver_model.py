"""A Solver model carried by a sheet, so Excel's Solver dialog opens ready to press Solve.

Excel keeps a sheet's Solver model as hidden, sheet-scoped defined names (``solver_opt``,
``solver_adj``, ...). :func:`solver_names` spells them with the values Excel 2010 and later
write for a GRG Nonlinear model with default options; both renderers store them as they are.
"""
from __future__ import annotations

from dataclasses import dataclass

from gdfit.report.model import Ref, Report
from gdfit.report.references import resolve

__all__ = ["SolverModel", "solver_names", "SOLVER_DEFAULTS"]

_NO_LIMIT = "2147483647"
#: Excel's defaults for the options block of a saved model (solver_ver 3, Excel 2010+).
SOLVER_DEFAULTS = {
    "solver_cvg": "0.0001",  # Convergence
    "solver_drv": "1",  # derivatives: 1 forward, 2 central
    "solver_est": "1",
    "solver_itr": _NO_LIMIT,  # iterations: unlimited
    "solver_mip": _NO_LIMIT,
    "solver_mni": "30",
    "solver_mrt": "0.075",
    "solver_msl": "2",  # multistart off
    "solver_nod": _NO_LIMIT,
    "solver_nwt": "1",
    "solver_pre": "0.000001",  # constraint precision
    "solver_rbv": "1",
    "solver_rlx": "2",
    "solver_rsd": "0",
    "solver_scl": "1",  # automatic scaling on
    "solver_sho": "2",
    "solver_ssz": "100",
    "solver_tim": _NO_LIMIT,  # max time: unlimited
    "solver_tol": "0.01",
    "solver_ver": "3",
}
_ENGINES = {"GRG Nonlinear": "1", "Simplex LP": "2", "Evolutionary": "3"}


@dataclass(frozen=True)
class SolverModel:
    """Minimise (or maximise) ``objective`` by changing ``variables``, with no other constraints."""

    objective: Ref
    variables: Ref
    minimize: bool = True
    nonnegative: bool = True  # Excel's "Make Unconstrained Variables Non-Negative", on by default
    engine: str = "GRG Nonlinear"


def _absolute(report: Report, ref: Ref) -> str:
    return resolve(report, ref).a1


def solver_names(report: Report, model: SolverModel) -> dict[str, str]:
    """The defined names (name -> formula text without ``=``) that store ``model``."""
    names = dict(SOLVER_DEFAULTS)
    names.update({
        "solver_opt": _absolute(report, model.objective),
        "solver_adj": _absolute(report, model.variables),
        "solver_typ": "2" if model.minimize else "1",
        "solver_val": "0",
        "solver_neg": "1" if model.nonnegative else "2",
        "solver_eng": _ENGINES[model.engine],
        "solver_lin": "2",  # not assumed linear: SSE is quadratic
        "solver_num": "0",
    })
    return dict(sorted(names.items()))
