"""Excel's own Solver on the Solver sheet, where Windows Excel has it; said so where it has not.

The training report's Solver sheet carries a ready Solver model (objective SSE, variable cells
at the lesson's first guess). Where the Solver add-in can be driven (Windows Excel, through
``Application.Run "Solver.xlam!..."``), Train solves that model and the Compare sheet gets a
block of formulas pointing at the Solver sheet's cells, so it shows Excel's answer beside the
others. Elsewhere the Compare sheet says that its Solver row is gdfit's Solver-equivalent.
This code needs Excel with Solver and is kept to the calls themselves.
"""
from __future__ import annotations

from typing import Any

from gdfit.core.solver.solve import MESSAGES
from gdfit.report.layout import footprints
from gdfit.report.model import CellRef, Formula, Note, Report, Table
from gdfit.report.references import resolve

__all__ = ["solver_available", "add_solver_block", "run_excel_solver"]

_RUN = "Solver.xlam!"


def solver_available(book, com: bool) -> bool:
    """True if Excel's Solver add-in can be loaded and driven here (Windows Excel only)."""
    if not com:
        return False
    try:
        # Loads the add-in; nothing is run on the user's sheets (SolverReset would clear the
        # active sheet's own Solver model).
        book.app.api.AddIns("Solver Add-in").Installed = True
        return True
    except Exception:  # noqa: BLE001 - pywintypes.com_error: no Solver in this Excel
        return False


def add_solver_block(report: Report, live: bool, sheet: str = "Compare") -> str:
    """Put the live Solver block (or the fallback note) under the Compare sheet's content.

    Returns the anchor of the cell that will hold Excel's Solver message.
    """
    compare = report.sheet(sheet)
    top = max(rect.max_row for _, rect in footprints(compare)) + 3
    if not live:
        anchor = f"A{top}"
        compare.notes.append(Note(anchor, "Excel's Solver is not available here (it needs Windows "
                                          "Excel with the Solver add-in): the Solver row above is "
                                          "gdfit's Solver-equivalent.", "warning", span=10))
        return anchor
    model = report.sheet("Solver").solver
    count = resolve(report, model.variables).rect.shape[0]  # the variable cells head the solver_cells table
    names = [row[0] for row in report.table("Solver", "solver_cells").rows][:count]
    rows = [[name, Formula("={v}", {"v": CellRef("Solver", "solver_cells", j, "Value")})]
            for j, name in enumerate(names)]
    rows.append(["SSE", Formula("={v}", {"v": model.objective})])
    compare.notes.append(Note(f"A{top}", "Excel's Solver, run live on the Solver sheet (GRG "
                                         "Nonlinear, Excel's defaults)", "heading", span=8))
    compare.tables.append(Table(f"A{top + 1}", ["Parameter", "Excel's Solver"], rows,
                                [None, "0.000000"], id="excel_solver"))
    anchor = f"A{top + len(rows) + 2}"
    compare.notes.append(Note(anchor, "Excel's Solver: not run yet.", "caption", span=10))
    return anchor


def run_excel_solver(book, report: Report, sheet_names: dict[str, str]) -> tuple[int, str]:
    """Solve the Solver sheet's model with Excel's Solver; return SolverSolve's code and message."""
    model = report.sheet("Solver").solver
    solver_sheet = book.sheets[sheet_names["Solver"]]
    solver_sheet.activate()  # Solver works on the active sheet's model
    cell = lambda ref: resolve(report, ref).a1.rsplit("!", 1)[1]  # noqa: E731
    run = book.app.api.Run
    # SetCell, MaxMinVal (2 = Min), ValueOf, ByChange, Engine (2 = GRG Nonlinear), EngineDesc
    # The other options (non-negative, convergence, ...) are the sheet's saved model names.
    run(_RUN + "SolverOk", cell(model.objective), 2, 0, cell(model.variables), 2, "GRG Nonlinear")
    code: Any = run(_RUN + "SolverSolve", True)  # True: no dialog at the end
    run(_RUN + "SolverFinish", 1)  # keep Solver's solution in the variable cells
    code = int(code)
    return code, MESSAGES.get(code, f"Excel's Solver stopped with code {code}.")
