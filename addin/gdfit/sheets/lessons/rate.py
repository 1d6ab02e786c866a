"""The learning-rate lesson: the ad-spend line trained with a rate too small, right, too large
and diverging; the stable limit 2/L and the auto rate 1/L; a sweep of the loss after k steps."""
from __future__ import annotations

import warnings

import numpy as np

from gdfit.core.descent.fit import fit
from gdfit.datasets import ad_spend
from gdfit.report.model import ChartSpec, ColumnRef, Note, Report, SeriesSpec, SheetSpec, Table

from .common import CHART_ROWS, NUMBER, ad_spend_data, finish_sheet, readme_sheet, ref, with_manifest

__all__ = ["RATE_RUNS", "rate_runs", "rate_sweep", "learning_rate_report"]

#: (label, rate as a multiple of the auto rate 1/L); 2/L is the stable limit.
RATE_RUNS = (("too small (0.05/L)", 0.05), ("auto rate 1/L", 1.0),
             ("too large (1.8/L): oscillates", 1.8), ("beyond 2/L (2.5/L): diverges", 2.5))
MAX_ITER = 60
SWEEP_STEPS = 20
SWEEP_FACTORS = np.geomspace(0.01, 2.2, 25)  # multiples of 1/L, up to past the stable limit


def _fit(rate: float, max_iter: int):

    d = ad_spend()
    with warnings.catch_warnings():  # stopping at max_iter or diverging is what the lesson shows
        warnings.simplefilter("ignore")
        return fit(d[["ad_spend"]], d["sales"], learning_rate=rate, max_iter=max_iter, scale="auto")


def auto_rate() -> tuple[float, float]:
    """The curvature bound L of the (scaled) ad-spend MSE and the auto rate 1/L gdfit picks."""
    r = _fit("auto", 0)
    return float(r.lipschitz), float(1.0 / r.lipschitz)


def rate_runs() -> list:
    """One ``FitResult`` per entry of ``RATE_RUNS``."""
    _, base = auto_rate()
    return [_fit(factor * base, MAX_ITER) for _, factor in RATE_RUNS]


def rate_sweep() -> list[list]:
    """Rows ``[rate, rate × L, loss after SWEEP_STEPS steps, diverged]`` over ``SWEEP_FACTORS``."""
    _, base = auto_rate()
    rows = []
    for factor in SWEEP_FACTORS:
        r = _fit(float(factor * base), SWEEP_STEPS)
        rows.append([float(factor * base), float(factor), None if r.diverged else float(r.loss), bool(r.diverged)])
    return rows


def _curves(runs) -> list[list]:
    """Loss and slope by iteration, one column each per run; blank after a run stopped."""
    rows = []
    for i in range(MAX_ITER + 1):
        row: list = [i]
        for column in ("loss", "ad_spend"):
            for r in runs:
                h = r.history
                row.append(float(h[column].iloc[i]) if i < len(h) else None)
        rows.append(row)
    return rows


def _summary_rows(runs) -> list[list]:
    L, base = auto_rate()
    rows = [["curvature bound L", L, None, None, None, None], ["auto rate 1/L", base, 1.0, None, None, None],
            ["stable limit 2/L", 2.0 * base, 2.0, None, None, None]]
    for (label, factor), r in zip(RATE_RUNS, runs):
        how = "diverged" if r.diverged else "converged" if r.converged else f"stopped after {r.n_iter} steps"
        rows.append([label, factor * base, factor, r.n_iter, float(r.loss) if not r.diverged else None, how])
    return rows


CURVES_SHEET = "Iterations"  # not "History": Excel reserves that sheet name (its UI refuses it)
LOSS_AXIS, SLOPE_AXIS = (0.1, 1e4), (-0.1, 0.3)


def _within(curves: Table, label: str, column: str, axis: tuple[float, float]) -> SeriesSpec:
    """A run's series up to its last point inside the chart's axis range: a diverging run's
    points beyond the axis would be drawn as lines through the whole plot (a wall of bars)."""
    j = curves.column_index(column)
    values = [row[j] for row in curves.rows]
    last = -1
    for i, v in enumerate(values):
        if v is None:
            continue
        if not axis[0] <= v <= axis[1]:
            break
        last = i
    name = label if last == len(values) - 1 or values[last + 1] is None else f"{label} (until it leaves the chart)"
    if last < 0:
        last = 0
    c = lambda col: ColumnRef(CURVES_SHEET, "curves", col, rows=(0, last))  # noqa: E731
    return SeriesSpec(name, c("iteration"), c(column), style="markers+line", marker_size=3)


def learning_rate_report() -> Report:
    """Read me, the four runs (loss and slope charts), the rate table, and the sweep."""
    runs = rate_runs()
    labels = [label for label, _ in RATE_RUNS]
    header = ["iteration"] + [f"loss: {x}" for x in labels] + [f"slope: {x}" for x in labels]
    sheet = SheetSpec("Runs", notes=[Note("A1", "Four learning rates on the ad-spend data (scaled)", "title",
                                          span=8)])
    sheet.notes.append(Note("L3", "The rates, against the limits the data sets", "heading", span=6))
    sheet.tables.append(Table("L4", ["rate", "value", "× 1/L", "iterations", "final MSE", "how it stopped"],
                              _summary_rows(runs), [None, "0.0000", "0.00", "0", NUMBER, None],
                              name="rate_table", id="rates"))
    history = SheetSpec(CURVES_SHEET, notes=[Note("A1", "Loss and slope at each iteration (blank after a run "
                                                     "stopped)", "heading", span=8)])
    history.tables.append(Table("A3", header, _curves(runs), ["0"] + ["0.000E+00"] * 4 + [NUMBER] * 4,
                              name="rate_curves", id="curves"))
    curves = history.tables[0]
    sheet.charts += [
        ChartSpec("scatter", "MSE by iteration for four learning rates (log scale)", "A3",
                  [_within(curves, x, f"loss: {x}", LOSS_AXIS) for x in labels],
                  x_title="iteration", y_title="MSE (log scale)", y_log=True, y_min=LOSS_AXIS[0], y_max=LOSS_AXIS[1]),
        ChartSpec("scatter", "The slope by iteration: creeping, landing, zigzagging, exploding", f"A{3 + CHART_ROWS}",
                  [_within(curves, x, f"slope: {x}", SLOPE_AXIS) for x in labels],
                  x_title="iteration", y_title="slope (sales per $1k of ad spend)",
                  y_min=SLOPE_AXIS[0], y_max=SLOPE_AXIS[1])]
    sweep = SheetSpec("Sweep", notes=[Note("A1", f"MSE after {SWEEP_STEPS} steps against the learning rate",
                                           "title", span=8)])
    sweep.tables.append(Table("L3", ["learning rate", "× 1/L", f"MSE after {SWEEP_STEPS} steps", "diverged"],
                              rate_sweep(), ["0.0000", "0.000", NUMBER, None], name="rate_sweep", id="sweep"))
    s = ref("Sweep", "sweep")
    sweep.charts.append(ChartSpec("scatter", f"MSE after {SWEEP_STEPS} steps vs learning rate (log-log)", "A3",
                                  [SeriesSpec(f"MSE after {SWEEP_STEPS} steps", s("learning rate"),
                                              s(f"MSE after {SWEEP_STEPS} steps"), style="markers+line")],
                                  x_title="learning rate (log scale)", y_title="MSE (log scale)",
                                  x_log=True, y_log=True, legend=None))
    readme = readme_sheet("The learning rate: how big a step to take", _README)
    data, frame = ad_spend_data()
    with_manifest(sheet, frame, "AdSpend", {"loss": "mse", "scale": "auto", "max_iter": MAX_ITER,
                                            "learning_rate": "multiples of 1/L (see the rate table)"})
    return Report([readme, data, finish_sheet(sheet), finish_sheet(sweep), finish_sheet(history)], title="gdfit lesson: the learning rate")


_README = [
    "The same line (sales against ad spend) is trained four times; only the learning rate changes.",
    "gdfit scales the ad-spend column first, so the rates below are steps on the scaled problem.",
    "L measures how sharply the loss curves. Steps larger than 2/L overshoot by more than they gain: "
    "the loss grows each step.",
    "1/L is the rate gdfit uses by default ('auto'). With one scaled column it lands on the bottom in one step.",
    "Too small (0.05/L): every step helps, but only a little; after 60 steps the line is still not fitted.",
    "Too large (1.8/L): each step jumps past the bottom to the other side; see the slope zigzag on the Runs sheet.",
    "Beyond 2/L (2.5/L): the jumps grow; gdfit stops early, reports diverged, and keeps the history it had.",
    "The Sweep sheet trains for 20 steps at 25 rates: too small is slow, a wide middle is fine, past 2/L the MSE "
    "shoots up (blank where gdfit stopped the run as diverged).",
    f"The {CURVES_SHEET} sheet holds the numbers the Runs charts draw.",
]
