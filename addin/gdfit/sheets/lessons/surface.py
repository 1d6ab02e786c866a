"""The loss-surface lesson: iso-SSE contours over (slope, intercept) of the raw ad-spend data, the
descent paths from several starts, and a race of plain GD, momentum, Nesterov and Adam."""
from __future__ import annotations

import warnings

import numpy as np

from gdfit.core.data import as_dataset
from gdfit.core.descent.fit import fit
from gdfit.core.leastsq.closed_form import closed_form
from gdfit.core.surface import choose_levels, contour_lines, slice_surface
from gdfit.datasets import ad_spend
from gdfit.report.layout import contour_rows
from gdfit.report.model import ChartSpec, Note, Report, SeriesSpec, SheetSpec, Table

from .common import NUMBER, ad_spend_data, finish_sheet, readme_sheet, ref, with_manifest

__all__ = ["STARTS", "RACERS", "TARGET", "start_paths", "race_runs", "iterations_to_target", "surface_report"]

STARTS = ((0.0, 0.0), (0.3, 0.0), (0.0, 8.0), (0.25, 7.0))  # (slope, intercept)
RACERS = (("plain GD (1/L)", "plain", "auto", "none"), ("momentum 0.9 (1/L)", "momentum", "auto", "none"),
          ("Nesterov 0.9 (1/L)", "nesterov", "auto", "none"), ("Adam (0.05)", "adam", 0.05, "none"),
          ("plain GD, scaled data (1/L)", "plain", "auto", "auto"))
TARGET = 1e-8  # relative excess SSE: (SSE - minimum) / minimum
MAX_ITER = 2000
PATH_ROWS = 201  # a descent path is drawn from this many evenly spaced iterations


def _fit(scale: str = "none", **options):

    d = ad_spend()
    with warnings.catch_warnings():  # crawling on raw data is what this lesson shows
        warnings.simplefilter("ignore")
        return fit(d[["ad_spend"]], d["sales"], loss="sse", scale=scale, max_iter=MAX_ITER,
                   grad_tol=0.0, tol=0.0, **options)


def start_paths() -> list:
    """Plain GD at the auto rate from each of ``STARTS`` (history thinned to ``PATH_ROWS``)."""
    return [_fit(init=list(start), history_max=PATH_ROWS) for start in STARTS]


def race_runs() -> list:
    """One run per optimizer of ``RACERS`` from (0, 0), every iteration kept."""
    return [_fit(scale, optimizer=opt, learning_rate=lr, init=[0.0, 0.0], history_max=MAX_ITER + 1)
            for _, opt, lr, scale in RACERS]


def iterations_to_target(history, f_min: float) -> int | None:
    """The first iteration whose SSE is within ``TARGET`` (relative) of ``f_min``; None if never."""
    excess = (history["loss"].to_numpy(float) - f_min) / f_min
    hit = np.flatnonzero(excess <= TARGET)
    return int(history["iteration"].iloc[hit[0]]) if hit.size else None


def _surface():

    d = ad_spend()
    data = as_dataset(d[["ad_spend"]], d["sales"], fit_intercept=True)
    closed = closed_form(d[["ad_spend"]], d["sales"])
    return slice_surface(data.X, data.y, (0, 1), closed.params, fit_intercept=True, scale=1.0)


def _contour_sheet(surface, paths) -> SheetSpec:
    sheet = SheetSpec("Surface", notes=[Note("A1", "The SSE surface of the raw ad-spend data, seen from above",
                                             "title", span=10)])
    top = max(float(surface(np.array(s))) for s in STARTS)
    levels = choose_levels(surface.f_min, top, n=7)
    rows = contour_rows(levels, contour_lines(surface.hessian, surface.optimum, surface.f_min, levels, 80))
    sheet.tables.append(Table("L3", ["level", "slope", "intercept"], rows, ["0.0", NUMBER, NUMBER], id="contours"))
    path_rows = []
    for k, r in enumerate(paths):
        h = r.history
        path_rows += [[int(i), *(float(v) if k == j else None for j in range(len(paths)) for v in (a, b))]
                      for i, a, b in zip(h["iteration"], h["ad_spend"], h["intercept"])]
    header = ["iteration"] + [f"{name} {k + 1}" for k in range(len(paths)) for name in ("slope", "intercept")]
    sheet.tables.append(Table("P3", header, path_rows, ["0"] + [NUMBER] * (len(header) - 1), id="paths"))
    c, p = ref("Surface", "contours"), ref("Surface", "paths")
    series = [SeriesSpec("iso-SSE contours", c("slope"), c("intercept"), style="line", line_width_pt=1.0,
                         color="9DB9D6")]
    series += [SeriesSpec(f"path from ({a:g}, {b:g})", p(f"slope {k + 1}"), p(f"intercept {k + 1}"),
                          style="markers+line", marker_size=3, line_width_pt=1.0)
               for k, (a, b) in enumerate(STARTS)]
    sheet.charts.append(ChartSpec("scatter", "Plain GD from four starts on the iso-SSE contours", "A3", series,
                                  x_title="slope", y_title="intercept", width_cm=16.0, height_cm=18.0,
                                  x_min=-0.1, x_max=0.4, y_min=-10.0, y_max=15.0, blanks="gap"))
    return sheet


def _race_sheet(runs, f_min: float) -> SheetSpec:
    labels = [label for label, *_ in RACERS]
    sheet = SheetSpec("Race", notes=[Note("A1", "Four optimizers from (0, 0) on the raw data, and plain GD on scaled data", "title", span=8)])
    hits = [iterations_to_target(r.history, f_min) for r in runs]
    table = [[label, r.learning_rate, hit if hit is not None else f"not within {MAX_ITER}", float(r.loss)]
             for label, r, hit in zip(labels, runs, hits)]
    sheet.tables.append(Table("L3", ["optimizer", "learning rate", f"iterations to {TARGET:g}", "final SSE"],
                              table, [None, "0.000E+00", "0", NUMBER], name="race_table", id="race"))
    curves = [[i, *(max(float(r.history["loss"].iloc[i]) - f_min, 0.0) / f_min or None for r in runs)]
              for i in range(MAX_ITER + 1)]
    sheet.tables.append(Table("L10", ["iteration", *labels], curves, ["0"] + ["0.00E+00"] * len(labels),
                              name="race_curves", id="curves"))
    c = ref("Race", "curves")
    sheet.charts.append(ChartSpec("scatter", "The race: (SSE − min) / min by iteration (log scale)", "A3",
                                  [SeriesSpec(x, c("iteration"), c(x), style="line") for x in labels],
                                  x_title="iteration", y_title="relative excess SSE (log scale)", y_log=True,
                                  y_min=1e-12, y_number_format="0E+00"))
    return sheet


def surface_report() -> Report:
    """Read me, the contours with the descent paths, and the optimizer race."""
    surface = _surface()
    data, frame = ad_spend_data()
    race = with_manifest(_race_sheet(race_runs(), float(surface.f_min)), frame, "AdSpend",
                         {"loss": "sse", "max_iter": MAX_ITER, "init": "(0, 0)", "optimizers": "see the table"})
    return Report([readme_sheet("The loss surface, and four ways down it", _README), data,
                   finish_sheet(_contour_sheet(surface, start_paths())), finish_sheet(race)],
                  title="gdfit lesson: the loss surface")


_README = [
    "Every (slope, intercept) pair gives a total squared error (SSE) on the 30 ad-spend months.",
    "Seen from above, equal-SSE points form ellipses around the best line. On the raw data they are very long "
    "and thin: the slope multiplies spends of up to 100, the intercept multiplies 1.",
    "Plain gradient descent from four starts: it drops quickly into the valley floor, then creeps along it.",
    f"The Race sheet starts four optimizers at (0, 0) and counts the iterations until the SSE is within "
    f"{TARGET:g} of its minimum (relative). No timings: the same numbers every build.",
    "Momentum and Nesterov keep part of the previous step, so they build up speed along the valley floor.",
    "Adam scales each parameter's step by its own recent gradients, which undoes the lopsided shape.",
    "Scaling the data (gdfit's default) makes the ellipses round; then plain GD needs only a few steps "
    "(the last racer; its learning rate is a step on the scaled problem).",
]
