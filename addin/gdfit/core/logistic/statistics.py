"""What a fitted logistic model says about its data: goodness of fit, classification, ROC.

Every function takes the 0/1 labels ``y`` and the fitted probabilities ``p`` of the positive label,
so it serves the maximum-likelihood fit, gradient descent and Solver alike.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import chdtrc  # χ² survival function without scipy.stats' start-up time

__all__ = ["HosmerLemeshow", "Classification", "Roc", "hosmer_lemeshow", "classification", "roc", "auc",
           "log_likelihood", "null_log_likelihood"]


class HosmerLemeshow(NamedTuple):
    statistic: float
    df: int
    pvalue: float


class Classification(NamedTuple):
    """The 2 × 2 table at ``threshold``: a row is predicted positive when ``p ≥ threshold``."""

    threshold: float
    true_positive: int
    false_negative: int
    false_positive: int
    true_negative: int
    accuracy: float
    sensitivity: float  # true positives over positives
    specificity: float  # true negatives over negatives


class Roc(NamedTuple):
    """The ROC curve: one point per distinct probability, from (0, 0) at threshold +inf to (1, 1)."""

    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray


def log_likelihood(y: np.ndarray, z: np.ndarray) -> float:
    """``Σ y·ln p + (1 - y)·ln(1 - p)`` with ``p = sigmoid(z)``, without the rounding of ln near 0 and 1."""
    return -float(np.sum(np.logaddexp(0.0, -(2.0 * y - 1.0) * z)))


def null_log_likelihood(y: np.ndarray) -> float:
    """The log-likelihood of the intercept-only model, whose every probability is mean(y)."""
    n, ones = y.shape[0], float(np.sum(y))
    zeros = n - ones
    return float(ones * np.log(ones / n) + zeros * np.log(zeros / n))


def hosmer_lemeshow(y: np.ndarray, p: np.ndarray, groups: int = 10) -> HosmerLemeshow:
    """Hosmer–Lemeshow: the rows sorted by ``p`` and split into ``groups`` of (nearly) equal size;
    Σ (observed - expected)² / (expected · (1 - expected / size)) against χ² on ``groups - 2`` df.

    Equal-size groups (numpy's array_split of the sorted rows) rather than cut points at the
    deciles: tied probabilities may fall in two groups, as in most software's default.
    """
    groups = min(groups, y.shape[0])
    order = np.argsort(p, kind="stable")
    statistic = 0.0
    for rows in np.array_split(order, groups):
        size, observed, expected = rows.shape[0], float(np.sum(y[rows])), float(np.sum(p[rows]))
        variance = expected * (1.0 - expected / size)
        if variance > 0:
            statistic += (observed - expected) ** 2 / variance
    df = groups - 2
    return HosmerLemeshow(statistic, df, float(chdtrc(df, statistic)) if df > 0 else float("nan"))


def classification(y: np.ndarray, p: np.ndarray, threshold: float = 0.5) -> Classification:
    predicted = p >= threshold
    actual = y == 1.0
    tp, fn = int(np.sum(predicted & actual)), int(np.sum(~predicted & actual))
    fp, tn = int(np.sum(predicted & ~actual)), int(np.sum(~predicted & ~actual))
    n = y.shape[0]
    return Classification(float(threshold), tp, fn, fp, tn, (tp + tn) / n,
                          tp / (tp + fn) if tp + fn else float("nan"),
                          tn / (tn + fp) if tn + fp else float("nan"))


def roc(y: np.ndarray, p: np.ndarray) -> Roc:
    order = np.argsort(-p, kind="stable")
    ps, ys = p[order], y[order]
    last = np.flatnonzero(np.append(np.diff(ps) != 0, True))  # the last row of each distinct p
    tp = np.cumsum(ys)[last]
    fp = (last + 1) - tp
    positives, negatives = float(np.sum(y)), float(y.shape[0] - np.sum(y))
    tpr = np.append(0.0, tp / positives)
    fpr = np.append(0.0, fp / negatives)
    return Roc(fpr, tpr, np.append(np.inf, ps[last]))


def auc(y: np.ndarray, p: np.ndarray) -> float:
    """The area under the ROC curve (trapezoids: a tie counts one half, as in Mann–Whitney's U)."""
    curve = roc(y, p)
    return float(np.trapezoid(curve.tpr, curve.fpr))
