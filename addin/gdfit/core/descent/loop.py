"""The training loop behind :func:`gdfit.fit`: one loop for every method × optimizer × loss.

``gd`` is the epoch with a single batch of all rows, whose gradient the previous evaluation already
holds; ``sgd``/``minibatch`` walk a shuffled permutation in batches (composed as affine maps by
:mod:`gdfit.core.descent.epochs` for the plain optimizer on a squared loss, one step at a time otherwise). Stopping rules and their
messages are described in :mod:`gdfit.core.descent.fit`.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from gdfit.core.descent.epochs import affine_epoch
from gdfit.core.descent.messages import describe
from gdfit.core.descent.objective import Problem
from gdfit.core.descent.optimizers import Optimizer
from gdfit.core.descent.options import Settings
from gdfit.core.descent.schedules import (
    PATIENCE,
    Plateau,
    armijo,
    auto_step,
    observe,
    schedule_factor,
    schedule_factors,
)
from gdfit.core.descent.trace import Row, Trace

__all__ = ["Context", "Outcome", "descend"]

_NOISE = 1e-10  # a reference gradient this small beside the start's is rounding noise
EXPLODE = 1e6  # a loss this many times the first, and still growing, has diverged


@dataclass
class Context:
    """What one start of a fit needs and does not change while it runs."""

    problem: Problem
    settings: Settings
    opt: Optimizer
    rng: np.random.Generator
    progress: Callable[[int, int, float], None] | None
    clock: float
    batch: int
    schedule: str
    base_lr: float
    lipschitz: float | None
    lam: float | None
    follow_level: bool  # auto rmse: the step follows the loss level (plain: exactly the MSE step)
    value0: float
    grad0: np.ndarray
    ref_grad: float
    patience: int
    composed: bool  # epochs are products of affine maps (plain optimizer, squared loss)

    @classmethod
    def build(cls, problem: Problem, settings: Settings, opt: Optimizer, rng: np.random.Generator,
              theta0: np.ndarray, progress: Callable | None, clock: float) -> "Context":
        n, loss = problem.n, problem.loss
        batch = settings.rows_per_step(n)
        lam = problem.lam
        if settings.stochastic and lam is not None:
            lam = n * problem.gram.row_max  # one batch's curvature is at most its longest row's
        value0, grad0 = problem.full(theta0)
        L = None if lam is None else loss.curvature(lam, n, value0)
        if L is not None:
            L += problem.penalty_curvature
        auto = settings.learning_rate == "auto"
        base = _base_learning_rate(settings, L, value0, grad0, batch / n)
        schedule = settings.schedule
        if auto and not loss.smooth and schedule == "constant":
            schedule = "adaptive"  # a constant subgradient step cannot settle
        ref = _reference_gradient(problem, grad0)
        # A subgradient zig-zags across the kinks of a valley in ``size`` dimensions before a run
        # of non-improving steps means that the step, not the direction, is too large.
        patience = PATIENCE if loss.smooth else PATIENCE + 2 * problem.size - 2
        composed = settings.stochastic and settings.optimizer == "plain" and loss.kind == "squared"
        return cls(problem, settings, opt, rng, progress, clock, batch, schedule, base, L, lam,
                   auto and loss.root and bool(L) and np.isfinite(L), value0, grad0, ref, patience,
                   composed)

    def step_size(self, updates: int, halvings: int, level: float) -> float:
        base = self.base_lr
        if self.follow_level:
            # rmse: the curvature bound grows as the loss falls; scale the step by L(start) / L(now).
            curvature = self.problem.loss.curvature(self.lam, self.problem.n, level)
            if curvature and np.isfinite(curvature):
                base = self.base_lr * self.lipschitz / curvature
        return base * schedule_factor(self.schedule, updates) * 0.5 ** halvings

    def step_sizes(self, updates: int, count: int, halvings: int, level: float) -> np.ndarray:
        """:meth:`step_size` for ``count`` updates in a row at one loss ``level`` (an epoch)."""
        return self.step_size(0, halvings, level) * schedule_factors(self.schedule, updates, count)


def _reference_gradient(problem: Problem, grad0: np.ndarray) -> float:
    """The scale ``grad_tol`` is relative to: the gradient at the model that predicts mean(y).

    Unlike the gradient at the start it does not depend on ``init``, and unlike the gradient at
    zero it is not swamped by the intercept when y sits far from 0, so slopes are held to it too.
    """
    if not problem.loss.smooth:
        return float(np.linalg.norm(grad0))
    theta = np.zeros(problem.size)
    if problem.fit_intercept:
        theta[problem.p] = problem.offset
    ref = float(np.linalg.norm(problem.full(theta)[1]))
    start = float(np.linalg.norm(grad0))
    # The mean model can be the optimum itself (no slopes, or none that matter): its gradient is
    # then rounding noise, and a test relative to noise could never hold. Use the start's instead.
    return ref if ref > _NOISE * start else start


def _base_learning_rate(settings: Settings, L: float | None, value0: float, grad0: np.ndarray,
                        batch_fraction: float) -> float:
    if settings.learning_rate != "auto":
        return float(settings.learning_rate)
    lr = auto_step(L, value0, grad0, batch_fraction=batch_fraction, adam=settings.optimizer == "adam")
    if settings.stochastic and settings.optimizer in ("momentum", "nesterov"):
        lr *= 1.0 - settings.momentum  # the velocity sums ~1/(1-β) noisy batch gradients
    return lr


@dataclass
class State:
    """The moving parts of the loop."""

    theta: np.ndarray
    opt_state: Any
    value: float
    grad: np.ndarray
    lr: float
    updates: int = 0
    halvings: int = 0
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    plateau: Plateau | None = None
    change: float | None = None  # exact loss change of the last full-batch step (Gram path)
    grew: bool = False  # stopped by max_iter/max_time with the loss above its start


@dataclass
class Outcome:
    theta: np.ndarray
    grad: np.ndarray
    n_iter: int
    n_updates: int
    converged: bool
    stop: str
    message: str
    trace: Trace


def descend(ctx: Context, theta0: np.ndarray) -> Outcome:
    """Run one start from ``theta0`` until a stopping rule holds."""
    st = State(theta0, ctx.opt.init(theta0), ctx.value0, ctx.grad0, ctx.base_lr,
               best=(ctx.value0, theta0, ctx.grad0), plateau=Plateau(ctx.value0, 0))
    trace = Trace(ctx.settings.history_max)
    _record(ctx, trace, 0, st)
    stop, t, last_call = _first_stop(ctx, st), 0, -np.inf
    while stop is None:
        previous = st.value
        status = _iterate(ctx, st)
        t += 1
        if status == "ok":
            value, st.grad = ctx.problem.full(st.theta)
            # On the Gram path the running sum of exact changes orders nearby iterates correctly
            # where a fresh Gram value would be lost in rounding (it drifts no more than that does).
            st.value = previous + st.change if st.change is not None else value
            if np.isfinite(st.value) and np.isfinite(st.grad).all():
                _record(ctx, trace, t, st)
        stop = _check(ctx, st, t, status, previous)
        if ctx.progress is not None and (stop or time.perf_counter() - last_call >= 0.1):
            last_call = time.perf_counter()
            ctx.progress(t, ctx.settings.max_iter, float(st.best[0]))
    if stop in ("max_iter", "max_time") and st.value > ctx.value0:
        # Out of iterations with the loss above where it started. Plain full-batch descent on a
        # smooth loss lowers it every step unless the rate is past the stability limit: that run
        # is diverging, only more slowly than the explosion test notices. With momentum, Adam or
        # sampled rows the loss may rise for a while and come back, so only the advice changes.
        st.grew = True
        if not ctx.settings.stochastic and ctx.settings.optimizer == "plain" and ctx.problem.loss.smooth:
            stop = "diverged"
    keep_best = stop == "diverged" or not ctx.problem.loss.smooth
    theta, grad = (st.best[1], st.best[2]) if keep_best else (st.theta, st.grad)
    converged = stop in ("grad_tol", "grad_zero", "step", "tol")
    return Outcome(theta, grad, t, st.updates, converged, stop, describe(ctx, stop, t, st), trace)


def _record(ctx: Context, trace: Trace, t: int, st: State) -> None:
    gnorm = float(np.linalg.norm(ctx.problem.grad_to_original(st.grad)))
    trace.add(Row(t, float(st.value), gnorm, float(st.lr), st.theta.copy()))


def _first_stop(ctx: Context, st: State) -> str | None:
    if ctx.settings.max_iter == 0:
        return "max_iter0"
    return _gradient_test(ctx, st)


def _gradient_test(ctx: Context, st: State) -> str | None:
    norm = float(np.linalg.norm(st.grad))
    if ctx.problem.loss.smooth:
        return "grad_tol" if norm <= ctx.settings.grad_tol * ctx.ref_grad else None
    return "grad_zero" if norm == 0.0 else None


def _iterate(ctx: Context, st: State) -> str:
    """One iteration (gd) or epoch (sgd/minibatch); 'ok', 'nonfinite' or 'stalled'."""
    if not ctx.settings.stochastic:
        return _full_step(ctx, st)
    n, b, level = ctx.problem.n, ctx.batch, st.value
    order = ctx.rng.permutation(n)
    if ctx.composed:
        rates = ctx.step_sizes(st.updates, -(-n // b), st.halvings, level)
        theta = affine_epoch(ctx.problem, st.theta, order, b, rates, level)
        if theta is not None:  # else the step-by-step loop finds where it blew up
            st.theta, st.lr, st.updates = theta, float(rates[-1]), st.updates + rates.shape[0]
            return "ok"
    for i in range(0, n, b):
        g = ctx.problem.batch_grad(st.theta, order[i:i + b], level)
        direction, st.opt_state = ctx.opt.update(g, st.opt_state)
        st.lr = ctx.step_size(st.updates, st.halvings, level)
        st.theta = st.theta - st.lr * direction
        st.updates += 1
        if not np.isfinite(st.theta).all():
            return "nonfinite"
    return "ok"


def _full_step(ctx: Context, st: State) -> str:
    direction, st.opt_state = ctx.opt.update(st.grad, st.opt_state)
    lr = ctx.step_size(st.updates, st.halvings, st.value)
    change = None
    if ctx.settings.line_search:
        found = _line_search(ctx, st, direction, lr)
        if found is None:
            return "stalled"
        direction, lr, change = found
    step = -lr * direction
    if ctx.problem.quadratic and change is None:
        # Subtracting two Gram values loses the last digits; the plateau test needs the sign.
        change = ctx.problem.change(st.theta, st.value, step)
    st.change = change if ctx.problem.quadratic else None
    st.lr = lr
    st.theta = st.theta + step
    st.updates += 1
    return "ok" if np.isfinite(st.theta).all() else "nonfinite"


def _line_search(ctx: Context, st: State, direction: np.ndarray,
                 lr: float) -> tuple[np.ndarray, float, float] | None:
    """Armijo backtracking along the optimizer's direction, or the gradient if that points uphill."""
    def change(step: np.ndarray) -> float:
        return ctx.problem.change(st.theta, st.value, step)
    for d in (direction, st.grad):
        found = armijo(change, st.grad, d, lr)
        if found is not None:
            return d, found[0], found[1]
    return None


def _check(ctx: Context, st: State, t: int, status: str, previous: float) -> str | None:
    """Apply the stopping rules after iteration ``t`` (and the adaptive schedule's restarts)."""
    if status == "stalled":
        return "stalled"
    if status != "ok" or not np.isfinite(st.value) or not np.isfinite(st.grad).all():
        return "diverged"
    if st.value > EXPLODE * max(ctx.value0, np.finfo(float).tiny) and st.value > previous:
        return "diverged"
    if st.value < st.best[0]:
        st.best = (st.value, st.theta, st.grad)
    stop = _gradient_test(ctx, st) or _plateau_test(ctx, st, previous)
    if stop:
        return stop
    if t >= ctx.settings.max_iter:
        return "max_iter"
    if ctx.settings.max_time is not None and time.perf_counter() - ctx.clock >= ctx.settings.max_time:
        return "max_time"
    return None


def _plateau_test(ctx: Context, st: State, previous: float) -> str | None:
    """The ``tol`` test, or for the adaptive schedule a halving of the step (and the tiny-step test)."""
    s = ctx.settings
    monotone = not s.stochastic and ctx.problem.loss.smooth and s.optimizer == "plain"
    if monotone:
        gain = -st.change if st.change is not None else previous - st.value
    else:
        gain = st.plateau.best - st.value  # noisy or non-monotone: compare with the best so far
    st.plateau = observe(st.plateau, st.value, gain, s.tol_value)
    if ctx.schedule == "adaptive":
        if st.plateau.stale >= ctx.patience:
            _restart_from_best(ctx, st)
        if ctx.step_size(0, st.halvings, st.value) <= s.grad_tol * ctx.base_lr:
            # Without a vanishing gradient (subgradients, batch noise) this is the convergence test.
            return "step" if s.stochastic or not ctx.problem.loss.smooth else "shrunk"
        return None
    if s.tol_value > 0 and st.plateau.stale >= (1 if monotone else ctx.patience):
        return "tol"
    return None


def _restart_from_best(ctx: Context, st: State) -> None:
    """Halve the step and go back to the best point with a fresh optimizer state."""
    st.halvings += 1
    st.value, st.theta, st.grad = st.best
    st.opt_state = ctx.opt.init(st.theta)
    st.plateau = Plateau(st.value, 0)
