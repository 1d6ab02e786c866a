"""The worksheet functions called as Excel calls them (the xlwings decorators are identity here),
with Excel-shaped arguments: lists of rows, None for blanks, text, TRUE/FALSE, error values."""
import math

import numpy as np
import pytest
import statsmodels.api as sm

import gdfit
from gdfit.core.leastsq.linest import linest_block
from gdfit.excel import functions, udfs
from gdfit.excel.cache import RESULTS, ResultCache

NA = "#N/A"  # what error_value gives without pywin32 (see test_convert for the COM value)
RNG = np.random.default_rng(7)
X3 = RNG.normal(size=(40, 3)) * [1.0, 10.0, 0.1] + [0.0, 50.0, 1.0]
X3[:, 1] += 4.0 * X3[:, 0]  # correlated columns: a long valley for gradient descent
Y3 = X3 @ [1.5, -0.2, 3.0] + 4.0 + RNG.normal(scale=0.5, size=40)


def rows(array):
    """A numpy array as the rows of cells xlwings hands a UDF."""
    array = np.asarray(array, dtype=float)
    return [[float(v)] for v in array] if array.ndim == 1 else [list(map(float, r)) for r in array]


def ad_spend():
    d = gdfit.datasets.ad_spend()
    return d.ad_spend.to_numpy(), d.sales.to_numpy()


def assert_matches_linest(block, reference, rel=1e-8):
    """Cell by cell: numbers within ``rel``, #N/A exactly where LINEST has #N/A."""
    assert np.shape(block) == reference.shape
    for got, want in zip(np.ravel(np.array(block, dtype=object)), reference.ravel()):
        if math.isnan(want):
            assert got == NA
        else:
            assert got == pytest.approx(want, rel=rel, abs=1e-9 * max(1.0, abs(want)))


@pytest.mark.parametrize("data", ["one x", "three correlated x"])
def test_gd_fit_minus_linest_is_zero_cell_by_cell(data):
    x, y = ad_spend() if data == "one x" else (X3, Y3)
    block = udfs.GD_FIT(rows(y), rows(x), True, True, None, 20000)
    assert_matches_linest(block, gdfit.linest(y, x, stats=True))
    ols = sm.OLS(y, sm.add_constant(x)).fit()  # an independent reference
    k = np.shape(x)[1] if np.ndim(x) > 1 else 1
    assert block[0] == pytest.approx(list(ols.params[1:][::-1]) + [ols.params[0]], rel=1e-7)
    assert block[1][:k + 1] == pytest.approx(list(ols.bse[1:][::-1]) + [ols.bse[0]], rel=1e-7)
    assert block[2][0] == pytest.approx(ols.rsquared, rel=1e-10)
    assert block[3][0] == pytest.approx(ols.fvalue, rel=1e-7)


def test_stats_block_is_computed_at_the_gradient_descent_solution():
    x, y = X3, Y3
    with pytest.warns(gdfit.ConvergenceWarning):
        fit = gdfit.fit(x, y, max_iter=3)  # stopped early on purpose: away from least squares
    block = udfs.GD_FIT(rows(y), rows(x), True, True, None, 3)
    at_gd = linest_block(gdfit.regression_stats(y, x, fit.coef, fit.intercept), stats=True)
    assert_matches_linest(block, at_gd, rel=1e-12)
    assert block[4][1] > gdfit.linest(y, x, stats=True)[4, 1]  # its SSE, not the optimum's


def test_without_constant_b_is_zero_and_its_standard_error_is_na():
    x, y = ad_spend()
    block = udfs.GD_FIT(rows(y), rows(x), False, True)
    assert block[0][1] == 0.0 and block[1][1] == NA
    assert_matches_linest(block, gdfit.linest(y, x, const=False, stats=True))


def test_rows_instead_of_columns_headers_blank_tail_and_omitted_x_follow_linest():
    x, y = ad_spend()
    by_column = udfs.GD_FIT(rows(y), rows(x))
    by_row = udfs.GD_FIT([list(map(float, y))], [list(map(float, x))])
    np.testing.assert_allclose(by_row, by_column, rtol=1e-12)
    whole_column = udfs.GD_FIT([["sales"]] + rows(y) + [[None]] * 20,
                               [["ad spend"]] + rows(x) + [[None]] * 20)
    np.testing.assert_allclose(whole_column, by_column, rtol=1e-12)
    assert_matches_linest(udfs.GD_FIT(rows(y)), gdfit.linest(y))  # x = 1, 2, ..., n


def test_excel_numbers_stored_as_formulas_returning_blank_text_count_as_blank():
    x, y = ad_spend()
    padded = udfs.GD_FIT(rows(y) + [[""]], rows(x) + [[""]])
    np.testing.assert_allclose(padded, udfs.GD_FIT(rows(y), rows(x)), rtol=1e-12)


@pytest.mark.parametrize("y_cell, x_cell, expected", [
    (None, 3.0, "GD_FIT: known_y has a blank at row 3; fill it or delete the row (rows blank in every range are skipped)."),
    (3.0, None, "GD_FIT: known_x has a blank at row 3;"),
    ("#N/A", 3.0, "GD_FIT: known_y has the error value #N/A at row 3;"),
    (-2146826281, 3.0, "GD_FIT: known_y has the error value #DIV/0! at row 3;"),
    (3.0, True, "GD_FIT: known_x has TRUE at row 3; give numbers"),
    (3.0, "n/a", "GD_FIT: known_x has the text 'n/a' at row 3;"),
    ("3.5", 3.0, "GD_FIT: known_y has the number '3.5' stored as text at row 3; convert it with VALUE()"),
])
def test_bad_cells_give_one_line_naming_argument_row_and_fix(y_cell, x_cell, expected):
    y = [[1.0], [2.0], [y_cell], [4.0], [5.0]]
    x = [[1.0], [2.0], [x_cell], [4.0], [6.0]]
    message = udfs.GD_FIT(y, x)
    assert isinstance(message, str) and "\n" not in message
    assert message.startswith(expected)


@pytest.mark.parametrize("args, expected", [
    (([[1.0], [2.0], [3.0]], [[1.0], [2.0]]), "GD_FIT: known_x has 2 rows but known_y has 3;"),
    (([[1.0, 2.0], [3.0, 4.0]],), "GD_FIT: known_y must be one column or one row;"),
    (([[1.0], [2.0], [3.0]], None, None, None, None, None, "cubic"),
     "GD_FIT: The 'loss' option must be one of"),
    (([[1.0], [2.0], [3.0]], None, "maybe"), "GD_FIT: constant must be TRUE or FALSE; got 'maybe'."),
    (([[1.0]], [[2.0]]), "GD_FIT: known_y has 1 row(s) but the model has 2 parameters"),
])
def test_bad_shapes_and_options_give_one_line(args, expected):
    message = udfs.GD_FIT(*args)
    assert message.startswith(expected) and "\n" not in message


@pytest.mark.parametrize("call", [
    lambda y, x: udfs.GD_FIT(y, x), lambda y, x: udfs.GD_HISTORY(y, x),
    lambda y, x: udfs.GD_STATUS(y, x), lambda y, x: udfs.GD_PREDICT(y, x),
    lambda y, x: udfs.GD_LOSS(y, x, [[1.0, 0.0]]), lambda y, x: udfs.GD_LEARNING_RATE(x, "mae", None, y),
    lambda y, x: udfs.GD_SUMMARY(y, x), lambda y, x: udfs.GD_SOLVER(y, x),
    lambda y, x: udfs.GD_COMPARE(y, x),
], ids=["FIT", "HISTORY", "STATUS", "PREDICT", "LOSS", "LEARNING_RATE", "SUMMARY", "SOLVER", "COMPARE"])
def test_every_function_answers_bad_input_with_its_name_and_one_line(call):
    message = call([[1.0], [None], [3.0]], [[1.0], [2.0], [3.0]])
    assert isinstance(message, str) and "\n" not in message
    assert message.startswith("GD_") and ": known_y has a blank at row 2;" in message


def test_an_unexpected_failure_is_one_line_too(monkeypatch):
    def broken(*args):
        raise ZeroDivisionError("float division by zero")
    monkeypatch.setattr(functions, "fit_block", broken)
    assert udfs.GD_FIT([[1.0], [2.0]], [[1.0], [2.0]]) == (
        "GD_FIT: unexpected ZeroDivisionError (float division by zero); please report it with "
        "the inputs that caused it.")


def test_recalculating_unchanged_inputs_does_not_refit(monkeypatch):
    calls = []
    real = functions.fit_dataset
    monkeypatch.setattr(functions, "fit_dataset", lambda *a, **k: calls.append(1) or real(*a, **k))
    x, y = ad_spend()
    first = udfs.GD_FIT(rows(y), rows(x))
    assert udfs.GD_FIT(rows(y), rows(x)) == first
    udfs.GD_HISTORY(rows(y), rows(x))
    udfs.GD_PREDICT(rows(y), rows(x), [[10.0]])
    udfs.GD_STATUS(rows(y), rows(x))
    assert len(calls) == 1  # one descent serves every function on the same data and options
    udfs.GD_FIT(rows(y), rows(x), None, None, 0.1)
    changed = rows(y)
    changed[0][0] += 1.0
    udfs.GD_FIT(changed, rows(x))
    assert len(calls) == 3


def test_the_cached_fit_is_the_same_object_and_the_table_is_bounded():
    from gdfit.excel.convert import excel_data
    x, y = ad_spend()
    data = excel_data(rows(y), rows(x))
    options = functions.fit_options()
    assert functions.fitted(data, True, options) is functions.fitted(data, True, options)
    table = ResultCache(size=2)
    for key in "abc":
        table.get(key, lambda k=key: k.upper())
    assert len(table) == 2 and table.get("a", lambda: "again") == "again"
    assert len(RESULTS) == 1


def test_time_cap_returns_numbers_flagged_not_converged(monkeypatch):
    x, y = X3, Y3
    capped = udfs.GD_FIT(rows(y), rows(x), None, None, None, 10**9, None, None, None, None, 1e-9)
    assert all(isinstance(v, float) for v in capped[0])
    status = dict(udfs.GD_STATUS(rows(y), rows(x), None, None, 10**9, None, None, None, None, 1e-9))
    assert status["converged"] is False
    assert status["stopped because"].startswith("Stopped at max_time=1e-09 s")
    monkeypatch.setenv("GDFIT_MAX_TIME", "2e-9")  # the default when the argument is omitted
    status = dict(udfs.GD_STATUS(rows(y), rows(x), None, None, 10**9))
    assert status["stopped because"].startswith("Stopped at max_time=2e-09 s")
    monkeypatch.setenv("GDFIT_MAX_TIME", "soon")
    assert udfs.GD_FIT(rows(y), rows(x)) == ("GD_FIT: the environment variable GDFIT_MAX_TIME "
                                            "must be a number of seconds > 0; got 'soon'.")


def test_seeded_runs_repeat_and_the_seed_matters():
    x, y = X3, Y3
    a = udfs.GD_FIT(rows(y), rows(x), None, None, None, 50, None, "sgd", None, 3)
    RESULTS.clear()
    assert udfs.GD_FIT(rows(y), rows(x), None, None, None, 50, None, "sgd", None, 3) == a
    assert udfs.GD_FIT(rows(y), rows(x), None, None, None, 50, None, "sgd", None, 4) != a


def test_history_is_the_fits_history_with_a_header():
    x, y = ad_spend()
    table = udfs.GD_HISTORY([["sales"]] + rows(y), [["spend"]] + rows(x), None, 0.05, 40)
    with pytest.warns(gdfit.ConvergenceWarning):  # 40 small steps do not converge
        fit = gdfit.fit(gdfit.datasets.ad_spend()[["ad_spend"]].rename(columns={"ad_spend": "spend"}),
                        y, learning_rate=0.05, max_iter=40)
    assert table[0] == ["iteration", "loss", "grad_norm", "learning_rate", "spend", "intercept"]
    assert np.array(table[1:], dtype=float) == pytest.approx(fit.history.to_numpy(), rel=1e-12)


def test_predict_is_trend_shaped_at_the_descended_line():
    x, y = X3, Y3
    new = X3[:4] + 1.0
    fit = gdfit.fit(x, y, max_iter=20000)
    expected = new @ fit.coef + fit.intercept
    column = udfs.GD_PREDICT(rows(y), rows(x), rows(new), None, None, 20000)
    assert [r[0] for r in column] == pytest.approx(expected, rel=1e-12)
    as_rows = udfs.GD_PREDICT([list(y)], rows(x.T), rows(new.T), None, None, 20000)
    assert as_rows[0] == pytest.approx(expected, rel=1e-9)
    assert udfs.GD_PREDICT(rows(y), rows(x), [[1.0, 2.0]]).startswith(
        "GD_PREDICT: new_x has 2 column(s) but known_x has 3;")


def test_loss_of_given_coefficients_in_linest_order():
    x, y = X3, Y3
    linest = gdfit.linest(y, x, stats=True)
    coefficients = [list(linest[0])]
    assert udfs.GD_LOSS(rows(y), rows(x), coefficients, "sse") == pytest.approx(linest[4, 1], rel=1e-12)
    residuals = y - (x @ linest[0, :3][::-1] + linest[0, 3])
    assert udfs.GD_LOSS(rows(y), rows(x), coefficients) == pytest.approx(np.mean(residuals ** 2), rel=1e-12)
    assert udfs.GD_LOSS(rows(y), rows(x), coefficients, "mae") == pytest.approx(np.mean(abs(residuals)), rel=1e-12)
    origin = udfs.GD_LOSS(rows(y), rows(x), [[1.0, 2.0, 3.0]], "sse")  # 3 values: no intercept
    assert origin == pytest.approx(np.sum((y - x @ [3.0, 2.0, 1.0]) ** 2), rel=1e-12)
    assert udfs.GD_LOSS(rows(y), rows(x), [[1.0, 2.0]]).startswith(
        "GD_LOSS: coefficients has 2 value(s) but known_x has 3 column(s); give 4 values")


def test_learning_rate_is_one_over_the_curvature_of_the_standardised_problem():
    x = X3
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    design = np.column_stack([z, np.ones(len(x))])
    curvature = 2.0 * np.linalg.eigvalsh(design.T @ design).max() / len(x)  # MSE's Hessian
    header, values = udfs.GD_LEARNING_RATE(rows(x))
    assert header == ["auto learning rate", "largest stable rate (2/L)"]
    assert values == pytest.approx([1.0 / curvature, 2.0 / curvature], rel=1e-12)
    assert udfs.GD_LEARNING_RATE(rows(x), "mae").startswith("GD_LEARNING_RATE: loss 'mae' needs known_y")
    header, values = udfs.GD_LEARNING_RATE(rows(x), "mae", None, rows(Y3))
    assert values[0] > 0 and values[1] == NA  # no curvature, no stability limit


def test_summary_is_the_toolpak_block_at_the_gd_solution():
    x, y = ad_spend()
    block = udfs.GD_SUMMARY([["sales"]] + rows(y), [["spend"]] + rows(x), None, 90)
    fit = gdfit.fit(x, y)
    expected = gdfit.regression_output(y, x, confidence=0.9, labels=["spend"], coef=fit.coef,
                                       intercept=fit.intercept)
    assert [r[0] for r in block] == [r[0] for r in expected]
    assert block[15][7] == "Lower 90.0%" and block[17][0] == "spend"
    got = [v for r in block for v in r if isinstance(v, float)]
    want = [v for r in expected for v in r if isinstance(v, float)]
    assert got == pytest.approx(want, rel=1e-10)


def test_solver_is_the_solver_equivalent_in_linest_order():
    x, y = X3, Y3
    table = udfs.GD_SOLVER(rows(y), rows(x), None, None, False)
    result = gdfit.solve(y, x, assume_nonnegative=False, max_time=5.0)
    assert table[0] == ["Solver-equivalent (GRG-like, Excel defaults)", "value"]
    assert [r[0] for r in table[1:5]] == ["slope (x3)", "slope (x2)", "slope (x1)", "intercept"]
    assert [r[1] for r in table[1:5]] == pytest.approx(list(result.coef[::-1]) + [result.intercept])
    assert dict(table)["SSE"] == pytest.approx(result.sse) and dict(table)["message"] == result.message


def test_compare_is_the_parity_table():
    x, y = ad_spend()
    table = udfs.GD_COMPARE(rows(y), rows(x))
    expected = gdfit.compare(y, x).rows()
    assert table[0] == expected[0] and [r[0] for r in table] == [r[0] for r in expected]
    seconds = expected[0].index("seconds")
    for got, want in zip(table[1:], expected[1:]):
        pairs = [(g, w) for j, (g, w) in enumerate(zip(got, want)) if j not in (0, seconds)]
        assert [g is None for g, _ in pairs] == [w is None for _, w in pairs]  # "not applicable" cells
        numbers = [(g, w) for g, w in pairs if w is not None]
        assert [g for g, _ in numbers] == pytest.approx([w for _, w in numbers], rel=1e-9, abs=1e-12)
