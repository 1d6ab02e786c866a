"""Solver's options and completion messages, shared by the linear and the logistic Solver-equivalent."""
from __future__ import annotations

from typing import Any

import numpy as np

from gdfit.core.data import OptionError, check_choice, check_int, check_positive
from gdfit.core.leastsq.linest import excel_flag

__all__ = ["SOLVER_LABEL", "MESSAGES", "solver_options"]

SOLVER_LABEL = "Solver-equivalent (GRG-like, Excel defaults)"

#: Excel's completion messages by SolverSolve return code (the codes this stand-in can return).
MESSAGES = {
    0: "Solver found a solution. All Constraints and optimality conditions are satisfied.",
    1: "Solver has converged to the current solution. All Constraints are satisfied.",
    2: "Solver cannot improve the current solution. All Constraints are satisfied.",
    3: "Stop chosen when the maximum iteration limit was reached.",
    10: "Stop chosen when the maximum time limit was reached.",
}


def solver_options(p: int, const: bool, start: Any, derivatives: Any, scaling: Any, assume_nonnegative: Any,
                   convergence: Any, precision: Any, max_iter: Any, max_time: Any) -> dict[str, Any]:
    """Validate Solver's options; return them as the ``options`` dict of the result."""
    n_vars = p + int(const)
    if start is None:
        x0 = np.zeros(n_vars)
    else:
        x0 = np.atleast_1d(np.asarray(start, dtype=np.float64)).reshape(-1)
        if x0.shape[0] != n_vars or not np.isfinite(x0).all():
            raise OptionError(f"The 'start' option must hold {n_vars} finite number(s) (coefficients "
                              f"then intercept); got {start!r}.")
    return {
        "const": const, "start": x0,
        "derivatives": check_choice("derivatives", derivatives, ("forward", "central")),
        "scaling": excel_flag("scaling", scaling, True),
        "assume_nonnegative": excel_flag("assume_nonnegative", assume_nonnegative, True),
        "convergence": check_positive("convergence", convergence),
        "precision": check_positive("precision", precision),
        "max_iter": None if max_iter is None else check_int("max_iter", max_iter, minimum=1),
        "max_time": None if max_time is None else check_positive("max_time", max_time),
    }
