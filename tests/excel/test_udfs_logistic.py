"""GD_LOGIT and GD_LOGIT_PREDICT called as Excel calls them, against statsmodels' Logit."""
import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.datasets import spector

from gdfit.excel import udfs

NA = "#N/A"  # what error_value gives without pywin32
DATA = spector.load_pandas()
REF = sm.Logit(DATA.endog, sm.add_constant(DATA.exog, prepend=False)).fit(disp=0, tol=1e-14)
X_ROWS = DATA.exog.to_numpy().tolist()


def column(values):
    return [[v] for v in values]


def linest_order(values):
    values = list(values)
    return values[:-1][::-1] + values[-1:]


def test_coefficients_in_linest_order_with_words_and_headers():
    y = [["admitted"]] + column(["yes" if v else "no" for v in DATA.endog])
    x = [list(DATA.exog.columns)] + X_ROWS
    block = udfs.GD_LOGIT(y, x, None, None, None, 100000)
    # gd's grad_tol 1e-12 relative, times the Hessian's condition on these columns: ~1e-9.
    assert block == [pytest.approx(linest_order(REF.params), rel=1e-8)]


def test_stats_rows_are_the_logit_statistics_with_na_elsewhere():
    block = udfs.GD_LOGIT(column(DATA.endog.tolist()), X_ROWS, True, True, None, 100000)
    assert len(block) == 5 and all(len(row) == 4 for row in block)
    assert block[1] == pytest.approx(linest_order(REF.bse), rel=1e-7)
    assert block[2][:2] == pytest.approx([REF.prsquared, -2 * REF.llf], rel=1e-9)
    assert block[3][:2] == pytest.approx([REF.llr, 3], rel=1e-8)
    assert block[4][:2] == pytest.approx([REF.llf, REF.llnull], rel=1e-9)
    assert [row[2:] for row in block[2:]] == [[NA, NA]] * 3


def test_true_false_labels_positive_and_no_constant():
    y = column([bool(v) for v in DATA.endog])
    flipped = udfs.GD_LOGIT(y, X_ROWS, True, None, None, 100000, None, None, None, None, None, False)
    assert flipped[0] == pytest.approx([-v for v in linest_order(REF.params)], rel=1e-8)
    through_origin = sm.Logit(DATA.endog, DATA.exog).fit(disp=0, tol=1e-14)
    block = udfs.GD_LOGIT(y, X_ROWS, False, None, None, 100000)
    assert block[0][:3] == pytest.approx(linest_order(list(through_origin.params) + [0])[:3], rel=1e-7)
    assert block[0][3] == 0.0


def test_l2_is_passed_to_the_fit():
    plain = udfs.GD_LOGIT(column(DATA.endog.tolist()), X_ROWS, None, None, None, 100000)
    held = udfs.GD_LOGIT(column(DATA.endog.tolist()), X_ROWS, None, None, None, 100000, None, None,
                         None, None, 0.1)
    assert abs(held[0][2]) < abs(plain[0][2])  # GPA's coefficient pulled towards 0


def test_predict_gives_probabilities():
    y = column(DATA.endog.tolist())
    out = udfs.GD_LOGIT_PREDICT(y, X_ROWS, [[3.0, 20.0, 1.0], [2.5, 25.0, 0.0]], None, None, 100000)
    expected = REF.predict(np.array([[3.0, 20.0, 1.0, 1.0], [2.5, 25.0, 0.0, 1.0]]))
    assert [row[0] for row in out] == pytest.approx(list(expected), rel=1e-8)
    fitted = udfs.GD_LOGIT_PREDICT(y, X_ROWS, None, None, None, 100000)
    assert [row[0] for row in fitted] == pytest.approx(list(REF.predict()), rel=1e-8)


@pytest.mark.parametrize("y, expected", [
    (column([0, 1, 2] * 4), "GD_LOGIT: known_y has 3 distinct labels (0, 1, 2)"),
    (column([1] * 12), "GD_LOGIT: every known_y is 1"),
])
def test_bad_labels_give_one_line(y, expected):
    out = udfs.GD_LOGIT(y, column(list(map(float, range(12)))))
    assert isinstance(out, str) and out.startswith(expected) and "\n" not in out


def test_a_wrong_new_x_width_is_one_line():
    out = udfs.GD_LOGIT_PREDICT(column(DATA.endog.tolist()), X_ROWS, [[1.0, 2.0]])
    assert out.startswith("GD_LOGIT_PREDICT: new_x has 2 column(s) but known_x has 3")


@pytest.mark.parametrize("call", [
    lambda y, x: udfs.GD_FIT(y, x, None, None, None, None, "log"),
    lambda y, x: udfs.GD_PREDICT(y, x, None, None, None, None, "log"),
    lambda y, x: udfs.GD_SUMMARY(y, x, None, None, None, None, "LOG"),
])
def test_the_line_functions_point_a_log_loss_to_gd_logit(call):
    out = call(column(DATA.endog.tolist()), X_ROWS)
    assert isinstance(out, str) and "use GD_LOGIT" in out and "\n" not in out
