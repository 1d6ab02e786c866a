"""Builders of the workbooks gdfit ships (``gdfit workbooks``) and the demo (``gdfit demo``).

The ad-spend workbook is the lesson's example end to end: a ``Data`` sheet, then the sheets of a
training report whose formulas and charts point at that data.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from gdfit.files.book import mark_owned
from gdfit.render.xlsx import render_workbook, save_workbook
from gdfit.report.model import Report
from gdfit.sheets.lessons.registry import LESSONS
from gdfit.sheets.training.dataset import ad_spend_report

__all__ = ["build_ad_spend", "build_all", "build_lessons", "write_report"]


def write_report(report: Report, path: str | Path) -> Path:
    """Render ``report`` to a new workbook at ``path``, marking every sheet but ``Data`` as gdfit's."""
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
    target = out / "ad_spend.xlsx"
    build_ad_spend(target, reproducible=True)
    return [target, *build_lessons(out)]


def build_lessons(folder: str | Path) -> list[Path]:
    """Write every lesson workbook into ``folder``; returns their paths."""
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    return [write_report(builder(), out / name) for name, builder in LESSONS().items()]
