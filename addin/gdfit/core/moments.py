"""Sums and cross-products of the data, gathered in one pass, and what follows from them.

:func:`column_moments` reads ``[X, y]`` once, in row chunks, and keeps the column sums and the
cross-products of the values minus a shift (the mean of the first chunk). Everything full-batch
gradient descent needs before its first step follows without another pass over the data:

- a finiteness test: a NaN or an infinity anywhere makes a diagonal sum non-finite (huge finite
  values can overflow it too, so a non-finite sum only sends the caller to an exact scan);
- the means and standard deviations of the scaler, and the candidates for a constant column;
- the Gram statistics of the scaled design (:func:`scaled_gram`), for any centre and scale.

The shift plays the part of the mean in the two-pass formula: the sum of squares of values near
their mean does not cancel when the squared sum is taken off (Chan, Golub & LeVeque's shifted
algorithm), so the statistics keep the accuracy of centring first, without a pass to centre.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Moments", "column_moments", "scaled_gram"]

_CHUNK_ELEMENTS = 1 << 16  # 512 KiB of float64 per chunk: the shifted copy stays in cache


class Moments(NamedTuple):
    """Column statistics of ``V = [X, y]`` (``p + 1`` columns, ``y`` last) about ``shift``."""

    n: int
    shift: np.ndarray  # (p + 1,)
    sums: np.ndarray  # (p + 1,): sum of V - shift
    cross: np.ndarray  # (p + 1, p + 1): (V - shift)ᵀ (V - shift)

    @property
    def finite(self) -> bool:
        """True when every sum is finite, which every finite data set of moderate size gives."""
        return bool(np.isfinite(self.sums).all() and np.isfinite(np.diag(self.cross)).all())

    def mean(self) -> np.ndarray:
        return self.shift + self.sums / self.n

    def about(self, center: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(V - center)ᵀ (V - center)`` and the sums of ``V - center``, for any ``center``."""
        e = np.asarray(center, dtype=float) - self.shift
        sums = self.sums - self.n * e
        cross = (self.cross - np.outer(self.sums, e) - np.outer(e, self.sums)
                 + self.n * np.outer(e, e))
        return cross, sums

    def variance(self) -> np.ndarray:
        """Population variance of each column (``ddof=0``, as ``numpy.std``)."""
        d = np.diag(self.cross)
        return np.maximum(d - self.sums * (self.sums / self.n), 0.0) / self.n

    def mean_square(self) -> np.ndarray:
        """Mean of the squared values of each column (about zero)."""
        return np.maximum(np.diag(self.about(np.zeros_like(self.shift))[0]), 0.0) / self.n

    def peak_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Bounds on the largest magnitude in each column of ``[X, y]``, without reading the data.

        At least the root mean square; at most ``|shift|`` plus the root of the shifted sum of
        squares (no value is further from the shift than that). Both are widened by far more than
        the rounding of the sums, so a range they prove holds for the data themselves.
        """
        lower = np.sqrt(self.mean_square()) * (1.0 - 1e-6)
        upper = (np.abs(self.shift) + np.sqrt(np.diag(self.cross))) * (1.0 + 1e-6)
        return lower, upper

    def maybe_constant(self) -> np.ndarray:
        """Columns of ``X`` whose variance is within rounding of zero: check these exactly.

        A constant column differs from the shift by one value, so its variance is zero up to the
        rounding of two sums of ``n`` terms (at most ``n·ε`` relative each); any other column is
        certainly not constant.
        """
        spread = np.diag(self.cross)[:-1] / self.n
        return np.flatnonzero(self.variance()[:-1] <= 4.0 * self.n * np.finfo(float).eps * spread
                              + 1e-280)


def column_moments(X: np.ndarray, y: np.ndarray) -> Moments:
    """One chunked pass over ``X`` (n, p) and ``y`` (n,); temporaries are one chunk.

    Non-finite values and overflow give non-finite sums, silently: :attr:`Moments.finite` is the
    test the caller acts on.
    """
    with np.errstate(all="ignore"):
        return _pass(X, y)


def _pass(X: np.ndarray, y: np.ndarray) -> Moments:
    n, p = X.shape
    rows = max(1, _CHUNK_ELEMENTS // max(p, 1))
    ones = np.ones(min(n, rows))
    head = slice(0, min(n, rows))
    shift = np.append(ones[head] @ X[head], ones[head] @ y[head]) / ones[head].shape[0]
    cross = np.zeros((p + 1, p + 1))
    sums = np.zeros(p + 1)
    for i in range(0, n, rows):
        Z = X[i:i + rows] - shift[:p]
        z = y[i:i + rows] - shift[p]
        w = ones[:z.shape[0]]
        cross[:p, :p] += Z.T @ Z
        cross[:p, p] += z @ Z
        cross[p, p] += z @ z
        sums[:p] += w @ Z
        sums[p] += w @ z
    cross[p, :p] = cross[:p, p]
    return Moments(n, shift, sums, cross)


def scaled_gram(m: Moments, center: np.ndarray, scale: np.ndarray, offset: float,
                fit_intercept: bool) -> tuple[np.ndarray, np.ndarray, float]:
    """``M = AᵀA``, ``q = Aᵀ(y - offset)`` and ``(y - offset)ᵀ(y - offset)`` from the moments.

    ``A`` is ``(X - center) / scale``, then a column of ones when there is an intercept.
    """
    p = center.shape[0]
    cross, sums = m.about(np.append(center, offset))
    k = p + int(fit_intercept)
    M, q = np.zeros((k, k)), np.zeros(k)
    M[:p, :p] = cross[:p, :p] / np.outer(scale, scale)
    q[:p] = cross[:p, p] / scale
    if fit_intercept:
        M[:p, p] = M[p, :p] = sums[:p] / scale
        M[p, p] = m.n
        q[p] = sums[p]
    return M, q, float(cross[p, p])
