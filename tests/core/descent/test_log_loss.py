"""The log loss against its textbook form, finite differences, and the Hessian bound λ/(4n)."""
import numpy as np
import pytest
from scipy.special import expit

from gdfit.core.descent.losses import LOSSES

LOG = LOSSES["log"]
Y = np.array([0.0, 1.0, 1.0, 0.0, 1.0, 0.0])
Z = np.array([-2.0, 0.3, 4.0, 1.5, -0.7, 0.0])  # linear predictors
R = Z - Y


def test_value_is_the_mean_binary_cross_entropy():
    p = expit(Z)
    expected = -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))
    assert LOG.value(R, Y) == pytest.approx(expected, rel=1e-14)


def test_value_and_gradient_keep_their_digits_far_in_the_tails():
    # z = ±40: the textbook form gives log(1 - 1) = -inf or loses every digit; the exact values
    # are log1p(exp(-40)) ≈ exp(-40) and p - y = ∓expit(-40).
    y = np.array([1.0, 0.0])
    z = np.array([40.0, -40.0])
    assert LOG.value(z - y, y) == pytest.approx(np.exp(-40.0), rel=1e-14)
    np.testing.assert_allclose(LOG.grad(z - y, y=y), [-expit(-40.0) / 2, expit(-40.0) / 2], rtol=1e-14)


def test_gradient_is_p_minus_y_over_n_and_matches_central_differences():
    g = LOG.grad(R, y=Y)
    np.testing.assert_allclose(g, (expit(Z) - Y) / len(Y), rtol=1e-14)
    h = 1e-6
    numeric = [(LOG.value(R + h * e, Y) - LOG.value(R - h * e, Y)) / (2 * h) for e in np.eye(len(R))]
    np.testing.assert_allclose(g, numeric, rtol=1e-7)


def test_batches_average_to_the_full_gradient():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(12, 3))
    y = (rng.random(12) < 0.5).astype(float)
    r = rng.normal(size=12) - y
    full = X.T @ LOG.grad(r, y=y)
    batches = np.split(rng.permutation(12), 4)
    mean = np.mean([X[b].T @ LOG.grad(r[b], n=12, y=y[b]) for b in batches], axis=0)
    np.testing.assert_allclose(mean, full, rtol=1e-13, atol=1e-15)


def test_curvature_bounds_the_hessian_everywhere_and_is_reached_at_p_one_half():
    rng = np.random.default_rng(2)
    A = np.column_stack([rng.normal(size=(20, 3)), np.ones(20)])
    lam = np.linalg.eigvalsh(A.T @ A)[-1]
    bound = LOG.curvature(lam, 20)
    assert bound == pytest.approx(lam / 80, rel=1e-15)
    for theta in rng.normal(size=(5, 4)):
        p = expit(A @ theta)
        H = A.T @ (A * (p * (1 - p))[:, None]) / 20
        assert np.linalg.eigvalsh(H)[-1] <= bound * (1 + 1e-12)
    # At theta = 0 every p is 1/2 and the Hessian is AᵀA/(4n): the bound is tight.
    assert np.linalg.eigvalsh(A.T @ A / 80)[-1] == pytest.approx(bound, rel=1e-12)


def test_the_log_loss_refuses_to_run_without_labels():
    with pytest.raises(TypeError, match="labels"):
        LOG.value(R)
