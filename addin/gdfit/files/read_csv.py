"""CSV, TSV and text exports as a :class:`~gdfit.files.read_grid.Grid`.

The encoding is read from the byte-order mark (UTF-8, UTF-16), else UTF-8, else Windows-1252 (what
Excel's plain "CSV" writes on Western Windows). The delimiter is the one of ``, ; tab |`` that splits
the most lines into the same number of fields. Decimal commas are assumed where the numbers can only
be read that way, or, when no number decides it, in a semicolon-separated file (Excel's CSV in
countries that write decimal commas).
"""
from __future__ import annotations

import codecs
import csv
import io
from collections import Counter
from pathlib import Path

from gdfit.core.data import InputError
from gdfit.files.read_cells import uses_decimal_comma
from gdfit.files.read_grid import Grid, collector_paused

__all__ = ["read_csv_grid", "MAX_TEXT_BYTES"]

MAX_TEXT_BYTES = 200 * 2**20
_DELIMITERS = {"\t": "tab", ";": "';'", "|": "'|'", ",": "','"}  # ties go to the earlier one
_SNIFF_LINES = 200


def _decode(data: bytes, name: str) -> tuple[str, str]:
    """The text and how it was decoded."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "UTF-8 with BOM"
        except UnicodeDecodeError as exc:
            raise InputError(f"{name} starts as UTF-8 text but byte {exc.start + 3} is not UTF-8 (a damaged file?); "
                             "save it again as CSV UTF-8.") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise InputError(f"{name} starts as UTF-16 text but is damaged; save it again as CSV UTF-8.") from None
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{name} is a workbook, not text; give it its .xlsx (or .xls) extension.")
    if b"\x00" in data[:4096]:
        raise InputError(f"{name} is not a text file (it holds NUL bytes); export the data as CSV UTF-8.")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252 (not valid UTF-8)"
    except UnicodeDecodeError:
        raise InputError(f"{name} is neither UTF-8 nor Windows-1252 text; save it again as CSV UTF-8.") from None


def _sniff(lines: list[str]) -> str:
    """The delimiter that gives the most lines the same field count (above one)."""
    best, best_score = ",", (-1, 0)
    for delimiter in _DELIMITERS:
        counts = Counter(len(row) for row in csv.reader(lines, delimiter=delimiter) if len(row) > 1)
        if not counts:
            continue
        width, lines_at_width = counts.most_common(1)[0]
        if (lines_at_width, width) > best_score:
            best, best_score = delimiter, (lines_at_width, width)
    return best


def read_csv_grid(path: Path) -> tuple[Grid, str]:
    """The file's cells and how it was read (encoding, delimiter, decimal commas)."""
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise InputError(f"{path.name} is larger than {MAX_TEXT_BYTES // 2**20} MB; read a smaller extract.")
    text, encoding = _decode(path.read_bytes(), path.name)
    lines = text.splitlines()
    hint = lines[0].strip().lower() if lines else ""
    try:
        if hint.startswith("sep=") and len(hint) == 5:  # Excel's own delimiter line
            delimiter = lines[0].strip()[4]
        else:
            delimiter = _sniff([line for line in lines[:_SNIFF_LINES] if line.strip()])
        with collector_paused():
            rows = [[cell.strip() or None for cell in row]
                    for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:  # a field over the csv module's limit, a NUL byte
        raise InputError(f"{path.name} could not be read as CSV ({exc}); export the data again as CSV UTF-8.") from None
    default_comma = delimiter == ";"
    decimal_comma = uses_decimal_comma((c for row in rows for c in row if c), default=default_comma)
    how = [encoding, f"{_DELIMITERS.get(delimiter, repr(delimiter))}-separated"]
    if decimal_comma:
        how.append("decimal commas")
    return Grid(rows, path.name, None, decimal_comma), ", ".join(how)
