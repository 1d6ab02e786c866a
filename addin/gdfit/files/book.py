"""Opening a user's workbook package safely, finding its data, and marking gdfit's sheets.

gdfit never loads and saves a user's workbook with openpyxl (which drops what it does not model);
its sheets are added to the package as it is by :mod:`gdfit.files.package`.
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gdfit.core.data import InputError
from gdfit.report.ownership import OWNER_NAME, is_owned

__all__ = ["BookError", "DataRegion", "check_package", "check_zip_limits", "find_data", "OWNER_NAME", "is_owned",
           "mark_owned"]


MAX_FILE_BYTES = 200 * 2**20
MAX_UNPACKED_BYTES = 1 * 2**30
MAX_RATIO = 200  # compressed-to-unpacked ratio above which a part is treated as a zip bomb
MAX_PARTS = 20_000

class BookError(InputError):
    """A workbook that cannot be read or written safely; the message is one line."""


@dataclass(frozen=True)
class DataRegion:
    """Where the numbers are: a header row and the data columns below it."""

    sheet: str
    header_row: int
    first_row: int
    last_row: int
    columns: tuple[int, ...]  # 1-based column numbers
    headers: tuple[str, ...]


def check_package(path: str | Path) -> zipfile.ZipFile:
    """Open ``path`` as an Office Open XML package after size and zip-bomb checks."""
    file = Path(path)
    if not file.is_file():
        raise BookError(f"workbook {str(path)!r} does not exist; give the path to an .xlsx or .xlsm file.")
    if file.suffix.lower() not in (".xlsx", ".xlsm"):
        raise BookError(f"workbook {file.name!r} is not .xlsx or .xlsm; save it in that format from Excel first.")
    if file.stat().st_size > MAX_FILE_BYTES:
        raise BookError(f"workbook {file.name!r} is larger than {MAX_FILE_BYTES // 2**20} MB; "
                        "copy the data into a smaller workbook.")
    with file.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise BookError(f"workbook {file.name!r} is encrypted (password-protected) or a legacy .xls; "
                        "remove the password or save it as .xlsx.")
    try:
        package = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError):
        raise BookError(f"workbook {file.name!r} is not a valid .xlsx file (damaged or not a zip); "
                        "open and re-save it in Excel.") from None
    _check_sizes(package, file.name)
    return package


def _check_sizes(package: zipfile.ZipFile, name: str) -> None:
    check_zip_limits(package, name)
    if "[Content_Types].xml" not in package.namelist():
        raise BookError(f"workbook {name!r} is a zip but not an Excel workbook (no [Content_Types].xml).")


def check_zip_limits(package: zipfile.ZipFile, name: str) -> None:
    """Refuse a package too large, of too many parts, or with a part that expands like a zip bomb."""
    infos = package.infolist()
    if len(infos) > MAX_PARTS:
        raise BookError(f"workbook {name!r} has {len(infos)} parts; more than {MAX_PARTS} is refused as unsafe.")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED_BYTES:
        raise BookError(f"workbook {name!r} unpacks to {total / 2**20:.0f} MB; "
                        f"more than {MAX_UNPACKED_BYTES // 2**20} MB is refused as unsafe.")
    for info in infos:
        if info.file_size > 2**20 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise BookError(f"workbook {name!r} part {info.filename!r} expands {info.file_size // max(info.compress_size, 1)}"
                            "-fold (a zip bomb?); refused.")


def mark_owned(ws) -> None:
    """Mark an openpyxl sheet of gdfit's with the hidden sheet-scoped name a re-run looks for."""
    from openpyxl.workbook.defined_name import DefinedName

    ws.defined_names[OWNER_NAME] = DefinedName(OWNER_NAME, attr_text='"gdfit"', hidden=True)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def find_data(ws) -> DataRegion:
    """Find a header row with numeric columns beneath it on ``ws``.

    The header row is the first row that has text in at least two cells and numbers below
    them; data run down to the first row where every chosen column is blank. A column is a
    data column when every cell in the block is a number.
    """
    rows = list(ws.iter_rows(values_only=True))
    for h, header in enumerate(rows[:-1]):
        labelled = [j for j, v in enumerate(header) if isinstance(v, str) and v.strip()]
        below = rows[h + 1]
        candidates = [j for j in labelled if j < len(below) and _is_number(below[j])]
        if len(candidates) < 2:
            continue
        last = h + 1
        while last + 1 < len(rows) and any(
                j < len(rows[last + 1]) and rows[last + 1][j] is not None for j in candidates):
            last += 1
        block = rows[h + 1:last + 1]
        numeric = []
        for j in candidates:
            bad = next((i for i, r in enumerate(block) if j >= len(r) or not _is_number(r[j])), None)
            if bad is None:
                numeric.append(j)
            elif bad >= len(block) // 2:  # mostly numbers: a gap, not a text column
                raise BookError(_cell_problem(ws.title, header[j], h + 2 + bad, j + 1, block[bad]))
        if len(numeric) >= 2:
            return DataRegion(ws.title, h + 1, h + 2, last + 1, tuple(j + 1 for j in numeric),
                              tuple(str(header[j]).strip() for j in numeric))
    raise BookError(f"no data found on sheet {ws.title!r}: expected a header row with at least two "
                    "numeric columns below it; name the ranges with --x and --y.")


def _cell_problem(sheet: str, header: Any, row: int, col: int, values: tuple) -> str:
    from openpyxl.utils import get_column_letter

    value = values[col - 1] if col - 1 < len(values) else None
    what = "a blank" if value is None else f"{value!r}"
    return (f"column {str(header)!r} on sheet {sheet!r} has {what} at {get_column_letter(col)}{row}; "
            "enter a number there or delete the row.")
