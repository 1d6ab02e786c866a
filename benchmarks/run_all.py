"""Every speed and memory measure of README's "Speed and memory" table, in one run.

Run: ``python benchmarks/run_all.py [--quick] [--threads T]``. The full run takes a few minutes
on a 2-core machine, most of them P11 and P12 (reading a 1,048,576-row file, each read a fresh
process); ``--quick`` times three runs of each party instead of five (P6, P8 and P9, which take
milliseconds: five instead of 21), on the same data.
"""
from __future__ import annotations

import argparse
import platform
import time

import full_batch
import iterations
import logistic
import memory
import numpy as np
import read
import solver
import startup
import stochastic
import workbook
import worksheet
from common import limited, print_table, threads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer timed runs")
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads for every party")
    args = parser.parse_args()
    big = 1_048_576
    repeats, small = (3, 5) if args.quick else (5, 21)
    start = time.perf_counter()
    results = [
        full_batch.measure(big, 8, repeats, args.threads),
        iterations.measure(),
        stochastic.measure("P3", "sgd", 100_000, repeats, args.threads),
        stochastic.measure("P4", "minibatch", big, repeats, args.threads),
        workbook.measure(repeats, args.threads),
        worksheet.measure(small, args.threads),
        memory.measure(big),
        solver.measure(small, args.threads),
        *startup.measure(repeats, small, args.threads),
        *read.measure(big - 1, 3 if args.quick else repeats),
        *logistic.measure(100_000, 8, repeats, args.threads),
    ]
    with limited(args.threads):
        pools = threads()
    print_table(results, f"gdfit speed and memory{' (quick)' if args.quick else ''}: "
                         f"{platform.machine()} {platform.system()}, Python {platform.python_version()}, "
                         f"numpy {np.__version__}; threads {pools}; median of {repeats} "
                         f"(P6, P8, P9: {small}) after a warm-up")
    met = sum(r.met for r in results)
    print(f"{met} of {len(results)} met; {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
