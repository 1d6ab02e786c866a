"""Composed epochs (products of affine maps) give the step-by-step loop's iterates."""
import warnings

import numpy as np
import pandas as pd
import pytest

import gdfit
from gdfit.core.descent import epochs
from gdfit.core.descent import loop as fit_loop


def _data(n=61, p=3, seed=4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * [1.0, 30.0, 0.01][:p] + [5.0, -200.0, 3.0][:p]
    y = X @ rng.normal(size=p) + 40.0 + rng.normal(size=n)
    return X, y


def _both(monkeypatch, X, y, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        composed = gdfit.fit(X, y, **options)
        with monkeypatch.context() as m:
            m.setattr(fit_loop, "affine_epoch", lambda *args: None)  # the step-by-step loop
            stepwise = gdfit.fit(X, y, **options)
    return composed, stepwise


def _same_run(composed, stepwise, rtol=1e-10):
    assert composed.n_iter == stepwise.n_iter and composed.n_updates == stepwise.n_updates
    assert composed.stop == stepwise.stop
    pd.testing.assert_frame_equal(composed.history, stepwise.history, check_exact=False,
                                  rtol=rtol, atol=1e-12)


@pytest.fixture(params=[False, True], ids=["one chunk", "many chunks"])
def chunks(request, monkeypatch):
    if request.param:
        monkeypatch.setattr(epochs, "_CHUNK_ROWS", 16)
        monkeypatch.setattr(epochs, "_MAX_STEPS", 5)


@pytest.mark.parametrize("method,batch_size", [("sgd", None), ("minibatch", 7), ("minibatch", 61)])
@pytest.mark.parametrize("loss", ["mse", "sse", "rmse"])
@pytest.mark.parametrize("schedule", ["constant", "invscaling", "adaptive"])
def test_composed_epochs_follow_the_step_by_step_loop(monkeypatch, chunks, method, batch_size,
                                                      loss, schedule):
    X, y = _data()
    composed, stepwise = _both(monkeypatch, X, y, method=method, batch_size=batch_size, loss=loss,
                               schedule=schedule, max_iter=12, seed=3)
    _same_run(composed, stepwise)


@pytest.mark.parametrize("method", ["sgd", "minibatch"])
@pytest.mark.parametrize("fit_intercept,scale", [(False, "auto"), (True, "none"), (False, "none")])
def test_without_intercept_or_scaling(monkeypatch, chunks, method, fit_intercept, scale):
    X, y = _data()
    lr = 1e-6 if scale == "none" else "auto"
    composed, stepwise = _both(monkeypatch, X, y, method=method, fit_intercept=fit_intercept,
                               scale=scale, learning_rate=lr, max_iter=8)
    # Raw columns (mean -200, sd 30) amplify the rounding of either order by their condition.
    _same_run(composed, stepwise, rtol=1e-10 if scale == "auto" else 1e-8)


@pytest.mark.parametrize("method", ["sgd", "minibatch"])
def test_a_diverging_epoch_is_replayed_step_by_step(monkeypatch, method):
    X, y = _data()
    composed, stepwise = _both(monkeypatch, X, y, method=method, learning_rate=1e3, max_iter=50)
    assert composed.diverged and stepwise.diverged
    _same_run(composed, stepwise)


def test_intercept_only_model(monkeypatch):
    _, y = _data()
    composed, stepwise = _both(monkeypatch, None, y, method="sgd", max_iter=5)
    _same_run(composed, stepwise)
