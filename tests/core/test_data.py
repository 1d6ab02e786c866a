"""Input validation: every bad input gives a one-line ValueError naming the argument and the fix."""
import numpy as np
import pandas as pd
import pytest

import gdfit
from gdfit.core.data import as_dataset, fit_scaler


@pytest.mark.parametrize("X, y, words", [
    ([1.0, 2.0, 3.0], [1.0, 2.0], ["X has 3 rows", "y has 2", "same number of rows"]),
    ([], [], ["y is empty"]),
    ([[1.0, 2.0]], [3.0], ["1 row(s)", "3 parameters"]),
    ([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], ["X has nan at row 2"]),
    ([1.0, 2.0, 3.0], [1.0, np.inf, 3.0], ["y has inf at row 2"]),
    ([1.0, "abc", 3.0], [1.0, 2.0, 3.0], ["X has 'abc' at row 2", "remove headers"]),
    ([1.0, None, 3.0], [1.0, 2.0, 3.0], ["X has a blank at row 2"]),
    ([[1.0, 1.0], [2.0, True], [3.0, 0.0]], [1.0, 2.0, 3.0], ["X has True at row 2, column 2"]),
    ([True, False, True], [1.0, 2.0, 3.0], ["X has True at row 1"]),
])
def test_bad_input_messages(X, y, words):
    with pytest.raises(gdfit.InputError) as info:
        gdfit.closed_form(X, y)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_constant_column_rejected_only_when_asked():
    X = np.column_stack([np.arange(5.0), np.full(5, 7.0)])
    with pytest.raises(gdfit.InputError, match="column 'x2' is constant"):
        as_dataset(X, np.arange(5.0), reject_constant=True)
    assert as_dataset(X, np.arange(5.0)).p == 2
    assert as_dataset(X, np.arange(5.0), fit_intercept=False, reject_constant=True).p == 2


def test_shapes_and_labels():
    d = as_dataset(pd.DataFrame({"a": [1, 2, 3]}), pd.Series([1.0, 2.0, 4.0], name="sales"))
    assert d.labels == ("a",) and d.y_label == "sales" and d.X.dtype == np.float64
    assert as_dataset(None, [1.0, 2.0]).X.shape == (2, 0)
    assert as_dataset([[1.0], [2.0]], [[1.0], [2.0]]).y.shape == (2,)
    assert as_dataset(np.ones((3, 2)), np.arange(3.0)).labels == ("x1", "x2")


def test_object_arrays_of_numbers_are_accepted():
    d = as_dataset(np.array([1, 2.5, 3], dtype=object), [1, 2, 3])
    np.testing.assert_array_equal(d.X[:, 0], [1.0, 2.5, 3.0])


def test_scaler_round_trip_matches_a_direct_fit():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2)) * [10.0, 0.01] + [1000.0, -5.0]
    y = X @ [0.3, 40.0] + 2.0 + rng.normal(size=30)
    scaler = fit_scaler(X, fit_intercept=True)
    Z = scaler.transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), 1.0, rtol=1e-12)
    scaled = gdfit.closed_form(Z, y)
    direct = gdfit.closed_form(X, y)
    coef, intercept = scaler.to_original(scaled.coef, scaled.intercept)
    np.testing.assert_allclose(coef, direct.coef, rtol=1e-9)
    assert intercept == pytest.approx(direct.intercept, rel=1e-9)
    back = scaler.to_scaled(coef, intercept)
    np.testing.assert_allclose(back[0], scaled.coef, rtol=1e-12)
    rows = scaler.params_to_original(np.append(scaled.coef, scaled.intercept))
    np.testing.assert_allclose(rows[0], np.append(coef, intercept), rtol=1e-12)


def test_scaler_none_is_identity():
    X = np.arange(6.0).reshape(3, 2)
    s = fit_scaler(X, fit_intercept=True, mode="none")
    np.testing.assert_array_equal(s.transform(X), X)


@pytest.mark.parametrize("X, y, words", [
    (np.arange(5.0) * 1e300, np.arange(5.0), "X column 'x' has 4e+300 at row 5; values beyond 1e150"),
    (np.arange(5.0), np.arange(5.0) * 1e-300, "y has no value larger than 4e-300 in size"),
    (np.column_stack([np.arange(5.0), np.arange(5.0) * 1e-200]), np.arange(5.0),
     "X column 'x2' has no value larger than 4e-200"),
])
def test_values_whose_squares_overflow_or_vanish_are_refused(X, y, words):
    for call in (lambda: gdfit.fit(X, y), lambda: gdfit.closed_form(X, y)):
        with pytest.raises(gdfit.InputError, match=words.replace("(", r"\(").replace("+", r"\+")):
            call()


def test_tiny_values_next_to_ordinary_ones_are_fine():
    X = np.column_stack([np.arange(6.0), [1e-300, 0.0, 1.0, 2.0, 3.0, 5.0]])
    assert gdfit.closed_form(X, np.arange(6.0) ** 2).rank == 3
