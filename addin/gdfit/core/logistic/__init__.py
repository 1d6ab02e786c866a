"""Logistic regression: two-label responses, and the maximum-likelihood reference by Newton/IRLS."""
