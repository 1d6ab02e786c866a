"""The Data sheet: the user's (or a lesson's) numbers as an Excel table under a title."""
from __future__ import annotations

import pandas as pd

from gdfit.report.model import Note, PageSetup, SheetSpec, Table

__all__ = ["data_sheet"]


def data_sheet(frame: pd.DataFrame, table: str, title: str) -> SheetSpec:
    """The data as an Excel table under a title, numbers as they are."""
    rows = frame.to_numpy(dtype=float).tolist()
    return SheetSpec("Data", notes=[Note("A1", title, "title", span=4)],
                     tables=[Table("A3", [str(c) for c in frame.columns], rows, name=table)],
                     column_widths={"A": 14, "B": 14}, freeze="A4",
                     page=PageSetup(pages_tall=1 if len(rows) <= 60 else 0))  # short data: one page
