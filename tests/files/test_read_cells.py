"""Numbers as analysts type them, checked against the values written out by hand."""
import datetime as dt

import pytest

from gdfit.files.read_cells import classify, excel_serial, parse_number, uses_decimal_comma


@pytest.mark.parametrize("text, value", [
    ("13,830", 13830.0), ("$13,830", 13830.0), ("13,830.25", 13830.25), ("1,234,567", 1234567.0),
    ("USD 1,234.50", 1234.5), ("1,234 USD", 1234.0), ("€12", 12.0), ("£1,000", 1000.0), ("¥5", 5.0),
    ("1.5%", 0.015), ("12 %", 0.12), ("(1,234)", -1234.0), ("($1,234.50)", -1234.5), ("-$1,234", -1234.0),
    ("$-1,234", -1234.0), ("\u22125", -5.0), ("+7", 7.0), ("  42  ", 42.0), ("1\u00a0234", 1234.0),
    ("1\u2009234.5", 1234.5), ("1\u202f234", 1234.0), ("1'234.5", 1234.5), (".5", 0.5), ("1.5E+03", 1500.0),
    ("0.015", 0.015), ("1.234", 1.234),
])
def test_decimal_point_numbers(text, value):
    cell = parse_number(text, decimal_comma=False)
    assert cell is not None and cell.value == value


@pytest.mark.parametrize("text, value", [
    ("1.234", 1234.0), ("1.234,5", 1234.5), ("1 234,5", 1234.5), ("1\u00a0234,56 €", 1234.56), ("12,5%", 0.125),
    ("-0,5", -0.5), ("(1.000)", -1000.0), ("1.234.567", 1234567.0), ("1,5E3", 1500.0), ("101,5", 101.5),
])
def test_decimal_comma_numbers(text, value):
    cell = parse_number(text, decimal_comma=True)
    assert cell is not None and cell.value == value


@pytest.mark.parametrize("text, comma", [
    ("1,5", False), ("12,34", False), ("1.2.3", False), ("--5", False), ("(-5)", False), ("5-", False),
    ("1,2345", False), ("12,34,567", False), ("abc", False), ("-", False), ("$", False), ("USDX 5", False),
    ("1.5", True), ("1,234.5", True), ("1.23", True), ("nan", False), ("inf", False), ("1e", False),
])
def test_text_that_is_not_a_number_is_refused(text, comma):
    # A wrong separator is refused rather than read as another number ("1,5" is not 15).
    assert parse_number(text, decimal_comma=comma) is None


def test_cells_are_classified_with_their_excel_spelling():
    assert classify(None).kind == classify("").kind == classify("   ").kind == "blank"
    assert (classify(True).kind, classify(True).shown) == ("logical", "TRUE")
    assert (classify("false").kind, classify("false").shown) == ("logical", "FALSE")
    assert (classify("#n/a").kind, classify("#n/a").shown) == ("error", "#N/A")
    assert classify("#DIV/0!").shown == "#DIV/0!"
    assert classify(3).value == 3.0 and classify(2.5).kind == "number"
    assert classify("North").kind == "text"


def test_dates_become_excel_serial_numbers():
    # Excel's serials: 1 Jan 2023 is 44927, noon adds 0.5, 6 hours is 0.25 of a day.
    assert excel_serial(dt.date(2023, 1, 1)) == 44927.0
    assert excel_serial(dt.datetime(2023, 1, 1, 12)) == 44927.5
    assert excel_serial(dt.time(6)) == 0.25
    assert excel_serial(dt.timedelta(days=1, hours=12)) == 1.5
    assert classify(dt.date(1900, 3, 1)).value == 61.0  # the first serial after Excel's 29 Feb 1900
    assert (classify("2023-01-31").kind, classify("2023-01-31").value) == ("date", 44957.0)
    assert classify("2023-01-31 18:00").value == 44957.75
    assert classify("2023-02-30").kind == "text"


def test_decimal_commas_are_decided_by_the_numbers_that_can_only_be_read_one_way():
    assert uses_decimal_comma(["1,5", "2,75", "1.234"]) is True
    assert uses_decimal_comma(["1.5", "13,830", "1.234"]) is False
    assert uses_decimal_comma(["1.234", "5"], default=True) is True  # nothing decides: the default
    assert uses_decimal_comma(["1.234", "5"], default=False) is False
    assert uses_decimal_comma(["(2,5)", "-1,5", "3,5%", "12.000.000"]) is True
