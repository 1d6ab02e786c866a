"""Turn a comparison (gradient descent next to Excel's methods) into the sheets an analyst reads.

``training_report`` builds the ``Formula``, ``Solver``, ``Regression``, ``GD``, ``GD formulas`` and
``Compare`` sheets (one module each) as a :class:`~gdfit.report.model.Report`; every position is decided
there, so the file renderer and the live Excel renderer draw the same thing. A sheet refers to
another's cells through that sheet's tables (``CellRef``, ``ColumnRef``), never by row numbers.
"""
from __future__ import annotations

from gdfit.core.compare import Comparison
from gdfit.core.data import Dataset
from gdfit.core.descent.fit import FitResult
from gdfit.report.model import Report
from gdfit.sheets.training.compare import compare_sheet
from gdfit.sheets.training.formula import formula_sheet
from gdfit.sheets.training.gd import gd_sheet
from gdfit.sheets.training.gd_formulas import gd_formulas_sheet, training_inputs
from gdfit.sheets.training.regression import regression_sheet
from gdfit.sheets.training.solver import solver_sheet
from gdfit.sheets.training.source import DataSource

__all__ = ["training_report", "SHEETS"]

#: The sheets gdfit writes, in order.
SHEETS = ("Formula", "Solver", "Regression", "GD", "GD formulas", "Compare")


def training_report(cmp: Comparison, source: DataSource, data: Dataset, *,
                    title: str = "gdfit training", lesson_run: FitResult | None = None,
                    lesson_text: str | None = None, solver_start: str | None = None) -> Report:
    """The sheets gdfit writes for one comparison (see ``SHEETS``) on the data ``data``.

    ``lesson_run`` and ``lesson_text`` go on the GD sheet (see ``gd_sheet``); ``solver_start``
    says on the Solver sheet where its variable cells start (default: from zeros, as Excel's
    Solver does with blank cells).
    """
    sheets = [formula_sheet(cmp, source), solver_sheet(cmp, source, solver_start),
              regression_sheet(cmp, source, data), gd_sheet(cmp, source, data, lesson_run, lesson_text),
              compare_sheet(cmp, source)]
    names = []
    if data.p:  # an intercept-only model has no x columns to descend on in formulas
        descent, names = gd_formulas_sheet(source, data, training_inputs(cmp.fit, data),
                                           const=cmp.closed.fit_intercept)
        sheets.insert(SHEETS.index("GD formulas"), descent)
    # Column widths, page setup and number formats by magnitude: gdfit.report.present, at drawing time.
    return Report(sheets, title=title, names=names)
