"""A report with the four charts the product draws, built from numbers computed here with numpy.

Shared by the renderer tests: a tiny data set, a plain gradient descent on the MSE in
(slope, intercept) recorded per iteration, the closed-form optimum, and exact iso-loss ellipses.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdfit.core.surface import QuadraticSurface, choose_levels, contour_lines
from gdfit.report.layout import auto_widths, contour_rows
from gdfit.report.model import (
    ArrayFormula,
    ChartSpec,
    ColumnRef,
    Formula,
    FormulaCell,
    Note,
    PageSetup,
    Report,
    SeriesSpec,
    SheetSpec,
    Table,
)

X = np.array([1.0, 2.0, 3.0, 4.5, 5.0, 6.5, 7.0, 8.0])
Y = np.array([3.1, 4.9, 7.2, 9.8, 10.9, 14.1, 15.2, 16.8])
START = np.array([-1.0, 12.0])  # (slope, intercept): far enough to make the path visible
FORMULA_LIKE = ["=HYPERLINK(\"http://x\")", "+cmd", "-1+1", "@SUM(A1)", "#N/A", "\tTAB"]


@dataclass
class Fit:
    history: np.ndarray  # columns: iteration, loss, slope, intercept
    optimum: np.ndarray
    surface: QuadraticSurface


def descend(n_iter: int, learning_rate: float = 0.034) -> Fit:
    """Plain gradient descent on the MSE from START; row 0 is the starting point."""
    surface = QuadraticSurface.from_data(X, Y, scale=1 / len(X))
    theta, rows = START.copy(), []
    for k in range(n_iter + 1):
        rows.append([k, float(surface(theta)), theta[0], theta[1]])
        theta = theta - learning_rate * surface.hessian @ (theta - surface.optimum)
    return Fit(np.array(rows), surface.optimum, surface)


def data_sheet(fit: Fit) -> SheetSpec:
    gd_slope, gd_intercept = fit.history[-1, 2:]
    lo, hi = X.min(), X.max()
    lines = [
        [lo, gd_slope * lo + gd_intercept, fit.optimum[0] * lo + fit.optimum[1]],
        [hi, gd_slope * hi + gd_intercept, fit.optimum[0] * hi + fit.optimum[1]],
    ]
    x_ref, y_ref = ColumnRef("Data", "data", "x"), ColumnRef("Data", "data", "y")
    refs = {"y": y_ref, "x": x_ref}
    return SheetSpec(
        "Data",
        tables=[
            Table("A3", ["x", "y"], [[a, b] for a, b in zip(X, Y)], ["0.0", "0.00"], name="data"),
            Table("D3", ["x", "GD", "closed form"], lines, ["0.0", "0.000", "0.000"], id="lines"),
            Table("D8", ["text that stays text"], [[t] for t in FORMULA_LIKE], id="texts"),
        ],
        notes=[Note("A1", "Ad spend and sales", "title", span=4),
               Note("H1", "Closed form is exact; GD stopped early", "warning", span=4)],
        formulas=[
            FormulaCell("H3", Formula("=SLOPE({y},{x})", refs), "0.000000"),
            FormulaCell("H4", Formula("=INTERCEPT({y},{x})", refs), "0.000000"),
            FormulaCell("H6", ArrayFormula("=LINEST({y},{x},TRUE,TRUE)", 5, 2, refs)),
            FormulaCell("H12", Formula("=T.DIST.2T(2.5,6)")),
        ],
        column_widths={"H": 12, "I": 12},
        page=PageSetup(),
    )


def history_sheet(fit: Fit) -> SheetSpec:
    rows = [[int(k), loss, a, b] for k, loss, a, b in fit.history]
    return SheetSpec(
        "History",
        tables=[Table("A1", ["iteration", "loss", "slope", "intercept"], rows,
                      ["0", "0.000E+00", "0.0000", "0.0000"], name="history")],
        freeze="A2",
        page=PageSetup(),
    )


def contour_sheet(fit: Fit, n_levels: int = 6, n_points: int = 40) -> SheetSpec:
    s = fit.surface
    levels = choose_levels(s.f_min, float(fit.history[0, 1]), n=n_levels)
    rows = contour_rows(levels, contour_lines(s.hessian, s.optimum, s.f_min, levels, n_points))
    return SheetSpec(
        "Surface",
        tables=[
            Table("A1", ["loss", "slope", "intercept"], rows, ["0.000", "0.0000", "0.0000"],
                  id="contours"),
            Table("E1", ["start slope", "start intercept"], [list(START)], ["0.0000"] * 2,
                  id="start"),
            Table("E4", ["optimum slope", "optimum intercept"], [list(fit.optimum)],
                  ["0.0000"] * 2, id="optimum"),
        ],
        page=PageSetup(),
    )


def charts_sheets() -> list[SheetSpec]:
    def col(sheet, table, column):
        return ColumnRef(sheet, table, column)

    fit_chart = ChartSpec("scatter", "Sales against ad spend: data and fitted lines", "A1", [
        SeriesSpec("data", col("Data", "data", "x"), col("Data", "data", "y"), marker_size=7),
        SeriesSpec("gradient descent", col("Data", "lines", "x"), col("Data", "lines", "GD"),
                   style="line"),
        SeriesSpec("closed form", col("Data", "lines", "x"), col("Data", "lines", "closed form"),
                   style="line", line_dash="dash"),
    ], x_title="x", y_title="y")
    hist = lambda column: col("History", "history", column)  # noqa: E731
    loss_chart = ChartSpec("scatter", "Loss by iteration", "A1", [
        SeriesSpec("MSE", hist("iteration"), hist("loss"), style="line"),
    ], x_title="iteration", y_title="MSE (log scale)", y_log=True)
    params_chart = ChartSpec("scatter", "Parameters by iteration", "A1", [
        SeriesSpec("slope", hist("iteration"), hist("slope"), style="line"),
        SeriesSpec("intercept", hist("iteration"), hist("intercept"), style="line"),
    ], x_title="iteration", y_title="value")
    surf = lambda table, column: col("Surface", table, column)  # noqa: E731
    contour_chart = ChartSpec("scatter", "Loss surface: iso-MSE ellipses and the descent", "A1", [
        SeriesSpec("iso-loss contours", surf("contours", "slope"), surf("contours", "intercept"),
                   style="line", line_width_pt=1.0, color="9DB9D6"),
        SeriesSpec("descent path", hist("slope"), hist("intercept"), style="markers+line",
                   marker_size=3, line_width_pt=1.0, color="C0504D"),
        SeriesSpec("start", surf("start", 0), surf("start", 1), marker="triangle", marker_size=9,
                   color="2E7D32"),
        SeriesSpec("closed-form optimum", surf("optimum", 0), surf("optimum", 1), marker="x",
                   marker_size=10, color="000000"),
    ], x_title="slope", y_title="intercept")
    return [
        SheetSpec(name, charts=[_big(chart)], page=PageSetup())
        for name, chart in [("Fit chart", fit_chart), ("Loss chart", loss_chart),
                            ("Parameters chart", params_chart), ("Surface chart", contour_chart)]
    ]


def _big(chart: ChartSpec) -> ChartSpec:
    # Alone on a sheet, a chart can fill the printed page (fit-to-page only ever shrinks).
    chart.width_cm, chart.height_cm = 24.0, 15.0
    return chart


def sample_report(n_iter: int = 200) -> tuple[Report, Fit]:
    fit = descend(n_iter)
    sheets = [data_sheet(fit), history_sheet(fit), contour_sheet(fit), *charts_sheets()]
    for sheet in sheets:
        sheet.column_widths.update(auto_widths(sheet))
    return Report(sheets, title="gdfit sample"), fit
