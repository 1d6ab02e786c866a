"""Validation of the options of :func:`gdfit.fit`: one place, one-line messages.

Every error is an :class:`~gdfit.core.data.OptionError` (a ``ValueError``) naming the option, the
value given and what is accepted.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Callable

import numpy as np

from gdfit.core.data import OptionError, check_choice, check_int, check_positive
from gdfit.core.descent.losses import ALIASES, LOSSES
from gdfit.core.descent.optimizers import OPTIMIZERS
from gdfit.core.descent.schedules import SCHEDULES

__all__ = ["Settings", "check_options", "check_against_data", "METHODS", "SCALES", "INITS", "STOCHASTIC_TOL",
           "DEFAULT_BATCH"]

METHODS = ("gd", "sgd", "minibatch")
SCALES = ("auto", "none")
INITS = ("zeros", "random")
DEFAULT_BATCH = 32
#: ``tol=None`` means: off for full-batch descent, this for sgd/minibatch (noisy epoch losses).
STOCHASTIC_TOL = 1e-6


@dataclass(frozen=True)
class Settings:
    """Validated options; ``public()`` is what ``FitResult.options`` holds."""

    loss: str
    method: str
    optimizer: str
    learning_rate: float | str
    schedule: str
    line_search: bool
    batch_size: int | None
    max_iter: int
    tol: float | None
    grad_tol: float
    max_time: float | None
    seed: int
    fit_intercept: bool
    scale: str
    init: str | tuple[float, ...]
    n_starts: int
    history_max: int
    huber_delta: float
    momentum: float
    beta1: float
    beta2: float
    eps: float
    positive: Any = None
    l2: float = 0.0

    @property
    def stochastic(self) -> bool:
        return self.method != "gd"

    @property
    def tol_value(self) -> float:
        if self.tol is not None:
            return self.tol
        return STOCHASTIC_TOL if self.stochastic else 0.0

    def rows_per_step(self, n: int) -> int:
        if self.method == "gd":
            return n
        if self.method == "sgd":
            return 1
        return min(DEFAULT_BATCH, n) if self.batch_size is None else self.batch_size

    def public(self) -> dict[str, Any]:
        out = asdict(self)
        if self.loss != "log":  # logistic regression's own options: at their defaults, left unsaid
            del out["positive"], out["l2"]
        if isinstance(self.init, tuple):
            out["init"] = list(self.init)
        return out


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise OptionError(f"The {name!r} option must be True or False; got {value!r}.")
    return bool(value)


def _check_fraction(name: str, value: Any) -> float:
    value = check_positive(name, value, allow_zero=True)
    if value >= 1.0:
        raise OptionError(f"The {name!r} option must be a number in [0, 1); got {value!r}.")
    return value


def _check_learning_rate(value: Any) -> float | str:
    if isinstance(value, str) and value.strip().lower() == "auto":
        return "auto"
    try:
        return check_positive("learning_rate", value)
    except OptionError:
        raise OptionError(f"The 'learning_rate' option must be a number in (0, inf) or 'auto'; "
                          f"got {value!r}.") from None


def _check_init(value: Any) -> str | tuple[float, ...]:
    if isinstance(value, str):
        return check_choice("init", value, INITS)
    try:
        values = np.asarray(value, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        values = None
    if values is None or not np.isfinite(values).all() or isinstance(value, (bool, np.bool_)):
        raise OptionError(f"The 'init' option must be 'zeros', 'random' or a list of numbers "
                          f"(coefficients, then the intercept); got {value!r}.")
    return tuple(float(v) for v in values)


def _check_method_batch(method: str, batch_size: Any, line_search: bool) -> int | None:
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, minimum=1)
        if method == "gd" or (method == "sgd" and batch_size != 1):
            raise OptionError(f"The 'batch_size' option applies to method='minibatch'; got "
                              f"batch_size={batch_size} with method={method!r} (gd uses every row, "
                              "sgd one row per step).")
    if line_search and method != "gd":
        raise OptionError(f"The 'line_search' option needs method='gd' (the Armijo test uses the "
                          f"loss on all rows); got method={method!r}.")
    return batch_size


def check_options(opts: dict[str, Any]) -> tuple[Settings, Callable | None]:
    """Validate every option that does not depend on the data; return them and ``progress``."""
    o = dict(opts)
    progress = o.pop("progress")
    if progress is not None and not callable(progress):
        raise OptionError(f"The 'progress' option must be a function progress(done, total, loss) "
                          f"or None; got {progress!r}.")
    loss = check_choice("loss", o["loss"], (*LOSSES, *ALIASES))
    method = check_choice("method", o["method"], METHODS)
    line_search = _check_bool("line_search", o["line_search"])
    settings = Settings(
        loss=ALIASES.get(loss, loss), method=method,
        optimizer=check_choice("optimizer", o["optimizer"], tuple(OPTIMIZERS)),
        learning_rate=_check_learning_rate(o["learning_rate"]),
        schedule=check_choice("schedule", o["schedule"], SCHEDULES), line_search=line_search,
        batch_size=_check_method_batch(method, o["batch_size"], line_search),
        max_iter=check_int("max_iter", o["max_iter"], minimum=0),
        tol=None if o["tol"] is None else check_positive("tol", o["tol"], allow_zero=True),
        grad_tol=check_positive("grad_tol", o["grad_tol"], allow_zero=True),
        max_time=None if o["max_time"] is None else check_positive("max_time", o["max_time"]),
        seed=check_int("seed", o["seed"], minimum=0),
        fit_intercept=_check_bool("fit_intercept", o["fit_intercept"]),
        scale=check_choice("scale", o["scale"], SCALES), init=_check_init(o["init"]),
        n_starts=check_int("n_starts", o["n_starts"], minimum=1),
        history_max=check_int("history_max", o["history_max"], minimum=2),
        huber_delta=check_positive("huber_delta", o["huber_delta"]),
        momentum=_check_fraction("momentum", o["momentum"]), beta1=_check_fraction("beta1", o["beta1"]),
        beta2=_check_fraction("beta2", o["beta2"]), eps=check_positive("eps", o["eps"]),
        positive=o["positive"], l2=check_positive("l2", o["l2"], allow_zero=True))
    if settings.loss != "log":
        # Both belong to logistic regression: a label to call 1, and a penalty that keeps its
        # coefficients finite under separation.
        for name, off in (("positive", None), ("l2", 0.0)):
            if o[name] != off:
                raise OptionError(f"The {name!r} option applies to loss='log' (logistic regression); got "
                                  f"{name}={o[name]!r} with loss={settings.loss!r}.")
    return settings, progress


def check_against_data(settings: Settings, n: int, p: int) -> None:
    """The checks that need the number of rows ``n`` and columns ``p``."""
    if settings.batch_size is not None and settings.batch_size > n:
        raise OptionError(f"The 'batch_size' option must be at most the number of rows ({n}); "
                          f"got {settings.batch_size}.")
    if isinstance(settings.init, tuple):
        k = p + int(settings.fit_intercept)
        if len(settings.init) != k:
            what = f"{p} coefficient(s)" + (" then the intercept" if settings.fit_intercept else "")
            raise OptionError(f"The 'init' option must hold {k} value(s), {what}; "
                              f"got {len(settings.init)}.")
