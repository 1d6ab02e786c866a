"""The logistic training report: gradient descent, the Logistic Regression block, a live
classification table, the ROC curve, the Solver recipe and the comparison, as a Report.

``gdfit train --model logistic`` writes these sheets. The Solver sheet is the classic recipe in
cells, over a copy of the data: ``p = 1/(1+EXP(-(b + Σ m·x)))`` and ``y·LN(p) + (1-y)·LN(1-p)`` on
every row, LL their sum, and a saved Solver model that maximises LL with "Make Unconstrained
Variables Non-Negative" cleared (the default would hold a negative coefficient at 0).
"""
from __future__ import annotations

import numpy as np

from gdfit import __version__
from gdfit.core.data import Dataset, InputError
from gdfit.core.logistic.compare import LogitComparison
from gdfit.core.logistic.output import logistic_output
from gdfit.report.a1 import a1_range, col_letter
from gdfit.report.layout import auto_widths
from gdfit.report.model import (
    CellRef,
    CellValue,
    ChartSpec,
    ColumnRef,
    Formula,
    Note,
    PageSetup,
    Report,
    SeriesSpec,
    SheetSpec,
    Table,
)
from gdfit.report.solver_model import SolverModel
from gdfit.sheets.training.gd import GD_TABLES_ROW
from gdfit.sheets.training.source import NUMBER, parameter_names

__all__ = ["logistic_report", "LOGISTIC_SHEETS", "THRESHOLD", "MAX_LOGISTIC_ROWS", "check_logistic_size"]

LOGISTIC_SHEETS = ("Logistic Regression", "Solver", "GD", "Compare")
THRESHOLD = 0.5
REGRESSION, SOLVER, GD, COMPARE = LOGISTIC_SHEETS
_PROB = "0.000000"


#: Rows the logistic sheets copy, each with its live p and log-likelihood term (the Solver recipe
#: and the fitted probabilities): past this, Excel's Solver over them would take hours.
MAX_LOGISTIC_ROWS = 100_000


def check_logistic_size(n: int) -> None:
    """Refuse, in one line, data too long for the logistic sheets' per-row recipe."""
    if n > MAX_LOGISTIC_ROWS:
        raise InputError(f"the logistic training sheets copy every row into live formulas (the Solver recipe, "
                         f"the fitted probabilities), and {n:,} rows is more than they take "
                         f"({MAX_LOGISTIC_ROWS:,}); fit a sample, or use 'gdfit logit' (or gdfit.logistic_mle) "
                         "for the numbers alone.")


def logistic_report(cmp: LogitComparison, data: Dataset, *, title: str = "gdfit logistic training") -> Report:
    """The four sheets (``LOGISTIC_SHEETS``) for one logistic comparison on ``data`` (0/1 labels)."""
    check_logistic_size(data.n)
    sheets = [_regression_sheet(cmp, data), _solver_sheet(cmp, data), _gd_sheet(cmp), _compare_sheet(cmp)]
    for sheet in sheets:
        widths = auto_widths(sheet)
        widths.update(sheet.column_widths)
        sheet.column_widths = {key: min(value, 60.0) for key, value in widths.items()}
    return Report(sheets, title=title)


def _predictor_text(k: int, const: bool, x: str, m: str, b: str) -> str:
    """``b + m0*x0 + ...`` with ``{m0}``/``{x0}``/``{b}`` placeholders."""
    terms = [f"{{{m}{j}}}*{{{x}{j}}}" for j in range(k)]
    return "+".join(([f"{{{b}}}"] if const else []) + terms) or "0"


def _regression_sheet(cmp: LogitComparison, data: Dataset) -> SheetSpec:
    """The Logistic Regression block, the fitted probabilities, a live classification table at an
    input threshold, and the ROC curve with its AUC."""
    m = cmp.mle
    const = m.fit_intercept
    sheet = SheetSpec(REGRESSION, page=PageSetup(pages_tall=0), column_widths={"A": 34.0})
    block = logistic_output(m, threshold=THRESHOLD)
    sheet.tables.append(Table("A1", None, block, id="block"))
    # Everything else under the block, within its ten columns' width: the sheet prints one page wide.
    below = len(block) + 3
    names = parameter_names(data.labels, const)
    coef_rows: list[list[CellValue]] = [[name, float(v)] for name, v in zip(names, m.params)]
    sheet.notes.append(Note(f"A{below}", "Coefficients used below (Newton's maximum)", "heading", span=3))
    sheet.tables.append(Table(f"A{below + 1}", ["Parameter", "Value"], coef_rows, [None, NUMBER],
                              id="coefficients"))
    top = below + 1 + len(coef_rows) + 3
    sheet.notes.append(Note(f"A{top - 1}", "Threshold: a row is predicted positive when p >= it", "heading",
                            span=3))
    sheet.tables.append(Table(f"A{top}", ["Threshold"], [[THRESHOLD]], ["0.00"], id="threshold"))
    thr = CellRef(REGRESSION, "threshold", 0, "Threshold", "local")
    fitted = _fitted_table(data, const, top + 4, "A")
    sheet.tables.append(fitted)
    beside = data.p + 4  # right of the fitted table's x columns, y and p, after a spare column
    _classification(sheet, cmp, thr, anchor_col=beside, top=top)
    _roc(sheet, cmp, anchor_col=beside, top=top + 12)
    return sheet


def _fitted_table(data: Dataset, const: bool, top: int, col: str) -> Table:
    """y and p = 1/(1+EXP(-(b + Σ m·x))) per row, p live on the coefficient cells."""
    k = data.p
    header = [*data.labels, "y", "p"]
    refs = {f"m{j}": CellRef(REGRESSION, "coefficients", j, "Value", "local") for j in range(k)}
    if const:
        refs["b"] = CellRef(REGRESSION, "coefficients", k, "Value", "local")
    rows: list[list[CellValue]] = []
    for i in range(data.n):
        cells = {f"x{j}": CellRef(REGRESSION, "fitted", i, j, "relative") for j in range(k)}
        text = "=1/(1+EXP(-(" + _predictor_text(k, const, "x", "m", "b") + ")))"
        rows.append([*map(float, data.X[i]), float(data.y[i]), Formula(text, {**refs, **cells})])
    return Table(f"{col}{top}", header, rows, [None] * k + ["0", _PROB], id="fitted")


def _classification(sheet: SheetSpec, cmp: LogitComparison, thr: CellRef, anchor_col: int, top: int) -> None:
    positive, negative = cmp.classes[1], cmp.classes[0]
    y = ColumnRef(REGRESSION, "fitted", "y")
    p = ColumnRef(REGRESSION, "fitted", "p")
    refs = {"y": y, "p": p, "t": thr}
    count = lambda label, cmp_text: Formula(  # noqa: E731
        f'=COUNTIFS({{y}},{label},{{p}},"{cmp_text}"&{{t}})', refs)
    rows: list[list[CellValue]] = [
        [f"Observed {positive!s}", count(1, ">="), count(1, "<")],
        [f"Observed {negative!s}", count(0, ">="), count(0, "<")],
    ]
    col = col_letter(anchor_col)
    sheet.notes.append(Note(f"{col}{top - 1}", "Classification table (live COUNTIFS on the threshold)", "heading",
                            span=4))
    table = Table(f"{col}{top}", ["Observed \\ predicted", f"Predicted {positive!s}", f"Predicted {negative!s}"], rows,
                  [None, "0", "0"], id="classification")
    sheet.tables.append(table)
    cell = lambda r, c: CellRef(REGRESSION, "classification", r, c, "local")  # noqa: E731
    tp, fn = cell(0, 1), cell(0, 2)
    fp, tn = cell(1, 1), cell(1, 2)
    quality = [["Accuracy", Formula("=({tp}+{tn})/({tp}+{fn}+{fp}+{tn})", {"tp": tp, "tn": tn, "fn": fn, "fp": fp})],
               ["Sensitivity", Formula("={tp}/({tp}+{fn})", {"tp": tp, "fn": fn})],
               ["Specificity", Formula("={tn}/({tn}+{fp})", {"tn": tn, "fp": fp})]]
    sheet.tables.append(Table(f"{col}{top + 4}", ["Measure", "Value"], quality, [None, "0.0000"], id="quality"))


def _roc(sheet: SheetSpec, cmp: LogitComparison, anchor_col: int, top: int) -> None:
    curve = cmp.mle.roc
    col = col_letter(anchor_col)
    thresholds = [None if not np.isfinite(t) else float(t) for t in curve.thresholds]
    rows = [[t, float(f), float(r)] for t, f, r in zip(thresholds, curve.fpr, curve.tpr)]
    sheet.notes.append(Note(f"{col}{top - 1}", f"ROC curve (AUC {cmp.mle.auc:.4f}; computed by gdfit)", "heading",
                            span=4))
    # The chart first, then the curve's table (one row per threshold) and the chance line's two
    # points under it, all in the same columns.
    chart_rows = 20
    sheet.tables.append(Table(f"{col}{top + chart_rows}", ["threshold", "false positive rate", "true positive rate"],
                              rows, [_PROB, "0.0000", "0.0000"], id="roc"))
    sheet.tables.append(Table(f"{col}{top + chart_rows + len(rows) + 3}", ["chance x", "chance y"],
                              [[0.0, 0.0], [1.0, 1.0]], ["0", "0"], id="chance"))
    ref = lambda table, column: ColumnRef(REGRESSION, table, column)  # noqa: E731
    sheet.charts.append(ChartSpec(
        "scatter", f"ROC curve, AUC = {cmp.mle.auc:.4f}", f"{col}{top}",
        [SeriesSpec("ROC", ref("roc", "false positive rate"), ref("roc", "true positive rate"),
                    style="markers+line", marker_size=3),
         SeriesSpec("chance", ref("chance", "chance x"), ref("chance", "chance y"), style="line", line_dash="dash",
                    color="808080")],
        x_title="false positive rate (1 - specificity)", y_title="true positive rate (sensitivity)",
        x_min=0.0, x_max=1.0, y_min=0.0, y_max=1.0))


def _solver_sheet(cmp: LogitComparison, data: Dataset) -> SheetSpec:
    """The log-likelihood recipe in cells, with a saved Solver model that maximises LL."""
    const, k = cmp.mle.fit_intercept, data.p
    names = parameter_names(data.labels, const)
    sheet = SheetSpec(SOLVER, page=PageSetup(), column_widths={"A": 30.0, "B": 16.0})
    sheet.notes += [
        Note("A1", "Solver recipe: maximise the log-likelihood LL by changing the coefficients", "title", span=8),
        Note("A2", "Excel: Data > Solver opens this model ready (Max LL, GRG Nonlinear) with \"Make "
                   "Unconstrained Variables Non-Negative\" cleared: Excel ticks it by default, which would hold "
                   "a coefficient that should be negative (often the intercept) at 0. The cells start at 0, "
                   "where every p is 1/2; a start with p rounding to 0 or 1 gives LN(0) = #NUM!.",
             "caption", span=12)]
    start = [0.0] * len(names)
    rows: list[list[CellValue]] = [[name, value, float(v)] for name, value, v in zip(names, start, cmp.mle.params)]
    cells = Table("A4", ["Variable cell", "Value", "Newton (MLE)"], rows, [None, NUMBER, NUMBER], id="variables")
    sheet.tables.append(cells)
    var = {f"m{j}": CellRef(SOLVER, "variables", j, "Value", "local") for j in range(k)}
    mle = {f"n{j}": CellRef(SOLVER, "variables", j, "Newton (MLE)", "local") for j in range(k)}
    if const:
        var["b"] = CellRef(SOLVER, "variables", k, "Value", "local")
        mle["c"] = CellRef(SOLVER, "variables", k, "Newton (MLE)", "local")
    recipe_top = cells.rect.max_row + 8
    header = [*data.labels, "y", "p", "LL term"]
    recipe_rows: list[list[CellValue]] = []
    for i in range(data.n):
        x = {f"x{j}": CellRef(SOLVER, "recipe", i, j, "relative") for j in range(k)}
        p_text = "=1/(1+EXP(-(" + _predictor_text(k, const, "x", "m", "b") + ")))"
        term = Formula("={y}*LN({p})+(1-{y})*LN(1-{p})",
                       {"y": CellRef(SOLVER, "recipe", i, "y", "relative"),
                        "p": CellRef(SOLVER, "recipe", i, "p", "relative")})
        recipe_rows.append([*map(float, data.X[i]), float(data.y[i]), Formula(p_text, {**var, **x}), term])
    recipe = Table(f"A{recipe_top}", header, recipe_rows, [None] * k + ["0", _PROB, NUMBER], id="recipe")
    terms = ColumnRef(SOLVER, "recipe", "LL term")
    # LL at Newton's coefficients, in one cell: the same recipe over whole columns, a live check.
    xs = {f"x{j}": ColumnRef(SOLVER, "recipe", j) for j in range(k)}
    y = ColumnRef(SOLVER, "recipe", "y")
    p_mle = "1/(1+EXP(-(" + _predictor_text(k, const, "x", "n", "c") + ")))"
    ll_mle = Formula(f"=SUMPRODUCT({{y}}*LN({p_mle})+(1-{{y}})*LN(1-{p_mle}))", {**mle, **xs, "y": y})
    objective_rows: list[list[CellValue]] = [["LL (objective)", Formula("=SUM({t})", {"t": terms})],
                                             ["LL at Newton's coefficients", ll_mle],
                                             ["LL by Newton (computed by gdfit)", cmp.mle.llf]]
    objective = Table(f"A{cells.rect.max_row + 2}", ["Objective", "Value"], objective_rows, [None, NUMBER],
                      id="objective")
    sheet.tables += [objective, recipe]
    sheet.notes.append(Note(f"A{recipe_top - 1}", "The recipe: one row per observation (data copied here)",
                            "heading", span=6))
    sheet.solver = SolverModel(objective=CellRef(SOLVER, "objective", "LL (objective)", "Value"),
                               variables=ColumnRef(SOLVER, "variables", "Value", rows=(0, len(names) - 1)),
                               minimize=False, nonnegative=False)
    _solver_result(sheet, cmp, names, cells, objective, anchor_col=6)
    return sheet


def _solver_result(sheet: SheetSpec, cmp: LogitComparison, names: list[str], cells: Table, objective: Table,
                   anchor_col: int) -> None:
    result = cmp.solver
    col = col_letter(anchor_col)
    sheet.notes.append(Note(f"{col}4", "Solver-equivalent (GRG-like, Excel defaults: non-negative ticked), "
                                       "computed by gdfit", "heading", span=6))
    res_rows: list[list[CellValue]] = [[n, float(s), float(v)] for n, s, v in zip(names, result.params, cmp.mle.params)]
    res_rows.append(["LL", result.llf, cmp.mle.llf])
    table = Table(f"{col}5", ["Parameter", "Solver-equivalent", "Newton (MLE)"], res_rows, [None, NUMBER, NUMBER],
                  id="solver_result")
    sheet.tables.append(table)
    sheet.notes.append(Note(f"{col}{table.rect.max_row + 1}", result.message, "caption", span=8))
    address = lambda row: a1_range(cells.cell(row, "Value"), absolute=True)  # noqa: E731
    answer = result.answer_report(
        cells={"objective": a1_range(objective.cell("LL (objective)", "Value"), absolute=True),
               "variables": [address(j) for j in range(len(names))], "names": names},
        worksheet="[workbook]Solver", created=f"gdfit {__version__}")
    top = table.rect.max_row + 4
    sheet.tables.append(Table(f"{col_letter(anchor_col + 5)}{top}", None, answer, id="answer_report"))


def _gd_sheet(cmp: LogitComparison) -> SheetSpec:
    fit = cmp.fit
    sheet = SheetSpec(GD, page=PageSetup(pages_tall=0))
    sheet.notes += [Note("A1", "Gradient descent on the log loss", "title", span=4),
                    Note("A2", fit.message, "warning" if not fit.converged else "caption", span=12)]
    facts: list[list[CellValue]] = [
        [str(key), value if isinstance(value, (int, float, str, type(None))) else str(value)]
        for key, value in fit.options.items()]
    facts += [["positive label (1)", str(fit.positive_label)], ["learning rate used", fit.learning_rate],
              ["iterations", fit.n_iter], ["converged", fit.converged], ["final log loss", fit.loss]]
    sheet.tables.append(Table("A4", ["Option", "Value"], facts, id="options"))
    history = fit.history
    header = [str(c) for c in history.columns]
    sheet.notes.append(Note(f"A{GD_TABLES_ROW - 1}", "Iteration history (thinned evenly when long)", "heading",
                            span=len(header)))
    sheet.tables.append(Table(f"A{GD_TABLES_ROW}", header, history.to_numpy(dtype=float).tolist(),
                              ["0", "0.000000E+00", "0.00E+00", "0.000E+00"] + [NUMBER] * (len(header) - 4),
                              name="gd_history", id="history"))
    hist = lambda column: ColumnRef(GD, "history", column)  # noqa: E731
    sheet.charts.append(ChartSpec("scatter", "Log loss by iteration (log scale)", "D4",
                                  [SeriesSpec("log loss", hist("iteration"), hist("loss"), style="markers+line",
                                              marker_size=4)],
                                  x_title="iteration", y_title="mean log loss (log scale)", y_log=True))
    params = parameter_names(cmp.labels, cmp.mle.fit_intercept)
    sheet.charts.append(ChartSpec("scatter", "Parameters by iteration", "D23",
                                  [SeriesSpec(name, hist("iteration"), hist(column), style="markers+line",
                                              marker_size=4) for name, column in zip(params, header[4:])],
                                  x_title="iteration", y_title="value"))
    return sheet


def _compare_sheet(cmp: LogitComparison) -> SheetSpec:
    sheet = SheetSpec(COMPARE, page=PageSetup())
    rows = cmp.rows()
    header, body = rows[0], rows[1:]
    sheet.notes += [Note("A1", "Logistic regression three ways: gradient descent, Newton, Solver", "title", span=8),
                    Note("A2", "The Solver row is gdfit's Solver-equivalent (GRG-like, Excel defaults), "
                               "not Excel's Solver itself.", "caption", span=10)]
    formats = [None] + [NUMBER] * (len(header) - 5) + ["0.000000", "0", "0.0000", "0.00E+00"]
    table = Table("A4", [str(h) for h in header], body, formats, id="parity")
    sheet.tables.append(table)
    top = table.rect.max_row + 3
    sheet.notes.append(Note(f"A{top - 1}", "What differs and why", "heading", span=4))
    sheet.notes += [Note(f"A{top + i}", line, "body", span=12) for i, line in enumerate(cmp.notes)]
    return sheet
