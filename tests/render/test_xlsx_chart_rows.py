"""Charts over Excel's full height: openpyxl's range helper stops at row 1,000,000."""
from openpyxl.chart.series import XYSeries
from openpyxl.xml.functions import tostring

from gdfit.render.xlsx_chart import build_chart
from gdfit.report.model import ChartSpec, ColumnRef, Report, SeriesSpec, SheetSpec, Table


def _chart_xml(rows: int) -> tuple[bytes, XYSeries]:
    table = Table("A1", ["x", "y"], [[0.0, 0.0]] * rows, id="data")  # one row object: only the extent matters
    ref = lambda column: ColumnRef("S", "data", column)  # noqa: E731
    spec = ChartSpec("scatter", "fit", "D1", [SeriesSpec("y", ref("x"), ref("y"))])
    chart = build_chart(Report([SheetSpec("S", [table], charts=[spec])]), spec)
    return tostring(chart._write()), chart.series[0]


def test_a_series_past_row_one_million_is_the_series_openpyxl_writes_below_it():
    below, _ = _chart_xml(999_998)  # rows 2 to 999,999: openpyxl's own factory
    past, series = _chart_xml(1_048_575)  # rows 2 to 1,048,576, Excel's last row
    assert series.yVal.numRef.f == "'S'!$B$2:$B$1048576" and series.xVal.numRef.f == "'S'!$A$2:$A$1048576"
    assert past.replace(b"1048576", b"999999") == below
