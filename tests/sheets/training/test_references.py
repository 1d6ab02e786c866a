"""The training report's references land on the cells that hold what they name, renamed or not."""
import numpy as np
import pandas as pd
import pytest

import gdfit
from gdfit.report.layout import validate
from gdfit.report.model import Formula, Report
from gdfit.report.references import formula_text, renamed, resolve
from gdfit.report.solver_model import solver_names
from gdfit.sheets.training.dataset import dataset_report


def _at(report: Report, sheet: str, row: int, col: int):
    """The value a report puts at a sheet cell, found from the tables' geometry alone."""
    for table in report.sheet(sheet).tables:
        r = table.rect
        if r.min_row <= row <= r.max_row and r.min_col <= col <= r.max_col:
            if table.header is not None and row == r.min_row:
                return table.header[col - r.min_col]
            values = table.rows[row - table.first_data_row]
            return values[col - r.min_col] if col - r.min_col < len(values) else None
    return None


@pytest.fixture(scope="module")
def two_features():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"tv": rng.uniform(0, 10, 20), "radio": rng.uniform(0, 5, 20)})
    frame["sales"] = 2.0 * frame.tv - 0.5 * frame.radio + 3.0 + rng.normal(scale=0.1, size=20)
    report, _ = dataset_report(frame, ["tv", "radio"], "sales", table="Ads", title="ads", reproducible=True)
    return frame, report


@pytest.mark.parametrize("names", [{}, {"Formula": "Formula (gdfit)", "Solver": "Solver (gdfit)"}])
def test_live_check_reads_the_gd_row_and_the_formula_of_the_same_parameter(two_features, names):
    _, report = two_features
    report = renamed(report, names)
    validate(report)
    formula_sheet = names.get("Formula", "Formula")
    live = report.table("Compare", "live_check")
    params = ["tv", "radio", "intercept"]
    assert [row[0] for row in live.rows] == params
    for j, row in enumerate(live.rows):
        gd, excel = (resolve(report, cell.refs[key]) for cell, key in ((row[1], "gd"), (row[2], "excel")))
        assert excel.sheet == formula_sheet
        assert _at(report, formula_sheet, excel.rect.min_row, 1) == ("intercept" if j == 2 else f"slope ({params[j]})")
        assert _at(report, "Compare", gd.rect.min_row, 1) == "Gradient descent"
        header_row = report.table("Compare", "parity").rect.min_row
        assert _at(report, "Compare", header_row, gd.rect.min_col) == params[j]
        top = live.first_data_row + j
        assert formula_text(report, row[3]) == f"=B{top}-C{top}"


def test_formula_sheet_sse_multiplies_each_column_by_its_own_coefficient_cell(two_features):
    _, report = two_features
    sse = report.table("Formula", "formula").rows[3][1]
    assert isinstance(sse, Formula)
    assert formula_text(report, sse) == (
        "=SUMPRODUCT(('Data'!$C$4:$C$23-('Data'!$A$4:$A$23*$B$5+'Data'!$B$4:$B$23*$B$6+$B$7))^2)")
    for cell, name in (("$B$5", "slope (tv)"), ("$B$6", "slope (radio)"), ("$B$7", "intercept")):
        row = int(cell.rsplit("$", 1)[1])
        assert _at(report, "Formula", row, 1) == name


def test_solver_model_and_answer_report_name_the_variable_and_objective_cells(two_features):
    _, report = two_features
    moved = renamed(report, {"Solver": "Solver (gdfit)"})
    names = solver_names(moved, moved.sheet("Solver (gdfit)").solver)
    assert names["solver_adj"] == "'Solver (gdfit)'!$B$5:$B$7"
    assert names["solver_opt"] == "'Solver (gdfit)'!$B$8"
    assert [_at(moved, "Solver (gdfit)", r, 1) for r in range(5, 9)] == [
        "slope (tv)", "slope (radio)", "intercept", "SSE (objective)"]
    answer = report.table("Solver", "answer_report").rows
    objective = next(i for i, row in enumerate(answer) if row[:1] == ["Objective Cell (Min)"])
    assert answer[objective + 2][1:3] == ["$B$8", "SSE"]
    variables = next(i for i, row in enumerate(answer) if row[:1] == ["Variable Cells"])
    assert [row[1] for row in answer[variables + 2:variables + 5]] == ["$B$5", "$B$6", "$B$7"]


def test_predicted_series_is_the_fitted_values_of_every_observation(two_features):
    frame, report = two_features
    chart = report.sheet("Regression").charts[0]
    predicted = resolve(report, chart.series[1].y_ref).rect
    assert predicted.shape == (len(frame), 1)
    rows = range(predicted.min_row, predicted.max_row + 1)
    assert [_at(report, "Regression", r, 1) for r in rows] == list(range(1, len(frame) + 1))
    # Independent reference: least squares by numpy.
    A = np.column_stack([frame.tv, frame.radio, np.ones(len(frame))])
    fitted = A @ np.linalg.lstsq(A, frame.sales.to_numpy(), rcond=None)[0]
    values = [_at(report, "Regression", r, predicted.min_col) for r in rows]
    np.testing.assert_allclose(values, fitted, rtol=1e-12)  # both least squares in float64


def test_contour_marks_are_the_start_and_the_optimum(two_features):
    frame, report = two_features
    series = {s.name: s for s in report.sheet("GD").charts[2].series}
    start = series["start"]
    x, y = (resolve(report, ref).rect for ref in (start.x_ref, start.y_ref))
    assert (x.min_row, x.min_col + 1) == (y.min_row, y.min_col)
    assert _at(report, "GD", x.min_row, x.min_col - 1) == "start"
    optimum = series["closed-form optimum"]
    row = resolve(report, optimum.x_ref).rect.min_row
    closed = gdfit.closed_form(frame[["tv", "radio"]], frame.sales)
    assert _at(report, "GD", row, x.min_col) == pytest.approx(closed.coef[0], rel=1e-12)
    assert _at(report, "GD", row, x.min_col + 1) == pytest.approx(closed.intercept, rel=1e-12)
