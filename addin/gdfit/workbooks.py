"""Builders of the workbooks gdfit ships (``gdfit workbooks``) and the demo (``gdfit demo``).

The ad-spend workbook is the lesson's example end to end: a ``Data`` sheet, then the sheets of a
training report whose formulas and charts point at that data.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd

from .report import ColumnRef, PageSetup, Report, SheetSpec, Table, Note

__all__ = ["ad_spend_report", "build_ad_spend", "build_all", "data_sheet"]

_TIMING = re.compile(r"^Solution Time: .*$")


def data_sheet(frame: pd.DataFrame, table: str, title: str) -> SheetSpec:
    """The data as an Excel table under a title, numbers as they are."""
    rows = frame.to_numpy(dtype=float).tolist()
    return SheetSpec("Data", notes=[Note("A1", title, "title", span=4)],
                     tables=[Table("A3", [str(c) for c in frame.columns], rows, name=table)],
                     column_widths={"A": 14, "B": 14}, freeze="A4", page=PageSetup(pages_tall=0))


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


def ad_spend_report(*, reproducible: bool = False, **fit_options: Any):
    """The trained ad-spend workbook as a report (Data, Formula, Solver, Regression, GD, Compare)
    and the comparison it shows."""
    from .core.compare import compare
    from .core.data import as_dataset
    from .datasets import ad_spend
    from .training_report import DataSource, training_report

    frame = ad_spend()
    x, y = frame[["ad_spend"]], frame["sales"]
    cmp = compare(y, x, **fit_options)
    if reproducible:
        cmp = _without_timings(cmp)
    data = as_dataset(x, y)
    source = DataSource((ColumnRef("Data", "AdSpend", "ad_spend"),), ColumnRef("Data", "AdSpend", "sales"),
                        data.labels, data.y_label)
    report = training_report(cmp, source, data, title="gdfit: ad spend vs sales")
    report.sheets.insert(0, data_sheet(frame, "AdSpend", "Ad spend ($ thousands) and sales ($ hundreds of thousands)"))
    if reproducible:
        _blank_timing_lines(report)
        for sheet in report.sheets:
            for table in sheet.tables:
                if table.id == "options":
                    table.rows = [row for row in table.rows if row[0] != "seconds"]
    return report, cmp


def build_ad_spend(path: str | Path, *, reproducible: bool = False, **fit_options: Any):
    """Write the trained ad-spend workbook to ``path``; returns its report and comparison."""
    from .render.xlsx import render_workbook, save_workbook

    from .book import mark_owned

    report, cmp = ad_spend_report(reproducible=reproducible, **fit_options)
    wb = render_workbook(report)
    for spec in report.sheets[1:]:  # gdfit's sheets, which a later `gdfit train` may replace
        mark_owned(wb[spec.name])
    wb.active = 0
    save_workbook(wb, path)
    return report, cmp


def build_all(folder: str | Path) -> list[Path]:
    """Rebuild every shipped workbook into ``folder`` (reproducibly: no run times in cells)."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    target = out / "ad_spend.xlsx"
    build_ad_spend(target, reproducible=True)
    return [target]
