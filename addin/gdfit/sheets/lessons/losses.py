"""The losses lesson: the ad-spend data with three planted outliers, fitted under L2 (MSE) and L1
(MAE); the lines, the residuals, and five error measures of each fit side by side."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from gdfit.core.descent.fit import fit
from gdfit.datasets import ad_spend
from gdfit.report.model import ChartSpec, ColumnRef, Note, Report, SeriesSpec, SheetSpec, Table
from gdfit.sheets.data import data_sheet
from gdfit.sheets.lessons.common import CHART_ROWS, NUMBER, finish_sheet, readme_sheet, ref, with_manifest

__all__ = ["OUTLIERS", "outlier_data", "loss_fits", "error_measures", "losses_report"]

#: Three months added by hand, each with sales far above what its ad spend predicts.
OUTLIERS = ((20.0, 14.0), (45.0, 15.0), (70.0, 17.0))
FITS = (("L2 (MSE)", "mse"), ("L1 (MAE)", "mae"))
MEASURES = ("SSE", "MSE", "RMSE", "SAE", "MAE")


def outlier_data() -> pd.DataFrame:
    """The 30 ad-spend months, then the three ``OUTLIERS``; ``outlier`` is 1 on those rows."""

    clean = ad_spend().assign(outlier=0.0)
    extra = pd.DataFrame([[x, y, 1.0] for x, y in OUTLIERS], columns=clean.columns)
    return pd.concat([clean, extra], ignore_index=True)


def loss_fits(frame: pd.DataFrame) -> dict:
    """The line under each loss of ``FITS`` (the adaptive schedule settles the kinked L1 loss)."""

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {label: fit(frame[["ad_spend"]], frame["sales"], loss=loss, schedule="adaptive", max_iter=3000)
                for label, loss in FITS}


def error_measures(residuals: np.ndarray) -> list[float]:
    """SSE, MSE, RMSE, SAE and MAE of one set of residuals."""
    r = np.asarray(residuals, dtype=float)
    sse = float(np.sum(r ** 2))
    return [sse, sse / r.size, float(np.sqrt(sse / r.size)), float(np.sum(np.abs(r))), float(np.mean(np.abs(r)))]


def _fits_sheet(frame, fits) -> SheetSpec:
    x, y = frame["ad_spend"].to_numpy(float), frame["sales"].to_numpy(float)
    labels = list(fits)
    sheet = SheetSpec("Fits", notes=[Note("A1", "L2 against L1 on data with three outliers", "title", span=8)])
    rows = [[label, float(r.coef[0]), float(r.intercept), r.n_iter,
             *error_measures(y - (r.intercept + r.coef[0] * x))] for label, r in fits.items()]
    sheet.notes.append(Note("L2", "Each line, and five measures of its residuals", "heading", span=8))
    sheet.tables.append(Table("L3", ["fit", "slope", "intercept", "iterations", *MEASURES], rows,
                              [None, NUMBER, NUMBER, "0"] + [NUMBER] * 5, name="loss_fits", id="fits"))
    ends = [[v, *(float(fits[k].intercept + fits[k].coef[0] * v) for k in labels)] for v in (0.0, 100.0)]
    sheet.tables.append(Table("L7", ["ad_spend", *labels], ends, [None, NUMBER, NUMBER], id="lines"))
    res = [[float(xi), float(yi), *(float(yi - (fits[k].intercept + fits[k].coef[0] * xi)) for k in labels)]
           for xi, yi in zip(x, y)]
    sheet.notes.append(Note("L11", "Residuals (sales minus the line)", "heading", span=6))
    sheet.tables.append(Table("L12", ["ad_spend", "sales", *(f"residual {k}" for k in labels)], res,
                              [None, None, NUMBER, NUMBER], name="loss_residuals", id="residuals"))
    ln, rs = ref("Fits", "lines"), ref("Fits", "residuals")
    n = len(frame) - len(OUTLIERS)
    data = lambda column, rows: ColumnRef("Data", "Outliers", column, rows=rows)  # noqa: E731
    sheet.charts += [
        ChartSpec("scatter", "The L2 line leans towards the outliers; the L1 line stays with the rest", "A3", [
            SeriesSpec("months", data("ad_spend", (0, n - 1)), data("sales", (0, n - 1))),
            SeriesSpec("planted outliers", data("ad_spend", (n, len(frame) - 1)),
                       data("sales", (n, len(frame) - 1)), marker="diamond", marker_size=8,
                       color="C0504D"),
            *(SeriesSpec(k, ln("ad_spend"), ln(k), style="line", line_dash=dash)
              for k, dash in zip(labels, (None, "dash")))],
            x_title="ad spend ($ thousands)", y_title="sales ($ hundreds of thousands)"),
        ChartSpec("scatter", "Residuals of each line", f"A{3 + CHART_ROWS}",
                  [SeriesSpec(f"residual {k}", rs("ad_spend"), rs(f"residual {k}"), marker=m)
                   for k, m in zip(labels, ("circle", "triangle"))],
                  x_title="ad spend ($ thousands)", y_title="residual")]
    return sheet


def losses_report() -> Report:
    """Read me, Data (outliers flagged), and the two fits with their residuals and measures."""
    frame = outlier_data()
    fits = loss_fits(frame)
    data = data_sheet(frame, "Outliers", "Ad spend and sales, with three planted outliers (outlier = 1)")
    readme = readme_sheet("L1 and L2: how the choice of loss treats outliers", [
        "The Data sheet is the 30 ad-spend months plus three made-up months (outlier = 1) with sales far too high.",
        "L2 (mean squared error) squares each miss: a miss twice as big costs four times as much.",
        "L1 (mean absolute error) counts each miss as it is: a miss twice as big costs twice as much.",
        "So the L2 line bends towards the three outliers to shrink their big squared misses; its intercept rises.",
        "The L1 line stays close to the 30 ordinary months: like a median, it ignores how far off the outliers are.",
        "The table on the Fits sheet scores both lines five ways: SSE, MSE, RMSE (squared) and SAE, MAE (absolute).",
        "Each line wins on the measure it was trained on: L2 has the lower SSE/MSE/RMSE, L1 the lower SAE/MAE.",
        "Both lines are found by gradient descent; L1's kink at zero needs a shrinking step, the 'adaptive' schedule.",
    ])
    fits_sheet = with_manifest(_fits_sheet(frame, fits), frame, "Outliers",
                               {"loss": "mse and mae", "schedule": "adaptive", "max_iter": 3000, "scale": "auto"})
    return Report([readme, data, finish_sheet(fits_sheet)], title="gdfit lesson: L1 and L2 losses")
