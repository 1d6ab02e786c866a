"""P7: peak memory of a fit on 1,048,576 x 8, against the bytes of X.

Run: ``python benchmarks/memory.py``. Each fit runs in a fresh Python process: the data are made
first (in place, so making them leaves no large temporaries), a warm-up fit on 1,000 rows loads
what a first call loads, then ``tracemalloc`` (which numpy reports its allocations to) records
the peak of what the fit itself allocates. The goal counts the fit's peak; the table also gives
the process's whole peak resident size for reference.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
from common import Result, peak_resident, print_table

GOAL = 3.0
FITS = {"gd": {}, "minibatch": {"method": "minibatch", "max_iter": 1},
        "sgd": {"method": "sgd", "max_iter": 1}}


def _child(name: str, rows: int) -> None:
    import gdfit

    rng = np.random.default_rng(0)
    X = rng.standard_normal((rows, 8))
    X *= rng.uniform(0.5, 20.0, 8)
    X += rng.uniform(-50, 50, 8)
    y = X @ rng.normal(size=8)
    y += rng.standard_normal(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gdfit.fit(X[:1000], y[:1000], **FITS[name])  # warm-up: first-call imports are not the fit's
        tracemalloc.start()
        gdfit.fit(X, y, **FITS[name])
    peak = tracemalloc.get_traced_memory()[1]
    print(json.dumps({"peak": peak, "rss": peak_resident(), "x": X.nbytes}))


def _run(name: str, rows: int) -> dict:
    out = subprocess.run([sys.executable, str(Path(__file__)), "--child", name, "--rows", str(rows)],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def measure(rows: int = 1_048_576) -> Result:
    runs = {name: _run(name, rows) for name in FITS}
    x = runs["gd"]["x"]
    gd = runs["gd"]["peak"] / x
    others = ", ".join(f"{name} {r['peak'] / x:.2f} x" for name, r in runs.items() if name != "gd")
    mib = 1 << 20
    return Result("P7", f"peak memory of a fit, {rows:,}x8", f"<= {GOAL:g} x bytes of X",
                  f"{runs['gd']['peak'] / mib:.1f} MiB vs X {x / mib:.0f} MiB = {gd:.2f} x",
                  all(r["peak"] <= GOAL * x for r in runs.values()),
                  f"default gd; one epoch of {others}; whole process incl. X, y and Python: "
                  f"{runs['gd']['rss'] / mib:.0f} MiB resident at most")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_048_576)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.rows)
        return
    print_table([measure(args.rows)], "tracemalloc peak of the fit, each in a fresh process")


if __name__ == "__main__":
    main()
