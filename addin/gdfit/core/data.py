"""Input validation, the design matrix, and feature scaling.

Every public entry point (fit, closed_form, linest, solve, the worksheet functions, the CLI)
passes its data through :func:`as_dataset`, so the one-line error messages are written once. A
run that feeds one data set to several methods (``compare``, ``gdfit train``, the Train button)
validates it once and hands the :class:`Dataset` down to their ``*_dataset`` entry points.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from numbers import Real
from typing import Any

import numpy as np

from gdfit.core.moments import Moments, column_moments

__all__ = ["InputError", "OptionError", "Dataset", "Scaler", "as_dataset", "fit_scaler", "design",
           "check_no_constant", "check_choice", "check_positive", "check_int"]


class InputError(ValueError):
    """Bad data: the message is one line naming the argument, the value or row, and the fix."""


class OptionError(ValueError):
    """Bad option: the message names the option, the value given and what is accepted."""


@dataclass(frozen=True)
class Dataset:
    """Validated numeric data: ``X`` is (n, p) float64, ``y`` is (n,) float64.

    ``moments`` holds the column statistics of :mod:`gdfit.core.moments` when they were asked for
    (None otherwise, or when the sums overflow). ``x_name``/``y_name`` are the names the data were
    validated under, so checks made later on (a constant column) word their messages the same way.
    """

    X: np.ndarray
    y: np.ndarray
    labels: tuple[str, ...]
    y_label: str
    moments: Moments | None = field(default=None, repr=False, compare=False)
    x_name: str = field(default="X", repr=False, compare=False)
    y_name: str = field(default="y", repr=False, compare=False)

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def p(self) -> int:
        return self.X.shape[1]


def _labels_and_values(X: Any, n_hint: int | None) -> tuple[tuple[str, ...] | None, Any]:
    """Split a DataFrame/Series into labels and values; pass arrays through."""
    columns = getattr(X, "columns", None)
    if columns is not None:  # pandas DataFrame
        return tuple(str(c) for c in columns), X.to_numpy()
    name = getattr(X, "name", None)
    if name is not None and hasattr(X, "to_numpy"):  # pandas Series
        return (str(name),), X.to_numpy()
    if X is None:
        return (), np.empty((n_hint or 0, 0))
    return None, X


def _first_bad(values: np.ndarray) -> tuple[int, int, Any] | None:
    """Return (row, column, value) of the first entry that is not a real number."""
    flat = values.reshape(values.shape[0], -1) if values.ndim > 1 else values.reshape(-1, 1)
    for i, row in enumerate(flat):
        for j, v in enumerate(row):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (Real, np.number)):
                return i, j, v
    return None


def _to_float(values: Any, arg: str) -> np.ndarray:
    """Convert to a float64 array, naming the first non-numeric cell on failure."""
    # Lists (e.g. Excel ranges) go through object dtype so a stray TRUE is not silently read as 1.
    try:
        arr = values if isinstance(values, np.ndarray) else np.array(values, dtype=object)
    except ValueError:
        raise InputError(f"{arg} must be a rectangular range of numbers (rows of equal length).") from None
    if arr.dtype.kind == "O" and arr.size and all(type(v) in (float, int) for v in arr.flat):
        return arr.astype(np.float64)
    if arr.dtype.kind in "fiu":
        return arr.astype(np.float64, copy=False)
    if arr.dtype.kind == "b":
        raise InputError(f"{arg} holds TRUE/FALSE values; give numbers (convert booleans to 0/1 first).")
    obj = arr.astype(object)
    bad = _first_bad(obj)
    if bad is not None:
        i, j, v = bad
        where = f"row {i + 1}" + (f", column {j + 1}" if obj.ndim > 1 and obj.shape[-1] > 1 else "")
        kind = "a blank" if v is None else f"{v!r}"
        raise InputError(f"{arg} has {kind} at {where}; every cell must be a number "
                         "(remove headers, text and blanks from the range).")
    return obj.astype(np.float64)


def _check_finite(arr: np.ndarray, arg: str) -> None:
    if np.isfinite(arr).all():
        return
    bad = np.argwhere(~np.isfinite(arr))[0]
    value = arr[tuple(bad)]
    where = f"row {bad[0] + 1}" + (f", column {bad[1] + 1}" if arr.ndim > 1 and arr.shape[1] > 1 else "")
    raise InputError(f"{arg} has {value} at {where}; remove or fill missing and infinite values.")


# Squares of values beyond these bounds overflow or vanish in float64 (and with them every sum of
# squares a fit needs), so such data are refused with the factor that brings them into range.
_HUGE, _TINY = 1e150, 1e-150


def _check_magnitude(arr: np.ndarray, what: list[str], proven: np.ndarray | None = None) -> None:
    """Refuse a column (or y) whose values are too large, or all too small, to square.

    Columns marked in ``proven`` (their range shown by the moments) need no scan.
    """
    cols = arr.reshape(arr.shape[0], -1)
    todo = np.arange(cols.shape[1]) if proven is None else np.flatnonzero(~proven)
    if cols.size == 0 or todo.size == 0:
        return
    scanned = cols if todo.size == cols.shape[1] else cols[:, todo]
    peaks = np.maximum(scanned.max(axis=0), -scanned.min(axis=0))
    for j, peak in zip(todo, peaks):
        if _TINY <= peak <= _HUGE or peak == 0:
            continue
        row = int(np.argmax(np.abs(cols[:, j])))
        factor = f"1e{int(round(np.log10(peak)))}"
        if peak > _HUGE:
            raise InputError(f"{what[j]} has {cols[row, j]:.3g} at row {row + 1}; values beyond 1e150 in size "
                             f"overflow when squared: rescale it (divide by {factor}).")
        raise InputError(f"{what[j]} has no value larger than {peak:.3g} in size; values this small vanish "
                         f"when squared: rescale it (multiply by {factor.replace('e-', 'e')}).")


def _finite_moments(X: np.ndarray, y: np.ndarray, x_name: str, y_name: str) -> Moments | None:
    """The moments, whose finite sums prove the data finite; else the exact scan names the cell."""
    m = column_moments(X, y)
    if m.finite:
        return m
    _check_finite(y, y_name)
    _check_finite(X, x_name)
    return None  # finite values too large to sum: the caller computes without the moments


def check_no_constant(data: Dataset) -> None:
    """Refuse a constant column of ``X``: beside an intercept it leaves the fit without a unique answer.

    With the data's moments only the columns they cannot clear are read.
    """
    X = data.X
    candidates = range(X.shape[1]) if data.moments is None else data.moments.maybe_constant()
    for j in candidates:
        if np.all(X[:, j] == X[0, j]):
            raise InputError(f"{data.x_name} column {data.labels[j]!r} is constant (every row = {X[0, j]:g}); "
                             "remove it, it duplicates the intercept.")


def as_dataset(X: Any, y: Any, *, fit_intercept: bool = True, reject_constant: bool = False,
               moments: bool = False, x_name: str = "X", y_name: str = "y") -> Dataset:
    """Validate ``X`` and ``y`` and return them as float64 arrays with labels.

    ``X`` may be a 2-D array, a 1-D array (one feature), a DataFrame (column names become labels),
    ``None`` or an (n, 0) array (intercept-only model). ``y`` may be 1-D or a single column.
    ``moments=True`` gathers the column statistics in the pass that checks the values are finite.
    Float64 arrays in C order are used as they are, never copied.
    """
    y_labels, y_values = _labels_and_values(y, None)
    y_arr = _to_float(y_values, y_name)
    if y_arr.ndim == 2 and 1 in y_arr.shape:
        y_arr = y_arr.reshape(-1)
    if y_arr.ndim != 1:
        raise InputError(f"{y_name} must be one column of numbers; got shape {y_arr.shape}.")
    n = y_arr.shape[0]
    if n == 0:
        raise InputError(f"{y_name} is empty; give at least two rows of data.")
    labels, x_values = _labels_and_values(X, n)
    X_arr = _to_float(x_values, x_name)
    if X_arr.ndim == 1:
        X_arr = X_arr.reshape(-1, 1)
    if X_arr.ndim != 2:
        raise InputError(f"{x_name} must be a table (rows × columns); got {X_arr.ndim} dimensions.")
    if X_arr.shape[0] != n:
        raise InputError(f"{x_name} has {X_arr.shape[0]} rows but {y_name} has {n}; "
                         "give both ranges the same number of rows.")
    X_arr, y_arr = np.ascontiguousarray(X_arr), np.ascontiguousarray(y_arr)
    stats = None
    if moments:
        stats = _finite_moments(X_arr, y_arr, x_name, y_name)
    else:
        _check_finite(y_arr, y_name)
        _check_finite(X_arr, x_name)
    p = X_arr.shape[1]
    if labels is None or len(labels) != p:
        labels = tuple(f"x{j + 1}" for j in range(p)) if p > 1 else (("x",) if p == 1 else ())
    proven = None
    if stats is not None:  # the sums bound each column's largest value: scan only the undecided
        lower, upper = stats.peak_bounds()
        proven = (lower >= _TINY) & (upper <= _HUGE)
    _check_magnitude(y_arr, [y_name], None if proven is None else proven[-1:])
    _check_magnitude(X_arr, [f"{x_name} column {label!r}" for label in labels],
                     None if proven is None else proven[:-1])
    n_params = p + int(fit_intercept)
    if n_params == 0:
        raise InputError(f"{x_name} has no columns and fit_intercept is False; there is nothing to fit.")
    if n < n_params:
        raise InputError(f"{y_name} has {n} row(s) but the model has {n_params} parameters; "
                         f"give at least {n_params} rows or fewer columns.")
    y_label = y_labels[0] if y_labels else "y"
    data = Dataset(X_arr, y_arr, tuple(labels), y_label, stats, x_name, y_name)
    if reject_constant and fit_intercept:
        check_no_constant(data)
    return data


@dataclass(frozen=True)
class Scaler:
    """Affine change of variables ``z = (x - center) / scale`` and its effect on coefficients.

    A model ``y = z @ w_s + b_s`` in scaled units equals ``y = x @ w + b`` with
    ``w = w_s / scale`` and ``b = b_s - sum(w_s * center / scale)``.
    """

    center: np.ndarray
    scale: np.ndarray

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (X - self.center) / self.scale

    def to_original(self, coef_s: np.ndarray, intercept_s: float) -> tuple[np.ndarray, float]:
        coef = coef_s / self.scale
        return coef, float(intercept_s - coef @ self.center)

    def to_scaled(self, coef: np.ndarray, intercept: float) -> tuple[np.ndarray, float]:
        return coef * self.scale, float(intercept + coef @ self.center)

    def params_to_original(self, thetas: np.ndarray) -> np.ndarray:
        """Map rows of ``[w_s..., b_s]`` (or ``[w_s...]`` without intercept) to original units."""
        thetas = np.atleast_2d(thetas)
        p = self.scale.shape[0]
        out = np.array(thetas, dtype=np.float64, copy=True)
        out[:, :p] = thetas[:, :p] / self.scale
        if thetas.shape[1] > p:
            out[:, p] = thetas[:, p] - out[:, :p] @ self.center
        return out


def design(X: np.ndarray, fit_intercept: bool) -> np.ndarray:
    """``X`` with a column of ones appended when there is an intercept: the columns of
    ``[coef..., intercept]``, the parameter order gdfit reports."""
    return np.column_stack([X, np.ones(X.shape[0])]) if fit_intercept else X


def fit_scaler(X: np.ndarray, *, fit_intercept: bool, mode: str = "auto",
               moments: Moments | None = None) -> Scaler:
    """Standardise columns (mean 0, sd 1) when there is an intercept; otherwise divide by the RMS.

    ``mode="none"`` returns the identity, which runs gradient descent on the raw data. With the
    data's ``moments`` no pass over ``X`` is needed.
    """
    p = X.shape[1]
    if mode == "none" or p == 0:
        return Scaler(np.zeros(p), np.ones(p))
    if moments is not None:
        center = moments.mean()[:p] if fit_intercept else np.zeros(p)
        spread = moments.variance() if fit_intercept else moments.mean_square()
        scale = np.sqrt(spread[:p])
    elif fit_intercept:
        center = X.mean(axis=0)
        scale = X.std(axis=0)
    else:
        center = np.zeros(p)
        scale = np.sqrt(np.mean(X * X, axis=0))
    scale = np.where(scale > 0, scale, 1.0)
    return Scaler(center, scale)


def check_choice(name: str, value: Any, choices: Any) -> str:
    """Return ``value`` if it is one of ``choices`` (case-insensitive), else raise OptionError."""
    key = str(value).strip().lower() if isinstance(value, str) else value
    if key not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise OptionError(f"The {name!r} option must be one of {valid}; got {value!r}.")
    return key


def check_positive(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """Return ``value`` as a float if it is finite and > 0 (>= 0 with ``allow_zero``)."""
    ok = isinstance(value, (Real, np.number)) and not isinstance(value, (bool, np.bool_))
    ok = ok and np.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = "[0, inf)" if allow_zero else "(0, inf)"
        raise OptionError(f"The {name!r} option must be a number in {bound}; got {value!r}.")
    return float(value)


def check_int(name: str, value: Any, *, minimum: int = 0) -> int:
    """Return ``value`` as an int if it is a whole number >= ``minimum``."""
    ok = isinstance(value, (Real, np.number)) and not isinstance(value, (bool, np.bool_))
    ok = ok and np.isfinite(value) and float(value).is_integer() and value >= minimum
    if not ok:
        raise OptionError(f"The {name!r} option must be a whole number >= {minimum}; got {value!r}.")
    return int(value)
