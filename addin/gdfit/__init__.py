"""gdfit: linear models fitted by gradient descent, side by side with Excel's closed form,
LINEST, the Analysis ToolPak regression output and Solver.

Public names are imported lazily so that ``import gdfit`` stays fast inside Excel.
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    "fit": "gdfit.core.descent.fit",
    "FitResult": "gdfit.core.descent.fit",
    "ConvergenceWarning": "gdfit.core.descent.fit",
    "closed_form": "gdfit.core.leastsq.closed_form",
    "OLSResult": "gdfit.core.leastsq.closed_form",
    "InputError": "gdfit.core.data",
    "OptionError": "gdfit.core.data",
    "LOSSES": "gdfit.core.descent.losses",
    "OPTIMIZERS": "gdfit.core.descent.optimizers",
    "linest": "gdfit.core.leastsq.linest",
    "regression_stats": "gdfit.core.leastsq.linest",
    "regression_output": "gdfit.core.leastsq.toolpak",
    "solve": "gdfit.core.solver.solve",
    "SolverResult": "gdfit.core.solver.solve",
    "logistic_mle": "gdfit.core.logistic.mle",
    "LogitResult": "gdfit.core.logistic.mle",
    "compare": "gdfit.core.compare",
    "Comparison": "gdfit.core.compare",
    "read_data": "gdfit.files.read",
    "LoadedData": "gdfit.files.read",
    "datasets": "gdfit.datasets",
    "main": "gdfit.excel.macros",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'gdfit' has no attribute {name!r}")
    value = import_module(module)
    if name != "datasets":
        value = getattr(value, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
