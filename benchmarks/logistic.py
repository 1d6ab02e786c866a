"""P15, P16: logistic regression on 100,000 x 8 against statsmodels' Logit(...).fit().

Run: ``python benchmarks/logistic.py [--rows N] [--repeats K] [--threads T]``. Every party fits
the same data (columns of very different means and spreads, labels drawn from a logistic model).
The reference is ``gdfit.logistic_mle``, itself checked against statsmodels to 1e-8 first:

- P15: ``gdfit.fit(X, y, loss="log", grad_tol=1e-9)`` (plain full-batch descent, learning_rate
  "auto") must land within 1e-8 (relative) of the maximum, in at most 2 x statsmodels' time;
- P16: ``gdfit.logistic_mle`` (Newton/IRLS with every statistic it reports computed on demand)
  in at most 1 x statsmodels' time. statsmodels' fit is its default Newton (tol 1e-8).
"""
from __future__ import annotations

import argparse

import numpy as np
import statsmodels.api as sm
from common import Result, limited, median_seconds, print_table, relative_gap, threads

import gdfit

PARITY = 1e-8
GD_GOAL, MLE_GOAL = 2.0, 1.0


def make_problem(rows: int, cols: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, cols)) * rng.uniform(0.5, 20.0, cols) + rng.uniform(-50, 50, cols)
    z = (X - X.mean(axis=0)) / X.std(axis=0) @ rng.normal(0.0, 0.7, cols) + 0.3
    y = (rng.random(rows) < 1.0 / (1.0 + np.exp(-z))).astype(float)
    return X, y


def measure(rows: int = 100_000, cols: int = 8, repeats: int = 5, n_threads: int = 1) -> list[Result]:
    X, y = make_problem(rows, cols)
    A = sm.add_constant(X, prepend=False)  # statsmodels' design, built outside the timed region
    with limited(n_threads):
        t_sm, ref = median_seconds(lambda: sm.Logit(y, A).fit(disp=0), repeats)
        t_mle, mle = median_seconds(lambda: gdfit.logistic_mle(X, y), repeats)
        t_gd, fit = median_seconds(lambda: gdfit.fit(X, y, loss="log", grad_tol=1e-9), repeats)
    mle_gap = relative_gap(mle.params, np.asarray(ref.params))
    gd_gap = relative_gap(fit.params, mle.params)
    gd_ratio, mle_ratio = t_gd / t_sm, t_mle / t_sm
    return [
        Result("P15", f"fit(loss='log') to 1e-8 of the MLE, {rows:,}x{cols}", f"<= {GD_GOAL:g} x statsmodels",
               f"{t_gd:.3f} s vs {t_sm:.3f} s = {gd_ratio:.2f} x",
               gd_ratio <= GD_GOAL and gd_gap <= PARITY and mle_gap <= PARITY,
               f"{fit.n_iter} iterations, gap to the MLE {gd_gap:.1e}"),
        Result("P16", f"logistic_mle, {rows:,}x{cols}", f"<= {MLE_GOAL:g} x statsmodels",
               f"{t_mle:.3f} s vs {t_sm:.3f} s = {mle_ratio:.2f} x",
               mle_ratio <= MLE_GOAL and mle_gap <= PARITY,
               f"{mle.n_iter} Newton steps vs statsmodels' {ref.mle_retvals['iterations']}; "
               f"params agree to {mle_gap:.1e}"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--cols", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    results = measure(args.rows, args.cols, args.repeats, args.threads)
    with limited(args.threads):
        print_table(results, f"threads: {threads()}; median of {args.repeats}")


if __name__ == "__main__":
    main()
