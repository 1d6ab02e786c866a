"""Every method × optimizer × loss against an independent reference, optax alias_test style.

References: ``closed_form`` (squared losses), ``scipy.optimize.linprog`` (least absolute
deviations), ``scipy.optimize.minimize`` on the same objective (Huber). Parameters are compared
in standardised units (coefficient × column sd, intercept at the column means), so that the
tolerance means the same for a column in metres as for one in millimetres.
"""
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog, minimize

import gdfit

# Short runs that stop at max_iter on purpose warn; the tests that care use pytest.warns.
pytestmark = pytest.mark.filterwarnings("ignore::gdfit.ConvergenceWarning")

OPTIMIZERS = ["plain", "momentum", "nesterov", "adam"]


def make_problem(seed, n, p, noise=1.0, heavy=False):
    """Independent columns with mixed units and offsets; y linear plus noise."""
    rng = np.random.default_rng(seed)
    scales = 10.0 ** rng.uniform(-2, 3, p)
    X = rng.normal(size=(n, p)) * scales + rng.normal(0, 5, p) * scales
    errors = rng.standard_t(3, n) if heavy else rng.normal(0, noise, n)
    y = 10 * rng.normal() + X @ (rng.normal(0, 3, p) / scales) + errors
    return X, y


@st.composite
def problems(draw, max_p=4):
    p = draw(st.integers(1, max_p))
    n = draw(st.integers(max(20, 5 * p), 60))
    X, y = make_problem(draw(st.integers(0, 2 ** 32 - 1)), n, p)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    assume(np.linalg.cond(Z) < 5)  # well-conditioned: the claim is about those
    return X, y


def standardised(X, coef, intercept):
    mu, sd = X.mean(axis=0), X.std(axis=0)
    return np.append(coef * sd, intercept + coef @ mu)


def std_error(X, a, b):
    """Largest parameter difference in standardised units, relative to the largest parameter."""
    sa, sb = standardised(X, *a), standardised(X, *b)
    return np.max(np.abs(sa - sb)) / np.max(np.abs(sb))


@pytest.mark.parametrize("loss", ["sse", "mse", "rmse"])
@pytest.mark.parametrize("optimizer", ["plain", "momentum", "nesterov"])
@settings(max_examples=12, deadline=None, derandomize=True)
@given(problem=problems())
def test_full_batch_reaches_the_closed_form(problem, optimizer, loss):
    X, y = problem
    r = gdfit.fit(X, y, loss=loss, optimizer=optimizer)
    cf = gdfit.closed_form(X, y)
    assert r.converged, r.message
    assert std_error(X, (r.coef, r.intercept), (cf.coef, cf.intercept)) <= 1e-8


@pytest.mark.parametrize("loss", ["sse", "mse", "rmse"])
def test_adam_reaches_the_closed_form_on_nearly_every_problem(loss):
    """Adam with a constant step can fall into a cycle once its second moment has decayed (Reddi et
    al., 2018); on random well-conditioned problems that is rare: at most 1 in 40 here."""
    hits = 0
    for seed in range(40):
        rng = np.random.default_rng(1000 + seed)
        p = int(rng.integers(1, 5))
        X, y = make_problem(seed, int(rng.integers(max(20, 5 * p), 61)), p)
        cf = gdfit.closed_form(X, y)
        r = gdfit.fit(X, y, loss=loss, optimizer="adam")
        hits += r.converged and std_error(X, (r.coef, r.intercept), (cf.coef, cf.intercept)) <= 1e-8
    assert hits >= 39


@pytest.mark.parametrize("optimizer", ["plain", "momentum", "nesterov"])
@settings(max_examples=8, deadline=None, derandomize=True)
@given(problem=problems(max_p=3))
def test_no_intercept_reaches_the_closed_form(problem, optimizer):
    X, y = problem
    assume(np.linalg.cond(X / np.sqrt(np.mean(X ** 2, axis=0))) < 5)  # no centring without intercept
    r = gdfit.fit(X, y, optimizer=optimizer, fit_intercept=False)
    cf = gdfit.closed_form(X, y, fit_intercept=False)
    assert r.converged and r.intercept == 0.0
    assert np.max(np.abs((r.coef - cf.coef) * np.sqrt(np.mean(X ** 2, axis=0)))) <= 1e-8 * np.max(
        np.abs(cf.coef * np.sqrt(np.mean(X ** 2, axis=0))))


def lad(X, y):
    """Least absolute deviations as a linear program: min Σ(u + v), A θ + u - v = y, u, v ≥ 0."""
    n, p = X.shape
    A = np.column_stack([X, np.ones(n)])
    c = np.concatenate([np.zeros(p + 1), np.ones(2 * n)])
    res = linprog(c, A_eq=np.hstack([A, np.eye(n), -np.eye(n)]), b_eq=y,
                  bounds=[(None, None)] * (p + 1) + [(0, None)] * (2 * n), method="highs")
    assert res.status == 0
    return res.x[:p], res.x[p], res.fun


@pytest.mark.parametrize("loss", ["sae", "mae", "l1"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_absolute_loss_reaches_the_lad_optimum_tightly_in_two_dimensions(optimizer, loss):
    X, y = make_problem(3, 40, 2, heavy=True)
    coef, intercept, best = lad(X, y)
    r = gdfit.fit(X, y, loss=loss, optimizer=optimizer, max_iter=3000)
    sae = np.sum(np.abs(X @ r.coef + r.intercept - y))
    assert r.converged and "subgradient" in r.message
    assert (sae - best) / best <= 1e-9
    assert std_error(X, (r.coef, r.intercept), (coef, intercept)) <= 1e-6


@settings(max_examples=10, deadline=None, derandomize=True)
@given(problem=problems(max_p=4), optimizer=st.sampled_from(OPTIMIZERS))
def test_absolute_loss_gets_near_the_lad_optimum(problem, optimizer):
    """Subgradient descent can stall on a ridge of the LAD surface: the claim is 5e-3 of the optimal
    objective (on 240 random problems with up to 4 columns the median gap was 1e-12, 90% were
    within 2e-4 and the worst 2e-3; coefficients within 0.08 in standardised units)."""
    X, y = problem
    coef, intercept, best = lad(X, y)
    r = gdfit.fit(X, y, loss="mae", optimizer=optimizer, max_iter=3000)
    assert 0 <= (r.loss * len(y) - best) / best <= 5e-3
    assert std_error(X, (r.coef, r.intercept), (coef, intercept)) <= 0.2


def huber_reference(X, y, delta):
    n, p = X.shape

    def objective(theta):
        r = X @ theta[:p] + theta[p] - y
        a = np.abs(r)
        return np.mean(np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta)))

    def gradient(theta):
        c = np.clip(X @ theta[:p] + theta[p] - y, -delta, delta) / n
        return np.append(X.T @ c, c.sum())

    start = np.append(np.linalg.lstsq(np.column_stack([X, np.ones(n)]), y, rcond=None)[0], [])
    res = minimize(objective, start, jac=gradient, method="BFGS", options={"gtol": 1e-13})
    return res.x[:p], res.x[p], objective(res.x)


@pytest.mark.parametrize("delta", [0.5, 2.0])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_huber_matches_an_independent_minimiser(optimizer, delta):
    X, y = make_problem(21, 50, 2, heavy=True)
    X[:, 1] = X[:, 1] / 1000.0  # keep the raw design moderate for BFGS in original units
    coef, intercept, best = huber_reference(X, y, delta)
    r = gdfit.fit(X, y, loss="huber", huber_delta=delta, optimizer=optimizer)
    assert r.converged
    assert r.loss <= best * (1 + 1e-12)
    assert std_error(X, (r.coef, r.intercept), (coef, intercept)) <= 1e-6


@pytest.mark.parametrize("method", ["sgd", "minibatch"])
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_stochastic_adaptive_gets_close(method, optimizer):
    """Batch noise limits the accuracy: within 1e-4 of the least-squares loss, 1e-2 in parameters."""
    X, y = make_problem(5, 60, 2)
    cf = gdfit.closed_form(X, y)
    r = gdfit.fit(X, y, method=method, optimizer=optimizer, schedule="adaptive", max_iter=300,
                  batch_size=8 if method == "minibatch" else None)
    best = cf.sse / len(y)
    assert 0 <= (r.loss - best) / best <= 1e-4
    assert std_error(X, (r.coef, r.intercept), (cf.coef, cf.intercept)) <= 1e-2


@pytest.mark.parametrize("method", ["sgd", "minibatch"])
def test_stochastic_invscaling_gets_close(method):
    X, y = make_problem(6, 60, 2)
    cf = gdfit.closed_form(X, y)
    r = gdfit.fit(X, y, method=method, schedule="invscaling", max_iter=300,
                  batch_size=8 if method == "minibatch" else None)
    best = cf.sse / len(y)
    assert 0 <= (r.loss - best) / best <= 2e-3
    assert std_error(X, (r.coef, r.intercept), (cf.coef, cf.intercept)) <= 3e-2


def test_stochastic_mae_and_huber_get_close():
    X, y = make_problem(7, 60, 1, heavy=True)
    _, _, best = lad(X, y)
    r = gdfit.fit(X, y, loss="mae", method="minibatch", batch_size=10, max_iter=300)
    assert 0 <= (r.loss * len(y) - best) / best <= 1e-3
    _, _, hbest = huber_reference(X, y, 1.0)
    h = gdfit.fit(X, y, loss="huber", method="sgd", schedule="adaptive", max_iter=300)
    assert 0 <= (h.loss - hbest) / hbest <= 1e-4
