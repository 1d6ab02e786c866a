"""The GD sheet: the options used, the iteration history, the run manifest, and the loss,
parameter and loss-surface charts."""
from __future__ import annotations

import numpy as np

from gdfit.core.compare import Comparison
from gdfit.core.data import Dataset
from gdfit.core.descent.fit import FitResult
from gdfit.core.surface import choose_levels, contour_lines, slice_surface
from gdfit.report.a1 import cell_a1, col_letter
from gdfit.report.layout import contour_rows, footprints
from gdfit.report.model import CellRef, CellValue, ChartSpec, ColumnRef, Note, PageSetup, SeriesSpec, SheetSpec, Table
from gdfit.sheets.manifest import add_manifest
from gdfit.sheets.training.source import NUMBER, DataSource, parameter_names, pieces

__all__ = ["gd_sheet", "print_charts_only", "GD_TABLES_ROW"]

SHEET = "GD"
GD_TABLES_ROW = 68  # the GD sheet's tables start below its three charts, stacked in column D (rows 4-65)


def _options_rows(fit: FitResult) -> list[list[CellValue]]:
    rows: list[list[CellValue]] = [
        [str(key), value if isinstance(value, (int, float, str, type(None))) else str(value)]
        for key, value in fit.options.items()]
    facts: list[tuple[str, CellValue]] = [
        ("learning rate used", fit.learning_rate), ("stability limit 2/L", fit.stable_limit),
        ("iterations", fit.n_iter), ("converged", fit.converged), ("diverged", fit.diverged),
        ("final loss", fit.loss), ("seconds", fit.seconds)]
    return rows + [[name, value] for name, value in facts if value is not None]


def gd_sheet(cmp: Comparison, source: DataSource, data: Dataset) -> SheetSpec:
    """Options used, the iteration history, and the loss, parameter and loss-surface charts."""
    fit, const = cmp.fit, cmp.closed.fit_intercept
    sheet = SheetSpec(SHEET, page=PageSetup(pages_tall=0))
    sheet.notes += [Note("A1", "Gradient descent", "title", span=4),
                    Note("A2", fit.message, "warning" if not fit.converged else "caption", span=12)]
    sheet.tables.append(Table("A4", ["Option", "Value"], _options_rows(fit), id="options"))
    history = fit.history
    header = [str(c) for c in history.columns]
    hist_top = GD_TABLES_ROW
    sheet.tables.append(Table(f"A{hist_top}", header, history.to_numpy(dtype=float).tolist(),
                              ["0", "0.000000E+00", "0.00E+00", "0.000E+00"] + [NUMBER] * (len(header) - 4),
                              name="gd_fit_history", id="history"))
    sheet.notes.append(Note(f"A{hist_top - 1}", "Iteration history (thinned evenly when long; first and "
                                                "last iterations always kept)", "heading", span=len(header)))
    hist = lambda column: ColumnRef(SHEET, "history", column)  # noqa: E731
    step = "epoch" if fit.options.get("method", "gd") != "gd" else "iteration"
    loss_name = str(fit.options.get("loss", "mse")).upper()
    sheet.charts.append(ChartSpec("scatter", f"Loss by {step} (log scale)", "D4",
                                  [SeriesSpec(loss_name, hist("iteration"), hist("loss"), style="markers+line",
                                              marker_size=4)],
                                  x_title=step, y_title=f"{loss_name} (log scale)", y_log=True))
    params = parameter_names(source.labels, const)
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


def print_charts_only(sheet: SheetSpec) -> None:
    """Print (and export) the GD sheet's options and charts on one page, not its long tables.

    Call it once the column widths are final: they decide where the charts end.
    """
    top = [rect for _, rect in footprints(sheet) if rect.min_row < GD_TABLES_ROW - 2]
    last_row = max(r.max_row for r in top)
    last_col = max(r.max_col for r in top)
    sheet.page = PageSetup(print_area=f"A1:{col_letter(last_col)}{last_row}")


def _manifest(sheet: SheetSpec, fit: FitResult, source: DataSource, data: Dataset, col: int, top: int) -> None:
    """The run manifest beside the tables, and the stale flag on row 3 where it is seen first."""

    labels = [*source.labels, source.y_label]
    if len(set(labels)) < len(labels):  # two columns with one header: tell them apart by position
        labels = [f"{label} (column {j + 1})" for j, label in enumerate(labels)]
    columns = {label: pieces(ref, source.left_out) for label, ref in zip(labels, [*source.x, source.y])}
    values = np.column_stack([data.X, data.y])
    counted = None
    if any(source.text_numbers):
        counted = np.ones(values.shape, dtype=bool)
        for j, positions in enumerate(source.text_numbers):
            counted[list(positions), j] = False
    options = {k: v for k, v in fit.options.items() if k != "seconds"}
    add_manifest(sheet, top, columns, values, options, options.get("seed"), col=col, flag_cell="A3", counted=counted)


def _contour(sheet: SheetSpec, cmp: Comparison, data: Dataset, header: list[str], right: int,
             top: int) -> ChartSpec | None:
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
    sheet.tables.append(Table(cell_a1(top, right), ["level", *names], rows, [NUMBER] * 3, id="contours"))
    sheet.notes.append(Note(cell_a1(top - 1, right), "Loss-surface contours (computed by gdfit)", "heading", span=4))
    marks: list[list[CellValue]] = [["start", *path[0]], ["closed-form optimum", *surface.optimum]]
    sheet.tables.append(Table(cell_a1(top, right + 4), ["point", *names], marks, [None, NUMBER, NUMBER],
                              id="marks"))
    c = lambda table, column: ColumnRef(SHEET, table, column)  # noqa: E731
    h = lambda column: ColumnRef(SHEET, "history", column)  # noqa: E731
    # Columns by position: a point's two coordinates, whatever the parameters are called.
    mark = lambda point, axis: CellRef(SHEET, "marks", point, axis)  # noqa: E731
    what = loss.upper() if loss in ("mse", "sse") else "SSE"
    return ChartSpec("scatter", f"Loss surface: iso-{what} contours and the descent path", "D42", [
        SeriesSpec(f"iso-{what} contours", c("contours", names[0]), c("contours", names[1]), style="line",
                   line_width_pt=1.0, color="9DB9D6"),
        SeriesSpec("descent path", h(names[0]), h(names[1]), style="markers+line", marker_size=4,
                   line_width_pt=1.0, color="C0504D"),
        SeriesSpec("start", mark("start", 1), mark("start", 2), marker="triangle", marker_size=9, color="2E7D32"),
        SeriesSpec("closed-form optimum", mark("closed-form optimum", 1), mark("closed-form optimum", 2),
                   marker="x", marker_size=10, color="000000"),
    ], x_title=names[0], y_title=names[1], width_cm=20.0, height_cm=12.0)
