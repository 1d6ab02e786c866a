"""Workbooks (.xlsx .xlsm .xltx .xls .xlsb .ods) through python-calamine, which returns the values
Excel or LibreOffice saved for formula cells.

python-calamine shows Excel error values as blank cells and exposes neither defined names nor the
active sheet; for the XML formats those are read from the package itself with defusedxml, and only
when needed: here for the .xlsx family, in :mod:`gdfit.files.read_ods` for .ods.
"""
from __future__ import annotations

import os
import re
import sys
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdfit.core.data import InputError
from gdfit.files.book import MAX_FILE_BYTES, check_zip_limits
from gdfit.files.read_binary import read_binary
from gdfit.files.read_cells import uses_decimal_comma
from gdfit.files.read_grid import UNCACHED, Grid, collector_paused
from gdfit.files.read_ods import ods_active, ods_names, ods_special
from gdfit.report.a1 import col_index, col_letter

__all__ = ["Book", "ExcelTable", "open_book", "BOOK_SUFFIXES", "OOXML"]

OOXML = (".xlsx", ".xlsm", ".xltx", ".xltm")
BINARY = (".xls", ".xlsb")  # read in a child process: see gdfit.files.read_binary
BOOK_SUFFIXES = OOXML + BINARY + (".ods",)
_CELL = re.compile(rb"<(?:\w+:)?c\s([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_TYPE = re.compile(rb'\bt="(\w+)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})([0-9]{1,7})(?::([A-Z]{1,3})([0-9]{1,7}))?"')
# A cell holding something (a value, a formula or inline text); an empty styled cell is self-closing.
_FILLED_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"[^>]*?[^/]>\s*<(?:\w+:)?(?:v|f|is)[\s>/]')
# python-calamine holds a sheet as a dense block of 32-byte cells from its first filled cell to its
# last; past this many it would need gigabytes, and a failed allocation in Rust aborts the process.
MAX_DENSE_CELLS = 2**26
# What reading a damaged part can raise (defusedxml's refusals are ValueErrors, XML errors SyntaxErrors).
_ZIP_TROUBLE = (KeyError, OSError, EOFError, zipfile.BadZipFile, zlib.error, SyntaxError, ValueError, NotImplementedError)


@dataclass(frozen=True)
class ExcelTable:
    """An Excel table: its sheet, header row and data rows (0-based), and its columns by name."""

    name: str
    sheet: str
    header_row: int
    first_row: int
    last_row: int
    columns: dict[str, int]  # header -> column

    def column(self, header: str) -> int | None:
        key = header.strip().casefold()
        return next((c for name, c in self.columns.items() if name.casefold() == key), None)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(element: Any, name: str) -> str | None:
    return next((v for k, v in element.attrib.items() if _local(k) == name), None)


@dataclass(eq=False)
class Book:
    """An open workbook: its worksheets, and where known its active sheet, defined names and tables."""

    path: Path
    workbook: Any
    sheets: list[str]
    hidden: set[str]
    active: str | None = None
    parts: dict[str, str] = field(default_factory=dict)  # sheet -> its XML part (.xlsx family)
    names: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # lower name -> (ref, sheet scope)
    names_known: bool = False
    _grids: dict[str, Grid] = field(default_factory=dict, repr=False)

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    def find_sheet(self, wanted: str, arg: str) -> str:
        """The sheet named ``wanted``, case-insensitively."""
        key = wanted.strip().strip("'").casefold()
        match = next((s for s in self.sheets if s.casefold() == key), None)
        if match is None:
            listed = ", ".join(repr(s) for s in self.sheets)
            raise InputError(f"{arg} {wanted!r} is not a sheet of {self.path.name}; its sheets are {listed}.")
        return match

    def grid(self, sheet: str) -> Grid:
        if sheet not in self._grids:
            if self.suffix in OOXML and sheet in self.parts:
                _check_extent(self.path, self.parts[sheet], sheet)
            try:
                with _panic_text_held(), collector_paused():
                    rows = self.workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except BaseException as exc:  # noqa: B036 - see _unreadable
                raise _unreadable(exc, f"{self.path.name}, sheet {sheet!r}") from None
            grid = Grid(rows, self.path.name, sheet, special=self._special_reader(sheet),
                        errors_unseen=self.suffix in (".xls", ".xlsb"))
            texts = (v for r in grid.other_rows for v in rows[r] if isinstance(v, str) and v)
            grid.decimal_comma = uses_decimal_comma(texts)
            self._grids[sheet] = grid
        return self._grids[sheet]

    def _special_reader(self, sheet: str):
        if self.suffix in OOXML and sheet in self.parts:
            return lambda: _or_nothing(_ooxml_special, self.path, self.parts[sheet])
        if self.suffix == ".ods":
            return lambda: _or_nothing(ods_special, self.path, sheet)
        return None

    def defined_name(self, name: str) -> tuple[str, str | None] | None:
        """(reference, sheet scope) of a defined name; an .ods file's names are read on first need."""
        if not self.names_known and self.suffix == ".ods":
            self.names_known = True
            try:
                self.names.update(ods_names(self.path))
            except _ZIP_TROUBLE:  # a damaged content.xml: no names, the values still stand
                pass
        return self.names.get(name.casefold())

    def table(self, name: str) -> ExcelTable | None:
        if self.suffix not in OOXML:
            return None
        known = self.workbook.table_names or []
        match = next((t for t in known if t.casefold() == name.casefold()), None)
        if match is None:
            return None
        try:
            with _panic_text_held():
                table = self.workbook.get_table_by_name(match)
        except BaseException as exc:  # noqa: B036 - see _unreadable
            raise _unreadable(exc, f"{self.path.name}, table {match!r}") from None
        (first, c0), (last, _) = table.start, table.end
        columns = {str(label).strip(): c0 + j for j, label in enumerate(table.columns)}
        return ExcelTable(table.name, table.sheet, first - 1, first, last, columns)


def _ooxml_facts(package: zipfile.ZipFile, book: Book) -> None:
    """Sheet parts, the active sheet and defined names from workbook.xml."""
    from defusedxml.ElementTree import fromstring

    root_rels = fromstring(package.read("_rels/.rels"))
    target = next((_attr(r, "Target") for r in root_rels if (_attr(r, "Type") or "").endswith("/officeDocument")),
                  "xl/workbook.xml").lstrip("/")
    folder = target.rsplit("/", 1)[0] + "/" if "/" in target else ""
    workbook = fromstring(package.read(target))
    rels_name = f"{folder}_rels/{target.rsplit('/', 1)[-1]}.rels"
    rels = {_attr(r, "Id"): _attr(r, "Target") for r in fromstring(package.read(rels_name))} \
        if rels_name in package.namelist() else {}
    order, active_tab = [], "0"
    views = [e for e in workbook.iter() if _local(e.tag) == "workbookView"]
    if views:
        active_tab = _attr(views[0], "activeTab") or "0"
    for element in workbook.iter():
        tag = _local(element.tag)
        if tag == "sheet":
            name, rid = _attr(element, "name"), _attr(element, "id")
            order.append(name)
            part = rels.get(rid) or ""
            book.parts[name] = part.lstrip("/") if part.startswith("/") else folder + part
        elif tag == "definedName" and element.text and not (_attr(element, "name") or "").startswith("_xlnm"):
            scope = _attr(element, "localSheetId")
            local = order[int(scope)] if scope is not None and scope.isdigit() and int(scope) < len(order) else None
            book.names[_attr(element, "name").casefold()] = (element.text.strip(), local)
    index = int(active_tab) if active_tab.isdigit() else 0
    book.active = order[index] if index < len(order) else None
    book.names_known = True


def _or_nothing(scan, *args) -> dict[tuple[int, int], str]:
    """A scan for error values, or none when the part cannot be parsed: the values python-calamine
    read still stand, and a blank stays a blank."""
    try:
        return scan(*args)
    except _ZIP_TROUBLE:
        return {}


def _ooxml_special(path: Path, part: str) -> dict[tuple[int, int], str]:
    """Error values and formulas without a saved result in one sheet part, by (row, column)."""
    with zipfile.ZipFile(path) as package:
        data = package.read(part)
    found: dict[tuple[int, int], str] = {}
    for match in _CELL.finditer(data):
        attrs, body = match.group(1), match.group(2) or b""
        is_error = b't="e"' in attrs
        if not is_error and b"<f" not in body and b":f" not in body:
            continue
        ref = _REF.search(attrs)
        if ref is None:
            continue
        key = (int(ref.group(2)) - 1, col_index(ref.group(1).decode()) - 1)
        value = _VALUE.search(body)
        if is_error:
            found[key] = value.group(1).decode() if value and value.group(1) else "#N/A"
        elif not (value and value.group(1)) and (_TYPE.search(attrs) or [b"", b"n"])[1] != b"str":
            found[key] = UNCACHED
    return found


def _extent(first: tuple[int, int], last: tuple[int, int]) -> int:
    return (last[0] - first[0] + 1) * (last[1] - first[1] + 1)


def _check_extent(path: Path, part: str, sheet: str) -> None:
    """Refuse a sheet whose filled cells span more than :data:`MAX_DENSE_CELLS`, before
    python-calamine tries to allocate them. The sheet's ``dimension`` (which Excel, LibreOffice and
    openpyxl write) clears the usual sheet at once; a sheet without one, or whose dimension is larger
    (it counts empty formatted cells too), is scanned for the cells that hold something."""
    try:
        with zipfile.ZipFile(path) as package, package.open(part) as stream:
            head = stream.read(1 << 16)
            found = _DIMENSION.search(head)
            if found and found.group(3):
                first = (int(found.group(2)), col_index(found.group(1).decode()))
                if _extent(first, (int(found.group(4)), col_index(found.group(3).decode()))) <= MAX_DENSE_CELLS:
                    return
            elif found:  # a single cell
                return
            rows, cols, tail = [], [], b""
            chunk = head
            while chunk:
                text = tail + chunk
                last_end = 0
                for cell in _FILLED_CELL.finditer(text):
                    rows.append(int(cell.group(2)))
                    cols.append(col_index(cell.group(1).decode()))
                    last_end = cell.end()
                tail = text[max(last_end, len(text) - 4096):]  # a cell cut by the chunk's end is matched next time
                rows, cols = ([min(rows), max(rows)], [min(cols), max(cols)]) if rows else ([], [])
                chunk = stream.read(1 << 22)
    except _ZIP_TROUBLE:  # damaged packaging: python-calamine's own reading decides
        return
    if rows and _extent((rows[0], cols[0]), (rows[1], cols[1])) > MAX_DENSE_CELLS:
        span = f"{col_letter(cols[0])}{rows[0]}:{col_letter(cols[1])}{rows[1]}"
        cells = _extent((rows[0], cols[0]), (rows[1], cols[1]))
        raise InputError(f"{path.name}, sheet {sheet!r}: its filled cells span {span} ({cells:,} cells), more than "
                         f"gdfit reads ({MAX_DENSE_CELLS:,}); delete the cells far from the table (Ctrl+End goes to "
                         "the last one), or copy the table to a new sheet, and save.")


@contextmanager
def _panic_text_held():
    """Keep python-calamine's Rust panic report (a message and a backtrace of some 30 lines, written
    straight to file descriptor 2) off the terminal: the panic also arrives as an exception, which
    :func:`_unreadable` turns into gdfit's one line."""
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # no descriptor behind stderr (Excel, pythonw): nothing shows
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    try:
        with open(os.devnull, "wb") as sink:
            os.dup2(sink.fileno(), fd)
        yield
    finally:
        os.dup2(saved, fd)
        os.close(saved)


def _unreadable(exc: BaseException, what: str) -> InputError:
    """One line for a file python-calamine cannot read. Its Rust core panics on some damaged files,
    and the panic arrives as a BaseException: caught too, but never Ctrl-C or an exit."""
    if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)):
        raise exc
    reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120] or type(exc).__name__
    return InputError(f"{what} could not be read ({reason}); open the file and save it again as .xlsx.")


def open_book(path: Path) -> Book:
    """Open ``path`` with python-calamine after the safety checks every workbook gets."""
    import python_calamine as calamine

    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError(f"{path.name} is larger than {MAX_FILE_BYTES // 2**20} MB; copy the data into a smaller file.")
    suffix = path.suffix.lower()
    package = None
    if suffix != ".xls":
        with path.open("rb") as fh:
            if fh.read(4) == b"\xd0\xcf\x11\xe0":  # an OLE file: an encrypted package, or an .xls renamed
                raise InputError(f"{path.name} is password-protected, or an .xls file under another extension; "
                                 "remove the password, or give it the .xls extension.")
        try:
            package = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            raise InputError(f"{path.name} is not a valid {suffix} file (damaged, or saved in another format); "
                             "open it and save it again as .xlsx.") from None
        check_zip_limits(package, path.name)
    if suffix in BINARY:
        workbook, sheets, hidden = read_binary(path)
    else:
        try:
            with _panic_text_held():
                workbook = calamine.CalamineWorkbook.from_path(str(path), load_tables=suffix in OOXML)
        except calamine.PasswordError:
            raise InputError(f"{path.name} is password-protected; save an unprotected copy and read that.") from None
        except BaseException as exc:  # noqa: B036 - see _unreadable
            raise _unreadable(exc, path.name) from None
        sheets, hidden = [], set()
        for meta in workbook.sheets_metadata:
            if meta.typ == calamine.SheetTypeEnum.WorkSheet:
                sheets.append(meta.name)
                if meta.visible != calamine.SheetVisibleEnum.Visible:
                    hidden.add(meta.name)
    book = Book(path, workbook, sheets, hidden)
    if package is not None:
        with package:
            try:
                if suffix in OOXML:
                    _ooxml_facts(package, book)
                elif suffix == ".ods":
                    active = ods_active(package)
                    book.active = active if active in sheets else None
            except _ZIP_TROUBLE:
                # unusual or damaged packaging: the values python-calamine read still stand
                pass
    return book
