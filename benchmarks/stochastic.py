"""P3/P4: one epoch of sgd (batch 1, 100,000 x 8) and of minibatch (batch 32, 1,048,576 x 8)
against one epoch of scikit-learn's SGDRegressor (max_iter=1, tol=None) on the same data.

Run: ``python benchmarks/stochastic.py [--repeats K] [--threads T]``. gdfit.fit gets the raw
data and standardises it inside the timed call; SGDRegressor, which does not scale, gets the
data already standardised (outside its timed region), so gdfit pays for more than it does. Both
epochs must land in the same ballpark: the mean squared error after the epoch, on all rows, is
printed beside the least-squares optimum and must be within 2x of it for both.
"""
from __future__ import annotations

import argparse
import warnings

import numpy as np
from common import Result, limited, make_problem, median_seconds, print_table, threads

import gdfit

BALLPARK = 2.0
GOAL = 1.0


def _sklearn_epoch(Xs: np.ndarray, y: np.ndarray):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDRegressor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return SGDRegressor(max_iter=1, tol=None, random_state=0).fit(Xs, y)


def measure(key: str, method: str, rows: int, repeats: int = 5, n_threads: int = 1) -> Result:
    from sklearn.preprocessing import StandardScaler

    X, y = make_problem(rows, 8)
    Xs = StandardScaler().fit_transform(X)
    best = gdfit.closed_form(X, y).sse / rows
    with limited(n_threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", gdfit.ConvergenceWarning)
        t_sk, model = median_seconds(lambda: _sklearn_epoch(Xs, y), repeats)
        t_gd, fit = median_seconds(lambda: gdfit.fit(X, y, method=method, max_iter=1), repeats)
    sk_mse = float(np.mean((model.predict(Xs) - y) ** 2))
    ratio = t_gd / t_sk
    ballpark = max(fit.loss, sk_mse) <= BALLPARK * best
    batch = "batch 1" if method == "sgd" else f"batch {fit.batch_size}"
    return Result(key, f"one {method} epoch ({batch}), {rows:,}x8", f"<= {GOAL} x SGDRegressor",
                  f"{t_gd:.4f} s vs {t_sk:.4f} s = {ratio:.2f} x", ratio <= GOAL and ballpark,
                  f"MSE after the epoch: gdfit {fit.loss:.4f}, SGDRegressor {sk_mse:.4f}, "
                  f"optimum {best:.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    results = [measure("P3", "sgd", 100_000, args.repeats, args.threads),
               measure("P4", "minibatch", 1_048_576, args.repeats, args.threads)]
    with limited(args.threads):
        print_table(results, f"threads: {threads()}; median of {args.repeats}")


if __name__ == "__main__":
    main()
