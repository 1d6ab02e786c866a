"""The "Logistic Regression" output block: rows of cells, laid out like the ToolPak's SUMMARY OUTPUT.

Excel has no logistic regression; this block is what an analyst would expect beside the ToolPak's
linear one: the coefficient table (with standard errors, Wald z, p-values, the interval and the
odds ratios), the model tests (−2LL of the null and fitted models, the likelihood-ratio χ²,
McFadden, Cox–Snell and Nagelkerke R², AIC, BIC, Hosmer–Lemeshow) and the classification table
at a threshold.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from gdfit.core.logistic.mle import LogitResult

__all__ = ["logistic_output"]


def logistic_output(m: LogitResult, threshold: float = 0.5, confidence: float = 0.95) -> list[list[Any]]:
    """The block as rows (None for a blank cell)."""
    level = f"{confidence:.0%}"
    interval = m.conf_int(1.0 - confidence)
    odds_interval = np.exp(interval)
    positive, negative = m.classes[1], m.classes[0]
    rows: list[list[Any]] = [
        ["LOGISTIC REGRESSION OUTPUT"],
        [f"Modelled: P({m.classes[1]!s}) = 1/(1+EXP(-(intercept + Σ coefficient·x)))"],
        [m.message],
    ]
    if m.separation:
        rows.append([f"Warning: {m.separation}"])
    if m.l2:
        rows.append([f"Ridge penalty l2 = {m.l2:g} on the standardised coefficients (intercept not "
                     "penalised): standard errors from the penalised Hessian."])
    rows += [
        [],
        ["Model"],
        ["Observations", m.nobs],
        ["-2 Log-likelihood (null model)", -2.0 * m.llnull],
        ["-2 Log-likelihood (fitted model)", -2.0 * m.llf],
        ["Likelihood-ratio chi-square", m.llr],
        ["df", m.df_model],
        ["P-value (chi-square)", m.llr_pvalue],
        ["McFadden R Square", m.prsquared],
        ["Cox-Snell R Square", m.cox_snell],
        ["Nagelkerke R Square", m.nagelkerke],
        ["AIC", m.aic],
        ["BIC", m.bic],
        ["Hosmer-Lemeshow chi-square (10 groups)", m.hosmer_lemeshow.statistic],
        ["Hosmer-Lemeshow df", m.hosmer_lemeshow.df],
        ["Hosmer-Lemeshow P-value", m.hosmer_lemeshow.pvalue],
        ["Newton iterations", m.n_iter],
        [],
        [None, "Coefficients", "Standard Error", "z Stat", "P-value", f"Lower {level}", f"Upper {level}",
         "Odds Ratio", f"Odds Lower {level}", f"Odds Upper {level}"],
    ]
    order = list(range(m.params.shape[0]))
    if m.fit_intercept:  # the ToolPak lists the intercept first
        order = order[-1:] + order[:-1]
    names = ["Intercept" if m.fit_intercept and j == len(order) - 1 else m.labels[j] for j in range(len(order))]
    for j in order:
        rows.append([names[j], m.params[j], m.bse[j], m.tvalues[j], m.pvalues[j], interval[j, 0],
                     interval[j, 1], float(np.exp(m.params[j])), odds_interval[j, 0], odds_interval[j, 1]])
    c = m.classification(threshold)
    rows += [
        [],
        [f"Classification (predicted {positive!s} when p >= {threshold:g})"],
        [None, f"Predicted {positive!s}", f"Predicted {negative!s}", "Total"],
        [f"Observed {positive!s}", c.true_positive, c.false_negative, c.true_positive + c.false_negative],
        [f"Observed {negative!s}", c.false_positive, c.true_negative, c.false_positive + c.true_negative],
        ["Accuracy", c.accuracy],
        ["Sensitivity", c.sensitivity],
        ["Specificity", c.specificity],
        ["AUC (area under the ROC curve)", m.auc],
    ]
    return rows
