"""render.live draws a Report into a live book: the actions Excel would be told to do."""
import pytest

from gdfit.render import live, live_chart
from gdfit.render.live import frozen_part, render_book
from gdfit.render.live_chart import points
from gdfit.report.cells import typed_literal
from gdfit.report.model import LayoutError
from gdfit.report.solver_model import solver_names
from tests.excel.backends import Backend, owner_name, payload
from tests.render.sample import FORMULA_LIKE, X, Y, sample_report

SAMPLE_SHEETS = ["Data", "History", "Surface", "Fit chart", "Loss chart", "Parameters chart",
                 "Surface chart"]


@pytest.fixture
def drawn(make_book):
    report, fit = sample_report(n_iter=3)
    book = make_book(payload([{"name": "Mine", "values": [["keep me"]]}]))
    result = render_book(report, book.book)
    return book, result, fit


def test_sheets_are_added_after_the_users_in_report_order_and_marked_owned(drawn):
    book, result, _ = drawn
    assert book.sheet_names() == ["Mine"] + SAMPLE_SHEETS
    assert result.sheets == {name: name for name in SAMPLE_SHEETS}
    marks = {(a[1], a[3]) for a in book.of("name") if a[2] == "_gdfit_sheet"}
    assert marks == {(name, '="gdfit"') for name in SAMPLE_SHEETS}
    assert not [a for a in book.actions() if a[1:2] == ("Mine",)]  # the user's sheet untouched


def test_table_values_formats_header_and_excel_table(drawn):
    book, _, _ = drawn
    grid = next(a for a in book.of("values", "Data") if a[2] == "A3:B11")[3]
    assert grid[0] == ["'x", "'y"]  # typed text: Excel cannot read a header as a number
    assert [row[0] for row in grid[1:]] == X.tolist() and [row[1] for row in grid[1:]] == Y.tolist()
    assert ("numberFormat", "Data", "A4:A11", "0.0") in book.actions()
    assert ("numberFormat", "Data", "B4:B11", "0.00") in book.actions()
    assert ("font", "Data", "A3:B3", "bold", True) in book.actions()
    assert ("border", "Data", "A3:B3", "edge_bottom", "line_style", "continuous") in book.actions()
    assert book.of("table", "Data") == [("table", "Data", "A3:B11", "data", "TableStyleLight9")]


def test_text_that_looks_like_a_formula_or_error_is_typed_as_text(drawn):
    book, _, _ = drawn
    grid = next(a for a in book.of("values", "Data") if a[2] == "D8:D14")[3]
    assert [row[0] for row in grid] == [typed_literal("text that stays text")] + \
        ["'" + text for text in FORMULA_LIKE]


def test_formulas_are_live_with_plain_function_names_and_arrays_span_their_block(drawn):
    book, _, _ = drawn
    assert ("formula", "Data", "H3", "=SLOPE('Data'!$B$4:$B$11,'Data'!$A$4:$A$11)") in book.actions()
    assert ("formula", "Data", "H12", "=T.DIST.2T(2.5,6)") in book.actions()  # no _xlfn. live
    assert book.of("formulaArray", "Data") == [
        ("formulaArray", "Data", "H6:I10", "=LINEST('Data'!$B$4:$B$11,'Data'!$A$4:$A$11,TRUE,TRUE)")]
    # A live formula's result is unknown when it is drawn: General (never ###), as render.xlsx does.
    assert not [a for a in book.actions() if a[:3] == ("numberFormat", "Data", "H3")]


def test_notes_are_styled_like_the_file_renderer(drawn):
    book, _, _ = drawn
    assert book.value_at("Data", "A1") == "'Ad spend and sales"
    assert ("font", "Data", "A1", "size", 14) in book.actions()
    assert ("font", "Data", "A1", "bold", True) in book.actions()
    assert ("fill", "Data", "H1", "#FFC7CE") in book.actions()
    assert ("font", "Data", "H1", "color", "#9C0006") in book.actions()


def test_column_widths_and_frozen_header(drawn):
    book, _, _ = drawn
    # The sample asks for 12; report.present widens it to what a live formula's result needs.
    widths = [a[3] for a in book.actions() if a[:3] == ("columnWidth", "Data", "H:H")]
    assert len(widths) == 1 and widths[0] >= 12
    assert book.of("freeze", "History") == [("freeze", "History", "1:1")]


def test_charts_point_at_the_table_cells(drawn):
    book, result, _ = drawn
    (_, _, _, loss), = book.of("chart", "Loss chart")
    assert loss == {"type": "xyscatterlinesnomarkers", "source": "History!B2:B5", "anchor": "A1",
                    "width": pytest.approx(points(24.0)), "height": pytest.approx(points(15.0)),
                    "plot_by": "columns"}
    assert book.of("chartX", "Loss chart") == [("chartX", "Loss chart", 0, "History!A2:A5")]
    assert book.of("chartTitle", "Loss chart") == [("chartTitle", "Loss chart", 0, "Loss by iteration")]
    assert ("chartLegend", "Loss chart", 0, "position", "bottom") in book.actions()
    axes = {a[3]: a[4] for a in book.of("chartAxis", "Loss chart")}
    assert axes["category"]["title"] == "iteration" and axes["value"]["title"] == "MSE (log scale)"
    assert axes["value"]["crosses"] == "minimum"
    (_, _, _, params), = book.of("chart", "Parameters chart")
    assert params["source"] == "History!C2:D5"  # slope and intercept side by side: one block


def test_series_an_engine_cannot_add_are_reported(drawn):
    _, result, _ = drawn
    missing = [text for text in result.left_out if "need Windows Excel (their own x" in text]
    assert any("'Sales against ad spend" in t and "gradient descent, closed form" in t for t in missing)
    assert any("descent path, start, closed-form optimum" in t for t in missing)


def test_rerun_replaces_owned_sheets_in_place_and_leaves_the_users_alone(make_book):
    report, _ = sample_report(n_iter=3)
    data = payload([{"name": "Data", "values": [["old"]]}, {"name": "History"}],
                   names=[owner_name(0, "Data")])
    book = make_book(data)
    result = render_book(report, book.book)
    assert result.sheets["Data"] == "Data" and result.sheets["History"] == "History (gdfit)"
    assert ("renameSheet", "Data", "~gdfit old 1") in book.actions()
    assert ("deleteSheet", "~gdfit old 1") in book.actions()
    names = book.sheet_names()
    assert names[:2] == ["Data", "History"] and "History (gdfit)" in names
    assert not [a for a in book.actions() if a[1:2] == ("History",)]  # the user's sheet
    (_, _, _, loss), = book.of("chart", "Loss chart")
    assert loss["source"] == "History (gdfit)!B2:B5"  # references follow the suffix


def test_an_error_while_drawing_leaves_the_book_as_it_was(make_book, monkeypatch):
    report, _ = sample_report(n_iter=3)
    book = make_book(payload([{"name": "Data"}, {"name": "Mine"}], names=[owner_name(0, "Data")]))

    def broken(*args, **kwargs):
        raise KeyboardInterrupt  # the analyst pressing Esc / Ctrl-C mid-way

    monkeypatch.setattr(live, "draw_chart", broken)
    with pytest.raises(KeyboardInterrupt):
        render_book(report, book.book)
    assert book.sheet_names() == ["Data", "Mine"]
    assert ("renameSheet", "~gdfit old 1", "Data") in book.actions()


def test_without_replace_an_existing_sheet_is_refused_before_anything_is_drawn(make_book):
    report, _ = sample_report(n_iter=3)
    book = make_book(payload([{"name": "History"}]))
    with pytest.raises(LayoutError, match="already has a sheet 'History'"):
        render_book(report, book.book, replace_owned=False)
    assert book.actions() == []


def test_solver_model_is_stored_as_sheet_scoped_names(make_book):
    from gdfit.report.model import RangeRef, Report, SheetSpec, Table
    from gdfit.report.solver_model import SolverModel
    sheet = SheetSpec("Solver", tables=[Table("A1", ["v"], [[1.0], [0.0], [3.0]])])
    sheet.solver = SolverModel(RangeRef("Solver", "A4"), RangeRef("Solver", "A2:A3"))
    report = Report([sheet])
    book = make_book(payload([{"name": "Data"}]))
    render_book(report, book.book)
    stored = {a[2]: a[3] for a in book.of("name", "Solver")}
    expected = solver_names(report, sheet.solver)
    assert stored == {"_gdfit_sheet": '="gdfit"', **{k: "=" + v for k, v in expected.items()}}
    assert stored["solver_opt"] == "='Solver'!$A$4" and stored["solver_adj"] == "='Solver'!$A$2:$A$3"


def test_frozen_part_from_the_first_unfrozen_cell():
    assert frozen_part("A4") == "1:3"
    assert frozen_part("B1") == "A:A"
    assert frozen_part("C5") == "A1:B4"
    assert frozen_part("A1") is None


def test_split_series_takes_leading_series_that_share_x_and_sit_side_by_side():
    report, _ = sample_report(n_iter=3)
    charts = {s.name: s.charts[0] for s in report.sheets if s.charts}
    x, block, count = live_chart.split_series(report, charts["Parameters chart"])
    assert (x.a1, block.a1, count) == ("'History'!$A$2:$A$5", "'History'!$C$2:$D$5", 2)
    x, block, count = live_chart.split_series(report, charts["Fit chart"])
    assert (x.a1, block.a1, count) == ("'Data'!$A$4:$A$11", "'Data'!$B$4:$B$11", 1)


def test_windows_excel_adds_the_other_series_by_reference_and_formats_every_series():
    """The Excel object model path (com=True), against a recording mock of the object model."""
    report, _ = sample_report(n_iter=3)
    book = Backend("mock", payload([{"name": "Mine"}]), com=True)
    result = render_book(report, book.book, com=True)
    assert result.left_out == []
    fake = book.fake
    added = fake.com_series[("Surface chart", 0)]
    assert [(s.Name, s.XValues, s.Values) for s in added] == [
        ("descent path", "='History'!$C$2:$C$5", "='History'!$D$2:$D$5"),
        ("start", "='Surface'!$E$2", "='Surface'!$F$2"),
        ("closed-form optimum", "='Surface'!$E$5", "='Surface'!$F$5")]
    assert fake.chart_api[("Loss chart", 0)].Axes(2).ScaleType == -4133  # log scale
    formats = [a[4] for a in book.of("seriesFormat", "Surface chart")]
    assert [f["name"] for f in formats] == ["iso-loss contours", "descent path", "start",
                                            "closed-form optimum"]
    assert formats[0] == {"name": "iso-loss contours", "chart_type": "xy_scatter_lines_no_markers",
                          "marker_style": "none", "line_color": "#9DB9D6"}
    assert formats[2]["marker_style"] == "triangle" and "line_color" not in formats[2]
    assert fake.name_api[("Data", "_gdfit_sheet")].Visible is False


def test_mock_backend_rejects_what_xlwings_does_not_have():
    book = Backend("mock", payload([{"name": "S"}])).book
    sheet = book.sheets["S"]
    with pytest.raises(AttributeError):
        sheet.range("A1").formula_arry = "=1"
    with pytest.raises(TypeError):
        sheet.charts.add(1, 2, 3, 4, "xy_scatter", None, None, None, None, 227, "extra")
    with pytest.raises(AttributeError):
        sheet.book.name = "renamed"  # read-only in xlwings


def test_workbook_names_are_added_to_the_book_and_follow_a_renamed_sheet(make_book):
    from gdfit.report.model import CellRef, ColumnRef, Report, SheetSpec, Table, WorkbookName

    sheet = SheetSpec("Inputs", tables=[Table("A2", ["rate", "x"], [[0.1, 1.0], [None, 2.0]], id="inputs")])
    report = Report([sheet], names=[WorkbookName("gd_learning_rate", CellRef("Inputs", "inputs", 0, "rate")),
                                    WorkbookName("gd_x", ColumnRef("Inputs", "inputs", "x"))])
    book = make_book(payload([{"name": "Inputs", "values": [["the user's"]]}]))
    result = render_book(report, book.book)
    assert result.sheets == {"Inputs": "Inputs (gdfit)"}
    added = [a for a in book.of("name") if a[1] is None]  # no sheet: workbook-scoped
    assert added == [("name", None, "gd_learning_rate", "='Inputs (gdfit)'!$A$3"),
                     ("name", None, "gd_x", "='Inputs (gdfit)'!$B$3:$B$4")]
    # Defined before any cell is written, so no formula is ever entered over an unknown name.
    actions = book.actions()
    assert actions.index(added[-1]) < actions.index(book.of("values", "Inputs (gdfit)")[0])
