"""Losses against hand-computed values, finite differences and numpy eigenvalues."""
import numpy as np
import pytest

import gdfit
from gdfit.core.descent.losses import ALIASES, LOSSES, get_loss

R = np.array([-3.0, -0.5, 0.0, 0.25, 2.0])


@pytest.mark.parametrize("name, expected", [
    ("sse", 9 + 0.25 + 0 + 0.0625 + 4),
    ("mse", (9 + 0.25 + 0 + 0.0625 + 4) / 5),
    ("rmse", np.sqrt((9 + 0.25 + 0 + 0.0625 + 4) / 5)),
    ("sae", 3 + 0.5 + 0 + 0.25 + 2),
    ("mae", (3 + 0.5 + 0 + 0.25 + 2) / 5),
    # Huber, delta 1: linear beyond 1 (|r| - 1/2), quadratic r²/2 inside.
    ("huber", (2.5 + 0.125 + 0 + 0.03125 + 1.5) / 5),
])
def test_values_by_hand(name, expected):
    assert LOSSES[name].value(R) == pytest.approx(expected, rel=1e-15)


def test_registry_aliases_and_export():
    assert set(LOSSES) == {"sse", "mse", "rmse", "sae", "mae", "huber", "log"}
    assert ALIASES == {"l1": "sae", "l2": "sse"}
    assert get_loss("l1") is LOSSES["sae"] and get_loss("l2") is LOSSES["sse"]
    assert gdfit.LOSSES is LOSSES


def test_huber_delta_moves_the_threshold():
    loss = get_loss("huber", huber_delta=2.5)
    # Every residual is inside 2.5 except -3: 2.5 * (3 - 1.25) = 4.375.
    expected = (4.375 + 0.125 + 0 + 0.03125 + 2.0) / 5
    assert loss.value(R) == pytest.approx(expected, rel=1e-15)
    assert LOSSES["huber"].delta == 1.0  # the registry entry is untouched


@pytest.mark.parametrize("name", ["sse", "mse", "rmse", "huber"])
def test_gradient_matches_central_differences(name):
    loss = LOSSES[name]
    r = np.array([-3.0, -0.5, 0.1, 0.25, 2.0])  # no residual on the Huber kink at ±1
    g = loss.grad(r)
    h = 1e-6
    numeric = [(loss.value(r + h * e) - loss.value(r - h * e)) / (2 * h) for e in np.eye(len(r))]
    np.testing.assert_allclose(g, numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name, scale", [("sae", 1.0), ("mae", 0.2)])
def test_absolute_losses_use_the_sign_subgradient(name, scale):
    g = LOSSES[name].grad(R)
    np.testing.assert_array_equal(g, scale * np.array([-1.0, -1.0, 0.0, 1.0, 1.0]))
    assert not LOSSES[name].smooth and LOSSES["huber"].smooth


@pytest.mark.parametrize("name", sorted(set(LOSSES) - {"log"}))  # log: test_log_loss.py
def test_batches_average_to_the_full_gradient(name):
    """Over a partition into equal batches, the mean batch gradient is the full gradient."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(12, 3))
    r = rng.normal(size=12)
    loss = LOSSES[name]
    full = X.T @ loss.grad(r)
    level = loss.value(r)
    batches = np.split(rng.permutation(12), 4)
    mean = np.mean([X[b].T @ loss.grad(r[b], n=12, level=level) for b in batches], axis=0)
    np.testing.assert_allclose(mean, full, rtol=1e-13, atol=1e-15)


def _design(seed=2, n=20, p=3):
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.normal(size=(n, p)), np.ones(n)])


@pytest.mark.parametrize("name, hessian_scale", [("sse", 2.0), ("mse", 2.0 / 20), ("huber", 1.0 / 20)])
def test_curvature_is_the_largest_hessian_eigenvalue(name, hessian_scale):
    A = _design()
    lam = np.linalg.eigvalsh(A.T @ A)[-1]
    expected = np.linalg.eigvalsh(hessian_scale * A.T @ A)[-1]
    assert LOSSES[name].curvature(lam, 20) == pytest.approx(expected, rel=1e-14)


def test_rmse_curvature_bounds_its_hessian_and_gives_the_mse_step():
    A = _design()
    rng = np.random.default_rng(9)
    y = rng.normal(size=20)
    theta = rng.normal(size=4)
    r = A @ theta - y
    rmse = np.sqrt(np.mean(r * r))
    lam = np.linalg.eigvalsh(A.T @ A)[-1]
    bound = LOSSES["rmse"].curvature(lam, 20, rmse)
    # Exact Hessian of sqrt(|r|²/n): (AᵀA/|r| - Aᵀr rᵀA/|r|³) / sqrt(n).
    norm = np.linalg.norm(r)
    H = (A.T @ A / norm - np.outer(A.T @ r, A.T @ r) / norm ** 3) / np.sqrt(20)
    assert np.linalg.eigvalsh(H)[-1] <= bound * (1 + 1e-12)
    # The step 1/L on the RMSE gradient equals the step 1/L_mse on the MSE gradient.
    step_rmse = (A.T @ LOSSES["rmse"].grad(r)) / bound
    step_mse = (A.T @ LOSSES["mse"].grad(r)) / LOSSES["mse"].curvature(lam, 20)
    np.testing.assert_allclose(step_rmse, step_mse, rtol=1e-13)


def test_absolute_losses_have_no_curvature():
    assert LOSSES["sae"].curvature(5.0, 10) is None
    assert LOSSES["mae"].curvature(5.0, 10) is None
