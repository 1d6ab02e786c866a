"""Which sheets a live render writes, and how it puts them in the book all or nothing.

The policy is ``gdfit.files.train``'s (its ``sheet_names_for`` and table-name rules run on a view of the
xlwings book): a sheet gdfit wrote before (hidden sheet-scoped name ``_gdfit_sheet``) is
replaced in place; a user's sheet of the same name is never touched and gdfit's sheet takes a
suffix. :class:`SheetSwap` parks the old sheets under temporary names while the new ones are
drawn, then deletes them -- or, on failure, deletes the new ones and restores the old names.
"""
from __future__ import annotations

import sys
from typing import Any

from gdfit.report.model import LayoutError, Report
from gdfit.report.ownership import sheet_names_for, unique_table_names
from gdfit.report.references import renamed

__all__ = ["uses_com", "owned_names", "plan", "SheetSwap", "quiet_screen"]


def uses_com(book) -> bool:
    """True in Windows Excel, where the Excel object model (``.api``) is pywin32's COM."""
    try:
        return sys.platform.startswith("win") and book.app.engine.name == "excel"
    except (AttributeError, NotImplementedError):
        return False


def owned_names(sheet) -> set[str]:
    """Sheet-scoped names of an xlwings sheet, without the ``Sheet!`` prefix."""
    return {name.name.rsplit("!", 1)[-1] for name in sheet.names}


class _SheetView:
    """What ``gdfit.files.train``'s sheet policy reads of a sheet, from an xlwings Sheet."""

    def __init__(self, sheet) -> None:
        self.title = sheet.name
        self.defined_names = owned_names(sheet)
        self.tables = [table.name for table in sheet.tables]


class _BookView:
    def __init__(self, book) -> None:
        self.worksheets = [_SheetView(sheet) for sheet in book.sheets]
        self.sheetnames = [view.title for view in self.worksheets]

    def __getitem__(self, name: str) -> _SheetView:
        return next(view for view in self.worksheets if view.title == name)


def plan(report: Report, book, replace_owned: bool) -> Report:
    """``report`` with its sheets (and references to them) named as they will be in ``book``."""
    view = _BookView(book)
    if replace_owned:
        report = renamed(report, sheet_names_for(report, view))
    else:
        taken = {name.lower() for name in view.sheetnames}
        clash = next((s.name for s in report.sheets if s.name.lower() in taken), None)
        if clash:
            raise LayoutError(f"the book already has a sheet {clash!r}; pass replace_owned=True")
    unique_table_names(report, view)
    return report


class quiet_screen:
    """Screen updating off while drawing (fewer repaints), restored after; ignored if absent."""

    def __init__(self, app) -> None:
        self.app, self.before = app, None

    def __enter__(self):
        try:
            self.before = self.app.screen_updating
            self.app.screen_updating = False
        except NotImplementedError:
            self.before = None

    def __exit__(self, *exc) -> None:
        if self.before is not None:
            self.app.screen_updating = self.before


class SheetSwap:
    """New sheets beside parked old ones, so that a failure can put everything back."""

    def __init__(self, book) -> None:
        self.book = book
        self.added: list = []
        self.parked: list[tuple[Any, str]] = []

    def _free_name(self) -> str:
        taken = {s.name.lower() for s in self.book.sheets}
        n = 1
        while f"~gdfit old {n}" in taken:
            n += 1
        return f"~gdfit old {n}"

    def place(self, name: str):
        sheets = list(self.book.sheets)
        at = next((i for i, s in enumerate(sheets) if s.name.lower() == name.lower()), None)
        if at is None:
            sheet = self.book.sheets.add(name, after=sheets[-1])
        else:  # an owned sheet (the plan gave a user's sheet's name a suffix)
            old = sheets[at]
            original = old.name
            old.name = self._free_name()
            self.parked.append((old, original))
            # The new sheet takes the old one's place: after its left neighbour (xlwings' remote
            # engine puts a sheet added before= one place too far left).
            sheet = self.book.sheets.add(name, after=sheets[at - 1]) if at else \
                self.book.sheets.add(name, before=old)
        self.added.append(sheet)
        return sheet

    def commit(self) -> None:
        for old, _ in self.parked:
            old.delete()

    def rollback(self) -> None:
        for sheet in reversed(self.added):
            sheet.delete()
        for old, name in self.parked:
            old.name = name
