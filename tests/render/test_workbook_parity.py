"""Generated workbooks recalculated by LibreOffice: Excel's own formulas agree with gdfit.

Each case writes a Data sheet and gdfit's sheets with live SLOPE/INTERCEPT/RSQ/LINEST and SSE
formulas next to gdfit's numbers; one LibreOffice run recalculates every file, and the values it
computed are compared with the closed form (1e-9 relative) and with gradient descent (within the
bound it proves for itself). Collinear cases are left out: LibreOffice, unlike Excel, does not
drop collinear columns.
"""
import numpy as np
import openpyxl
import pandas as pd
import pytest

import gdfit
from gdfit.files.workbooks import write_report
from gdfit.sheets.training.dataset import dataset_report
from tests.lo import needs_soffice, soffice

pytestmark = needs_soffice


def _case(seed, n, offsets, scales, coef, intercept, noise):
    rng = np.random.default_rng(seed)
    X = offsets + rng.normal(size=(n, len(coef))) * scales
    y = X @ coef + intercept + rng.normal(scale=noise, size=n)
    frame = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(len(coef))])
    frame["y"] = y
    return frame


CASES = {
    "one_feature": (_case(1, 30, [50.0], [20.0], [0.12], 3.2, 0.6), True),
    "ill_scaled_years": (pd.DataFrame({"year": np.arange(2001.0, 2021.0),
                                       "y": 0.5 * np.arange(2001.0, 2021.0) - 838.0
                                       + np.random.default_rng(2).normal(size=20)}), True),
    "negative_intercept": (_case(3, 25, [10.0], [4.0], [0.15], -4.2, 0.3), True),
    "three_features": (_case(4, 40, [0.0, 100.0, -5.0], [1.0, 30.0, 0.01], [2.0, -0.05, 30.0], 7.0, 0.5), True),
    "no_constant": (_case(5, 30, [10.0, 5.0], [2.0, 3.0], [1.5, -0.7], 0.0, 0.2), False),
}


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("parity")
    files, cases = [], {}
    for name, (frame, const) in CASES.items():
        x, y = list(frame.columns[:-1]), frame.columns[-1]
        report, cmp = dataset_report(frame, x, y, table="Data1", title=name, const=const, reproducible=True)
        files.append(write_report(report, tmp / f"{name}.xlsx"))
        cases[name] = (frame, const, cmp)
    outs = soffice(tmp / "profile", "xlsx", tmp / "out", *files)
    books = {name: openpyxl.load_workbook(out, data_only=True) for name, out in zip(cases, outs)}
    return cases, books


def _formula_values(ws):
    """Column A label -> column B value of the Formula sheet's table."""
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(5, 20) if ws.cell(r, 1).value}


@pytest.mark.parametrize("name", list(CASES))
def test_excel_formulas_equal_the_closed_form(recalculated, name):
    cases, books = recalculated
    frame, const, cmp = cases[name]
    values = _formula_values(books[name]["Formula"])
    closed = cmp.closed
    for label, coef in zip(closed.labels, closed.coef):
        assert values[f"slope ({label})"] == pytest.approx(coef, rel=1e-9)
    if const:
        assert values["intercept"] == pytest.approx(closed.intercept, rel=1e-9)
    assert values["SSE"] == pytest.approx(closed.ss_resid, rel=1e-9)
    assert values["R²"] == pytest.approx(1 - closed.ss_resid / closed.ss_total, rel=1e-9)


@pytest.mark.parametrize("name", list(CASES))
def test_linest_array_equals_gdfit_linest(recalculated, name):
    cases, books = recalculated
    frame, const, cmp = cases[name]
    ws = books[name]["Formula"]
    top = next(r for r in range(1, 40) if ws.cell(r, 1).value == "coefficients")
    k = frame.shape[1] - 1
    live = np.array([[ws.cell(top + i, 2 + j).value for j in range(k + 1)] for i in range(5)], dtype=object)
    expected = gdfit.linest(frame.iloc[:, -1], frame.iloc[:, :-1], const=const, stats=True)
    for i in range(5):
        for j in range(k + 1):
            if np.isnan(expected[i, j]):
                continue  # Excel's #N/A cells
            assert float(live[i, j]) == pytest.approx(expected[i, j], rel=1e-9, abs=1e-12), (i, j)


@pytest.mark.parametrize("name", list(CASES))
def test_gradient_descent_agrees_within_its_own_bound(recalculated, name):
    cases, books = recalculated
    frame, const, cmp = cases[name]
    ws = books[name]["Compare"]
    top = next(r for r in range(1, 40) if ws.cell(r, 1).value == "Parameter") + 1
    rows = [[ws.cell(r, c).value for c in range(1, 6)] for r in range(top, top + frame.shape[1] - 1 + const)]
    theta = np.array([row[1] for row in rows], dtype=float)
    excel = np.array([row[2] for row in rows], dtype=float)
    # LibreOffice stores 15 significant digits: differences below that are 0 in the file.
    np.testing.assert_allclose(np.array([row[3] for row in rows], dtype=float), theta - excel,
                               rtol=1e-9, atol=1e-13 * np.abs(excel).max())
    distance = float(np.linalg.norm(theta - excel))
    if cmp.fit.converged:
        assert distance <= cmp.bound.bound * (1 + 1e-6) + 1e-9 * np.linalg.norm(excel)
    else:
        assert any("not converge" in note or "did not" in note for note in cmp.notes)


def test_solver_objective_is_sse_at_the_lessons_first_guess(recalculated):
    cases, books = recalculated
    frame, const, cmp = cases["one_feature"]
    ws = books["one_feature"]["Solver"]
    sse = next(ws.cell(r, 2).value for r in range(5, 12) if ws.cell(r, 1).value == "SSE (objective)")
    x, y = frame["x1"].to_numpy(), frame["y"].to_numpy()
    assert sse == pytest.approx(float(np.sum((y - (1.0 * x + 0.0)) ** 2)), rel=1e-12)
