"""Headless training of a workbook: read the data with :func:`gdfit.read_data`, fit, render
gdfit's sheets with openpyxl into a workbook of their own, and add their parts to the user's
package (:mod:`gdfit.files.package`), whose own parts are copied as they are.

The output is a new file unless ``in_place`` is asked for. gdfit owns the sheets it writes (a
hidden sheet-scoped name marks them) and replaces them on a re-run; a user's sheet with the same
name is left alone and gdfit's sheet takes a suffix instead. Workbooks gdfit cannot add to
(.xls, .xlsb, .ods, Strict Open XML) give a new .xlsx of their values and gdfit's sheets.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from gdfit.core.compare import Comparison, compare_dataset
from gdfit.core.data import InputError, as_dataset, check_choice
from gdfit.core.logistic.compare import LogitComparison, compare_logistic_dataset
from gdfit.core.logistic.labels import encode_labels
from gdfit.files.book import BookError, check_package
from gdfit.files.package import NotExtendable, UserBook, add_report, open_user_book
from gdfit.files.read import LoadedData, read_data
from gdfit.files.read_book import open_book
from gdfit.files.read_grid import spans
from gdfit.report.a1 import col_letter, parse_cell, quote_sheet
from gdfit.report.layout import footprints
from gdfit.report.model import Note, RangeRef, Report, SheetSpec
from gdfit.report.references import resolve
from gdfit.sheets.training.logistic import check_logistic_size, logistic_report
from gdfit.sheets.training.report import training_report
from gdfit.sheets.training.source import DataSource, adjacent_block

__all__ = ["TrainResult", "train_book", "default_output", "live_formula_warnings", "EXTENDABLE", "CONVERTED",
           "MODELS"]

#: What ``train_book`` fits: a line (the least-squares sheets) or logistic regression.
MODELS = ("linear", "logistic")

#: Workbooks gdfit adds its sheets to, keeping the format.
EXTENDABLE = (".xlsx", ".xlsm")
#: Workbooks it reads but cannot add to: a new .xlsx holds their values and gdfit's sheets.
CONVERTED = (".xls", ".xlsb", ".ods", ".xltx", ".xltm")


@dataclass
class TrainResult:
    """What a training run wrote, and where it could not extend the original format."""

    output: Path
    sheets: list[str]
    comparison: Comparison | LogitComparison
    notes: list[str] = field(default_factory=list)  # one line when the original format could not be extended
    data: LoadedData | None = None  # what was read and what was left out, as gdfit.read_data says it
    warnings: list[str] = field(default_factory=list)  # where the live formulas differ from gdfit's fit


def default_output(path: Path) -> Path:
    """``book.xlsx`` -> ``book_gdfit.xlsx`` beside it (the input is never overwritten by default)."""
    return path.with_name(f"{path.stem}_gdfit{path.suffix}")


def _as_range(qualified: str) -> RangeRef:
    """``'Sales data'!B4:B33`` (as :func:`gdfit.read_data` names its ranges) as a live reference."""
    sheet, _, cells = qualified.rpartition("!")
    if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
        sheet = sheet[1:-1].replace("''", "'")
    return RangeRef(sheet, cells, external=True)


def _rows_of(ref: RangeRef) -> tuple[int, int, int]:
    """First row, last row and column of a one-column range such as ``B4:B33``."""
    first, _, last = ref.cells.partition(":")
    (r1, c1), (r2, _) = parse_cell(first), parse_cell(last or first)
    return r1, r2, c1


def live_formula_warnings(loaded: LoadedData, refs: Sequence[RangeRef]) -> list[str]:
    """Where Excel's LINEST, SLOPE and INTERCEPT on ``refs`` would not see the numbers gdfit fitted:
    rows inside the ranges that gdfit left out, and cells holding numbers as text (read by gdfit,
    text to LINEST). The SSE formulas and the stale flag leave both out, as the fit did.

    ``loaded``'s ranges run from its first row read to its last, so rows left out at either end
    (title, header, Total rows) are outside them already; only rows left out between remain."""
    read = list(loaded.X.index)  # y's rows; each range sits at the same offsets from its first row
    warnings = []
    inside = sorted(set(range(read[0], read[-1] + 1)) - set(read))
    if inside:
        names = ", ".join(f"{quote_sheet(r.sheet)}!{r.cells}" for r in refs)
        what = "row" if len(inside) == 1 else "rows"
        warnings.append(f"Warning: the live LINEST, SLOPE and INTERCEPT cover {names}, which include {what} "
                        f"{spans(inside, limit=len(inside))} that gdfit left out; their results can differ from "
                        f"gdfit's until {'it is' if len(inside) == 1 else 'they are'} deleted (the SSE formulas "
                        "and the stale flag leave them out).")
    text_cells = []
    for ref, positions in zip(refs, loaded.text_numbers):
        first, _, col = _rows_of(ref)
        text_cells += [f"{quote_sheet(ref.sheet)}!{col_letter(col)}{first + read[k] - read[0]}" for k in positions]
    if text_cells:
        more = f" and {len(text_cells) - 3} more" if len(text_cells) > 3 else ""
        warnings.append(f"Warning: {', '.join(text_cells[:3])}{more} hold numbers typed as text; gdfit read them "
                        "as numbers, but Excel's live formulas see text there and differ from gdfit's until "
                        "they are re-entered as numbers.")
    return warnings


def train_book(path: str | Path, *, sheet: str | None = None, x: Sequence[str] | None = None,
               y: str | None = None, out: str | Path | None = None, in_place: bool = False,
               missing: str = "error", model: str = "linear", **fit_options: Any) -> TrainResult:
    """Fit the workbook's data and write the Formula, Solver, Regression, GD and Compare sheets.

    Parameters
    ----------
    path : an .xlsx or .xlsm workbook, extended with gdfit's sheets; or an .xls, .xlsb, .ods or
        Strict Open XML workbook, whose values go into a new .xlsx with gdfit's sheets
    sheet, x, y, missing : read by :func:`gdfit.read_data` (headers, ranges, table columns or
        names; title rows, Total rows and formatted numbers as it reads them)
    out : output path (default ``<name>_gdfit.xlsx`` beside the input)
    in_place : replace the input itself (written completely first, then swapped in atomically)
    model : ``"linear"`` (default) or ``"logistic"``: logistic regression of a y of two values, with
        the Logistic Regression, Solver (the log-likelihood recipe), GD and Compare sheets
    **fit_options : options of :func:`gdfit.fit` (``l2`` and ``positive`` too, for logistic)
    """
    model = check_choice("model", model, MODELS)
    source_path = Path(path)
    book, why_not = _open_for_writing(source_path)
    out_suffix = source_path.suffix.lower() if book is not None else ".xlsx"
    if in_place and book is None:
        raise BookError(f"refusing --in-place: gdfit cannot add sheets to {source_path.name!r} ({why_not}); "
                        "leave out --in-place to write a new .xlsx.")
    target = source_path if in_place else Path(out) if out else default_output(source_path).with_suffix(out_suffix)
    if target.suffix.lower() != out_suffix:
        keep = "keep the input's extension" if book is not None else "be an .xlsx file"
        raise BookError(f"--out {str(target)!r} must {keep} {out_suffix!r}.")
    if sheet is not None and book is not None:
        if sheet not in book.sheetnames:
            raise BookError(f"--sheet {sheet!r} not found; the sheets are {', '.join(book.sheetnames)}.")
        if not book[sheet].worksheet:
            raise BookError(f"sheet {sheet!r} is a chart sheet; name the data sheet with --sheet.")
    try:
        loaded = read_data(source_path, sheet=sheet, x=list(x) if x else None, y=y, missing=missing,
                           y_labels=model == "logistic")
    except BookError:
        raise
    except InputError as exc:  # one type for every refusal of train_book
        raise BookError(str(exc)) from None
    notes = []
    if book is None:
        try:
            values = _values_workbook(source_path)
        except ValueError as exc:  # openpyxl refuses e.g. a sheet name Excel would not take
            raise BookError(f"{source_path.name}: its values could not be copied into a new .xlsx "
                            f"({str(exc).splitlines()[0][:120]}).") from None
        book = open_user_book(values, f"the values of {source_path.name!r}")
        notes.append(f"note: the original format could not be extended ({source_path.name}: {why_not}); "
                     f"{target.name} is a new .xlsx of its values and gdfit's sheets.")
    x_refs = [_as_range(r) for r in loaded.x_refs]
    y_ref = _as_range(loaded.y_ref)
    const = fit_options.pop("fit_intercept", True)
    if model == "logistic":
        return _train_logistic(book, source_path, target, loaded, notes, const, fit_options)
    try:
        data = as_dataset(loaded.X, loaded.y, fit_intercept=const, moments=True)  # once for every method
    except InputError as exc:  # e.g. fewer rows than parameters: a refusal like the reader's
        raise BookError(str(exc)) from None
    cmp = compare_dataset(data, const=const, **fit_options)  # Solver from zeros, as Excel's from blank cells
    read = list(loaded.X.index)
    left_out = tuple(r - read[0] for r in sorted(set(range(read[0], read[-1] + 1)) - set(read)))
    source = DataSource(tuple(x_refs), y_ref, data.labels, data.y_label, adjacent_block(list(x_refs)),
                        left_out=left_out, text_numbers=loaded.text_numbers)
    report = training_report(cmp, source, data, title=f"gdfit: {source_path.name}")
    warnings = live_formula_warnings(loaded, [*x_refs, y_ref])
    dropped = _drop_unpaired_series(report)
    if dropped:
        warnings.append(f"Warning: chart series left out: {', '.join(dropped)}; the data ranges hold more rows "
                        "than gdfit fitted, so they cannot be paired with its one value per row read.")
    _add_warnings(report.sheet("Formula"), warnings)
    report = add_report(book, report, target)
    return TrainResult(target, [s.name for s in report.sheets], cmp, notes, loaded, warnings)


def _train_logistic(book: UserBook, source_path: Path, target: Path, loaded: LoadedData, notes: list[str],
                    const: bool, fit_options: dict[str, Any]) -> TrainResult:
    """The logistic sheets; their recipe and classification tables hold a copy of the data read."""
    positive = fit_options.pop("positive", None)
    try:
        check_logistic_size(len(loaded.y))  # before minutes of fitting
    except InputError as exc:
        raise BookError(str(exc)) from None
    labels = encode_labels(loaded.y, positive)
    data = as_dataset(loaded.X, labels.y, fit_intercept=const, moments=True)
    try:
        cmp = compare_logistic_dataset(data, (labels.negative, labels.positive), const=const, **fit_options)
    except InputError as exc:
        raise BookError(str(exc)) from None
    report = add_report(book, logistic_report(cmp, data, title=f"gdfit: {source_path.name}"), target)
    return TrainResult(target, [s.name for s in report.sheets], cmp, notes, loaded, [])


def _open_for_writing(path: Path) -> tuple[UserBook | None, str]:
    """The user's package to add to, or None and why its format cannot be added to."""
    suffix = path.suffix.lower()
    if not path.is_file():
        check_package(path)  # says it does not exist
    if suffix in CONVERTED:
        return None, f"the {suffix} format"
    if suffix not in EXTENDABLE:
        raise BookError(f"workbook {path.name!r} is not .xlsx or .xlsm (nor .xls, .xlsb or .ods); "
                        "save it in one of those formats first.")
    check_package(path).close()  # size, password and zip-bomb checks, each with its one line
    try:
        return open_user_book(path, f"workbook {path.name!r}"), ""
    except NotExtendable as exc:
        return None, str(exc)


def _values_workbook(path: Path) -> bytes:
    """The worksheets' values as python-calamine reads them, in a new .xlsx (for a format gdfit
    cannot add to): the same sheet names and cell positions, so gdfit's formulas point at them."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = open_book(path)
    wb = Workbook(write_only=True)
    for name in book.sheets:
        ws = wb.create_sheet(name)
        if name in book.hidden:
            ws.sheet_state = "hidden"
        for row in book.workbook.get_sheet_by_name(name).to_python(skip_empty_area=False):
            cells = []
            for value in row:
                if isinstance(value, str):
                    cell = WriteOnlyCell(ws, value or None)
                    cell.data_type = "s"  # text stays text: "=..." is not a formula, "#N/A" not an error
                    value = cell
                cells.append(value)
            ws.append(cells)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _drop_unpaired_series(report: Report) -> list[str]:
    """Leave out chart series that pair the data ranges with one value per row read: with rows left
    out inside the ranges (see :func:`live_formula_warnings`) their lengths differ."""
    dropped = []
    for sheet in report.sheets:
        for chart in sheet.charts:
            kept = [s for s in chart.series
                    if resolve(report, s.x_ref).rect.shape == resolve(report, s.y_ref).rect.shape]
            dropped += [f"{s.name!r} ({chart.title})" for s in chart.series if s not in kept]
            chart.series = kept
        sheet.charts = [c for c in sheet.charts if c.series]
    return dropped


def _add_warnings(sheet: SheetSpec, warnings: Sequence[str]) -> None:
    """The warnings below everything else on the sheet, one row each after a blank row."""
    bottom = max(rect.max_row for _, rect in footprints(sheet))
    for i, text in enumerate(warnings):
        sheet.notes.append(Note(f"A{bottom + 2 + i}", text, "warning", span=8))
