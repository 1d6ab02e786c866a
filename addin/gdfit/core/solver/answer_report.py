"""Rows laid out like Excel's Solver Answer Report, for a :class:`~gdfit.core.solver.solve.SolverResult`.

Excel writes the report on its own sheet: title lines in column A, then each table starting in
column B under a section title. The same layout is used here, with the title naming the
Solver-equivalent rather than Microsoft Excel.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from gdfit.core.data import OptionError

if TYPE_CHECKING:  # pragma: no cover - import for type hints only
    from gdfit.core.solver.solve import SolverResult

__all__ = ["answer_report", "cells_for", "SolverRun"]


class SolverRun:
    """What every Solver-equivalent result shares: its parameters in order and its Answer Report.
    A result has ``coef``, ``intercept``, ``options["const"]`` and the ``cells`` given to the solve."""

    @property
    def params(self) -> np.ndarray:
        """Final variable values in the order of the names (coefficients, then intercept)."""
        return np.append(self.coef, self.intercept) if self.options["const"] else self.coef.copy()

    def answer_report(self, cells: dict[str, Any] | None = None, worksheet: str | None = None,
                      created: str | None = None) -> list[list[Any]]:
        """Rows laid out like Excel's Answer Report (see :func:`answer_report`); ``cells`` overrides the
        addresses and names given to the solve."""
        return answer_report(self, cells={**self.cells, **(cells or {})}, worksheet=worksheet,
                             created=created)


def cells_for(names: tuple[str, ...], cells: dict[str, Any] | None = None) -> dict[str, Any]:
    """Addresses and names of the report, defaults overridden by ``cells``.

    Defaults: variables in $B$1.., one per row, the objective (SSE) two rows below them.
    """
    n = len(names)
    merged: dict[str, Any] = {"variables": [f"$B${i + 1}" for i in range(n)], "objective": f"$B${n + 2}",
                              "objective_name": "SSE", "names": list(names)}
    for key, value in (cells or {}).items():
        if key not in merged:
            raise OptionError(f"The 'cells' option has an unknown key {key!r}; use 'objective', "
                              "'variables', 'objective_name' or 'names'.")
        merged[key] = list(value) if key in ("variables", "names") else str(value)
    for key in ("variables", "names"):
        if len(merged[key]) != n:
            raise OptionError(f"The 'cells' option needs {n} {key} (coefficients then intercept); "
                              f"got {len(merged[key])}.")
    return merged


def _limit(value: Any, unit: str = "") -> str:
    return "Unlimited" if value is None else f"{value:g}{unit}"


def _options_lines(opts: dict[str, Any]) -> list[str]:
    """Excel's "Solver Options" lines, filled from the options actually used."""
    precision = np.format_float_positional(opts["precision"], trim="-")
    first = f"Max Time {_limit(opts['max_time'], ' sec')},  Iterations {_limit(opts['max_iter'])}, Precision {precision}"
    if opts["scaling"]:
        first += ", Use Automatic Scaling"
    second = (f"Convergence {opts['convergence']:g}, Population Size 100, Random Seed 0, "
              f"Derivatives {opts['derivatives'].capitalize()}, Require Bounds")
    third = "Max Subproblems Unlimited, Max Integer Sols Unlimited, Integer Tolerance 1%"
    if opts["assume_nonnegative"]:
        third += ", Assume NonNegative"
    return [first, second, third]


def answer_report(result: "SolverResult", cells: dict[str, Any] | None = None,
                  worksheet: str | None = None, created: str | None = None) -> list[list[Any]]:
    """Excel's Answer Report as rows of cells (None = blank).

    Parameters
    ----------
    result : SolverResult
    cells : dict, optional
        ``objective`` (address), ``variables`` (addresses, coefficients then intercept),
        ``objective_name`` and ``names`` override the defaults from :func:`cells_for`.
    worksheet : str, optional
        Shown on the "Worksheet:" line, e.g. ``"[book.xlsx]Data"``.
    created : str, optional
        Text of the "Report Created:" line; default the current local time.

    Returns
    -------
    list of list
        Title lines; "Result:" with Excel's message; the Solver Engine and Solver Options blocks;
        the tables "Objective Cell (Min)", "Variable Cells" and "Constraints" (the non-negativity
        bounds when "Assume NonNegative" is on, with Binding/Not Binding and the slack).
    """
    c = cells_for(result.names, cells)
    return _header_rows(result, worksheet, created) + _table_rows(result, c)


def _header_rows(result: "SolverResult", worksheet: str | None, created: str | None) -> list[list[Any]]:
    engine = "GRG Nonlinear (stand-in: L-BFGS-B, finite differences)"
    return [
        [f"gdfit {result.label} Answer Report"],
        [f"Worksheet: {worksheet or '(none: computed in Python)'}"],
        [f"Report Created: {created or datetime.now().strftime('%m/%d/%Y %I:%M:%S %p')}"],
        [f"Result: {result.message}"],
        ["Solver Engine"],
        [None, f"Engine: {engine}"],
        [None, f"Solution Time: {result.seconds:.3f} Seconds."],
        [None, f"Iterations: {result.n_iter} Subproblems: 0"],
        ["Solver Options"],
        *([None, line] for line in _options_lines(result.options)),
        [], [],
    ]


def _table_rows(result: "SolverResult", c: dict[str, Any]) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [f"Objective Cell ({result.objective_sense})"],
        [None, "Cell", "Name", "Original Value", "Final Value"],
        [None, c["objective"], c["objective_name"], result.objective_start, result.objective_value],
        [], [],
        ["Variable Cells"],
        [None, "Cell", "Name", "Original Value", "Final Value", "Integer"],
    ]
    final = result.params
    for cell, name, v0, v1 in zip(c["variables"], c["names"], result.start, final):
        rows.append([None, cell, name, float(v0), float(v1), "Contin"])
    rows += [[], [], ["Constraints"], [None, "Cell", "Name", "Cell Value", "Formula", "Status", "Slack"]]
    if not result.options["assume_nonnegative"]:
        return rows + [[None, "NONE"]]
    for cell, name, own, value in zip(c["variables"], c["names"], result.names, final):
        binding = own in result.bounds_active
        rows.append([None, cell, name, float(value), f"{cell}>=0", "Binding" if binding else "Not Binding",
                     0.0 if binding else float(value)])
    return rows
