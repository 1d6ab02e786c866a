"""Two stand-ins for an open Excel book, recording the same normalised actions.

``remote``: xlwings' own remote engine, ``xw.Book(json=payload)`` (needs ``XLWINGS_LICENSE_KEY``,
e.g. ``noncommercial``); its ``book.json()["actions"]`` are translated below.
``mock``: mocks specced on ``xlwings.main`` classes (a misspelt method, argument or property
fails, see ``_fake``), with side effects that keep a little state (sheets, values, names) and log
the same actions. Like the remote engine, it cannot read chart series,
the status bar or the current region back (``NotImplementedError``).

An action is a tuple: ``("values", sheet, "A1:B3", rows)``, ``("chart", sheet, index, {...})``...
"""
from __future__ import annotations

import copy
import os
from typing import Any

import xlwings as xw

from gdfit.report.a1 import MAX_ROW, Rect, a1_range, col_letter, parse_cell
from tests.excel.fake_excel import FakeExcel, _type, _unquote

HAS_KEY = bool(os.environ.get("XLWINGS_LICENSE_KEY"))


def payload(sheets: list[dict], selection: str = "A1", active: int = 0,
            names: list[dict] | None = None, book: str = "Book1.xlsx") -> dict:
    """A remote-engine payload; each sheet dict needs ``name`` and may give ``values``."""
    full = [{"values": [[None]], "pictures": [], "tables": [], "charts": [], "shapes": [],
             "visibility": "Visible", **s} for s in sheets]
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": book, "active_sheet_index": active, "selection": selection},
            "names": names or [], "sheets": full}


def owner_name(sheet_index: int, sheet_name: str, name: str = "_gdfit_sheet",
               refers_to: str = '="gdfit"') -> dict:
    """A sheet-scoped name entry of a payload."""
    return {"name": name, "sheet_index": None, "address": None, "book_scope": False,
            "scope_sheet_index": sheet_index, "scope_sheet_name": sheet_name,
            "refers_to": refers_to}


# ---- the remote engine ---------------------------------------------------------------------

def _address(a: dict) -> str:
    rect = Rect(a["start_row"] + 1, a["start_column"] + 1, a["start_row"] + a["row_count"],
                a["start_column"] + a["column_count"])
    if a["row_count"] >= MAX_ROW:
        return f"{col_letter(rect.min_col)}:{col_letter(rect.max_col)}"
    return a1_range(rect)


def _blank(rows):
    return [[None if v == "" else v for v in row] for row in rows]


def remote_actions(book, initial: list[str]) -> tuple[list[tuple], list[str]]:
    """The remote engine's actions, normalised, and the sheet names after them."""
    sheets, charts, out = list(initial), {}, []
    for a in book.json()["actions"]:
        f, args, pos = a["func"], a["args"], a["sheet_position"]
        sheet = sheets[pos] if pos is not None and pos < len(sheets) else None
        if f == "addSheet":
            sheets.insert(args[0], args[1])
            out.append(("addSheet", args[1]))
        elif f == "setSheetName":
            out.append(("renameSheet", sheet, args[0]))
            sheets[pos] = args[0]
        elif f == "sheetDelete":
            out.append(("deleteSheet", sheet))
            sheets.pop(pos)
        elif f == "addChart":
            index = charts[sheet] = charts.get(sheet, -1) + 1
            out.append(("chart", sheet, index, {
                "type": _type(args[1]), "source": f"{args[2]}!{_unquote(args[3])}",
                "anchor": _unquote(args[9]) if args[9] else None, "width": args[6],
                "height": args[7], "plot_by": (args[8] or "").lower() or None}))
        else:
            out.append(_remote_simple(f, args, a, sheet))
    return [x for x in out if x is not None], sheets


def _remote_simple(f: str, args: Any, a: dict, sheet: str | None) -> tuple | None:
    if f == "setValues":
        return ("values", sheet, _address(a), _blank(a["values"]))
    if f == "setFormula":
        return ("formula", sheet, _address(a), a["values"][0][0])
    if f == "setFormulaArray":
        return ("formulaArray", sheet, _address(a), args[0])
    if f == "setNumberFormat":
        return ("numberFormat", sheet, _address(a), args[0])
    if f == "setColumnWidth":
        return ("columnWidth", sheet, _address(a), args[0])
    if f == "setFontProperty":
        return ("font", sheet, _address(a), args[0], args[1])
    if f == "setRangeColor":
        return ("fill", sheet, _address(a), args[0])
    if f == "setBorderProperty":
        return ("border", sheet, _address(a), args[0], args[1], args[2])
    if f == "addTable":
        return ("table", sheet, _unquote(args[0]), args[3], args[2])
    if f == "namesAdd":
        return ("name", sheet, args[0], args[1])
    if f == "freezePaneAtRange":
        return ("freeze", sheet, args[0])
    if f == "setChartXAxisValues":
        return ("chartX", sheet, args[0], f"{args[1]}!{_unquote(args[2])}")
    if f == "setChartTitle":
        return ("chartTitle", sheet, args[0], args[1])
    if f == "setChartLegend":
        value = args[2].lower() if isinstance(args[2], str) else args[2]
        return ("chartLegend", sheet, args[0], args[1], value)
    if f == "setChartAxis":
        return ("chartAxis", sheet, args[0], args[1], args[2])
    if f == "activateSheet":
        return ("activate", sheet)
    if f == "alert":
        return ("alert", args[0])
    if f == "setScreenUpdating":
        return None
    return ("other", f, args)


# ---- one interface for the tests ---------------------------------------------------------------

class Backend:
    """A book on one of the two backends; ``actions()`` and ``sheet_names()`` after a run."""

    def __init__(self, kind: str, data: dict, **fake_options) -> None:
        self.kind, self.data = kind, data
        self.initial = [s["name"] for s in data["sheets"]]
        if kind == "remote":
            self.book = xw.Book(json=copy.deepcopy(data))  # the engine edits its snapshot
        else:
            self.fake = FakeExcel(data, **fake_options)
            self.book = self.fake.book

    def actions(self) -> list[tuple]:
        if self.kind == "remote":
            return remote_actions(self.book, self.initial)[0]
        return list(self.fake.actions)

    def sheet_names(self) -> list[str]:
        if self.kind == "remote":
            return remote_actions(self.book, self.initial)[1]
        return [s.name for s in self.fake.sheets]

    def of(self, kind: str, sheet: str | None = None) -> list[tuple]:
        return [a for a in self.actions() if a[0] == kind and (sheet is None or a[1] == sheet)]

    def value_at(self, sheet: str, cell: str) -> Any:
        """The last value or formula written to ``cell`` of ``sheet``."""
        row, col = parse_cell(cell)
        found = None
        for a in self.actions():
            if a[0] not in ("values", "formula") or a[1] != sheet:
                continue
            top, left = parse_cell(a[2].split(":")[0])
            rows = a[3] if a[0] == "values" else [[a[3]]]
            if top <= row < top + len(rows) and left <= col < left + len(rows[0]):
                found = rows[row - top][col - left]
        return found
