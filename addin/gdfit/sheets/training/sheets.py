"""The Regression, GD and Compare sheets of a training report (see ``training_report``)."""
from __future__ import annotations

import numpy as np

from gdfit.core.leastsq.toolpak import toolpak_regression
from gdfit.core.surface import choose_levels, contour_lines, slice_surface
from gdfit.report.a1 import cell_a1, col_letter
from gdfit.report.layout import contour_rows
from gdfit.report.model import ChartSpec, ColumnRef, Formula, Note, PageSetup, RangeRef, SeriesSpec, SheetSpec, Table
from gdfit.sheets.manifest import add_manifest

__all__ = ["regression_sheet", "gd_sheet", "compare_sheet", "formula_refs", "GD_TABLES_ROW"]

NUMBER = "0.000000"
GD_TABLES_ROW = 68  # the GD sheet's tables start below its three charts, stacked in column D (rows 4-65)
_SUMMARY_WIDTH = 9  # columns of the ToolPak's SUMMARY OUTPUT block


def formula_refs(text: str, refs: dict) -> dict:
    """Only the references a formula text uses (an unused one is an error in the report)."""
    return {key: ref for key, ref in refs.items() if "{" + key + "}" in text}


def _parameter_names(labels, const: bool) -> list[str]:
    return list(labels) + (["intercept"] if const else [])


def regression_sheet(cmp, source, data) -> SheetSpec:
    """The ToolPak-equivalent SUMMARY OUTPUT with residual and probability output, and the
    Line Fit Plot with the gradient-descent and closed-form lines."""
    const = cmp.closed.fit_intercept
    rows = toolpak_regression(data, const=const, labels=list(source.labels)).rows(
        residuals=True, standardized=True, probability=True)
    # Fixed widths, as the ToolPak leaves them: General then shows as many digits as fit.
    widths = {col_letter(c): 13.0 for c in range(2, _SUMMARY_WIDTH + 1)}
    sheet = SheetSpec("Regression", page=PageSetup(), column_widths={"A": 20.0, **widths})
    sheet.tables.append(Table("A1", None, rows, id="summary"))
    residual_header = next(i for i, r in enumerate(rows) if r[0] == "Observation")
    first, last = residual_header + 2, residual_header + 1 + data.n  # 1-based sheet rows
    predicted = RangeRef("Regression", f"B{first}:B{last}")
    chart_col = col_letter(_SUMMARY_WIDTH + 2)
    series = [SeriesSpec(source.y_label, source.x[0], source.y, marker_size=6),
              SeriesSpec(f"Predicted {source.y_label}", source.x[0], predicted, marker="square",
                         marker_size=5)]
    if data.p == 1:
        series += _fit_lines(sheet, cmp, data, anchor=f"{chart_col}24")
    sheet.charts.append(ChartSpec(
        "scatter", f"{source.labels[0]} Line Fit Plot", f"{chart_col}1", series,
        x_title=source.labels[0], y_title=source.y_label))
    return sheet


def _fit_lines(sheet: SheetSpec, cmp, data, anchor: str) -> list[SeriesSpec]:
    lo, hi = float(data.X[:, 0].min()), float(data.X[:, 0].max())
    gd, cf = cmp.fit, cmp.closed
    rows = [[x, float(gd.coef[0] * x + gd.intercept), float(cf.coef[0] * x + cf.intercept)] for x in (lo, hi)]
    sheet.tables.append(Table(anchor, ["x", "gradient descent", "closed form"], rows, [None, NUMBER, NUMBER],
                              id="fit_lines"))
    ref = lambda column: ColumnRef("Regression", "fit_lines", column)  # noqa: E731
    return [SeriesSpec("gradient descent line", ref("x"), ref("gradient descent"), style="line"),
            SeriesSpec("closed-form line", ref("x"), ref("closed form"), style="line", line_dash="dash")]


def _options_rows(fit) -> list[list]:
    rows = [[str(key), value if isinstance(value, (int, float, str, type(None))) else str(value)]
            for key, value in fit.options.items()]
    facts = [("learning rate used", fit.learning_rate), ("stability limit 2/L", getattr(fit, "stable_limit", None)),
             ("iterations", fit.n_iter), ("converged", fit.converged), ("diverged", fit.diverged),
             ("final loss", fit.loss), ("seconds", getattr(fit, "seconds", None))]
    return rows + [[name, value] for name, value in facts if value is not None]


def gd_sheet(cmp, source, data) -> SheetSpec:
    """Options used, the iteration history, and the loss, parameter and loss-surface charts."""
    fit, const = cmp.fit, cmp.closed.fit_intercept
    sheet = SheetSpec("GD", page=PageSetup(pages_tall=0))
    sheet.notes += [Note("A1", "Gradient descent", "title", span=4),
                    Note("A2", fit.message, "warning" if not fit.converged else "caption", span=12)]
    sheet.tables.append(Table("A4", ["Option", "Value"], _options_rows(fit), id="options"))
    history = fit.history
    header = [str(c) for c in history.columns]
    hist_top = GD_TABLES_ROW
    sheet.tables.append(Table(f"A{hist_top}", header, history.to_numpy(dtype=float).tolist(),
                              ["0", "0.000000E+00", "0.00E+00", "0.000E+00"] + [NUMBER] * (len(header) - 4),
                              name="gd_history", id="history"))
    sheet.notes.append(Note(f"A{hist_top - 1}", "Iteration history (thinned evenly when long; first and "
                                                "last iterations always kept)", "heading", span=len(header)))
    hist = lambda column: ColumnRef("GD", "history", column)  # noqa: E731
    step = "epoch" if fit.options.get("method", "gd") != "gd" else "iteration"
    loss_name = str(fit.options.get("loss", "mse")).upper()
    sheet.charts.append(ChartSpec("scatter", f"Loss by {step} (log scale)", "D4",
                                  [SeriesSpec(loss_name, hist("iteration"), hist("loss"), style="markers+line",
                                              marker_size=4)],
                                  x_title=step, y_title=f"{loss_name} (log scale)", y_log=True))
    params = _parameter_names(source.labels, const)
    sheet.charts.append(ChartSpec("scatter", f"Parameters by {step}", "D23",
                                  [SeriesSpec(name, hist("iteration"), hist(column), style="markers+line",
                                              marker_size=4)
                                   for name, column in zip(params, header[4:])],
                                  x_title=step, y_title="value"))
    contour = _contour(sheet, cmp, data, header, right=len(header) + 2, top=hist_top)
    if contour is not None:
        sheet.charts.append(contour)
    _manifest(sheet, fit, source, data, col=len(header) + 10, top=hist_top)
    return sheet


def _manifest(sheet: SheetSpec, fit, source, data, col: int, top: int) -> None:
    """The run manifest beside the tables, and the stale flag on row 3 where it is seen first."""

    labels = [*source.labels, source.y_label]
    if len(set(labels)) < len(labels):  # two columns with one header: tell them apart by position
        labels = [f"{label} (column {j + 1})" for j, label in enumerate(labels)]
    columns = dict(zip(labels, [*source.x, source.y]))
    values = np.column_stack([data.X, data.y])
    options = {k: v for k, v in fit.options.items() if k != "seconds"}
    add_manifest(sheet, top, columns, values, options, options.get("seed"), col=col, flag_cell="A3")


def _contour(sheet: SheetSpec, cmp, data, header: list[str], right: int, top: int) -> ChartSpec | None:
    """Iso-loss ellipses over (first coefficient, intercept) with the descent path on them."""
    const, fit = cmp.closed.fit_intercept, cmp.fit
    n_params = data.p + int(const)
    if n_params < 2:
        return None
    pair = (0, n_params - 1)
    loss = str(fit.options.get("loss", "mse"))
    scale = 1.0 / data.n if loss == "mse" else 1.0
    surface = slice_surface(data.X, data.y, pair, cmp.closed.params, fit_intercept=const, scale=scale)
    path = fit.history[[header[4 + pair[0]], header[4 + pair[1]]]].to_numpy(dtype=float)
    start_loss = float(surface(path[0]))
    if not start_loss > surface.f_min * (1 + 1e-9):
        return None
    levels = choose_levels(surface.f_min, start_loss, n=6)
    rows = contour_rows(levels, contour_lines(surface.hessian, surface.optimum, surface.f_min, levels, 60))
    names = [header[4 + pair[0]], header[4 + pair[1]]]
    anchor = cell_a1(top, right)
    sheet.tables.append(Table(anchor, ["level", *names], rows, [NUMBER] * 3, id="contours"))
    sheet.notes.append(Note(cell_a1(top - 1, right), "Loss-surface contours (computed by gdfit)", "heading", span=4))
    marks = [["start", *path[0]], ["closed-form optimum", *surface.optimum]]
    sheet.tables.append(Table(cell_a1(top, right + 4), ["point", *names], marks, [None, NUMBER, NUMBER],
                              id="marks"))
    c = lambda table, column: ColumnRef("GD", table, column)  # noqa: E731
    h = lambda column: ColumnRef("GD", "history", column)  # noqa: E731
    mark = lambda i: RangeRef("GD", f"{col_letter(right + 5)}{top + 1 + i}")  # noqa: E731
    mark_y = lambda i: RangeRef("GD", f"{col_letter(right + 6)}{top + 1 + i}")  # noqa: E731
    what = loss.upper() if loss in ("mse", "sse") else "SSE"
    return ChartSpec("scatter", f"Loss surface: iso-{what} contours and the descent path", "D42", [
        SeriesSpec(f"iso-{what} contours", c("contours", names[0]), c("contours", names[1]), style="line",
                   line_width_pt=1.0, color="9DB9D6"),
        SeriesSpec("descent path", h(names[0]), h(names[1]), style="markers+line", marker_size=4,
                   line_width_pt=1.0, color="C0504D"),
        SeriesSpec("start", mark(0), mark_y(0), marker="triangle", marker_size=9, color="2E7D32"),
        SeriesSpec("closed-form optimum", mark(1), mark_y(1), marker="x", marker_size=10, color="000000"),
    ], x_title=names[0], y_title=names[1], width_cm=20.0, height_cm=12.0)


def compare_sheet(cmp, source, data) -> SheetSpec:
    """The parity table, live differences against the Formula sheet, and what differs and why."""
    const = cmp.closed.fit_intercept
    table_rows = cmp.rows()
    header, body = table_rows[0], table_rows[1:]
    sheet = SheetSpec("Compare", page=PageSetup())
    sheet.notes += [Note("A1", "Gradient descent next to Excel's ways of fitting the same line", "title", span=8),
                    Note("A2", "The Solver row is gdfit's Solver-equivalent (GRG-like, Excel defaults), "
                               "not Excel's Solver itself.", "caption", span=10)]
    formats = [None] + [NUMBER] * (len(header) - 5) + ["0.0000", "0", "0.0000", "0.00E+00"]
    sheet.tables.append(Table("A4", [str(h) for h in header], body, formats, id="parity"))
    params = _parameter_names(source.labels, const)
    live_top = 4 + len(body) + 3
    sheet.notes.append(Note(f"A{live_top - 1}", "Live check: gradient descent minus Excel's own formulas "
                                                "(Formula sheet)", "heading", span=8))
    live = []
    for j, name in enumerate(params):
        gd_cell = f"{col_letter(2 + j)}5"  # the Gradient descent row of the parity table
        excel_cell = {"excel": RangeRef("Formula", f"B{5 + j}")}  # follows the sheet if renamed
        row = live_top + 1 + j
        live.append([name, Formula(f"={gd_cell}"), Formula("={excel}", excel_cell), Formula(f"=B{row}-C{row}"),
                     Formula(f"=IF(C{row}=0,ABS(D{row}),ABS(D{row}/C{row}))")])
    sheet.tables.append(Table(f"A{live_top}", ["Parameter", "Gradient descent", "Excel formula",
                                              "difference", "relative difference"], live,
                              [None, NUMBER, NUMBER, "0.00E+00", "0.00E+00"], id="live_check"))
    lines = list(cmp.notes)
    notes_top = live_top + len(params) + 3
    sheet.notes.append(Note(f"A{notes_top - 1}", "What differs and why", "heading", span=4))
    sheet.notes += [Note(f"A{notes_top + i}", line, "body", span=12) for i, line in enumerate(lines)]
    return sheet
