"""The Regression sheet: the ToolPak-equivalent SUMMARY OUTPUT with its residual and probability
output, and the Line Fit Plot."""
from __future__ import annotations

from dataclasses import replace

from gdfit.core.compare import Comparison
from gdfit.core.data import Dataset
from gdfit.report.a1 import MAX_ROW, col_letter
from gdfit.report.model import CellValue, ChartSpec, ColumnRef, Columns, Note, PageSetup, SeriesSpec, SheetSpec, Table
from gdfit.sheets.training.source import NUMBER, DataSource

__all__ = ["regression_sheet"]

SHEET = "Regression"
_SUMMARY_WIDTH = 9  # columns of the ToolPak's SUMMARY OUTPUT block
_CHART_ROWS = 19  # a 16 x 9 cm chart at the default row height, and a spare row


def regression_sheet(cmp: Comparison, source: DataSource, data: Dataset) -> SheetSpec:
    """The ToolPak-equivalent SUMMARY OUTPUT with residual and probability output, and the
    Line Fit Plot with the gradient-descent and closed-form lines."""
    # The comparison's ToolPak run (the same data and constant), under the data's column names.
    regression = replace(cmp.toolpak, names=tuple(str(label) for label in source.labels))
    summary = regression.rows(residuals=False, standardized=False, probability=False)
    head, columns = regression.observations(residuals=True, standardized=True, probability=True)
    # One row per observation, then the charts under them: past Excel's last row they cannot go.
    per_observation = len(summary) + len(head) + data.n + 3 + 2 * _CHART_ROWS <= MAX_ROW
    if per_observation:
        summary += [row + [None] * (_SUMMARY_WIDTH - len(row)) for row in head]
    # Fixed widths, as the ToolPak leaves them: General then shows as many digits as fit.
    widths = {col_letter(c): 13.0 for c in range(2, _SUMMARY_WIDTH + 1)}
    sheet = SheetSpec(SHEET, page=PageSetup(), column_widths={"A": 20.0, **widths})
    sheet.tables.append(Table("A1", None, summary, id="summary"))
    series = [SeriesSpec(source.y_label, source.x[0], source.y, marker_size=6)]
    end = len(summary)  # the sheet's last row so far
    if per_observation:
        # One row per observation under the block (RESIDUAL OUTPUT, then PROBABILITY OUTPUT beside
        # it), as columns of numbers; the predicted values are its column B.
        sheet.tables.append(Table(f"A{end + 1}", None, Columns(columns), id="observations"))
        end += data.n
        predicted = ColumnRef(SHEET, "observations", 1)
        series.append(SeriesSpec(f"Predicted {source.y_label}", source.x[0], predicted, marker="square",
                                 marker_size=5))
    else:
        sheet.notes.append(Note(f"A{end + 2}", f"The RESIDUAL and PROBABILITY OUTPUT (one row for each of "
                                f"the {data.n:,} observations) are left out: under this block they would run "
                                f"past Excel's last row, {MAX_ROW:,}.", "warning", span=8))
    # Under the ToolPak block rather than beside it (where the ToolPak puts it): the sheet then
    # prints one page wide at a readable scale.
    chart_top = end + 3 + (0 if per_observation else 2)
    if data.p == 1:
        series += _fit_lines(sheet, cmp, data, anchor=f"A{chart_top + _CHART_ROWS}")
    sheet.charts.append(ChartSpec(
        "scatter", f"{source.labels[0]} Line Fit Plot", f"A{chart_top}", series,
        x_title=source.labels[0], y_title=source.y_label))
    return sheet


def _fit_lines(sheet: SheetSpec, cmp: Comparison, data: Dataset, anchor: str) -> list[SeriesSpec]:
    lo, hi = float(data.X[:, 0].min()), float(data.X[:, 0].max())
    gd, cf = cmp.fit, cmp.closed
    rows: list[list[CellValue]] = [[x, float(gd.coef[0] * x + gd.intercept), float(cf.coef[0] * x + cf.intercept)]
                                   for x in (lo, hi)]
    sheet.tables.append(Table(anchor, ["x", "gradient descent", "closed form"], rows, [None, NUMBER, NUMBER],
                              id="fit_lines"))
    ref = lambda column: ColumnRef(SHEET, "fit_lines", column)  # noqa: E731
    return [SeriesSpec("gradient descent line", ref("x"), ref("gradient descent"), style="line"),
            SeriesSpec("closed-form line", ref("x"), ref("closed form"), style="line", line_dash="dash")]
