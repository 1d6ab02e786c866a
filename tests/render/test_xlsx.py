"""The openpyxl renderer, read back from the saved file with openpyxl."""
import math
import os

import numpy as np
import openpyxl
import pytest
from openpyxl.chart import LineChart, ScatterChart
from openpyxl.worksheet.formula import ArrayFormula as XLArrayFormula

from gdfit.render.xlsx import excel_formula, render_workbook, save_workbook
from gdfit.report.model import (
    PALETTE,
    ChartSpec,
    ColumnRef,
    LayoutError,
    Note,
    Report,
    SeriesSpec,
    SheetSpec,
    Table,
)
from tests.render.sample import FORMULA_LIKE, START, X, Y, sample_report


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    report, fit = sample_report(n_iter=3)
    path = tmp_path_factory.mktemp("xlsx") / "sample.xlsx"
    save_workbook(render_workbook(report), path)
    return openpyxl.load_workbook(path), fit


def _title_text(title):
    return "".join(run.t for p in title.tx.rich.p for run in (p.r or []))


def test_sheets_in_report_order_and_properties(saved):
    wb, _ = saved
    assert wb.sheetnames == ["Data", "History", "Surface", "Fit chart", "Loss chart",
                             "Parameters chart", "Surface chart"]
    assert wb.properties.title == "gdfit sample"


def test_table_cells_formats_header_and_excel_table(saved):
    wb, _ = saved
    ws = wb["Data"]
    assert [ws.cell(r, 1).value for r in range(4, 12)] == X.tolist()
    assert [ws.cell(r, 2).value for r in range(4, 12)] == Y.tolist()
    assert ws["A4"].number_format == "0.0" and ws["B4"].number_format == "0.00"
    assert ws["A3"].value == "x" and ws["A3"].font.b
    assert ws.tables["data"].ref == "A3:B11"
    assert ws["A1"].value == "Ad spend and sales" and ws["A1"].font.sz == 14
    assert ws["H1"].font.color.rgb.endswith("9C0006")  # the warning note
    # One page wide at a set scale, never squeezed to one page tall (report.present).
    assert ws.page_setup.orientation in ("portrait", "landscape") and 25 <= ws.page_setup.scale <= 100
    assert not ws.sheet_properties.pageSetUpPr.fitToPage


def test_history_numbers_freeze_and_widths(saved):
    wb, fit = saved
    ws = wb["History"]
    assert ws.freeze_panes == "A2"
    got = np.array([[c.value for c in row] for row in ws.iter_rows(min_row=2, max_row=5)])
    # openpyxl 3.1 writes numbers with 16 significant digits ("%.16g"): within 1e-15, not exact.
    np.testing.assert_allclose(got, fit.history, rtol=1e-15, atol=0)
    assert ws["B2"].number_format == "0.000E+00"
    assert ws.column_dimensions["B"].width == pytest.approx(12.0)  # auto width of 0.000E+00


def test_formula_like_text_stays_text(saved):
    wb, _ = saved
    ws = wb["Data"]
    cells = [ws.cell(r, 4) for r in range(9, 9 + len(FORMULA_LIKE))]
    assert [c.value for c in cells] == FORMULA_LIKE
    assert [c.data_type for c in cells] == ["s"] * len(FORMULA_LIKE)


def test_live_and_array_formulas(saved):
    wb, _ = saved
    ws = wb["Data"]
    assert ws["H3"].value == "=SLOPE('Data'!$B$4:$B$11,'Data'!$A$4:$A$11)"
    # A formula's result is not known when the file is written: General, which never shows ###,
    # instead of the fixed format asked for (gdfit.report.present.formula_format).
    assert ws["H3"].data_type == "f" and ws["H3"].number_format == "General"
    linest = ws["H6"].value
    assert isinstance(linest, XLArrayFormula) and linest.ref == "H6:I10"
    assert linest.text == "=LINEST('Data'!$B$4:$B$11,'Data'!$A$4:$A$11,TRUE,TRUE)"
    assert ws["H12"].value == "=_xlfn.T.DIST.2T(2.5,6)"


def _chart(wb, sheet):
    (chart,) = wb[sheet]._charts
    return chart


def _refs(chart):
    return [(s.xVal.numRef.f, s.yVal.numRef.f) for s in chart.series]


def test_fit_chart_markers_and_two_fitted_lines(saved):
    chart = _chart(saved[0], "Fit chart")
    assert isinstance(chart, ScatterChart)
    assert _refs(chart) == [
        ("'Data'!$A$4:$A$11", "'Data'!$B$4:$B$11"),
        ("'Data'!$D$4:$D$5", "'Data'!$E$4:$E$5"),
        ("'Data'!$D$4:$D$5", "'Data'!$F$4:$F$5"),
    ]
    data, gd, cf = chart.series
    assert data.marker.symbol == "circle" and data.spPr.ln.noFill
    assert gd.marker.symbol is None and gd.smooth is False  # symbol "none" reads back as None
    assert cf.spPr.ln.prstDash == "dash"
    assert data.marker.spPr.solidFill.srgbClr == PALETTE[0]
    assert gd.spPr.ln.solidFill.srgbClr == PALETTE[1]
    assert [s.tx.v for s in chart.series] == ["data", "gradient descent", "closed form"]
    assert _title_text(chart.title) == "Sales against ad spend: data and fitted lines"
    assert chart.legend.position == "b"


def test_loss_chart_has_a_log_y_axis_and_titled_visible_axes(saved):
    chart = _chart(saved[0], "Loss chart")
    assert _refs(chart) == [("'History'!$A$2:$A$5", "'History'!$B$2:$B$5")]
    assert chart.y_axis.scaling.logBase == 10 and chart.x_axis.scaling.logBase is None
    assert _title_text(chart.x_axis.title) == "iteration"
    assert _title_text(chart.y_axis.title) == "MSE (log scale)"
    assert chart.x_axis.delete is False and chart.y_axis.delete is False
    assert (chart.anchor.ext.width, chart.anchor.ext.height) == (24 * 360000, 15 * 360000)  # EMU


def test_parameter_chart_has_one_line_per_parameter(saved):
    chart = _chart(saved[0], "Parameters chart")
    assert [s.tx.v for s in chart.series] == ["slope", "intercept"]
    assert [y for _, y in _refs(chart)] == ["'History'!$C$2:$C$5", "'History'!$D$2:$D$5"]


def test_contour_chart_reads_curves_path_start_and_optimum(saved):
    wb, fit = saved
    chart = _chart(wb, "Surface chart")
    contours, path, start, optimum = chart.series
    ws = wb["Surface"]
    last = ws.max_row
    assert contours.xVal.numRef.f == f"'Surface'!$B$2:$B${last}"
    # Curves are separated by one blank row, which the chart shows as a gap.
    blanks = [r for r in range(2, last + 1) if ws.cell(r, 2).value is None]
    assert len(blanks) == 5 and chart.display_blanks == "gap"
    assert path.yVal.numRef.f == "'History'!$D$2:$D$5" and path.marker.symbol == "circle"
    assert not path.spPr.ln.noFill
    assert [ws["E2"].value, ws["F2"].value] == START.tolist()
    assert start.xVal.numRef.f == "'Surface'!$E$2" and start.marker.symbol == "triangle"
    assert math.isclose(ws["E5"].value, fit.optimum[0], rel_tol=1e-15)
    assert optimum.marker.symbol == "x"


def test_chart_anchors_are_the_report_cells(saved):
    chart = _chart(saved[0], "Loss chart")
    assert (chart.anchor._from.col, chart.anchor._from.row) == (0, 0)  # A1, zero-based


def test_line_kind_uses_categories_and_non_finite_values_become_na(tmp_path):
    t = Table("A1", ["k", "loss"], [[0, 5.0], [1, math.nan], [2, math.inf], [3, 1.0]], id="h")
    ref = lambda c: ColumnRef("L", "h", c)  # noqa: E731
    chart = ChartSpec("line", "loss", "D1", [SeriesSpec("loss", ref("k"), ref("loss"), "line")],
                      legend=None, blanks="span")
    path = save_workbook(render_workbook(Report([SheetSpec("L", [t], charts=[chart])])),
                         tmp_path / "line.xlsx")
    ws = openpyxl.load_workbook(path)["L"]
    assert [ws.cell(r, 2).value for r in range(2, 6)] == [5.0, "#N/A", "#N/A", 1.0]
    assert ws["B3"].data_type == "e"
    (drawn,) = ws._charts
    assert isinstance(drawn, LineChart) and drawn.legend is None and drawn.display_blanks == "span"
    assert drawn.series[0].cat.numRef.f == "'L'!$A$2:$A$5"


@pytest.mark.parametrize("text, stored", [
    ("=T.DIST.2T(A1,3)", "=_xlfn.T.DIST.2T(A1,3)"),
    ("=norm.s.inv(0.9)+F.DIST.RT(2,1,3)", "=_xlfn.NORM.S.INV(0.9)+_xlfn.F.DIST.RT(2,1,3)"),
    ("=_xlfn.T.INV.2T(0.05,3)", "=_xlfn.T.INV.2T(0.05,3)"),
    ('=IF(A1,"T.DIST(",TDIST(1,2,2))', '=IF(A1,"T.DIST(",TDIST(1,2,2))'),
    ("='T.DIST(x'!A1+SLOPE(B1:B3,C1:C3)", "='T.DIST(x'!A1+SLOPE(B1:B3,C1:C3)"),
])
def test_newer_functions_get_excels_file_prefix(text, stored):
    assert excel_formula(text) == stored


def _one_sheet(name="Run", value=1.0):
    return Report([SheetSpec(name, tables=[Table("A1", ["v"], [[value]], name="runs")])])


def test_notes_and_headers_that_look_like_formulas_stay_text(tmp_path):
    t = Table("A3", ["=y", "-x"], [[1, 2]], name="odd")
    report = Report([SheetSpec("S", tables=[t], notes=[Note("A1", "- a dash, not a minus")])])
    ws = openpyxl.load_workbook(save_workbook(render_workbook(report), tmp_path / "t.xlsx"))["S"]
    assert [(c.value, c.data_type) for c in (ws["A1"], ws["A3"], ws["B3"])] == [
        ("- a dash, not a minus", "s"), ("=y", "s"), ("-x", "s")]
    assert [c.name for c in ws.tables["odd"].tableColumns] == ["=y", "-x"]


def test_existing_sheet_needs_replace_and_is_reused_in_place():
    wb = openpyxl.Workbook()
    wb.active.title = "Mine"
    wb.create_sheet("Run")["Z9"] = "old"
    wb["Run"].defined_names["_owner"] = openpyxl.workbook.defined_name.DefinedName(
        "_owner", attr_text='"gdfit"')
    wb.create_sheet("After")
    with pytest.raises(LayoutError, match="already has a sheet 'Run'"):
        render_workbook(_one_sheet(), wb)
    render_workbook(_one_sheet(value=2.0), wb, replace=True)
    assert wb.sheetnames == ["Mine", "Run", "After"]
    assert wb["Run"]["Z9"].value is None and wb["Run"]["A2"].value == 2.0
    assert "_owner" in wb["Run"].defined_names


def test_a_new_workbook_has_only_the_reports_sheets_even_one_called_sheet():
    wb = render_workbook(_one_sheet("Sheet"))
    assert wb.sheetnames == ["Sheet"] and wb["Sheet"]["A2"].value == 1.0


def test_a_table_name_used_on_another_sheet_is_refused():
    wb = render_workbook(_one_sheet("First"))
    with pytest.raises(LayoutError, match="already has an Excel table 'runs'"):
        render_workbook(_one_sheet("Second"), wb)


def test_an_invalid_report_draws_nothing():
    wb = openpyxl.Workbook()
    bad = Report([SheetSpec("A", notes=[Note("A1", "x")], tables=[Table("A1", ["v"], [[1]])])])
    with pytest.raises(LayoutError, match="overlaps"):
        render_workbook(bad, wb)
    assert wb.sheetnames == ["Sheet"]


def test_atomic_save_leaves_only_the_file(tmp_path):
    target = tmp_path / "book.xlsx"
    save_workbook(render_workbook(_one_sheet()), target)
    target.chmod(0o640)
    save_workbook(render_workbook(_one_sheet(value=3.0)), target)
    assert os.listdir(tmp_path) == ["book.xlsx"]
    assert openpyxl.load_workbook(target)["Run"]["A2"].value == 3.0
    assert target.stat().st_mode & 0o777 == 0o640


def test_failed_save_keeps_the_old_file_and_removes_the_partial_one(tmp_path, monkeypatch):
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"the analyst's previous workbook")
    written = []

    def broken_save(self, filename):
        with open(filename, "wb") as f:
            f.write(b"PK\x03\x04 half a zip")
        written.append(filename)
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        save_workbook(openpyxl.Workbook(), target)
    assert len(written) == 1 and os.path.dirname(written[0]) == str(tmp_path)
    assert target.read_bytes() == b"the analyst's previous workbook"
    assert os.listdir(tmp_path) == ["book.xlsx"]


def test_workbook_names_are_written_once_and_a_rerun_redefines_them(tmp_path):
    from gdfit.report.model import CellRef, RangeRef, WorkbookName

    def report(rate_row: int) -> Report:
        sheet = SheetSpec("Inputs", tables=[Table("A2", ["rate"], [[0.1], [0.2]], id="inputs")])
        return Report([sheet], names=[WorkbookName("gd_learning_rate", CellRef("Inputs", "inputs", rate_row, "rate")),
                                      WorkbookName("gd_y", RangeRef("Theirs", "B2:B9", external=True))])

    wb = render_workbook(report(0))
    wb = openpyxl.load_workbook(save_workbook(wb, tmp_path / "names.xlsx"))
    assert {n: d.attr_text for n, d in wb.defined_names.items()} == {
        "gd_learning_rate": "'Inputs'!$A$3", "gd_y": "'Theirs'!$B$2:$B$9"}
    assert all(d.localSheetId is None for d in wb.defined_names.values())  # workbook-scoped
    again = openpyxl.load_workbook(save_workbook(render_workbook(report(1), wb, replace=True), tmp_path / "again.xlsx"))
    assert {n: d.attr_text for n, d in again.defined_names.items()} == {
        "gd_learning_rate": "'Inputs'!$A$4", "gd_y": "'Theirs'!$B$2:$B$9"}
