"""The "GD formulas" sheet: gradient descent on the MSE written as worksheet formulas, one row per
iteration, that recalculate in any spreadsheet without gdfit.

The inputs are cells with workbook-scoped names (``gd_learning_rate``, ``gd_start``, ``gd_scaled``,
``gd_momentum``); the data are ``gd_x`` and ``gd_y``; ``gd_history`` names the block of iteration,
MSE and the parameters in original units. Each row does what ``gdfit.fit`` does in one
iteration (``core.descent``): the standardisation of ``core.data.fit_scaler`` (mean and population
standard deviation with an intercept, root mean square without), the MSE gradient
``(2/n) Aᵀr`` on the descended (standardised or raw) parameters, momentum's velocity
``v = g + β v`` and the step ``θ - rate × v``, and the way back to original units
``w = θ_w / s``, ``b = θ_b - w·c``. Every sum over the data is a ``SUMPRODUCT``, which both Excel
and LibreOffice evaluate over whole arrays (a plain ``SUM`` of a range expression would be an
implicit intersection there).

For one feature with an intercept the sheet also holds stochastic gradient descent: one step per
row, over the row order numpy's generator draws for ``seed`` (the order ``gdfit.fit(method="sgd",
seed=seed)`` takes), with the epoch-end MSE in ``gd_sgd_history``.

Cost: each iteration row evaluates ``k + 1`` SUMPRODUCTs over the ``n`` data rows (SSE and one
per parameter, ``k = p + 1``), each of ``p + 1`` multiply-adds per data row: about
``rows × (k + 1) × n × (p + 1)`` multiply-adds per recalculation.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from gdfit.core.data import Dataset
from gdfit.core.descent.fit import FitResult, fit_dataset
from gdfit.report.a1 import cell_a1, col_letter, span_cells
from gdfit.report.model import (
    CellValue,
    ChartSpec,
    ColumnRef,
    Formula,
    Note,
    RangeRef,
    Ref,
    SeriesSpec,
    SheetSpec,
    Table,
    WorkbookName,
)
from gdfit.report.present import column_widths, display_format
from gdfit.sheets.training.source import NUMBER, DataSource, parameter_names

__all__ = ["GdFormulaInputs", "gd_formulas_sheet", "training_inputs", "sgd_rate", "sgd_orders",
           "recalculation_work", "SHEET", "CAP", "INPUT_NAMES", "WORK_LIMIT"]

SHEET = "GD formulas"
CAP = 1e100  # parameters and velocities are held within ±CAP: a diverging run stays finite and charts draw
INPUT_NAMES = ("gd_learning_rate", "gd_start", "gd_scaled", "gd_momentum")
MIN_ROWS, MAX_ROWS = 200, 1000
SGD_MAX_STEPS = 2000  # one formula row per SGD step: the SGD block is left out for more rows than this
# Multiply-adds of one recalculation above which the sheet holds a note instead of the descent: ten
# times the 10,000 x 8 case (1.8e8, 31-46 s in LibreOffice here), or seconds of Excel on every edit.
WORK_LIMIT = 2e9
_SCI = "0.000000E+00"
_CHART_W, _CHART_H, _BAND = 12.0, 7.0, 15  # cm, cm, rows per band of charts (7 cm ≈ 13.2 rows)
# Minimum widths (characters): the input and fact labels in A read on one line, B holds their names.
_LABEL_WIDTH, _NAME_WIDTH = 46.0, 22.0


@dataclass(frozen=True)
class GdFormulaInputs:
    """What the input cells hold when the sheet is written (the user may change them later).

    ``start`` is the coefficients in column order then the intercept, in original units;
    ``iterations`` the rows after row 0; ``sgd_epochs`` 0 leaves the SGD block out.
    """

    learning_rate: float
    start: tuple[float, ...]
    scaled: bool = True
    momentum: float = 0.0
    iterations: int = MIN_ROWS
    sgd_learning_rate: float | None = None
    sgd_epochs: int = 0
    seed: int = 0


def _quiet_fit(data: Dataset, **options) -> FitResult:
    with warnings.catch_warnings():  # a run of max_iter=0 or a short one is what is asked for
        warnings.simplefilter("ignore")
        return fit_dataset(data, **options)


def training_inputs(fit: FitResult, data: Dataset) -> GdFormulaInputs:
    """The inputs that replay the training run ``fit`` where the formulas can (MSE, full batch,
    plain or momentum, constant rate, no line search); else gdfit's defaults on the MSE."""
    o = fit.options
    const = fit.fit_intercept
    same = (fit.loss_name == "mse" and fit.method == "gd" and fit.schedule == "constant"
            and fit.optimizer in ("plain", "momentum") and not o.get("line_search")
            and fit.n_iter > 0 and int(o.get("n_starts", 1)) == 1)
    if same:
        start = tuple(float(v) for v in fit.history.iloc[0, 4:])
        inputs = dict(learning_rate=fit.learning_rate, start=start, scaled=o.get("scale") == "auto",
                      momentum=float(o["momentum"]) if fit.optimizer == "momentum" else 0.0,
                      iterations=int(np.clip(fit.n_iter, MIN_ROWS, MAX_ROWS)))
    else:
        auto = _quiet_fit(data, fit_intercept=const, max_iter=0)
        inputs = dict(learning_rate=auto.learning_rate, start=(0.0,) * (data.p + int(const)))
    sgd_epochs = 0
    if data.p == 1 and const:
        sgd_epochs = int(min(10, SGD_MAX_STEPS // data.n))
    return GdFormulaInputs(**inputs, sgd_learning_rate=sgd_rate(data) if sgd_epochs else None,
                           sgd_epochs=sgd_epochs, seed=int(o.get("seed", 0)))


def sgd_rate(data: Dataset) -> float:
    """gdfit's "auto" learning rate for SGD on the MSE of ``data`` (one feature, an intercept)."""
    return _quiet_fit(data, method="sgd", max_iter=0).learning_rate


def sgd_orders(n: int, epochs: int, seed: int) -> np.ndarray:
    """The 1-based row order of each SGD epoch, as ``gdfit.fit(method="sgd", seed=seed)`` draws it."""
    rng = np.random.default_rng(seed)
    return np.concatenate([rng.permutation(n) + 1 for _ in range(epochs)]) if epochs else np.zeros(0, int)


class _Cols:
    """Column numbers (1-based) of the iteration table, whose first column is ``left``."""

    def __init__(self, left: int, k: int) -> None:
        self.k = k
        self.iteration, self.mse = left, left + 1
        self.params = [left + 2 + j for j in range(k)]
        self.sse = left + 2 + k
        self.grad = [left + 3 + k + j for j in range(k)]
        self.vel = [left + 3 + 2 * k + j for j in range(k)]
        self.theta = [left + 3 + 3 * k + j for j in range(k)]
        self.width = 3 + 4 * k


def _by_magnitude(values) -> str:
    """NUMBER, or the format ``report.present`` gives the largest of ``values`` in it: a formula's
    result has no value to size it by until it is calculated, so the builder sizes it from the
    data it stands for (a mean of 1e11 in NUMBER would print as ###)."""
    magnitudes = np.abs(np.ravel(np.asarray(values, dtype=float)))
    finite = magnitudes[np.isfinite(magnitudes)]
    return display_format(float(finite.max()) if finite.size else 0.0, NUMBER) or NUMBER


def _abs(row: int, col: int) -> str:
    return cell_a1(row, col, absolute=True)


def _cap(expr: str, cap: str) -> str:
    return f"MAX(-{cap},MIN({cap},{expr}))"


def recalculation_work(n: int, p: int, const: bool, iterations: int) -> int:
    """Multiply-adds of one recalculation: per row, k + 1 SUMPRODUCTs of p + 1 terms on n rows."""
    k = p + int(const)
    return (iterations + 1) * (k + 1) * n * (p + 1)


def gd_formulas_sheet(source: DataSource, data: Dataset, inputs: GdFormulaInputs, *, const: bool = True,
                      sheet_name: str = SHEET) -> tuple[SheetSpec, list[WorkbookName]]:
    """The sheet and the workbook names it defines; ``source`` says where ``gd_x`` and ``gd_y`` are.

    Data too large to recalculate in reasonable time (``WORK_LIMIT``) get a sheet that says so.
    """
    p, n = data.p, data.n
    k = p + int(const)
    if p < 1:
        raise ValueError("the GD formulas sheet needs at least one x column")
    if len(inputs.start) != k:
        raise ValueError(f"start has {len(inputs.start)} values; the model has {k} parameters")
    params = parameter_names(source.labels, const)
    # The parameters along the descent in original units (theta / s) can pass through any magnitude,
    # and the user's inputs change them: General, which Excel and LibreOffice fit to the column.
    param_formats = [None] * k
    x_formats = [_by_magnitude(data.X[:, j]) for j in range(p)]
    sheet = SheetSpec(sheet_name, column_widths={"A": _LABEL_WIDTH, "B": _NAME_WIDTH})
    work = recalculation_work(n, p, const, inputs.iterations)
    if work > WORK_LIMIT:
        sheet.notes += [Note("A1", "Gradient descent in plain formulas", "title", span=6),
                        Note("A3", f"Left out: {inputs.iterations + 1} iterations on {n:,} rows x {p} columns "
                                   f"would cost {work:.1e} multiply-adds at every recalculation (more than "
                                   f"{WORK_LIMIT:.0e}). Train a sample of the rows to get the formula descent.",
                             "warning", span=14)]
        return sheet, []
    names: list[WorkbookName] = []

    def name(text: str, cells: str) -> None:
        names.append(WorkbookName(text, RangeRef(sheet_name, cells)))

    sheet.notes += [
        Note("A1", "Gradient descent in plain formulas", "title", span=6),
        Note("A2", "Every iteration below is a formula over the data and the row above it. Change an input "
                   "in column C (the learning rate in C3) and the whole descent and its charts recalculate, "
                   "with no add-in.", "caption",
             span=12)]
    # -- inputs (rows 3..) ---------------------------------------------------------------------
    value_col = 3
    input_rows: list[list[CellValue]] = [
        ["learning rate", "gd_learning_rate", float(inputs.learning_rate)],
        ["start: coefficients, then the intercept", "gd_start", *map(float, inputs.start)],
        ["descend on standardised columns (FALSE: raw)", "gd_scaled", bool(inputs.scaled)],
        ["momentum (0: plain gradient descent)", "gd_momentum", float(inputs.momentum)]]
    sgd = inputs.sgd_epochs > 0 and p == 1 and const
    if sgd:
        input_rows.append(["SGD learning rate (one data row per step)", "gd_sgd_learning_rate",
                           float(inputs.sgd_learning_rate or inputs.learning_rate)])
    sheet.tables.append(Table("A3", None, input_rows, [None, None] + [None] * k, id="inputs", style=None))
    last_value_col = value_col + k - 1
    name("gd_learning_rate", cell_a1(3, value_col, True))
    name("gd_start", f"{cell_a1(4, value_col, True)}:{cell_a1(4, last_value_col, True)}")
    name("gd_scaled", cell_a1(5, value_col, True))
    name("gd_momentum", cell_a1(6, value_col, True))
    if sgd:
        name("gd_sgd_learning_rate", cell_a1(7, value_col, True))
    # -- data ------------------------------------------------------------------------------------
    names.append(WorkbookName("gd_y", source.y))

    def column(j: int) -> str:
        return "gd_x" if p == 1 else f"INDEX(gd_x,0,{j + 1})"

    # -- standardisation and the stability limit (rows 9..) ------------------------------------
    std_top = 9 if not sgd else 10
    centre_row, spread_row = std_top + 1, std_top + 2
    centre = [_abs(centre_row, value_col + j) for j in range(p)]
    spread = [_abs(spread_row, value_col + j) for j in range(p)]
    if const:
        centre_f = [f"=IF(gd_scaled,AVERAGE({column(j)}),0)" for j in range(p)]
        spread_f = [f"=IF(gd_scaled,STDEVP({column(j)}),1)" for j in range(p)]
        centre_label = "centre c: the mean if gd_scaled, else 0"
        spread_label = "spread s: the standard deviation if gd_scaled, else 1"
    else:
        centre_f = ["=0"] * p
        spread_f = [f"=IF(gd_scaled,SQRT(SUMSQ({column(j)})/ROWS(gd_y)),1)" for j in range(p)]
        centre_label = "centre c: 0 (no intercept)"
        spread_label = "spread s: the column's root mean square if gd_scaled, else 1"
    sheet.tables.append(Table(f"A{std_top}", ["Standardisation z = (x - c) / s", "per x column", *source.labels],
                              [[centre_label, None, *map(Formula, centre_f)],
                               [spread_label, None, *map(Formula, spread_f)]],
                              [None, None] + [_by_magnitude([data.X[:, j].mean(), data.X[:, j].std()])
                                              for j in range(p)], id="standardisation", style=None))
    facts_top = spread_row + 2
    n_cell, L_cell = _abs(facts_top, value_col), _abs(facts_top + 1, value_col)
    limit_cell, cap_cell = _abs(facts_top + 3, value_col), _abs(facts_top + 4, value_col)
    L_formula, L_label = _curvature(data, const, column, centre, spread, n_cell)
    flag = (f'=IF(gd_learning_rate>{limit_cell},"diverging: learning rate above "&IF(gd_momentum=0,"2/L",'
            f'"2(1+momentum)/L")&" = "&TEXT({limit_cell},"0.000E+00"),"converging: learning rate below "&'
            f'IF(gd_momentum=0,"2/L","2(1+momentum)/L")&" = "&TEXT({limit_cell},"0.000E+00"))')
    facts: list[list[CellValue]] = [
        ["rows of data n", None, Formula("=ROWS(gd_y)")],
        [L_label, None, L_formula],
        ["stability limit 2/L (plain gradient descent)", None, Formula(f"=2/{L_cell}")],
        ["stability limit 2(1+momentum)/L: the rate must be below it", None,
         Formula(f"=2*(1+gd_momentum)/{L_cell}")],
        ["cap: parameters and velocities stay within ±", None, CAP],
        [Formula(flag)]]
    sheet.tables.append(Table(f"A{facts_top}", None, facts, [None, None, _SCI], id="facts", style=None))
    top_bottom = facts_top + len(facts) - 1
    if p > 1:
        top_bottom += 1
        sheet.notes.append(Note(f"A{top_bottom}", "L: gdfit's value for the data as written, with gd_scaled TRUE "
                                "and FALSE; a (p+1) × (p+1) eigenvalue has no worksheet formula", "caption",
                                span=3))
    # -- the iteration table ---------------------------------------------------------------------
    n_charts = 1 + k + int(sgd)
    bands = -(-n_charts // 2)
    hist_top = max(top_bottom, 3 + bands * _BAND) + 3
    cols = _Cols(1, k)
    rows = _iteration_rows(cols, hist_top + 1, inputs.iterations, p, const, column, centre, spread,
                           n_cell, cap_cell, value_col)
    header = ["iteration", "MSE", *params, "SSE", *(f"gradient: {q}" for q in params),
              *(f"velocity: {q}" for q in params), *(f"descended: {q}" for q in params)]
    formats = ["0", _SCI, *param_formats, _SCI, *[_SCI] * (3 * k)]
    sheet.tables.append(Table(f"A{hist_top}", header, rows, formats, id="iterations"))
    last_row = hist_top + inputs.iterations + 1
    name("gd_history", f"$A${hist_top}:{cell_a1(last_row, cols.params[-1], True)}")
    sheet.notes.append(Note(f"A{hist_top - 1}", "One row per iteration: gd_history is the iteration, the MSE and "
                                                "the parameters in original units; then the working columns",
                            "heading", span=12))
    closed_bottom = _closed_form(sheet, cols, last_row, p, const, params)
    # -- SGD -------------------------------------------------------------------------------------
    if sgd:  # under the closed form, not beside the iterations: the sheet then prints one page wide
        _sgd_block(sheet, names, sheet_name, 1, closed_bottom + 3, n, inputs, centre, spread, n_cell,
                   cap_cell, value_col, [x_formats[0], _by_magnitude(data.y), *param_formats])
    right = cols.width + 2
    x_block: Ref | None = source.linest_x
    if x_block is None:  # the x columns are apart where they live: gd_x is a copy of them by formulas
        # One formula per column, the same text on every row: the row's place in the copy picks the value.
        copies = [Formula(f"=INDEX({{x}},ROW()-{hist_top})", {"x": ref}) for ref in source.x]
        sheet.tables.append(Table(cell_a1(hist_top, right), list(source.labels), [copies] * n,
                                  x_formats, id="x_copy"))
        sheet.notes.append(Note(cell_a1(hist_top - 1, right), "The x columns side by side, copied by formulas "
                                "(gd_x)", "heading", span=6))
        x_block = RangeRef(sheet_name, f"{cell_a1(hist_top + 1, right, True)}:{cell_a1(hist_top + n, right + p - 1, True)}")
    names.append(WorkbookName("gd_x", x_block))
    # -- charts ----------------------------------------------------------------------------------
    # Columns by position: a data label may repeat another header ("MSE", "intercept", a twin column).
    it = lambda c: ColumnRef(sheet_name, "iterations", c)  # noqa: E731
    charts = [ChartSpec("scatter", "MSE by iteration (log scale)", "", [
        SeriesSpec("MSE", it(0), it(1), style="line")], x_title="iteration",
        y_title="MSE (log scale)", y_log=True, legend=None, width_cm=_CHART_W, height_cm=_CHART_H)]
    charts += [ChartSpec("scatter", f"{q} by iteration", "", [SeriesSpec(q, it(0), it(2 + j), style="line")],
                         x_title="iteration", y_title=q, legend=None, width_cm=_CHART_W, height_cm=_CHART_H)
               for j, q in enumerate(params)]
    if sgd:
        e = lambda c: ColumnRef(sheet_name, "sgd_epochs", c)  # noqa: E731
        charts.append(ChartSpec("scatter", "SGD: MSE by epoch (log scale)", "", [
            SeriesSpec("MSE", e("epoch"), e("MSE"), style="markers+line")], x_title="epoch",
            y_title="MSE (log scale)", y_log=True, legend=None, width_cm=_CHART_W, height_cm=_CHART_H))
    _place_charts(sheet, charts, value_col + k + 1)
    return sheet, names


def _place_charts(sheet: SheetSpec, charts: list[ChartSpec], left: int) -> None:
    """Lay the charts two by two from column ``left``, rows 3 on, beside the inputs.

    The columns are as wide as ``report.present`` will draw them (it sizes and prints every sheet),
    so a chart's second column starts where the first chart ends; the sheet records those widths
    because the layout check (``report.layout``) reads the charts' extent from them."""
    widths = sheet.column_widths = column_widths(sheet)
    right = left
    for i, chart in enumerate(charts):
        column = left if i % 2 == 0 else right
        chart.anchor = cell_a1(3 + (i // 2) * _BAND, column)
        if i % 2 == 0:
            right = max(right, span_cells(chart.anchor, chart.width_cm, chart.height_cm, widths).max_col + 1)
    sheet.charts += charts


def _curvature(data: Dataset, const: bool, column, centre: Sequence[str], spread: Sequence[str],
               n_cell: str) -> tuple[CellValue, str]:
    """L, the MSE's curvature bound 2 λmax(AᵀA)/n: by formulas for one x (a 2 × 2 eigenvalue), else
    the two values gdfit computed (for gd_scaled TRUE and FALSE)."""
    if data.p == 1:
        z = f"(gd_x-{centre[0]})/{spread[0]}"
        if not const:
            return Formula(f"=2*SUMPRODUCT(({z})^2)/{n_cell}"), "curvature L = 2 mean(z²) of the MSE"
        a, b = f"SUMPRODUCT(({z})^2)/{n_cell}", f"SUMPRODUCT({z})/{n_cell}"
        # Largest eigenvalue of [[a, b], [b, 1]] = AᵀA/n for the design A = [z, 1].
        return (Formula(f"=2*(({a}+1)/2+SQRT((({a}-1)/2)^2+({b})^2))"),
                "curvature L of the MSE: 2 λmax of [z, 1]ᵀ[z, 1]/n")
    L = {scaled: _quiet_fit(data, fit_intercept=const, scale="auto" if scaled else "none", max_iter=0).lipschitz
         for scaled in (True, False)}
    return (Formula(f"=IF(gd_scaled,{float(L[True])!r},{float(L[False])!r})"),
            "curvature L of the MSE (gdfit computed it)")


def _iteration_rows(cols: _Cols, first: int, iterations: int, p: int, const: bool, column,
                    centre: Sequence[str], spread: Sequence[str], n_cell: str, cap_cell: str,
                    value_col: int) -> list[list[CellValue]]:
    k = cols.k
    letter = col_letter
    start = [_abs(4, value_col + j) for j in range(k)]
    rows: list[list[CellValue]] = []
    for t in range(iterations + 1):
        r = first + t
        w = [f"${letter(cols.params[j])}{r}" for j in range(k)]
        th = [f"{letter(cols.theta[j])}{r}" for j in range(k)]
        terms = [f"{column(j)}*{w[j]}" for j in range(p)] + ([w[p]] if const else [])
        residual = f"({'+'.join(terms)}-gd_y)"
        original = [Formula(f"={th[j]}/{spread[j]}") for j in range(p)]
        if const:
            coefs = f"{letter(cols.params[0])}{r}:{letter(cols.params[p - 1])}{r}"
            original.append(Formula(f"={th[p]}-SUMPRODUCT({coefs},{centre[0]}:{centre[-1]})"))
        grads = [Formula(f"=2*SUMPRODUCT(({column(j)}-{centre[j]})/{spread[j]},{residual})/{n_cell}")
                 for j in range(p)]
        if const:
            grads.append(Formula(f"=2*SUMPRODUCT({residual})/{n_cell}"))
        if t == 0:
            vel: list[CellValue] = [0.0] * k
            theta: list[CellValue] = [Formula(f"={start[j]}*{spread[j]}") for j in range(p)]
            if const:
                theta.append(Formula(f"={start[p]}+SUMPRODUCT({start[0]}:{start[p - 1]},{centre[0]}:{centre[-1]})"))
        else:
            up = r - 1
            vel = [Formula("=" + _cap(f"{letter(cols.grad[j])}{up}+gd_momentum*{letter(cols.vel[j])}{up}", cap_cell))
                   for j in range(k)]
            theta = [Formula("=" + _cap(f"{letter(cols.theta[j])}{up}-gd_learning_rate*{letter(cols.vel[j])}{r}",
                                        cap_cell)) for j in range(k)]
        sse = Formula(f"=SUMPRODUCT({residual}^2)")
        mse = Formula(f"={letter(cols.sse)}{r}/{n_cell}")
        rows.append([t, mse, *original, sse, *grads, *vel, *theta])
    return rows


def _closed_form(sheet: SheetSpec, cols: _Cols, last_row: int, p: int, const: bool,
                 params: Sequence[str]) -> int:
    """LINEST's closed form under the last row, and the last row minus it; returns its last row."""
    k = cols.k
    const_text = "TRUE" if const else "FALSE"
    linest = []
    for j in range(k):
        position = p + 1 if const and j == p else p - j  # LINEST lists the coefficients in reverse
        linest.append(Formula(f"=INDEX(LINEST(gd_y,gd_x,{const_text},FALSE),1,{position})"))
    top = last_row + 2
    diff = [Formula(f"={col_letter(cols.params[j])}{last_row}-{col_letter(cols.params[j])}{top}") for j in range(k)]
    sheet.tables.append(Table(f"A{top}", None, [["closed form (LINEST)", None, *linest],
                                                ["last row minus the closed form", None, *diff]],
                              [None, None] + [_SCI] * k, id="closed_form", style=None))
    return top + 1


def _sgd_block(sheet: SheetSpec, names: list[WorkbookName], sheet_name: str, left: int, top: int, n: int,
               inputs: GdFormulaInputs, centre: Sequence[str], spread: Sequence[str], n_cell: str,
               cap_cell: str, value_col: int, formats: Sequence[str | None]) -> None:
    """One feature with an intercept: one SGD step per row from row ``top`` (its header) and column
    ``left``, then the MSE at each epoch's end beside it; ``formats`` are those of x, y, the slope
    and the intercept."""
    x_format, y_format, w_format, b_format = formats
    order = sgd_orders(n, inputs.sgd_epochs, inputs.seed)
    L = col_letter
    c = {name: left + i for i, name in enumerate(
        ["step", "epoch", "row", "x", "y", "residual", "gw", "gb", "vw", "vb", "tw", "tb", "w", "b"])}
    cx, sx = centre[0], spread[0]
    start_w, start_b = _abs(4, value_col), _abs(4, value_col + 1)
    rows: list[list[CellValue]] = []
    for step in range(order.shape[0] + 1):
        r = top + 1 + step
        original = [Formula(f"={L(c['tw'])}{r}/{sx}"), Formula(f"={L(c['tb'])}{r}-{L(c['w'])}{r}*{cx}")]
        if step == 0:
            rows.append([0, 0, None, None, None, None, None, None, 0.0, 0.0,
                         Formula(f"={start_w}*{sx}"), Formula(f"={start_b}+{start_w}*{cx}"), *original])
            continue
        up = r - 1
        res = f"{L(c['residual'])}{r}"
        rows.append([
            step, (step - 1) // n + 1, int(order[step - 1]),
            Formula(f"=INDEX(gd_x,{L(c['row'])}{r})"), Formula(f"=INDEX(gd_y,{L(c['row'])}{r})"),
            Formula(f"={L(c['x'])}{r}*{L(c['w'])}{up}+{L(c['b'])}{up}-{L(c['y'])}{r}"),
            Formula(f"=2*{res}*({L(c['x'])}{r}-{cx})/{sx}"), Formula(f"=2*{res}"),
            Formula("=" + _cap(f"{L(c['gw'])}{r}+gd_momentum*{L(c['vw'])}{up}", cap_cell)),
            Formula("=" + _cap(f"{L(c['gb'])}{r}+gd_momentum*{L(c['vb'])}{up}", cap_cell)),
            Formula("=" + _cap(f"{L(c['tw'])}{up}-gd_sgd_learning_rate*{L(c['vw'])}{r}", cap_cell)),
            Formula("=" + _cap(f"{L(c['tb'])}{up}-gd_sgd_learning_rate*{L(c['vb'])}{r}", cap_cell)),
            *original])
    header = ["SGD step", "epoch", "row drawn", "x of the row", "y of the row", "residual",
              "gradient: slope", "gradient: intercept", "velocity: slope", "velocity: intercept",
              "descended: slope", "descended: intercept", "slope", "intercept"]
    sheet.tables.append(Table(cell_a1(top, left), header, rows,
                              ["0", "0", "0", x_format, y_format, _SCI, _SCI, _SCI, _SCI, _SCI, _SCI, _SCI,
                               w_format, b_format], id="sgd"))
    sheet.notes.append(Note(cell_a1(top - 1, left), f"Stochastic gradient descent: one data row per step, in the "
                            f"order numpy draws for seed {inputs.seed} (as gdfit.fit(method=\"sgd\", "
                            f"seed={inputs.seed})); each epoch is one pass over a fresh permutation",
                            "heading", span=14))
    e_left = left + len(header) + 1
    epochs: list[list[CellValue]] = []
    for epoch in range(inputs.sgd_epochs + 1):
        at = top + 1 + epoch * n  # the row after the epoch's last step
        w, b = f"{L(c['w'])}{at}", f"{L(c['b'])}{at}"
        epochs.append([epoch, Formula(f"=SUMPRODUCT((gd_x*{w}+{b}-gd_y)^2)/{n_cell}"), Formula(f"={w}"),
                       Formula(f"={b}")])
    sheet.tables.append(Table(cell_a1(top, e_left), ["epoch", "MSE", "slope", "intercept"], epochs,
                              ["0", _SCI, w_format, b_format], id="sgd_epochs"))
    names.append(WorkbookName("gd_sgd_history", RangeRef(
        sheet_name, f"{cell_a1(top, e_left, True)}:{cell_a1(top + 1 + inputs.sgd_epochs, e_left + 3, True)}")))
    sheet.notes.append(Note(cell_a1(top - 1, e_left), "SGD at the end of each epoch (gd_sgd_history)", "heading",
                            span=5))
