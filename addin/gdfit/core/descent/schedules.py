"""Step sizes: the automatic learning rate, schedules, plateau detection and Armijo backtracking.

The automatic learning rate (``learning_rate="auto"``) is ``1 / L`` for the problem the optimizer
sees (standardised with ``scale="auto"``), where ``L`` bounds the curvature of the loss:

- ``sse`` / ``mse``: ``L`` = largest eigenvalue of the Hessian, ``2 AᵀA`` or ``2 AᵀA / n``;
- ``huber``: the Hessian of its quadratic zone, ``AᵀA / n`` (an upper bound everywhere);
- ``rmse``: ``L_mse / (2 RMSE)`` at the current loss, so each step is exactly the MSE step (every
  optimizer's step is rescaled by ``L(start) / L(now)`` as the loss falls);
- ``sae`` / ``mae`` (no curvature): the Polyak step ``f(θ₀) / |g₀|²`` with ``0`` as the lower bound
  of the loss, halved whenever the loss stops improving (the "adaptive" schedule, from the best point);
- ``sgd`` / ``minibatch``: ``A`` is replaced by its longest row, ``n · max |aᵢ|²`` for ``λ``, which
  keeps a step on any single batch stable; the Polyak step is scaled by ``batch_size / n``; with
  ``momentum``/``nesterov`` the step is further multiplied by ``1 - momentum``, since the velocity
  adds up about ``1 / (1 - momentum)`` noisy batch gradients;
- ``adam`` (whose steps have the length of the learning rate, whatever the gradient): 0.3 times
  the root-mean-square coordinate of the first step the rule above would take, ``lr · g₀``. Adam's
  iteration count hardly depends on the fraction; much smaller ones crawl, much larger ones let its
  step outgrow the shrinking second moment and oscillate.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

__all__ = ["SCHEDULES", "INVSCALING_POWER", "PATIENCE", "schedule_factor", "schedule_factors",
           "Plateau", "observe",
           "armijo", "auto_step"]

SCHEDULES = ("constant", "invscaling", "adaptive")

#: ``invscaling`` takes ``lr / (t + 1) ** 0.5`` at the ``t``-th update (counting from 0), as
#: scikit-learn's SGDRegressor does with its default ``power_t``.
INVSCALING_POWER = 0.5

#: Evaluations without improvement before ``adaptive`` halves the step (and before the ``tol``
#: test holds for the stochastic methods, whose per-epoch loss is noisy).
PATIENCE = 5

ADAM_FRACTION = 0.3
ARMIJO_C = 1e-4
_MAX_HALVINGS = 60


def schedule_factor(name: str, updates: int) -> float:
    """Multiplier of the base learning rate for the update after ``updates`` earlier ones."""
    if name == "invscaling":
        return float((updates + 1) ** -INVSCALING_POWER)
    return 1.0


def schedule_factors(name: str, updates: int, count: int) -> np.ndarray:
    """:func:`schedule_factor` for the ``count`` updates after ``updates`` earlier ones."""
    if name == "invscaling":
        return (np.arange(updates + 1, updates + count + 1, dtype=float)) ** -INVSCALING_POWER
    return np.ones(count)


class Plateau(NamedTuple):
    """The best loss so far and how many evaluations in a row have failed to beat it."""

    best: float
    stale: int


def observe(state: Plateau, value: float, gain: float, rel: float = 0.0) -> Plateau:
    """Record ``value``; ``gain`` (its improvement) counts only if above ``rel × |best|``."""
    best = min(state.best, value)
    if gain > rel * abs(state.best):
        return Plateau(best, 0)
    return Plateau(best, state.stale + 1)


def armijo(change: Callable[[np.ndarray], float], grad: np.ndarray, direction: np.ndarray,
           lr: float) -> tuple[float, float] | None:
    """Backtracking: halve ``lr`` until ``f(θ - lr d) - f(θ) <= c · lr · gᵀ(-d)``.

    ``change(step)`` returns ``f(θ + step) - f(θ)``. Returns the accepted ``(lr, change)``, or None
    when ``-d`` is not a descent direction or no step of up to 60 halvings decreases the loss.
    """
    slope = -float(grad @ direction)
    if not slope < 0:
        return None
    for _ in range(_MAX_HALVINGS):
        delta = change(-lr * direction)
        if np.isfinite(delta) and delta <= ARMIJO_C * lr * slope:
            return lr, delta
        lr *= 0.5
    return None


def auto_step(curvature: float | None, value: float, grad: np.ndarray, *, batch_fraction: float,
              adam: bool) -> float:
    """The automatic learning rate (see the module docstring).

    ``curvature`` is ``L`` (None for the absolute losses), ``value`` and ``grad`` the loss and
    gradient at the start, ``batch_fraction`` is ``batch_size / n`` (1 for full batch).
    """
    g2 = float(grad @ grad)
    if curvature is None:
        lr = value / g2 * batch_fraction if g2 > 0 else 1.0
    else:
        lr = 1.0 / curvature if curvature > 0 and np.isfinite(curvature) else 1.0
    if adam and g2 > 0:
        lr = ADAM_FRACTION * lr * float(np.sqrt(g2 / grad.size))
    return lr
