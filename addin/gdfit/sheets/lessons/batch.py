"""The batch / SGD / mini-batch lesson: loss per epoch of the three on the ad-spend line, and how
much SGD's answer depends on the shuffling seed (an ensemble of seeds)."""
from __future__ import annotations

import warnings

import numpy as np

from gdfit.core.descent.fit import fit
from gdfit.core.leastsq.closed_form import closed_form
from gdfit.datasets import ad_spend
from gdfit.report.model import ChartSpec, Note, Report, SeriesSpec, SheetSpec, Table

from .common import CHART_ROWS, NUMBER, ad_spend_data, finish_sheet, readme_sheet, ref, with_manifest

__all__ = ["METHODS", "EPOCHS", "RATE", "SEEDS", "method_fit", "method_runs", "seed_ensemble",
           "batch_report"]

#: (label, method, batch size): one loop, three batch sizes.
METHODS = (("batch GD (30 rows a step)", "gd", None), ("SGD (1 row a step)", "sgd", None),
           ("mini-batch (8 rows a step)", "minibatch", 8))
EPOCHS = 30
RATE = 0.05  # one rate for all three, on the scaled problem, so only the batch size differs
SEEDS = tuple(range(10))


def method_fit(method: str, batch_size: int | None, seed: int):
    """The ad-spend line fitted for ``EPOCHS`` epochs (no early stop) by one method."""

    d = ad_spend()
    with warnings.catch_warnings():  # every run goes the full EPOCHS on purpose
        warnings.simplefilter("ignore")
        return fit(d[["ad_spend"]], d["sales"], method=method, batch_size=batch_size, learning_rate=RATE,
                   max_iter=EPOCHS, tol=0.0, grad_tol=0.0, seed=seed)


def method_runs() -> list:
    """One run per entry of ``METHODS`` (seed 0)."""
    return [method_fit(method, size, 0) for _, method, size in METHODS]


def seed_ensemble() -> list:
    """SGD once per seed in ``SEEDS``: only the order rows are visited in changes."""
    return [method_fit("sgd", None, seed) for seed in SEEDS]


def _epoch_rows(runs, band) -> list[list]:
    losses = np.array([r.history["loss"].to_numpy(float) for r in band])
    mean, sd = losses.mean(axis=0), losses.std(axis=0, ddof=1)
    return [[e, *(float(r.history["loss"].iloc[e]) for r in runs), float(mean[e]), float(mean[e] - sd[e]),
             float(mean[e] + sd[e])] for e in range(EPOCHS + 1)]


def _ensemble_rows(band, closed) -> list[list]:
    coefs = np.array([r.params for r in band])
    names = ["slope", "intercept"]
    return [[name, float(coefs[:, j].mean()), float(coefs[:, j].std(ddof=1)), float(coefs[:, j].min()),
             float(coefs[:, j].max()), float(closed[j])] for j, name in enumerate(names)]


def batch_report() -> Report:
    """Read me, the three loss curves on one chart, and the SGD seed ensemble with its band."""

    runs, band = method_runs(), seed_ensemble()
    labels = [label for label, _, _ in METHODS]
    d = ad_spend()
    closed = closed_form(d[["ad_spend"]], d["sales"])
    sheet = SheetSpec("Epochs", notes=[Note("A1", "Batch GD, SGD and mini-batch on the ad-spend line", "title",
                                            span=8)])
    sheet.notes.append(Note("L2", f"MSE after each epoch (learning rate {RATE} on the scaled data; SGD band "
                                  f"over {len(SEEDS)} seeds)", "heading", span=8))
    header = ["epoch", *labels, "SGD mean", "SGD mean − sd", "SGD mean + sd"]
    sheet.tables.append(Table("L3", header, _epoch_rows(runs, band), ["0"] + ["0.000E+00"] * 6,
                              name="epoch_losses", id="epochs"))
    e = ref("Epochs", "epochs")
    sheet.charts.append(ChartSpec("scatter", "MSE per epoch: one loop, three batch sizes (log scale)", "A3",
                                  [SeriesSpec(x, e("epoch"), e(x), style="markers+line", marker_size=4)
                                   for x in labels], x_title="epoch", y_title="MSE (log scale)", y_log=True))
    band_series = [SeriesSpec("SGD mean over seeds", e("epoch"), e("SGD mean"), style="line", color="C0504D"),
                   SeriesSpec("mean − sd", e("epoch"), e("SGD mean − sd"), style="line", line_dash="dash",
                              line_width_pt=1.0, color="E6A09E"),
                   SeriesSpec("mean + sd", e("epoch"), e("SGD mean + sd"), style="line", line_dash="dash",
                              line_width_pt=1.0, color="E6A09E")]
    sheet.charts.append(ChartSpec("scatter", f"SGD over {len(SEEDS)} seeds: mean MSE and a band of ± one sd",
                                  f"A{3 + CHART_ROWS}", band_series, x_title="epoch", y_title="MSE",
                                  x_min=1, y_min=0.2, y_max=0.26))
    seeds = SheetSpec("Seeds", notes=[Note("A1", f"SGD with {len(SEEDS)} shuffling seeds: where the "
                                                 f"line ends after {EPOCHS} epochs", "title", span=10)])
    seeds.tables.append(Table("A3", ["parameter", "mean", "sd", "min", "max", "closed form"],
                              _ensemble_rows(band, closed.params), [None] + [NUMBER] * 5,
                              name="sgd_seeds", id="ensemble"))
    per_seed = [[s, float(r.coef[0]), float(r.intercept), float(r.loss)] for s, r in zip(SEEDS, band)]
    seeds.tables.append(Table("A8", ["seed", "slope", "intercept", "final MSE"], per_seed,
                              ["0", NUMBER, NUMBER, NUMBER], name="sgd_runs", id="runs"))
    data, frame = ad_spend_data()
    with_manifest(sheet, frame, "AdSpend", {"loss": "mse", "scale": "auto", "learning_rate": RATE,
                                            "epochs": EPOCHS, "batch_size": "all, 1, 8"}, seed=0)
    return Report([readme_sheet("Batch, stochastic and mini-batch gradient descent", _README), data,
                   finish_sheet(sheet), finish_sheet(seeds)], title="gdfit lesson: batch, SGD, mini-batch")


_README = [
    "An epoch is one pass over all the data: here, all 30 months of ad spend and sales.",
    "Batch GD looks at all 30 rows, then takes one step: one step per epoch, always the same path.",
    "SGD (stochastic) takes a step after every single row, in a shuffled order: 30 small noisy steps per epoch.",
    "Mini-batch takes a step after every 8 rows: 4 steps per epoch (the last batch has 6 rows).",
    f"All three use the same learning rate ({RATE}, on the scaled data) and run {EPOCHS} epochs; only the "
    "batch size differs.",
    "SGD gets low fastest per epoch, but never settles: each row pulls the line its own way, so the MSE jitters.",
    f"The shuffle order depends on a seed. The Seeds sheet repeats SGD with {len(SEEDS)} seeds: the mean and "
    "spread of the final slope and intercept, beside the exact answer.",
    "The second chart draws the mean MSE over the seeds with a band one standard deviation either side.",
]
