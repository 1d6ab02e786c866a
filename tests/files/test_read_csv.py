"""gdfit.read_data on text files: the reference sales table saved the ways Excel saves CSV, and the
rules one by one, each asserting exactly which X and y were read and what was left out."""
import datetime as dt

import numpy as np
import pytest

import gdfit
from gdfit import InputError

# The reference: 24 months of sales. Units sold is a rounded linear model of the other three, so a
# fit could recover it; here only the reading is checked, against these exact values.
MONTHS = [dt.date(2023 + i // 12, i % 12 + 1, 1) for i in range(24)]
AD_SPEND = [12000 + 550 * i + (i % 5) * 730 - (i % 3) * 410 for i in range(24)]
VISITS = [30000 + 900 * i + ((i * 7) % 11) * 320 for i in range(24)]
PRICE = [round(100 + 0.4 * i - ((i * 5) % 7) * 0.35, 2) for i in range(24)]
NOISE = [((i * 13) % 9 - 4) * 2.5 for i in range(24)]
UNITS = [float(round(150 + 0.011 * a + 0.004 * v - 1.6 * p + n)) for a, v, p, n in zip(AD_SPEND, VISITS, PRICE, NOISE)]
HEADERS = ["Month", "Ad spend ($)", "Web visits", "Price index", "Units sold"]
X_COLUMNS = HEADERS[1:4]


def expected_x():
    return np.column_stack([AD_SPEND, VISITS, PRICE]).astype(float)


def assert_reference(d, index):
    """X and y are the reference values, labelled by the headers, indexed by the file's lines/rows."""
    assert list(d.X.columns) == X_COLUMNS and d.y.name == "Units sold"
    np.testing.assert_array_equal(d.X.to_numpy(), expected_x())
    np.testing.assert_array_equal(d.y.to_numpy(), UNITS)
    assert list(d.X.index) == list(d.y.index) == list(index)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def excel_csv_utf8():
    """As Excel's "CSV UTF-8" writes a formatted sheet: BOM, CRLF, shown values, trailing empty rows."""
    lines = ["Sales 2023-24,,,,", ",,,,", ",".join(HEADERS)]
    for m, a, v, p, u in zip(MONTHS, AD_SPEND, VISITS, PRICE, UNITS):
        lines.append(f'{m:%b-%y},"${a:,}","{v:,}",{p:.2f},{u:.0f}')
    lines.append(f'Total,"${sum(AD_SPEND):,}","{sum(VISITS):,}",{np.mean(PRICE):.2f},"{sum(UNITS):,.0f}"')
    lines += [",,,,"] * 3
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def test_excel_csv_utf8_with_title_currency_thousands_total_and_trailing_rows(tmp_path):
    d = gdfit.read_data(write(tmp_path, "sales.csv", excel_csv_utf8()))
    assert_reference(d, range(4, 28))
    assert d.where == ("sales.csv (UTF-8 with BOM, ','-separated): x = 'Ad spend ($)' (column 2), 'Web visits' "
                       "(column 3), 'Price index' (column 4); y = 'Units sold' (column 5); lines 4-27, 24 rows")
    assert d.skipped == (
        "line 1: above the header (line 3), not read (titles and notes)",
        "'Month' (column 1): text, not numbers",
        "line 28: a total row (labelled 'Total'), left out",
    )
    assert d.notes == () and d.sheet is None and d.x_refs == () and d.y_ref is None


def test_semicolon_windows_1252_with_decimal_commas_and_euro_signs(tmp_path):
    lines = ["Monat;Werbung (€);Besuche;Preisindex;Absatz"]
    for m, a, v, p, u in zip(MONTHS, AD_SPEND, VISITS, PRICE, UNITS):
        lines.append(f"{m:%d.%m.%Y};{a:,} €;{v:,};{p:.2f};{u:.0f}".replace(",", "X").replace(".", ",")
                     .replace("X", ".").replace(",2023", ".2023").replace(",2024", ".2024"))
    d = gdfit.read_data(write(tmp_path, "umsatz.csv", "\r\n".join(lines), encoding="cp1252"))
    assert list(d.X.columns) == ["Werbung (€)", "Besuche", "Preisindex"] and d.y.name == "Absatz"
    np.testing.assert_array_equal(d.X.to_numpy(), expected_x())
    np.testing.assert_array_equal(d.y.to_numpy(), UNITS)
    assert d.where.startswith("umsatz.csv (Windows-1252 (not valid UTF-8), ';'-separated, decimal commas): ")
    assert d.skipped == ("'Monat' (column 1): text, not numbers",)


def test_unicode_text_is_utf16_tab_separated(tmp_path):
    lines = ["\t".join(HEADERS)] + [f"{m:%Y-%m-%d}\t${a:,}\t{v:,}\t{p}\t{u:.0f}"
                                    for m, a, v, p, u in zip(MONTHS, AD_SPEND, VISITS, PRICE, UNITS)]
    d = gdfit.read_data(write(tmp_path, "sales.txt", "\ufeff" + "\r\n".join(lines), encoding="utf-16-le"))
    assert_reference(d, range(2, 26))
    assert d.where.startswith("sales.txt (UTF-16, tab-separated): ")
    # ISO dates are dates: left out by default, Excel serial numbers when named.
    assert d.skipped == ("'Month' (column 1): dates, not picked by default (name the column in x to read them "
                         "as Excel serial numbers)",)
    named = gdfit.read_data(tmp_path / "sales.txt", x="Month, Ad spend ($)", y="Units sold")
    serials = [(m - dt.date(1899, 12, 30)).days for m in MONTHS]
    np.testing.assert_array_equal(named.X["Month"], serials)
    assert named.notes == ("'Month': dates read as Excel serial numbers (2023-01-01 -> 44927)",)
    assert named.skipped == ("'Web visits' (column 3): not named in x or y",
                             "'Price index' (column 4): not named in x or y")


def test_unlabelled_sum_and_mean_rows_at_the_end_are_totals(tmp_path):
    # The mean is written with two decimals, as a formatted export shows it: equal within the digits shown.
    lines = ["|".join(HEADERS[1:])] + [f"{a}|{v}|{p}|{u:.0f}" for a, v, p, u in zip(AD_SPEND, VISITS, PRICE, UNITS)]
    lines.append(f"{sum(AD_SPEND)}|{sum(VISITS)}|{np.mean(PRICE):.2f}|{sum(UNITS):.0f}")
    lines.append(f"{np.mean(AD_SPEND):.2f}|{np.mean(VISITS):.2f}|{np.mean(PRICE):.2f}|{np.mean(UNITS):.2f}")
    d = gdfit.read_data(write(tmp_path, "sales.csv", "\n".join(lines)))
    assert_reference(d, range(2, 26))
    assert d.where.startswith("sales.csv (UTF-8, '|'-separated): ")
    assert d.skipped == ("lines 26-27: totals (each value is the sum or the mean of the rows above), left out",)


def test_a_row_equal_to_a_mean_inside_the_data_is_kept(tmp_path):
    # Only rows at the end can be totals by value: line 5 is the mean of lines 2-4 by chance, and stays.
    rows = [(1, 10), (3, 30), (2, 20), (2, 20), (7, 70), (9, 90)]
    d = gdfit.read_data(write(tmp_path, "m.csv", "x,y\n" + "\n".join(f"{a},{b}" for a, b in rows)))
    assert list(d.y) == [10, 30, 20, 20, 70, 90] and d.skipped == ()


def test_percentages_accounting_negatives_unicode_minus_and_odd_spaces(tmp_path):
    text = ("Region,Growth,Margin,Profit\n"
            'North,1.5%,"(1,234)",\u22125\n'
            "South,2%,\u00a0 12 ,1\u202f234.5\n"
            'East,-0.5%,"$-1,000", +7 \n')
    d = gdfit.read_data(write(tmp_path, "p.csv", text))
    assert d.X.to_dict("list") == {"Growth": [0.015, 0.02, -0.005], "Margin": [-1234.0, 12.0, -1000.0]}
    assert list(d.y) == [-5.0, 1234.5, 7.0]
    assert d.notes == ("'Growth': percentages read as fractions (1.5% -> 0.015)",)
    assert d.skipped == ("'Region' (column 1): text, not numbers",)


def test_percent_and_plain_numbers_in_one_column_are_an_error(tmp_path):
    path = write(tmp_path, "p.csv", "a,b\n1.5%,1\n2,2\n3%,3\n")
    with pytest.raises(InputError, match=r"^'a' \(column 1\) mixes percentages \('1.5%'\) and plain numbers \('2'\); "
                                         r"write them all with % or all without\.$"):
        gdfit.read_data(path)


def test_a_blank_cell_names_the_header_the_line_and_the_fixes(tmp_path):
    lines = [",".join(HEADERS[1:])] + [f"{a},{v},{p},{u}" for a, v, p, u in zip(AD_SPEND, VISITS, PRICE, UNITS)]
    lines[3] = f"{AD_SPEND[2]},,{PRICE[2]},{UNITS[2]}"  # line 4: no web visits
    path = write(tmp_path, "gap.csv", "\n".join(lines))
    message = ("'Web visits' (column 2) is blank at line 4; fill it in, delete line 4, or leave incomplete rows "
               "out with missing=\"drop\" (on the command line --missing drop).")
    with pytest.raises(InputError) as caught:
        gdfit.read_data(path)
    assert str(caught.value) == message
    d = gdfit.read_data(path, missing="drop")
    keep = [i for i in range(24) if i != 2]
    np.testing.assert_array_equal(d.X.to_numpy(), expected_x()[keep])
    np.testing.assert_array_equal(d.y.to_numpy(), np.array(UNITS)[keep])
    assert d.skipped == ("line 4: incomplete, left out (missing=\"drop\"); blank at line 4 ('Web visits')",)
    assert d.where.endswith("lines 2-25, 23 rows")


def test_a_mostly_numeric_column_with_a_stray_cell_is_an_error_not_dropped(tmp_path):
    lines = [",".join(HEADERS[1:])] + [f'"{a:,}",{v},{p},{u}' for a, v, p, u in zip(AD_SPEND, VISITS, PRICE, UNITS)]
    lines[5] = lines[5].replace(f"{VISITS[4]}", "n/a").replace(f"{PRICE[4]}", "#N/A")
    path = write(tmp_path, "bad.csv", "\n".join(lines))
    with pytest.raises(InputError) as caught:
        gdfit.read_data(path)
    assert str(caught.value) == ("column 'Web visits' (column 2) has 'n/a' at line 6; type a number there "
                                 "(this file writes decimal points), or delete the row.")
    with pytest.raises(InputError, match=r"^x 'Price index' \(column 3\) has #N/A \(an Excel error value\) at "
                                         r"line 6; fix the formula there, or clear the cell\.$"):
        gdfit.read_data(path, x="Ad spend ($), price index", y="Units sold")
    with pytest.raises(InputError, match=r"^x 'C2:C25': 'Price index' \(column 3\) has #N/A"):
        gdfit.read_data(path, x=["A2:A25", "C2:C25"], y="Units sold")
    with pytest.raises(InputError, match=r"column 'Web visits' .* has TRUE \(a logical value\) at line 6; "
                                         r"type a number there \(1 or 0 for TRUE or FALSE\)\.$"):
        gdfit.read_data(write(tmp_path, "t.csv", "\n".join(lines).replace("n/a", "TRUE")))


def test_ranges_and_lines_of_a_csv_read_as_excel_shows_them(tmp_path):
    path = write(tmp_path, "sales.csv", excel_csv_utf8())
    d = gdfit.read_data(path, x="B4:D27", y="$E$3:$E$27")
    assert_reference(d, range(4, 28))
    assert d.skipped == ("line 1: above the header (line 3), not read (titles and notes)",
                         "'Month' (column 1): not named in x or y")
    whole = gdfit.read_data(path, x="b:d", y="E:E")  # whole columns: the rows of the table they are in
    assert_reference(whole, range(4, 28))
    assert "line 28: a total row (labelled 'Total'), left out" in whole.skipped


def test_arguments_that_are_wrong_are_named(tmp_path):
    path = write(tmp_path, "sales.csv", excel_csv_utf8())
    cases = [
        (dict(x="Ad spnd"), "x 'Ad spnd' is not a column header (headers: 'Month', 'Ad spend ($)', 'Web visits', "
                            "'Price index', 'Units sold'), a range like B3:B26 or B:B, or a table column like "
                            "Table1[Ad spend]; check the spelling."),
        (dict(y="Units sold", x="Units sold, Web visits"),
         "y 'Units sold' is also among the x columns (as 'Units sold'); leave it out of x."),
        (dict(x="Web visits, web  VISITS"), "x names 'Web visits' (column 3) twice ('Web visits' and 'web  VISITS'); "
                                            "name each column once."),
        (dict(y="B:C"), "y 'B:C' names 2 columns; give one column for y."),
        (dict(x="B4:B10", y="E4:E27"), "x 'B4:B10' has 7 rows but y 'E4:E27' has 24; give ranges of the same rows."),
        (dict(x="Sheet1!B:B"), "x 'Sheet1!B:B' names a sheet, but sales.csv is a CSV file; give the range without "
                               "the sheet name."),
        (dict(x="B5"), "x 'B5' is a single cell; give a column of cells, like B3:B26."),
        (dict(sheet="Data"), "sheet='Data' was given, but sales.csv is a CSV file without sheets; leave it out."),
        (dict(missing="skip"), "missing must be 'error' or 'drop'; got 'skip'."),
        (dict(x="Table1[Ad spend]"), "x 'Table1[Ad spend]': sales.csv has no Excel table 'Table1' (python-calamine "
                                     "reads tables from .xlsx files only); name the cells by header or range instead."),
    ]
    for kwargs, message in cases:
        with pytest.raises(InputError) as caught:
            gdfit.read_data(path, **kwargs)
        assert str(caught.value) == message, kwargs


def test_files_that_cannot_be_read_say_why(tmp_path):
    with pytest.raises(InputError, match=r"^path '.*nope.csv' is not a file; give the path"):
        gdfit.read_data(tmp_path / "nope.csv")
    with pytest.raises(InputError, match=r"^a.json: .json is not a format gdfit reads"):
        gdfit.read_data(write(tmp_path, "a.json", "{}"))
    zipped = tmp_path / "book.csv"
    zipped.write_bytes(b"PK\x03\x04rest")
    with pytest.raises(InputError, match=r"^book.csv is a workbook, not text; give it its .xlsx"):
        gdfit.read_data(zipped)
    with pytest.raises(InputError, match=r"^found no table of numbers in words.csv; name the cells"):
        gdfit.read_data(write(tmp_path, "words.csv", "a,b\nc,d\n"))


def test_old_failures_blank_cells_no_longer_read_as_nan(tmp_path):
    # The old reader said "nan at row 4, column 2": now the header and the line are named.
    path = write(tmp_path, "n.csv", "spend,sales\n1,2\n2,4\n,6\n4,8\n")
    with pytest.raises(InputError, match=r"^'spend' \(column 1\) is blank at line 4; fill it in"):
        gdfit.read_data(path)


def test_excel_sep_line_and_a_table_beside_the_data(tmp_path):
    # "sep=;" is Excel's own delimiter hint; a summary block right of an empty column is not data.
    text = ("sep=;\nspend;sales;;Summary;\n1;2;;mean;2,5\n2;3;;max;4\n3;4;;;\n4;4;;;\n")
    d = gdfit.read_data(write(tmp_path, "s.csv", text))
    assert d.X.to_dict("list") == {"spend": [1.0, 2.0, 3.0, 4.0]} and list(d.y) == [2.0, 3.0, 4.0, 4.0]
    assert d.where == ("s.csv (UTF-8, ';'-separated, decimal commas): x = 'spend' (column 1); "
                       "y = 'sales' (column 2); lines 3-6, 4 rows")
    assert d.skipped == ("line 1: above the header (line 2), not read (titles and notes)",
                         "columns 4-5: beside the table, not read")


@pytest.mark.parametrize("label", ["Total", "TOTAL:", "Grand total", "Subtotal", "Sub-total H1", "Sum", "Average",
                                   "mean"])
def test_rows_labelled_as_totals_are_left_out(tmp_path, label):
    rows = "\n".join(f"M{i},{i},{2 * i + 1}" for i in range(1, 6))
    d = gdfit.read_data(write(tmp_path, "t.tsv", f"month,spend,sales\n{rows}\n{label},99,1\n".replace(",", "\t")))
    assert list(d.X["spend"]) == [1.0, 2.0, 3.0, 4.0, 5.0] and list(d.y) == [3.0, 5.0, 7.0, 9.0, 11.0]
    assert d.skipped[-1] == f"line 7: a total row (labelled {label!r}), left out"


def test_text_the_csv_module_refuses_is_one_line(tmp_path):
    path = write(tmp_path, "huge.csv", "a,b\n" + "x" * 200_000 + ",1\n")
    with pytest.raises(InputError, match=r"^huge.csv could not be read as CSV \(field larger than field limit"):
        gdfit.read_data(path)


def _serial(day):
    return float((day - dt.date(1899, 12, 30)).days)


@pytest.mark.parametrize("style, write_date", [
    ("US, month first", lambda d: f"{d.month}/{d.day}/{d.year}"),
    ("European, day first, dots", lambda d: f"{d.day:02d}.{d.month:02d}.{d.year}"),
    ("day first, two-digit year", lambda d: f"{d.day}/{d.month}/{d.year % 100:02d}"),
    ("year first, slashes", lambda d: f"{d.year}/{d.month:02d}/{d.day:02d}"),
    ("Excel's d-mmm-yy", lambda d: d.strftime("%d-%b-%y")),
    ("month name, day, year", lambda d: d.strftime("%b %d, %Y")),
])
def test_dates_as_excel_and_analysts_write_them_are_serial_numbers_when_named(tmp_path, style, write_date):
    # Month ends, so that some day is above 12 and tells the day from the month.
    days = [dt.date(2023, m, 1) + dt.timedelta(days=-1) for m in range(2, 13)] + [dt.date(2023, 12, 31)]
    lines = ["Month,Units"] + [f"\"{write_date(d)}\",{u}" for d, u in zip(days, UNITS)]
    path = write(tmp_path, "dates.csv", "\n".join(lines))
    d = gdfit.read_data(path, x="Month", y="Units")
    assert list(d.X["Month"]) == [_serial(day) for day in days]
    assert d.notes == (f"'Month': dates read as Excel serial numbers ({write_date(days[0])} -> 44957)",)
    with pytest.raises(InputError, match=r"^found no column of numbers for x"):
        gdfit.read_data(path)  # dates are never picked by default


def test_a_month_name_alone_is_the_first_of_the_month():
    from gdfit.files.read_cells import classify
    assert classify("January 2023").value == classify("Jan-2023").value == _serial(dt.date(2023, 1, 1))


def test_dates_that_never_tell_day_from_month_are_refused_not_guessed(tmp_path):
    # 1/2/2023 ... 12/2/2023 is the 1st of each month to an American and 1-12 February to a European.
    lines = ["Month,Units"] + [f"{m}/2/2023,{u}" for m, u in zip(range(1, 13), UNITS)]
    path = write(tmp_path, "firsts.csv", "\n".join(lines))
    with pytest.raises(InputError) as caught:
        gdfit.read_data(path, x="Month", y="Units")
    assert str(caught.value) == (
        "x 'Month' (column 1) has '1/2/2023' at line 2, '3/2/2023' at line 4, '4/2/2023' at line 5 and 8 more; "
        "each date's day and month are 12 or less, so the file does not say whether 1/2/2023 puts the day or the "
        "month first; write the dates as 2023-01-31 (or a number).")


def test_a_file_that_writes_dates_both_ways_round_reads_none_of_them(tmp_path):
    lines = ["Month,Units", "1/31/2023,5", "28/2/2023,6", "3/31/2023,7", "30/4/2023,8"]
    path = write(tmp_path, "both.csv", "\n".join(lines))
    with pytest.raises(InputError, match=r"^x 'Month' \(column 1\) has '1/31/2023' at line 2, '28/2/2023' at line 3"):
        gdfit.read_data(path, x="Month", y="Units")
