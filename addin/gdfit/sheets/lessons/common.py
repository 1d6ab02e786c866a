"""Teaching workbooks: one lesson each, on real data, with native charts (``gdfit workbooks``).

Each builder returns a ``Report`` whose first sheet is a short "Read me". Charts sit at the top
of a sheet, stacked in column A, and the tables they read start below them, so a chart's place
never depends on how wide the table columns turn out. Nothing here depends on the clock: the
same code writes the same cells.
"""
from __future__ import annotations

import warnings
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from gdfit.report.a1 import col_letter
from gdfit.report.model import ChartSpec, ColumnRef, Note, PageSetup, Report, SeriesSpec, SheetSpec, Table
from gdfit.report.layout import auto_widths

__all__ = ["readme_sheet", "finish_sheet", "with_manifest", "ad_spend_data", "below_charts", "bowl_report", "LESSONS", "build_lessons"]

CHART_ROWS = 19  # rows a 16 x 9 cm chart covers at the default row height, plus a spare row
NUMBER = "0.000000"


def readme_sheet(title: str, lines: Sequence[str]) -> SheetSpec:
    """A "Read me" sheet: the title, then one short paragraph per line."""
    sheet = SheetSpec("Read me", notes=[Note("A1", title, "title", span=10)],
                      page=PageSetup(landscape=True))
    sheet.notes += [Note(f"A{3 + i}", line, "body", span=14) for i, line in enumerate(lines)]
    sheet.page.print_area = f"A1:N{3 + len(lines)}"
    return sheet


def finish_sheet(sheet: SheetSpec) -> SheetSpec:
    """Widen the table columns (right of the charts, which keep columns A-K at the default width)
    to show every value, and print everything drawn (one page wide)."""
    sheet.column_widths.update(auto_widths(sheet))
    last_row, last_col = 1, 10  # a 16 cm chart in column A reaches about column J
    for t in sheet.tables:
        last_row, last_col = max(last_row, t.rect.max_row), max(last_col, t.rect.max_col)
    for c in sheet.charts:
        last_row = max(last_row, int(c.anchor[1:]) + CHART_ROWS)
    for f in sheet.formulas:
        last_row = max(last_row, f.rect.max_row)
    for n in sheet.notes:
        last_row = max(last_row, int(n.anchor.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")))
    if sheet.charts and last_row > 60:
        # A printout of a sheet with charts is the charts and the top of its tables, on one page;
        # hundreds of path or history rows are for reading on screen.
        last_row = max(int(c.anchor[1:]) + CHART_ROWS for c in sheet.charts)
        last_row += max(0, round(sum(c.height_cm for c in sheet.charts) / 0.53) - len(sheet.charts) * CHART_ROWS)
    sheet.page = PageSetup(print_area=f"A1:{col_letter(last_col)}{last_row}",
                           pages_tall=1 if last_row <= 60 else 0)
    return sheet


def below_charts(sheet: SheetSpec) -> int:
    """The first free row (leaving a heading row) under the charts stacked in column A."""
    return max(int(c.anchor[1:]) + round(c.height_cm / 0.53) for c in sheet.charts) + 3


def with_manifest(sheet: SheetSpec, frame, table: str, options: dict, seed: int | None = None) -> SheetSpec:
    """``sheet`` with the run manifest and stale flag (``gdfit.sheets.manifest``) under its charts,
    for a run trained on the columns of ``frame`` held in the Excel table ``table`` of the Data sheet."""
    from gdfit.sheets.manifest import add_manifest

    columns = {str(c): ColumnRef("Data", table, str(c)) for c in frame.columns}
    add_manifest(sheet, below_charts(sheet), columns, frame.to_numpy(dtype=float), options, seed)
    return sheet


def ad_spend_data() -> tuple:
    """The ad-spend Data sheet (Excel table ``AdSpend``) and the frame it holds."""
    from gdfit.datasets import ad_spend
    from gdfit.files.workbooks import data_sheet

    frame = ad_spend()
    return data_sheet(frame, "AdSpend", "Ad spend ($ thousands) and sales ($ hundreds of thousands)"), frame


def ref(sheet: str, table: str) -> Callable[[str], ColumnRef]:
    """A shorthand making references to the columns of one table."""
    return lambda column: ColumnRef(sheet, table, column)


# ---- 4. the one-parameter bowl ---------------------------------------------------------------

BOWL_TARGET, BOWL_RATE, BOWL_STEPS = 3.0, 0.1, 30


def bowl_fit():
    """Gradient descent on the bowl (w - 3)^2: the intercept-only model of y = [3] under SSE."""
    from gdfit.core.descent.fit import fit

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
    import pandas as pd
    from gdfit.files.workbooks import data_sheet

    frame = pd.DataFrame({"y": [BOWL_TARGET]})
    data = data_sheet(frame, "BowlData", "The one data value: y = 3, the bottom of the bowl")
    sheet = with_manifest(sheet, frame, "BowlData", result.options)
    return Report([readme, data, finish_sheet(sheet)], title="gdfit lesson: the bowl")


# ---- registry ----------------------------------------------------------------------------------


def _lessons() -> dict[str, Callable[[], Report]]:
    from gdfit.sheets.lessons.batch import batch_report
    from gdfit.sheets.lessons.house import house_prices_report
    from gdfit.sheets.lessons.losses import losses_report
    from gdfit.sheets.lessons.rate import learning_rate_report
    from gdfit.sheets.lessons.surface import surface_report

    return {"bowl.xlsx": bowl_report, "learning_rate.xlsx": learning_rate_report,
            "house_prices.xlsx": house_prices_report, "batch_sgd_minibatch.xlsx": batch_report,
            "losses.xlsx": losses_report, "loss_surface.xlsx": surface_report}


LESSONS = _lessons


def build_lessons(folder: str | Path) -> list[Path]:
    """Write every lesson workbook into ``folder``; returns their paths."""
    from gdfit.files.workbooks import write_report

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    return [write_report(builder(), out / name) for name, builder in LESSONS().items()]
