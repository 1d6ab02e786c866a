"""The formulas lesson: gradient descent on the ad-spend line as worksheet formulas, one row per
iteration, that the reader drives by changing the learning rate, the start, the scaling and the
momentum in named cells (and SGD one data row a step below them)."""
from __future__ import annotations

from gdfit.core.data import as_dataset
from gdfit.report.model import ColumnRef, Report
from gdfit.sheets.training.gd_formulas import GdFormulaInputs, gd_formulas_sheet, sgd_rate
from gdfit.sheets.training.source import DataSource, lesson_start

from .common import ad_spend_data, readme_sheet

__all__ = ["formulas_report", "LESSON_RATE", "SGD_EPOCHS"]

LESSON_RATE = 0.05  # a tenth of the auto rate 1/L = 0.5 on one scaled column: the descent takes visible steps
SGD_EPOCHS = 10


def formulas_report() -> Report:
    """Read me, the ad-spend data, and the GD formulas sheet on them."""
    data_spec, frame = ad_spend_data()
    data = as_dataset(frame[["ad_spend"]], frame["sales"], moments=True)
    source = DataSource((ColumnRef("Data", "AdSpend", "ad_spend"),), ColumnRef("Data", "AdSpend", "sales"),
                        data.labels, data.y_label)
    inputs = GdFormulaInputs(LESSON_RATE, tuple(lesson_start(1, True)), scaled=True, momentum=0.0, iterations=200,
                             sgd_learning_rate=sgd_rate(data), sgd_epochs=SGD_EPOCHS, seed=0)
    sheet, names = gd_formulas_sheet(source, data, inputs)
    readme = readme_sheet("Gradient descent in plain formulas: change a cell, watch it descend", _README)
    return Report([readme, data_spec, sheet], title="gdfit lesson: gradient descent in formulas", names=names)


_README = [
    "The sheet 'GD formulas' trains the ad-spend line (sales against ad spend, on the Data sheet) with "
    "nothing but ordinary worksheet formulas. No add-in, no macro: it recalculates in Excel on Windows, "
    "Mac and the web, and in LibreOffice.",
    "Each row is one step downhill. It reads the row above, works out how wrong the line is on every data "
    "row (the MSE, the mean squared error), which way is downhill (the gradient), and moves the slope and "
    "intercept a little that way: new value = old value - learning rate x gradient.",
    "Try it: change the learning rate in C3 and watch the charts. 0.05 creeps down; 0.5 lands at the bottom "
    "in one step; 0.9 zigzags; above 1 (the limit 2/L the sheet shows) every step overshoots by more than "
    "it gains and the sheet says 'diverging'.",
    "C4:D4 is where the descent starts (slope, then intercept). C5 chooses whether the descent works on the "
    "ad-spend column as it is (FALSE) or standardised to mean 0 and standard deviation 1 (TRUE, what gdfit "
    "does by default). On the raw column the safe learning rate is far smaller: see the limit change.",
    "C6 adds momentum: each step keeps that fraction of the previous one, like a ball rolling downhill. "
    "0 is plain gradient descent; try 0.9 with a learning rate of 0.05.",
    "Under the last iteration, LINEST gives the exact answer, and the row below it shows how far the descent "
    "still is from it.",
    "To the right, stochastic gradient descent takes one data row per step, in a shuffled order shown in "
    "the 'row drawn' column (the order gdfit uses with seed 0); an epoch is one pass over all 30 rows. "
    "Its learning rate is C7.",
    "The cells have names you can use in your own formulas: gd_learning_rate, gd_start, gd_scaled, "
    "gd_momentum, gd_x and gd_y (the data), gd_history (iteration, MSE, slope, intercept).",
    "Every row was checked against gdfit's own gradient descent, to 10 significant digits, with LibreOffice "
    "doing the recalculation.",
]
