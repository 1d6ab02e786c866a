"""gdfit train on users' workbooks: right numbers, owned sheets, nothing of the user's lost."""
import hashlib
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
from openpyxl.chart import Reference, ScatterChart, Series

import gdfit
from gdfit.cli import main
from gdfit.files.book import BookError
from gdfit.files.train import train_book
from gdfit.report.ownership import is_owned
from tests.core.validations import count_validations
from tests.xlsx_validator import needs_validator, validation_errors

INJECTION = "=HYPERLINK(\"http://example.com\",\"click\")"


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _user_book(path, labels=("ad spend", "sales"), extra_sheets=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales data"
    ws["A1"] = "Monthly figures"
    ws.append([])
    ws.append(list(labels))
    for cell in ws[3]:
        cell.data_type = "s"  # the user typed text (e.g. with a leading apostrophe)
    d = gdfit.datasets.ad_spend()
    for a, b in zip(d.ad_spend, d.sales):
        ws.append([float(a), float(b)])
    ws["D3"] = "my note"
    for name in extra_sheets:
        wb.create_sheet(name)["A1"] = f"user content of {name}"
    wb.save(path)
    return d


def test_train_writes_the_sheets_with_right_numbers_and_leaves_the_input_alone(tmp_path):
    book = tmp_path / "sales.xlsx"
    d = _user_book(book)
    before = _sha(book)
    result = train_book(book)
    assert _sha(book) == before
    assert result.output == tmp_path / "sales_gdfit.xlsx"
    wb = openpyxl.load_workbook(result.output)
    assert wb.sheetnames == ["Sales data", "Formula", "Solver", "Regression", "GD", "GD formulas", "Compare"]
    assert wb["Sales data"]["D3"].value == "my note" and wb["Sales data"]["A1"].value == "Monthly figures"
    closed = gdfit.closed_form(d[["ad_spend"]], d.sales)
    assert wb["Formula"]["B5"].value == "=SLOPE('Sales data'!$B$4:$B$33,'Sales data'!$A$4:$A$33)"
    assert wb["Formula"]["C5"].value == pytest.approx(closed.coef[0], rel=1e-15)
    assert wb["Formula"]["C6"].value == pytest.approx(closed.intercept, rel=1e-15)
    compare = wb["Compare"]
    assert compare["A5"].value == "Gradient descent"
    assert compare["B5"].value == pytest.approx(closed.coef[0], rel=1e-8)
    assert all(is_owned(wb[name]) for name in result.sheets)
    assert not is_owned(wb["Sales data"])


def test_rerun_replaces_gdfit_sheets_and_keeps_a_users_sheet_of_the_same_name(tmp_path):
    book = tmp_path / "sales.xlsx"
    _user_book(book, extra_sheets=["GD"])
    first = train_book(book)
    assert "GD (gdfit)" in first.sheets
    second = train_book(first.output, out=tmp_path / "again.xlsx", learning_rate=0.1, max_iter=5)
    wb = openpyxl.load_workbook(second.output)
    assert wb.sheetnames == ["Sales data", "GD", "Formula", "Solver", "Regression", "GD (gdfit)", "GD formulas",
                             "Compare"]
    assert wb["GD"]["A1"].value == "user content of GD"
    options = {row[0].value: row[1].value for row in wb["GD (gdfit)"]["A5:B30"] if row[0].value}
    assert options["learning_rate"] == 0.1 and options["max_iter"] == 5


def test_in_place_keeps_a_chart_byte_for_byte(tmp_path):
    book = tmp_path / "charted.xlsx"
    _user_book(book)
    wb = openpyxl.load_workbook(book)
    ws = wb.active
    chart = ScatterChart()
    chart.series.append(Series(Reference(ws, min_col=2, min_row=4, max_row=33),
                               Reference(ws, min_col=1, min_row=4, max_row=33)))
    ws.add_chart(chart, "F2")
    wb.save(book)
    before = zipfile.ZipFile(book).read("xl/charts/chart1.xml")
    assert main(["train", str(book), "--in-place"]) == 0
    assert zipfile.ZipFile(book).read("xl/charts/chart1.xml") == before
    assert "Compare" in openpyxl.load_workbook(book).sheetnames


def test_in_place_allowed_when_lossless(tmp_path):
    book = tmp_path / "plain.xlsx"
    _user_book(book)
    result = train_book(book, in_place=True)
    assert result.output == book
    wb = openpyxl.load_workbook(book)
    assert wb["Sales data"]["D3"].value == "my note" and "Compare" in wb.sheetnames


def _trained_xlsm(tmp_path):
    """A user's .xlsm (xlwings' quickstart book with data) and the new file train writes."""
    template = Path(xlwings.__file__).with_name("quickstart.xlsm")
    book = tmp_path / "macro.xlsm"
    wb = openpyxl.load_workbook(template, keep_vba=True)
    ws = wb.worksheets[0]
    ws.append(["x", "y"])
    for i in range(1, 11):
        ws.append([float(i), 2.0 * i + 1.0 + (-1) ** i * 0.1])
    wb.save(book)
    return book, train_book(book).output


def test_xlsm_keeps_its_vba_project(tmp_path):
    book, output = _trained_xlsm(tmp_path)
    assert output.suffix == ".xlsm"
    vba = lambda p: zipfile.ZipFile(p).read("xl/vbaProject.bin")  # noqa: E731
    assert vba(output) == vba(book)


@needs_validator
def test_the_xlsm_files_train_writes_pass_the_open_xml_validator(tmp_path):
    book, new_file = _trained_xlsm(tmp_path)
    in_place = train_book(book, in_place=True).output
    assert in_place == book and zipfile.ZipFile(in_place).read("xl/vbaProject.bin") == \
        zipfile.ZipFile(new_file).read("xl/vbaProject.bin")
    assert validation_errors(new_file, in_place) == ""


def test_labels_that_look_like_formulas_stay_text(tmp_path):
    book = tmp_path / "inject.xlsx"
    _user_book(book, labels=("+cmd", INJECTION))
    result = train_book(book)
    wb = openpyxl.load_workbook(result.output)
    texts = [c for ws in wb.worksheets[1:] for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and ("HYPERLINK" in c.value or c.value.startswith("+cmd")
                                              or "(+cmd)" in c.value)]
    assert texts, "the labels should appear in gdfit's sheets"
    for cell in texts:
        if cell.value.startswith(("=", "+")):
            assert cell.data_type == "s", f"{cell.parent.title}!{cell.coordinate} became a formula"
    assert not any(c.data_type == "f" and "HYPERLINK" in str(c.value)
                   for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_explicit_ranges_and_headers(tmp_path):
    book = tmp_path / "sales.xlsx"
    d = _user_book(book)
    by_range = train_book(book, x=["A3:A33"], y="B3:B33", out=tmp_path / "a.xlsx")
    by_name = train_book(book, x=["ad spend"], y="sales", out=tmp_path / "b.xlsx")
    for result in (by_range, by_name):
        assert result.comparison.closed.coef[0] == pytest.approx(
            gdfit.closed_form(d[["ad_spend"]], d.sales).coef[0], rel=1e-15)
    with pytest.raises(BookError, match=r"y 'profit' is not a column header \(headers: 'ad spend', 'sales'\)"):
        train_book(book, y="profit", out=tmp_path / "c.xlsx")


def test_cli_train_messages(tmp_path, capsys):
    book = tmp_path / "sales.xlsx"
    _user_book(book)
    assert main(["train", str(book), "--sheet", "Nope"]) == 2
    assert "--sheet 'Nope' not found" in capsys.readouterr().err
    assert main(["train", str(book), "--out", str(tmp_path / "x.xlsm")]) == 2
    assert main(["train", str(book)]) == 0
    assert "wrote" in capsys.readouterr().out


def test_one_train_run_validates_the_data_once(tmp_path, monkeypatch, capsys):
    book = tmp_path / "sales.xlsx"
    d = _user_book(book, labels=("ad spend", "sales"))
    calls = count_validations(monkeypatch)
    assert main(["train", str(book)]) == 0
    assert calls == ["X"]  # read from the sheet, validated once, then fit, LINEST, ToolPak, Solver, sheets
    wb = openpyxl.load_workbook(tmp_path / "sales_gdfit.xlsx")
    closed = gdfit.closed_form(d[["ad_spend"]], d.sales)
    coefficients = {row[0].value: row[1].value for row in wb["Regression"]["A17:B18"]}
    assert coefficients == {"Intercept": pytest.approx(closed.intercept, rel=1e-15),
                            "ad spend": pytest.approx(closed.coef[0], rel=1e-15)}


def test_fewer_rows_than_parameters_is_a_refusal_of_train_like_the_readers(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b", "y"])
    wb.active.append([1.0, 2.0, 3.0])
    wb.save(tmp_path / "one_row.xlsx")
    with pytest.raises(BookError, match=r"^y has 1 row\(s\) but the model has 3 parameters"):
        train_book(tmp_path / "one_row.xlsx")
