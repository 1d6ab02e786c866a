"""What a person sees, checked on paper: every workbook gdfit writes (the ad-spend report, each lesson,
and analysts' workbooks made by LibreOffice with long headers and values from 1e-6 to 1e11) printed to
PDF by LibreOffice and read back with poppler's pdftotext.

A cell printed as ``###``, a text cell clipped by its neighbour (its text is then missing from
pdftotext's output) or a cell outside the print area (not printed at all) fails here.
"""
import re
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.cell import range_boundaries

from gdfit.files.train import train_book
from gdfit.files.workbooks import build_all
from gdfit.report.ownership import is_owned
from gdfit.report.present import display_format
from gdfit.sheets.lessons.registry import LESSONS
from tests.files.test_read_csv import AD_SPEND, HEADERS, MONTHS, PRICE, UNITS, VISITS
from tests.fods import Dollars, fods
from tests.lo import needs_soffice, soffice

pytestmark = needs_soffice
VALIDATOR = Path(__file__).resolve().parents[3] / "shared" / "tools" / "xlsx-validate" / "validate"
TINY_HUGE = ["Tiny rate (per unit)", "Huge revenue ($)", "Outcome measured"]
ANALYSTS = ("sales", "extreme", "exams")  # the analysts' books, each trained into <name>_gdfit.xlsx


def _analyst_books(tmp: Path) -> list[Path]:
    """Two analysts' books saved by LibreOffice: the sales table (long headers, dollars) and one
    whose columns run from 1e-6 to 1e11."""
    sales = [["Sales 2023-24: monthly figures"], [], [], HEADERS]
    sales += [[MONTHS[i], Dollars(AD_SPEND[i]), VISITS[i], PRICE[i], UNITS[i]] for i in range(24)]
    extreme = [["Tiny and huge"], [], [], TINY_HUGE]
    extreme += [[1e-6 * (1 + i + (i % 3) * 0.7), 1e11 * (1 + 0.1 * i + (i % 4) * 0.03),
                 5e10 + 3e10 * (i % 5) + 1e9 * i] for i in range(20)]
    # pass/fail by hours of study and a score, for the logistic sheets (words as the labels)
    exams = [["Exam results"], [], ["Hours studied", "Practice score (%)", "Result"]]
    exams += [[0.5 + 0.25 * i, 40 + (i * 7) % 50, "pass" if (i * 5 + (i % 3) * 4) % 11 > 4 else "fail"]
              for i in range(40)]
    for name, sheets in zip(ANALYSTS, ({"Sales": sales}, {"Data": extreme}, {"Exams": exams})):
        (tmp / f"{name}.fods").write_text(fods(sheets), encoding="utf-8")
    books = soffice(tmp / "profile", "xlsx", tmp, *(tmp / f"{name}.fods" for name in ANALYSTS))
    return [train_book(book, out=tmp / "out" / f"{book.stem}_gdfit.xlsx",
                       model="logistic" if book.stem == "exams" else "linear").output for book in books]


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("present")
    (tmp / "out").mkdir()
    with pytest.warns():  # the analysts' fits stop at max_iter; the GD sheet says so
        books = [*build_all(tmp / "out"), *_analyst_books(tmp)]
    pdfs = soffice(tmp / "profile", "pdf", tmp / "pdf", *books)
    texts, pages = {}, {}
    for book, pdf in zip(books, pdfs):
        txt = pdf.with_suffix(".txt")
        subprocess.run(["pdftotext", str(pdf), str(txt)], check=True, timeout=120)
        texts[book.name] = txt.read_text(encoding="utf-8")
        # pdftotext ends every page with a form feed.
        pages[book.name] = texts[book.name].count("\f")
    return books, texts, pages


def _gdfit_sheets(wb):
    """The sheets gdfit drew: all of a workbook it ships; the sheets it marked in a user's book."""
    trained = any(is_owned(ws) for ws in wb.worksheets) and "Read me" not in wb.sheetnames \
        and "AdSpend" not in [t for ws in wb.worksheets for t in ws.tables]
    return [ws for ws in wb.worksheets if not trained or is_owned(ws)]


def _squash(text: str) -> str:
    # pdftotext breaks a wrapped cell into lines, and a long word (a hash) anywhere in it.
    # pdftotext also joins a word hyphenated at a line end ("non-" "negative" -> "nonnegative").
    return re.sub(r"[\s-]+", "", text)


def test_no_cell_prints_as_hashes(printed):
    books, texts, _ = printed
    # Every workbook gdfit ships (the report and each lesson in the registry) and each analyst's book.
    shipped = ["ad_spend.xlsx", *LESSONS()]
    assert sorted(texts) == sorted([*shipped, *(f"{name}_gdfit.xlsx" for name in ANALYSTS)])
    for name, text in texts.items():
        assert "###" not in text, name


def test_every_text_cell_gdfit_wrote_appears_in_full(printed):
    books, texts, _ = printed
    for book in books:
        wb = openpyxl.load_workbook(book)
        wanted = Counter(_squash(c.value) for ws in _gdfit_sheets(wb) for row in ws.iter_rows() for c in row
                         if isinstance(c.value, str) and c.data_type == "s" and _squash(c.value))
        printed_text = _squash(texts[book.name])
        missing = {text: n for text, n in wanted.items() if printed_text.count(text) < n}
        assert not missing, (book.name, list(missing.items())[:5])


def test_no_cell_lies_outside_the_print_area(printed):
    books, _, _ = printed
    for book in books:
        wb = openpyxl.load_workbook(book)
        for ws in _gdfit_sheets(wb):
            area = ws.print_area
            assert area, (book.name, ws.title)
            min_col, min_row, max_col, max_row = range_boundaries(area.split("!")[-1].replace("$", ""))
            outside = [c.coordinate for row in ws.iter_rows() for c in row
                       if c.value is not None and not (min_row <= c.row <= max_row and min_col <= c.column <= max_col)]
            assert not outside, (book.name, ws.title, area, outside[:5])
            for chart in ws._charts:
                marker = chart.anchor._from
                assert min_row <= marker.row + 1 <= max_row and min_col <= marker.col + 1 <= max_col


def test_pages_are_one_page_wide_and_never_squeezed_to_one_page_tall(printed):
    books, _, pages = printed
    for book in books:
        wb = openpyxl.load_workbook(book)
        # One page wide: LibreOffice printed each sheet on exactly its row breaks' pages, no more.
        assert pages[book.name] == sum(len(ws.row_breaks.brk) + 1 for ws in wb.worksheets), book.name
        for ws in _gdfit_sheets(wb):
            assert not ws.sheet_properties.pageSetUpPr.fitToPage, (book.name, ws.title)
            assert 25 <= ws.page_setup.scale <= 100, (book.name, ws.title, ws.page_setup.scale)


def test_number_formats_by_magnitude():
    # What LibreOffice printed above is the check; these are the rules' corner values.
    assert display_format(116762437527.313, "0.000000") == "0.000000E+00"  # the Solver's SSE at the start
    assert display_format(0.009756, "0.000000") == "0.000000"  # four significant digits: kept
    assert display_format(0.00012, "0.000") == "0.000000"  # three significant digits at least
    assert display_format(44573100433.5977, "0.000000") == "#,##0"  # not 44573100433.597700
    assert display_format(1.0, "0.0") == "0.0"
    assert display_format(333.406601, "0.000000") == "0.000000"  # the builder's format where it reads well
    assert display_format(679926.469535, None) == "#,##0.000"  # a ToolPak SS: nine digits, not fourteen
    assert display_format(98.65, None) is None  # General shows a typed value as typed
    assert display_format(2.0181192e-20, None) == "0.00000E+00"


@pytest.mark.skipif(not VALIDATOR.exists(),
                    reason="the shared xlsx validator is not on this machine")
def test_every_file_passes_the_validator(printed):
    books, _, _ = printed
    run = subprocess.run([str(VALIDATOR), "--ignore-font-order", *map(str, books)],
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
