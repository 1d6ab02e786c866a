"""One-line explanations of why a fit stopped, with the fix when it did not converge."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from gdfit.core.descent.loop import Context

__all__ = ["describe"]

_NARROW = 1e4  # condition number above which raw columns make descent crawl


def _units(ctx: "Context", t: int) -> str:
    word = "epoch" if ctx.settings.stochastic else "iteration"
    return f"{t} {word}" + ("" if t == 1 else "s")


def describe(ctx: "Context", stop: str, t: int, st: Any) -> str:
    """The ``message`` of a FitResult."""
    s, loss = ctx.settings, ctx.problem.loss.name
    done = _units(ctx, t)
    if stop == "grad_tol":
        return (f"Converged after {done}: the gradient norm fell below grad_tol={s.grad_tol:g} "
                "times its reference.")
    if stop == "grad_zero":
        return f"Converged after {done}: zero is a subgradient of the {loss} loss here, so this is its minimum."
    if stop == "step":
        head = (f"Converged after {done}: the loss stopped improving while the adaptive schedule halved "
                f"the step to grad_tol={s.grad_tol:g} of its first size")
        if ctx.problem.loss.smooth:
            return head + "."
        return head + (" (a subgradient method: the absolute error has no gradient at its minimum); "
                       "returned the best iterate.")
    if stop == "tol":
        plain = not s.stochastic and s.optimizer == "plain"
        span = "in one iteration" if plain else f"on its best in five {'epochs' if s.stochastic else 'iterations'} in a row"
        tail = (" Stochastic steps stay as noisy as the step size: schedule='adaptive' or 'invscaling' "
                "settles closer." if s.stochastic and ctx.schedule == "constant" else "")
        return (f"Converged after {done}: the loss improved by less than tol={s.tol_value:g} (relative) "
                f"{span}.{tail}")
    if stop == "diverged":
        return _diverged(ctx, t, st)
    if stop == "stalled":
        return (f"Stopped after {done}: the line search found no step that lowers the loss (it is flat to "
                "float64 precision here, or the subgradient is not a descent direction).")
    if stop == "shrunk":
        return (f"Stopped after {done}: the loss stopped improving until the adaptive schedule had halved "
                f"the step to grad_tol={s.grad_tol:g} of its first size, yet the gradient test did not "
                "hold; try schedule='constant' or another optimizer.")
    if stop == "max_iter0":
        return "max_iter=0: returned the starting point without iterating."
    return _not_converged(ctx, stop, done, st)


def _not_converged(ctx: "Context", stop: str, done: str, st: Any) -> str:
    """max_iter / max_time: where the run got to, and what to change."""
    s = ctx.settings
    ratio = float(np.linalg.norm(st.grad)) / ctx.ref_grad if ctx.ref_grad > 0 else 0.0
    where = f"gradient norm {ratio:.1e} of its reference" if ctx.problem.loss.smooth else f"loss {st.best[0]:.6g}"
    if stop == "max_time":
        head = (f"Stopped at max_time={s.max_time:g} s after {done} before converging ({where}); "
                "Consider increasing max_time or max_iter.")
    else:
        head = (f"Stopped at max_iter={s.max_iter} ({done}) before converging ({where}); "
                "Consider increasing max_iter.")
    if st.grew:
        head = (f"{head.split(';')[0]}; the loss ended above where it started ({ctx.value0:.6g} -> "
                f"{st.value:.6g}), so the step is too large: lower learning_rate or use learning_rate='auto'.")
    elif _beyond_stability(ctx):
        # More iterations would only let it blow up: the advice is a smaller rate.
        head = (f"{head.split(';')[0]}; learning_rate={ctx.base_lr:g} is above the stability limit "
                f"2/L = {2.0 / ctx.lipschitz:.4g}, so the loss will grow: use learning_rate='auto' or at most "
                f"1/L = {1.0 / ctx.lipschitz:.4g}.")
    return " ".join([head, *_hints(ctx, st)])


def _beyond_stability(ctx: "Context") -> bool:
    """Plain full-batch descent on a quadratic loss with a step past 2/L, where it must diverge."""
    s = ctx.settings
    return (not s.stochastic and s.optimizer == "plain" and ctx.problem.quadratic and ctx.schedule == "constant"
            and bool(ctx.lipschitz) and ctx.base_lr > 2.0 / ctx.lipschitz)


def _diverged(ctx: "Context", t: int, st: Any) -> str:
    lr = f"learning_rate={ctx.base_lr:g}"
    what = f"Diverged at iteration {t} with {lr}"
    if st.grew:
        what = (f"Diverging: after {_units(ctx, t)} with {lr} the loss had grown from {ctx.value0:.6g} to "
                f"{st.value:.6g}, so more iterations would not help")
    if ctx.lipschitz is None or not ctx.lipschitz > 0:
        return (f"{what}: the loss exploded; use learning_rate='auto' or a smaller value. Returned the "
                "best finite iterate.")
    return (f"{what}: the stability limit of gradient descent on this data is 2/L = {2.0 / ctx.lipschitz:.4g}; "
            f"use learning_rate='auto' or at most 1/L = {1.0 / ctx.lipschitz:.4g}. Returned the best finite "
            "iterate.")


def _hints(ctx: "Context", st: Any) -> list[str]:
    """Why a run that ran out of iterations was slow, and what to change."""
    s, problem = ctx.settings, ctx.problem
    hints = []
    if not problem.loss.smooth and ctx.schedule != "adaptive":
        hints.append(f"The {problem.loss.name} loss has no gradient at its minimum, so this step keeps "
                     "oscillating around it (a subgradient method): use learning_rate='auto' or "
                     "schedule='adaptive'.")
    if problem.loss.kind == "huber":
        outside = float(np.mean(np.abs(problem.residuals(st.theta)) > problem.loss.delta))
        if outside > 0.5:
            hints.append(f"{outside:.0%} of the residuals are beyond huber_delta={problem.loss.delta:g}, "
                         "where the Huber loss is linear and steps stay small: start nearer (init) or "
                         "raise huber_delta.")
    if problem.loss.needs_labels and problem.penalty is None and _separates(problem, st.theta):
        hints.append("These coefficients classify every row correctly, so the classes are separated: "
                     "the log-likelihood has no finite maximum and the coefficients grow without bound "
                     "as the loss creeps to 0; use l2= for a finite answer.")
    if s.scale == "none" and problem.p and problem.condition > _NARROW:
        hints.append(f"The raw columns make the loss a long narrow valley (condition number "
                     f"{problem.condition:.1e}), so descent crawls: use scale='auto'.")
    if s.learning_rate != "auto" and ctx.lipschitz and ctx.base_lr < 0.1 / ctx.lipschitz:
        hints.append(f"learning_rate={ctx.base_lr:g} is far below the safe 1/L = {1.0 / ctx.lipschitz:.4g}: "
                     "try learning_rate='auto'.")
    return hints


def _separates(problem: Any, theta: np.ndarray) -> bool:
    """Every row on its own label's side of the line: a complete separation, which no step can end."""
    z = problem.residuals(theta) + problem.y
    return bool(np.all(np.where(problem.y == 1.0, z > 0, z < 0)))
