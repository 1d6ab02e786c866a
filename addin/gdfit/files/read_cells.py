"""One cell as an analyst typed it: a number, a date, a logical, an Excel error, text or nothing.

Text is read the way people write numbers: thousands separators (``1,234``; ``1.234`` and ``1 234``
where the file writes decimal commas; thin and non-breaking spaces), currency signs and codes,
percentages, accounting negatives ``(1,234)`` and the Unicode minus. A separator is accepted only
where it groups three digits, so ``1,5`` in a decimal-point file is refused rather than read as 15.
"""
from __future__ import annotations

import datetime as dt
import re
from itertools import islice
from typing import Any, NamedTuple

__all__ = ["Cell", "BLANK", "classify", "parse_number", "uses_decimal_comma", "excel_serial", "EXCEL_ERRORS",
           "written_date", "ambiguous_date", "date_order"]

EXCEL_ERRORS = frozenset({"#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!",
                          "#CALC!", "#FIELD!", "#GETTING_DATA", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!"})
_SPACES = " \u00a0\u2007\u2009\u202f"  # space, no-break, figure, thin and narrow no-break spaces
_SIGNS = "$€£¥"
_CODES = ("USD", "EUR", "GBP", "JPY", "CHF", "CAD", "AUD", "NZD", "CNY", "INR", "SEK", "NOK", "DKK")
_CODE = "|".join(_CODES)
_CURRENCY = re.compile(rf"^(?:[{_SIGNS}]|(?:{_CODE})(?![A-Za-z]))|(?:[{_SIGNS}]|(?<![A-Za-z])(?:{_CODE}))$")
_MINUS = "-\u2212"  # hyphen-minus and the Unicode minus sign
_BODY = {  # decimal point, decimal comma: the integer part either ungrouped or in groups of three
    False: re.compile(rf"(\d{{1,3}}(?:([,'{_SPACES}])\d{{3}}(?:\2\d{{3}})*)|\d*)(?:\.(\d*))?([eE][+-]?\d+)?"),
    True: re.compile(rf"(\d{{1,3}}(?:([.{_SPACES}])\d{{3}}(?:\2\d{{3}})*)|\d*)(?:,(\d*))?([eE][+-]?\d+)?"),
}
_PLAIN = {False: re.compile(r"-?\d+(?:\.(\d*))?"), True: re.compile(r"-?\d+(?:,(\d*))?")}  # the common case
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})(?:-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?)?")
# Dates as Excel's CSV export and analysts write them: 1/31/2023, 31.01.2023, 31-01-23 (the order of
# day and month decided for the whole file, see date_order), 2023/01/31, 31 Jan 2023, 31-Jan-23,
# Jan 31, 2023, January 2023; a time may follow. Month names are English.
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_YEAR_FIRST = re.compile(r"(\d{4})([/.])(\d{1,2})\2(\d{1,2})")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[ -]([A-Za-z]{3,9})\.?[ -](\d{4}|\d{2})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]{3,9})\.? (\d{1,2}), ?(\d{4})")
_MONTH_YEAR = re.compile(r"([A-Za-z]{3,9})\.?[ -](\d{4})")
_TIME = re.compile(r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?")
_MONTHS = {name: i for i, names in enumerate(
    [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",), ("jun", "june"),
     ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
     ("dec", "december")], 1) for name in names}
_EPOCH = dt.datetime(1899, 12, 30)  # Excel's 1900 date system, as serial numbers from 1 March 1900 on


class Cell(NamedTuple):  # a tuple: millions are made, and a dataclass costs twice as much
    """A classified cell. ``kind`` is blank, number, date, undated (a date written without saying
    which of day and month comes first), logical, error or text; ``value`` is the
    number (dates as Excel serial numbers); ``shown`` is how a message quotes it; ``decimals`` the
    digits written after the decimal separator (None when the file stored a number)."""

    kind: str
    value: float = 0.0
    shown: str = ""
    decimals: int | None = None
    percent: bool = False


BLANK = Cell("blank")


def excel_serial(value: dt.date | dt.datetime | dt.time | dt.timedelta) -> float:
    """Days since 1899-12-30 with the time as a fraction: the number Excel stores for a date."""
    if isinstance(value, dt.timedelta):
        return value / dt.timedelta(days=1)
    if isinstance(value, dt.time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    return (value - _EPOCH) / dt.timedelta(days=1)


def _strip_currency(text: str) -> str:
    for _ in range(2):  # a sign or code at either end ("$1,234", "1.234 €", "USD 5")
        text = _CURRENCY.sub("", text, count=1).strip(_SPACES)
    return text


def parse_number(text: str, decimal_comma: bool) -> Cell | None:
    """The number ``text`` writes, or None when it is not one."""
    t = text.strip(_SPACES)
    plain = _PLAIN[decimal_comma].fullmatch(t)
    if plain:
        fraction = plain.group(1)
        return Cell("number", float(t.replace(",", ".") if decimal_comma else t), t, len(fraction or ""))
    negative = False
    if len(t) > 2 and t[0] == "(" and t[-1] == ")":  # accounting negative, "(1,234)" or "($1,234)"
        t, negative = t[1:-1].strip(_SPACES), True
    percent = t.endswith("%")
    if percent:
        t = t[:-1].rstrip(_SPACES)
    signed = negative  # the parentheses are the sign: "(-5)" is not read
    for _ in range(2):  # "-$1,234" and "$-1,234" alike
        if not signed and t[:1] in ("+", *_MINUS):
            negative ^= t[0] != "+"
            t, signed = t[1:].lstrip(_SPACES), True
        t = _strip_currency(t)
    match = _BODY[decimal_comma].fullmatch(t)
    if match is None or not (match.group(1) or match.group(3)):
        return None
    whole, _, fraction, exponent = match.groups()
    value = float((re.sub(r"\D", "", whole) or "0") + "." + (fraction or "0") + (exponent or ""))
    if negative:
        value = -value
    if percent:
        value /= 100
    return Cell("number", value, text.strip(_SPACES), len(fraction or "") if not exponent else None, percent)


def _iso_date(text: str) -> Cell | None:
    match = _ISO_DATE.fullmatch(text)
    if match is None:
        return None
    y, m, d, hh, mm, ss = match.groups()
    try:
        when = dt.datetime(int(y), int(m), int(d or 1), int(hh or 0), int(mm or 0))
    except ValueError:
        return None
    serial = excel_serial(when) + float(ss or 0) / 86400
    return Cell("date", serial, text)


def _year(text: str) -> int:
    """A year as written; two digits as Excel reads them (00-29: 2000s, 30-99: 1900s)."""
    year = int(text)
    return year if len(text) == 4 else year + (2000 if year < 30 else 1900)


def _date_parts(text: str, day_first: bool | None) -> tuple[int, int, int, str] | None:
    """(year, month, day, the rest) of a written date; None when ``text`` is not one, or when its day
    and month could be either way round and ``day_first`` does not say."""
    for pattern in (_YEAR_FIRST, _NUMERIC_DATE, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _MONTH_YEAR):
        match = pattern.match(text)
        if match is None:
            continue
        rest, g = text[match.end():], match.groups()
        if pattern is _YEAR_FIRST:
            return int(g[0]), int(g[2]), int(g[3]), rest
        if pattern is _NUMERIC_DATE:
            a, b = int(g[0]), int(g[2])
            if a == b:
                day_first = True  # either way round
            if day_first is None:  # the file does not say, or says both: never guess
                return None
            return (_year(g[3]), b, a, rest) if day_first else (_year(g[3]), a, b, rest)
        if pattern is _DAY_MONTH_YEAR:
            month = _MONTHS.get(g[1].lower())
            return (_year(g[2]), month, int(g[0]), rest) if month else None
        month = _MONTHS.get(g[0].lower())
        if month is None:
            return None
        return (int(g[2]), month, int(g[1]), rest) if pattern is _MONTH_DAY_YEAR else (int(g[1]), month, 1, rest)
    return None


def written_date(text: str, day_first: bool | None) -> Cell | None:
    """A date written as analysts and Excel's CSV export write it (see ``_NUMERIC_DATE``), as its
    Excel serial number."""
    parts = _date_parts(text, day_first)
    if parts is None:
        return None
    year, month, day, rest = parts
    clock = _TIME.fullmatch(rest)
    if clock is None:
        return None
    hh, mm, ss = clock.groups()
    try:
        when = dt.datetime(year, month, day, int(hh or 0), int(mm or 0))
    except ValueError:
        return None
    return Cell("date", excel_serial(when) + float(ss or 0) / 86400, text)


def ambiguous_date(text: str) -> bool:
    """``2/1/2023``: a date whose day and month could be either way round."""
    match = _NUMERIC_DATE.match(text)
    return match is not None and match.group(1) != match.group(3) and max(int(match.group(1)),
                                                                           int(match.group(3))) <= 12


def date_order(texts: Any) -> bool | None:
    """Whether the file's numeric dates put the day first (31/1/2023) or the month (1/31/2023): any
    date that can only be read one way decides; none, or both ways in one file, leaves it open."""
    day_first = month_first = False
    for text in islice(texts, 4 * _VOTERS):
        match = _NUMERIC_DATE.match(text)
        if match is None:
            continue
        a, b = int(match.group(1)), int(match.group(3))
        day_first |= a > 12 >= b
        month_first |= b > 12 >= a
        if day_first and month_first:
            return None
    return True if day_first else False if month_first else None


def classify(raw: Any, decimal_comma: bool = False, day_first: bool | None = None) -> Cell:
    """Classify a value as a workbook reader or a CSV file gives it."""
    if raw is None or raw == "":
        return BLANK
    if type(raw) is str:
        plain = _PLAIN[decimal_comma].fullmatch(raw)  # most cells of a CSV: skip the general parse
        if plain:
            return Cell("number", float(raw.replace(",", ".") if decimal_comma else raw), raw,
                        len(plain.group(1) or ""))
    if isinstance(raw, bool):
        return Cell("logical", float(raw), "TRUE" if raw else "FALSE")
    if isinstance(raw, (int, float)):
        return Cell("number", float(raw))  # quoted by value when a message needs it
    if isinstance(raw, (dt.date, dt.time, dt.timedelta)):
        return Cell("date", excel_serial(raw), str(raw))
    text = str(raw).strip(_SPACES + "\t\r\n")
    if not text:
        return BLANK
    upper = text.upper()
    if upper in EXCEL_ERRORS:
        return Cell("error", shown=upper)
    if upper in ("TRUE", "FALSE"):
        return Cell("logical", float(upper == "TRUE"), upper)
    found = parse_number(text, decimal_comma) or _iso_date(text) or written_date(text, day_first)
    if found is None:  # "undated": a date whose day and month could be either way round (2/1/2023)
        found = Cell("undated", shown=text) if ambiguous_date(text) else Cell("text", shown=text)
    return found


_VOTERS = 50_000  # cells looked at: enough to decide, and a bound on the time it takes
_POINT_ONLY = re.compile(r"\d{1,3}(?:,\d{3})+\.\d+|\d*\.(?:\d{1,2}|\d{4,})|\d{4,}\.\d+|\d{1,3}(?:,\d{3}){2,}|0\.\d+")
_COMMA_ONLY = re.compile(r"\d{1,3}(?:\.\d{3})+,\d+|\d*,(?:\d{1,2}|\d{4,})|\d{4,},\d+|\d{1,3}(?:\.\d{3}){2,}|0,\d+")
_TRIM = re.compile(rf"^[\s(+\-\u2212{_SIGNS}]+|[\s)%{_SIGNS}]+$")


def uses_decimal_comma(texts: Any, default: bool = False) -> bool:
    """Whether the numbers among ``texts`` write a decimal comma: each one that can only be read one
    way ("1,5", "1.234,5" for commas; "1.5", "1,234.5" for points) is a vote; a tie keeps ``default``."""
    comma = point = 0
    for text in islice(texts, _VOTERS):
        core = _TRIM.sub("", text)
        if not core or not core[0].isdigit() and core[0] not in ".,":
            continue
        if _POINT_ONLY.fullmatch(core):
            point += 1
        elif _COMMA_ONLY.fullmatch(core):
            comma += 1
    return default if comma == point else comma > point
