"""The loss of one data set as a function of the parameters the optimizer moves.

Parameters are ``theta = [w_s..., b_s]`` in the optimizer's units: standardised columns with
``scale="auto"``, raw columns with ``scale="none"`` (see :class:`gdfit.core.data.Scaler`). The
scaled copy of ``X`` is never formed: predictions use the original-unit coefficients, and the
gradient is mapped back through the scaling, so memory stays at the size of ``X``.

For the squared losses ``M = AᵀA``, ``q = Aᵀ(y - c)`` and ``(y - c)ᵀ(y - c)`` of the scaled design
``A`` (columns, then the ones column of the intercept; ``c`` is the mean of ``y`` when there is an
intercept, which keeps the sums small) come from the moments gathered while the data were checked
(:mod:`gdfit.core.moments`), or else from one pass over the data in row chunks. Each full-batch
value and gradient is then O(p²) and the iterates are those of the data-pass formulas.

The log loss takes one pass over the data per value and gradient (its labels ride along with the
residuals); its ``M`` only bounds the curvature. An ``l2`` penalty ``λ/2·‖w‖²`` acts on the
standardised coefficients whatever ``scale`` is (never on the intercept): ``penalty`` holds
``λ`` times each coefficient's squared ratio of standardised to optimizer units.
"""
from __future__ import annotations

from functools import cached_property
from typing import NamedTuple

import numpy as np
from scipy.special import expit

from gdfit.core.data import Dataset, Scaler
from gdfit.core.descent.losses import Loss
from gdfit.core.moments import Moments, scaled_gram

__all__ = ["Gram", "Problem", "gram"]

_CHUNK_ELEMENTS = 1 << 19  # 4 MiB of float64 per chunk of scaled rows


class Gram(NamedTuple):
    """Sufficient statistics of the scaled design ``A`` and the centred response."""

    M: np.ndarray
    q: np.ndarray
    yy: float
    row_max: float  # largest squared row norm of A: bounds the curvature of a single row


def gram(X: np.ndarray, y: np.ndarray, scaler: Scaler, fit_intercept: bool, offset: float,
         row_norms: bool = False, moments: Moments | None = None) -> Gram:
    """The statistics from ``moments``, else one chunked pass over ``X``; never a copy of ``X``.

    ``row_max`` (the longest scaled row, for the stochastic step size) is 0 unless ``row_norms``.
    """
    if moments is not None:
        M, q, yy = scaled_gram(moments, scaler.center, scaler.scale, offset, fit_intercept)
        return Gram(M, q, yy, longest_row(X, scaler, fit_intercept) if row_norms else 0.0)
    n, p = X.shape
    k = p + int(fit_intercept)
    M, q = np.zeros((k, k)), np.zeros(k)
    yy, row_max = 0.0, 0.0
    step = max(1, _CHUNK_ELEMENTS // max(p, 1))
    for i in range(0, n, step):
        Z = X[i:i + step] - scaler.center
        Z /= scaler.scale
        yc = y[i:i + step] - offset
        M[:p, :p] += Z.T @ Z
        q[:p] += Z.T @ yc
        if fit_intercept:
            M[:p, p] += Z.sum(axis=0)
            q[p] += yc.sum()
        yy += float(yc @ yc)
        if row_norms:
            norms = np.einsum("ij,ij->i", Z, Z) if p else np.zeros(len(yc))
            row_max = max(row_max, float(norms.max()) + fit_intercept)
    if fit_intercept:
        M[p, :p] = M[:p, p]
        M[p, p] = n
    return Gram(M, q, yy, row_max)


def longest_row(X: np.ndarray, scaler: Scaler, fit_intercept: bool) -> float:
    """The largest squared norm of a row of the scaled design ``A`` (one chunked pass)."""
    n, p = X.shape
    step = max(1, (_CHUNK_ELEMENTS // 8) // max(p, 1))  # small chunks stay in cache
    weights = 1.0 / (scaler.scale * scaler.scale)
    longest = 0.0
    for i in range(0, n, step):
        Z = X[i:i + step] - scaler.center
        np.square(Z, out=Z)
        longest = max(longest, float(np.max(Z @ weights)) if p else 0.0)
    return longest + fit_intercept


class Problem:
    """Loss value and gradient at ``theta`` on all rows or on a batch of rows."""

    def __init__(self, data: Dataset, loss: Loss, scaler: Scaler, fit_intercept: bool,
                 stochastic: bool = False, penalty: np.ndarray | None = None) -> None:
        self.X, self.y, self.loss, self.scaler = data.X, data.y, loss, scaler
        self.n, self.p = data.X.shape
        self.fit_intercept = fit_intercept
        self.size = self.p + int(fit_intercept)
        self.moments = data.moments
        # Shifting the intercept by mean(y) is exact algebra; it keeps the Gram sums small.
        mean_y = data.moments.mean()[-1] if data.moments is not None else np.mean(data.y)
        self.offset = float(mean_y) if fit_intercept else 0.0
        if loss.needs_labels and fit_intercept:
            # The log loss's "predict the mean" model: every probability mean(y), log-odds below.
            self.offset = float(np.log(mean_y) - np.log1p(-mean_y))
        self.penalty = penalty if penalty is not None and np.any(penalty > 0) else None
        self._sign = 1.0 - 2.0 * data.y if loss.needs_labels else None  # -s of the log loss, made once
        self.gram = (gram(data.X, data.y, scaler, fit_intercept, self.offset, row_norms=stochastic,
                          moments=data.moments) if loss.smooth else None)

    @property
    def quadratic(self) -> bool:
        """Full-batch values come from the Gram statistics (squared losses)."""
        return self.gram is not None and self.loss.kind == "squared"

    # -- units -------------------------------------------------------------------------------------
    def to_original(self, theta: np.ndarray) -> tuple[np.ndarray, float]:
        """Coefficients and intercept in the units of the data."""
        intercept = float(theta[self.p]) if self.fit_intercept else 0.0
        return self.scaler.to_original(theta[:self.p], intercept)

    def from_original(self, coef: np.ndarray, intercept: float) -> np.ndarray:
        coef_s, intercept_s = self.scaler.to_scaled(np.asarray(coef, dtype=float), intercept)
        return np.append(coef_s, intercept_s) if self.fit_intercept else coef_s

    def grad_to_original(self, g: np.ndarray) -> np.ndarray:
        """Gradient with respect to the original-unit parameters (chain rule through the scaling)."""
        out = g.copy()
        out[:self.p] = g[:self.p] * self.scaler.scale
        if self.fit_intercept:
            out[:self.p] += self.scaler.center * g[self.p]
        return out

    # -- curvature ---------------------------------------------------------------------------------
    @cached_property
    def _eigenvalues(self) -> np.ndarray | None:
        if self.gram is None:
            return None
        return np.linalg.eigvalsh(self.gram.M)

    @property
    def lam(self) -> float | None:
        """Largest eigenvalue of ``AᵀA`` (None for the absolute losses, which need no curvature)."""
        return None if self._eigenvalues is None else float(self._eigenvalues[-1])

    @property
    def penalty_curvature(self) -> float:
        """What the l2 penalty adds to the curvature bound ``L``."""
        return 0.0 if self.penalty is None else float(self.penalty.max())

    def penalty_value(self, theta: np.ndarray) -> float:
        if self.penalty is None:
            return 0.0
        w = theta[:self.p]
        return 0.5 * float(self.penalty @ (w * w))

    def _add_penalty_grad(self, theta: np.ndarray, g: np.ndarray) -> np.ndarray:
        if self.penalty is not None:
            g[:self.p] += self.penalty * theta[:self.p]
        return g

    @property
    def condition(self) -> float:
        """Condition number of ``AᵀA``: how long and narrow the valley of a squared loss is."""
        ev = self._eigenvalues
        if ev is None or ev[-1] == 0:
            return 1.0
        return float(ev[-1] / ev[0]) if ev[0] > 0 else float("inf")

    # -- values and gradients ----------------------------------------------------------------------
    def residuals(self, theta: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Predictions minus y on all rows (or on ``rows``)."""
        coef, intercept = self.to_original(theta)
        X, y = (self.X, self.y) if rows is None else (self.X[rows], self.y[rows])
        r = X @ coef
        r += intercept  # in place: one temporary the length of y, not three
        r -= y
        return r

    def _param_grad(self, d: np.ndarray, rows: np.ndarray | None) -> np.ndarray:
        X = self.X if rows is None else self.X[rows]
        gx, gb = X.T @ d, float(d.sum())
        g = np.empty(self.size)
        g[:self.p] = (gx - self.scaler.center * gb) / self.scaler.scale
        if self.fit_intercept:
            g[self.p] = gb
        return g

    def _gram_sse(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """Sum of squared residuals and its gradient, from the Gram statistics."""
        t = theta.copy()
        if self.fit_intercept:
            t[self.p] -= self.offset
        Mt = self.gram.M @ t
        sse = float(t @ (Mt - 2.0 * self.gram.q) + self.gram.yy)
        return max(sse, 0.0), 2.0 * (Mt - self.gram.q)

    def _chain(self, value: float) -> float:
        """d loss / d SSE for the squared losses at loss ``value``."""
        factor = 1.0 / self.n if self.loss.mean else 1.0
        if self.loss.root:
            return factor / (2.0 * value) if value > 0 else 0.0
        return factor

    def full(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and gradient on all rows."""
        if self.quadratic:
            sse, g = self._gram_sse(theta)
            value = self.loss.from_sum(sse, self.n)
            return value, g * self._chain(value)
        if self.loss.needs_labels:  # one exponential per row for both, from the linear predictor
            coef, intercept = self.to_original(theta)
            z = self.X @ coef
            z += intercept
            total, d = self.loss.log_terms(None, self.y, z=z, sign=self._sign)
            value = self.loss.from_sum(total, self.n)
            d /= self.n
            g = self._param_grad(d, None)
            return value + self.penalty_value(theta), self._add_penalty_grad(theta, g)
        r = self.residuals(theta)
        value = self.loss.value(r, self.y)
        g = self._param_grad(self.loss.grad(r, self.n, value, self.y), None)
        return value + self.penalty_value(theta), self._add_penalty_grad(theta, g)

    def change(self, theta: np.ndarray, value: float, step: np.ndarray) -> float:
        """``loss(theta + step) - value``, without the cancellation of subtracting two Gram values."""
        if self.loss.needs_labels:
            return self._log_change(theta, step)
        if not self.quadratic:
            new = theta + step
            return self.loss.value(self.residuals(new), self.y) + self.penalty_value(new) - value
        sse, g = self._gram_sse(theta)
        d_sse = float(step @ (g + self.gram.M @ step))
        if not self.loss.mean:
            return d_sse
        if not self.loss.root:
            return d_sse / self.n
        new = self.loss.from_sum(sse + d_sse, self.n)
        return (d_sse / self.n) / (new + value) if new + value > 0 else 0.0

    def _log_change(self, theta: np.ndarray, step: np.ndarray) -> float:
        """The log loss's change row by row: with ``a = -s·z`` and ``d = -s·Δz`` each row changes by
        ``softplus(a + d) - softplus(a) = log1p(sigmoid(a)·expm1(d))``, which keeps its digits for
        the small steps near the minimum where subtracting two sums would leave rounding only."""
        coef, intercept = self.to_original(theta)
        z = self.X @ coef
        z += intercept
        # The map to original units is affine in theta; its linear part moves the predictor by dz.
        d_coef, d_intercept = self.to_original(step)
        d_intercept -= self.to_original(np.zeros_like(step))[1]
        dz = self.X @ d_coef
        dz += d_intercept
        sign = self._sign  # 1 - 2y = -s
        with np.errstate(over="ignore"):
            rows = np.log1p(expit(sign * z) * np.expm1(sign * dz))
        penalty = self.penalty_value(theta + step) - self.penalty_value(theta)
        return float(np.sum(rows)) / self.n + penalty

    def batch_grad(self, theta: np.ndarray, rows: np.ndarray, level: float) -> np.ndarray:
        """Unbiased estimate of the full gradient from ``rows`` (``level``: full loss, for rmse)."""
        labels = self.y[rows] if self.loss.needs_labels else None
        d = self.loss.grad(self.residuals(theta, rows), self.n, level, labels)
        return self._add_penalty_grad(theta, self._param_grad(d, rows))

    def exact_loss(self, theta: np.ndarray) -> float:
        """The loss computed from the residuals on the data, in original units (with the penalty)."""
        return self.loss.value(self.residuals(theta), self.y) + self.penalty_value(theta)
