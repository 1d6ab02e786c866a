"""The one-pass moments agree with the two-pass statistics they replace."""
import numpy as np
import pytest

import gdfit
from gdfit.core import moments as moments_module
from gdfit.core.data import InputError, as_dataset, fit_scaler
from gdfit.core.objective import gram


def _data(n=5000, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(1e-3, 1e3, p) + rng.uniform(-1e4, 1e4, p)
    y = X @ rng.normal(size=p) + 1e5 + rng.normal(size=n)
    return X, y


@pytest.fixture(params=[False, True], ids=["one chunk", "many chunks"])
def chunks(request, monkeypatch):
    if request.param:
        monkeypatch.setattr(moments_module, "_CHUNK_ELEMENTS", 64)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("mode", ["auto", "none"])
def test_gram_from_moments_matches_the_direct_pass(chunks, fit_intercept, mode):
    X, y = _data()
    data = as_dataset(X, y, moments=True)
    s_direct = fit_scaler(X, fit_intercept=fit_intercept, mode=mode)
    s_moments = fit_scaler(X, fit_intercept=fit_intercept, mode=mode, moments=data.moments)
    np.testing.assert_allclose(s_moments.center, s_direct.center, rtol=1e-14, atol=0)
    np.testing.assert_allclose(s_moments.scale, s_direct.scale, rtol=1e-12, atol=0)
    offset = float(np.mean(y)) if fit_intercept else 0.0
    direct = gram(X, y, s_direct, fit_intercept, offset)
    fused = gram(X, y, s_direct, fit_intercept, offset, moments=data.moments)
    size = np.sqrt(np.outer(np.diag(direct.M), np.diag(direct.M)))
    assert np.max(np.abs(fused.M - direct.M) / size) <= 1e-12
    q_size = np.sqrt(np.diag(direct.M) * direct.yy)
    assert np.max(np.abs(fused.q - direct.q) / q_size) <= 1e-12
    assert fused.yy == pytest.approx(direct.yy, rel=1e-12)


def test_c_ordered_float_input_is_not_copied():
    X, y = _data(100, 3)
    data = as_dataset(X, y, moments=True)
    assert data.X is X and data.y is y


@pytest.mark.parametrize("where", ["X", "y"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_a_non_finite_value_is_named_as_before(chunks, where, bad):
    X, y = _data(300, 3)
    (X if where == "X" else y)[[200, 250]] = bad
    with pytest.raises(InputError) as fused:
        as_dataset(X, y, moments=True)
    with pytest.raises(InputError) as plain:
        as_dataset(X, y)
    assert str(fused.value) == str(plain.value) and "row 201" in str(fused.value)


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::gdfit.ConvergenceWarning")
def test_finite_values_too_large_to_sum_fall_back_to_the_direct_pass():
    X, y = _data(200, 2)
    X[:, 0] *= 1e300
    assert as_dataset(X, y, moments=True).moments is None
    assert gdfit.fit(X, y, max_iter=5).n_iter <= 5  # no error: the direct statistics are used


def test_constant_columns_are_found_exactly(chunks):
    X, y = _data(2000, 3)
    X[:, 1] = 0.1
    with pytest.raises(InputError, match="column 'x2' is constant"):
        as_dataset(X, y, moments=True, reject_constant=True)
    X[1234, 1] = np.nextafter(0.1, 1.0)  # one value one ulp away: not constant
    assert as_dataset(X, y, moments=True, reject_constant=True).p == 3
