"""A ``ChartSpec`` as a native openpyxl chart whose series reference the report's table cells."""
from __future__ import annotations

from openpyxl.chart import LineChart, ScatterChart, Series
from openpyxl.chart.data_source import AxDataSource, NumDataSource, NumRef
from openpyxl.chart.marker import Marker
from openpyxl.chart.series import SeriesLabel, XYSeries
from openpyxl.chart.shapes import GraphicalProperties
from openpyxl.chart.text import RichText, Text
from openpyxl.chart.title import Title
from openpyxl.drawing.line import LineProperties
from openpyxl.drawing.text import (
    CharacterProperties,
    Paragraph,
    ParagraphProperties,
    RegularTextRun,
)

from gdfit.report.model import ChartSpec, Report, SeriesSpec, series_colors
from gdfit.report.references import resolve

__all__ = ["build_chart"]

_PT_TO_EMU = 12700


def build_chart(report: Report, spec: ChartSpec) -> ScatterChart | LineChart:
    """The openpyxl chart for ``spec``; place it with ``ws.add_chart(chart, spec.anchor)``."""
    if spec.kind == "scatter":
        # "lineMarker" lets each series decide: markers, a line, or both.
        chart = ScatterChart(scatterStyle="lineMarker")
    else:
        chart = LineChart()
    chart.title = _title(spec.title, 1200)
    chart.display_blanks = spec.blanks
    chart.width, chart.height = spec.width_cm, spec.height_cm
    for s, color in zip(spec.series, series_colors(spec)):
        chart.series.append(_series(report, spec, s, color))
    _axis(chart.x_axis, spec.x_title, spec.x_log, spec.x_min, spec.x_max, spec.x_number_format)
    if spec.x_major_unit is not None:
        chart.x_axis.majorUnit = spec.x_major_unit
    _axis(chart.y_axis, spec.y_title, spec.y_log, spec.y_min, spec.y_max, spec.y_number_format)
    chart.x_axis.axPos = "b"
    chart.x_axis.majorGridlines = None  # horizontal gridlines only, as Excel's own scatter
    if spec.legend is None:
        chart.legend = None
    else:
        chart.legend.position = spec.legend
    return chart


def _plain_series(y: str, x: str | None, title: str) -> Series:
    """The series openpyxl's factory makes, without its ``Reference``, which refuses rows past
    1,000,000 (Excel's last row is 1,048,576): the ranges as written, for data that long."""
    series = XYSeries() if x is not None else Series()
    source = NumDataSource(numRef=NumRef(f=y))
    if x is not None:
        series.yVal, series.xVal = source, AxDataSource(numRef=NumRef(f=x))
    else:
        series.val = source
    series.title = SeriesLabel(v=title)
    return series


def _series(report: Report, chart: ChartSpec, spec: SeriesSpec, color: str) -> Series:
    x, y = resolve(report, spec.x_ref).a1, resolve(report, spec.y_ref).a1
    try:  # the factory, as always, for ranges it takes: the same chart XML as before
        series = Series(y, xvalues=x, title=spec.name) if chart.kind == "scatter" else Series(y, title=spec.name)
    except ValueError:
        series = _plain_series(y, x if chart.kind == "scatter" else None, spec.name)
    if chart.kind != "scatter":
        series.cat = AxDataSource(numRef=NumRef(f=x))
    line = LineProperties()
    series.graphicalProperties = GraphicalProperties(ln=line)
    series.smooth = False  # a smoothed line would invent values between the points
    if spec.style == "markers":
        line.noFill = True
    else:
        line.width = int(spec.line_width_pt * _PT_TO_EMU)
        line.prstDash = spec.line_dash
        line.solidFill = color
    if spec.style == "line":
        series.marker = Marker(symbol="none")
    else:
        series.marker = Marker(symbol=spec.marker, size=spec.marker_size)
        series.marker.graphicalProperties.solidFill = color
        series.marker.graphicalProperties.line.solidFill = color
    return series


def _text_props(size: int, bold: bool) -> CharacterProperties:
    return CharacterProperties(sz=size, b=bold)


def _title(text: str, size: int, bold: bool = True) -> Title:
    """A title in a set font size (hundredths of a point) that does not overlap the plot."""
    props = _text_props(size, bold)
    para = Paragraph(pPr=ParagraphProperties(defRPr=props), r=[RegularTextRun(rPr=props, t=text)])
    return Title(tx=Text(rich=RichText(p=[para])), overlay=False)


def _axis(axis, title: str, log: bool, lo: float | None, hi: float | None,
          number_format: str | None) -> None:
    axis.title = _title(title, 1000) if title else None
    # Tick labels a size smaller than the axis title.
    axis.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=_text_props(900, False)),
                                      endParaRPr=_text_props(900, False))])
    # openpyxl leaves <c:delete> out, and recent Excel then hides the axis: say it explicitly.
    axis.delete = False
    if log:
        axis.scaling.logBase = 10
    axis.scaling.min, axis.scaling.max = lo, hi
    # "General" rather than the cells' format: 2 decimals in a table read as noise on an axis.
    axis.number_format = number_format or "General"
    # Labels at the low end of the other axis, not through the middle of the plot where a
    # negative intercept or a log axis would otherwise put them.
    axis.crosses = "min"
