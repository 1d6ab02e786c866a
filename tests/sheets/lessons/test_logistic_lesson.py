"""The logistic lesson's numbers against statsmodels and against the properties each sheet shows."""
import numpy as np
import openpyxl
import pytest
import statsmodels.api as sm
from scipy.special import log_expit

from gdfit.files.workbooks import write_report
from gdfit.sheets.lessons.logistic import (
    exam_data,
    log_loss_contour,
    logistic_lesson_fits,
    logistic_report,
    separated_data,
)

FRAME, SEPARATED = exam_data(), separated_data()
FITS = logistic_lesson_fits(FRAME, SEPARATED)


def _mean_log_loss(x, y, slope, intercept):
    # scipy's log_expit keeps ln(p) and ln(1 - p) exact where p nears 0 or 1, as ln(1 - p) would not.
    z = intercept + slope * x
    return -np.mean(y * log_expit(z) + (1 - y) * log_expit(-z))


def test_the_class_is_fitted_by_descent_to_newtons_maximum():
    ref = sm.Logit(FRAME["passed"], sm.add_constant(FRAME[["hours"]], prepend=False)).fit(disp=0, tol=1e-14)
    np.testing.assert_allclose(FITS["newton"].params, ref.params, rtol=1e-10)
    assert FITS["gd"].converged
    np.testing.assert_allclose(FITS["gd"].params, ref.params, rtol=1e-9)  # grad_tol 1e-12 × conditioning


def test_log_loss_is_convex_along_the_slope_and_the_squared_error_is_not(tmp_path):
    wb = openpyxl.load_workbook(write_report(logistic_report(), tmp_path / "logistic.xlsx"))
    ws = wb["Loss shapes"]
    rows = [[c.value for c in row] for row in ws[ws.tables["loss_shapes"].ref]][1:]
    log_loss = np.array([r[1] for r in rows])
    squared = np.array([r[2] for r in rows])
    assert np.all(np.diff(log_loss, 2) > -1e-12)  # second differences of a convex function
    assert np.min(np.diff(squared, 2)) < -1e-4  # a shoulder: the squared error bends the other way
    x, y = FRAME["hours"].to_numpy(), FRAME["passed"].to_numpy()
    b = FITS["newton"].intercept
    np.testing.assert_allclose(log_loss, [_mean_log_loss(x, y, r[0], b) for r in rows], rtol=1e-12)


def test_every_contour_point_sits_on_its_level():
    x, y = FRAME["hours"].to_numpy(), FRAME["passed"].to_numpy()
    newton = FITS["newton"]
    optimum = np.array([newton.coef[0], newton.intercept])
    level = -newton.llf / len(x) + 0.05
    ring = log_loss_contour(x, y, optimum, level, np.array([[0.5, 0.0], [-2.0, 1.0]]), points=24)
    # 60 bisections of a bracket of a few units: far below the float64 spacing of the loss.
    np.testing.assert_allclose([_mean_log_loss(x, y, *p) for p in ring], level, rtol=1e-12)


def test_separation_runs_away_and_l2_holds_it():
    runaway, held = FITS["runaway"], FITS["held"]
    assert FITS["separation"].startswith("Complete separation: 'hours'")
    assert not runaway.converged and runaway.loss < 1e-3
    slopes = runaway.history["hours"].to_numpy()
    assert np.all(np.diff(slopes) > 0) and slopes[-1] > 5
    assert np.all(np.diff(runaway.history["loss"].to_numpy()) < 0)
    assert held.converged and 0 < held.coef[0] < 1


@pytest.mark.parametrize("column", ["hours", "passed"])
def test_data_sheet_holds_the_class(tmp_path, column):
    wb = openpyxl.load_workbook(write_report(logistic_report(), tmp_path / "logistic.xlsx"))
    ws = wb["Data"]
    rows = [[c.value for c in row] for row in ws[ws.tables["Exam"].ref]]
    j = rows[0].index(column)
    np.testing.assert_array_equal([r[j] for r in rows[1:]], FRAME[column].to_numpy())
