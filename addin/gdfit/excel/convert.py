"""Worksheet-function arguments as Excel hands them over, turned into arrays and options.

A range reaches a classic xlwings UDF as rows of cells (``@xw.arg(..., ndim=2,
err_to_str=True)``): ``None`` for a blank, ``str`` for text, ``bool`` for TRUE/FALSE,
``datetime`` for a date, and an error value as its text (``"#N/A"``) -- or, on paths that do not
clean the values, as the COM error code (``-2146826246``). This module validates such blocks
into float arrays with one-line messages that name the argument, the cell and the fix, and turns
results back into cells (NaN becomes Excel's ``#N/A``). Pure: no xlwings, no Excel.
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import os
from dataclasses import dataclass
from numbers import Real
from typing import Any, Sequence

import numpy as np

from gdfit.core.data import InputError, OptionError

__all__ = ["ERROR_CODES", "ExcelData", "grid", "excel_data", "excel_block", "flag", "option",
           "learning_rate", "max_time", "cells", "error_value", "message", "expected", "EXPECTED",
           "UNEXPECTED", "number", "is_blank",
           "is_label", "MAX_TIME_ENV",
           "DEFAULT_MAX_TIME"]

#: COM codes of Excel's error values (what ``CVErr(xlErrNA)`` etc. look like from Python).
ERROR_CODES = {-2146826281: "#DIV/0!", -2146826246: "#N/A", -2146826259: "#NAME?",
               -2146826288: "#NULL!", -2146826252: "#NUM!", -2146826265: "#REF!",
               -2146826273: "#VALUE!"}
_ERROR_TEXTS = frozenset(ERROR_CODES.values()) | {
    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!",
    "#GETTING_DATA"}
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)  # serial 0 in the 1900 date system (after 1900-03-01)
MAX_TIME_ENV = "GDFIT_MAX_TIME"
DEFAULT_MAX_TIME = 5.0  # seconds a worksheet function may spend fitting


@dataclass(frozen=True)
class ExcelData:
    """Validated data of one worksheet-function call: variables as columns.

    ``rows`` are the 1-based positions (within the ranges as given) of the observations kept;
    ``by_row`` is True when ``known_y`` was a single row, so results spill as rows.
    """

    X: np.ndarray
    y: np.ndarray
    labels: tuple[str, ...]
    y_label: str
    rows: tuple[int, ...]
    by_row: bool
    has_header: bool


DEFAULT_MAX_CELLS = 10_000_000


def max_cells() -> int:
    """The largest range a worksheet function takes: ``GDFIT_MAX_CELLS``, else ten million."""
    try:
        return max(int(os.environ.get("GDFIT_MAX_CELLS", DEFAULT_MAX_CELLS)), 1)
    except ValueError:
        return DEFAULT_MAX_CELLS


def _check_size(value: Sequence[Any], arg: str) -> None:
    """Refuse a huge range before any copy of it is made."""
    first = value[0] if len(value) else ()
    width = len(first) if isinstance(first, (list, tuple, np.ndarray)) else 1
    cells, limit = len(value) * width, max_cells()
    if cells > limit:
        raise InputError(f"{arg} has {cells:,} cells; worksheet functions take at most {limit:,} "
                         "(set GDFIT_MAX_CELLS to change it, or use the Train button for big data).")


def grid(value: Any, arg: str) -> list[list[Any]]:
    """Any argument as rows of cells: a scalar is one cell, a flat list one column."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)):
        return [[value]]
    _check_size(value, arg)
    rows = [list(r) if isinstance(r, (list, tuple, np.ndarray)) else [r] for r in value]
    if not rows or not any(rows):
        raise InputError(f"{arg} is empty; select the cells that hold the data.")
    if len({len(r) for r in rows}) != 1:
        raise InputError(f"{arg} must be a rectangular range of cells; got rows of lengths "
                         f"{sorted({len(r) for r in rows})}.")
    return rows


def _transpose(rows: list[list[Any]]) -> list[list[Any]]:
    return [list(col) for col in zip(*rows)]


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _error_text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip().upper() in _ERROR_TEXTS:
        return value.strip().upper()
    if isinstance(value, int) and not isinstance(value, bool):
        return ERROR_CODES.get(value)
    return None


def is_label(value: Any) -> bool:
    """Text that is neither an error value nor a number stored as text."""
    if not isinstance(value, str) or not value.strip() or _error_text(value):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def number(value: Any, arg: str, where: str, hint: str = "") -> float:
    """One cell as a float, or an InputError saying what is there and what to do."""
    error = _error_text(value)
    if error:
        raise InputError(f"{arg} has the error value {error} at {where}; fix the cell it comes "
                         "from or remove the row.")
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"{arg} has {str(bool(value)).upper()} at {where}; give numbers (N() "
                         "turns TRUE/FALSE into 1/0).")
    if isinstance(value, (Real, np.number)):
        number = float(value)
        if not math.isfinite(number):
            raise InputError(f"{arg} has {number} at {where}; every cell must be a finite number.")
        return number
    if isinstance(value, dt.datetime) or isinstance(value, dt.date):
        moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
        return (moment.replace(tzinfo=None) - _EXCEL_EPOCH).total_seconds() / 86400.0
    if is_blank(value):
        raise InputError(f"{arg} has a blank at {where}; fill it or delete the row{hint}.")
    text = str(value)
    shown = repr(text if len(text) <= 30 else text[:27] + "...")
    if isinstance(value, str) and not is_label(value):
        raise InputError(f"{arg} has the number {shown} stored as text at {where}; convert it "
                         "with VALUE() or Data > Text to Columns.")
    raise InputError(f"{arg} has the text {shown} at {where}; select numbers only (a header "
                     "row is allowed only as the first row of every range).")


def _where(i: int, j: int, width: int, by_row: bool) -> str:
    first, second = ("column", "row") if by_row else ("row", "column")
    return f"{first} {i}" + (f", {second} {j}" if width > 1 else "")


_SKIPPED = " (rows blank in every range are skipped)"


def _numbers(rows: list[list[Any]], arg: str, positions: Sequence[int], by_row: bool,
             hint: str = "") -> np.ndarray:
    width = len(rows[0]) if rows else 0
    out = np.empty((len(rows), width))
    for r, (row, i) in enumerate(zip(rows, positions)):
        for j, value in enumerate(row):
            out[r, j] = number(value, arg, _where(i, j + 1, width, by_row), hint)
    return out


def _oriented(known_y: Any, known_x: Any) -> tuple[list, list | None, bool]:
    """``known_y`` as one column and ``known_x`` with variables as columns (LINEST's rule)."""
    y = grid(known_y, "known_y")
    height, width = len(y), len(y[0])
    if height > 1 and width > 1:
        raise InputError(f"known_y must be one column or one row; got {height} rows x "
                         f"{width} columns.")
    by_row = height == 1 and width > 1
    y = _transpose(y) if by_row else y
    x = None if known_x is None else grid(known_x, "known_x")
    if x is not None and by_row:
        x = _transpose(x)
    if x is not None and len(x) != len(y):
        unit = "columns" if by_row else "rows"
        raise InputError(f"known_x has {len(x)} {unit} but known_y has {len(y)}; select ranges "
                         f"with the same number of {unit} (LINEST would show #REF!).")
    return y, x, by_row


def excel_data(known_y: Any, known_x: Any = None) -> ExcelData:
    """Validate LINEST-style arguments as they arrive from Excel.

    ``known_y`` in one column makes each column of ``known_x`` a variable; in one row, each row.
    A first row of text in every range is a header (its texts become labels). Rows blank in
    ``known_y`` and every ``known_x`` column are skipped (a whole-column reference's tail);
    any other blank, text, logical or error value is an :class:`InputError`. ``known_x``
    omitted means 1, 2, ..., n (position among the data rows), as in LINEST. Dates count as
    Excel's serial numbers.
    """
    y, x, by_row = _oriented(known_y, known_x)
    header = len(y) > 1 and is_label(y[0][0]) and (x is None or all(map(is_label, x[0])))
    y_label = str(y[0][0]).strip() if header else "y"
    labels = tuple(str(v).strip() for v in x[0]) if header and x is not None else None
    start = 2 if header else 1
    y, x = y[start - 1:], None if x is None else x[start - 1:]
    if x is None:
        x = [[float(i + 1)] for i in range(len(y))]
    kept = [i for i in range(len(y)) if not (is_blank(y[i][0]) and all(map(is_blank, x[i])))]
    if not kept:
        raise InputError("known_y has no numbers (every row is blank); select the data cells.")
    positions = [i + start for i in kept]
    y_values = _numbers([y[i] for i in kept], "known_y", positions, by_row, _SKIPPED)[:, 0]
    X = _numbers([x[i] for i in kept], "known_x", positions, by_row, _SKIPPED)
    if labels is None:
        labels = ("x",) if X.shape[1] == 1 else tuple(f"x{j + 1}" for j in range(X.shape[1]))
    return ExcelData(X, y_values, labels, y_label, tuple(positions), by_row, header)


def excel_block(value: Any, arg: str, *, by_row: bool = False, skip_blank: bool = True,
                header: bool = False) -> np.ndarray:
    """A block of numbers (``new_x``, a ``known_x`` without ``known_y``), variables as columns.

    A first row of text is a header when ``header``; blank rows at the end are dropped, and
    blank rows elsewhere too when ``skip_blank``.
    """
    rows = grid(value, arg)
    rows = _transpose(rows) if by_row else rows
    start = 2 if header and len(rows) > 1 and all(map(is_label, rows[0])) else 1
    rows = rows[start - 1:]
    blank = [all(map(is_blank, row)) for row in rows]
    end = len(rows) - next((i for i, b in enumerate(reversed(blank)) if not b), len(rows))
    kept = [i for i in range(end) if not (skip_blank and blank[i])]
    if not kept:
        raise InputError(f"{arg} has no numbers (every row is blank); select the data cells.")
    hint = _SKIPPED if skip_blank else ""
    return _numbers([rows[i] for i in kept], arg, [i + start for i in kept], by_row, hint)


# ---- options ---------------------------------------------------------------------------------

def flag(name: str, value: Any, default: bool) -> bool:
    """Excel's logical argument: omitted or blank is ``default``; TRUE/FALSE, 1/0, "TRUE"."""
    if is_blank(value):
        return default
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (Real, np.number)) and math.isfinite(float(value)):
        return bool(value)
    if isinstance(value, str) and value.strip().upper() in ("TRUE", "FALSE"):
        return value.strip().upper() == "TRUE"
    raise OptionError(f"{name} must be TRUE or FALSE; got {value!r}.")


def option(value: Any, default: Any) -> Any:
    """An optional argument: omitted or blank is ``default``; text is trimmed, the rest as is.

    The core validates the value and names the option in its message.
    """
    if is_blank(value):
        return default
    return value.strip() if isinstance(value, str) else value


def learning_rate(value: Any) -> float | str:
    """A number, or "auto" (also when omitted) for the rate 1/L of the data."""
    value = option(value, "auto")
    return value.lower() if isinstance(value, str) else value


def max_time(value: Any) -> float:
    """Seconds a function may spend: the argument, else ``GDFIT_MAX_TIME``, else 5."""
    if not is_blank(value):
        return value
    text = os.environ.get(MAX_TIME_ENV, "").strip()
    if not text:
        return DEFAULT_MAX_TIME
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise OptionError(f"the environment variable {MAX_TIME_ENV} must be a number of seconds "
                          f"> 0; got {text!r}.")
    return seconds


# ---- results ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def error_value(text: str = "#N/A") -> Any:
    """Excel's error value for a classic UDF's result.

    On Windows (pywin32) a COM ``VT_ERROR`` VARIANT, which a cell shows as the error itself, so
    ``=GD_FIT(...)-LINEST(...)`` stays #N/A where LINEST has #N/A. Without pywin32 (tests,
    macOS, where classic UDFs do not run) the error's text.
    """
    code = next(c for c, t in ERROR_CODES.items() if t == text)
    try:
        import pythoncom
        from win32com.client import VARIANT
    except ImportError:
        return text
    return VARIANT(pythoncom.VT_ERROR, code)


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (Real, np.number)):
        number = float(value) if not isinstance(value, (int, np.integer)) else int(value)
        return number if math.isfinite(number) else error_value("#N/A")
    return str(value)


def cells(rows: Any) -> list[list[Any]]:
    """Rows for Excel: Python numbers, text, TRUE/FALSE, blanks; NaN and infinity as #N/A."""
    rows = rows.tolist() if isinstance(rows, np.ndarray) else rows
    return [[_cell(v) for v in row] for row in rows]


#: gdfit's own refusals: bad input (a BookError too) and bad options, each a ValueError saying in one
#: line what is wrong and how to fix it. A fit that does not converge is no error (GD_STATUS says
#: so). Any other exception (a TypeError, numpy's own ValueError...) is a bug in gdfit, shown as
#: "unexpected" and logged with its traceback.
EXPECTED = (InputError, OptionError)
UNEXPECTED = "unexpected "


def expected(exc: BaseException) -> bool:
    """True for gdfit's own refusals (``EXPECTED``), False for a bug."""
    return isinstance(exc, EXPECTED)


def message(function: str, exc: BaseException) -> str:
    """The one line a cell shows: ``"GD_FIT: known_x has a blank at row 4; ..."``.

    A bug reads ``"GD_FIT: unexpected TypeError (...); please report it ..."``.
    """
    if expected(exc):
        text = str(exc) or type(exc).__name__
    else:
        text = (f"{UNEXPECTED}{type(exc).__name__} ({exc}); please report it with the inputs "
                "that caused it.")
    return f"{function}: {' '.join(text.split())}"[:1000]
