"""Headless training of a workbook: find the data, fit, and write gdfit's sheets beside it.

The user's workbook is never modified unless ``in_place`` is asked for and nothing in it would
be lost by an openpyxl rewrite (:func:`gdfit.files.book.unkept_parts`). gdfit owns the sheets it
writes (a hidden sheet-scoped name marks them) and replaces them on a re-run; a user's sheet
with the same name is left alone and gdfit's sheet takes a suffix instead.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from gdfit.core.compare import Comparison, compare_dataset
from gdfit.core.data import as_dataset
from gdfit.files.book import BookError, find_data, load_book, mark_owned, read_range, read_region, unkept_parts
from gdfit.render.xlsx import render_workbook, save_workbook
from gdfit.report.a1 import col_letter
from gdfit.report.model import RangeRef
from gdfit.report.ownership import sheet_names_for, unique_table_names
from gdfit.report.references import renamed
from gdfit.sheets.training.report import training_report
from gdfit.sheets.training.source import DataSource, adjacent_block, lesson_start

__all__ = ["TrainResult", "train_book", "default_output"]


@dataclass
class TrainResult:
    """What a training run wrote and what it could not carry over."""

    output: Path
    sheets: list[str]
    comparison: Comparison
    not_kept: list[str] = field(default_factory=list)


def default_output(path: Path) -> Path:
    """``book.xlsx`` -> ``book_gdfit.xlsx`` beside it (the input is never overwritten by default)."""
    return path.with_name(f"{path.stem}_gdfit{path.suffix}")


def _columns_as_ranges(region, columns: Sequence[int]) -> list[RangeRef]:
    return [RangeRef(region.sheet, f"{col_letter(c)}{region.first_row}:{col_letter(c)}{region.last_row}",
                     external=True) for c in columns]


def _pick(headers: list[str], wanted: str, arg: str) -> int:
    matches = [i for i, h in enumerate(headers) if h.lower() == wanted.strip().lower()]
    if not matches:
        raise BookError(f"{arg} {wanted!r} is neither a column header ({', '.join(headers)}) nor a range like B2:B31.")
    return matches[0]


def _is_range(text: str) -> bool:
    from openpyxl.utils.cell import range_boundaries
    try:
        range_boundaries(text.replace("$", ""))
        return ":" in text or text[-1].isdigit()
    except ValueError:
        return False


def read_training_data(ws, x: Sequence[str] | None, y: str | None):
    """The data frame to fit and the cell ranges it came from (``x`` ranges, ``y`` range)."""
    if (x and all(_is_range(r) for r in x)) and (y and _is_range(y)):
        y_label, y_values = read_range(ws, y, "--y")
        xs = [read_range(ws, r, "--x") for r in x]
        labels = [label or f"x{j + 1}" for j, (label, _) in enumerate(xs)]
        frame = pd.DataFrame({label: values for label, (_, values) in zip(labels, xs)})
        refs = [_data_ref(ws.title, r, label is not None) for r, (label, _) in zip(x, xs)]
        return frame, pd.Series(y_values, name=y_label or "y"), refs, _data_ref(ws.title, y, y_label is not None)
    region = find_data(ws)
    headers, columns = read_region(ws, region)
    y_index = _pick(headers, y, "--y") if y else len(headers) - 1
    x_index = [_pick(headers, name, "--x") for name in x] if x else [i for i in range(len(headers)) if i != y_index]
    ranges = _columns_as_ranges(region, region.columns)
    frame = pd.DataFrame({headers[i]: columns[i] for i in x_index})
    return frame, pd.Series(columns[y_index], name=headers[y_index]), [ranges[i] for i in x_index], ranges[y_index]


def _data_ref(sheet: str, ref: str, skip_label: bool) -> RangeRef:
    from openpyxl.utils.cell import range_boundaries
    c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
    r1 += int(skip_label)
    return RangeRef(sheet, f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}", external=True)


def train_book(path: str | Path, *, sheet: str | None = None, x: Sequence[str] | None = None,
               y: str | None = None, out: str | Path | None = None, in_place: bool = False,
               **fit_options: Any) -> TrainResult:
    """Fit the workbook's data and write the Formula, Solver, Regression, GD and Compare sheets.

    Parameters
    ----------
    path : path to an .xlsx or .xlsm workbook
    sheet : the data sheet (default: the active sheet)
    x, y : column headers or one-column ranges (default: the last numeric column is y, the
        other numeric columns are x)
    out : output path (default ``<name>_gdfit.xlsx`` beside the input)
    in_place : rewrite the input itself; refused when the rewrite would lose anything
    **fit_options : options of :func:`gdfit.fit`
    """
    source_path = Path(path)
    lost = unkept_parts(source_path)
    if in_place and lost:
        raise BookError(f"refusing --in-place: rewriting {source_path.name!r} would drop its {', '.join(lost)}; "
                        "leave out --in-place to write a new file.")
    target = source_path if in_place else Path(out) if out else default_output(source_path)
    if target.suffix.lower() != source_path.suffix.lower():
        raise BookError(f"--out {str(target)!r} must keep the input's extension {source_path.suffix!r}.")
    wb = load_book(source_path)
    if sheet is not None and sheet not in wb.sheetnames:
        raise BookError(f"--sheet {sheet!r} not found; the sheets are {', '.join(wb.sheetnames)}.")
    ws = wb[sheet] if sheet else wb.active
    if not hasattr(ws, "iter_rows"):
        raise BookError(f"sheet {ws.title!r} is a chart sheet; name the data sheet with --sheet.")
    frame, target_y, x_refs, y_ref = read_training_data(ws, x, y)
    const = fit_options.pop("fit_intercept", True)
    data = as_dataset(frame, target_y, fit_intercept=const, moments=True)  # once for every method
    cmp = compare_dataset(data, const=const, solver_options={"start": lesson_start(frame.shape[1], const)},
                          **fit_options)
    source = DataSource(tuple(x_refs), y_ref, data.labels, data.y_label, adjacent_block(list(x_refs)))
    report = training_report(cmp, source, data, title=f"gdfit: {source_path.name}")
    report = renamed(report, sheet_names_for(report, wb))
    unique_table_names(report, wb)
    render_workbook(report, wb, replace=True)
    for spec in report.sheets:
        mark_owned(wb[spec.name])
    save_workbook(wb, target)
    return TrainResult(target, [s.name for s in report.sheets], cmp, lost)
