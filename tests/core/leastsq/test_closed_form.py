"""closed_form against exact rational arithmetic on the same float64 inputs."""
import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

import gdfit
from gdfit.core.data import design
from tests.exact import exact_least_squares, significant_digits

FULL = 15.95  # -log10 of float64's unit roundoff: the most digits a float64 can carry
WITHIN = 0.3  # the accuracy promise: at most 0.3 significant digits short of that


def _params_first_intercept(r):
    return np.concatenate([[r.intercept], r.coef]) if r.fit_intercept else r.coef


def _check_exact(X, y, fit_intercept=True):
    r = gdfit.closed_form(X, y, fit_intercept=fit_intercept)
    X2 = np.asarray(X, dtype=float).reshape(len(y), -1)
    A = np.column_stack([np.ones(len(y)), X2]) if fit_intercept else X2
    exact = exact_least_squares(A, np.asarray(y, dtype=float))
    digits = significant_digits(_params_first_intercept(r), exact)
    assert digits >= FULL - WITHIN, f"only {digits:.2f} correct digits"
    return r


def _polynomial(x, degree):
    return np.column_stack([x ** k for k in range(1, degree + 1)])


def test_degree_10_polynomial_like_filip():
    rng = np.random.default_rng(7)
    x = np.sort(rng.uniform(-8.78, -3.13, 82))
    X = _polynomial(x, 10)
    y = np.column_stack([np.ones(82), X]) @ rng.normal(size=11) + rng.normal(scale=1e-3, size=82)
    _check_exact(X, y)
    # The reason this module exists: the textbook solver loses every digit on this design.
    plain = np.linalg.lstsq(np.column_stack([np.ones(82), X]), y, rcond=None)[0]
    assert significant_digits(plain, exact_least_squares(np.column_stack([np.ones(82), X]), y)) < 8


@pytest.mark.parametrize("degree", [2, 5, 7])
def test_near_exact_polynomial_fits_like_wampler(degree):
    x = np.arange(21.0)
    X = _polynomial(x, degree)
    y = 1.0 + X.sum(axis=1)  # exact fit: every coefficient is 1
    r = _check_exact(X, y)
    np.testing.assert_array_equal(r.coef, np.ones(degree))
    assert r.intercept == 1.0


def test_noisy_degree_5_polynomial():
    rng = np.random.default_rng(3)
    x = np.arange(21.0)
    X = _polynomial(x, 5)
    y = 1.0 + 0.1 * X.sum(axis=1) + rng.normal(scale=1e4, size=21)
    _check_exact(X, y)


def test_large_offset_years():
    rng = np.random.default_rng(11)
    years = np.arange(2001.0, 2021.0)
    y = -7000.0 + 3.7 * years + rng.normal(size=20)
    _check_exact(years, y)


def test_longley():
    data = sm.datasets.longley.load_pandas()
    _check_exact(data.exog, data.endog)


def test_without_intercept():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 3)) * [1.0, 1e3, 1e-3]
    y = X @ [2.0, -1.0, 4.0] + rng.normal(size=40)
    r = _check_exact(X, y, fit_intercept=False)
    assert r.intercept == 0.0 and r.rank == 3
    ref = sm.OLS(y, X).fit()
    assert r.ss_total == pytest.approx(float(y @ y), rel=1e-14)  # uncentred, as Excel
    assert r.ss_resid == pytest.approx(ref.ssr, rel=1e-10)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(3, 25), p=st.integers(0, 3), seed=st.integers(0, 2**32 - 1),
       log_scale=st.floats(-6, 6), log_offset=st.floats(-3, 5))
def test_random_problems_exact(n, p, seed, log_scale, log_offset):
    if n < p + 2:
        n = p + 2
    rng = np.random.default_rng(seed)
    X = 10.0 ** log_offset + rng.normal(size=(n, p)) * 10.0 ** log_scale
    y = rng.normal(size=n) * 10.0 ** rng.uniform(-3, 3)
    r = _check_exact(X, y)
    assert r.rank == p + 1 and r.dropped == ()


def test_intercept_only_is_the_mean():
    y = np.array([0.1, 0.2, 0.3, 1e16, -1e16])
    r = gdfit.closed_form(np.empty((5, 0)), y)
    assert r.intercept == pytest.approx(0.6 / 5, rel=1e-15)
    assert r.coef.shape == (0,)


def test_collinear_column_is_dropped_like_excel():
    rng = np.random.default_rng(2)
    x1 = rng.integers(0, 50, 30).astype(float)
    x2 = rng.integers(0, 50, 30).astype(float)
    X = np.column_stack([x1, x2, x1 + x2, np.full(30, 4.0)])
    y = 1.0 + 2.0 * x1 - 3.0 * x2 + rng.normal(size=30)
    r = gdfit.closed_form(X, y)
    assert r.dropped == (2, 3)
    assert r.rank == 3 and r.df_resid == 27
    assert r.coef[2] == 0.0 and r.coef[3] == 0.0
    kept = gdfit.closed_form(X[:, :2], y)
    np.testing.assert_allclose(r.coef[:2], kept.coef, rtol=1e-15)
    assert r.intercept == pytest.approx(kept.intercept, rel=1e-15)


def test_duplicate_column_keeps_the_first():
    x = np.arange(10.0)
    r = gdfit.closed_form(np.column_stack([x, x]), 2 * x + 1)
    assert r.dropped == (1,)
    np.testing.assert_allclose(r.coef, [2.0, 0.0])


def test_sums_of_squares_match_statsmodels():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(50, 2))
    y = 3 + X @ [1.5, -2.0] + rng.normal(size=50)
    r = gdfit.closed_form(X, y)
    ref = sm.OLS(y, sm.add_constant(X)).fit()
    assert r.ss_resid == pytest.approx(ref.ssr, rel=1e-12)
    assert r.ss_reg == pytest.approx(ref.ess, rel=1e-12)
    assert r.ss_total == pytest.approx(ref.centered_tss, rel=1e-12)
    np.testing.assert_allclose(r.residuals, ref.resid, rtol=1e-9, atol=1e-12)


def test_dataframe_labels_kept():
    import pandas as pd
    df = pd.DataFrame({"spend": [1.0, 2.0, 3.0, 4.0], "price": [2.0, 1.0, 0.0, 1.0]})
    r = gdfit.closed_form(df[["spend", "price"]], [1.0, 2.0, 2.5, 4.0])
    assert r.labels == ("spend", "price")


def test_house_prices_from_the_lesson():
    d = gdfit.datasets.house_prices()
    r = gdfit.closed_form(d[["sqft"]], d["price"])
    assert r.intercept == pytest.approx(12000.0, rel=1e-14)
    assert r.coef[0] == pytest.approx(136.0, rel=1e-14)


@pytest.mark.parametrize("const", [True, False])
def test_params_weigh_the_columns_of_the_one_design_matrix(const):
    rng = np.random.default_rng(12)
    X = rng.normal(size=(25, 3)) * [1.0, 10.0, 100.0]
    y = X @ [1.0, -2.0, 0.5] + 4.0 + rng.normal(size=25)
    r = gdfit.closed_form(X, y, fit_intercept=const)
    A = design(X, const)
    assert A.shape == (25, 3 + int(const)) and (not const or (A[:, -1] == 1.0).all())  # ones last
    np.testing.assert_allclose(A @ r.params, r.fitted, rtol=1e-12)  # rounding of a 4-term product


def test_the_double_double_residual_is_exact_to_rounding_across_its_row_chunks():
    """``b - r - A @ x`` of the refinement, made a few thousand rows at a time: each row equals the
    exact rational residual rounded once (within an ulp; double-double keeps about 106 bits)."""
    from fractions import Fraction

    from gdfit.core.leastsq import precise

    rng = np.random.default_rng(5)
    n = 3 * precise._CHUNK_ROWS + 17  # several chunks and a short last one
    A = rng.normal(size=(n, 3)) * [1.0, 1e3, 1e-3]
    x = rng.normal(size=3)
    b = A @ x + rng.normal(size=n) * 1e-9  # a residual far below the terms: cancellation everywhere
    r = rng.normal(size=n) * 1e-12
    f = precise.residual(A, x, b, r)
    edges = [0, 1, precise._CHUNK_ROWS - 1, precise._CHUNK_ROWS, 2 * precise._CHUNK_ROWS + 5, n - 1]
    for i in edges + rng.integers(0, n, 40).tolist():
        exact = Fraction(b[i]) - Fraction(r[i]) - sum(Fraction(a) * Fraction(c) for a, c in zip(A[i], x))
        assert abs(Fraction(f[i]) - exact) <= abs(exact) * Fraction(2) ** -52, i
