"""Two-label responses: 0/1, TRUE/FALSE or any two distinct labels, encoded as 0.0 and 1.0.

The positive label (encoded 1) is the later-sorting of the two unless ``positive=`` names one, so
0/1 keeps its meaning, TRUE is positive over FALSE, and "pass" over "fail". Labels of mixed types
(a number and a word) sort by their text.
"""
from __future__ import annotations

from numbers import Real
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from gdfit.core.data import InputError, OptionError

__all__ = ["Labels", "encode_labels", "check_binary"]


class Labels(NamedTuple):
    """The response as 0.0/1.0, and the labels they stand for."""

    y: np.ndarray | pd.Series  # a Series keeps the response's name
    negative: Any
    positive: Any


def _plain(value: Any) -> Any:
    """numpy scalars as Python ones, and whole floats as ints (Excel hands 1.0 for 1)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    return isinstance(value, Real) and not isinstance(value, bool) and not np.isfinite(value)


def _sort_key(value: Any) -> tuple:
    if isinstance(value, bool):
        return (0, int(value), "")
    if isinstance(value, Real):
        return (1, float(value), "")
    return (2, 0.0, str(value))


def encode_labels(y: Any, positive: Any = None, y_name: str = "y") -> Labels:
    """``y`` as 0.0/1.0 with the positive label 1; one-line errors for anything but two labels."""
    name = getattr(y, "name", None) if hasattr(y, "to_numpy") else None
    values = y.to_numpy() if hasattr(y, "to_numpy") else y
    arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    if arr.ndim == 2 and 1 in arr.shape:
        arr = arr.reshape(-1)
    if arr.ndim != 1:
        raise InputError(f"{y_name} must be one column of labels; got shape {arr.shape}.")
    if arr.size == 0:
        raise InputError(f"{y_name} is empty; give at least two rows of data.")
    if arr.dtype.kind in "biuf":
        return _encode_numeric(arr, positive, name, y_name)
    plain = [_plain(v) for v in arr]
    for i, v in enumerate(plain):
        if _missing(v):
            kind = "a blank" if v is None or isinstance(v, str) else f"{v!r}"
            raise InputError(f"{y_name} has {kind} at row {i + 1}; every row needs one of the two labels.")
    distinct = sorted(set(plain), key=_sort_key)
    if len(distinct) > 2:
        shown = ", ".join(map(repr, distinct[:4])) + (", ..." if len(distinct) > 4 else "")
        raise InputError(f"{y_name} has {len(distinct)} distinct labels ({shown}); logistic regression "
                         "needs exactly two (0/1, TRUE/FALSE or two words).")
    if len(distinct) < 2:
        raise InputError(f"every {y_name} is {distinct[0]!r}; logistic regression needs rows of both "
                         "outcomes to tell them apart.")
    negative, positive_label = distinct
    if positive is not None:
        wanted = _plain(positive)
        if wanted not in distinct:
            raise OptionError(f"The 'positive' option must be one of the labels in {y_name} "
                              f"({negative!r} or {positive_label!r}); got {positive!r}.")
        if wanted == negative:
            negative, positive_label = positive_label, negative
    encoded = np.fromiter((v == positive_label for v in plain), dtype=np.float64, count=len(plain))
    return Labels(pd.Series(encoded, name=name) if name is not None else encoded, negative, positive_label)


def _encode_numeric(arr: np.ndarray, positive: Any, name: Any, y_name: str) -> Labels:
    """The same for a numeric or boolean array, without a Python loop over its rows."""
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        bad = int(np.argmax(~np.isfinite(arr)))
        raise InputError(f"{y_name} has {arr[bad]} at row {bad + 1}; every row needs one of the two labels.")
    distinct = [_plain(v) for v in np.unique(arr)]
    objects = np.asarray(distinct, dtype=object)
    if len(distinct) != 2:
        return encode_labels(objects if len(distinct) > 2 else np.repeat(objects, 2), positive, y_name)
    negative, positive_label = distinct
    if positive is not None:
        wanted = _plain(positive)
        if wanted not in distinct or isinstance(wanted, bool) != (arr.dtype.kind == "b"):
            raise OptionError(f"The 'positive' option must be one of the labels in {y_name} "
                              f"({negative!r} or {positive_label!r}); got {positive!r}.")
        if wanted == negative:
            negative, positive_label = positive_label, negative
    encoded = (arr == positive_label).astype(np.float64)
    return Labels(pd.Series(encoded, name=name) if name is not None else encoded, negative, positive_label)


def check_binary(y: np.ndarray, y_name: str = "y") -> None:
    """Refuse an already-numeric response that is not 0/1 with both values present."""
    ones = y == 1.0
    if not np.all(ones | (y == 0.0)):
        bad = int(np.argmax(~(ones | (y == 0.0))))
        raise InputError(f"{y_name} has {y[bad]:g} at row {bad + 1}; the log loss needs labels 0 and 1 "
                         "(gdfit.fit encodes any two labels itself).")
    if ones.all() or not ones.any():
        raise InputError(f"every {y_name} is {y[0]:g}; logistic regression needs rows of both outcomes.")
