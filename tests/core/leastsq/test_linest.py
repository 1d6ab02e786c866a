"""linest and regression_stats against statsmodels, scipy, and hand-derived exact values."""
from fractions import Fraction

import numpy as np
import pytest
import scipy.stats
import statsmodels.api as sm

import gdfit
from gdfit.core.data import InputError, OptionError
from gdfit.core.leastsq.linest import linest_block, linest_order

REL = 1e-10


def _data(seed, n=40, p=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 20.0, size=p) + rng.uniform(-50, 50, size=p)
    y = X @ rng.normal(size=p) + 7.0 + rng.normal(scale=3.0, size=n)
    return X, y


def _statsmodels(X, y, const):
    return sm.OLS(y, sm.add_constant(X)).fit() if const else sm.OLS(y, X, hasconst=False).fit()


def _check_against(ref, block, const, p):
    coef = block[0, :p][::-1]
    bse = block[1, :p][::-1]
    params = ref.params[1:] if const else ref.params
    bse_ref = ref.bse[1:] if const else ref.bse
    np.testing.assert_allclose(coef, params, rtol=REL)
    np.testing.assert_allclose(bse, bse_ref, rtol=REL)
    if const:
        assert block[0, p] == pytest.approx(ref.params[0], rel=REL)
        assert block[1, p] == pytest.approx(ref.bse[0], rel=REL)
    else:
        assert block[0, p] == 0.0 and np.isnan(block[1, p])
    assert block[2, 0] == pytest.approx(ref.rsquared, rel=REL)
    assert block[2, 1] == pytest.approx(np.sqrt(ref.mse_resid), rel=REL)
    assert block[3, 0] == pytest.approx(ref.fvalue, rel=REL)
    assert block[3, 1] == ref.df_resid
    assert block[4, 0] == pytest.approx(ref.ess, rel=REL)
    assert block[4, 1] == pytest.approx(ref.ssr, rel=REL)


@pytest.mark.parametrize("const", [True, False])
@pytest.mark.parametrize("seed,p", [(1, 1), (2, 3), (3, 6)])
def test_linest_matches_statsmodels(seed, p, const):
    X, y = _data(seed, p=p)
    block = gdfit.linest(y, X, const, True)
    assert block.shape == (5, p + 1)
    _check_against(_statsmodels(X, y, const), block, const, p)
    assert np.isnan(block[2:, 2:]).all()  # Excel's #N/A cells


@pytest.mark.parametrize("const", [True, False])
def test_linest_on_longley(const):
    data = sm.datasets.longley.load_pandas()
    X, y = data.exog.to_numpy(), data.endog.to_numpy()
    _check_against(_statsmodels(X, y, const), gdfit.linest(y, X, const, True), const, X.shape[1])


def test_linest_without_stats_is_the_coefficient_row():
    X, y = _data(4)
    row = gdfit.linest(y, X)
    assert row.shape == (1, 4)
    ref = _statsmodels(X, y, True)
    np.testing.assert_allclose(row[0], np.append(ref.params[1:][::-1], ref.params[0]), rtol=REL)


def _exact(value, reference, rel=1e-15):
    """float vs an exact rational: a few units in the last place."""
    assert abs(Fraction(float(value)) - reference) <= rel * abs(reference), (value, reference)


def test_exact_values_on_a_tiny_dataset():
    # x = 1..5, y = 2,4,5,4,5: xbar 3, ybar 4, Sxx 10, Sxy 6 -> slope 3/5, b = 4 - 9/5 = 11/5.
    # Residuals -4/5, 3/5, 1, -3/5, -1/5 -> SSres 12/5; SStot 6; SSreg 18/5; r2 3/5; df 3;
    # se_y^2 = 4/5; F = (18/5)/(4/5) = 9/2; se_m^2 = (4/5)/10; se_b^2 = (4/5)(1/5 + 9/10).
    block = gdfit.linest([2, 4, 5, 4, 5], [1, 2, 3, 4, 5], True, True)
    F = Fraction
    _exact(block[0, 0], F(3, 5))
    _exact(block[0, 1], F(11, 5))
    _exact(block[1, 0] ** 2, F(4, 50))
    _exact(block[1, 1] ** 2, F(4, 5) * F(11, 10), rel=1e-14)
    _exact(block[2, 0], F(3, 5))
    _exact(block[2, 1] ** 2, F(4, 5))
    _exact(block[3, 0], F(9, 2), rel=1e-14)
    assert block[3, 1] == 3
    _exact(block[4, 0], F(18, 5), rel=1e-14)
    _exact(block[4, 1], F(12, 5), rel=1e-14)


def test_exact_values_without_constant():
    # y = m x: m = sum(xy)/sum(x^2) = 66/55 = 6/5; residuals 4/5, 8/5, 7/5, -4/5, -1 -> SSres 34/5;
    # sum(y^2) = 86 -> SSreg 396/5, r2 = (396/5)/86; df = 4; se_y^2 = 17/10; se_m^2 = (17/10)/55.
    block = gdfit.linest([2, 4, 5, 4, 5], [1, 2, 3, 4, 5], False, True)
    F = Fraction
    _exact(block[0, 0], F(6, 5))
    assert block[0, 1] == 0.0 and np.isnan(block[1, 1])
    _exact(block[1, 0] ** 2, F(17, 10) / 55, rel=1e-14)
    _exact(block[2, 0], F(396, 5) / 86, rel=1e-14)
    _exact(block[2, 1] ** 2, F(17, 10), rel=1e-14)
    _exact(block[3, 0], F(396, 5) / F(17, 10), rel=1e-14)
    assert block[3, 1] == 4
    _exact(block[4, 0], F(396, 5), rel=1e-14)
    _exact(block[4, 1], F(34, 5), rel=1e-14)


def test_collinear_column_is_dropped_like_excel():
    rng = np.random.default_rng(8)
    x1, x2 = rng.normal(size=25), rng.normal(size=25)
    X = np.column_stack([x1, x2, x1 + x2])
    y = 1.0 + 2.0 * x1 - 3.0 * x2 + rng.normal(size=25)
    block = gdfit.linest(y, X, True, True)
    # Reversed order: x3 is the first column of the block.
    assert block[0, 0] == 0.0 and block[1, 0] == 0.0
    assert block[3, 1] == 25 - 3
    ref = _statsmodels(X[:, :2], y, True)
    np.testing.assert_allclose(block[0, 1:], np.append(ref.params[1:][::-1], ref.params[0]), rtol=REL)
    np.testing.assert_allclose(block[1, 1:], np.append(ref.bse[1:][::-1], ref.bse[0]), rtol=REL)
    assert block[3, 0] == pytest.approx(ref.fvalue, rel=REL)
    assert block[2, 0] == pytest.approx(ref.rsquared, rel=REL)


def test_one_feature_equals_scipy_linregress():
    rng = np.random.default_rng(9)
    x = rng.uniform(0, 100, 30)
    y = 3.2 + 0.12 * x + rng.normal(scale=0.6, size=30)
    ref = scipy.stats.linregress(x, y)
    block = gdfit.linest(y, x, True, True)
    assert block[0, 0] == pytest.approx(ref.slope, rel=REL)
    assert block[0, 1] == pytest.approx(ref.intercept, rel=REL)
    assert block[2, 0] == pytest.approx(ref.rvalue ** 2, rel=REL)
    assert block[1, 0] == pytest.approx(ref.stderr, rel=REL)
    assert block[1, 1] == pytest.approx(ref.intercept_stderr, rel=REL)


def test_row_y_with_row_wise_x_equals_the_column_layout():
    X, y = _data(10, n=12, p=2)
    by_column = gdfit.linest(y.reshape(-1, 1), X, True, True)
    by_row = gdfit.linest(y.reshape(1, -1), X.T, True, True)
    np.testing.assert_array_equal(np.nan_to_num(by_row, nan=-1), np.nan_to_num(by_column, nan=-1))


def test_known_x_omitted_means_one_to_n():
    y = np.array([3.0, 5.0, 4.0, 8.0, 9.0, 12.0])
    np.testing.assert_allclose(gdfit.linest(y), gdfit.linest(y, np.arange(1, 7)), rtol=0)
    np.testing.assert_allclose(gdfit.linest(y.reshape(1, -1)), gdfit.linest(y, np.arange(1, 7)), rtol=0)


@pytest.mark.parametrize("y_shape,x", [((10, 1), np.ones((9, 2))), ((1, 10), np.ones((2, 9))),
                                       ((10,), np.arange(11.0))])
def test_mismatched_sizes_say_ref_and_how_to_fix(y_shape, x):
    y = np.arange(10.0).reshape(y_shape)
    with pytest.raises(InputError, match=r"#REF!.*same number of"):
        gdfit.linest(y, x)


def test_bad_flag_is_an_option_error():
    with pytest.raises(OptionError, match="'stats'"):
        gdfit.linest([1, 2, 4], [1, 2, 3], True, "yes")


@pytest.mark.parametrize("const", [True, False])
def test_stats_at_a_non_optimal_vector(const):
    X, y = _data(12, p=2)
    ref = _statsmodels(X, y, const)
    coef = (ref.params[1:] if const else ref.params) * 1.01
    b = ref.params[0] + 0.5 if const else None
    st = gdfit.regression_stats(y, X, coef, b, const)
    fitted = X @ coef + (b or 0.0)
    ssr = float(np.sum((y - fitted) ** 2))
    tss = float(np.sum((y - y.mean()) ** 2)) if const else float(y @ y)
    df = len(y) - X.shape[1] - int(const)
    assert ssr > ref.ssr  # really off the optimum
    assert st.ss_resid == pytest.approx(ssr, rel=REL)
    assert st.ss_reg == pytest.approx(tss - ssr, rel=REL)  # the documented definition
    assert st.rsquared == pytest.approx(1 - ssr / tss, rel=REL)
    assert st.se_y == pytest.approx(np.sqrt(ssr / df), rel=REL)
    assert st.fvalue == pytest.approx(((tss - ssr) / X.shape[1]) / (ssr / df), rel=REL)
    # Design part of the standard errors from statsmodels' (X'X)^-1, scaled by this vector's se_y.
    se = np.sqrt(np.diag(ref.normalized_cov_params) * ssr / df)
    # statsmodels' add_constant puts the intercept first; gdfit's params put it last.
    np.testing.assert_allclose(st.bse_params, np.roll(se, -1) if const else se, rtol=REL)
    np.testing.assert_allclose(st.params, np.append(coef, b) if const else coef, rtol=0)
    block = linest_block(st)
    assert block[4, 0] == st.ss_reg and block[4, 1] == st.ss_resid


def test_stats_at_the_closed_form_equal_linest():
    X, y = _data(13)
    c = gdfit.closed_form(X, y)
    st = gdfit.regression_stats(y, X, c.coef, c.intercept)
    np.testing.assert_allclose(linest_block(st), gdfit.linest(y, X, True, True), rtol=1e-13)


def test_vector_errors_name_the_argument():
    X, y = _data(14, p=2)
    with pytest.raises(InputError, match="coef has 3 value"):
        gdfit.regression_stats(y, X, [1, 2, 3], 0.0)
    with pytest.raises(OptionError, match="'intercept'"):
        gdfit.regression_stats(y, X, [1, 2])
    with pytest.raises(OptionError, match="'intercept'"):
        gdfit.regression_stats(y, X, [1, 2], 3.0, const=False)


@pytest.mark.parametrize("const", [True, False])
def test_linest_order_reads_back_what_it_writes(const):
    params = [1.0, 2.0, 3.0] + ([9.0] if const else [])
    in_linest = linest_order(params, const)
    assert in_linest == ([3.0, 2.0, 1.0, 9.0] if const else [3.0, 2.0, 1.0])
    assert linest_order(in_linest, const) == params
    assert linest_order(["a", "b", "intercept"], True) == ["b", "a", "intercept"]  # names as numbers
    assert linest_order([], const) == []


def test_every_parameter_vector_is_coefficients_then_intercept():
    X, y = _data(21)
    ref = _statsmodels(X, y, True)
    last = [1, 2, 3, 0]  # statsmodels' intercept-first vectors, intercept moved last
    st = gdfit.regression_stats(y, X)
    np.testing.assert_array_equal(st.params, gdfit.closed_form(X, y).params)
    np.testing.assert_allclose(st.params, ref.params[last], rtol=REL)
    np.testing.assert_allclose(st.bse_params, ref.bse[last], rtol=REL)
    np.testing.assert_allclose(st.tvalues, ref.tvalues[last], rtol=REL)
    np.testing.assert_allclose(st.pvalues, ref.pvalues[last], rtol=1e-8)  # tail areas of ~1e-3 and below
    np.testing.assert_allclose(st.conf_int(0.9), ref.conf_int(0.1)[last], rtol=REL)
    row = gdfit.linest(y, X)[0]
    np.testing.assert_array_equal(linest_order(row, True), st.params)


def test_statistics_from_a_closed_form_already_solved_are_those_solved_afresh():
    """compare solves the closed form once for LINEST, the ToolPak and the GD statistics: the same
    numbers, bit for bit, as each solving it itself (the previous behaviour)."""
    from gdfit.core.data import as_dataset
    from gdfit.core.leastsq.closed_form import closed_form
    from gdfit.core.leastsq.statistics import stats_at

    rng = np.random.default_rng(3)
    X = rng.normal(size=(200, 3)) * [1.0, 50.0, 1e-3]
    data = as_dataset(X, X @ [2.0, -0.1, 300.0] + rng.normal(size=200), fit_intercept=True)
    ols = closed_form(data, None, fit_intercept=True)
    for coef, intercept in ((None, None), (np.array([1.9, -0.09, 310.0]), 0.5)):
        afresh, shared = stats_at(data, coef, intercept, const=True), stats_at(data, coef, intercept, const=True, ols=ols)
        for name in ("params", "bse", "tvalues", "pvalues", "fitted"):
            assert np.array_equal(getattr(afresh, name), getattr(shared, name)), name
        assert (afresh.ss_resid, afresh.ss_total) == (shared.ss_resid, shared.ss_total)
    with pytest.raises(ValueError, match="another constant"):
        stats_at(data, const=False, ols=ols)
