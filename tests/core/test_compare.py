"""compare: the parity table equals the underlying calls, the GD error bound holds, and the notes
name what differs."""
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gdfit
from gdfit.core.compare import METHODS, error_bound, relative_difference
from gdfit.core.data import as_dataset
from gdfit.core.solver.solve import SOLVER_LABEL
from gdfit.datasets import ad_spend
from tests.core.validations import count_validations


def _problem(seed, n=30, p=2, const=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.1, 30, size=p) + rng.uniform(-20, 20, size=p)
    y = X @ rng.normal(size=p) + (3.0 if const else 0.0) + rng.normal(size=n)
    return X, y


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), p=st.integers(1, 4), const=st.booleans(),
       size=st.floats(1e-8, 10.0), loss=st.sampled_from(["mse", "sse", "rmse"]))
def test_error_bound_holds_on_random_problems(seed, p, const, size, loss):
    X, y = _problem(seed, p=p, const=const)
    data = as_dataset(X, y, fit_intercept=const)
    closed = gdfit.closed_form(X, y, fit_intercept=const)
    direction = np.random.default_rng(seed + 1).normal(size=p + int(const))
    theta = closed.params + size * direction * np.maximum(np.abs(closed.params), 1.0)
    coef, b = (theta[:-1], theta[-1]) if const else (theta, 0.0)
    bound = error_bound(data, coef, b, closed, loss)
    assert bound.observed == pytest.approx(np.linalg.norm(theta - closed.params), rel=1e-12)
    # Within the bound, allowing for the rounding of theta itself (a few ulps of |theta*|).
    assert bound.respected


def test_error_bound_is_tight_along_the_flattest_direction():
    X, y = _problem(3, p=3)
    data = as_dataset(X, y)
    closed = gdfit.closed_form(X, y)
    A = np.column_stack([X, np.ones(len(y))])
    v = np.linalg.svd(A)[2][-1]  # right singular vector of the smallest singular value
    theta = closed.params + 1e-3 * v
    bound = error_bound(data, theta[:-1], theta[-1], closed, "mse")
    assert bound.bound == pytest.approx(1e-3, rel=1e-6)
    assert bound.observed == pytest.approx(1e-3, rel=1e-9)
    # mu is the smallest eigenvalue of the MSE Hessian (2/n) A'A; SSE's is n times larger.
    assert bound.mu == pytest.approx(2 / len(y) * np.linalg.eigvalsh(A.T @ A).min(), rel=1e-8)
    assert error_bound(data, theta[:-1], theta[-1], closed, "sse").mu == pytest.approx(bound.mu * len(y))


def test_relative_difference_uses_the_vector_scale_for_zero_entries():
    assert relative_difference(np.array([1.1, 2.0]), np.array([1.0, 2.0])) == pytest.approx(0.1)
    assert relative_difference(np.array([0.5, 2.0]), np.array([0.0, 2.0])) == pytest.approx(0.25)


def _negative_intercept():
    rng = np.random.default_rng(1)
    x = np.round(np.sort(rng.uniform(10, 100, 25)), 1)
    return x, np.round(-4.0 + 0.15 * x + rng.normal(scale=0.8, size=25), 2)


def test_table_values_equal_the_underlying_calls():
    d = ad_spend()
    X, y = d[["ad_spend"]], d.sales
    c = gdfit.compare(y, X)
    t = c.table
    assert list(t.index) == list(METHODS) and METHODS[-1] == SOLVER_LABEL
    assert list(t.columns) == ["ad_spend", "intercept", "SSE", "R²", "iterations", "seconds",
                               "max rel. diff vs closed form"]
    fit = gdfit.fit(X, y)
    gd = t.loc["Gradient descent"]
    assert [gd["ad_spend"], gd["intercept"], gd["iterations"]] == [fit.coef[0], fit.intercept, fit.n_iter]
    resid = y.to_numpy() - fit.coef[0] * X.ad_spend.to_numpy() - fit.intercept
    assert gd["SSE"] == pytest.approx(float(resid @ resid), rel=1e-12)
    assert gd["R²"] == gdfit.regression_stats(y, X, fit.coef, fit.intercept).rsquared
    closed = gdfit.closed_form(X, y)
    assert [t.loc["Closed form", "ad_spend"], t.loc["Closed form", "intercept"]] == [closed.coef[0], closed.intercept]
    assert t.loc["Closed form", "SSE"] == closed.ss_resid
    block = gdfit.linest(y, X, True, True)
    assert [t.loc["LINEST", "ad_spend"], t.loc["LINEST", "intercept"], t.loc["LINEST", "SSE"],
            t.loc["LINEST", "R²"]] == [block[0, 0], block[0, 1], block[4, 1], block[2, 0]]
    tp = gdfit.regression_output(y, X)
    assert [t.loc["ToolPak Regression", "ad_spend"], t.loc["ToolPak Regression", "intercept"],
            t.loc["ToolPak Regression", "SSE"], t.loc["ToolPak Regression", "R²"]] == \
        [tp[17][1], tp[16][1], tp[12][2], tp[4][1]]
    s = gdfit.solve(y, X)
    row = t.loc[SOLVER_LABEL]
    assert [row["ad_spend"], row["intercept"], row["SSE"], row["iterations"]] == [s.coef[0], s.intercept, s.sse, s.n_iter]
    assert row["max rel. diff vs closed form"] == pytest.approx(
        max(abs(s.coef[0] / closed.coef[0] - 1), abs(s.intercept / closed.intercept - 1)), rel=1e-9)
    assert c.fit.coef[0] == fit.coef[0] and c.closed.coef[0] == closed.coef[0] and c.solver.sse == s.sse
    rows = c.rows()
    assert rows[0][0] == "Method" and [r[0] for r in rows[1:]] == list(METHODS)
    assert rows[2][5] is None and isinstance(rows[1][5], int)  # no iterations for the closed form
    assert c.flags == ["bound_respected"]


def test_a_bound_at_rounding_level_is_said_in_words_not_digits():
    # On the converged ad-spend fit ‖∇f‖ is ~1e-14: its digits differ between CPUs and BLAS builds,
    # so the note (which is written into the committed workbook) must not quote them.
    data = gdfit.datasets.ad_spend()
    c = gdfit.compare(data["sales"], data[["ad_spend"]])
    (note,) = [n for n in c.notes if n.startswith("Error bound")]
    assert c.bound.bound < 1e-12 and "rounding level" in note
    assert f"{c.bound.gradient_norm:.3g}" not in note and f"{c.bound.observed:.3g}" not in note


@pytest.mark.parametrize("seed", range(4))
def test_bound_respected_by_an_unconverged_descent(seed):
    X, y = _problem(seed, p=3)
    with pytest.warns(gdfit.ConvergenceWarning):
        c = gdfit.compare(y, X, max_iter=5, scale="none", learning_rate=1e-6)
    assert "gd_not_converged" in c.flags
    assert c.bound.observed > 1e-6  # really away from the optimum
    assert c.bound.respected and "bound_respected" in c.flags
    assert f"{c.bound.observed:.3g} is respected" in " ".join(c.notes)  # real distances are quoted
    theta = np.append(c.fit.coef, c.fit.intercept)
    assert c.bound.observed == pytest.approx(np.linalg.norm(theta - c.closed.params), rel=1e-12)


def test_flags_for_nonnegative_solver_and_options_pass_through():
    x, y = _negative_intercept()
    c = gdfit.compare(y, x)
    assert "solver_bound_active" in c.flags
    assert any("Non-Negative" in n and "intercept" in n for n in c.notes)
    free = gdfit.compare(y, x, solver_options={"assume_nonnegative": False})
    assert "solver_bound_active" not in free.flags and free.solver.options["assume_nonnegative"] is False


def test_flag_for_collinear_columns():
    rng = np.random.default_rng(8)
    x1, x2 = rng.normal(size=30), rng.normal(size=30)
    X = pd.DataFrame({"tv": x1, "radio": x2, "total": x1 + x2})
    y = 1.0 + 2.0 * x1 + 3.0 * x2 + rng.normal(size=30)
    c = gdfit.compare(y, X, solver_options={"assume_nonnegative": False})
    assert c.closed.dropped == (2,)
    assert "rank_dropped" in c.flags and "no_bound" in c.flags
    assert any("'total'" in n for n in c.notes)
    # Predictions agree even though the coefficients are spread differently.
    np.testing.assert_allclose(X.to_numpy() @ c.fit.coef + c.fit.intercept, c.closed.fitted, atol=1e-8)


@pytest.mark.parametrize("loss", ["mae", "l1", "huber"])
def test_flag_for_non_squared_loss(loss):
    x, y = _negative_intercept()
    c = gdfit.compare(y, x, loss=loss, max_iter=300, solver_options={"assume_nonnegative": False})
    assert c.bound is None and "non_squared_loss" in c.flags
    assert c.loss == {"l1": "sae"}.get(loss, loss)


def test_flag_for_solver_fooled_by_years():
    years = np.arange(2001.0, 2021.0)
    y = 150 + 0.5 * years + np.random.default_rng(4).normal(scale=8, size=20)
    c = gdfit.compare(y, years)
    assert "solver_stopped_early" in c.flags
    assert c.table.loc[SOLVER_LABEL, "max rel. diff vs closed form"] > 0.5


def test_without_constant():
    X, y = _problem(5, p=2, const=False)
    c = gdfit.compare(y, X, const=False)
    assert (c.table["intercept"] == 0.0).all()
    assert c.table.loc["LINEST", "x1"] == pytest.approx(c.closed.coef[0], rel=1e-12)
    assert c.table.loc["ToolPak Regression", "x2"] == pytest.approx(c.closed.coef[1], rel=1e-12)



def test_compare_validates_the_data_once(monkeypatch):
    d = ad_spend()
    calls = count_validations(monkeypatch)
    c = gdfit.compare(d.sales, d[["ad_spend"]])
    assert calls == ["known_x"]  # LINEST's argument rules, then the same Dataset for every method
    assert c.flags == ["bound_respected"] and c.solver.names == ("ad_spend", "intercept")


def test_options_that_need_the_data_are_still_checked():
    X, y = _problem(2, n=10, p=2)
    with pytest.raises(gdfit.OptionError, match=r"'batch_size' option must be at most the number of rows \(10\)"):
        gdfit.compare(y, X, method="minibatch", batch_size=11)
    with pytest.raises(gdfit.OptionError, match="'init' option must hold 3 value"):
        gdfit.compare(y, X, init=[1.0, 2.0])
    with pytest.raises(gdfit.OptionError, match="'start' option must hold 3 finite"):
        gdfit.compare(y, X, solver_options={"start": [0.0]})
    with pytest.raises(gdfit.InputError, match="known_x column 'x2' is constant"):
        gdfit.compare(y, np.column_stack([X[:, 0], np.full(10, 4.0)]))
    # Without an intercept a constant column is a regressor like any other.
    assert gdfit.compare(y, np.column_stack([X[:, 0], np.full(10, 4.0)]), const=False).closed.dropped == ()


def test_fit_intercept_is_spelled_const_here():
    x, y = _negative_intercept()
    with pytest.raises(gdfit.OptionError, match="'const'"):
        gdfit.compare(y, x, fit_intercept=False)
