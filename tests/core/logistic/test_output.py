"""The Logistic Regression block holds the LogitResult's numbers in the ToolPak's order."""
import numpy as np
import pytest
from statsmodels.datasets import spector

import gdfit
from gdfit.core.logistic.output import logistic_output

DATA = spector.load_pandas()
M = gdfit.logistic_mle(DATA.exog, np.where(DATA.endog > 0, "pass", "fail"))


def _find(rows, label):
    return next(row for row in rows if row and row[0] == label)


def test_model_rows():
    rows = logistic_output(M)
    assert rows[0] == ["LOGISTIC REGRESSION OUTPUT"] and "P(pass)" in rows[1][0]
    assert _find(rows, "-2 Log-likelihood (fitted model)")[1] == -2 * M.llf
    assert _find(rows, "Likelihood-ratio chi-square")[1] == M.llr
    assert _find(rows, "Nagelkerke R Square")[1] == M.nagelkerke
    assert _find(rows, "Hosmer-Lemeshow df")[1] == 8


def test_coefficient_table_lists_the_intercept_first_with_odds_ratios():
    rows = logistic_output(M, confidence=0.9)
    header = next(i for i, row in enumerate(rows) if len(row) > 1 and row[1] == "Coefficients")
    assert rows[header][5:7] == ["Lower 90%", "Upper 90%"]
    body = rows[header + 1:header + 5]
    assert [row[0] for row in body] == ["Intercept", "GPA", "TUCE", "PSI"]
    gpa = body[1]
    assert gpa[1:5] == [M.params[0], M.bse[0], M.tvalues[0], M.pvalues[0]]
    np.testing.assert_allclose(gpa[5:7], M.conf_int(0.1)[0], rtol=1e-15)
    assert gpa[7] == pytest.approx(np.exp(M.params[0]), rel=1e-15)


def test_classification_rows_follow_the_threshold():
    rows = logistic_output(M, threshold=0.3)
    c = M.classification(0.3)
    assert _find(rows, "Observed pass")[1:] == [c.true_positive, c.false_negative, c.true_positive + c.false_negative]
    assert _find(rows, "Observed fail")[1:3] == [c.false_positive, c.true_negative]
    assert _find(rows, "AUC (area under the ROC curve)")[1] == M.auc
