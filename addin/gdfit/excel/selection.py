"""Which cells the Train button fits, and their numbers, read from the open book.

In order: a selection of two or more columns (its last column is y; a first row of text is the
header); else the cells recorded on the ``GD Settings`` sheet; else the data around the active
cell (Excel's current region; on engines without it, the first header row with numeric
columns below it on the active sheet, as ``gdfit train`` finds data in a file).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

import pandas as pd

from gdfit.excel import convert
from gdfit.excel.settings import TrainSettings
from gdfit.files.book import BookError, find_data
from gdfit.files.read import unique_labels
from gdfit.report.a1 import Rect, a1_range, cell_a1, parse_cell, quote_sheet
from gdfit.report.model import RangeRef
from gdfit.sheets.training.source import DataSource, adjacent_block

__all__ = ["DataRanges", "choose_ranges", "read_ranges", "parse_areas"]


@dataclass(frozen=True)
class DataRanges:
    """Data cells on one sheet (no headers): one single-column rectangle per x, and y."""

    sheet: str
    x: tuple[Rect, ...]
    y: Rect

    def recorded(self, settings: TrainSettings) -> TrainSettings:
        """``settings`` with these cells written in, for the ``GD Settings`` sheet."""
        return replace(settings, data_sheet=self.sheet,
                       x_cells=", ".join(a1_range(r) for r in _merged(self.x)),
                       y_cells=a1_range(self.y))


def _merged(rects: Sequence[Rect]) -> list[Rect]:
    """Side-by-side single columns merged into blocks: A4:A33, B4:B33 -> A4:B33."""
    out: list[Rect] = []
    for r in rects:
        last = out[-1] if out else None
        if last and (last.min_row, last.max_row) == (r.min_row, r.max_row) \
                and r.min_col == last.max_col + 1:
            out[-1] = Rect(last.min_row, last.min_col, last.max_row, r.max_col)
        else:
            out.append(r)
    return out


def parse_areas(address: str, what: str) -> list[Rect]:
    """``"$A$1:$B$9,D1:D9"`` (sheet prefix allowed) as rectangles."""
    areas = []
    for part in address.split(","):
        cells = part.strip().rsplit("!", 1)[-1]
        first, _, last = cells.partition(":")
        try:
            (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last or first)
        except ValueError:
            raise BookError(f"{what} {address!r} is not a range like A4:A33.") from None
        areas.append(Rect(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)))
    return areas


def _values(book, sheet: str, rect: Rect) -> list[list[Any]]:
    return book.sheets[sheet].range(a1_range(rect)).options(ndim=2).value


def _columns(areas: list[Rect], what: str) -> list[Rect]:
    if len({(a.min_row, a.max_row) for a in areas}) != 1:
        raise BookError(f"{what} covers different rows in different areas; select the same rows "
                        "in every column.")
    return [Rect(a.min_row, c, a.max_row, c) for a in areas for c in range(a.min_col, a.max_col + 1)]


def _from_block(book, sheet: str, areas: list[Rect], what: str) -> DataRanges:
    """Columns of a block: a text first row is the header, trailing blank rows are dropped."""
    columns = _columns(areas, what)
    if len(columns) < 2:
        raise BookError(f"{what} has one column; select the x column(s) and then the y column "
                        "(y last), or a single cell inside the data.")
    values = [[row[0] for row in _values(book, sheet, c)] for c in columns]
    top = columns[0].min_row
    if len(values[0]) > 1 and all(convert.is_label(v[0]) for v in values):
        top, values = top + 1, [v[1:] for v in values]
    blank = [all(convert.is_blank(v[i]) for v in values) for i in range(len(values[0]))]
    kept = len(blank) - next((i for i, b in enumerate(reversed(blank)) if not b), len(blank))
    if kept == 0:
        raise BookError(f"{what} holds no numbers; select the data cells.")
    rects = [Rect(top, c.min_col, top + kept - 1, c.min_col) for c in columns]
    return DataRanges(sheet, tuple(rects[:-1]), rects[-1])


class _ValuesSheet:
    """Rows of values with ``iter_rows`` as ``gdfit.files.book.find_data`` reads an openpyxl sheet."""

    def __init__(self, title: str, rows: list[list[Any]]) -> None:
        self.title, self.rows = title, rows

    def iter_rows(self, min_row=1, max_row=None, min_col=1, max_col=None, values_only=True):
        for row in self.rows[min_row - 1:max_row]:
            yield tuple(row[min_col - 1:max_col])


def _region(book, selection) -> tuple[str, list[Rect]]:
    sheet = selection.sheet
    try:
        return sheet.name, parse_areas(selection.current_region.address, "the current region")
    except NotImplementedError:  # engines that cannot read it: find the data as in a file
        last = parse_cell(sheet.used_range.last_cell.address.replace("$", ""))
        rows = _values(book, sheet.name, Rect(1, 1, *last))
        region = find_data(_ValuesSheet(sheet.name, rows))
        return sheet.name, [Rect(region.header_row, c, region.last_row, c) for c in region.columns]


def choose_ranges(book, settings: TrainSettings | None, gdfit_sheets: set[str]) -> DataRanges:
    """The cells to fit (see the module docstring); ``gdfit_sheets`` are never read as data."""
    selection = book.selection
    sheet = selection.sheet.name
    areas = parse_areas(selection.address, "the selection")
    size = sum(a.shape[0] * a.shape[1] for a in areas)
    if size > 1 and sheet not in gdfit_sheets:
        return _from_block(book, sheet, areas, "the selection")
    if settings is not None and settings.x_cells and settings.y_cells:
        where = settings.data_sheet or sheet
        if where not in [s.name for s in book.sheets]:
            raise BookError(f"GD Settings names the data sheet {where!r}, which the book does not "
                            "have; correct it or select the data and press Train.")
        x = parse_areas(settings.x_cells, "GD Settings x cells")
        y = parse_areas(settings.y_cells, "GD Settings y cells")
        return _from_block(book, where, x + y, "the cells on GD Settings")
    if sheet in gdfit_sheets:
        raise BookError(f"sheet {sheet!r} is gdfit's output; select the data (x columns, then y) "
                        "on your data sheet and press Train.")
    sheet, areas = _region(book, selection)
    return _from_block(book, sheet, areas, "the data around the active cell")


def _column(book, sheet: str, rect: Rect, default: str) -> tuple[str, list[float]]:
    above = max(rect.min_row - 1, 1)
    cells = [row[0] for row in _values(book, sheet, Rect(above, rect.min_col, rect.max_row,
                                                              rect.min_col))]
    label = str(cells[0]).strip() if above < rect.min_row and convert.is_label(cells[0]) \
        else default
    data = cells[rect.min_row - above:]
    where = lambda i: f"{quote_sheet(sheet)}!{cell_a1(rect.min_row + i, rect.min_col)}"  # noqa
    return label, [convert.number(v, "the data", where(i)) for i, v in enumerate(data)]


def read_ranges(book, ranges: DataRanges) -> tuple[pd.DataFrame, pd.Series, DataSource]:
    """The numbers to fit and where they live (for the report's formulas and charts)."""
    k = len(ranges.x)
    defaults = ["x"] if k == 1 else [f"x{j + 1}" for j in range(k)]
    xs = [_column(book, ranges.sheet, r, d) for r, d in zip(ranges.x, defaults)]
    y_label, y_values = _column(book, ranges.sheet, ranges.y, "y")
    labels = unique_labels([label for label, _ in xs])
    frame = pd.DataFrame({label: values for label, (_, values) in zip(labels, xs)})
    refs = [RangeRef(ranges.sheet, a1_range(r), external=True) for r in ranges.x]
    source = DataSource(tuple(refs), RangeRef(ranges.sheet, a1_range(ranges.y), external=True),
                        tuple(labels), y_label, adjacent_block(refs))
    return frame, pd.Series(y_values, name=y_label), source
