"""gdfit.fit(loss="log"): logistic regression by gradient descent against statsmodels' Logit."""
import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy.optimize import minimize
from scipy.special import expit

import gdfit
from gdfit import ConvergenceWarning, InputError, OptionError


def _problem(seed=0, n=400, scales=(1.0, 10.0, 0.1), shifts=(0.0, 5.0, 1.0)):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, len(scales))) * scales + shifts
    z = X @ (np.array([1.0, -0.2, 3.0])[:len(scales)]) - 0.5
    y = (rng.random(n) < expit(z)).astype(float)
    return X, y


def _statsmodels(X, y):
    # tol on the parameter change: Newton converges quadratically, so these are exact to ~1e-15.
    return sm.Logit(y, sm.add_constant(X, prepend=False)).fit(disp=0, tol=1e-14, maxiter=100)


def _relative(a, b):
    return float(np.max(np.abs(np.asarray(a) - b) / np.abs(b)))


@pytest.mark.parametrize("optimizer", ["plain", "momentum", "nesterov", "adam"])
def test_every_optimizer_reaches_the_maximum_likelihood(optimizer):
    X, y = _problem()
    ref = _statsmodels(X, y)
    r = gdfit.fit(X, y, loss="log", optimizer=optimizer, max_iter=20000)
    assert r.converged, r.message
    # grad_tol 1e-12 of the reference gradient; the Hessian's condition (~10) turns it into ~1e-11.
    assert _relative(r.params, ref.params) < 1e-9
    assert r.loss == pytest.approx(-ref.llf / len(y), rel=1e-13)
    assert r.loss_name == "log" and r.classes == (0, 1) and r.positive_label == 1


def test_auto_learning_rate_is_one_over_lambda_max_over_4n_on_scaled_columns():
    X, y = _problem()
    r = gdfit.fit(X, y, loss="log", max_iter=0)
    A = np.column_stack([(X - X.mean(0)) / X.std(0), np.ones(len(y))])
    L = np.linalg.eigvalsh(A.T @ A)[-1] / (4 * len(y))
    assert r.lipschitz == pytest.approx(L, rel=1e-12)
    assert r.learning_rate == pytest.approx(1 / L, rel=1e-12)


def test_stochastic_methods_settle_near_the_maximum_with_the_adaptive_schedule():
    X, y = _problem(n=300)
    ref = _statsmodels(X, y)
    for method in ("sgd", "minibatch"):
        r = gdfit.fit(X, y, loss="log", method=method, schedule="adaptive", max_iter=3000)
        assert r.converged, r.message
        # Batch noise: the adaptive schedule stops at a step too small to move, not at the optimum;
        # the log loss is flat there, so the loss is far closer than the coefficients.
        assert _relative(r.params, ref.params) < 0.05
        assert r.loss == pytest.approx(-ref.llf / len(y), rel=1e-3)


@pytest.mark.parametrize("labels, positive, expected", [
    (("fail", "pass"), None, ("fail", "pass")),
    ((False, True), None, (False, True)),
    (("no", "yes"), "no", ("yes", "no")),
    ((3, 7), None, (3, 7)),
])
def test_any_two_labels_and_the_result_says_which_is_one(labels, positive, expected):
    X, y = _problem(n=200)
    ref = _statsmodels(X, y if expected[1] == labels[1] else 1 - y)
    named = np.array([labels[int(v)] for v in y], dtype=object)
    r = gdfit.fit(X, named, loss="log", positive=positive, max_iter=20000)
    assert r.classes == expected
    assert _relative(r.params, ref.params) < 1e-9
    np.testing.assert_allclose(r.predict_proba(X), ref.predict(sm.add_constant(X, prepend=False)), rtol=1e-9)


def test_a_named_series_keeps_its_name_and_a_dataframe_its_labels():
    X, y = _problem(n=200)
    frame = pd.DataFrame(X, columns=["hours", "score", "ratio"])
    r = gdfit.fit(frame, pd.Series(np.where(y > 0, "pass", "fail"), name="result"), loss="log", max_iter=20000)
    assert r.labels == ("hours", "score", "ratio")
    assert list(r.history.columns[4:]) == ["hours", "score", "ratio", "intercept"]


def test_options_replay_the_run_bit_for_bit():
    X, y = _problem(n=200)
    named = np.where(y > 0, "b", "a")
    r = gdfit.fit(X, named, loss="log", positive="a", l2=0.01, max_iter=300)
    again = gdfit.fit(X, named, **r.options)
    np.testing.assert_array_equal(again.params, r.params)


def test_l2_penalises_standardised_coefficients_not_the_intercept():
    X, y = _problem(n=200, scales=(1.0, 3.0, 0.5), shifts=(0.0, 1.0, 0.0))  # raw descent must finish too
    lam = 0.05
    mean, sd = X.mean(0), X.std(0)

    def objective(theta):  # theta: standardised coefficients, then the intercept
        z = (X - mean) / sd @ theta[:-1] + theta[-1]
        return np.mean(np.logaddexp(0, z) - y * z) + lam / 2 * theta[:-1] @ theta[:-1]

    best = minimize(objective, np.zeros(4), method="BFGS", options={"gtol": 1e-12}).x
    expected_coef = best[:-1] / sd
    expected = np.append(expected_coef, best[-1] - expected_coef @ mean)
    for scale in ("auto", "none"):
        r = gdfit.fit(X, y, loss="log", l2=lam, scale=scale, max_iter=200000)
        assert r.converged, r.message
        # BFGS's own gradient tolerance leaves ~1e-8 in the coefficients.
        np.testing.assert_allclose(r.params, expected, rtol=1e-6)
        assert r.loss == pytest.approx(objective(best), rel=1e-12)


def test_separation_runs_away_and_says_so_until_l2_holds_it():
    x = np.arange(10.0)
    y = (x > 4.5).astype(float)
    with pytest.warns(ConvergenceWarning, match="separated.*no finite maximum.*l2="):
        loose = gdfit.fit(x, y, loss="log", max_iter=3000)
    assert not loose.converged and loose.loss < 0.01 and loose.coef[0] > 5
    held = gdfit.fit(x, y, loss="log", l2=0.1, max_iter=3000)
    assert held.converged and 0 < held.coef[0] < 1


@pytest.mark.parametrize("y, match", [
    ([0, 1, 2] * 10, "3 distinct labels"),
    ([1] * 30, "both outcomes"),
    (["a", None, "b"] * 10, "a blank at row 2"),
])
def test_bad_labels_get_one_line(y, match):
    with pytest.raises(InputError, match=match) as info:
        gdfit.fit(np.arange(30.0), y, loss="log")
    assert "\n" not in str(info.value)


def test_a_constant_column_and_too_few_rows_get_one_line():
    with pytest.raises(InputError, match="constant"):
        gdfit.fit(np.column_stack([np.arange(6.0), np.ones(6)]), [0, 1, 0, 1, 1, 0], loss="log")
    with pytest.raises(InputError, match="2 row.*3 parameters"):
        gdfit.fit([[1.0, 2.0], [3.0, 5.0]], [0, 1], loss="log")


def test_logistic_options_need_the_log_loss():
    with pytest.raises(OptionError, match="'l2' option applies to loss='log'"):
        gdfit.fit([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], l2=0.1)
    with pytest.raises(OptionError, match="'positive' option applies"):
        gdfit.fit([1.0, 2.0, 3.0], [1.0, 2.0, 4.0], positive=1)
    with pytest.raises(OptionError, match="'positive' option must be one of the labels"):
        gdfit.fit([1.0, 2.0, 3.0], ["a", "b", "a"], loss="log", positive="c")


def test_fit_dataset_takes_zero_one_labels_only():
    from gdfit.core.data import as_dataset
    from gdfit.core.descent.fit import fit_dataset
    with pytest.raises(InputError, match="labels 0 and 1"):
        fit_dataset(as_dataset(np.arange(4.0), [0.0, 2.0, 0.0, 2.0], moments=True), loss="log")
    X, y = _problem(n=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = fit_dataset(as_dataset(X, y, moments=True), loss="log", max_iter=20000)
    np.testing.assert_array_equal(r.params, gdfit.fit(X, y, loss="log", max_iter=20000).params)


def test_line_search_reaches_the_maximum_and_its_change_is_exact():
    X, y = _problem()
    ref = _statsmodels(X, y)
    r = gdfit.fit(X, y, loss="log", line_search=True, max_iter=20000)
    # Armijo needs the sign of tiny loss changes near the minimum: the row-by-row change keeps it.
    assert r.converged and r.stop == "grad_tol", r.message
    assert _relative(r.params, ref.params) < 1e-9
    from gdfit.core.data import as_dataset, fit_scaler
    from gdfit.core.descent.losses import LOSSES
    from gdfit.core.descent.objective import Problem
    data = as_dataset(X, y, moments=True)
    problem = Problem(data, LOSSES["log"], fit_scaler(data.X, fit_intercept=True, moments=data.moments), True)
    theta = problem.from_original(r.coef, r.intercept)
    step = np.array([1e-3, -2e-3, 5e-4, 1e-3])
    coef, b = problem.to_original(theta + step)
    z1, z0 = X @ coef + b, X @ r.coef + r.intercept
    # The same difference in extended precision (x86's 80-bit long double; where long double is
    # float64 the subtraction still leaves ~1e-10 of a change of ~1e-6, inside the tolerance).
    rows = (np.logaddexp(np.longdouble(0), (1 - 2 * y).astype(np.longdouble) * z1)
            - np.logaddexp(np.longdouble(0), (1 - 2 * y).astype(np.longdouble) * z0))
    assert problem.change(theta, problem.full(theta)[0], step) == pytest.approx(float(np.mean(rows)), rel=1e-9)
