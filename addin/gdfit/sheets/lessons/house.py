"""The house-price lesson: four houses, the cost of three guesses recomputed, and gradient descent
on raw square feet (it crawls) against scaled square feet (it converges), back in dollars."""
from __future__ import annotations

import warnings

import numpy as np

from gdfit.core.descent.fit import fit
from gdfit.core.leastsq.closed_form import closed_form
from gdfit.datasets import house_prices
from gdfit.report.model import CellRef, ChartSpec, ColumnRef, Formula, Note, Report, SeriesSpec, SheetSpec, Table
from gdfit.sheets.data import data_sheet
from gdfit.sheets.lessons.common import CHART_ROWS, finish_sheet, readme_sheet, ref, with_manifest

__all__ = ["GUESSES", "cost_rows", "house_fits", "house_prices_report"]

#: The lesson's three (intercept, slope) guesses and the MSE it quoted for each.
GUESSES = ((0.0, 100.0, 4.125e9), (50_000.0, 100.0, 1.125e9), (30_000.0, 130.0, 127.5e6))
MAX_ITER = 1000
DOLLARS = '"$"#,##0'
MSE_FORMAT = "#,##0"


def cost_rows(frame) -> list[list]:
    """Rows ``[intercept, slope, four predictions, MSE, MSE the lesson quoted]``; MSE by numpy."""
    x, y = frame["sqft"].to_numpy(float), frame["price"].to_numpy(float)
    rows = []
    for b, m, quoted in GUESSES:
        pred = b + m * x
        rows.append([b, m, *pred.tolist(), float(np.mean((y - pred) ** 2)), quoted])
    return rows


def house_fits(frame) -> dict:
    """Gradient descent on raw and on scaled square feet, and the closed form."""

    with warnings.catch_warnings():  # the raw run not converging is the lesson
        warnings.simplefilter("ignore")
        runs = {scale: fit(frame[["sqft"]], frame["price"], scale=scale, max_iter=MAX_ITER,
                            history_max=201)
                for scale in ("none", "auto")}
    return {"raw": runs["none"], "scaled": runs["auto"], "closed": closed_form(frame[["sqft"]], frame["price"])}


def _cost_sheet(frame) -> SheetSpec:
    sheet = SheetSpec("Cost", notes=[
        Note("A1", "The cost (MSE) of three guesses, recomputed", "title", span=8),
        Note("A2", "MSE = average of (price − (intercept + slope × sqft))². The last column is the "
                   "same sum as a live formula on the Data sheet.", "caption", span=12)])
    header = ["intercept", "slope", "pred 1000", "pred 1500", "pred 2000", "pred 2500", "MSE",
              "MSE the lesson quoted", "MSE (live formula)"]
    rows = cost_rows(frame)
    data = {"x": ColumnRef("Data", "Houses", "sqft"), "y": ColumnRef("Data", "Houses", "price")}
    for i, row in enumerate(rows):
        refs = {**data, "b": CellRef("Cost", "cost", i, "intercept"),
                "m": CellRef("Cost", "cost", i, "slope")}
        row.append(Formula("=SUMPRODUCT(({y}-({b}+{m}*{x}))^2)/COUNT({y})", refs))
    sheet.tables.append(Table("A4", header, rows, [DOLLARS, "0"] + [DOLLARS] * 4 + [MSE_FORMAT] * 3,
                              name="cost_table", id="cost"))
    sheet.notes.append(Note("A9", "The lesson's quoted costs do not match its own predictions; the MSE column is "
                                  "the arithmetic done again.", "body", span=12))
    return sheet


def _history_rows(run) -> list[list]:
    # Each run keeps its own iterations: the raw run's history is thinned, the scaled run's is two
    # rows (0 and 1), and pairing them by iteration would lose the scaled run's landing step.
    return [[int(i), float(loss)] for i, loss in zip(run.history["iteration"], run.history["loss"])]


def _gd_sheet(fits) -> SheetSpec:
    raw, scaled, closed = fits["raw"], fits["scaled"], fits["closed"]
    sheet = SheetSpec("GD", notes=[Note("A1", "Gradient descent on raw and on scaled square feet", "title", span=8)])
    rows = [["closed form (least squares)", float(closed.intercept), float(closed.coef[0]), None, None]]
    for name, r in (("gradient descent, raw sqft", raw), ("gradient descent, scaled sqft", scaled)):
        rows.append([name, float(r.intercept), float(r.coef[0]), r.n_iter, bool(r.converged)])
        sheet.notes.append(Note(f"L{7 + len(rows) - 1}", f"{name}: {r.message}", "caption", span=12))
    sheet.notes.append(Note("L3", "Coefficients back in dollars", "heading", span=6))
    sheet.tables.append(Table("L4", ["fit", "intercept ($)", "slope ($ per sqft)", "iterations", "converged"],
                              rows, [None, DOLLARS, "0.00", "0", None],
                              name="house_fits", id="fits"))
    sheet.tables.append(Table("L12", ["iteration", "MSE raw sqft"], _history_rows(raw),
                              ["0", MSE_FORMAT], name="house_history", id="history"))
    sheet.tables.append(Table("T12", ["iteration", "MSE scaled sqft"], _history_rows(scaled),
                              ["0", MSE_FORMAT], name="house_scaled_history", id="scaled_history"))
    h, hs = ref("GD", "history"), ref("GD", "scaled_history")
    sheet.charts.append(ChartSpec("scatter", "MSE by iteration: raw sqft crawls, scaled sqft lands at once", "A3", [
        SeriesSpec("raw sqft", h("iteration"), h("MSE raw sqft"), style="line"),
        SeriesSpec("scaled sqft", hs("iteration"), hs("MSE scaled sqft"), style="markers+line", marker_size=6)],
        x_title="iteration", y_title="MSE ($², log scale)", y_log=True))
    d = {"x": ColumnRef("Data", "Houses", "sqft"), "y": ColumnRef("Data", "Houses", "price")}
    lines = [[x, float(closed.intercept + closed.coef[0] * x), float(raw.intercept + raw.coef[0] * x)]
             for x in (0.0, 2500.0)]
    sheet.tables.append(Table("P12", ["sqft", "closed form line", "raw GD line"], lines,
                              ["0", DOLLARS, DOLLARS], id="lines"))
    ln = ref("GD", "lines")
    sheet.charts.append(ChartSpec("scatter", "The four houses and the fitted lines", f"A{3 + CHART_ROWS}", [
        SeriesSpec("houses", d["x"], d["y"], marker_size=7),
        SeriesSpec("closed form = scaled GD", ln("sqft"), ln("closed form line"), style="line"),
        SeriesSpec("raw GD after 1000 steps", ln("sqft"), ln("raw GD line"), style="line", line_dash="dash")],
        x_title="square feet", y_title="price ($)", y_number_format=DOLLARS))
    return sheet


def house_prices_report() -> Report:
    """Read me, Data, the recomputed cost table, and the raw-versus-scaled descent."""

    frame = house_prices()
    data = data_sheet(frame, "Houses", "Four houses: floor area (sqft) and price ($)")
    readme = readme_sheet("House prices: cost, and why scaling matters", [
        "Four houses, their floor area in square feet and their price in dollars (Data sheet).",
        "The model is price = intercept + slope × sqft. Its cost is the mean of the squared errors (MSE).",
        "The Cost sheet prices three guesses. The lesson these came from printed wrong costs; "
        "the MSE column here is recomputed.",
        "The best line is price = $12,000 + $136 × sqft (least squares, exactly).",
        "On raw square feet (about 2,000) the slope's steps must be tiny or the loss explodes; the intercept "
        "then barely moves. After 1000 steps it is still far off: the GD sheet's message says why.",
        "Scaling the column first (gdfit's default) makes every direction equally steep: one step lands on "
        "the answer, which gdfit turns back into dollars.",
    ])
    gd = with_manifest(_gd_sheet(house_fits(frame)), frame, "Houses",
                       {"loss": "mse", "scale": "none and auto", "max_iter": MAX_ITER, "learning_rate": "auto"})
    return Report([readme, data, finish_sheet(_cost_sheet(frame)), finish_sheet(gd)],
                  title="gdfit lesson: house prices")
