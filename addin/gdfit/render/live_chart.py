"""A ``ChartSpec`` as a native Excel chart, drawn through xlwings' chart API.

xlwings creates a chart from one source range: the series are its columns, sharing one set of x
values (``set_x_axis_values``). So the leading series of a spec that share their x values and
whose y columns sit side by side become the chart's source; any other series (their own x
values, another sheet) and what xlwings has no word for (log scale, dashes, line widths, blank
cells) need the Excel object model itself, which is used only on Windows Excel (``com=True``).
Elsewhere (macOS, the remote engine) the chart shows the leading series and the renderer
reports what it left out. Series names, markers and colours use xlwings' series API wherever
the engine can read the series back.
"""
from __future__ import annotations

from typing import Any

from gdfit.report.a1 import Rect, a1_range
from gdfit.report.model import ChartSpec, Report, SeriesSpec, series_colors
from gdfit.report.references import ResolvedRange, resolve

__all__ = ["draw_chart", "split_series", "points"]

_LEGEND = {"b": "bottom", "r": "right", "t": "top", "l": "left", "tr": "corner"}
_MARKERS = {"auto": "automatic", "triangle": "triangle", "circle": "circle", "square": "square",
            "diamond": "diamond", "x": "x", "star": "star", "dot": "dot", "dash": "dash",
            "plus": "plus", "none": "none"}
# Excel constants used through the object model (Windows only).
_XL_CATEGORY, _XL_VALUE, _XL_LOG_SCALE = 1, 2, -4133
_XL_BLANKS = {"gap": 1, "zero": 2, "span": 3}  # xlNotPlotted, xlZero, xlInterpolated
_MSO_DASH = {"dash": 4, "sysDash": 10, "sysDot": 3, "dot": 3, "lgDash": 7, "dashDot": 5,
             "lgDashDot": 8, "solid": 1}


def points(cm: float) -> float:
    """Centimetres (the report's unit) as points (Excel's)."""
    return cm / 2.54 * 72.0


def _series_type(kind: str, style: str) -> str:
    if kind == "line":
        return "line" if style == "line" else "line_markers"
    return {"markers": "xy_scatter", "line": "xy_scatter_lines_no_markers"}.get(
        style, "xy_scatter_lines")


def _chart_type(kind: str, series: list[SeriesSpec]) -> str:
    styles = {s.style for s in series}
    return _series_type(kind, styles.pop() if len(styles) == 1 else "markers+line")


def _next_to(block: ResolvedRange, y: ResolvedRange) -> bool:
    a, b = block.rect, y.rect
    return (y.sheet == block.sheet and b.shape[1] == 1 and (b.min_row, b.max_row)
            == (a.min_row, a.max_row) and b.min_col == a.max_col + 1)


def split_series(report: Report, spec: ChartSpec) -> tuple[ResolvedRange, ResolvedRange, int]:
    """The x range, the y block of the leading series xlwings can draw, and how many they are.

    Leading series qualify while they share the first series' x values and each y column lies
    just right of the previous one on the same sheet and rows.
    """
    x = resolve(report, spec.series[0].x_ref)
    block = resolve(report, spec.series[0].y_ref)
    count = 1
    for s in spec.series[1:]:
        y = resolve(report, s.y_ref)
        if resolve(report, s.x_ref) != x or not _next_to(block, y):
            break
        block = ResolvedRange(block.sheet, Rect(block.rect.min_row, block.rect.min_col,
                                                y.rect.max_row, y.rect.max_col))
        count += 1
    return x, block, count


def _range(book, where: ResolvedRange):
    return book.sheets[where.sheet].range(a1_range(where.rect))


def draw_chart(report: Report, sheet, spec: ChartSpec, *, com: bool) -> list[str]:
    """Draw ``spec`` on ``sheet`` (an xlwings Sheet); return what could not be drawn exactly."""
    book = sheet.book
    x, block, count = split_series(report, spec)
    chart = sheet.charts.add(anchor=sheet.range(spec.anchor), width=points(spec.width_cm),
                             height=points(spec.height_cm),
                             chart_type=_chart_type(spec.kind, list(spec.series[:count])),
                             source=_range(book, block), plot_by="columns")
    chart.set_x_axis_values(_range(book, x))
    chart.title = spec.title
    if spec.legend is None:
        chart.legend.visible = False
    else:
        chart.legend.position = _LEGEND[spec.legend]
    _axis(chart.category_axis, spec.x_title, spec.x_min, spec.x_max, spec.x_number_format)
    _axis(chart.value_axis, spec.y_title, spec.y_min, spec.y_max, spec.y_number_format)
    rest = list(spec.series[count:])
    left_out: list[str] = []
    if com:
        _com_extras(report, chart, spec, rest)
    else:
        if rest:
            left_out.append(f"chart {spec.title!r}: series {', '.join(s.name for s in rest)} "
                            "need Windows Excel (their own x values)")
        if spec.x_log or spec.y_log or any(s.line_dash for s in spec.series):
            left_out.append(f"chart {spec.title!r}: log scale and dashes need Windows Excel")
    drawn = list(spec.series) if com else list(spec.series[:count])
    if not _format_series(chart, spec, drawn):
        left_out.append(f"chart {spec.title!r}: series names, markers and colours are Excel's "
                        "defaults (this engine cannot read chart series back)")
    return left_out


def _axis(axis, title: str, lo: float | None, hi: float | None, number_format: str | None) -> None:
    settings: dict[str, Any] = {"title": title or None,
                                "number_format": number_format or "General",
                                "crosses": "minimum"}  # labels at the low end, as in the files
    if lo is not None:
        settings["minimum_scale"] = lo
    if hi is not None:
        settings["maximum_scale"] = hi
    axis.set(**settings)


def _format_series(chart, spec: ChartSpec, drawn: list[SeriesSpec]) -> bool:
    """Names, markers and colours of the drawn series; False if the engine cannot list them."""
    try:
        series = chart.series
        count = len(series)
    except NotImplementedError:
        return False
    colors = dict(zip((s.name for s in spec.series), series_colors(spec)))
    for i, s in enumerate(drawn[:count]):
        series[i].set(**_series_format(spec.kind, s, "#" + colors[s.name]))
    return True


def _series_format(kind: str, s: SeriesSpec, color: str) -> dict[str, Any]:
    # Colour only what is shown: a line colour on a markers-only series would draw its line.
    out: dict[str, Any] = {"name": s.name, "chart_type": _series_type(kind, s.style)}
    if s.style == "line":
        out["marker_style"] = "none"
    else:
        out.update(marker_style=_MARKERS.get(s.marker, "automatic"),
                   marker_size=max(2, min(72, int(s.marker_size))),
                   marker_foreground_color=color, marker_background_color=color)
    if s.style != "markers":
        out["line_color"] = color
    return out


def _com_extras(report: Report, chart, spec: ChartSpec, rest: list[SeriesSpec]) -> None:
    """Windows Excel only: the remaining series by reference, log axes, dashes, blank cells."""
    xl_chart = chart.api[1]  # (ChartObject, Chart) on Windows
    for s in rest:
        new = xl_chart.SeriesCollection().NewSeries()
        new.XValues = "=" + resolve(report, s.x_ref).a1
        new.Values = "=" + resolve(report, s.y_ref).a1
        new.Name = s.name
    if spec.x_log:
        xl_chart.Axes(_XL_CATEGORY).ScaleType = _XL_LOG_SCALE
    if spec.y_log:
        xl_chart.Axes(_XL_VALUE).ScaleType = _XL_LOG_SCALE
    xl_chart.DisplayBlanksAs = _XL_BLANKS[spec.blanks]
    for i, s in enumerate(spec.series, start=1):
        if s.style == "markers":
            continue
        line = xl_chart.SeriesCollection(i).Format.Line
        line.Weight = s.line_width_pt
        if s.line_dash:
            line.DashStyle = _MSO_DASH.get(s.line_dash, 4)
