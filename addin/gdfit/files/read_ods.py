"""What python-calamine does not give from an .ods file: error values and formulas without a saved
result (it shows both as blanks), named ranges and the active sheet. Read with defusedxml."""
from __future__ import annotations

import zipfile
from pathlib import Path

from gdfit.files.read_grid import UNCACHED

__all__ = ["ods_special", "ods_names", "ods_active"]

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_CONFIG = "{urn:oasis:names:tc:opendocument:xmlns:config:1.0}"


def ods_special(path: Path, sheet: str) -> dict[tuple[int, int], str]:
    """Error values and formulas without a saved result in one table, by (row, column)."""
    from defusedxml.ElementTree import iterparse

    found: dict[tuple[int, int], str] = {}
    row = col = 0
    inside = False
    with zipfile.ZipFile(path) as package, package.open("content.xml") as content:
        for event, element in iterparse(content, events=("start", "end")):
            tag = element.tag
            if tag == _TABLE + "table":
                inside = event == "start" and element.get(_TABLE + "name") == sheet
                row = 0
            elif not inside or event == "start":
                continue
            elif tag == _TABLE + "table-row":
                row += int(element.get(_TABLE + "number-rows-repeated", "1"))
                col = 0
                element.clear()
            elif tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                repeat = int(element.get(_TABLE + "number-columns-repeated", "1"))
                mark = None
                if element.get(_CALCEXT + "value-type") == "error":
                    mark = "".join(element.itertext()).strip() or "#N/A"
                elif element.get(_TABLE + "formula") and element.get(_OFFICE + "value-type") is None:
                    mark = UNCACHED
                if mark is not None:
                    found.update({(row, c): mark for c in range(col, col + min(repeat, 16_384))})
                col += repeat
    return found


def ods_active(package: zipfile.ZipFile) -> str | None:
    """The sheet the file was saved on, from settings.xml."""
    from defusedxml.ElementTree import fromstring

    if "settings.xml" not in package.namelist():
        return None
    for element in fromstring(package.read("settings.xml")).iter(_CONFIG + "config-item"):
        if element.get(_CONFIG + "name") == "ActiveTable" and element.text:
            return element.text
    return None


def ods_names(path: Path) -> dict[str, tuple[str, None]]:
    """Named ranges, by lower-case name, as A1 references (workbook scope)."""
    from defusedxml.ElementTree import iterparse

    names: dict[str, tuple[str, None]] = {}
    with zipfile.ZipFile(path) as package, package.open("content.xml") as content:
        for _, element in iterparse(content):
            if element.tag == _TABLE + "named-range":
                address = element.get(_TABLE + "cell-range-address") or ""
                names[element.get(_TABLE + "name", "").casefold()] = (_to_a1(address), None)
            elif element.tag in (_TABLE + "table-row", _TABLE + "table-cell"):
                element.clear()
    return names


def _to_a1(address: str) -> str:
    """``$Sales.$B$3:.$B$26`` -> ``'Sales'!$B$3:$B$26``."""
    start, _, end = address.partition(":")
    sheet, _, first = start.rpartition(".")
    last = end.rpartition(".")[2]
    ref = first + (":" + last if last else "")
    return f"'{sheet.lstrip('$').strip(chr(39))}'!{ref}" if sheet else ref
