"""regression_output (the ToolPak's SUMMARY OUTPUT): every number against statsmodels, the layout
cell by cell, and two published ToolPak outputs."""
import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

import gdfit
from gdfit.core.data import InputError, OptionError
from gdfit.core.leastsq.linest import linest_dataset
from gdfit.core.leastsq.toolpak import toolpak_regression

REL = 1e-10
COEF_HEADER = [None, "Coefficients", "Standard Error", "t Stat", "P-value", "Lower 95%", "Upper 95%"]


def _data(seed=0, n=35, p=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * [1.0, 10.0, 100.0][:p] + 5.0
    y = 2.0 + X @ np.linspace(0.5, -0.02, p) + rng.normal(size=n)
    return X, y


def _close(a, b):
    assert a == pytest.approx(b, rel=REL, abs=1e-300), (a, b)


@pytest.mark.parametrize("confidence", [0.95, 0.90])
def test_every_number_matches_statsmodels(confidence):
    X, y = _data()
    n, p = X.shape
    ref = sm.OLS(y, sm.add_constant(X)).fit()
    rows = gdfit.regression_output(y, X, confidence=confidence)
    _close(rows[3][1], math.sqrt(ref.rsquared))
    _close(rows[4][1], ref.rsquared)
    _close(rows[5][1], ref.rsquared_adj)
    _close(rows[6][1], math.sqrt(ref.mse_resid))
    assert rows[7][1] == n
    assert rows[11][1] == p and rows[12][1] == n - p - 1 and rows[13][1] == n - 1
    for got, want in zip(rows[11][2:6], [ref.ess, ref.ess / p, ref.fvalue, ref.f_pvalue]):
        _close(got, want)
    for got, want in zip(rows[12][2:4], [ref.ssr, ref.mse_resid]):
        _close(got, want)
    _close(rows[13][2], ref.ess + ref.ssr)
    ci95, cic = ref.conf_int(0.05), ref.conf_int(1 - confidence)
    for i, row in enumerate(rows[16:16 + p + 1]):
        want = [ref.params[i], ref.bse[i], ref.tvalues[i], ref.pvalues[i], *ci95[i], *cic[i]]
        for got, w in zip(row[1:], want):
            _close(got, w)


def test_constant_is_zero_matches_uncentred_statsmodels():
    X, y = _data(1, p=2)
    n, p = X.shape
    ref = sm.OLS(y, X, hasconst=False).fit()
    rows = gdfit.regression_output(y, X, const=False)
    _close(rows[4][1], ref.rsquared)
    _close(rows[5][1], ref.rsquared_adj)
    assert [rows[11][1], rows[12][1], rows[13][1]] == [p, n - p, n]
    _close(rows[13][2], float(y @ y))  # uncentred total
    _close(rows[11][4], ref.fvalue)
    assert rows[16][0] == "Intercept" and rows[16][1] == 0.0
    assert all(math.isnan(v) for v in rows[16][2:9])  # #N/A
    ci = ref.conf_int(0.05)
    for i, row in enumerate(rows[17:17 + p]):
        for got, w in zip(row[1:7], [ref.params[i], ref.bse[i], ref.tvalues[i], ref.pvalues[i], *ci[i]]):
            _close(got, w)


def test_layout_cell_by_cell():
    X, y = _data(2, n=6, p=2)
    rows = gdfit.regression_output(y, X, confidence=0.9, residuals=True, standardized=True,
                                   probability=True)
    assert all(len(r) == 9 for r in rows)
    col_a = [r[0] for r in rows[:18]]
    assert col_a == ["SUMMARY OUTPUT", None, "Regression Statistics", "Multiple R", "R Square",
                     "Adjusted R Square", "Standard Error", "Observations", None, "ANOVA", None,
                     "Regression", "Residual", "Total", None, None, "Intercept", "X Variable 1"]
    assert rows[18][0] == "X Variable 2"
    assert rows[10][:6] == [None, "df", "SS", "MS", "F", "Significance F"]
    assert rows[12][4:] == [None] * 5 and rows[13][3:] == [None] * 6
    assert rows[15] == COEF_HEADER + ["Lower 90.0%", "Upper 90.0%"]
    assert rows[19:22] == [[None] * 9] * 3
    assert rows[22][0] == "RESIDUAL OUTPUT" and rows[22][5] == "PROBABILITY OUTPUT"
    assert rows[24] == ["Observation", "Predicted Y", "Residuals", "Standard Residuals", None,
                        "Percentile", "Y", None, None]
    assert len(rows) == 25 + 6
    assert [r[0] for r in rows[25:]] == [1, 2, 3, 4, 5, 6]
    assert [r[5] for r in rows[25:]] == pytest.approx([100 * (i - 0.5) / 6 for i in range(1, 7)])
    assert [r[6] for r in rows[25:]] == sorted(y)
    ref = sm.OLS(y, sm.add_constant(X)).fit()
    np.testing.assert_allclose([r[1] for r in rows[25:]], ref.fittedvalues, rtol=REL)
    np.testing.assert_allclose([r[2] for r in rows[25:]], ref.resid, rtol=1e-9)


def test_95_percent_repeats_in_the_last_pair():
    X, y = _data(3, p=1)
    rows = gdfit.regression_output(y, X)
    assert rows[15] == COEF_HEADER + ["Lower 95.0%", "Upper 95.0%"]
    assert rows[17][5:7] == rows[17][7:9]


def test_probability_block_alone_sits_in_column_a():
    X, y = _data(4, n=5, p=1)
    rows = gdfit.regression_output(y, X, probability=True)
    assert rows[21][0] == "PROBABILITY OUTPUT" and rows[23][:2] == ["Percentile", "Y"]
    assert [r[1] for r in rows[24:]] == sorted(y)


def test_labels_from_dataframe_list_and_wrong_count():
    X, y = _data(5, p=2)
    frame = pd.DataFrame(X, columns=["tv", "radio"])
    rows = gdfit.regression_output(pd.Series(y, name="sales"), frame, labels=True, residuals=True)
    assert [rows[16][0], rows[17][0], rows[18][0]] == ["Intercept", "tv", "radio"]
    assert rows[24][:3] == ["Observation", "Predicted sales", "Residuals"]
    rows = gdfit.regression_output(y, X, labels=["a", "b"])
    assert [rows[17][0], rows[18][0]] == ["a", "b"]
    with pytest.raises(InputError, match="labels has 3 name"):
        gdfit.regression_output(y, X, labels=["a", "b", "c"])
    with pytest.raises(InputError, match="labels=True needs known_x as a DataFrame"):
        gdfit.regression_output(y, X, labels=True)


@pytest.mark.parametrize("bad", [0, 1, 95, -0.5, "95%", True])
def test_confidence_outside_0_1_names_the_option(bad):
    X, y = _data(6, p=1)
    with pytest.raises(OptionError, match="'confidence'.*got"):
        gdfit.regression_output(y, X, confidence=bad)


def test_more_than_16_columns_are_allowed():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(60, 20))
    y = X.sum(axis=1) + rng.normal(size=60)
    rows = gdfit.regression_output(y, X)
    assert rows[36][0] == "X Variable 20" and rows[11][1] == 20
    _close(rows[36][1], sm.OLS(y, sm.add_constant(X)).fit().params[20])


def test_at_given_coefficients_uses_that_vector():
    X, y = _data(8, p=2)
    coef, b = np.array([0.4, 0.0]), 2.5
    rows = gdfit.regression_output(y, X, coef=coef, intercept=b, residuals=True)
    resid = y - X @ coef - b
    _close(rows[12][2], float(resid @ resid))
    assert [rows[16][1], rows[17][1], rows[18][1]] == [2.5, 0.4, 0.0]
    np.testing.assert_allclose([r[2] for r in rows[25:]], resid, rtol=REL)


def _printed(text):
    """A number as printed, and one unit in its last printed digit (covers rounding or truncation)."""
    mantissa = text.lower().split("e")[0]
    exponent = int(text.lower().split("e")[1]) if "e" in text.lower() else 0
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return float(text), 10.0 ** (exponent - decimals)


def _check_printed(got, text):
    value, unit = _printed(text)
    assert abs(got - value) <= unit, (got, text)


# A ToolPak output published with its data (dividend X, price Y), residual and probability blocks
# included. Its confidence limits come from an Excel whose t quantile was good to ~6 digits, hence
# their tolerance of 2e-6 relative rather than one unit in the last printed digit.
DIV_X = [13, 4, 12, 5, 6, 8, 3, 4, 5, 7]
DIV_Y = [115, 45, 100, 50, 55, 85, 40, 50, 45, 70]


def test_published_toolpak_output():
    rows = gdfit.regression_output(DIV_Y, DIV_X, residuals=True, standardized=True, probability=True)
    published = {(3, 1): "0.978902011", (4, 1): "0.958249147", (5, 1): "0.953030291",
                 (6, 1): "5.652649783", (11, 2): "5866.880403", (11, 3): "5866.880403",
                 (11, 4): "183.6129", (11, 5): "8.45093E-07", (12, 2): "255.6195965",
                 (12, 3): "31.95244957", (13, 2): "6122.5", (16, 1): "15.20172911",
                 (16, 2): "4.119924714", (16, 3): "3.6898075", (16, 4): "0.006132",
                 (17, 1): "7.507204611", (17, 2): "0.554021622", (17, 3): "13.550382",
                 (17, 4): "8.45E-07"}
    for (r, c), text in published.items():
        _check_printed(rows[r][c], text)
    for (r, c), value in {(16, 5): 5.701159537, (16, 6): 24.70229868, (17, 5): 6.229627634,
                          (17, 6): 8.784781588}.items():
        assert rows[r][c] == pytest.approx(value, rel=2e-6), (r, c)
    std_resid = ["0.413672016", "-0.043259819", "-0.99227209", "-0.513710346", "-0.984160874",
                 "1.827727338", "0.427190709", "0.894937498", "-1.451907663", "0.421783232"]
    for row, text in zip(rows[24:], std_resid):
        _check_printed(row[3], text)
    assert [r[5] for r in rows[24:]] == [5, 15, 25, 35, 45, 55, 65, 75, 85, 95]
    assert [r[6] for r in rows[24:]] == sorted(DIV_Y)


def test_standard_residuals_as_reverse_engineered_from_excel_2013():
    # x = 1..9, y = 2,1,4,3,6,5,9,8,7: Excel 2013 shows Standard Error 1.3723... and standard
    # residuals 0.4154..., -1.0516..., ..., 0.2726..., -1.1944... (printed truncated), which
    # residual / sqrt(SSres / (n - 1)) reproduces.
    rows = gdfit.regression_output([2, 1, 4, 3, 6, 5, 9, 8, 7], list(range(1, 10)), standardized=True)
    _check_printed(rows[6][1], "1.3723")
    std = [r[3] for r in rows[24:]]
    for got, text in zip(std[:2] + std[-2:], ["0.4154", "-1.0516", "0.2726", "-1.1944"]):
        _check_printed(got, text)


@pytest.mark.parametrize("const", [True, False])
def test_the_typed_result_holds_the_numbers_its_rows_show(const):
    X, y = _data(5)
    result = toolpak_regression(linest_dataset(y, X, const), const=const, confidence=0.9, labels=["a", "b", "c"])
    rows = gdfit.regression_output(y, X, const=const, confidence=0.9, labels=["a", "b", "c"], residuals=True)
    assert result.rows(residuals=True) == rows
    st = result.stats
    assert [rows[4][1], rows[6][1], rows[12][2]] == [st.rsquared, st.se_y, st.ss_resid]
    coefficients = [row[1] for row in rows[17:20]] + ([rows[16][1]] if const else [])
    assert coefficients == list(st.params)  # the Intercept row is first in the block, last in params
    assert [row[0] for row in rows[16:20]] == ["Intercept", "a", "b", "c"]
