"""The GD sheet: the options used, the iteration history, the run manifest, and the loss,
parameter and loss-surface charts."""
from __future__ import annotations

import numpy as np

from gdfit.core.compare import Comparison
from gdfit.core.data import Dataset
from gdfit.core.descent.fit import FitResult
from gdfit.core.surface import choose_levels, contour_lines, profile_surface, slice_surface
from gdfit.report.layout import contour_rows
from gdfit.report.model import CellRef, CellValue, ChartSpec, ColumnRef, Note, PageSetup, SeriesSpec, SheetSpec, Table
from gdfit.sheets.manifest import add_manifest
from gdfit.sheets.training.source import NUMBER, DataSource, parameter_names, pieces

__all__ = ["gd_sheet", "GD_TABLES_ROW"]

SHEET = "GD"
GD_TABLES_ROW = 68  # the GD sheet's tables start below its three charts, stacked in column D (rows 4-61)


def _options_rows(fit: FitResult) -> list[list[CellValue]]:
    rows: list[list[CellValue]] = [
        [str(key), value if isinstance(value, (int, float, str, type(None))) else str(value)]
        for key, value in fit.options.items()]
    facts: list[tuple[str, CellValue]] = [
        ("learning rate used", fit.learning_rate), ("stability limit 2/L", fit.stable_limit),
        ("iterations", fit.n_iter), ("converged", fit.converged), ("diverged", fit.diverged),
        ("final loss", fit.loss), ("seconds", fit.seconds)]
    return rows + [[name, value] for name, value in facts if value is not None]


def gd_sheet(cmp: Comparison, source: DataSource, data: Dataset, lesson_run: FitResult | None = None,
             lesson_text: str | None = None) -> SheetSpec:
    """Options used, the iteration history, and the loss, parameter and loss-surface charts.

    ``lesson_run``, when given, is drawn beside gdfit's run on the loss and surface charts (the
    ad-spend report's run on the raw data from m = 1, b = 0), and ``lesson_text`` says why the two differ.
    """
    fit, const = cmp.fit, cmp.closed.fit_intercept
    sheet = SheetSpec(SHEET, page=PageSetup(pages_tall=0))
    sheet.notes += [Note("A1", "Gradient descent", "title", span=4),
                    Note("A2", fit.message, "warning" if not fit.converged else "caption", span=12)]
    sheet.tables.append(Table("A4", ["Option", "Value"], _options_rows(fit), id="options"))
    history = fit.history
    header = [str(c) for c in history.columns]
    hist_top = GD_TABLES_ROW
    history_table = Table(f"A{hist_top}", header, history.to_numpy(dtype=float).tolist(),
                          ["0", "0.000000E+00", "0.00E+00", "0.000E+00"] + [NUMBER] * (len(header) - 4),
                          name="gd_fit_history", id="history")
    sheet.tables.append(history_table)
    sheet.notes.append(Note(f"A{hist_top - 1}", "Iteration history (thinned evenly when long; first and "
                                                "last iterations always kept)", "heading", span=len(header)))
    below = history_table.rect.max_row + 3
    hist = lambda column: ColumnRef(SHEET, "history", column)  # noqa: E731
    step = "epoch" if fit.options.get("method", "gd") != "gd" else "iteration"
    loss_name = str(fit.options.get("loss", "mse")).upper()
    loss_series = [SeriesSpec(f"{loss_name}, gdfit's run", hist("iteration"), hist("loss"), style="markers+line",
                              marker_size=4)]
    if lesson_run is not None:
        below = _lesson_table(sheet, lesson_run, header, below)
        lesson = lambda column: ColumnRef(SHEET, "lesson_run", column)  # noqa: E731
        loss_series.append(SeriesSpec(f"{loss_name}, the lesson's run", lesson("iteration"), lesson("loss"),
                                      style="markers+line", marker_size=3, color="ED7D31"))
    sheet.charts.append(ChartSpec("scatter", f"Loss by {step} (log scale)", "D4", loss_series,
                                  x_title=step, y_title=f"{loss_name} (log scale)", y_log=True))
    params = parameter_names(source.labels, const)
    squared = str(fit.options.get("loss", "mse")) in ("mse", "sse")
    # Against the least-squares values where they are the loss's minimum; else the run's last values.
    target = np.asarray(cmp.closed.params, dtype=float) if squared else \
        fit.history[header[4:]].to_numpy(dtype=float)[-1]
    target_name = "least-squares value" if squared else "final value"
    runs = [("gdfit's run", fit, "history")] + ([("the lesson's run", lesson_run, "lesson")] if lesson_run else [])
    series = []
    for run_name, run, key in runs:
        below = _distance_table(sheet, run, header, below, target, target_name, key, run_name)
        dist = lambda column, key=key: ColumnRef(SHEET, f"distance_{key}", column)  # noqa: E731
        series += [SeriesSpec(f"{name}, {run_name}" if lesson_run else name, dist(step), dist(name),
                              style="markers+line", marker_size=4 if key == "history" else 2,
                              line_dash=None if key == "history" else "dash")
                   for name in params]
    sheet.charts.append(ChartSpec(
        "scatter", f"Each parameter's distance to its {target_name}, by {step} (log scale)", "D43", series,
        x_title=step, y_title="relative distance (log scale)", y_log=True))
    contour, below = _contour(sheet, cmp, data, header, below, lesson_run)
    if contour is not None:
        sheet.charts.append(contour)
    if lesson_text:
        sheet.notes.append(Note("D63", lesson_text, "body", span=12))
    # In column D, under the charts' columns: its long values (the data hash) then widen no
    # column that the history table uses, and the sheet prints larger.
    # Below everything and right of the tables' columns: its long values (the data hash, the
    # options) wrap in their cells, and neither a wrapped row nor a wide column reaches a table.
    _manifest(sheet, fit, source, data, col=len(header) + 2, top=below + 1)
    return sheet


def _lesson_table(sheet: SheetSpec, run: FitResult, header: list[str], top: int) -> int:
    """The lesson's run (iteration, loss and the parameters) under the history; the next free row."""
    columns = ["iteration", "loss", *header[4:]]
    rows = run.history[columns].to_numpy(dtype=float).tolist()
    rate = run.learning_rate
    sheet.notes.append(Note(f"A{top}", f"The lesson's run: raw data, start m = 1, b = 0, fixed learning rate "
                                       f"{rate:g}", "heading", span=len(columns)))
    table = Table(f"A{top + 1}", columns, rows, ["0", "0.000000E+00"] + [NUMBER] * (len(columns) - 2),
                  id="lesson_run")
    sheet.tables.append(table)
    return table.rect.max_row + 3


def _distance_table(sheet: SheetSpec, run: FitResult, header: list[str], top: int, target: np.ndarray,
                    target_name: str, key: str, run_name: str) -> int:
    """Each parameter's distance to ``target``, relative to it: one scale for slopes of 0.007 and
    intercepts of 996. A distance of exactly 0 is left blank (a log-scale chart cannot draw it);
    returns the next free row."""
    values = run.history[header[4:]].to_numpy(dtype=float)
    scale = np.where(target != 0, np.abs(target), 1.0)
    distance = np.abs(values - target) / scale
    step = "epoch" if run.options.get("method", "gd") != "gd" else "iteration"
    names = header[4:]
    rows = [[int(i), *(float(d) if d > 0 else None for d in row)]
            for i, row in zip(run.history["iteration"], distance)]
    sheet.notes.append(Note(f"A{top}", f"{run_name[0].upper()}{run_name[1:]}: distance to the {target_name}, "
                                       f"|value − {target_name}| / |{target_name}| (blank where exactly 0)",
                            "heading", span=len(names) + 1))
    table = Table(f"A{top + 1}", [step, *names], rows, ["0"] + ["0.00E+00"] * len(names), id=f"distance_{key}")
    sheet.tables.append(table)
    return table.rect.max_row + 3


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


def _contour(sheet: SheetSpec, cmp: Comparison, data: Dataset, header: list[str], top: int,
             lesson_run: FitResult | None = None) -> tuple[ChartSpec | None, int]:
    """Iso-loss ellipses over (first coefficient, intercept) with the descent path on them; the
    next free row.

    With more than two parameters the contours are the profile loss (the others at their best
    values for each point) and the path is the run's two coordinates: every point of the run
    then lies on or outside the contour of its own loss, as on the full surface.
    """
    const, fit = cmp.closed.fit_intercept, cmp.fit
    n_params = data.p + int(const)
    if n_params < 2:
        return None, top
    pair = (0, n_params - 1)
    loss = str(fit.options.get("loss", "mse"))
    scale = 1.0 / data.n if loss == "mse" else 1.0
    surface = profile_surface(data.X, data.y, pair, cmp.closed.params, fit_intercept=const, scale=scale)
    # Whether the profile is a bowl, in units-free terms: 1 - r² of the two parameters' profile
    # (their Hessian scaled to a unit diagonal); 0 when the columns are collinear.
    diagonal = np.sqrt(np.clip(np.diag(surface.hessian), 0.0, None))
    profiled = n_params == 2 or bool(
        diagonal.min() > 0 and np.linalg.eigvalsh(surface.hessian / np.outer(diagonal, diagonal))[0] > 1e-10)
    if not profiled:  # collinear columns: the profile is flat along a line; show the slice, and say so
        surface = slice_surface(data.X, data.y, pair, cmp.closed.params, fit_intercept=const, scale=scale)
    names = [header[4 + pair[0]], header[4 + pair[1]]]
    path = fit.history[names].to_numpy(dtype=float)
    starts = [path[0]] + ([lesson_run.history[names].to_numpy(dtype=float)[0]] if lesson_run is not None else [])
    start_loss = max(float(surface(p)) for p in starts)
    if not start_loss > surface.f_min * (1 + 1e-9):
        return None, top
    levels = choose_levels(surface.f_min, start_loss, n=6)
    rows = contour_rows(levels, contour_lines(surface.hessian, surface.optimum, surface.f_min, levels, 60))
    marks: list[list[CellValue]] = [["start", *path[0]], ["closed-form optimum", *surface.optimum]]
    if lesson_run is not None:
        marks.append(["the lesson's start", *starts[1]])
    sheet.notes.append(Note(f"A{top}", "Loss-surface points and contours (computed by gdfit)", "heading", span=4))
    sheet.tables.append(Table(f"A{top + 1}", ["point", *names], marks, [None, NUMBER, NUMBER], id="marks"))
    contours = Table(f"A{top + len(marks) + 3}", ["level", *names], rows, [NUMBER] * 3, id="contours")
    sheet.tables.append(contours)
    c = lambda table, column: ColumnRef(SHEET, table, column)  # noqa: E731
    h = lambda column: ColumnRef(SHEET, "history", column)  # noqa: E731
    # Columns by position: a point's two coordinates, whatever the parameters are called.
    mark = lambda point, axis: CellRef(SHEET, "marks", point, axis)  # noqa: E731
    what = loss.upper() if loss in ("mse", "sse") else "SSE"
    others = f"other {n_params - 2} parameter{'s' if n_params > 3 else ''}"
    held = "" if n_params == 2 else f"; {others} at their best for each point" if profiled else \
        f"; slice with the {others} held at their least-squares values (collinear columns: path projected)"
    series = [
        SeriesSpec(f"iso-{what} contours", c("contours", names[0]), c("contours", names[1]), style="line",
                   line_width_pt=1.0, color="9DB9D6"),
        SeriesSpec("gdfit's descent path", h(names[0]), h(names[1]), style="markers+line", marker_size=4,
                   line_width_pt=1.0, color="C0504D")]
    if lesson_run is not None:
        series.append(SeriesSpec("the lesson's path", c("lesson_run", names[0]), c("lesson_run", names[1]),
                                 style="markers+line", marker_size=3, line_width_pt=1.0, color="ED7D31"))
        series.append(SeriesSpec("the lesson's start", mark("the lesson's start", 1), mark("the lesson's start", 2),
                                 marker="triangle", marker_size=9, color="7030A0"))
    series += [
        SeriesSpec("start", mark("start", 1), mark("start", 2), marker="triangle", marker_size=9, color="2E7D32"),
        SeriesSpec("closed-form optimum", mark("closed-form optimum", 1), mark("closed-form optimum", 2),
                   marker="x", marker_size=10, color="000000")]
    chart = ChartSpec("scatter", f"Loss surface over {names[0]} and {names[1]}: iso-{what} contours and the "
                                 f"descent path{held}", "D23", series,
                      x_title=names[0], y_title=names[1], width_cm=18.0, height_cm=10.0)
    return chart, contours.rect.max_row + 3
