"""gdfit.read_data on workbooks saved by a spreadsheet program, as analysts' files are: the test
writes flat ODF (.fods) and LibreOffice converts it, so formula cells carry the results it
calculated, and python-calamine reads them back."""
import datetime as dt
import os
import re
import struct
import subprocess
import sys
import zipfile

import numpy as np
import openpyxl
import pytest

import gdfit
from gdfit import InputError
from tests.files.test_read_csv import (
    AD_SPEND,
    HEADERS,
    MONTHS,
    NOISE,
    PRICE,
    UNITS,
    VISITS,
    assert_reference,
    expected_x,
)
from tests.fods import Formula, fods
from tests.lo import needs_soffice, soffice

pytestmark = needs_soffice

def units_formula(row, i):
    return Formula(f"of:=ROUND(150+0.011*[.B{row}]+0.004*[.C{row}]-1.6*[.D{row}]+({NOISE[i]});0)")


def analyst_sheet():
    """Title and note rows, a header in row 4, a blank row 17 between the years, Units sold computed
    by formula, a Total row 30 (SUM and AVERAGE formulas) and a note below."""
    rows = [["Sales 2023-24: monthly figures"], ["Source: CRM export; figures are provisional"], [], HEADERS]
    for i in range(24):
        r = len(rows) + 1
        rows.append([MONTHS[i], AD_SPEND[i], VISITS[i], PRICE[i], units_formula(r, i)])
        if i == 11:
            rows.append([])
    rows.append(["Total", Formula("of:=SUM([.B5:.B29])"), Formula("of:=SUM([.C5:.C29])"),
                 Formula("of:=AVERAGE([.D5:.D29])"), Formula("of:=SUM([.E5:.E29])")])
    rows += [[], ["Note: Units sold is computed from the demand model."]]
    return rows


def plain_sheet(change=None):
    rows = [HEADERS] + [[MONTHS[i], AD_SPEND[i], VISITS[i], PRICE[i], UNITS[i]] for i in range(24)]
    if change:
        change(rows)
    return rows


def _gap(rows):
    rows[8][2] = None  # C9


def _na(rows):
    rows[11][3] = Formula("of:=NA()")  # D12


def _typed(rows):
    for row in rows[1:]:
        row[1], row[2] = f"${row[1]:,}", f"{row[2]:,}"  # numbers typed as text, as pasted from a report


SALES = {"Notes": [["About this workbook"], ["The data are on the sheet 'Sales 2023-24'."]],
         "Sales 2023-24": analyst_sheet(), "Gaps": plain_sheet(_gap), "Errors": plain_sheet(_na),
         "Typed": plain_sheet(_typed)}
NAMES = ('<table:named-expressions><table:named-range table:name="ad_spend" '
         "table:base-cell-address=\"$'Sales 2023-24'.$A$1\" "
         "table:cell-range-address=\"$'Sales 2023-24'.$B$5:.$B$29\"/></table:named-expressions>"
         '<table:database-ranges><table:database-range table:name="SalesTable" '
         "table:target-range-address=\"'Sales 2023-24'.A4:'Sales 2023-24'.E29\" table:contains-header=\"true\"/>"
         "</table:database-ranges>")
FORMATS = ("xlsx", "xls", "ods", "xlsm", "xltx")
ROWS = [*range(5, 17), *range(18, 30)]


def _strict(source, target):
    """The Strict Open XML flavour of an .xlsx: the same parts under the ISO namespaces. LibreOffice
    cannot write Strict, so the namespaces are swapped here, as Excel's "Strict Open XML" save does."""
    swaps = [(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
              b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
             (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
              b"http://purl.oclc.org/ooxml/officeDocument/relationships")]
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            for old, new in swaps:
                data = data.replace(old, new)
            dst.writestr(info, data)
    return target


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """sales.<format> for every format LibreOffice writes, converted once for the module."""
    tmp = tmp_path_factory.mktemp("books")
    source = tmp / "sales.fods"
    source.write_text(fods(SALES, NAMES), encoding="utf-8")
    made = {fmt: soffice(tmp / "profile", fmt, tmp, source) for fmt in FORMATS}
    made["strict"] = _strict(made["xlsx"], tmp / "sales_strict.xlsx")
    return made


def _where(name, active_known):
    why = "the first sheet with numbers; the active sheet 'Notes' has none" if active_known \
        else "the first sheet with numbers"
    return (f"{name}, sheet 'Sales 2023-24' ({why}): x = B5:B29 (Ad spend ($)), C5:C29 (Web visits), "
            "D5:D29 (Price index); y = E5:E29 (Units sold); 24 rows")


SKIPPED = (
    "rows 1-2: above the header (row 4), not read (titles and notes)",
    "row 32: below the table, not read",
    "'Month' (column A): dates, not picked by default (name the column in x to read them as Excel serial numbers)",
    "row 30: a total row (labelled 'Total'), left out",
    "row 17: blank in every column read",
)


@pytest.mark.parametrize("fmt", [*FORMATS, "strict"])
def test_the_analyst_sheet_reads_the_same_from_every_format(books, fmt):
    d = gdfit.read_data(books[fmt])
    assert_reference(d, ROWS)
    assert d.where == _where(books[fmt].name, active_known=fmt not in ("xls", "ods"))
    assert d.skipped == SKIPPED and d.notes == ()
    assert d.sheet == "Sales 2023-24"
    assert d.x_refs == ("'Sales 2023-24'!B5:B29", "'Sales 2023-24'!C5:C29", "'Sales 2023-24'!D5:D29")
    assert d.y_ref == "'Sales 2023-24'!E5:E29"


@pytest.mark.parametrize("x, y", [
    ("ad spend ($), WEB VISITS, Price  index", "units sold"),
    ("$B$5:$D$29", "E5:E29"),
    (["B:B", "C:D"], "E:E"),
    ("'Sales 2023-24'!B4:B29, Web visits, D:D", "SalesTable[Units sold]"),
    ("ad_spend, SalesTable[Web visits], $D$4:$D$29", "'sales 2023-24'!$E$5:$E$29"),
])
def test_x_and_y_by_header_range_column_table_and_name(books, x, y):
    d = gdfit.read_data(books["xlsx"], sheet="SALES 2023-24", x=x, y=y)
    assert_reference(d, ROWS)
    assert d.where.startswith("sales.xlsx, sheet 'Sales 2023-24': x = B5:B29 (Ad spend ($)), C5:C29 (Web visits), ")
    assert "row 17: blank in every column read" in d.skipped


def test_defined_names_in_ods_and_ranges_on_another_sheet(books):
    d = gdfit.read_data(books["ods"], x="ad_spend, 'Sales 2023-24'!C5:D29", y="'Sales 2023-24'!E5:E29")
    assert_reference(d, ROWS)
    # The sheet read by default is Sales 2023-24 too, so its ranges are written unqualified.
    assert d.where.startswith("sales.ods, sheet 'Sales 2023-24' (the first sheet with numbers): x = B5:B29")
    other = gdfit.read_data(books["xlsx"], sheet="Gaps", x="'Typed'!B2:B25", y="E:E")
    np.testing.assert_array_equal(other.X["Ad spend ($)"], AD_SPEND)
    np.testing.assert_array_equal(other.y, UNITS)
    assert other.where == ("sales.xlsx, sheet 'Gaps': x = 'Typed'!B2:B25 (Ad spend ($)); y = E2:E25 (Units sold); "
                           "24 rows")
    with pytest.raises(InputError, match=r"^x \"'Sales 2023-24'!B5:B29\" has 25 rows but y 'E:E' has 24; give ranges"):
        gdfit.read_data(books["xlsx"], sheet="Gaps", x="'Sales 2023-24'!B5:B29", y="E:E")


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_a_blank_cell_is_named_and_missing_drop_leaves_the_row_out(books, fmt):
    with pytest.raises(InputError) as caught:
        gdfit.read_data(books[fmt], sheet="gaps")
    assert str(caught.value) == ("'Web visits' (column C) is blank at C9; fill it in, delete row 9, or leave "
                                 "incomplete rows out with missing=\"drop\" (on the command line --missing drop).")
    d = gdfit.read_data(books[fmt], sheet="gaps", missing="drop")
    keep = [i for i in range(24) if i != 7]
    np.testing.assert_array_equal(d.X.to_numpy(), expected_x()[keep])
    np.testing.assert_array_equal(d.y.to_numpy(), np.array(UNITS)[keep])
    assert list(d.X.index) == [r + 2 for r in keep]
    assert d.skipped[-1] == "row 9: incomplete, left out (missing=\"drop\"); blank at C9"


@pytest.mark.parametrize("fmt", ["xlsx", "ods", "xlsm", "strict"])
def test_excel_error_values_are_named_with_their_cell(books, fmt):
    message = ("column 'Price index' (column D) has #N/A (an Excel error value) at D12; fix the formula there, "
               "or clear the cell.")
    with pytest.raises(InputError) as caught:
        gdfit.read_data(books[fmt], sheet="Errors")
    assert str(caught.value) == message
    with pytest.raises(InputError, match=r"^column 'Price index' .* #N/A"):  # missing="drop" does not drop errors
        gdfit.read_data(books[fmt], sheet="Errors", missing="drop")


def test_xls_error_values_look_blank_and_the_message_says_so(books):
    with pytest.raises(InputError, match=r"^'Price index' \(column D\) is blank at D12 \(python-calamine shows "
                                         r"error values such as #N/A as blanks in .xls and .xlsb files\); fill it in"):
        gdfit.read_data(books["xls"], sheet="Errors")


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_numbers_typed_as_text_are_read(books, fmt):
    d = gdfit.read_data(books[fmt], sheet="Typed")
    assert_reference(d, range(2, 26))


def test_dates_named_as_x_are_excel_serial_numbers(books):
    d = gdfit.read_data(books["xlsx"], sheet="Sales 2023-24", x="Month, Ad spend ($)", y="Units sold")
    np.testing.assert_array_equal(d.X["Month"], [(m - dt.date(1899, 12, 30)).days for m in MONTHS])
    assert d.notes == ("'Month': dates read as Excel serial numbers (2023-01-01 -> 44927)",)


def test_wrong_sheets_tables_and_names_are_blamed(books):
    cases = [
        (dict(sheet="Sales"), "sheet 'Sales' is not a sheet of sales.xlsx; its sheets are 'Notes', 'Sales 2023-24', "
                              "'Gaps', 'Errors', 'Typed'."),
        (dict(x="Nope!B:B"), "x 'Nope!B:B': sheet 'Nope' is not a sheet of sales.xlsx; its sheets are 'Notes', "
                             "'Sales 2023-24', 'Gaps', 'Errors', 'Typed'."),
        (dict(y="SalesTable[Revenue]"), "y 'SalesTable[Revenue]': table SalesTable has no column 'Revenue'; its "
                                        "columns are 'Month', 'Ad spend ($)', 'Web visits', 'Price index', "
                                        "'Units sold'."),
        (dict(x="Other[Ad spend ($)]"), "x 'Other[Ad spend ($)]': sales.xlsx has no Excel table 'Other' (its tables "
                                        "are SalesTable); name the cells by header or range instead."),
        (dict(x="spend"), "x 'spend' is not a column header (headers: 'Month', 'Ad spend ($)', 'Web visits', "
                          "'Price index', 'Units sold'), a range like B3:B26 or B:B, or a table column like "
                          "Table1[Ad spend], a defined name; check the spelling."),
    ]
    for kwargs, message in cases:
        with pytest.raises(InputError) as caught:
            gdfit.read_data(books["xlsx"], **kwargs)
        assert str(caught.value) == message, kwargs


def _openpyxl_book(path, build):
    wb = openpyxl.Workbook()
    build(wb)
    wb.save(path)
    return path


def test_formulas_without_saved_results_say_how_to_fix_it(tmp_path):
    # openpyxl writes formulas but never their results: the typical file made by a script.
    def build(wb):
        ws = wb.active
        ws.title = "Data"
        ws.append(["spend", "sales"])
        for i in range(2, 8):
            ws.append([i, f"=A{i}*2"])
    path = _openpyxl_book(tmp_path / "script.xlsx", build)
    with pytest.raises(InputError) as caught:
        gdfit.read_data(path)
    assert str(caught.value) == ("script.xlsx, sheet 'Data': B2 holds a formula whose result was never saved (the file "
                                 "was written by a program that does not calculate, such as openpyxl); open it in "
                                 "Excel or LibreOffice, save it, and read it again.")


def test_the_active_sheet_is_read_by_default_and_logicals_are_named(tmp_path):
    def build(wb):
        first = wb.active
        first.title = "Old"
        for row in [["a", "b"], [1, 2], [2, 3], [3, 5]]:
            first.append(row)
        new = wb.create_sheet("New")
        for row in [["spend", "sales"], [1, 10], [2, True], [3, 30]]:
            new.append(row)
        wb.active = 1
    path = _openpyxl_book(tmp_path / "two.xlsx", build)
    with pytest.raises(InputError) as caught:
        gdfit.read_data(path)
    assert str(caught.value) == ("column 'sales' (column B) has TRUE (a logical value) at B3; type a number there "
                                 "(1 or 0 for TRUE or FALSE).")
    d = gdfit.read_data(path, sheet="old")
    assert d.X.to_dict("list") == {"a": [1.0, 2.0, 3.0]} and list(d.y) == [2.0, 3.0, 5.0]
    assert d.where == "two.xlsx, sheet 'Old': x = A2:A4 (a); y = B2:B4 (b); 3 rows"



def test_damaged_and_encrypted_workbooks_are_one_line(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip at all")
    with pytest.raises(InputError, match=r"^bad.xlsx is not a valid .xlsx file \(damaged, or saved in another"):
        gdfit.read_data(tmp_path / "bad.xlsx")
    (tmp_path / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(508))  # how Excel stores an encrypted book
    with pytest.raises(InputError, match=r"^locked.xlsx is password-protected, or an .xls file"):
        gdfit.read_data(tmp_path / "locked.xlsx")
    (tmp_path / "bad.xls").write_bytes(b"junk")
    with pytest.raises(InputError, match=r"^bad.xls could not be read \(.*\); open the file and save it again as .xlsx\.$"):
        gdfit.read_data(tmp_path / "bad.xls")


def test_the_sheet_an_ods_file_was_saved_on_is_read_by_default(books, tmp_path):
    # LibreOffice records the sheet it was saved on in settings.xml; its headless conversion leaves
    # that out, so the entry is put back here as a desktop save writes it.
    settings = ('<?xml version="1.0" encoding="UTF-8"?><office:document-settings '
                'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
                'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0"><office:settings>'
                '<config:config-item-set config:name="ooo:view-settings"><config:config-item-map-indexed '
                'config:name="Views"><config:config-item-map-entry><config:config-item config:name="ActiveTable" '
                'config:type="string">Typed</config:config-item></config:config-item-map-entry>'
                "</config:config-item-map-indexed></config:config-item-set></office:settings>"
                "</office:document-settings>")
    target = tmp_path / "saved.ods"
    with zipfile.ZipFile(books["ods"]) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, settings if info.filename == "settings.xml" else src.read(info))
    d = gdfit.read_data(target)
    assert_reference(d, range(2, 26))
    assert d.where.startswith("saved.ods, sheet 'Typed' (the active sheet): ")


def _formula_record_broken(xls: bytes) -> bytes:
    """The first BIFF8 FORMULA record (type 6: row, column, format, value, flags, 4 spare bytes, then
    the formula's length and tokens) told that its formula is far longer than the record."""
    data, at = bytearray(xls), 0
    while (at := data.find(b"\x06\x00", at + 1)) > 0:
        length, = struct.unpack_from("<H", data, at + 2)
        formula_length, = struct.unpack_from("<H", data, at + 24)
        if 22 < length < 300 and length == 22 + formula_length:
            struct.pack_into("<H", data, at + 24, 0x3000)
            return bytes(data)
    raise AssertionError("no FORMULA record found in LibreOffice's .xls")


def test_a_panic_in_the_xls_reader_is_one_line_on_the_terminal(books, tmp_path):
    # python-calamine's Rust core panics on this damage and prints the panic with a backtrace
    # straight to file descriptor 2 before raising it; a user sees only gdfit's line.
    broken = tmp_path / "broken.xls"
    broken.write_bytes(_formula_record_broken(books["xls"].read_bytes()))
    run = subprocess.run([sys.executable, "-m", "gdfit.cli", "fit", str(broken)], capture_output=True, text=True,
                         env={**os.environ, "RUST_BACKTRACE": "1"}, timeout=120)
    assert run.returncode == 2 and run.stdout == ""
    assert re.fullmatch(r"gdfit: error: broken.xls could not be read \(.+\); open the file and save it again "
                        r"as .xlsx\.\n", run.stderr), run.stderr


def test_a_damaged_xls_that_asks_for_terabytes_is_one_line_and_the_process_lives(books, tmp_path):
    # The DIMENSIONS record (type 0x200) told the sheet has 16,777,215 rows and 4,096 columns:
    # python-calamine allocates that block before reading a cell, and a failed allocation in Rust
    # aborts the process, so gdfit reads .xls files in a child process.
    data = bytearray(books["xls"].read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")
    assert at > 0, "no DIMENSIONS record in LibreOffice's .xls"
    struct.pack_into("<IIHH", data, at + 4, 0, 0x00FFFFFF, 0, 0x1000)
    (tmp_path / "huge.xls").write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"^huge.xls could not be read \(python-calamine stopped: memory allocation of "
                                         r"\d+ bytes failed; the file is damaged\); open it in Excel or LibreOffice"):
        gdfit.read_data(tmp_path / "huge.xls")
    intact = gdfit.read_data(books["xls"])  # the same reader, undamaged: the values come back from the child
    assert_reference(intact, ROWS)


def _far_cell_book(path, filled, drop_dimension=False):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in [["spend", "sales"], [1, 3], [2, 5], [3, 7.5]]:
        ws.append(row)
    far = ws["XFD1048576"]
    if filled:
        far.value = 1
    else:
        far.font = openpyxl.styles.Font(bold=True)  # formatted, empty: Excel's used range grows, calamine's does not
    wb.save(path)
    if drop_dimension:  # as some writers leave it out
        with zipfile.ZipFile(path) as src:
            parts = {i.filename: src.read(i) for i in src.infolist()}
        sheet = "xl/worksheets/sheet1.xml"
        parts[sheet] = re.sub(rb"<dimension [^>]*/>", b"", parts[sheet])
        assert b"dimension" not in parts[sheet]
        with zipfile.ZipFile(path, "w") as dst:
            for name, body in parts.items():
                dst.writestr(name, body)
    return path


@pytest.mark.parametrize("drop_dimension", [False, True])
def test_a_stray_cell_in_the_last_corner_is_refused_before_it_costs_half_a_terabyte(tmp_path, drop_dimension):
    # A value in XFD1048576 makes python-calamine allocate 1,048,576 x 16,384 cells of 32 bytes.
    path = _far_cell_book(tmp_path / "far.xlsx", filled=True, drop_dimension=drop_dimension)
    with pytest.raises(InputError) as caught:
        gdfit.read_data(path)
    assert str(caught.value) == ("far.xlsx, sheet 'Sheet': its filled cells span A1:XFD1048576 (17,179,869,184 "
                                 "cells), more than gdfit reads (67,108,864); delete the cells far from the table "
                                 "(Ctrl+End goes to the last one), or copy the table to a new sheet, and save.")
    formatted = gdfit.read_data(_far_cell_book(tmp_path / "formatted.xlsx", filled=False, drop_dimension=drop_dimension))
    assert formatted.X.to_dict("list") == {"spend": [1.0, 2.0, 3.0]} and list(formatted.y) == [3.0, 5.0, 7.5]


LAYOUTS = {
    # a header typed on two rows, the units under the names
    "two rows": [["Ad spend", "Web", "Units"], ["($)", "visits", "sold"],
                 [100, 1000, 10], [120, 1300, 13], [90, 900, 9], [150, 1400, 16], [130, 1200, 14]],
    # years heading the columns, a text label column beside them
    "years": [["Region", 2022, 2023, 2024], ["North", 100, 110, 125], ["South", 90, 97, 101],
              ["East", 120, 118, 130], ["West", 80, 95, 99], ["Central", 70, 72, 80]],
    # years as data: every row looks like "a year, then a later year", so none is a header
    "year data": [[1990, 2005, 210], [1985, 1999, 180], [2001, 2010, 260], [1975, 2000, 150], [1995, 2015, 240]],
}


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("layouts")
    source = tmp / "layouts.fods"
    source.write_text(fods(LAYOUTS), encoding="utf-8")
    return soffice(tmp / "profile", "xlsx", tmp, source)


def test_a_header_on_two_rows_joins_its_lines(layouts):
    d = gdfit.read_data(layouts, sheet="two rows")
    assert d.X.to_dict("list") == {"Ad spend ($)": [100.0, 120.0, 90.0, 150.0, 130.0],
                                   "Web visits": [1000.0, 1300.0, 900.0, 1400.0, 1200.0]}
    assert d.y.name == "Units sold" and list(d.y) == [10.0, 13.0, 9.0, 16.0, 14.0] and list(d.y.index) == [3, 4, 5, 6, 7]


def test_years_heading_the_columns_are_the_header_not_a_row_of_data(layouts):
    d = gdfit.read_data(layouts, sheet="years")
    assert d.X.to_dict("list") == {"2022": [100.0, 90.0, 120.0, 80.0, 70.0], "2023": [110.0, 97.0, 118.0, 95.0, 72.0]}
    assert list(d.y) == [125.0, 101.0, 130.0, 99.0, 80.0] and list(d.y.index) == [2, 3, 4, 5, 6]
    data = gdfit.read_data(layouts, sheet="year data")  # years in every row: no header, every row read
    assert list(data.y.index) == [1, 2, 3, 4, 5] and list(data.X.iloc[0]) == [1990.0, 2005.0]


HOURS = [0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0]
PASSED = [False, False, False, True, False, True, False, True, True, False, True, True]


@pytest.fixture(scope="module")
def exams(tmp_path_factory):
    """Pass/fail written as words, and as TRUE/FALSE logical cells (LibreOffice's TRUE() results)."""
    tmp = tmp_path_factory.mktemp("exams")
    words = [["Student", "Hours", "Result"]] + [[f"S{i}", h, "pass" if p else "fail"]
                                                for i, (h, p) in enumerate(zip(HOURS, PASSED))]
    logical = [["Hours", "Passed"]] + [[h, Formula("of:=TRUE()" if p else "of:=FALSE()")]
                                       for h, p in zip(HOURS, PASSED)]
    source = tmp / "exams.fods"
    source.write_text(fods({"words": words, "logical": logical}), encoding="utf-8")
    return soffice(tmp / "profile", "xlsx", tmp, source)


@pytest.mark.parametrize("sheet, expected", [("words", ["pass" if p else "fail" for p in PASSED]),
                                             ("logical", PASSED)])
def test_class_labels_for_logistic_regression_are_read_as_written(exams, sheet, expected):
    d = gdfit.read_data(exams, sheet=sheet, y_labels=True)  # y: the last column of two values
    assert list(d.y) == expected and list(d.X.columns) == ["Hours"] and list(d.X["Hours"]) == HOURS
    with pytest.raises(InputError, match=r"^found no column of numbers for (y|x)"):
        gdfit.read_data(exams, sheet=sheet)  # a line's y must be numbers
    import statsmodels.api as statsmodels  # the test extra's independent reference

    reference = statsmodels.Logit(np.array(PASSED, float), statsmodels.add_constant(np.array(HOURS))).fit(disp=0)
    fitted = gdfit.logistic_mle(d.X, d.y)
    np.testing.assert_allclose(fitted.params, [*reference.params[1:], reference.params[0]], rtol=1e-8)
