"""A training report on a data set gdfit holds itself: a ``Data`` sheet, then the sheets of the
training report whose formulas and charts point at that data (the ad-spend workbook and the demo).
"""
from __future__ import annotations

import re
import warnings

import pandas as pd

from gdfit.core.compare import Comparison, compare_dataset
from gdfit.core.data import as_dataset
from gdfit.core.descent.fit import FitResult, fit
from gdfit.datasets import ad_spend
from gdfit.report.a1 import col_letter
from gdfit.report.model import ColumnRef, RangeRef, Report
from gdfit.sheets.data import data_sheet
from gdfit.sheets.training.report import training_report
from gdfit.sheets.training.source import SEED_GUESS_INTERCEPT, SEED_GUESS_SLOPE, DataSource, lesson_start

__all__ = ["ad_spend_report", "dataset_report", "lesson_run", "LESSON_RATE", "LESSON_STEPS"]

_TIMING = re.compile(r"^Solution Time: .*$")


def _without_timings(cmp: Comparison) -> Comparison:
    """The same comparison with run times blanked, so a rebuilt workbook has identical cells."""
    cmp.table["seconds"] = float("nan")
    return cmp


def _blank_timing_lines(report: Report) -> None:
    for table in report.sheet("Solver").tables:
        if table.id == "answer_report":
            table.rows = [[("Solution Time: not recorded (reproducible build)"
                            if isinstance(v, str) and _TIMING.match(v) else v) for v in row]
                          for row in table.rows]


def dataset_report(frame: pd.DataFrame, x: list[str], y: str, *, table: str, title: str,
                   reproducible: bool = False, const: bool = True, lesson_run: FitResult | None = None,
                   lesson_text: str | None = None,
                   **fit_options: object) -> tuple[Report, Comparison]:
    """A ``Data`` sheet holding ``frame`` and the training report on it; also the comparison.

    The Solver sheet starts from the lesson's guess (every slope 1, intercept 0); ``lesson_run``
    and ``lesson_text`` go on the GD sheet (``gdfit.sheets.training.gd.gd_sheet``)."""
    data = as_dataset(frame[x], frame[y], fit_intercept=const, moments=True)
    cmp = compare_dataset(data, const=const, solver_options={"start": lesson_start(len(x), const)},
                          **fit_options)
    if reproducible:
        cmp = _without_timings(cmp)
    sheet = data_sheet(frame[x + [y]], table, title)
    first, last = sheet.tables[0].first_data_row, sheet.tables[0].rect.max_row
    block = None
    if len(x) > 1:  # the x columns sit side by side in the Data sheet: LINEST can take them
        block = RangeRef("Data", f"A{first}:{col_letter(len(x))}{last}")
    source = DataSource(tuple(ColumnRef("Data", table, c) for c in x), ColumnRef("Data", table, y),
                        data.labels, data.y_label, block)
    report = training_report(cmp, source, data, title=f"gdfit: {title}", lesson_run=lesson_run,
                             lesson_text=lesson_text, solver_start=_lesson_start_text(len(x), const))
    report.sheets.insert(0, sheet)
    if reproducible:
        _blank_timing_lines(report)
        for spec in report.sheets:
            for t in spec.tables:
                if t.id == "options":
                    t.rows = [row for row in t.rows if row[0] != "seconds"]
    return report, cmp


def _lesson_start_text(k: int, const: bool) -> str:
    if k == 1:
        return "the lesson's guess m = 1, b = 0" if const else "the lesson's guess m = 1"
    return "the lesson's guess: every slope 1" + (", intercept 0" if const else "")


#: The lesson's run on the ad-spend data: the raw numbers, from m = 1, b = 0, at a fixed rate
#: a sixteenth of the stability limit 2/L = 3.3e-4 of the raw MSE: the loss falls over about 40
#: steps across the valley, then crawls along it.
LESSON_RATE, LESSON_STEPS = 2e-5, 300


def lesson_run() -> FitResult:
    """The seed text's gradient descent on the ad-spend data: raw x, start m = 1, b = 0, a fixed rate."""
    d = ad_spend()
    with warnings.catch_warnings():  # it is not meant to converge: the chart shows it still walking
        warnings.simplefilter("ignore")
        return fit(d[["ad_spend"]], d["sales"], scale="none", init=[SEED_GUESS_SLOPE, SEED_GUESS_INTERCEPT],
                   learning_rate=LESSON_RATE, max_iter=LESSON_STEPS, grad_tol=0.0)


LESSON_TEXT = (
    "Why gdfit's run lands in one step: it rescales ad_spend to mean 0 and standard deviation 1, which makes "
    "the loss bowl round (as steep along the slope as along the intercept), and its automatic learning rate "
    "1/L is then exactly the step to the bottom. The lesson's run works on the raw numbers from m = 1, b = 0 at "
    f"a fixed rate {LESSON_RATE:g}: the bowl is a long narrow valley there, so the loss falls fast across it "
    "and then slowly along it.")


def ad_spend_report(*, reproducible: bool = False, **fit_options: object) -> tuple[Report, Comparison]:
    """The trained ad-spend workbook as a report (Data, Formula, Solver, Regression, GD, Compare)
    and the comparison it shows; the GD sheet carries the lesson's run beside gdfit's."""
    default = not fit_options  # the one-step explanation holds for gdfit's default run
    return dataset_report(ad_spend(), ["ad_spend"], "sales", table="AdSpend",
                          title="Ad spend ($ thousands) and sales ($ hundreds of thousands)",
                          reproducible=reproducible, lesson_run=lesson_run(),
                          lesson_text=LESSON_TEXT if default else None, **fit_options)
