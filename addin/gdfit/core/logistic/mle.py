"""Logistic regression's exact maximum: Newton's method (IRLS), the reference gradient descent and
Solver are measured against.

Newton runs on the standardised columns (see :func:`gdfit.core.data.fit_scaler`), where the
Hessian is well conditioned, from the intercept-only model; a step that lowers the log-likelihood
is halved until it does not, and the iteration stops after a full step that moved no parameter by
more than 1e-9 (relative): by Newton's quadratic convergence what is left is below the float64
resolution of the parameters. Standard errors come
from the inverse Hessian mapped to the original units, as statsmodels' ``Logit`` reports them.

Separation (:mod:`gdfit.core.logistic.separation`) is looked for when Newton shows its pattern:
the step keeps growing the coefficients or fitted probabilities reach 0 or 1 (a linear predictor
beyond ±15), or the iteration does not settle. The linear programme then decides, so ordinary data
pay for no LP. With ``l2 > 0`` the penalised maximum always exists and no check is made.

``l2`` is the ridge penalty ``l2/2·‖w‖²`` on the standardised coefficients ``w`` (never the
intercept) added to the *mean* log loss, as in ``gdfit.fit(loss="log", l2=...)``, so both reach the
same answer. ``llf`` is then the plain log-likelihood at the penalised estimate, and ``bse`` comes
from the penalised Hessian.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy.linalg import LinAlgError, cho_factor, cho_solve
from scipy.linalg.blas import dsyrk
from scipy.special import chdtrc, expit, ndtr, ndtri  # scipy.stats would cost start-up time

from gdfit.core.data import Dataset, InputError, as_dataset, check_no_constant, check_positive, fit_scaler
from gdfit.core.leastsq.linest import linest_dataset
from gdfit.core.logistic.labels import check_binary, encode_labels
from gdfit.core.logistic.separation import find_separation
from gdfit.core.logistic.statistics import (
    Classification,
    HosmerLemeshow,
    Roc,
    auc,
    classification,
    hosmer_lemeshow,
    log_likelihood,
    null_log_likelihood,
    roc,
)

__all__ = ["LogitResult", "logistic_mle", "logistic_mle_dataset", "logit_at", "excel_logit_data", "MAX_NEWTON"]

MAX_NEWTON = 100
_FAR = 15.0  # a linear predictor beyond ±15 is a probability within 3e-7 of 0 or 1: separation's mark
_ULP = 4 * np.finfo(float).eps
_SETTLED = 1e-9


@dataclass(frozen=True)
class LogitResult:
    """The maximum-likelihood logistic regression; fields named as in statsmodels' Logit results.

    Parameter vectors (``params``, ``bse``, ``tvalues``, ``pvalues``) hold the coefficients in
    column order, then the intercept. ``classes`` are the labels encoded 0 and 1. As in
    statsmodels, the null model (``llnull``) always has the intercept and nothing else, and
    ``df_model`` counts the parameters beyond that one.
    """

    coef: np.ndarray
    intercept: float
    params: np.ndarray
    bse: np.ndarray
    llf: float
    llnull: float
    nobs: int
    df_model: int
    n_iter: int
    converged: bool
    separation: str | None
    message: str
    labels: tuple[str, ...]
    classes: tuple[Any, Any]
    fit_intercept: bool
    l2: float
    y: np.ndarray = field(repr=False)
    fitted: np.ndarray = field(repr=False)  # probability of the positive label per row
    cov_params: np.ndarray = field(repr=False)

    @property
    def names(self) -> list[str]:
        return [*self.labels, "intercept"] if self.fit_intercept else list(self.labels)

    @property
    def tvalues(self) -> np.ndarray:
        """Wald z statistics (statsmodels keeps the name tvalues)."""
        return self.params / self.bse

    @property
    def pvalues(self) -> np.ndarray:
        return 2.0 * ndtr(-np.abs(self.tvalues))

    def conf_int(self, alpha: float = 0.05) -> np.ndarray:
        """Wald intervals, one row [lower, upper] per parameter."""
        half = -ndtri(alpha / 2.0) * self.bse
        return np.column_stack([self.params - half, self.params + half])

    @property
    def odds_ratios(self) -> pd.DataFrame:
        """exp(params) with the 95% interval exp(conf_int()), one row per parameter."""
        interval = np.exp(self.conf_int())
        return pd.DataFrame({"odds_ratio": np.exp(self.params), "lower": interval[:, 0],
                             "upper": interval[:, 1]}, index=self.names)

    @property
    def llr(self) -> float:
        """Likelihood-ratio χ² against the intercept-only model, 2(llf - llnull)."""
        return 2.0 * (self.llf - self.llnull)

    @property
    def llr_pvalue(self) -> float:
        # Without an intercept the fit can fall below the intercept-only null: χ²'s P(X > negative) = 1.
        return float(chdtrc(self.df_model, max(self.llr, 0.0))) if self.df_model > 0 else float("nan")

    @property
    def prsquared(self) -> float:
        """McFadden's pseudo R², 1 - llf/llnull."""
        return 1.0 - self.llf / self.llnull

    @property
    def cox_snell(self) -> float:
        return float(-np.expm1(2.0 * (self.llnull - self.llf) / self.nobs))

    @property
    def nagelkerke(self) -> float:
        """Cox–Snell's R² over its largest possible value, 1 - exp(2·llnull/n)."""
        return self.cox_snell / float(-np.expm1(2.0 * self.llnull / self.nobs))

    @property
    def aic(self) -> float:
        return -2.0 * self.llf + 2.0 * self.params.shape[0]

    @property
    def bic(self) -> float:
        return -2.0 * self.llf + np.log(self.nobs) * self.params.shape[0]

    @property
    def hosmer_lemeshow(self) -> HosmerLemeshow:
        """Hosmer–Lemeshow statistic, df and p over 10 groups of the sorted fitted probabilities."""
        return hosmer_lemeshow(self.y, self.fitted, 10)

    def classification(self, threshold: float = 0.5) -> Classification:
        return classification(self.y, self.fitted, threshold)

    @property
    def roc(self) -> Roc:
        return roc(self.y, self.fitted)

    @property
    def auc(self) -> float:
        return auc(self.y, self.fitted)

    def predict(self, X: Any) -> np.ndarray:
        """The probability of the positive label for each row of ``X``."""
        X = np.asarray(X, dtype=float).reshape(-1, self.coef.shape[0])
        return expit(X @ self.coef + self.intercept)


def logistic_mle(X: Any, y: Any, *, fit_intercept: bool = True, positive: Any = None,
                 l2: float = 0.0) -> LogitResult:
    """Maximum-likelihood logistic regression of two-label ``y`` on ``X`` by Newton/IRLS.

    ``y`` may hold 0/1, TRUE/FALSE or any two labels; the positive one (encoded 1) is the later
    sorting unless ``positive`` names it. ``l2`` penalises the standardised coefficients (not the
    intercept); see the module docstring. Bad input (three labels, one label, a constant column,
    fewer rows than parameters) raises a one-line :class:`~gdfit.core.data.InputError`.
    """
    labels = encode_labels(y, positive)
    data = as_dataset(X, labels.y, fit_intercept=bool(fit_intercept))  # constant columns: checked below
    return logistic_mle_dataset(data, fit_intercept=bool(fit_intercept), l2=l2,
                                classes=(labels.negative, labels.positive))


def excel_logit_data(known_y: Any, known_x: Any = None, const: bool = True, positive: Any = None,
                     moments: bool = False) -> tuple[Dataset, tuple[Any, Any]]:
    """Two-label ``known_y`` and ``known_x`` in Excel's orientation (as for LINEST) as a Dataset
    with 0/1 labels, and the labels ``(negative, positive)``."""
    shape = np.shape(np.asarray(known_y, dtype=object))
    labels = encode_labels(np.asarray(known_y, dtype=object).reshape(-1) if len(shape) == 2 else known_y,
                           positive, "known_y")
    y = np.asarray(labels.y, dtype=np.float64).reshape(shape) if len(shape) == 2 else labels.y
    data = linest_dataset(y, known_x, const, moments=moments)
    return data, (labels.negative, labels.positive)


def logistic_mle_dataset(data: Dataset, *, fit_intercept: bool = True, l2: float = 0.0,
                         classes: tuple[Any, Any] = (0, 1)) -> LogitResult:
    """:func:`logistic_mle` on validated data whose ``y`` is already 0/1."""
    l2 = check_positive("l2", l2, allow_zero=True)
    check_binary(data.y, data.y_name)
    if fit_intercept:
        check_no_constant(data)
    n, p = data.X.shape
    if n <= p + int(fit_intercept):
        raise InputError(f"{data.y_name} has {n} rows for {p + int(fit_intercept)} parameters; logistic "
                         "regression needs more rows than parameters (with as many, any labels are separated).")
    scaler = fit_scaler(data.X, fit_intercept=fit_intercept)
    A = _standardised_design(data.X, scaler, fit_intercept)
    _check_rank(A, data)
    y = data.y
    last, H, n_iter, settled, far = _newton(A, y, n * l2, p)
    theta, z = last.theta, last.z
    separation = None
    if l2 == 0 and (not settled or far):
        found = find_separation(A, y, data.labels, fit_intercept)
        separation = None if found is None else found.message
    params, bse, cov = _in_original_units(scaler, theta, H, p, fit_intercept)
    converged = settled and separation is None
    if separation is not None:
        message = f"Not converged after {n_iter} Newton steps. {separation}"
    elif not settled:
        message = (f"Newton's method did not settle in {MAX_NEWTON} steps although the data are not "
                   "separated; the estimates are the last step's.")
    else:
        penalty = f" with l2={l2:g} on the standardised coefficients (intercept not penalised)" if l2 else ""
        message = (f"Converged after {n_iter} Newton steps{penalty}: the maximum of the "
                   f"{'penalised ' if l2 else ''}log-likelihood.")
    coef = params[:p]
    intercept = float(params[p]) if fit_intercept else 0.0
    return LogitResult(coef=coef, intercept=intercept, params=params, bse=bse, llf=log_likelihood(y, z),
                       llnull=null_log_likelihood(y), nobs=n, df_model=p if fit_intercept else p - 1, n_iter=n_iter,
                       converged=converged, separation=separation, message=message, labels=data.labels,
                       classes=tuple(classes), fit_intercept=fit_intercept, l2=l2, y=y, fitted=last.prob,
                       cov_params=cov)


def logit_at(data: Dataset, coef: np.ndarray, intercept: float, *, fit_intercept: bool = True,
             l2: float = 0.0, classes: tuple[Any, Any] = (0, 1), n_iter: int = 0, converged: bool = False,
             message: str = "") -> LogitResult:
    """The statistics of :class:`LogitResult` at given coefficients (e.g. gradient descent's):
    log-likelihoods, and standard errors from the Hessian there."""
    n, p = data.X.shape
    scaler = fit_scaler(data.X, fit_intercept=fit_intercept)
    A = _standardised_design(data.X, scaler, fit_intercept)
    coef_s, intercept_s = scaler.to_scaled(np.asarray(coef, dtype=float), float(intercept))
    theta = np.append(coef_s, intercept_s) if fit_intercept else coef_s
    here = _point(A, data.y, theta, n * l2, p)
    H = _hessian(A, here.prob, n * l2, p)
    params, bse, cov = _in_original_units(scaler, theta, H, p, fit_intercept)
    return LogitResult(coef=params[:p], intercept=float(params[p]) if fit_intercept else 0.0, params=params,
                       bse=bse, llf=log_likelihood(data.y, here.z), llnull=null_log_likelihood(data.y), nobs=n,
                       df_model=p if fit_intercept else p - 1, n_iter=n_iter, converged=converged,
                       separation=None, message=message, labels=data.labels, classes=tuple(classes),
                       fit_intercept=fit_intercept, l2=l2, y=data.y, fitted=here.prob, cov_params=cov)


def _in_original_units(scaler, theta: np.ndarray, H: np.ndarray, p: int,
                       fit_intercept: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parameters, standard errors and covariance in the data's units from standardised ones."""
    try:
        cov_s = np.linalg.inv(H)
    except np.linalg.LinAlgError:
        cov_s = np.full_like(H, np.nan)
    J = _to_original_map(scaler, p, fit_intercept)
    cov = J @ cov_s @ J.T
    with np.errstate(invalid="ignore"):
        bse = np.sqrt(np.diag(cov))
    return J @ theta, bse, cov


def _check_rank(A: np.ndarray, data: Dataset) -> np.ndarray:
    """``AᵀA`` after refusing collinear columns (the Gram of standardised columns: a 9 × 9 check)."""
    gram = A.T @ A
    ev = np.linalg.eigvalsh(gram)
    if ev[0] <= ev[-1] * A.shape[0] * np.finfo(float).eps:
        raise InputError(f"the columns of {data.x_name} are collinear (one is a combination of the others"
                         f"{' and the intercept' if A.shape[1] > data.p else ''}); remove one.")
    return gram


class _Point(NamedTuple):
    """One Newton iterate with what its linear predictor gives."""

    theta: np.ndarray
    z: np.ndarray
    prob: np.ndarray
    value: float  # the negative log-likelihood plus the penalty n·l2/2·‖w‖²


def _point(A: np.ndarray, y: np.ndarray, theta: np.ndarray, ridge: float, p: int) -> _Point:
    z = A @ theta
    # One exp and one log1p a row for both the probability and the log-likelihood.
    e = np.exp(-np.abs(z))
    log1p = np.log1p(e)
    prob = np.where(z >= 0, 1.0, e) / (1.0 + e)
    # -ln P(y | z) = softplus(-s z) = max(-s z, 0) + log1p(exp(-|z|)) with s = 2y - 1
    nll = float(np.sum(np.maximum(np.where(y == 1.0, -z, z), 0.0)) + np.sum(log1p))
    return _Point(theta, z, prob, nll + 0.5 * ridge * float(theta[:p] @ theta[:p]))


def _standardised_design(X: np.ndarray, scaler, fit_intercept: bool) -> np.ndarray:
    """The standardised columns (then ones) in Fortran order, where BLAS's syrk is fastest."""
    n, p = X.shape
    A = np.empty((n, p + int(fit_intercept)), order="F")
    np.subtract(X, scaler.center, out=A[:, :p])
    A[:, :p] /= scaler.scale
    if fit_intercept:
        A[:, p] = 1.0
    return A


def _hessian(A: np.ndarray, prob: np.ndarray, ridge: float, p: int) -> np.ndarray:
    """``AᵀWA`` (W the weights p(1 - p)) plus the ridge: BLAS's syrk on ``√W·A`` computes one triangle."""
    B = A * np.sqrt(prob * (1.0 - prob))[:, None]
    upper = dsyrk(1.0, np.asfortranarray(B), trans=1)
    H = np.triu(upper) + np.triu(upper, 1).T
    H[np.arange(p), np.arange(p)] += ridge
    return H


def _newton(A: np.ndarray, y: np.ndarray, ridge: float, p: int) -> tuple[_Point, np.ndarray, int, bool, bool]:
    """Newton from the intercept-only model: (last point, its Hessian, steps, settled, far) where
    ``far`` marks a linear predictor beyond ±15, the pattern of separation."""
    k = A.shape[1]
    theta = np.zeros(k)
    if k > p:
        mean = float(np.mean(y))
        theta[p] = np.log(mean) - np.log1p(-mean)
    here = _point(A, y, theta, ridge, p)
    H = _hessian(A, here.prob, ridge, p)
    for step_count in range(1, MAX_NEWTON + 1):
        g = A.T @ (here.prob - y)
        g[:p] += ridge * here.theta[:p]
        try:
            step = cho_solve(cho_factor(H), g)
        except (LinAlgError, ValueError):
            return here, H, step_count, False, True  # the weights vanished: probabilities at 0 or 1
        t = 1.0
        for _ in range(60):  # damped: halve until the objective does not rise
            candidate = _point(A, y, here.theta - t * step, ridge, p)
            if candidate.value <= here.value + _ULP * abs(here.value):
                break
            t *= 0.5
        here = candidate
        far = bool(np.max(np.abs(here.z)) > _FAR)
        H = _hessian(A, here.prob, ridge, p)
        if t == 1.0 and np.all(np.abs(step) <= _SETTLED * np.maximum(1.0, np.abs(here.theta))):
            # Newton converges quadratically: after a full step of 1e-9 the error left is ~1e-18,
            # below float64's resolution of the parameters, so one more step would change nothing.
            return here, H, step_count, True, far
    return here, H, MAX_NEWTON, False, bool(np.max(np.abs(here.z)) > _FAR)


def _to_original_map(scaler, p: int, fit_intercept: bool) -> np.ndarray:
    """The matrix taking standardised parameters to original units (coefficients, then intercept)."""
    k = p + int(fit_intercept)
    J = np.zeros((k, k))
    J[np.arange(p), np.arange(p)] = 1.0 / scaler.scale
    if fit_intercept:
        J[p, :p] = -scaler.center / scaler.scale
        J[p, p] = 1.0
    return J
