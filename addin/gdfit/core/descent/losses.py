"""Loss functions of the residual ``r = prediction - y``: value, gradient, and curvature.

Every loss is a sum or a mean over rows of a per-row term (``rmse`` is the square root of the
mean of squares). :meth:`Loss.grad` returns the derivative with respect to the predictions. When it
is given a batch of ``b`` rows out of ``n``, it scales the batch so that ``Xᵀ @ grad`` is an
unbiased estimate of the full-data gradient: sums are multiplied by ``n / b``, means divide by
``b``. A learning rate therefore means the same step for full-batch, mini-batch and stochastic
descent.

The absolute-error losses (``sae``, the seed texts' "L1", and ``mae``) have no derivative where a
residual is exactly zero; there :meth:`Loss.grad` returns the subgradient ``sign(0) = 0``, and
gradient descent on them is a subgradient method.

The log loss (``log``, binary cross-entropy) is the one loss that is not a function of the
residual alone: with labels ``y`` in {0, 1} and the linear predictor ``z = r + y``, its per-row term
is ``log(1 + exp(z)) - y·z``, the negative log-likelihood of the sigmoid ``p = 1/(1 + exp(-z))``.
Its methods therefore also take ``y``; it is written as ``log(1 + exp(-s·z))`` with ``s = 2y - 1``
so that neither the value nor the gradient ``p - y`` loses digits where ``p`` is near 0 or 1.
:meth:`Loss.log_terms` gives both from one exponential per row, for full-batch steps.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

__all__ = ["Loss", "LOSSES", "ALIASES", "get_loss"]


@dataclass(frozen=True)
class Loss:
    """One loss function.

    Attributes
    ----------
    name : str
        Registry key (``"mse"``).
    title : str
        What an analyst reads in a table header.
    kind : str
        ``"squared"``, ``"huber"``, ``"absolute"`` or ``"log"``: the per-row term.
    mean : bool
        Average over rows (True) or sum (False).
    root : bool
        Square root of the aggregate (``rmse``).
    delta : float
        Huber threshold between the quadratic and the linear zone, in units of ``y``.
    """

    name: str
    title: str
    kind: str
    mean: bool
    root: bool = False
    delta: float = 1.0

    @property
    def smooth(self) -> bool:
        """False for the absolute-error losses, whose gradient is only a subgradient."""
        return self.kind != "absolute"

    @property
    def needs_labels(self) -> bool:
        """True for the log loss, whose per-row term depends on ``y`` as well as the residual."""
        return self.kind == "log"

    def point(self, r: np.ndarray, y: np.ndarray | None = None) -> np.ndarray:
        """Per-row term of the loss (``y``, the 0/1 labels, for the log loss only)."""
        if self.kind == "log":
            z = r + _labels(y)
            # log(1 + exp(z)) - y·z = max(z, 0) - y·z + log1p(exp(-|z|)): exact in both tails
            return np.maximum(z, 0.0) - y * z + np.log1p(np.exp(-np.abs(z)))
        if self.kind == "squared":
            return r * r
        a = np.abs(r)
        if self.kind == "absolute":
            return a
        return np.where(a <= self.delta, 0.5 * r * r, self.delta * (a - 0.5 * self.delta))

    def dpoint(self, r: np.ndarray, y: np.ndarray | None = None) -> np.ndarray:
        """Derivative of :meth:`point`; ``sign(r)`` (a subgradient) for the absolute error."""
        if self.kind == "log":
            return self.log_terms(r, y)[1]
        if self.kind == "squared":
            return 2.0 * r
        if self.kind == "absolute":
            return np.sign(r)
        return np.clip(r, -self.delta, self.delta)

    def log_terms(self, r: np.ndarray | None, y: np.ndarray, z: np.ndarray | None = None,
                  sign: np.ndarray | None = None) -> tuple[float, np.ndarray]:
        """The log loss's sum over rows and its per-row derivative ``sigmoid(z) - y``, from one
        ``exp(-|z|)``; the derivative is written ``-s·sigmoid(-s·z)`` (``s = 2y - 1``) so that it
        keeps its digits where the probability is near its label. A caller that has the linear
        predictor ``z`` (instead of the residual ``r``) and ``1 - 2y`` passes them."""
        z = r + _labels(y) if z is None else z
        e = np.exp(-np.abs(z))
        total = float(np.sum(np.maximum(z, 0.0)) - y @ z + np.sum(np.log1p(e)))
        toward = (z > 0) == (y == 1.0)  # s·z > 0: the row is on its label's side
        d = np.where(toward, e, 1.0)
        d /= 1.0 + e
        d *= 1.0 - 2.0 * y if sign is None else sign
        return total, d

    def from_sum(self, total: float, n: int) -> float:
        """The loss from the sum of per-row terms over ``n`` rows."""
        value = total / n if self.mean else total
        return float(np.sqrt(max(value, 0.0))) if self.root else float(value)

    def value(self, r: np.ndarray, y: np.ndarray | None = None) -> float:
        """The loss of residuals ``r`` (all rows; ``y`` the labels, for the log loss)."""
        return self.from_sum(float(np.sum(self.point(r, y))), r.shape[0])

    def grad(self, r: np.ndarray, n: int | None = None, level: float | None = None,
             y: np.ndarray | None = None) -> np.ndarray:
        """Gradient with respect to the predictions of the rows whose residuals are ``r``.

        Parameters
        ----------
        r : ndarray
            Residuals of a batch of rows (all rows for full-batch descent).
        n : int, optional
            Rows in the whole data; the batch is rescaled to an unbiased full-data estimate.
        level : float, optional
            ``rmse`` only: the full-data RMSE the square root is differentiated at. For a batch it
            is the RMSE at the start of the epoch, so the batch gradient is the unbiased MSE batch
            gradient divided by ``2 * level``.
        y : ndarray, optional
            The 0/1 labels of the same rows (the log loss only).
        """
        b = r.shape[0]
        n = b if n is None else n
        factor = 1.0 / b if self.mean else n / b
        d = self.dpoint(r, y) * factor
        if self.root:
            level = self.value(r) if level is None else level
            return d / (2.0 * level) if level > 0 else np.zeros_like(d)
        return d

    def curvature(self, lam: float, n: int, level: float | None = None) -> float | None:
        """Largest curvature of the loss in parameter space; None for the absolute errors.

        ``lam`` is the largest eigenvalue of ``AᵀA`` for the design ``A`` (columns and the ones
        column of the intercept), or ``n * max_i |a_i|²`` to bound a single batch. For ``rmse``
        the bound ``λ / (n · RMSE)`` holds at loss level ``level``; a step of its inverse is the
        MSE step ``1 / L_mse`` exactly. The log loss's second derivative ``p(1 - p)`` is at most
        1/4, so its bound is ``λ / (4n)``.
        """
        if self.kind == "absolute":
            return None
        per_row = {"squared": 2.0, "log": 0.25}.get(self.kind, 1.0)
        if self.root:
            return lam / (n * level) if level else float("inf")
        return per_row * lam / (n if self.mean else 1.0)


_ALL = (
    Loss("sse", "SSE (sum of squared errors)", "squared", mean=False),
    Loss("mse", "MSE (mean squared error)", "squared", mean=True),
    Loss("rmse", "RMSE (root mean squared error)", "squared", mean=True, root=True),
    Loss("sae", "SAE (sum of absolute errors, L1)", "absolute", mean=False),
    Loss("mae", "MAE (mean absolute error)", "absolute", mean=True),
    Loss("huber", "Huber (mean)", "huber", mean=True),
    Loss("log", "Log loss (mean binary cross-entropy)", "log", mean=True),
)

#: Registry of losses by name.
LOSSES: dict[str, Loss] = {loss.name: loss for loss in _ALL}

#: The seed texts' names for two of them.
ALIASES: dict[str, str] = {"l1": "sae", "l2": "sse"}


def _labels(y: np.ndarray | None) -> np.ndarray:
    if y is None:
        raise TypeError("the log loss needs the 0/1 labels y beside the residuals")
    return y


def get_loss(name: str, huber_delta: float = 1.0) -> Loss:
    """The loss registered as ``name`` (or an alias), with the Huber threshold applied."""
    loss = LOSSES[ALIASES.get(name, name)]
    if loss.kind == "huber":
        loss = replace(loss, delta=float(huber_delta))
    return loss
