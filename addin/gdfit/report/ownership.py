"""Which sheets of a workbook are gdfit's, and what gdfit's sheets and tables are called in it.

One policy for both renderers, on anything that looks like a workbook (an openpyxl ``Workbook``
or a view of an xlwings ``Book``: ``sheetnames``, ``worksheets``, ``book[name]``, and per sheet
``title``, ``defined_names`` and ``tables``). A sheet gdfit wrote before carries a hidden
sheet-scoped name and is replaced on a re-run; a user's sheet of the same name is never touched
and gdfit's sheet takes a suffix.
"""
from __future__ import annotations

from typing import Collection, Iterable, Protocol, Sequence

from gdfit.report.model import Report

__all__ = ["OWNER_NAME", "NAME_COMMENT", "BookLike", "SheetLike", "is_owned", "sheet_names_for", "unique_table_names"]

#: Sheet-scoped hidden name that marks a sheet as written by gdfit (it moves with the sheet).
OWNER_NAME = "_gdfit_sheet"
#: The comment on gdfit's workbook-scoped names (Name Manager shows it): how a re-run knows them.
NAME_COMMENT = "gdfit: an input of the GD formulas sheet"


class SheetLike(Protocol):
    """What the policy reads of a sheet: its name, its sheet-scoped names, its Excel tables."""

    title: str
    defined_names: Collection[str]
    tables: Iterable[str]


class BookLike(Protocol):
    """What the policy reads of a workbook."""

    sheetnames: Sequence[str]
    worksheets: Sequence[SheetLike]

    def __getitem__(self, name: str) -> SheetLike: ...


def is_owned(ws: SheetLike) -> bool:
    """True when the sheet carries gdfit's marker name."""
    return OWNER_NAME in ws.defined_names


def sheet_names_for(report: Report, wb: BookLike) -> dict[str, str]:
    """Report sheet -> workbook sheet: gdfit's own sheets are reused, a user's gets a suffix."""
    taken = {name.lower(): name for name in wb.sheetnames}
    mapping = {}
    for spec in report.sheets:
        name, n = spec.name, 1
        while name.lower() in taken and not is_owned(wb[taken[name.lower()]]):
            n += 1
            name = f"{spec.name} (gdfit)" if n == 2 else f"{spec.name} (gdfit {n - 1})"
        mapping[spec.name] = name
        taken.setdefault(name.lower(), name)
    return mapping


def unique_table_names(report: Report, wb: BookLike) -> None:
    """Give gdfit's Excel tables a suffix where a user's sheet already uses the name."""
    drawn = {spec.name.lower() for spec in report.sheets}
    used = {name.lower() for ws in wb.worksheets if ws.title.lower() not in drawn for name in ws.tables}
    for spec in report.sheets:
        for table in spec.tables:
            if table.name:
                base, n = table.name, 1
                while table.name.lower() in used:
                    n += 1
                    table.name = f"{base}_{n}"
                used.add(table.name.lower())
