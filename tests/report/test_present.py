"""report.present on small reports: the rules themselves (the printed result of every shipped
workbook is checked through LibreOffice in tests/render/test_presentation.py)."""
import math

from gdfit.report.model import ChartSpec, ColumnRef, Note, Report, SeriesSpec, SheetSpec, Table
from gdfit.report.present import PRINTABLE_CM, axis_format, display_format, display_text, present


def _loss_report(losses):
    rows = [[i, v] for i, v in enumerate(losses)]
    col = lambda c: ColumnRef("S", "h", c)  # noqa: E731
    chart = ChartSpec("scatter", "Loss by iteration (log scale)", "E2",
                      [SeriesSpec("MSE", col("iteration"), col("loss"))], x_title="iteration", y_log=True)
    sheet = SheetSpec("S", tables=[Table("A1", ["iteration", "loss"], rows, ["0", "0.00E+00"], id="h")],
                      charts=[chart])
    return Report([sheet])


def test_a_log_chart_leaves_out_exact_zeros_and_says_so():
    shown = present(_loss_report([100.0, 1.0, 0.0, 0.0])).sheet("S").charts[0]
    (series,) = shown.series
    assert series.x_ref.rows == series.y_ref.rows == (0, 1)  # iterations 0 and 1; the zeros left out
    assert "2 values of 0 left out" in shown.title
    untouched = present(_loss_report([100.0, 1.0, 0.5])).sheet("S").charts[0]
    assert untouched.series[0].y_ref.rows is None and untouched.title == "Loss by iteration (log scale)"


def test_iteration_axis_ticks_at_whole_numbers():
    shown = present(_loss_report([8.0, 4.0, 2.0, 1.0, 0.5, 0.25, 0.125])).sheet("S").charts[0]
    assert shown.x_major_unit == 1.0 and shown.x_number_format == "0"
    long = present(_loss_report([1.0 / (i + 1) for i in range(1001)])).sheet("S").charts[0]
    assert long.x_major_unit == 200.0  # 1000 iterations in five whole steps


def test_axis_formats_follow_the_scale():
    assert axis_format([0.0, 1.17e11]) == "0.0E+00"  # not 100000000000
    assert axis_format([0.0, 25000.0]) == "#,##0"
    assert axis_format([0.0, 3.5]) == "General"
    assert axis_format([1e-6, 1e-3]) == "0.0E+00"  # not 0.0002, 0.0004, ...


def test_columns_fit_their_formatted_values_with_room_between():
    rows = [["SSE", 116762437527.313, 0.5], ["slope", 0.009756, 1.0]]
    sheet = SheetSpec("S", tables=[Table("A1", ["Quantity", "Start", "Solver-equivalent"], rows,
                                         [None, "0.000000", "0.000000"])])
    shown = present(Report([sheet])).sheet("S")
    start = max(len(display_text(v, display_format(v, "0.000000"))) for v in (116762437527.313, 0.009756))
    assert shown.column_widths["B"] == start + 2  # two characters between it and the next column
    assert display_format(116762437527.313, "0.000000") == "0.000000E+00"  # 1.167624E+11, never ###


def test_a_long_header_wraps_and_its_row_grows():
    sheet = SheetSpec("S", tables=[Table("A3", ["Solver-equivalent (GRG-like, Excel defaults)", "x"],
                                         [[1.5, 2.5]])])
    shown = present(Report([sheet])).sheet("S")
    assert shown.column_widths["A"] < len("Solver-equivalent (GRG-like, Excel defaults)")
    assert shown.row_heights[3] >= 30.0  # two lines or more


def test_a_note_wider_than_the_page_wraps_within_it():
    text = "word " * 60
    sheet = SheetSpec("Read me", notes=[Note("A3", text.strip(), "body", span=14)])
    shown = present(Report([sheet])).sheet("Read me")
    (note,) = shown.notes
    assert note.wrap and shown.row_heights[3] > 15.0
    assert not shown.page.landscape and shown.page.scale == 100  # a read-me prints portrait, full size


def test_long_sheets_run_on_pages_one_wide_and_breaks_miss_the_charts():
    rows = [[i, 1.0 / (i + 1)] for i in range(300)]
    col = lambda c: ColumnRef("S", "h", c)  # noqa: E731
    charts = [ChartSpec("scatter", f"chart {k}", f"D{2 + 19 * k}", [SeriesSpec("y", col("i"), col("y"))])
              for k in range(4)]
    sheet = SheetSpec("S", tables=[Table("A1", ["i", "y"], rows, id="h")], charts=charts)
    page = present(Report([sheet])).sheet("S").page
    # 16 cm charts from column D at the default width reach column M (16 / 1.69 cm = 9.5 columns).
    assert not page.fit_to_page and page.print_area == "A1:M301"
    assert page.row_breaks and all(b < 301 for b in page.row_breaks)
    for brk in page.row_breaks:  # no chart (rows 2-19, 21-38, ...) has a break inside it
        assert all(not (2 + 19 * k <= brk < 2 + 19 * k + 17) for k in range(4)), brk
    assert page.repeat_rows == "1:1"  # the table's header on every page
    width_cm = PRINTABLE_CM["landscape" if page.landscape else "portrait"][0]
    assert math.isfinite(width_cm) and 25 <= page.scale <= 100
