"""logistic_mle against statsmodels' Logit: random problems and the Spector–Mazzeo data."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.special import expit
from statsmodels.datasets import spector

import gdfit
from gdfit import InputError

# The estimates agree to the float64 limit (~1e-15); llnull from statsmodels' numerical fit of the
# constant-only model is good to ~1e-12; 1e-8 is the bar and leaves room for both.
RTOL = 1e-8


def _statsmodels(X, y, const=True):
    design = sm.add_constant(X, prepend=False, has_constant="add") if const else X
    return sm.Logit(y, design).fit(disp=0, tol=1e-14, maxiter=100)


def _assert_like_statsmodels(m, ref):
    np.testing.assert_allclose(m.params, np.asarray(ref.params), rtol=RTOL)
    np.testing.assert_allclose(m.bse, np.asarray(ref.bse), rtol=RTOL)
    np.testing.assert_allclose(m.tvalues, np.asarray(ref.tvalues), rtol=RTOL)
    np.testing.assert_allclose(m.pvalues, np.asarray(ref.pvalues), rtol=1e-6)  # tails of the normal
    np.testing.assert_allclose(m.conf_int(), np.asarray(ref.conf_int()), rtol=RTOL)
    for name in ("llf", "llnull", "aic", "bic"):
        assert getattr(m, name) == pytest.approx(getattr(ref, name), rel=RTOL), name
    # Differences of llf and llnull: their digits are relative to llf, not to themselves.
    assert m.llr == pytest.approx(ref.llr, rel=RTOL, abs=RTOL * abs(ref.llf))
    assert m.prsquared == pytest.approx(ref.prsquared, rel=RTOL, abs=RTOL)
    assert m.df_model == ref.df_model
    assert m.llr_pvalue == pytest.approx(ref.llr_pvalue, rel=1e-6, abs=1e-300, nan_ok=True)
    assert m.converged and m.separation is None


def test_spector_mazzeo_data():
    data = spector.load_pandas()
    m = gdfit.logistic_mle(data.exog, data.endog)
    _assert_like_statsmodels(m, _statsmodels(data.exog, data.endog))
    assert m.labels == ("GPA", "TUCE", "PSI")
    # The published values (Spector and Mazzeo 1980; Greene's Econometric Analysis, table 21.1).
    np.testing.assert_allclose(m.params, [2.82611, 0.09516, 2.37869, -13.02135], atol=5e-6)
    assert m.llf == pytest.approx(-12.88963, abs=5e-6)


@st.composite
def problems(draw):
    p = draw(st.integers(1, 4))
    n = draw(st.integers(max(30, 10 * p), 200))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    scales = 10.0 ** rng.uniform(-2, 2, p)
    X = rng.normal(size=(n, p)) * scales + rng.normal(0, 3, p) * scales
    z = rng.normal(0, 0.8, p) @ ((X - X.mean(0)) / scales).T + rng.normal(0, 1)
    y = (rng.random(n) < expit(z)).astype(float)
    return X, y


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(problems(), st.booleans())
def test_random_problems_match_statsmodels(problem, const):
    X, y = problem
    m = gdfit.logistic_mle(X, y, fit_intercept=const)
    assume(m.separation is None)  # small samples are sometimes separated: test_separation covers those
    _assert_like_statsmodels(m, _statsmodels(X, y, const))


def test_r_squared_family_and_odds_ratios_by_their_definitions():
    data = spector.load_pandas()
    m = gdfit.logistic_mle(data.exog, data.endog)
    n = 32
    cox_snell = 1 - np.exp(2 * (m.llnull - m.llf) / n)
    assert m.cox_snell == pytest.approx(cox_snell, rel=1e-14)
    assert m.nagelkerke == pytest.approx(cox_snell / (1 - np.exp(2 * m.llnull / n)), rel=1e-14)
    odds = m.odds_ratios
    assert list(odds.index) == ["GPA", "TUCE", "PSI", "intercept"]
    np.testing.assert_allclose(odds["odds_ratio"], np.exp(m.params), rtol=1e-15)
    np.testing.assert_allclose(odds[["lower", "upper"]], np.exp(m.conf_int()), rtol=1e-15)


def test_labels_and_positive():
    data = spector.load_pandas()
    words = np.where(data.endog > 0, "up", "down")
    m = gdfit.logistic_mle(data.exog, words)
    assert m.classes == ("down", "up")
    flipped = gdfit.logistic_mle(data.exog, words, positive="down")
    assert flipped.classes == ("up", "down")
    np.testing.assert_allclose(flipped.params, -m.params, rtol=1e-13)
    np.testing.assert_allclose(flipped.bse, m.bse, rtol=1e-12)


def test_l2_matches_gradient_descent_with_the_same_penalty():
    data = spector.load_pandas()
    m = gdfit.logistic_mle(data.exog, data.endog, l2=0.05)
    r = gdfit.fit(data.exog, data.endog, loss="log", l2=0.05, max_iter=100000)
    assert m.converged and "intercept not penalised" in m.message
    np.testing.assert_allclose(r.params, m.params, rtol=1e-9)  # gd's grad_tol 1e-12 × the condition


def test_every_optimizer_converges_to_the_maximum_likelihood():
    data = spector.load_pandas()
    m = gdfit.logistic_mle(data.exog, data.endog)
    for optimizer in ("plain", "momentum", "nesterov", "adam"):
        r = gdfit.fit(data.exog, data.endog, loss="log", optimizer=optimizer, max_iter=200000)
        assert r.converged, (optimizer, r.message)
        # grad_tol 1e-12 relative; the Hessian's condition on these columns (~500) costs 3 digits.
        np.testing.assert_allclose(r.params, m.params, rtol=1e-8, err_msg=optimizer)
        assert -r.loss * 32 == pytest.approx(m.llf, rel=1e-12)


@settings(max_examples=8, deadline=None)
@given(problems(), st.sampled_from(["plain", "momentum", "nesterov", "adam"]))
def test_property_every_optimizer_reaches_the_mle_on_non_separated_problems(problem, optimizer):
    X, y = problem
    m = gdfit.logistic_mle(X, y)
    assume(m.separation is None)
    assume(np.linalg.cond(m.cov_params) < 1e12)
    r = gdfit.fit(X, y, loss="log", optimizer=optimizer, max_iter=100000)
    assert r.converged, r.message
    # Compared in standardised units (coefficient × sd), where the tolerance means the same for
    # every column; the loss itself to 1e-12.
    sd = X.std(axis=0)
    np.testing.assert_allclose(r.coef * sd, m.coef * sd, rtol=1e-6, atol=1e-8)
    assert -r.loss * len(y) == pytest.approx(m.llf, rel=1e-12)


@pytest.mark.parametrize("X, y, match", [
    (np.arange(9.0), [0, 1, 2] * 3, "3 distinct labels"),
    (np.column_stack([np.arange(9.0), np.ones(9)]), [0, 1] * 4 + [1], "constant"),
    (np.arange(9.0), [1] * 9, "both outcomes"),
    (np.arange(2.0), [0, 1], "at least 2 rows|more rows than parameters"),
    (np.column_stack([np.arange(6.0), 2 * np.arange(6.0)]), [0, 1, 1, 0, 1, 0], "collinear"),
])
def test_bad_input_gets_one_line(X, y, match):
    with pytest.raises(InputError, match=match) as info:
        gdfit.logistic_mle(X, y)
    assert "\n" not in str(info.value)


def test_n_equal_to_the_parameters_is_refused():
    with pytest.raises(InputError, match="3 rows for 3 parameters"):
        gdfit.logistic_mle([[1.0, 2.0], [2.0, 1.0], [0.0, 0.5]], [0, 1, 0])


def test_a_dataframe_and_predict():
    data = spector.load_pandas()
    m = gdfit.logistic_mle(pd.DataFrame(data.exog), data.endog)
    ref = _statsmodels(data.exog, data.endog)
    np.testing.assert_allclose(m.predict(data.exog.to_numpy()), ref.predict(), rtol=1e-12)
    np.testing.assert_allclose(m.fitted, ref.predict(), rtol=1e-12)
