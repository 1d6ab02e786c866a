"""The one-pass moments agree with the two-pass statistics they replace."""
import numpy as np
import pytest

import gdfit
from gdfit.core import moments as moments_module
from gdfit.core.data import InputError, as_dataset, fit_scaler
from gdfit.core.descent.objective import gram


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


def test_sums_that_overflow_fall_back_to_the_direct_statistics(monkeypatch):
    from gdfit.core import data as data_module

    X, y = _data(200, 2)
    expected = gdfit.fit(X, y)

    def overflowing(X, y):  # what finite values near the float64 limit would give
        m = moments_module.column_moments(X, y)
        return m._replace(cross=m.cross * np.inf)

    monkeypatch.setattr(data_module, "column_moments", overflowing)
    assert as_dataset(X, y, moments=True).moments is None
    r = gdfit.fit(X, y)
    np.testing.assert_allclose(r.params, expected.params, rtol=1e-12)


def test_constant_columns_are_found_exactly(chunks):
    X, y = _data(2000, 3)
    X[:, 1] = 0.1
    with pytest.raises(InputError, match="column 'x2' is constant"):
        as_dataset(X, y, moments=True, reject_constant=True)
    X[1234, 1] = np.nextafter(0.1, 1.0)  # one value one ulp away: not constant
    assert as_dataset(X, y, moments=True, reject_constant=True).p == 3


def test_peak_bounds_hold_the_largest_magnitude(chunks):
    X, y = _data(3000, 4)
    X[17, 2] = -1e7  # one outlier far from the shift
    m = as_dataset(X, y, moments=True).moments
    lower, upper = m.peak_bounds()
    peaks = np.abs(np.column_stack([X, y])).max(axis=0)
    assert np.all(lower <= peaks) and np.all(peaks <= upper)


@pytest.mark.parametrize("factor", [1e160, 1e-160, 0.0, 1e140, 1e-140])
def test_the_magnitude_check_decides_alike_with_the_moments(factor):
    X, y = _data(500, 3)
    X[:, 1] *= factor
    outcomes = []
    for moments in (True, False):
        try:
            outcomes.append(as_dataset(X, y, moments=moments).p)
        except InputError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]
    assert (outcomes[0] == 3) == (factor in (0.0, 1e140, 1e-140))
