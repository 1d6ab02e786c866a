"""P1: full-batch gradient descent to 1e-9 relative parity vs numpy.linalg.lstsq, 1,048,576 x 8.

Run: ``python benchmarks/full_batch.py [--rows N] [--repeats K] [--threads T]``. Both parties
solve the same least-squares problem (lstsq gets the intercept's column of ones, built outside
the timed region); a time counts only if both are within 1e-9 of the exact solution.
"""
from __future__ import annotations

import argparse

import numpy as np
from common import Result, limited, make_problem, median_seconds, print_table, relative_gap, threads

import gdfit

PARITY = 1e-9
GOAL = 0.3


def measure(rows: int = 1_048_576, cols: int = 8, repeats: int = 5, n_threads: int = 1) -> Result:
    X, y = make_problem(rows, cols)
    A = np.column_stack([X, np.ones(rows)])
    exact = gdfit.closed_form(X, y).params
    with limited(n_threads):
        t_lstsq, sol = median_seconds(lambda: np.linalg.lstsq(A, y, rcond=None)[0], repeats)
        t_gd, fit = median_seconds(lambda: gdfit.fit(X, y, tol=0.0, grad_tol=1e-13, max_iter=10_000),
                                   repeats)
    gap, lstsq_gap = relative_gap(fit.params, exact), relative_gap(sol, exact)
    ratio = t_gd / t_lstsq
    return Result("P1", f"full-batch GD to 1e-9 parity, {rows:,}x{cols}", f"<= {GOAL} x lstsq",
                  f"{t_gd:.4f} s vs {t_lstsq:.4f} s = {ratio:.3f} x",
                  ratio <= GOAL and gap <= PARITY and lstsq_gap <= PARITY,
                  f"{fit.n_iter} iterations; gap to exact: GD {gap:.1e}, lstsq {lstsq_gap:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_048_576)
    parser.add_argument("--cols", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    result = measure(args.rows, args.cols, args.repeats, args.threads)
    with limited(args.threads):
        print_table([result], f"threads: {threads()}; median of {args.repeats}")


if __name__ == "__main__":
    main()
