"""P1: full-batch gradient descent to 1e-9 relative parity vs numpy.linalg.lstsq, 1,048,576 x 8.

Run: ``python benchmarks/full_batch.py [--rows N] [--repeats K]``. Prints a table with the median
time of each party, the ratio (goal <= 0.3) and the iterations gradient descent took. Data are
generated outside the timed region; one warm-up run of each party is excluded; both parties get
the same BLAS thread count, which is reported. Accuracy is checked before a timing counts.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import gdfit

PARITY = 1e-9


def make_problem(rows: int, cols: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, cols)) * rng.uniform(0.5, 20.0, cols) + rng.uniform(-50, 50, cols)
    y = X @ rng.normal(size=cols) + 3.0 + rng.normal(scale=2.0, size=rows)
    return X, y


def median_seconds(run, repeats: int) -> tuple[float, object]:
    result = run()  # warm-up, excluded
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def relative_gap(params: np.ndarray, reference: np.ndarray) -> float:
    return float(np.max(np.abs(params - reference) / np.abs(reference)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_048_576)
    parser.add_argument("--cols", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    X, y = make_problem(args.rows, args.cols)
    A = np.column_stack([X, np.ones(args.rows)])  # lstsq needs the intercept column; built untimed
    reference = gdfit.closed_form(X, y).params
    with threadpool_limits(limits=args.threads):
        blas = [f"{i['internal_api']} x{i['num_threads']}" for i in threadpool_info()]
        t_lstsq, sol = median_seconds(lambda: np.linalg.lstsq(A, y, rcond=None)[0], args.repeats)
        t_gd, fit = median_seconds(lambda: gdfit.fit(X, y, tol=0.0, grad_tol=1e-13, max_iter=10_000),
                                   args.repeats)
    gd_gap = relative_gap(np.append(fit.coef, fit.intercept), reference)
    lstsq_gap = relative_gap(sol, reference)
    print(f"data {args.rows:,} x {args.cols}; threads: {', '.join(blas)}; median of {args.repeats}")
    print(f"{'party':<26}{'seconds':>10}{'rel. gap to exact':>20}{'iterations':>12}")
    print(f"{'numpy.linalg.lstsq':<26}{t_lstsq:>10.4f}{lstsq_gap:>20.2e}{'':>12}")
    print(f"{'gdfit.fit (full batch)':<26}{t_gd:>10.4f}{gd_gap:>20.2e}{fit.n_iter:>12}")
    verdict = "met" if t_gd <= 0.3 * t_lstsq and gd_gap <= PARITY else "NOT met"
    print(f"ratio gd/lstsq = {t_gd / t_lstsq:.3f} (goal <= 0.3, parity <= {PARITY:g}): {verdict}")
    if gd_gap > PARITY:
        print(f"gradient descent stopped at {gd_gap:.2e} from the exact solution: {fit.message}")


if __name__ == "__main__":
    main()
