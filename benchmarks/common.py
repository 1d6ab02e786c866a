"""What every benchmark shares: the import path, data, timing, thread limits and the result table.

Timing rules (README "Speed and memory"): every party runs under the same BLAS thread limit,
one warm-up run is excluded, the median of the timed runs counts, data are generated outside
the timed region, and each script checks the parties' accuracy before it reports a ratio.
"""
from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
try:  # a checkout runs without installing gdfit
    import gdfit  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "addin"))

from threadpoolctl import threadpool_info, threadpool_limits  # noqa: E402

__all__ = ["ROOT", "Result", "make_problem", "median_seconds", "relative_gap", "limited",
           "threads", "print_table"]


@dataclass
class Result:
    """One row of the table: the measure, its goal, what was measured, and whether it is met."""

    key: str
    measure: str
    goal: str
    measured: str
    met: bool
    note: str = ""


def make_problem(rows: int, cols: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Columns of very different means and spreads, a linear response plus noise (sd 2)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, cols)) * rng.uniform(0.5, 20.0, cols) + rng.uniform(-50, 50, cols)
    y = X @ rng.normal(size=cols) + 3.0 + rng.normal(scale=2.0, size=rows)
    return X, y


def median_seconds(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    """Median wall time of ``repeats`` runs after one warm-up run; and the last result."""
    result = run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def relative_gap(params: np.ndarray, reference: np.ndarray) -> float:
    """Largest relative difference of the parameters from the reference."""
    params, reference = np.asarray(params, dtype=float), np.asarray(reference, dtype=float)
    return float(np.max(np.abs(params - reference) / np.abs(reference)))


def limited(count: int):
    """The same BLAS/OpenMP thread limit for every party."""
    return threadpool_limits(limits=count)


def threads() -> str:
    """The thread pools in use and their sizes, e.g. 'openblas x1'."""
    pools = sorted({f"{i['internal_api']} x{i['num_threads']}" for i in threadpool_info()})
    return ", ".join(pools) or "none"


def peak_resident() -> int:
    """This process's peak resident bytes (Linux: VmHWM, since exec; ``ru_maxrss`` can carry the parent's)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) * 1024
    except (OSError, IndexError):
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)


def print_table(results: list[Result], header: str) -> None:
    print(header)
    width = max(len(r.measure) for r in results)
    for r in results:
        print(f"{r.key:<4}{r.measure:<{width + 2}}{r.goal:<22}{'met' if r.met else 'NOT met':<9}{r.measured}")
        if r.note:
            print(f"{'':<{width + 6}}{r.note}")


def run_script(doc: str, measure: Callable[[int, int], Result], repeats: int) -> None:
    """Command line of a one-measure script: ``--repeats`` and ``--threads``, then its table."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=repeats)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    result = measure(args.repeats, args.threads)
    with limited(args.threads):
        print_table([result], f"threads: {threads()}; median of {args.repeats}")
