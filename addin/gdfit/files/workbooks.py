"""Builders of the workbooks gdfit ships (``gdfit workbooks``) and the demo (``gdfit demo``).

The ad-spend workbook is the lesson's example end to end: a ``Data`` sheet, then the sheets of a
training report whose formulas and charts point at that data.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from gdfit.report.model import ColumnRef, Note, PageSetup, RangeRef, Report, SheetSpec, Table

__all__ = ["ad_spend_report", "build_ad_spend", "build_all", "data_sheet", "dataset_report", "write_report"]

_TIMING = re.compile(r"^Solution Time: .*$")


def data_sheet(frame: pd.DataFrame, table: str, title: str) -> SheetSpec:
    """The data as an Excel table under a title, numbers as they are."""
    rows = frame.to_numpy(dtype=float).tolist()
    return SheetSpec("Data", notes=[Note("A1", title, "title", span=4)],
                     tables=[Table("A3", [str(c) for c in frame.columns], rows, name=table)],
                     column_widths={"A": 14, "B": 14}, freeze="A4",
                     page=PageSetup(pages_tall=1 if len(rows) <= 60 else 0))  # short data: one page


def _without_timings(cmp):
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
                   reproducible: bool = False, const: bool = True, **fit_options: Any):
    """A ``Data`` sheet holding ``frame`` and the training report on it; also the comparison."""
    from gdfit.core.compare import compare
    from gdfit.core.data import as_dataset
    from gdfit.sheets.training.report import DataSource, lesson_start, training_report

    cmp = compare(frame[y], frame[x], const=const, solver_options={"start": lesson_start(len(x), const)},
                  **fit_options)
    if reproducible:
        cmp = _without_timings(cmp)
    data = as_dataset(frame[x], frame[y], fit_intercept=const)
    sheet = data_sheet(frame[x + [y]], table, title)
    first, last = sheet.tables[0].first_data_row, sheet.tables[0].rect.max_row
    block = None
    if len(x) > 1:  # the x columns sit side by side in the Data sheet: LINEST can take them
        from gdfit.report.a1 import col_letter
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


def ad_spend_report(*, reproducible: bool = False, **fit_options: Any):
    """The trained ad-spend workbook as a report (Data, Formula, Solver, Regression, GD, Compare)
    and the comparison it shows."""
    from gdfit.datasets import ad_spend

    return dataset_report(ad_spend(), ["ad_spend"], "sales", table="AdSpend",
                          title="Ad spend ($ thousands) and sales ($ hundreds of thousands)",
                          reproducible=reproducible, **fit_options)


def write_report(report: Report, path: str | Path) -> Path:
    """Render ``report`` to a new workbook at ``path``, marking every sheet but ``Data`` as gdfit's."""
    from gdfit.files.book import mark_owned
    from gdfit.render.xlsx import render_workbook, save_workbook

    wb = render_workbook(report)
    for spec in report.sheets:
        if spec.name != "Data":  # gdfit's sheets, which a later `gdfit train` may replace
            mark_owned(wb[spec.name])
    wb.active = 0
    return save_workbook(wb, path)


def build_ad_spend(path: str | Path, *, reproducible: bool = False, **fit_options: Any):
    """Write the trained ad-spend workbook to ``path``; returns its report and comparison."""
    report, cmp = ad_spend_report(reproducible=reproducible, **fit_options)
    write_report(report, path)
    return report, cmp


def build_all(folder: str | Path) -> list[Path]:
    """Rebuild every shipped workbook into ``folder`` (reproducibly: no run times in cells)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    from gdfit.sheets.lessons.common import build_lessons

    target = out / "ad_spend.xlsx"
    build_ad_spend(target, reproducible=True)
    return [target, *build_lessons(out)]
