"""The one-parameter bowl (w - 3)^2: gradient descent's steps on a parabola."""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from gdfit.core.descent.fit import fit
from gdfit.report.model import ChartSpec, Note, Report, SeriesSpec, SheetSpec, Table
from gdfit.sheets.data import data_sheet
from gdfit.sheets.lessons.common import CHART_ROWS, NUMBER, finish_sheet, readme_sheet, ref, with_manifest

__all__ = ["bowl_fit", "bowl_report", "BOWL_TARGET", "BOWL_RATE", "BOWL_STEPS"]

BOWL_TARGET, BOWL_RATE, BOWL_STEPS = 3.0, 0.1, 30


def bowl_fit():
    """Gradient descent on the bowl (w - 3)^2: the intercept-only model of y = [3] under SSE."""
    with warnings.catch_warnings():  # stopping early is the point: the table shows the first steps
        warnings.simplefilter("ignore")
        return fit(np.zeros((1, 0)), np.array([BOWL_TARGET]), loss="sse", learning_rate=BOWL_RATE,
                   init=[0.0], scale="none", max_iter=BOWL_STEPS, grad_tol=0.0)


def bowl_report() -> Report:
    """The bowl lesson: the step table and the parabola with the steps drawn on it."""
    result = bowl_fit()
    h = result.history
    w = h["intercept"].to_numpy(dtype=float)
    steps = [[int(i), float(wi), float(loss), float(2.0 * (wi - BOWL_TARGET))]
             for i, wi, loss in zip(h["iteration"], w, h["loss"])]
    grid = np.linspace(-0.5, 6.5, 29)
    curve = [[float(g), float((g - BOWL_TARGET) ** 2)] for g in grid]
    top = 4
    sheet = SheetSpec("Bowl", notes=[Note("A1", "Rolling down the bowl (w - 3)², learning rate 0.1, "
                                                "start w = 0", "title", span=8)])
    sheet.notes.append(Note(f"L{top - 1}", "Each step: w ← w − 0.1 × gradient, gradient = 2(w − 3)",
                            "heading", span=6))
    sheet.tables += [Table(f"L{top}", ["step", "w", "loss", "gradient"], steps, ["0", NUMBER, NUMBER, NUMBER],
                           name="bowl_steps", id="steps"),
                     Table(f"Q{top}", ["w", "loss (w-3)^2"], curve, [NUMBER, NUMBER],
                           name="bowl_curve", id="curve")]
    s, c = ref("Bowl", "steps"), ref("Bowl", "curve")
    sheet.charts += [
        ChartSpec("scatter", "The bowl and the steps taken on it", "A3", [
            SeriesSpec("loss (w − 3)²", c("w"), c("loss (w-3)^2"), style="line", color="9DB9D6"),
            SeriesSpec("gradient-descent steps", s("w"), s("loss"), style="markers+line",
                       marker_size=6, line_width_pt=1.0, color="C0504D")],
            x_title="w", y_title="loss"),
        ChartSpec("scatter", "w by step: marching towards 3", f"A{3 + CHART_ROWS}", [
            SeriesSpec("w", s("step"), s("w"), style="markers+line", marker_size=4)],
            x_title="step", y_title="w", legend=None)]
    readme = readme_sheet("The bowl: gradient descent with one parameter", [
        "The loss here is (w − 3)²: a bowl whose lowest point is at w = 3. We pretend not to know that.",
        "Start at w = 0, where the loss is 9. The slope there is 2 × (0 − 3) = −6: downhill is to the right.",
        "Each step moves w against the slope by the learning rate times the slope: 0 + 0.1 × 6 = 0.6.",
        "The table on the Bowl sheet lists every step: w, the loss, and the slope (gradient) at w.",
        "Steps shrink as the slope flattens near the bottom; w gets closer to 3 each time and never passes it.",
        "The numbers are computed by gdfit.fit on the model 'y = w' with the single value y = 3, "
        "sum of squared errors, learning rate 0.1, start 0, no scaling.",
    ])
    # The one data value sits on a Data sheet so the Bowl sheet's manifest can tell when it changes.
    frame = pd.DataFrame({"y": [BOWL_TARGET]})
    data = data_sheet(frame, "BowlData", "The one data value: y = 3, the bottom of the bowl")
    sheet = with_manifest(sheet, frame, "BowlData", result.options)
    return Report([readme, data, finish_sheet(sheet)], title="gdfit lesson: the bowl")
