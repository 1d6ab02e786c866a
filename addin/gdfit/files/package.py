"""gdfit's sheets written into a user's workbook package, never round-tripping the user's parts.

gdfit renders its own sheets with openpyxl into a fresh workbook, then this module copies that
workbook's sheet parts (worksheets and what they point at: drawings, charts, tables) into the
user's zip package. Every part of the user's is copied as it was, except the index parts that must
list the new sheets: ``xl/workbook.xml`` (the sheets, their sheet-scoped names, the
full-calculation-on-load flag), its relationships, ``[Content_Types].xml`` and ``xl/styles.xml``
(gdfit's fonts, fills, borders, number formats and cell formats appended, the user's never
renumbered). Those are edited by insertion (:mod:`gdfit.files.xml_edit`), so an XML comparison shows
additions only. ``docProps/app.xml`` is left as it is: its list of sheet titles is informational
and Excel rewrites it on save. The rows of plain numbers of gdfit's data-sized tables, which
openpyxl writes at tens of microseconds a cell, are written straight into the sheet parts
(:func:`render_sheets`), byte for byte as openpyxl writes them.

A sheet of gdfit's carries a hidden sheet-scoped name (:data:`gdfit.report.ownership.OWNER_NAME`);
on a re-run such a sheet, the parts only it points at and its names are replaced in place, keeping
its tab position, and gdfit's other sheets go after the user's. The new package is written
completely to a temporary file beside the target and then replaces it atomically.
"""
from __future__ import annotations

import heapq
import io
import itertools
import posixpath
import re
import shutil
import struct
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np
from openpyxl.writer.excel import ExcelWriter

from gdfit.files.book import BookError, check_zip_limits, mark_owned
from gdfit.files.xml_edit import XmlError, XmlNode, XmlPart, element_bytes
from gdfit.render.xlsx import DeferredColumns, render_workbook, replaced_atomically
from gdfit.report.model import Report
from gdfit.report.ownership import NAME_COMMENT, OWNER_NAME, sheet_names_for, unique_table_names
from gdfit.report.references import renamed

__all__ = ["NotExtendable", "UserBook", "SheetEntry", "open_user_book", "add_report", "render_sheets", "write_package"]

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_WORKSHEET = OFFICE_REL + "/worksheet"
_STYLES = OFFICE_REL + "/styles"
_TABLE = OFFICE_REL + "/table"
_OFFICE_DOCUMENT = OFFICE_REL + "/officeDocument"
_RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
_STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

# Children in the order the schema (CT_Workbook, CT_Stylesheet) requires them.
_WORKBOOK_ORDER = ("fileVersion", "fileSharing", "workbookPr", "workbookProtection", "bookViews", "sheets",
                   "functionGroups", "externalReferences", "definedNames", "calcPr", "oleSize",
                   "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
                   "fileRecoveryPr", "webPublishObjects", "extLst")
_STYLES_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
                 "tableStyles", "colors", "extLst")
_FIRST_CUSTOM_FORMAT = 164  # number formats below are Excel's built-in ones


class NotExtendable(Exception):
    """A package gdfit cannot add to without rewriting it (Strict Open XML, a part not UTF-8, an
    unusual layout); the caller writes a new workbook instead. The message says why in a few words."""


def _rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def _resolve(source: str, target: str) -> str:
    """A relationship's target as a part name (no leading slash), relative to its source part."""
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


@dataclass
class SheetEntry:
    """One sheet of the user's workbook as the ownership policy and the writer see it."""

    title: str
    index: int  # position among all sheets, chart sheets and hidden ones included
    part: str | None  # its part name, None when the relationship is broken
    worksheet: bool
    node: XmlNode
    defined_names: set[str] = field(default_factory=set)  # sheet-scoped names
    tables: list[str] = field(default_factory=list)  # Excel tables' display names


@dataclass(eq=False)
class UserBook:
    """The user's package, opened to be added to: its parts untouched, its sheets listed."""

    source: Path | bytes
    names: list[str]  # zip members in order
    workbook_part: str
    workbook: XmlPart
    rels: XmlPart
    entries: list[SheetEntry]
    macro: bool = False

    @property
    def sheetnames(self) -> list[str]:
        return [e.title for e in self.entries]

    @property
    def worksheets(self) -> list[SheetEntry]:
        return [e for e in self.entries if e.worksheet]

    def __getitem__(self, name: str) -> SheetEntry:
        return next(e for e in self.entries if e.title == name)

    def zip(self) -> zipfile.ZipFile:
        return zipfile.ZipFile(io.BytesIO(self.source) if isinstance(self.source, bytes) else self.source)


def _parse(package: zipfile.ZipFile, part: str) -> XmlPart:
    try:
        return XmlPart(package.read(part), part)
    except XmlError as exc:
        if exc.unusual:
            raise NotExtendable(str(exc)) from None
        raise


def _relationships(rels: XmlPart) -> list[XmlNode]:
    return [n for n in rels.root.children if n.local == "Relationship"]


def open_user_book(source: Path | bytes, label: str = "workbook") -> UserBook:
    """Open a package to add gdfit's sheets to it.

    Raises BookError for a damaged or unsafe file (one line) and :class:`NotExtendable` for a
    workbook that can be read but not extended in place (Strict Open XML, an odd encoding)."""
    try:
        package = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError):
        raise BookError(f"{label} is not a valid .xlsx file (damaged or not a zip); open and re-save it in Excel.") \
            from None
    with package:
        check_zip_limits(package, label)
        try:
            return _open(package, source, label)
        except (KeyError, zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:  # XmlError too
            reason = (str(exc).splitlines() or [type(exc).__name__])[0][:120]
            raise BookError(f"{label} could not be read ({reason}); open and re-save it in Excel.") from None


def _open(package: zipfile.ZipFile, source: Path | bytes, label: str) -> UserBook:
    names = package.namelist()
    if "[Content_Types].xml" not in names:
        raise BookError(f"{label} is a zip but not an Excel workbook (no [Content_Types].xml).")
    if "_rels/.rels" not in names:  # e.g. parts named with backslashes, as some Windows tools zip them
        raise NotExtendable("parts named with backslashes" if any("\\" in n for n in names)
                            else "no package relationships")
    root_rels = _parse(package, "_rels/.rels")
    document = next((n for n in _relationships(root_rels) if n.attr("Type") == _OFFICE_DOCUMENT), None)
    if document is None:
        strict = any((n.attr("Type") or "").endswith("/officeDocument") for n in _relationships(root_rels))
        raise NotExtendable("Strict Open XML" if strict else "no workbook part")
    workbook_part = _resolve("", document.attr("Target") or "")
    workbook = _parse(package, workbook_part)
    if workbook.root.ns == STRICT:
        raise NotExtendable("Strict Open XML")
    if workbook.root.ns != MAIN:
        raise NotExtendable("an unknown workbook namespace")
    rels_part = _rels_name(workbook_part)
    rels = _parse(package, rels_part) if rels_part in names else None
    if rels is None:
        raise NotExtendable("no workbook relationships")
    targets = {n.attr("Id"): n for n in _relationships(rels)}
    sheets = workbook.root.child("sheets")
    if sheets is None:
        raise BookError(f"{label} has no sheets (xl/workbook.xml lists none); open and re-save it in Excel.")
    entries = []
    for i, node in enumerate(sheets.all("sheet")):
        rel = targets.get(node.attr("id", OFFICE_REL))
        part = _resolve(workbook_part, rel.attr("Target") or "") \
            if rel is not None and rel.attr("TargetMode") != "External" else None
        worksheet = rel is not None and rel.attr("Type") == _WORKSHEET
        entries.append(SheetEntry(node.attr("name") or "", i, part, worksheet, node))
    names_node = workbook.root.child("definedNames")
    for name in names_node.all("definedName") if names_node is not None else []:
        scope = name.attr("localSheetId")
        if scope is not None and scope.isdigit() and int(scope) < len(entries):
            entries[int(scope)].defined_names.add(name.attr("name") or "")
    lower = {n.lower(): n for n in names}
    for entry in entries:
        if entry.worksheet and entry.part and _rels_name(entry.part).lower() in lower:
            sheet_rels = _parse(package, lower[_rels_name(entry.part).lower()])
            for rel in _relationships(sheet_rels):
                table = _resolve(entry.part, rel.attr("Target") or "")
                if rel.attr("Type") == _TABLE and table.lower() in lower:
                    root = _parse(package, lower[table.lower()]).root
                    entry.tables.append(root.attr("displayName") or root.attr("name") or "")
    macro = any(n.lower().endswith("vbaproject.bin") for n in names)
    return UserBook(source, names, workbook_part, workbook, rels, entries, macro)


# -- gdfit's side: the fresh workbook openpyxl wrote -------------------------------------------

@dataclass
class _Gdfit:
    package: zipfile.ZipFile
    types: dict[str, str]  # part name (no slash) -> content type
    sheets: list[tuple[str, str, str | None]]  # (title, part, state)
    names: list[XmlNode]  # its definedName elements
    workbook: XmlPart


def _read_gdfit(data: bytes) -> _Gdfit:
    package = zipfile.ZipFile(io.BytesIO(data))
    index = XmlPart(package.read("[Content_Types].xml")).root
    types = {n.attr("PartName").lstrip("/"): n.attr("ContentType") for n in index.all("Override")}
    defaults = {n.attr("Extension").lower(): n.attr("ContentType") for n in index.all("Default")}
    for name in package.namelist():
        types.setdefault(name, defaults.get(posixpath.splitext(name)[1][1:].lower(), "application/xml"))
    workbook = XmlPart(package.read("xl/workbook.xml"), "gdfit workbook")
    rels = {n.attr("Id"): n.attr("Target") for n in _relationships(XmlPart(package.read("xl/_rels/workbook.xml.rels")))}
    sheets = [(n.attr("name"), _resolve("xl/workbook.xml", rels[n.attr("id", OFFICE_REL)]), n.attr("state"))
              for n in workbook.root.child("sheets").all("sheet")]
    defined = workbook.root.child("definedNames")
    return _Gdfit(package, types, sheets, defined.all("definedName") if defined is not None else [], workbook)


def _reachable(package_names: set[str], read_rels, start: str) -> list[str]:
    """``start`` and every internal part reachable from it through relationships, with their rels parts."""
    found, todo = [], [start]
    while todo:
        part = todo.pop()
        if part in found or part not in package_names:
            continue
        found.append(part)
        rels = _rels_name(part)
        if rels in package_names:
            found.append(rels)
            for rel in _relationships(read_rels(rels)):
                if rel.attr("TargetMode") != "External":
                    todo.append(_resolve(part, rel.attr("Target") or ""))
    return found


# -- styles ------------------------------------------------------------------------------------

def _clark_to_prefixed(el: ET.Element, prefix: str) -> ET.Element:
    """A copy of gdfit's element with spreadsheetml names spelt with the user's prefix."""
    tag = el.tag.split("}", 1)[-1]
    out = ET.Element(f"{prefix}:{tag}" if prefix else tag, dict(el.attrib))
    out.text, out.tail = el.text, None
    for child in el:
        out.append(_clark_to_prefixed(child, prefix))
    return out


def _copy(el: ET.Element) -> ET.Element:
    out = ET.Element(el.tag, dict(el.attrib))
    out.text = el.text
    out.extend(_copy(child) for child in el)
    return out


def _canon(el: ET.Element) -> tuple:
    """An entry as a comparable value: its name, attributes and children, whatever their order or spacing."""
    return (el.tag, tuple(sorted(el.attrib.items())), (el.text or "").strip(),
            tuple(sorted(_canon(child) for child in el)))


class _StyleMap:
    """gdfit's cell format ids -> ids appended to the user's styles.xml."""

    def __init__(self, user: XmlPart, gdfit_styles: bytes):
        from defusedxml.ElementTree import fromstring

        self.part = user
        root, gd = user.root, fromstring(gdfit_styles)
        self.user = fromstring(user.data)  # the user's entries, to compare gdfit's with
        if self.user.tag != f"{{{MAIN}}}styleSheet":
            raise NotExtendable("an unusual styles part")
        self.prefix = root.prefix

        def group(name: str) -> list[ET.Element]:
            found = gd.find(f"{{{MAIN}}}{name}")
            return list(found) if found is not None else []

        if group("dxfs"):
            raise NotExtendable("gdfit's sheets use differential formats")  # never so far; say so, not corrupt
        # index 0 of fonts and borders, and fills 0 and 1 (none, gray125), are what unstyled cells use:
        # gdfit's defaults become the user's, so its cells look like the user's own plain cells
        # in the schema's order: containers the user's file lacks are inserted at one place, in turn
        formats = self._number_formats(group("numFmts"))
        fonts = self._append("fonts", group("fonts"), keep=1)
        fills = self._append("fills", group("fills"), keep=2)
        borders = self._append("borders", group("borders"), keep=1)
        style_xfs = root.child("cellStyleXfs")
        has_style_xf = style_xfs is not None and bool(style_xfs.children)
        xfs = []
        for xf in group("cellXfs"):
            xf = _copy(xf)
            for attr, mapping in (("fontId", fonts), ("fillId", fills), ("borderId", borders),
                                  ("numFmtId", formats)):
                if attr in xf.attrib:
                    value = int(xf.get(attr))
                    xf.set(attr, str(mapping.get(value, value)))
            if not has_style_xf:
                xf.attrib.pop("xfId", None)
            else:
                xf.set("xfId", "0")  # the user's Normal style
            xfs.append(xf)
        self.cell = self._append("cellXfs", xfs, keep=1)  # gdfit's plain cells are the user's plain cells

    def _add(self, container: str, elements: list[ET.Element]) -> None:
        if not elements:
            return
        content = b"".join(ET.tostring(e, encoding="unicode").encode() for e in elements)
        node = self.part.root.child(container)
        name = self.part.root.name(container)
        if node is None:
            self.part.add_child(self.part.root, container,
                                element_bytes(name, [("count", str(len(elements)))], children=content),
                                _STYLES_ORDER)
        elif node.empty:  # <fonts count="0"/>: written out again with its attributes and the new children
            attrs = [(k, str(len(elements)) if k == "count" else v) for k, v in node.attrs.items()]
            self.part.replace(node, element_bytes(name, attrs, children=content))
        else:
            self.part.append(node, content)
            if node.attr("count") is not None:
                self.part.set_attr(node, "count", str(len(node.children) + len(elements)))

    def _existing(self, container: str) -> list[ET.Element]:
        found = self.user.find(f"{{{MAIN}}}{container}")
        return list(found) if found is not None else []

    def _append(self, container: str, elements: list[ET.Element], keep: int) -> dict[int, int]:
        """Map gdfit's entries to equal ones of the user's (gdfit's from an earlier run among them),
        appending the others: a re-run adds nothing."""
        node = self.part.root.child(container)
        have = len(node.children) if node is not None else 0
        mapping = {i: i for i in range(min(keep, have))}
        existing = {_canon(e): i for i, e in reversed(list(enumerate(self._existing(container))))}
        new = []
        for i, el in enumerate(elements):
            if i in mapping:
                continue
            key = _canon(el)
            if key in existing:
                mapping[i] = existing[key]
            else:
                mapping[i] = existing[key] = have + len(new)
                new.append(el)
        self._add(container, [_clark_to_prefixed(e, self.prefix) for e in new])
        return mapping

    def _number_formats(self, elements: list[ET.Element]) -> dict[int, int]:
        """gdfit's custom number formats -> the user's id of the same code, or a new id after theirs."""
        existing = {el.get("formatCode"): int(el.get("numFmtId")) for el in reversed(self._existing("numFmts"))
                    if (el.get("numFmtId") or "").isdigit()}
        next_id = max([_FIRST_CUSTOM_FORMAT - 1, *existing.values()]) + 1
        mapping, new = {}, []
        for el in elements:
            old, code = int(el.get("numFmtId")), el.get("formatCode")
            if code in existing:
                mapping[old] = existing[code]
                continue
            mapping[old] = existing[code] = next_id
            el = _copy(el)
            el.set("numFmtId", str(next_id))
            new.append(el)
            next_id += 1
        self._add("numFmts", [_clark_to_prefixed(e, self.prefix) for e in new])
        return mapping


# openpyxl's own sheet XML (ElementTree escapes ">" in attribute values, so a tag ends at the first ">"):
# the style ids of cells, rows and columns, remapped without parsing data-sized sheets.
_CELL_STYLE = re.compile(rb'(<(?:c|row)\s[^>]*?\bs=")(\d+)(")')
_COLUMN_STYLE = re.compile(rb'(<col\s[^>]*?\bstyle=")(\d+)(")')


def _restyled(package: zipfile.ZipFile, part: str, cell: dict[int, int] | None) -> Iterator[bytes]:
    """``part`` of ``package`` in pieces, its style ids mapped by ``cell`` (as is when None). Each
    piece ends before a "<", so no tag is cut (text is escaped: "<" only opens a tag)."""
    with package.open(part) as stream:
        rest = b""
        while chunk := stream.read(_PIECE):
            data = rest + chunk
            cut = data.rfind(b"<")
            if cut <= 0:  # no tag begins after the first: read on
                rest = data
                continue
            data, rest = data[:cut], data[cut:]
            yield _restyle(data, cell) if cell is not None else data
        if rest:
            yield _restyle(rest, cell) if cell is not None else rest


def _restyle(data: bytes, cell: dict[int, int]) -> bytes:
    swap = lambda m: m.group(1) + str(cell[int(m.group(2))]).encode() + m.group(3)  # noqa: E731
    data = _CELL_STYLE.sub(swap, data)
    return _COLUMN_STYLE.sub(swap, data)


# -- writing -----------------------------------------------------------------------------------

def render_sheets(report: Report) -> bytes:
    """gdfit's sheets alone, rendered by openpyxl and marked as gdfit's, as an .xlsx package."""
    deferred: dict[str, list] = {}
    wb = render_workbook(report, deferred=deferred)
    for spec in report.sheets:
        ws = wb[spec.name]
        mark_owned(ws)
        ws.sheet_view.tabSelected = False  # the user's active sheet stays the one selected tab
    buffer = io.BytesIO()
    # stored, not deflated: the parts are unpacked again at once to go into the user's package
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as package:
        ExcelWriter(wb, package).save()
    if not any(deferred.values()):
        return buffer.getvalue()
    return _write_deferred(buffer.getvalue(), deferred)


def _write_deferred(data: bytes, deferred: dict[str, list]) -> bytes:
    """The package with the rows the renderer left to us written into their sheets (streamed into
    the package: a sheet of a hundred thousand rows is never held whole besides it)."""
    gd = _read_gdfit(data)
    parts = {part: deferred[title] for title, part, _ in gd.sheets if deferred.get(title)}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as out:
        for info in gd.package.infolist():
            if info.filename in parts:
                with out.open(info.filename, "w") as sheet:
                    for piece in _merged_rows(gd.package.read(info), parts[info.filename]):
                        sheet.write(piece)
            else:
                out.writestr(info.filename, gd.package.read(info))
    return buffer.getvalue()


# openpyxl's own sheet XML: a row element, and a cell inside it (text is escaped, so "</c>" and
# "</row>" occur only as tags; ElementTree escapes ">" in attribute values, so a tag ends at ">")
_ROW = re.compile(rb'<row r="(\d+)"([^>]*?)(?:/>|>(.*?)</row>)', re.S)
_CELL = re.compile(rb'<c r="([A-Z]+)\d+"(?:[^>]*?/>|[^>]*>.*?</c>)', re.S)
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


def _merged_rows(xml: bytes, rows: list) -> Iterator[bytes]:
    """openpyxl's sheet part, in pieces, with rows of plain numbers (``(row, first column,
    values)``) and ``DeferredColumns`` merged into its sheetData: each cell as openpyxl writes a
    number (``t="n"``, ``%.16g``, its style's ``s``) or a #N/A; a row openpyxl wrote too keeps its
    attributes, its cells and the new ones in column order."""
    from gdfit.report.a1 import col_index, col_letter

    start, end = xml.index(b"<sheetData>") + len(b"<sheetData>"), xml.index(b"</sheetData>")
    existing = [(int(m.group(1)), -1, m) for m in _ROW.finditer(xml, start, end)]
    plain: list[tuple[int, int, bytes]] = []
    letters: dict[int, str] = {}
    blocks = [entry for entry in rows if isinstance(entry, DeferredColumns)]
    max_col = max([b.first_col + b.columns.width - 1 for b in blocks], default=0)
    last_row = max([b.first_row + len(b.columns) - 1 for b in blocks], default=0)
    for entry in rows:
        if isinstance(entry, DeferredColumns):
            continue
        r, left, values = entry
        for j, value in enumerate(values, left):
            if value is not None:
                letter = letters.get(j) or letters.setdefault(j, col_letter(j))
                plain.append((r, j, f'<c r="{letter}{r}" t="n"><v>{"%.16g" % value}</v></c>'.encode()))
                max_col, last_row = max(max_col, j), max(last_row, r)
    head = xml[:start]
    dimension = _DIMENSION.search(head)
    if dimension and (plain or blocks):  # openpyxl measured the cells it wrote; the sheet now reaches further
        first_col, first_row = dimension.group(1), dimension.group(2)
        last_col = max(col_index((dimension.group(3) or first_col).decode()), max_col)
        last_row = max(int(dimension.group(4) or first_row), last_row)
        ref = f'<dimension ref="{first_col.decode()}{first_row.decode()}:{col_letter(last_col)}{last_row}"'.encode()
        head = head[:dimension.start()] + ref + head[dimension.end():]
    yield head
    # every source in row order, so that the pieces of one row come together
    pieces = heapq.merge(existing, plain, *(_column_rows(b) for b in blocks), key=lambda piece: piece[0])
    out: list[bytes] = []
    size = 0
    for r, group in itertools.groupby(pieces, key=lambda piece: piece[0]):
        found = list(group)
        if len(found) == 1 and found[0][1] < 0:  # openpyxl's row, nothing added
            row = found[0][2].group(0)
        else:
            attrs = b""
            cells = []
            for _, col, piece in found:
                if col < 0:
                    attrs = piece.group(2)
                    cells += [(col_index(c.group(1).decode()), c.group(0)) for c in _CELL.finditer(piece.group(3) or b"")]
                else:
                    cells.append((col, piece))
            cells.sort(key=lambda cell: cell[0])  # blocks never share a column range
            row = b'<row r="%d"%s>' % (r, attrs) + b"".join(c for _, c in cells) + b"</row>"
        out.append(row)
        size += len(row)
        if size > _PIECE:
            yield b"".join(out)
            out, size = [], 0
    yield b"".join(out)
    yield xml[end:]


_PIECE = 2**20  # bytes of rows written at a time


def _column_rows(block: DeferredColumns, chunk: int = 4096) -> Iterator[tuple[int, int, bytes]]:
    """``(row, first column, cells)`` for each row of ``block``, the cells as openpyxl would write
    them; made a few thousand rows at a time."""
    from gdfit.report.a1 import col_letter

    columns = []
    for j in range(block.columns.width):
        values = block.columns.column(j)
        if values is not None:
            styles = [f' s="{s}"' if s is not None else "" for s in block.styles[j]]
            columns.append((col_letter(block.first_col + j), styles, block.codes[j], values))
    for top in range(0, len(block.columns), chunk):
        rows = range(block.first_row + top, block.first_row + min(top + chunk, len(block.columns)))
        cells = []
        for letter, styles, codes, values in columns:
            part = values[top:top + chunk]
            style = [styles[code] for code in codes[top:top + chunk].tolist()]
            cells.append([f'<c r="{letter}{r}"{s} t="n"><v>{"%.16g" % v}</v></c>' if finite
                          else f'<c r="{letter}{r}" t="e"><v>#N/A</v></c>'
                          for r, s, v, finite in zip(rows, style, part.tolist(), np.isfinite(part).tolist())])
        for r, row in zip(rows, zip(*cells)):
            yield r, block.first_col, "".join(row).encode()


def add_report(book: UserBook, report: Report, target: Path) -> Report:
    """Write the sheets of ``report`` into ``book`` at ``target``: gdfit's own sheets of the same
    names are replaced, a user's sheet of the same name gives gdfit's a suffix (and a user's table
    name gives gdfit's table one). Returns the report as written, under those names."""
    report = renamed(report, sheet_names_for(report, book))
    unique_table_names(report, book)
    write_package(book, render_sheets(report), target)
    return report


def _free_name(wanted: str, taken: set[str]) -> str:
    """``wanted`` itself when free (openpyxl, for one, reads styles only from ``xl/styles.xml``), else
    the first free number of its kind."""
    if wanted.lower() not in taken:
        taken.add(wanted.lower())
        return wanted
    folder, base = posixpath.split(wanted)
    stem = re.sub(r"\d+$", "", posixpath.splitext(base)[0])
    ext = posixpath.splitext(base)[1]
    n = 1
    while (name := posixpath.join(folder, f"{stem}{n}{ext}")).lower() in taken:
        n += 1
    taken.add(name.lower())
    return name


def write_package(book: UserBook, gdfit_xlsx: bytes, target: Path) -> Path:
    """Add the sheets of ``gdfit_xlsx`` (a workbook of only gdfit's sheets, as openpyxl saved it)
    to ``book`` and write the result to ``target`` atomically.

    A sheet of the user's with one of gdfit's names that carries gdfit's mark is replaced in place;
    the caller has named gdfit's sheets so that no other sheet has their names."""
    gd = _read_gdfit(gdfit_xlsx)
    with book.zip() as user:
        names = set(book.names)
        rels_cache: dict[str, XmlPart] = {}

        def user_rels(part: str) -> XmlPart:
            if part not in rels_cache:
                rels_cache[part] = _parse(user, part)
            return rels_cache[part]

        by_title = {e.title.lower(): e for e in book.entries}
        replaced = {}  # gdfit sheet title -> the owned entry it replaces
        for title, _, _ in gd.sheets:
            entry = by_title.get(title.lower())
            if entry is not None:
                if OWNER_NAME not in entry.defined_names:
                    raise BookError(f"internal: sheet {entry.title!r} is the user's, not gdfit's")
                replaced[title] = entry

        # the parts only the replaced sheets point at
        removed: set[str] = set()
        for entry in replaced.values():
            if entry.part:
                removed.update(_reachable(names, user_rels, entry.part))
        # ... unless a part kept points at them too (the workbook's links to the replaced sheets go)
        replaced_ids = {e.node.attr("id", OFFICE_REL) for e in replaced.values()}
        workbook_rels = _rels_name(book.workbook_part)
        elsewhere = set()
        for part in book.names:
            if part.endswith(".rels") and part not in removed:
                source = posixpath.join(posixpath.dirname(posixpath.dirname(part)), posixpath.basename(part)[:-5])
                for rel in _relationships(book.rels if part == workbook_rels else user_rels(part)):
                    if rel.attr("TargetMode") != "External" and not (
                            part == workbook_rels and rel.attr("Id") in replaced_ids):
                        elsewhere.add(_resolve(source, rel.attr("Target") or ""))
        removed -= elsewhere

        # gdfit's parts under names free in the user's package
        taken = {n.lower() for n in book.names if n not in removed}
        renamed: dict[str, str] = {}
        gd_names = set(gd.package.namelist())
        gd_parts = []
        for _, part, _ in gd.sheets:
            for p in _reachable(gd_names, lambda r: XmlPart(gd.package.read(r), r), part):
                if not p.endswith(".rels") and p not in renamed:
                    renamed[p] = _free_name(p, taken)
                    gd_parts.append(p)

        workbook, rels = book.workbook.fresh(), book.rels.fresh()  # the book can be written again
        content_types = _parse(user, "[Content_Types].xml")
        styles_rel = next((n for n in _relationships(rels) if n.attr("Type") == _STYLES), None)
        styles_part = _resolve(book.workbook_part, styles_rel.attr("Target")) if styles_rel is not None else None
        new_parts: dict[str, Any] = {}  # bytes, or pieces of a streamed sheet
        changed: dict[str, bytes] = {}
        if styles_rel is not None and styles_part not in names:  # a link to a missing part goes
            rels.remove(styles_rel)
            styles_rel = None
        if styles_rel is not None:
            styles = _parse(user, styles_part)
            style_map = _StyleMap(styles, gd.package.read("xl/styles.xml")).cell
            changed[styles_part] = styles.result()
        else:  # no styles part: gdfit's becomes the workbook's, its ids unchanged
            styles_part = _free_name("xl/styles.xml", taken)
            new_parts[styles_part] = gd.package.read("xl/styles.xml")
            style_map = None

        # the parts, their relationships pointing at the new names
        for p in gd_parts:
            if gd.types[p].endswith("worksheet+xml"):
                if "xl/sharedStrings.xml" in gd_names:  # gdfit's text must not point into the user's string table
                    raise BookError("internal: openpyxl wrote shared strings; gdfit needs its inline strings")
                data = _restyled(gd.package, p, style_map)  # streamed: a sheet can be a million rows
            elif gd.types.get(p, "").endswith("table+xml"):
                data = None  # numbered below, once the user's table ids are known
            else:
                data = gd.package.read(p)
            new_parts[renamed[p]] = data
            rels_part = _rels_name(p)
            if rels_part in gd_names:
                new_parts[_rels_name(renamed[p])] = _retarget(gd.package.read(rels_part), p, renamed)
        _number_tables(user, names - removed, gd, renamed, new_parts)

        # workbook.xml: sheets, names and the calculation flag
        rel_prefix = workbook.root.prefix_of(OFFICE_REL)
        id_attr = f"{rel_prefix}:id" if rel_prefix else "r:id"
        declare = [] if rel_prefix else [("xmlns:r", OFFICE_REL)]
        sheets_node = workbook.root.child("sheets")
        used_ids = {n.attr("Id") for n in _relationships(rels)}
        sheet_ids = [int(e.node.attr("sheetId")) for e in book.entries if (e.node.attr("sheetId") or "").isdigit()]
        next_sheet_id = max(sheet_ids, default=0) + 1
        positions = {}
        appended = []
        rel_bytes = []
        for title, part, state in gd.sheets:
            entry = replaced.get(title)
            if entry is not None:
                rel_id, sheet_id = entry.node.attr("id", OFFICE_REL), entry.node.attr("sheetId")
                state = entry.node.attr("state") or state
                old = next((n for n in _relationships(rels) if n.attr("Id") == rel_id), None)
                if old is not None:
                    rels.remove(old)
            else:
                rel_id = _free_id(used_ids)
                sheet_id, next_sheet_id = str(next_sheet_id), next_sheet_id + 1
            attrs = [("name", title), ("sheetId", sheet_id)]
            if state and state != "visible":
                attrs.append(("state", state))
            attrs += [(id_attr, rel_id), *declare]
            element = element_bytes(sheets_node.name("sheet"), attrs)
            if entry is not None:
                workbook.replace(entry.node, element)
                positions[title] = entry.index
            else:
                appended.append(element)
                positions[title] = len(book.entries) + len(appended) - 1
            target_name = posixpath.relpath(renamed[part], posixpath.dirname(book.workbook_part))
            rel_bytes.append(element_bytes(rels.root.name("Relationship"),
                                           [("Id", rel_id), ("Type", _WORKSHEET), ("Target", target_name)]))
        if appended:
            workbook.append(sheets_node, b"".join(appended))
        if styles_rel is None:
            rel_bytes.append(element_bytes(rels.root.name("Relationship"), [
                ("Id", _free_id(used_ids)), ("Type", _STYLES),
                ("Target", posixpath.relpath(styles_part, posixpath.dirname(book.workbook_part)))]))
        rels.append(rels.root, b"".join(rel_bytes))
        _defined_names(workbook, book, gd, replaced, positions)
        _full_calc_on_load(workbook)
        changed[book.workbook_part] = workbook.result()
        changed[_rels_name(book.workbook_part)] = rels.result()

        # content types: drop the removed parts, add gdfit's
        for node in content_types.root.all("Override"):
            if (node.attr("PartName") or "").lstrip("/") in removed:
                content_types.remove(node)
        overrides = []
        has_rels_default = any((n.attr("Extension") or "").lower() == "rels" for n in content_types.root.all("Default"))
        for p in gd_parts:
            overrides.append((renamed[p], gd.types[p]))
        if styles_part in new_parts:
            overrides.append((styles_part, _STYLES_TYPE))
        if not has_rels_default:
            overrides += [(n, _RELS_TYPE) for n in new_parts if n.endswith(".rels")]
        name = content_types.root.name("Override")
        content_types.append(content_types.root, b"".join(
            element_bytes(name, [("PartName", "/" + part), ("ContentType", kind)]) for part, kind in overrides))
        changed["[Content_Types].xml"] = content_types.result()
        return _write_zip(user, book.names, removed, changed, new_parts, target)


def _free_id(used: set[str]) -> str:
    n = 1
    while f"rId{n}" in used:
        n += 1
    used.add(f"rId{n}")
    return f"rId{n}"


def _retarget(data: bytes, source: str, renamed: dict[str, str]) -> bytes:
    """gdfit's relationships part with its targets renamed (absolute names, as openpyxl writes them)."""
    part = XmlPart(data, "gdfit relationships")
    for rel in _relationships(part):
        if rel.attr("TargetMode") != "External":
            target = _resolve(source, rel.attr("Target") or "")
            part.set_attr(rel, "Target", "/" + renamed.get(target, target))
    return part.result()


def _number_tables(user: zipfile.ZipFile, kept: set[str], gd: _Gdfit, renamed: dict[str, str],
                   new_parts: dict[str, Any]) -> None:
    """gdfit's tables take ids after the user's (ids are unique across a workbook)."""
    from defusedxml.ElementTree import fromstring

    used = []
    for part in kept:
        if part.lower().startswith("xl/tables/") and part.lower().endswith(".xml"):
            try:
                used.append(int(fromstring(user.read(part)).get("id", "0")))
            except (ValueError, SyntaxError):
                pass
    next_id = max(used, default=0) + 1
    for p, name in renamed.items():
        if new_parts.get(name, b"") is None:
            table = XmlPart(gd.package.read(p), "gdfit table")
            table.set_attr(table.root, "id", str(next_id))
            next_id += 1
            new_parts[name] = table.result()


def _defined_names(workbook: XmlPart, book: UserBook, gd: _Gdfit, replaced: dict[str, SheetEntry],
                   positions: dict[str, int]) -> None:
    """gdfit's sheet-scoped names (its mark, the Solver model, print areas) at the sheets' positions
    among all sheets; the names of the sheets replaced go."""
    gone = {str(e.index) for e in replaced.values()}
    ours = {name.attr("name").casefold() for name in gd.names if name.attr("localSheetId") is None}
    node = workbook.root.child("definedNames")
    for name in node.all("definedName") if node is not None else []:
        if name.attr("localSheetId") in gone:
            workbook.remove(name)
        elif name.attr("localSheetId") is None and (name.attr("name") or "").casefold() in ours:
            if name.attr("comment") != NAME_COMMENT:  # the user's own name: never redefined
                raise BookError(f"the workbook already defines the name {name.attr('name')!r}, which gdfit's "
                                "GD formulas sheet uses for its inputs; rename yours (Formulas > Name "
                                "Manager) and train again.")
            workbook.remove(name)  # gdfit's, from an earlier run
    titles = [title for title, _, _ in gd.sheets]
    qname = workbook.root.name("definedName")
    content = []
    for name in gd.names:
        attrs = [(k, v) for k, v in name.attrs.items()]
        scope = name.attr("localSheetId")
        if scope is None:  # workbook-scoped (the GD formulas inputs): marked as gdfit's by its comment
            attrs = [(k, v) for k, v in attrs if k != "comment"] + [("comment", NAME_COMMENT)]
        else:
            attrs = [(k, str(positions[titles[int(scope)]]) if k == "localSheetId" else v) for k, v in attrs]
        text = gd.workbook.data[name.start_end:name.end_tag].decode()
        content.append(element_bytes(qname, attrs, _unescape(text)))
    if not content:
        return
    if node is None:
        workbook.add_child(workbook.root, "definedNames",
                           element_bytes(workbook.root.name("definedNames"), children=b"".join(content)),
                           _WORKBOOK_ORDER)
    else:
        workbook.append(node, b"".join(content))


def _unescape(text: str) -> str:
    return ET.fromstring(f"<x>{text}</x>").text or ""


def _full_calc_on_load(workbook: XmlPart) -> None:
    """Excel recalculates the whole workbook on open: gdfit's formulas have no cached values."""
    calc = workbook.root.child("calcPr")
    if calc is None:
        workbook.add_child(workbook.root, "calcPr",
                           element_bytes(workbook.root.name("calcPr"), [("fullCalcOnLoad", "1")]), _WORKBOOK_ORDER)
    elif calc.attr("fullCalcOnLoad") not in ("1", "true"):
        workbook.set_attr(calc, "fullCalcOnLoad", "1")


def _write_zip(user: zipfile.ZipFile, order: list[str], removed: set[str], changed: dict[str, bytes],
               new_parts: dict[str, Any], target: Path) -> Path:
    with replaced_atomically(target) as tmp:
        # level 1: a third of the default's time on data-sized sheets, for files about a fifth larger
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as out:
            for name in order:
                if name in removed:
                    continue
                info = user.getinfo(name)
                if name in changed:
                    copy = zipfile.ZipInfo(name, date_time=info.date_time)
                    copy.compress_type, copy.external_attr = zipfile.ZIP_DEFLATED, info.external_attr
                    out.writestr(copy, changed[name], compresslevel=1)
                else:
                    _copy_member(user, info, out)
            for name, data in new_parts.items():
                if isinstance(data, bytes):
                    out.writestr(name, data)
                    continue
                with out.open(name, "w") as part:
                    for piece in data:
                        part.write(piece)
    return target


def _copy_member(source: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    """A member copied as it is: its compressed bytes as they are, neither inflated nor deflated
    again (a sheet of a million rows is hundreds of megabytes to deflate), under a new local
    header with the member's time stamp, sizes and CRC. A member that cannot be copied so
    (encrypted, ZIP64-sized) is copied by its content: a large one streamed under the output's
    compression level, a small one with its time stamp and attributes."""
    if _copy_compressed(source, info, out):
        return
    if info.file_size > _STREAMED:
        with source.open(info) as src, out.open(info.filename, "w", force_zip64=info.file_size > 2**31) as dst:
            shutil.copyfileobj(src, dst, 2**20)
        return
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type, copy.external_attr, copy.comment = info.compress_type, info.external_attr, info.comment
    out.writestr(copy, source.read(info), compresslevel=1)


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, ..., name length, extra field length
_MASK_ENCRYPTED, _MASK_DATA_DESCRIPTOR = 0x01, 0x08


def _copy_compressed(source: zipfile.ZipFile, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> bool:
    """Copy ``info``'s compressed bytes into ``out`` as they are; False when it cannot be done so.

    zipfile has no call for this: the entry is written as ``ZipFile.open(..., "w")`` writes one
    (``ZipInfo.FileHeader`` at the end of the entries, then registered for the central directory),
    with the data read from where the member's local header says it starts."""
    zip64 = max(info.file_size, info.compress_size, info.header_offset) >= zipfile.ZIP64_LIMIT
    internals = all(hasattr(out, name) for name in ("fp", "start_dir", "filelist", "NameToInfo", "_didModify"))
    if info.flag_bits & _MASK_ENCRYPTED or zip64 or not internals or getattr(out, "_writing", False) \
            or getattr(source, "fp", None) is None:
        return False
    src = source.fp
    src.seek(info.header_offset)
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(src.read(_LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        return False
    src.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    copy = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    copy.compress_type, copy.external_attr, copy.comment = info.compress_type, info.external_attr, info.comment
    copy.CRC, copy.compress_size, copy.file_size = info.CRC, info.compress_size, info.file_size
    # the sizes are in the new header: no data descriptor follows the data; the deflate level bits stay
    copy.flag_bits = info.flag_bits & ~_MASK_DATA_DESCRIPTOR & 0x0FFF
    out.fp.seek(out.start_dir)
    copy.header_offset = out.fp.tell()
    out.fp.write(copy.FileHeader(False))
    left = info.compress_size
    while left:
        chunk = src.read(min(left, 2**20))
        if not chunk:
            raise BookError(f"{info.filename} ends before its {info.compress_size:,} bytes; the file is damaged.")
        out.fp.write(chunk)
        left -= len(chunk)
    out.start_dir = out.fp.tell()
    out.filelist.append(copy)
    out.NameToInfo[copy.filename] = copy
    out._didModify = True  # the central directory is written on close
    return True


_STREAMED = 2**24  # bytes unpacked
