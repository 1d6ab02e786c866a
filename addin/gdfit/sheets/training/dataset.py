"""A training report on a data set gdfit holds itself: a ``Data`` sheet, then the sheets of the
training report whose formulas and charts point at that data (the ad-spend workbook and the demo).
"""
from __future__ import annotations

import re

import pandas as pd

from gdfit.core.compare import Comparison, compare_dataset
from gdfit.core.data import as_dataset
from gdfit.datasets import ad_spend
from gdfit.report.a1 import col_letter
from gdfit.report.model import ColumnRef, RangeRef, Report
from gdfit.sheets.data import data_sheet
from gdfit.sheets.training.report import training_report
from gdfit.sheets.training.source import DataSource, lesson_start

__all__ = ["ad_spend_report", "dataset_report"]

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
                   reproducible: bool = False, const: bool = True,
                   **fit_options: object) -> tuple[Report, Comparison]:
    """A ``Data`` sheet holding ``frame`` and the training report on it; also the comparison."""
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
    report = training_report(cmp, source, data, title=f"gdfit: {title}")
    report.sheets.insert(0, sheet)
    if reproducible:
        _blank_timing_lines(report)
        for spec in report.sheets:
            for t in spec.tables:
                if t.id == "options":
                    t.rows = [row for row in t.rows if row[0] != "seconds"]
    return report, cmp


def ad_spend_report(*, reproducible: bool = False, **fit_options: object) -> tuple[Report, Comparison]:
    """The trained ad-spend workbook as a report (Data, Formula, Solver, Regression, GD, Compare)
    and the comparison it shows."""
    return dataset_report(ad_spend(), ["ad_spend"], "sales", table="AdSpend",
                          title="Ad spend ($ thousands) and sales ($ hundreds of thousands)",
                          reproducible=reproducible, **fit_options)
