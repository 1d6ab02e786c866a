"""Hosmer–Lemeshow, the classification table and the ROC curve against independent computations."""
from fractions import Fraction

import numpy as np
import pytest
from scipy.stats import chi2, mannwhitneyu

from gdfit.core.logistic.statistics import auc, classification, hosmer_lemeshow, null_log_likelihood, roc


def test_hosmer_lemeshow_by_exact_arithmetic():
    # 20 rows in 10 groups of 2, sorted by p; Σ (O - E)² / (E (1 - E/2)) in fractions.
    p = np.array([(k + 1) / 22 for k in range(20)])
    y = np.array([0, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 1], dtype=float)
    order = np.random.default_rng(0).permutation(20)  # the function sorts for itself
    statistic = Fraction(0)
    for g in range(10):
        e = Fraction(2 * g + 1, 22) + Fraction(2 * g + 2, 22)
        o = int(y[2 * g] + y[2 * g + 1])
        statistic += (o - e) ** 2 / (e * (1 - e / 2))
    hl = hosmer_lemeshow(y[order], p[order])
    assert hl.statistic == pytest.approx(float(statistic), rel=1e-13)
    assert hl.df == 8 and hl.pvalue == pytest.approx(chi2.sf(float(statistic), 8), rel=1e-12)


def test_classification_counts_at_a_threshold():
    y = np.array([1, 1, 1, 0, 0, 0, 0, 1.0])
    p = np.array([0.9, 0.6, 0.4, 0.5, 0.2, 0.1, 0.7, 0.5])
    c = classification(y, p, 0.5)  # p ≥ 0.5 is predicted positive
    assert (c.true_positive, c.false_negative, c.false_positive, c.true_negative) == (3, 1, 2, 2)
    assert c.accuracy == 5 / 8 and c.sensitivity == 3 / 4 and c.specificity == 2 / 4
    strict = classification(y, p, 0.55)
    assert (strict.true_positive, strict.false_positive) == (2, 1)


def test_roc_and_auc_against_mann_whitney():
    rng = np.random.default_rng(1)
    y = (rng.random(300) < 0.4).astype(float)
    p = np.round(rng.random(300) * 0.6 + 0.3 * y, 2)  # rounded: ties between and within labels
    u = mannwhitneyu(p[y == 1], p[y == 0]).statistic
    assert auc(y, p) == pytest.approx(u / (np.sum(y) * np.sum(1 - y)), rel=1e-13)
    curve = roc(y, p)
    assert curve.fpr[0] == 0 and curve.tpr[0] == 0 and curve.fpr[-1] == 1 and curve.tpr[-1] == 1
    assert np.isinf(curve.thresholds[0]) and np.all(np.diff(curve.thresholds) < 0)
    # Each point is the classification table at its threshold.
    for k in (5, 20, 40):
        c = classification(y, p, curve.thresholds[k])
        assert curve.tpr[k] == pytest.approx(c.sensitivity) and curve.fpr[k] == pytest.approx(1 - c.specificity)


def test_null_log_likelihood():
    y = np.array([1, 0, 0, 1, 1.0])
    assert null_log_likelihood(y) == pytest.approx(3 * np.log(0.6) + 2 * np.log(0.4), rel=1e-15)
