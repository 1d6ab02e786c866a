"""The logistic lesson: pass or fail against hours studied, where no formula gives the answer.

A made-up class of 40 students (hours studied, passed 0/1, drawn once from a logistic model with a
fixed seed) is fitted by gradient descent on the log loss and checked against Newton's maximum.
The sheets show the S-curve over the points; the log loss and the squared error of the sigmoid
along the slope (the first bowl-shaped, the second with flat shoulders); gradient descent's path
on the log-loss contours; and separation: on a class where every pass studied longer than every
fail, the slope runs away while the loss creeps to 0, until ``l2`` holds it.
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from scipy.special import expit

from gdfit.core.descent.fit import fit
from gdfit.core.logistic.mle import logistic_mle
from gdfit.report.model import CellRef, ChartSpec, Note, Report, SeriesSpec, SheetSpec, Table
from gdfit.sheets.data import data_sheet
from gdfit.sheets.lessons.common import CHART_ROWS, NUMBER, finish_sheet, readme_sheet, ref, with_manifest

__all__ = ["exam_data", "separated_data", "logistic_lesson_fits", "log_loss_contour", "logistic_report",
           "EXAM_SEED"]

EXAM_SEED = 16
_TRUE_SLOPE, _TRUE_INTERCEPT = 1.1, -4.5  # pass probability 1/2 at about 4.1 hours
L2_HOLD = 0.05
SEPARATED_ITER = 2000


def exam_data() -> pd.DataFrame:
    """40 students: hours studied (0.5 to 8, rounded to a quarter hour) and passed (0/1)."""
    rng = np.random.default_rng(EXAM_SEED)
    hours = np.round(rng.uniform(0.5, 8.0, 40) * 4) / 4
    hours.sort()
    passed = (rng.random(40) < expit(_TRUE_INTERCEPT + _TRUE_SLOPE * hours)).astype(float)
    return pd.DataFrame({"hours": hours, "passed": passed})


def separated_data() -> pd.DataFrame:
    """12 students where everyone who studied over 4 hours passed and nobody else did."""
    hours = np.array([0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5])
    return pd.DataFrame({"hours": hours, "passed": (hours > 4).astype(float)})


def _quiet_fit(X, y, **options):
    with warnings.catch_warnings():  # the separated run stops at max_iter on purpose
        warnings.simplefilter("ignore")
        return fit(X, y, loss="log", **options)


def logistic_lesson_fits(frame: pd.DataFrame, separated: pd.DataFrame) -> dict:
    """Gradient descent and Newton on the class; on the separated class, descent without and with l2."""
    X, y = frame[["hours"]], frame["passed"]
    return {
        "gd": _quiet_fit(X, y, max_iter=5000),
        "newton": logistic_mle(X, y),
        "runaway": _quiet_fit(separated[["hours"]], separated["passed"], max_iter=SEPARATED_ITER, history_max=200),
        "held": _quiet_fit(separated[["hours"]], separated["passed"], max_iter=SEPARATED_ITER, l2=L2_HOLD,
                           history_max=200),
        "separation": logistic_mle(separated[["hours"]], separated["passed"]).separation,
    }


def _mean_log_loss(x: np.ndarray, y: np.ndarray, slope: float, intercept: float) -> float:
    z = intercept + slope * x
    return float(np.mean(np.logaddexp(0.0, -(2.0 * y - 1.0) * z)))


def log_loss_contour(x: np.ndarray, y: np.ndarray, optimum: np.ndarray, level: float, axes: np.ndarray,
                     points: int = 72) -> np.ndarray:
    """The closed curve where the mean log loss equals ``level``, around its minimum ``optimum``
    (slope, intercept). The loss is convex, so along every ray from the minimum it rises and
    crosses ``level`` once: bisection on each of ``points`` rays, their directions spread by
    ``axes`` (columns: the directions of one unit in each standardised parameter)."""
    out = []
    for angle in np.linspace(0.0, 2.0 * np.pi, points + 1):
        direction = axes @ np.array([np.cos(angle), np.sin(angle)])
        lo, hi = 0.0, 1.0
        while _mean_log_loss(x, y, *(optimum + hi * direction)) < level:
            hi *= 2.0
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if _mean_log_loss(x, y, *(optimum + mid * direction)) < level:
                lo = mid
            else:
                hi = mid
        out.append(optimum + 0.5 * (lo + hi) * direction)
    return np.array(out)


def _curve_sheet(frame: pd.DataFrame, fits: dict) -> SheetSpec:
    gd, newton = fits["gd"], fits["newton"]
    sheet = SheetSpec("S-curve", notes=[Note("A1", "The S-curve: the chance of passing by hours studied", "title",
                                             span=8)])
    grid = np.linspace(0.0, 8.5, 35)
    rows = [[float(h), float(expit(gd.intercept + gd.coef[0] * h)), float(expit(newton.intercept + newton.coef[0] * h))]
            for h in grid]
    sheet.notes.append(Note("L2", "Gradient descent next to Newton's exact maximum", "heading", span=6))
    params = [["slope (per hour)", float(gd.coef[0]), float(newton.coef[0]), float(newton.bse[0])],
              ["intercept", float(gd.intercept), float(newton.intercept), float(newton.bse[1])],
              ["log-likelihood", float(-gd.loss * len(frame)), float(newton.llf), None],
              ["iterations", gd.n_iter, newton.n_iter, None]]
    sheet.tables.append(Table("L3", ["quantity", "gradient descent", "Newton (MLE)", "standard error"], params,
                              [None, NUMBER, NUMBER, NUMBER], id="params"))
    sheet.tables.append(Table("L9", ["hours", "p (gradient descent)", "p (Newton)"], rows, [None, NUMBER, NUMBER],
                              name="s_curve", id="curve"))
    c = ref("S-curve", "curve")
    data = ref("Data", "Exam")
    sheet.charts.append(ChartSpec("scatter", "Passed (1) or failed (0), and the fitted chance of passing", "A3", [
        SeriesSpec("students", data("hours"), data("passed"), marker_size=6),
        SeriesSpec("gradient descent", c("hours"), c("p (gradient descent)"), style="line"),
        SeriesSpec("Newton (MLE)", c("hours"), c("p (Newton)"), style="line", line_dash="dash")],
        x_title="hours studied", y_title="passed / chance of passing", y_min=-0.05, y_max=1.05))
    return sheet


def _shapes_sheet(frame: pd.DataFrame, fits: dict) -> SheetSpec:
    """Log loss and squared error of the sigmoid along the slope, the intercept held at Newton's."""
    newton = fits["newton"]
    x, y = frame["hours"].to_numpy(float), frame["passed"].to_numpy(float)
    slopes = np.linspace(-3.0, 5.0, 41)
    rows = []
    for s in slopes:
        p = expit(newton.intercept + s * x)
        rows.append([float(s), _mean_log_loss(x, y, s, newton.intercept), float(np.mean((p - y) ** 2))])
    sheet = SheetSpec("Loss shapes", notes=[Note("A1", "Two losses along the slope (intercept held at Newton's)",
                                                 "title", span=8)])
    sheet.notes.append(Note("L2", "Mean log loss and mean squared error of p = sigmoid(b + slope × hours)", "heading",
                            span=6))
    sheet.tables.append(Table("L3", ["slope", "log loss", "squared error"], rows, [NUMBER] * 3,
                              name="loss_shapes", id="shapes"))
    s = ref("Loss shapes", "shapes")
    sheet.charts += [
        ChartSpec("scatter", "Log loss: one bowl, steeper and steeper away from the bottom", "A3",
                  [SeriesSpec("log loss", s("slope"), s("log loss"), style="line")],
                  x_title="slope", y_title="mean log loss", legend=None),
        ChartSpec("scatter", "Squared error of the sigmoid: flat shoulders, not a bowl", f"A{3 + CHART_ROWS}",
                  [SeriesSpec("squared error", s("slope"), s("squared error"), style="line", color="C0504D")],
                  x_title="slope", y_title="mean squared error", legend=None)]
    return sheet


def _path_sheet(frame: pd.DataFrame, fits: dict) -> SheetSpec:
    gd, newton = fits["gd"], fits["newton"]
    x, y = frame["hours"].to_numpy(float), frame["passed"].to_numpy(float)
    optimum = np.array([newton.coef[0], newton.intercept])
    # One unit of each standardised parameter in (slope, intercept): slope_s = slope × sd, and the
    # intercept at the mean hours; contours drawn in these directions come out round-ish.
    sd, mean = float(x.std()), float(x.mean())
    axes = np.array([[1.0 / sd, 0.0], [-mean / sd, 1.0]])
    start = _mean_log_loss(x, y, 0.0, 0.0)
    levels = newton.llf / -len(x) + (start - newton.llf / -len(x)) * np.array([0.02, 0.08, 0.25, 0.6, 1.0])
    contour_rows = []
    for level in levels:
        for point in log_loss_contour(x, y, optimum, float(level), axes):
            contour_rows.append([float(level), float(point[0]), float(point[1])])
        contour_rows.append([float(level), None, None])  # a gap between the rings
    history = gd.history
    path = [[int(i), float(a), float(b), float(v)] for i, a, b, v in
            zip(history["iteration"], history["hours"], history["intercept"], history["loss"])]
    sheet = SheetSpec("Path", notes=[Note("A1", "Gradient descent's path on the log-loss contours", "title", span=8)])
    sheet.notes.append(Note("O2", "The path (every iteration kept, thinned when long)", "heading", span=6))
    sheet.tables.append(Table("O3", ["iteration", "slope", "intercept", "log loss"], path, ["0", NUMBER, NUMBER, NUMBER],
                              name="descent_path", id="path"))
    sheet.tables.append(Table("T3", ["level", "slope", "intercept"], contour_rows, [NUMBER] * 3,
                              name="log_loss_contours", id="contours"))
    sheet.tables.append(Table("X3", ["point", "slope", "intercept"],
                              [["start", 0.0, 0.0], ["Newton (MLE)", *map(float, optimum)]], [None, NUMBER, NUMBER],
                              id="marks"))
    p, c = ref("Path", "path"), ref("Path", "contours")
    mark = lambda row, column: CellRef("Path", "marks", row, column)  # noqa: E731
    sheet.charts.append(ChartSpec("scatter", "Log-loss contours and the descent path (slope, intercept)", "A3", [
        SeriesSpec("log-loss contours", c("slope"), c("intercept"), style="line", line_width_pt=1.0, color="9DB9D6"),
        SeriesSpec("descent path", p("slope"), p("intercept"), style="markers+line", marker_size=3,
                   line_width_pt=1.0, color="C0504D"),
        SeriesSpec("start", mark("start", "slope"), mark("start", "intercept"), marker="triangle", marker_size=9,
                   color="2E7D32"),
        SeriesSpec("Newton (MLE)", mark("Newton (MLE)", "slope"), mark("Newton (MLE)", "intercept"), marker="x",
                   marker_size=10, color="000000")],
        x_title="slope (per hour)", y_title="intercept", width_cm=20.0, height_cm=12.0))
    return sheet


def _separation_sheet(separated: pd.DataFrame, fits: dict) -> SheetSpec:
    runaway, held = fits["runaway"], fits["held"]
    sheet = SheetSpec("Separation", notes=[
        Note("A1", "Separation: when a line splits pass from fail, the slope runs away", "title", span=8)])
    def run_rows(result):
        h = result.history
        return [[int(i), float(slope), float(loss)] for i, slope, loss in zip(h["iteration"], h["hours"], h["loss"])]
    sheet.notes.append(Note("L2", fits["separation"], "warning", span=10))
    sheet.notes.append(Note("L3", f"Without a penalty: {runaway.message}", "caption", span=10))
    sheet.tables.append(Table("L5", ["iteration", "slope", "log loss"], run_rows(runaway), ["0", NUMBER, NUMBER],
                              name="separation_runaway", id="runaway"))
    sheet.notes.append(Note("P4", f"With l2 = {L2_HOLD:g} (loss + penalty)", "heading", span=4))
    sheet.tables.append(Table("P5", ["iteration", "slope", "loss + penalty"], run_rows(held), ["0", NUMBER, NUMBER],
                              name="separation_held", id="held"))
    r, k = ref("Separation", "runaway"), ref("Separation", "held")
    sheet.charts += [
        ChartSpec("scatter", "The slope by iteration: without l2 it keeps growing", "A3", [
            SeriesSpec("l2 = 0", r("iteration"), r("slope"), style="line"),
            SeriesSpec(f"l2 = {L2_HOLD:g}", k("iteration"), k("slope"), style="markers+line", marker_size=3,
                       line_dash="dash")], x_title="iteration", y_title="slope (per hour)"),
        ChartSpec("scatter", "The log loss creeps towards 0 (log scale)", f"A{3 + CHART_ROWS}", [
            SeriesSpec("l2 = 0", r("iteration"), r("log loss"), style="line")],
            x_title="iteration", y_title="mean log loss", y_log=True, legend=None)]
    return sheet


def logistic_report() -> Report:
    """Read me, the class's Data, the S-curve, the two loss shapes, the path, and separation."""
    frame, separated = exam_data(), separated_data()
    fits = logistic_lesson_fits(frame, separated)
    gd, newton = fits["gd"], fits["newton"]
    data = data_sheet(frame, "Exam", "Hours studied and passed (1) or failed (0): a made-up class of 40")
    readme = readme_sheet("Logistic regression: where gradient descent is the only road", [
        "The Data sheet is a made-up class of 40 students: hours studied, and whether each passed (1) or not (0).",
        "A straight line through 0s and 1s makes no sense; instead we fit an S-curve, the chance of passing: "
        "p = 1/(1 + EXP(−(b + m × hours))).",
        "Unlike a straight line there is no formula for the best m and b. We have to search: gradient descent "
        "takes small steps downhill on the log loss (how surprised the curve is by each 0 or 1).",
        f"It finds slope {gd.coef[0]:.4f} and intercept {gd.intercept:.4f}. Newton's method, which uses the "
        f"curvature too, finds the exact maximum: {newton.coef[0]:.4f} and {newton.intercept:.4f}.",
        "S-curve: the points and both fitted curves. Loss shapes: along the slope, the log loss is one smooth "
        "bowl; the squared error of p has flat shoulders, where a step downhill hardly moves.",
        "Path: the log-loss contours and the steps gradient descent took from (0, 0) to the bottom.",
        "Separation: in a second class everyone who studied over 4 hours passed. Then a steeper S always fits "
        "better, the slope runs off to infinity while the loss creeps to 0, and there is no answer to find.",
        f"A small penalty on the slope (l2 = {L2_HOLD:g}) holds it: the dashed line settles.",
        "Every number comes from gdfit.fit(loss='log') and gdfit.logistic_mle; the seed and options are in "
        "each sheet's manifest.",
    ])
    options = {"loss": "log", "max_iter": 5000, "learning_rate": "auto", "scale": "auto"}
    curve = with_manifest(_curve_sheet(frame, fits), frame, "Exam", options)
    shapes = _shapes_sheet(frame, fits)
    path = _path_sheet(frame, fits)
    separation = _separation_sheet(separated, fits)
    return Report([readme, data, finish_sheet(curve), finish_sheet(shapes), finish_sheet(path),
                   finish_sheet(separation)], title="gdfit lesson: logistic regression")
