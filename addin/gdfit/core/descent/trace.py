"""The iteration history of a fit, bounded in length.

Rows are kept on a grid of iterations (every ``stride``-th); when the table is full every second
row is dropped and the stride doubles, so a run of any length keeps at most ``capacity`` rows,
spread evenly. Row 0 (the starting point) always stays, and the last iteration is always kept.
"""
from __future__ import annotations

from typing import NamedTuple, Sequence

import numpy as np
import pandas as pd

from gdfit.core.data import Scaler

__all__ = ["Row", "Trace", "FIXED_COLUMNS"]

FIXED_COLUMNS = ("iteration", "loss", "grad_norm", "learning_rate")


class Row(NamedTuple):
    iteration: int
    loss: float
    grad_norm: float  # with respect to the parameters in original units
    learning_rate: float  # the step that led to this row (row 0: the base learning rate)
    theta: np.ndarray  # parameters in the optimizer's units


class Trace:
    """Bounded, evenly thinned history (see the module docstring)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.stride = 1
        self.rows: list[Row] = []
        self.latest: Row | None = None  # last row seen, kept for the end even if off the grid

    def add(self, row: Row) -> None:
        self.latest = row
        if row.iteration % self.stride:
            return
        if len(self.rows) >= self.capacity:
            self.rows = self.rows[::2]
            self.stride *= 2
            if row.iteration % self.stride:
                return
        self.rows.append(row)

    def final_rows(self) -> list[Row]:
        rows = list(self.rows)
        if self.latest is not None and (not rows or self.latest.iteration > rows[-1].iteration):
            if len(rows) >= self.capacity:
                rows.pop()  # the last grid row gives way to the last iteration (row 0 never does)
            rows.append(self.latest)
        return rows

    def frame(self, scaler: Scaler, labels: Sequence[str], fit_intercept: bool) -> pd.DataFrame:
        """The history as a DataFrame with one column per parameter in original units."""
        rows = self.final_rows()
        names = parameter_columns(labels, fit_intercept)
        k = len(names)
        thetas = np.array([r.theta for r in rows], dtype=float).reshape(len(rows), k)
        params = scaler.params_to_original(thetas) if k else thetas
        table = pd.DataFrame({
            "iteration": np.array([r.iteration for r in rows], dtype=np.int64),
            "loss": [r.loss for r in rows],
            "grad_norm": [r.grad_norm for r in rows],
            "learning_rate": [r.learning_rate for r in rows],
        })
        for j, name in enumerate(names):
            table[name] = params[:, j]
        return table


def parameter_columns(labels: Sequence[str], fit_intercept: bool) -> list[str]:
    """History column names: the labels, then ``intercept``; a label that clashes gets ``coef ``."""
    reserved = set(FIXED_COLUMNS) | ({"intercept"} if fit_intercept else set())
    names: list[str] = []
    for label in map(str, labels):
        name = f"coef {label}" if label in reserved else label
        while name in names:  # repeated DataFrame headers must not overwrite each other
            name += "'"
        names.append(name)
    return names + (["intercept"] if fit_intercept else [])
