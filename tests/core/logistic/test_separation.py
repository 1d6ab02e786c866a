"""Separation is detected on constructed cases and never reported as converged."""
import numpy as np
import pytest

import gdfit


def test_complete_separation_by_one_column():
    x = np.arange(10.0)
    m = gdfit.logistic_mle(x, x > 4.5)
    assert not m.converged
    assert m.separation.startswith("Complete separation: 'x' separates")
    assert "no finite maximum" in m.separation and "grow without bound" in m.separation
    assert m.separation in m.message


def test_complete_separation_needs_both_columns_together():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 2))
    y = X[:, 0] + X[:, 1] > 0  # neither column alone separates, their sum does
    assert not np.all(np.sort(X[y, 0]).min() > X[~y, 0].max())
    m = gdfit.logistic_mle(X, y)
    assert not m.converged
    assert m.separation.startswith("Complete separation: 'x1', 'x2' together separate")


def test_quasi_complete_separation_leaves_the_tied_rows_on_the_line():
    x = np.array([1, 2, 3, 4, 4, 5, 6, 7.0])
    y = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    m = gdfit.logistic_mle(x, y)
    assert not m.converged
    assert m.separation.startswith("Quasi-complete separation: 'x' separates the two labels except for 2 row(s)")


def test_a_separating_column_beside_an_innocent_one_is_named_alone():
    rng = np.random.default_rng(5)
    noise = rng.normal(size=30)
    x = np.arange(30.0)
    m = gdfit.logistic_mle(np.column_stack([noise, x]), x >= 15)
    assert "'x2' separates" in m.separation


def test_overlapping_classes_are_not_separated_even_with_extreme_probabilities():
    # One column with a huge effect: fitted probabilities reach 1e-9, the pattern that triggers
    # the check, yet one overlapping pair keeps the maximum finite.
    x = np.linspace(-30, 30, 61)
    y = (x > 0).astype(float)
    y[30], y[31] = 1.0, 0.0  # x = 0 positive, x = 1 negative: the labels overlap
    m = gdfit.logistic_mle(x, y)
    assert m.converged and m.separation is None


def test_l2_gives_a_finite_answer_under_separation():
    x = np.arange(10.0)
    m = gdfit.logistic_mle(x, x > 4.5, l2=0.1)
    assert m.converged and m.separation is None
    assert 0 < m.coef[0] < 1
    r = gdfit.fit(x, x > 4.5, loss="log", l2=0.1, max_iter=10000)
    np.testing.assert_allclose(r.params, m.params, rtol=1e-10)


@pytest.mark.parametrize("n", [200, 2000])
def test_separation_found_on_larger_data(n):
    rng = np.random.default_rng(n)
    X = rng.normal(size=(n, 3))
    y = X @ [1.0, -2.0, 0.5] > 0.3
    m = gdfit.logistic_mle(X, y)
    assert not m.converged and m.separation.startswith("Complete separation: 'x1', 'x2', 'x3'")
