"""Optimizers as pairs of pure functions, in the manner of optax.

An :class:`Optimizer` is ``init(params) -> state`` and ``update(grad, state) -> (direction, state)``.
The training loop moves the parameters by ``-learning_rate * direction``: the learning rate stays
outside the optimizer (as optax's ``scale_by_learning_rate`` ends its chains) so that one schedule
and one Armijo line search serve every optimizer. Nothing here mutates its inputs.

- ``plain``: the direction is the gradient.
- ``momentum``: heavy ball, ``v = g + β v`` (optax ``trace``).
- ``nesterov``: ``v = g + β v``, direction ``g + β v`` (optax ``trace(nesterov=True)``).
- ``adam``: bias-corrected ``m̂ / (sqrt(v̂) + eps)`` (optax ``scale_by_adam``).
"""
from __future__ import annotations

from typing import Any, Callable, NamedTuple

import numpy as np

__all__ = ["Optimizer", "PlainState", "TraceState", "AdamState", "plain", "momentum", "nesterov",
           "adam", "OPTIMIZERS", "make_optimizer"]


class Optimizer(NamedTuple):
    """An (init, update) pair: ``update(grad, state) -> (direction, new_state)``."""

    init: Callable[[np.ndarray], Any]
    update: Callable[[np.ndarray, Any], tuple[np.ndarray, Any]]


class PlainState(NamedTuple):
    count: int


class TraceState(NamedTuple):
    count: int
    velocity: np.ndarray


class AdamState(NamedTuple):
    count: int
    mu: np.ndarray
    nu: np.ndarray


def plain() -> Optimizer:
    """Gradient descent: step against the gradient."""
    def init(params: np.ndarray) -> PlainState:
        return PlainState(0)

    def update(grad: np.ndarray, state: PlainState) -> tuple[np.ndarray, PlainState]:
        return grad, PlainState(state.count + 1)

    return Optimizer(init, update)


def _trace(beta: float, nesterov: bool) -> Optimizer:
    def init(params: np.ndarray) -> TraceState:
        return TraceState(0, np.zeros_like(params))

    def update(grad: np.ndarray, state: TraceState) -> tuple[np.ndarray, TraceState]:
        velocity = grad + beta * state.velocity
        direction = grad + beta * velocity if nesterov else velocity
        return direction, TraceState(state.count + 1, velocity)

    return Optimizer(init, update)


def momentum(momentum: float = 0.9) -> Optimizer:
    """Heavy-ball momentum: the direction is the running sum ``v = g + momentum * v``."""
    return _trace(momentum, nesterov=False)


def nesterov(momentum: float = 0.9) -> Optimizer:
    """Nesterov momentum in optax's form: direction ``g + momentum * v`` after updating ``v``."""
    return _trace(momentum, nesterov=True)


def adam(beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam (Kingma & Ba): bias-corrected first moment over the root of the second, per parameter."""
    def init(params: np.ndarray) -> AdamState:
        return AdamState(0, np.zeros_like(params), np.zeros_like(params))

    def update(grad: np.ndarray, state: AdamState) -> tuple[np.ndarray, AdamState]:
        count = state.count + 1
        mu = beta1 * state.mu + (1.0 - beta1) * grad
        nu = beta2 * state.nu + (1.0 - beta2) * grad * grad
        mu_hat = mu / (1.0 - beta1 ** count)
        nu_hat = nu / (1.0 - beta2 ** count)
        return mu_hat / (np.sqrt(nu_hat) + eps), AdamState(count, mu, nu)

    return Optimizer(init, update)


#: Optimizer constructors by name; each takes the hyperparameters it uses as keywords.
OPTIMIZERS: dict[str, Callable[..., Optimizer]] = {
    "plain": plain,
    "momentum": momentum,
    "nesterov": nesterov,
    "adam": adam,
}


def make_optimizer(name: str, *, momentum: float = 0.9, beta1: float = 0.9, beta2: float = 0.999,
                   eps: float = 1e-8) -> Optimizer:
    """Build the optimizer ``name`` from the hyperparameters of :func:`gdfit.fit`."""
    if name in ("momentum", "nesterov"):
        return OPTIMIZERS[name](momentum)
    if name == "adam":
        return adam(beta1, beta2, eps)
    return OPTIMIZERS[name]()
