"""The (init, update) pairs against their textbook formulas, and each one on the same quadratic."""
import numpy as np
import pytest

import gdfit
from gdfit.core.descent.optimizers import (
    OPTIMIZERS,
    AdamState,
    PlainState,
    TraceState,
    adam,
    make_optimizer,
    momentum,
    nesterov,
    plain,
)

G1 = np.array([1.0, -2.0])
G2 = np.array([0.5, 4.0])


def test_registry_and_export():
    assert list(OPTIMIZERS) == ["plain", "momentum", "nesterov", "adam"]
    assert gdfit.OPTIMIZERS is OPTIMIZERS


def test_plain_direction_is_the_gradient():
    opt = plain()
    state = opt.init(np.zeros(2))
    d, state = opt.update(G1, state)
    np.testing.assert_array_equal(d, G1)
    assert state == PlainState(1)


def test_momentum_is_the_running_sum():
    opt = momentum(0.5)
    state = opt.init(np.zeros(2))
    d1, state = opt.update(G1, state)
    d2, state = opt.update(G2, state)
    np.testing.assert_array_equal(d1, G1)
    np.testing.assert_array_equal(d2, G2 + 0.5 * G1)
    assert isinstance(state, TraceState) and state.count == 2


def test_nesterov_looks_one_velocity_ahead():
    opt = nesterov(0.5)
    state = opt.init(np.zeros(2))
    d1, state = opt.update(G1, state)
    d2, state = opt.update(G2, state)
    np.testing.assert_array_equal(d1, G1 + 0.5 * G1)
    v2 = G2 + 0.5 * G1
    np.testing.assert_array_equal(d2, G2 + 0.5 * v2)


def test_adam_bias_corrected_moments():
    b1, b2, eps = 0.9, 0.999, 1e-8
    opt = adam(b1, b2, eps)
    state = opt.init(np.zeros(2))
    d1, state = opt.update(G1, state)
    # First step: m̂ = g, v̂ = g², so the direction is g / (|g| + eps).
    np.testing.assert_allclose(d1, G1 / (np.abs(G1) + eps), rtol=1e-15)
    d2, state = opt.update(G2, state)
    m = (1 - b1) * (b1 * G1 + G2)
    v = (1 - b2) * (b2 * G1 ** 2 + G2 ** 2)
    expected = (m / (1 - b1 ** 2)) / (np.sqrt(v / (1 - b2 ** 2)) + eps)
    np.testing.assert_allclose(d2, expected, rtol=1e-14)
    assert isinstance(state, AdamState) and state.count == 2


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_update_is_pure(name):
    opt = make_optimizer(name)
    state = opt.init(np.zeros(2))
    _, state = opt.update(G1, state)
    before = [np.copy(x) if isinstance(x, np.ndarray) else x for x in state]
    g = G2.copy()
    opt.update(g, state)
    np.testing.assert_array_equal(g, G2)
    for old, new in zip(before, state):
        np.testing.assert_array_equal(old, new)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_solves_the_same_quadratic(name):
    """optax alias_test style: one problem, every optimizer, against numpy's solve."""
    rng = np.random.default_rng(0)
    B = rng.normal(size=(4, 4))
    H = B @ B.T + 4 * np.eye(4)
    b = rng.normal(size=4)
    target = np.linalg.solve(H, b)
    L = np.linalg.eigvalsh(H)[-1]
    lr = 1 / L if name != "adam" else 0.1 * np.abs(target).max()
    opt = make_optimizer(name)
    x = np.zeros(4)
    state = opt.init(x)
    for _ in range(3000):
        d, state = opt.update(H @ x - b, state)
        x = x - lr * d
    np.testing.assert_allclose(x, target, rtol=1e-8, atol=1e-10)
