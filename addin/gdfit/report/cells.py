"""Cell values as every renderer must write them, and the text rules that keep a string a string."""
from __future__ import annotations

import math
import re
from numbers import Real

from gdfit.report.model import ArrayFormula, Formula

__all__ = ["MAX_TEXT", "is_formula_like", "typed_literal", "clean_text", "cell_value"]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 (hence xlsx) cannot carry; openpyxl refuses them, Excel would not open them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_TEXT = 32767  # Excel's limit on characters in a cell


def is_formula_like(text: str) -> bool:
    """True if a spreadsheet would take ``text`` for a formula when typed in: keep it text."""
    return text.startswith(_FORMULA_START)


def typed_literal(text: str) -> str:
    """``text`` as a live renderer must type it into a cell so that it stays text.

    Excel converts what is typed (``Range.Value`` through xlwings included): ``=1+1`` becomes a
    formula, ``1.5`` a number, ``TRUE`` a boolean, ``1/2`` a date. A leading apostrophe makes
    any of them literal text and is not part of the value. Files written by openpyxl need no
    prefix: there the cell type is stored (``data_type = "s"``).
    """
    return "'" + clean_text(text)


def clean_text(text: str) -> str:
    """``text`` with line ends as ``\\n``, characters a workbook cannot hold as U+FFFD, cut to
    Excel's limit. (XML turns a bare CR into LF anyway; doing it here keeps both renderers equal.)
    """
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("\ufffd", text)[:MAX_TEXT]


def cell_value(value: object) -> tuple[str, object]:
    """Classify a value as ``(kind, value)`` the way every renderer must write it.

    Kinds: ``blank``, ``bool``, ``number`` (finite float or int), ``error`` (``"#N/A"`` for NaN
    or infinity: charts skip it, where a zero or a text would distort them), ``text`` (always
    written as text, even if formula-like), ``formula`` and ``array``.
    """
    if value is None:
        return "blank", None
    if isinstance(value, bool) or getattr(getattr(value, "dtype", None), "kind", "") == "b":
        return "bool", bool(value)
    if isinstance(value, (Formula, ArrayFormula)):
        return ("array" if isinstance(value, ArrayFormula) else "formula"), value
    if isinstance(value, str):
        return "text", clean_text(value)
    if isinstance(value, Real) or hasattr(value, "dtype"):  # numpy scalars included
        number = value if isinstance(value, int) else float(value)
        return ("number", number) if math.isfinite(number) else ("error", "#N/A")
    raise TypeError(f"a report cell cannot hold {type(value).__name__} {value!r}")
