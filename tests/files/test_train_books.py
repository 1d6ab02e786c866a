"""gdfit train on analysts' workbooks, read through gdfit.read_data: the numbers fitted are those
of exactly the rows read, and Excel's live formulas on the Formula sheet (LibreOffice recalculating
them here) give the same model, or a warning on the sheet says where they cannot."""
import numpy as np
import openpyxl
import pytest

from gdfit.cli import main
from gdfit.files.train import train_book
from gdfit.sheets.manifest import UP_TO_DATE
from tests.files.test_read_csv import AD_SPEND, HEADERS, MONTHS, NOISE, PRICE, UNITS, VISITS
from tests.fods import Dollars, Formula, fods
from tests.lo import needs_soffice, soffice

DATA_ROWS = list(range(5, 29))  # the header is row 4, the Total row 29
# numpy's lstsq and gdfit's closed form are both backward stable; on these columns (condition
# number ~1e7 after centring) they agree to ~1e-10, and LibreOffice's LINEST (QR) as closely.
REL = 1e-9

def _fods(name, rows):
    return fods({name: rows})


def analyst_rows():
    """A title and a source row, a header in row 4, Ad spend formatted as dollars, Units sold computed
    by formula, and a Total row 29 of SUM and AVERAGE formulas."""
    rows = [["Sales 2023-24: monthly figures"], ["Source: CRM export"], [], HEADERS]
    for i, r in enumerate(DATA_ROWS):
        units = Formula(f"of:=ROUND(150+0.011*[.B{r}]+0.004*[.C{r}]-1.6*[.D{r}]+({NOISE[i]});0)")
        rows.append([MONTHS[i], Dollars(AD_SPEND[i]), VISITS[i], PRICE[i], units])
    rows.append(["Total", Formula("of:=SUM([.B5:.B28])"), Formula("of:=SUM([.C5:.C28])"),
                 Formula("of:=AVERAGE([.D5:.D28])"), Formula("of:=SUM([.E5:.E28])")])
    return rows


def _lstsq(columns, y):
    A = np.column_stack([*map(np.asarray, columns), np.ones(len(y))])
    return np.linalg.lstsq(A, np.asarray(y, float), rcond=None)[0]


def _formula_column(ws):
    """Column A label -> column B value (formula text, or the value LibreOffice computed)."""
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(5, 12) if ws.cell(r, 1).value}


def _warnings(ws):
    return [c.value for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("Warning:")]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """The analyst's book made by LibreOffice, trained twice (one x, three x), and both outputs
    recalculated by LibreOffice."""
    tmp = tmp_path_factory.mktemp("train_books")
    source = tmp / "sales.fods"
    source.write_text(_fods("Sales 2023-24", analyst_rows()), encoding="utf-8")
    book = soffice(tmp / "profile", "xlsx", tmp, source)
    one = train_book(book, x=["Ad spend ($)"], y="Units sold", out=tmp / "one.xlsx")
    three = train_book(book, out=tmp / "three.xlsx")
    recalculated = soffice(tmp / "profile", "xlsx", tmp / "lo", one.output, three.output)
    return {"one": (one, recalculated[0]), "three": (three, recalculated[1])}


@needs_soffice
def test_title_total_row_and_computed_column_fit_exactly_the_rows_read(trained):
    one, _ = trained["one"]
    three, _ = trained["three"]
    for result in (one, three):
        assert list(result.data.X.index) == DATA_ROWS
        assert list(result.data.y) == UNITS  # the formula's results as LibreOffice saved them
        assert any(line.startswith("row 29: a total row") for line in result.data.skipped), result.data.skipped
        assert result.warnings == []
    slope, intercept = _lstsq([AD_SPEND], UNITS)
    assert one.comparison.closed.coef[0] == pytest.approx(slope, rel=REL)
    assert one.comparison.closed.intercept == pytest.approx(intercept, rel=REL)
    *coef, b = _lstsq([AD_SPEND, VISITS, PRICE], UNITS)
    np.testing.assert_allclose(three.comparison.closed.coef, coef, rtol=REL)
    assert three.comparison.closed.intercept == pytest.approx(b, rel=REL)


@needs_soffice
def test_live_formulas_point_at_the_rows_read_and_recalculate_to_gdfits_model(trained):
    one, recalculated = trained["one"]
    written = _formula_column(openpyxl.load_workbook(one.output)["Formula"])
    # the Total row 29 is outside the ranges: Excel's SLOPE sees the rows gdfit fitted, no more
    assert written["slope (Ad spend ($))"] == "=SLOPE('Sales 2023-24'!$E$5:$E$28,'Sales 2023-24'!$B$5:$B$28)"
    values = _formula_column(openpyxl.load_workbook(recalculated, data_only=True)["Formula"])
    closed = one.comparison.closed
    assert values["slope (Ad spend ($))"] == pytest.approx(closed.coef[0], rel=REL)
    assert values["intercept"] == pytest.approx(closed.intercept, rel=REL)
    assert values["SSE"] == pytest.approx(closed.ss_resid, rel=REL)


@needs_soffice
def test_linest_on_three_columns_recalculates_to_gdfits_model(trained):
    three, recalculated = trained["three"]
    assert three.data.x_refs == ("'Sales 2023-24'!B5:B28", "'Sales 2023-24'!C5:C28", "'Sales 2023-24'!D5:D28")
    values = _formula_column(openpyxl.load_workbook(recalculated, data_only=True)["Formula"])
    closed = three.comparison.closed
    for label, coef in zip(closed.labels, closed.coef):
        assert values[f"slope ({label})"] == pytest.approx(coef, rel=REL)
    assert values["intercept"] == pytest.approx(closed.intercept, rel=REL)


def _plain_book(path, change=None, title="Data"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    ws.append(HEADERS[1:])
    for i in range(12):
        ws.append([AD_SPEND[i], VISITS[i], PRICE[i], UNITS[i]])
    if change:
        change(ws)
    wb.save(path)
    return path


def test_a_blank_row_inside_the_data_is_named_on_the_formula_sheet(tmp_path):
    book = _plain_book(tmp_path / "gap.xlsx", lambda ws: ws.insert_rows(7))
    result = train_book(book, x=["Ad spend ($)"], y="Units sold")
    assert list(result.data.X.index) == [2, 3, 4, 5, 6, *range(8, 15)]
    slope, _ = _lstsq([AD_SPEND[:12]], UNITS[:12])
    assert result.comparison.closed.coef[0] == pytest.approx(slope, rel=REL)
    notes = _warnings(openpyxl.load_workbook(result.output)["Formula"])
    assert notes == result.warnings == [
        "Warning: the live LINEST, SLOPE and INTERCEPT cover 'Data'!A2:A14, 'Data'!D2:D14, which include row 7 that "
        "gdfit left out; their results can differ from gdfit's until it is deleted (the SSE formulas and the stale "
        "flag leave them out).",
        "Warning: chart series left out: 'Predicted Units sold' (Ad spend ($) Line Fit Plot); the data ranges hold "
        "more rows than gdfit fitted, so they cannot be paired with its one value per row read."]


def test_rows_dropped_with_missing_drop_are_named_and_printed(tmp_path, capsys):
    def blank_c9(ws):
        ws["C9"] = None
    book = _plain_book(tmp_path / "drop.xlsx", blank_c9)
    assert main(["train", str(book), "--missing", "drop"]) == 0
    # printed after the run (an error stays one line): the fit's own warnings (max_iter) come first
    err = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("gdfit: warning:")]
    assert err[0] == ("gdfit: drop.xlsx, sheet 'Data' (the active sheet): x = A2:A13 (Ad spend ($)), "
                      "B2:B13 (Web visits), C2:C13 (Price index); y = D2:D13 (Units sold); 11 rows")
    assert err[1].startswith("gdfit: row 9: incomplete, left out")
    assert err[2].startswith("gdfit: Warning: the live LINEST, SLOPE and INTERCEPT cover 'Data'!A2:A13") and "row 9 " in err[2]
    keep = [i for i in range(12) if i != 7]
    *coef, b = _lstsq([[AD_SPEND[i] for i in keep], [VISITS[i] for i in keep], [PRICE[i] for i in keep]],
                      [UNITS[i] for i in keep])
    wb = openpyxl.load_workbook(tmp_path / "drop_gdfit.xlsx")
    assert _warnings(wb["Formula"]) == [line.removeprefix("gdfit: ") for line in err[2:]]
    assert len(err) == 4 and err[3].startswith("gdfit: Warning: chart series left out: 'Predicted Units sold'")
    gdfit_column = {wb["Formula"].cell(r, 1).value: wb["Formula"].cell(r, 3).value for r in range(5, 9)}
    assert gdfit_column["intercept"] == pytest.approx(b, rel=REL)
    np.testing.assert_allclose([gdfit_column[f"slope ({h})"] for h in HEADERS[1:4]], coef, rtol=REL)


def test_numbers_typed_as_text_are_read_and_named_as_text_to_excel(tmp_path):
    def typed(ws):
        for r in range(2, 14):
            ws.cell(r, 1).value = f"${ws.cell(r, 1).value:,}"
    book = _plain_book(tmp_path / "typed.xlsx", typed, title="Bob's data")
    result = train_book(book, x=["Ad spend ($)"], y="Units sold")
    formula = openpyxl.load_workbook(result.output)["Formula"]["B5"].value
    assert formula == "=SLOPE('Bob''s data'!$D$2:$D$13,'Bob''s data'!$A$2:$A$13)"  # the quote undone and redone
    slope, _ = _lstsq([AD_SPEND[:12]], UNITS[:12])
    assert result.comparison.closed.coef[0] == pytest.approx(slope, rel=REL)
    assert result.warnings == [
        "Warning: 'Bob''s data'!A2, 'Bob''s data'!A3, 'Bob''s data'!A4 and 9 more hold numbers typed as text; gdfit read them as "
        "numbers, but Excel's live formulas see text there and differ from gdfit's until they are re-entered "
        "as numbers."]
    assert _warnings(openpyxl.load_workbook(result.output)["Formula"]) == result.warnings


@needs_soffice
@pytest.mark.parametrize("typed_as_text", [(), (1, 8)])
def test_a_subtotal_row_and_numbers_typed_as_text_inside_the_data_leave_the_live_sse_and_flag_true(
        tmp_path, typed_as_text):
    # Rows 2-7 and 9-13 are data; row 8 is a labelled subtotal of SUM formulas; some ad-spend cells may
    # be typed as text ("$1,234"). gdfit fits the 11 data rows. LINEST cannot skip rows (warned), but
    # the SSE formulas add one SUMPRODUCT per piece of the ranges, and the stale flag's SUMs skip the
    # subtotal and, as Excel's SUM does, text: LibreOffice's recalculation must agree with the fit.
    rows = [HEADERS[1:]]
    for i in range(11):
        spend = f"${AD_SPEND[i]:,}" if i in typed_as_text else AD_SPEND[i]
        rows.append([spend, VISITS[i], PRICE[i], UNITS[i]])
        if i == 5:
            rows.append(["Subtotal", *(Formula(f"of:=SUM([.{c}2:.{c}7])") for c in "BCD")])
    source = tmp_path / "subtotal.fods"
    source.write_text(_fods("Data", rows), encoding="utf-8")
    book = soffice(tmp_path / "profile", "xlsx", tmp_path, source)
    result = train_book(book, x=["Ad spend ($)"], y="Units sold")
    assert list(result.data.X.index) == [2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13]
    assert result.data.text_numbers == (typed_as_text, ())
    slope, intercept = _lstsq([AD_SPEND[:11]], UNITS[:11])
    closed = result.comparison.closed
    assert (closed.coef[0], closed.intercept) == (pytest.approx(slope, rel=REL), pytest.approx(intercept, rel=REL))
    recalculated = openpyxl.load_workbook(soffice(tmp_path / "profile", "xlsx", tmp_path / "lo", result.output),
                                          data_only=True)
    assert recalculated["GD"]["A3"].value == UP_TO_DATE
    if typed_as_text:  # text in the arithmetic: the warning says Excel's formulas differ there
        assert any("hold numbers typed as text" in w for w in result.warnings)
        return
    assert _formula_column(recalculated["Formula"])["SSE"] == pytest.approx(closed.ss_resid, rel=REL)
    solver = recalculated["Solver"]
    start = np.array([solver["B5"].value, solver["B6"].value], float)
    residuals = np.asarray(UNITS[:11]) - (start[0] * np.asarray(AD_SPEND[:11], float) + start[1])
    assert solver["A7"].value == "SSE (objective)"
    # one rounding per term of 11 sums of squares of ~1e3: far inside 1e-12
    assert solver["B7"].value == pytest.approx(float(residuals @ residuals), rel=1e-12)
