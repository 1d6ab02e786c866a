"""Epochs of plain sgd/minibatch on a squared loss, composed as affine maps.

With a squared loss and the plain optimizer, a step on batch ``k`` (rows ``A_k`` of the scaled
design, responses ``y_k``) is affine in the parameters:

    θ ← θ − c_k A_kᵀ(A_k θ − y_k) = (I − c_k A_kᵀA_k) θ + c_k A_kᵀ y_k,

where ``c_k`` is the step's learning rate times the loss's derivative per unit of residual (for
``mse`` 2/b, for ``sse`` 2n/b, for ``rmse`` that over twice the level of the epoch). An epoch is
the composition of these maps in the shuffled order. A Python loop over steps costs microseconds
a step; here the maps of a chunk of steps are built and multiplied pairwise, in a tree, by a
few batched numpy calls, and the chunks are applied in order. The iterates are mathematically
those of the step-by-step loop (the rounding of the last digits differs); a non-finite result
hands the epoch back to that loop, which then finds the step where the run blew up.
"""
from __future__ import annotations

import numpy as np

from gdfit.core.descent.objective import Problem

__all__ = ["affine_epoch"]

_CHUNK_ROWS = 1 << 15  # rows of the scaled design per chunk (2.3 MiB for 8 columns)
_MAX_STEPS = 1 << 13  # maps per chunk: 8192 (p+1)² matrices, 5.3 MiB for 8 columns


def affine_epoch(problem: Problem, theta: np.ndarray, order: np.ndarray, batch: int,
                 rates: np.ndarray, level: float) -> np.ndarray | None:
    """``theta`` after the steps of one epoch over ``order`` in batches of ``batch`` rows.

    ``rates`` holds the learning rate of each step and ``level`` the full loss at the start of
    the epoch (rmse differentiates its square root there). Returns None if the parameters stop
    being finite.
    """
    n, p = problem.n, problem.p
    t = theta.copy()
    if problem.fit_intercept:
        t[p] -= problem.offset  # the residuals are the same with y - offset: sums stay small
    full = n - n % batch
    per_chunk = max(1, min(_MAX_STEPS, _CHUNK_ROWS // batch))
    for first in range(0, full, per_chunk * batch):
        rows = order[first:min(full, first + per_chunk * batch)]
        k = first // batch
        t = _apply(problem, t, rows, batch, rates[k:k + rows.shape[0] // batch], level)
        if not np.isfinite(t).all():
            return None
    if full < n:  # the last, shorter batch
        t = _apply(problem, t, order[full:], n - full, rates[-1:], level)
        if not np.isfinite(t).all():
            return None
    if problem.fit_intercept:
        t[p] += problem.offset
    return t


def _apply(problem: Problem, t: np.ndarray, rows: np.ndarray, batch: int, rates: np.ndarray,
           level: float) -> np.ndarray:
    """Apply the steps on ``rows`` (``len(rates)`` batches of ``batch`` rows) to ``t``."""
    Z, y = _scaled_rows(problem, rows)
    # The loss's gradient with respect to the predictions is linear in the residuals.
    c = rates * float(problem.loss.grad(np.ones(batch), problem.n, level)[0])
    if batch == 1:
        P, v = _row_maps(_with_ones(Z, problem.fit_intercept), y, c)
    else:
        P, v = _batch_maps(Z, y, c, batch, problem.fit_intercept)
    P, v = _compose(P, v)
    return P @ t + v


def _scaled_rows(problem: Problem, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows of the scaled columns and of ``y - offset``, in the order of ``rows``."""
    Z = np.take(problem.X, rows, axis=0)
    Z -= problem.scaler.center
    Z /= problem.scaler.scale
    y = np.take(problem.y, rows)
    y -= problem.offset
    return Z, y


def _with_ones(Z: np.ndarray, fit_intercept: bool) -> np.ndarray:
    if not fit_intercept:
        return Z
    A = np.empty((Z.shape[0], Z.shape[1] + 1))
    A[:, :-1], A[:, -1] = Z, 1.0
    return A


def _batch_maps(Z: np.ndarray, y: np.ndarray, c: np.ndarray, batch: int,
                fit_intercept: bool) -> tuple[np.ndarray, np.ndarray]:
    """One map per batch: ``P = I - c AᵀA``, ``v = c Aᵀy`` with ``A = [Z, 1]``."""
    m, p = c.shape[0], Z.shape[1]
    q = p + int(fit_intercept)
    Z, y = Z.reshape(m, batch, p), y.reshape(m, batch, 1)
    Zt = Z.transpose(0, 2, 1)
    G, h = np.empty((m, q, q)), np.empty((m, q))
    G[:, :p, :p] = np.matmul(Zt, Z)
    h[:, :p] = np.matmul(Zt, y)[:, :, 0]
    if fit_intercept:
        ones = np.ones((1, 1, batch))  # a product with ones sums faster than numpy's sum on axis 1
        G[:, :p, p] = G[:, p, :p] = np.matmul(ones, Z)[:, 0]
        G[:, p, p] = batch
        h[:, p] = np.matmul(ones, y)[:, 0, 0]
    G *= -c[:, None, None]
    G[:, np.arange(q), np.arange(q)] += 1.0
    h *= c[:, None]
    return G, h


def _row_maps(A: np.ndarray, y: np.ndarray, c: np.ndarray,
              width: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """One map per ``width`` rows of single-row steps ``θ ← θ - c a(aᵀθ - y)``.

    A run of such steps is ``I - U Vᵀ`` with ``V`` the rows and ``U`` built by doubling (the
    compact WY form of a product of rank-one updates): two runs compose as
    ``U = [U₁ - U₂(V₂ᵀU₁), U₂]``. A (p+1)² matrix per ``width`` rows, rather than per row,
    makes the products that follow ``width`` times fewer.
    """
    m, q = A.shape
    whole = m - m % width
    U = (c[:whole, None] * A[:whole])[:, :, None]
    w = U[:, :, 0] * y[:whole, None]
    k = 1
    while k < width:
        U1, U2 = U[0::2], U[1::2]
        V2t = A[:whole].reshape(-1, 2, k, q)[:, 1]  # the later run's rows: V₂ᵀ
        w = w[0::2] - np.matmul(U2, np.matmul(V2t, w[0::2, :, None]))[:, :, 0] + w[1::2]
        U = np.concatenate([U1 - np.matmul(U2, np.matmul(V2t, U1)), U2], axis=2)
        k *= 2
    P = -np.matmul(U, A[:whole].reshape(-1, width, q)) if whole else np.empty((0, q, q))
    P[:, np.arange(q), np.arange(q)] += 1.0
    if whole == m:
        return P, w
    tail = A[whole:]  # fewer than ``width`` rows left: one map each
    P_tail = -(c[whole:, None, None] * tail[:, :, None] * tail[:, None, :])
    P_tail[:, np.arange(q), np.arange(q)] += 1.0
    v_tail = (c[whole:] * y[whole:])[:, None] * tail
    return np.concatenate([P, P_tail]), np.concatenate([w, v_tail])


def _compose(P: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The map ``θ ↦ Pθ + v`` equal to applying maps ``(P[0], v[0])``, ``(P[1], v[1])``, ... in turn."""
    tail = []  # maps left over at odd levels, each later in the epoch than what remains
    while P.shape[0] > 1:
        if P.shape[0] % 2:
            tail.append((P[-1], v[-1]))
            P, v = P[:-1], v[:-1]
        later = P[1::2]
        v = np.matmul(later, v[0::2, :, None])[:, :, 0] + v[1::2]
        P = np.matmul(later, P[0::2])
    P, v = P[0], v[0]
    for P_next, v_next in reversed(tail):
        P, v = P_next @ P, P_next @ v + v_next
    return P, v
