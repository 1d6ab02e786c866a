"""Double-double arithmetic on numpy arrays (error-free transformations).

Used where float64 alone cannot deliver float64-accurate answers: the residuals of iterative
refinement in :mod:`gdfit.core.leastsq.closed_form`. Inputs must be scaled so products cannot overflow
(Dekker's split needs |a| below about 1e300); callers scale by powers of two, which is exact.
"""
from __future__ import annotations

import numpy as np

_SPLITTER = 134217729.0  # 2**27 + 1, Dekker's constant for float64
# Rows at a time: the dozens of temporaries of a double-double product stay in the cache (at a
# million rows, a quarter of the time of whole columns for the residual, 0.6 of it for A.T @ r).
_CHUNK_ROWS = 1 << 13


def two_sum(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``s, e`` with ``s = fl(a + b)`` and ``a + b = s + e`` exactly (Knuth)."""
    s = a + b
    bb = s - a
    e = (a - (s - bb)) + (b - bb)
    return s, e


def _split(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    c = _SPLITTER * a
    hi = c - (c - a)
    return hi, a - hi


def two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return ``p, e`` with ``p = fl(a * b)`` and ``a * b = p + e`` exactly (Dekker)."""
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def _dd_add(hi1, lo1, hi2, lo2):
    s, e = two_sum(hi1, hi2)
    e = e + (lo1 + lo2)
    return two_sum(s, e)


def _pairwise_sum(hi: np.ndarray, lo: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sum double-double rows along axis 0 by halving (error grows like log2(n) * u**2)."""
    while hi.shape[0] > 1:
        if hi.shape[0] % 2:
            hi = np.concatenate([hi, np.zeros_like(hi[:1])])
            lo = np.concatenate([lo, np.zeros_like(lo[:1])])
        hi, lo = _dd_add(hi[0::2], lo[0::2], hi[1::2], lo[1::2])
    return hi[0], lo[0]


def matvec(A: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``A @ x`` as a double-double vector (hi, lo) per row."""
    hi = np.zeros(A.shape[0])
    lo = np.zeros(A.shape[0])
    for j in range(A.shape[1]):
        p, e = two_prod(A[:, j], np.full(A.shape[0], x[j]))
        hi, lo = _dd_add(hi, lo, p, e)
    return hi, lo


def rmatvec(A: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``A.T @ r`` accurate to about u**2 relative to the terms, rounded to float64."""
    total_hi = np.zeros(A.shape[1])
    total_lo = np.zeros(A.shape[1])
    for start in range(0, A.shape[0], _CHUNK_ROWS):
        block = A[start:start + _CHUNK_ROWS]
        p, e = two_prod(block, r[start:start + _CHUNK_ROWS, None])
        hi, lo = _pairwise_sum(p, e)
        total_hi, total_lo = _dd_add(total_hi, total_lo, hi, lo)
    return total_hi + total_lo


def residual(A: np.ndarray, x: np.ndarray, b: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``b - r - A @ x`` computed in double-double, rounded to float64.

    Row by row, so a few thousand rows at a time: the same numbers as whole columns give."""
    out = np.empty(A.shape[0])
    for start in range(0, A.shape[0], _CHUNK_ROWS):
        rows = slice(start, start + _CHUNK_ROWS)
        s_hi, s_lo = matvec(A[rows], x)
        d_hi, d_lo = two_sum(b[rows], -r[rows])
        hi, lo = _dd_add(d_hi, d_lo, -s_hi, -s_lo)
        out[rows] = hi + lo
    return out


def power_of_two_scale(values: np.ndarray, axis: int | None = None) -> np.ndarray:
    """Powers of two that bring the largest magnitude (along ``axis``) near 1; 1 where all zero.

    Multiplying by a power of two is exact, so scaled data represents the same problem.
    """
    peak = np.max(np.abs(values), axis=axis) if values.size else np.zeros(())
    peak = np.atleast_1d(peak)
    _, exponent = np.frexp(np.where(peak > 0, peak, 1.0))
    return np.ldexp(1.0, -exponent)
