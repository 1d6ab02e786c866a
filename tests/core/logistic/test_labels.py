"""Two-label responses."""
import numpy as np
import pandas as pd
import pytest

from gdfit import InputError, OptionError
from gdfit.core.logistic.labels import encode_labels


@pytest.mark.parametrize("y, negative, positive", [
    ([0, 1, 1, 0], 0, 1),
    ([0.0, 1.0, 1.0, 0.0], 0, 1),
    (np.array([False, True, True, False]), False, True),
    ([False, True, True, False], False, True),
    (["fail", "pass", "pass", "fail"], "fail", "pass"),
    (np.array([2, 5, 5, 2]), 2, 5),
])
def test_the_later_sorting_label_is_one(y, negative, positive):
    labels = encode_labels(y)
    assert (labels.negative, labels.positive) == (negative, positive)
    np.testing.assert_array_equal(labels.y, [0, 1, 1, 0])


def test_positive_picks_the_other_label_and_a_series_keeps_its_name():
    labels = encode_labels(pd.Series(["no", "yes", "no"], name="bought"), positive="no")
    assert (labels.negative, labels.positive) == ("yes", "no")
    assert labels.y.name == "bought" and list(labels.y) == [1.0, 0.0, 1.0]
    with pytest.raises(OptionError, match="'no' or 'yes'"):
        encode_labels(["no", "yes"], positive="maybe")


@pytest.mark.parametrize("y, match", [
    ([0, 1, 2], "3 distinct labels"),
    (["a", "b", "c", "d", "e"], r"5 distinct labels \('a', 'b', 'c', 'd', \.\.\.\)"),
    ([1.0, np.nan, 0.0], "nan at row 2"),
    (["a", "", "b"], "a blank at row 2"),
    (["a", "a"], "every y is 'a'"),
])
def test_bad_labels(y, match):
    with pytest.raises(InputError, match=match):
        encode_labels(y)
