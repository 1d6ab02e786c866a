"""Fitting a linear model by gradient descent: one loop for every method, optimizer and loss.

An iteration is one step on all rows (``method="gd"``) or one epoch, a pass over the rows in a
freshly shuffled order in batches of ``batch_size`` (``"sgd"``: 1, ``"minibatch"``: 32 by default).
After each iteration the loss and gradient on all rows decide whether to stop:

- ``grad_tol``: the gradient norm fell to ``grad_tol`` times a reference (the gradient at the model
  that predicts mean(y), or at zero without an intercept), on the optimizer's parameters. For
  ``sae``/``mae``, whose subgradient does not vanish at the minimum, the test is instead that the
  shrinking step fell to ``grad_tol`` times its first value (or the subgradient is exactly zero);
- ``tol``: the loss improved by less than ``tol`` (relative) in one iteration (plain gd), or on
  its best for several evaluations in a row where the loss is not monotone (five iterations for
  momentum, nesterov and adam, five epochs for sgd/minibatch, ``3 + 2 × parameters`` for
  sae/mae). ``tol=None`` switches it off for gd (it would stop long before the coefficients are
  accurate) and uses 1e-6 for sgd/minibatch; ``tol=0`` is off. With ``schedule="adaptive"`` the
  same plateau halves the step and restarts from the best point instead of stopping; the run then
  ends when the step has shrunk to ``grad_tol`` of its first size, which counts as convergence for
  sgd/minibatch and sae/mae and as a stall for gd on a smooth loss;
- ``max_iter`` iterations, ``max_time`` seconds, or divergence (a non-finite loss, or one above a
  million times the first and growing).

The returned parameters are the last iterate, except after divergence and for ``sae``/``mae``,
where they are the iterate with the lowest loss seen. ``max_time`` is checked after each
iteration (epoch), so a run stops on an iteration boundary and its options can replay it.

``loss="log"`` fits logistic regression: the mean binary cross-entropy of the sigmoid of the
linear predictor. ``y`` may hold any two labels (:mod:`gdfit.core.logistic.labels`); the result's
``classes`` says which one the model calls 1. ``l2`` adds the ridge penalty ``l2/2·‖w‖²`` on the
standardised coefficients (never the intercept), which keeps the answer finite under separation.

A batch gradient is scaled to an unbiased estimate of the full-data gradient (see
:mod:`gdfit.core.descent.losses`), so a learning rate means the same step for gd, sgd and minibatch. The
learning rate acts on the parameters the optimizer moves: standardised columns with
``scale="auto"``, raw columns with ``scale="none"``. Full-batch squared losses cost one pass over
the data (their Gram statistics, :mod:`gdfit.core.descent.objective`) and then O(p²) per iteration.
"""
from __future__ import annotations

import inspect
import time
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd
from scipy.special import expit

from gdfit.core.data import Dataset, OptionError, as_dataset, check_no_constant, fit_scaler
from gdfit.core.descent.loop import Context, Outcome, descend
from gdfit.core.descent.losses import get_loss
from gdfit.core.descent.objective import Problem
from gdfit.core.descent.optimizers import make_optimizer
from gdfit.core.descent.options import Settings, check_against_data, check_options
from gdfit.core.logistic.labels import check_binary, encode_labels

__all__ = ["fit", "fit_dataset", "FitResult", "ConvergenceWarning"]


class ConvergenceWarning(UserWarning):
    """The fit stopped before a convergence test held (its result is still returned)."""


@dataclass(frozen=True)
class FitResult:
    """A linear model fitted by gradient descent.

    Attributes
    ----------
    coef, intercept : ndarray, float
        The fitted parameters in the units of the data (intercept 0.0 without one).
    loss : float
        The chosen loss at ``coef``/``intercept``, computed from the residuals on all rows.
    n_iter, n_updates : int
        Iterations (epochs for sgd/minibatch) and parameter updates taken.
    converged, diverged : bool
        Whether a convergence test held; whether the run blew up (then ``coef`` is the best
        finite iterate).
    message : str
        One line: why the run stopped and, if it did not converge, what to change.
    stop : str
        The same as a code: grad_tol, grad_zero, step, tol, max_iter, max_iter0, max_time,
        diverged, stalled (line search) or shrunk (adaptive step vanished on a smooth loss).
    history : DataFrame
        ``iteration, loss, grad_norm, learning_rate``, then one column per parameter in original
        units (labels, then ``intercept``); at most ``history_max`` rows, row 0 the start.
    learning_rate : float
        The base step actually used (the value "auto" resolved to).
    lipschitz, stable_limit : float or None
        The curvature bound ``L`` behind "auto" (of one batch for sgd/minibatch; None for
        sae/mae) and the stability limit ``2/L`` of plain gradient descent.
    options : dict
        Every option as validated: ``gdfit.fit(X, y, **r.options)`` replays the run bit for bit.
    labels : tuple of str
        Column labels (DataFrame names, or x / x1..xp).
    starts : tuple of FitResult
        Every start of a multi-start fit (empty for one start); the lowest ``loss`` won.
    loss_name, method, optimizer, schedule, fit_intercept, batch_size, grad_norm, seconds
        The loss's registry name, the resolved method, optimizer, schedule (sae/mae with "auto"
        run "adaptive") and rows per step; the final gradient norm (original units); wall time.
    classes : tuple or None
        ``loss="log"``: the labels encoded 0 and 1, ``(negative, positive)``; None otherwise.
    """

    coef: np.ndarray
    intercept: float
    loss: float
    n_iter: int
    converged: bool
    diverged: bool
    message: str
    history: pd.DataFrame = field(repr=False)
    learning_rate: float
    options: dict[str, Any] = field(repr=False)
    labels: tuple[str, ...]
    starts: tuple["FitResult", ...] = field(repr=False)
    loss_name: str
    method: str
    optimizer: str
    schedule: str
    fit_intercept: bool
    batch_size: int
    lipschitz: float | None
    stable_limit: float | None
    grad_norm: float
    n_updates: int
    stop: str
    seconds: float
    classes: tuple[Any, Any] | None = None

    @property
    def positive_label(self) -> Any:
        """``loss="log"``: the label the model gives probability ``sigmoid(X @ coef + intercept)``."""
        return None if self.classes is None else self.classes[1]

    def predict_proba(self, X: Any) -> np.ndarray:
        """``loss="log"``: the probability of the positive label for each row of ``X``."""
        if self.classes is None:
            raise OptionError("predict_proba needs a model fitted with loss='log'.")
        z = np.asarray(X, dtype=float).reshape(-1, self.coef.shape[0]) @ self.coef + self.intercept
        return expit(z)

    @property
    def params(self) -> np.ndarray:
        """Coefficients followed by the intercept (when fitted)."""
        return np.append(self.coef, self.intercept) if self.fit_intercept else self.coef.copy()


def fit(X: Any, y: Any, *, loss: str = "mse", method: str = "gd", optimizer: str = "plain",
        learning_rate: float | str = "auto", schedule: str = "constant", line_search: bool = False,
        batch_size: int | None = None, max_iter: int = 1000, tol: float | None = None,
        grad_tol: float = 1e-12, max_time: float | None = None, seed: int = 0,
        fit_intercept: bool = True, scale: str = "auto", init: str | Sequence[float] = "zeros",
        n_starts: int = 1, history_max: int = 2000, huber_delta: float = 1.0, momentum: float = 0.9,
        beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8,
        progress: Callable[[int, int, float], None] | None = None, positive: Any = None,
        l2: float = 0.0, **unknown: Any) -> FitResult:
    """Fit ``y ≈ X @ coef + intercept`` by gradient descent.

    Parameters
    ----------
    X : array-like or DataFrame, shape (n, p), (n,) or (n, 0); or None
        Predictors (DataFrame column names become labels). None or no columns: intercept only.
    y : array-like, shape (n,)
        Response; with ``loss="log"`` two labels (0/1, TRUE/FALSE or any two).
    loss : {"mse", "sse", "rmse", "sae", "mae", "huber", "log"}; aliases "l1" (= sae), "l2" (= sse)
        ``"log"`` is logistic regression (mean binary cross-entropy).
    method : {"gd", "sgd", "minibatch"}
        All rows per step; one row per step; ``batch_size`` rows per step.
    optimizer : {"plain", "momentum", "nesterov", "adam"}
    learning_rate : float > 0 or "auto"
        Step size on the parameters the optimizer sees (standardised with ``scale="auto"``).
        "auto" is ``1/L`` for the curvature bound ``L`` of the loss (see :mod:`gdfit.core.descent.schedules`).
    schedule : {"constant", "invscaling", "adaptive"}
        ``lr / (t+1)**0.5`` at update ``t``; or halve when the loss stops improving for 5 iterations.
    line_search : bool
        Armijo backtracking (gd only): halve the scheduled step until the loss drops enough.
    batch_size : int, optional
        Rows per step for ``minibatch`` (default 32, at most n).
    max_iter : int
        Iterations (epochs for sgd/minibatch). 0 returns the starting point.
    tol, grad_tol, max_time : float, optional
        Stopping tests; see the module docstring (``max_time`` applies to each start).
    seed : int
        Seeds shuffling and random starts: the same seed gives the same run.
    fit_intercept : bool
    scale : {"auto", "none"}
        Standardise the columns internally (results in original units) or descend on raw data.
    init : "zeros", "random" or sequence of float
        Starting point: explicit values are the coefficients then the intercept, original units.
    n_starts : int
        Multi-start: further starts are random; the lowest final loss wins, all are in ``starts``.
    history_max : int
        Most rows kept in ``history`` (thinned evenly; first and last iterations always kept).
    huber_delta, momentum, beta1, beta2, eps : float
        Hyperparameters of the Huber loss, momentum/nesterov and adam.
    progress : callable, optional
        ``progress(done, total, loss)``, called at most about ten times a second.
    positive : label, optional
        ``loss="log"``: the label modelled as 1 (default: the later-sorting of the two).
    l2 : float >= 0
        ``loss="log"``: ridge penalty ``l2/2·‖w‖²`` on the standardised coefficients, intercept not
        penalised; added to the loss.

    Returns
    -------
    FitResult

    Raises
    ------
    InputError, OptionError
        ValueErrors with a one-line message naming the argument, the value and the fix.
    """
    _refuse_unknown(unknown)
    settings, progress = check_options({name: value for name, value in locals().items()
                                        if name in OPTION_NAMES})
    classes = None
    if settings.loss == "log":
        labels = encode_labels(y, settings.positive)
        y, classes = labels.y, (labels.negative, labels.positive)
    data = as_dataset(X, y, fit_intercept=settings.fit_intercept, moments=True)
    best = _fit_data(data, settings, progress, classes)
    _warn_unconverged(best)
    return best


def fit_dataset(data: Dataset, **options: Any) -> FitResult:
    """:func:`fit` on data already validated by ``as_dataset(X, y, fit_intercept=..., moments=True)``
    (or :func:`~gdfit.core.leastsq.linest.linest_dataset` with ``moments=True``). With
    ``loss="log"`` its ``y`` must already be 0/1 (1 the positive label).

    ``options`` are :func:`fit`'s keyword options with the same defaults; ``fit_intercept`` must be
    the one the data were validated for. The checks that need the data (a constant column beside
    the intercept, ``batch_size`` against the rows, ``init`` against the columns) are made here.
    """
    _refuse_unknown({name: value for name, value in options.items() if name not in OPTION_NAMES})
    settings, progress = check_options({**OPTION_DEFAULTS, **options})
    best = _fit_data(data, settings, progress)
    _warn_unconverged(best)
    return best


def _refuse_unknown(unknown: dict[str, Any]) -> None:
    if unknown:
        valid = ", ".join(OPTION_NAMES)
        raise OptionError(f"Unknown option(s) {', '.join(map(repr, unknown))}; the options of fit "
                          f"are {valid}.")


def _warn_unconverged(best: FitResult) -> None:
    if not best.converged and best.stop != "max_iter0":
        # stacklevel 3: the warning points at the caller of fit / fit_dataset
        warnings.warn(best.message, ConvergenceWarning, stacklevel=3)


def _fit_data(data: Dataset, settings: Settings, progress: Callable | None,
              classes: tuple[Any, Any] | None = None) -> FitResult:
    """Every start of the descent on validated data; the best (lowest loss) with all starts."""
    if settings.loss == "log":
        check_binary(data.y, data.y_name)
        classes = classes or (0, 1)
    if settings.fit_intercept:
        check_no_constant(data)
    check_against_data(settings, data.n, data.p)
    scaler = fit_scaler(data.X, fit_intercept=settings.fit_intercept, mode=settings.scale,
                        moments=data.moments)
    penalty = None
    if settings.l2 > 0:
        standard = scaler if settings.scale == "auto" else fit_scaler(
            data.X, fit_intercept=settings.fit_intercept, mode="auto", moments=data.moments)
        penalty = settings.l2 * (standard.scale / scaler.scale) ** 2
    problem = Problem(data, get_loss(settings.loss, settings.huber_delta), scaler,
                      settings.fit_intercept, settings.stochastic, penalty)
    results = [replace(_fit_one(problem, settings, data.labels, k, progress), classes=classes)
               for k in range(settings.n_starts)]
    best = min(results, key=lambda r: r.loss)
    if settings.n_starts > 1:
        best = replace(best, starts=tuple(results))
    return best


def _start_point(problem: Problem, settings: Settings, k: int, rng: np.random.Generator) -> np.ndarray:
    """Start ``k``: the ``init`` option for the first, random draws for the others."""
    if k == 0 and isinstance(settings.init, tuple):
        values = np.asarray(settings.init)
        intercept = float(values[-1]) if settings.fit_intercept else 0.0
        return problem.from_original(values[:problem.p], intercept)
    if k == 0 and settings.init == "zeros":
        return np.zeros(problem.size)
    # Random starts are drawn on standardised columns, at the spread of y, whatever ``scale`` is.
    spread = float(np.std(problem.y)) or 1.0
    std = (problem.scaler if settings.scale == "auto"
           else fit_scaler(problem.X, fit_intercept=settings.fit_intercept, mode="auto",
                           moments=problem.moments))
    coef_std = rng.normal(0.0, spread, problem.p)
    intercept_std = float(rng.normal(problem.offset, spread)) if settings.fit_intercept else 0.0
    coef, intercept = std.to_original(coef_std, intercept_std)
    return problem.from_original(coef, intercept)


def _fit_one(problem: Problem, settings: Settings, labels: tuple[str, ...], k: int,
             progress: Callable | None) -> FitResult:
    clock = time.perf_counter()
    rng = np.random.default_rng(settings.seed if k == 0 else [settings.seed, k])
    theta0 = _start_point(problem, settings, k, rng)
    opt = make_optimizer(settings.optimizer, momentum=settings.momentum, beta1=settings.beta1,
                         beta2=settings.beta2, eps=settings.eps)
    ctx = Context.build(problem, settings, opt, rng, theta0, progress, clock)
    out = descend(ctx, theta0)
    return _result(ctx, out, labels, time.perf_counter() - clock)


def _result(ctx: Context, out: Outcome, labels: tuple[str, ...], seconds: float) -> FitResult:
    problem, settings = ctx.problem, ctx.settings
    coef, intercept = problem.to_original(out.theta)
    options = settings.public()
    if out.stop == "max_time" and settings.n_starts == 1:
        # Time is not reproducible; the iteration count it allowed is.
        options.update(max_iter=out.n_iter, max_time=None)
    history = out.trace.frame(problem.scaler, labels, settings.fit_intercept)
    return FitResult(
        coef=coef, intercept=intercept if settings.fit_intercept else 0.0,
        loss=problem.exact_loss(out.theta), n_iter=out.n_iter, converged=out.converged,
        diverged=out.stop == "diverged", message=out.message, history=history,
        learning_rate=ctx.base_lr, options=options, labels=labels, starts=(),
        loss_name=problem.loss.name, method=settings.method, optimizer=settings.optimizer,
        schedule=ctx.schedule, fit_intercept=settings.fit_intercept, batch_size=ctx.batch,
        lipschitz=ctx.lipschitz, stable_limit=None if ctx.lipschitz is None else 2.0 / ctx.lipschitz,
        grad_norm=float(np.linalg.norm(problem.grad_to_original(out.grad))),
        n_updates=out.n_updates, stop=out.stop, seconds=seconds)


#: The keyword options of :func:`fit`, in signature order, and their defaults.
OPTION_DEFAULTS: dict[str, Any] = {name: p.default for name, p in inspect.signature(fit).parameters.items()
                                   if p.kind is p.KEYWORD_ONLY}
OPTION_NAMES: tuple[str, ...] = tuple(OPTION_DEFAULTS)
