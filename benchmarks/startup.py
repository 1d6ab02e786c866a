"""P9, P10: start-up of the ``gdfit`` command against Python itself and against importing its libraries.

Run: ``python benchmarks/startup.py [--repeats K] [--threads T]``. Every party is a fresh
process of this interpreter (``sys.executable``) with the same environment and BLAS thread limit,
so each run pays the whole start-up:

* P9: ``gdfit --version`` against ``python -c pass``; the goal allows 0.1 s on top of 1.5 x, the
  time to parse the command line and read gdfit's own small modules.
* P10: ``gdfit demo`` (train the ad-spend lesson, compare with the closed form, LINEST, the
  ToolPak and the Solver-equivalent, write and save the workbook) against
  ``python -c "import numpy, pandas, scipy.optimize, openpyxl"``, the libraries it cannot do without.

The parties alternate within each repetition, so a busy moment on the machine falls on both; one
warm-up round is left out and the median of the rest counts. The warm-up also fills a bytecode
cache in a temporary folder (``PYTHONPYCACHEPREFIX``) that every party reads, as an installed
package reads the ``.pyc`` files written at install: a ``PYTHONDONTWRITEBYTECODE`` environment
would otherwise make gdfit compile its own sources on every run and its libraries not. Each run's
output is checked: the version string, and the demo's workbook with its six sheets.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import openpyxl
from common import Result, print_table

import gdfit

VERSION_GOAL = (1.5, 0.1)  # ratio to ``python -c pass``, plus seconds
DEMO_GOAL = 1.5
REFERENCE_IMPORTS = "import numpy, pandas, scipy.optimize, openpyxl"
DEMO_SHEETS = ["Data", "Formula", "Solver", "Regression", "GD", "Compare"]
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _environment(folder: Path, n_threads: int) -> dict[str, str]:
    """This environment with gdfit importable (a checkout runs without installing it), the BLAS and
    OpenMP thread limit, and a bytecode cache in ``folder`` that every party writes and reads."""
    env = dict(os.environ)
    env.update({name: str(n_threads) for name in THREAD_VARIABLES})
    package_root = str(Path(gdfit.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def _runner(args: list[str], folder: Path, env: dict[str, str]) -> Callable[[], tuple[float, str]]:
    def run() -> tuple[float, str]:
        start = time.perf_counter()
        done = subprocess.run([sys.executable, *args], cwd=folder, env=env, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
        return seconds, done.stdout
    return run


def side_by_side(parties: dict[str, Callable[[], tuple[float, str]]], repeats: int) -> dict[str, tuple[float, str]]:
    """Median seconds and the last output of each party, the parties alternating in each round."""
    times: dict[str, list[float]] = {name: [] for name in parties}
    outputs: dict[str, str] = {}
    for round_ in range(repeats + 1):
        for name, run in parties.items():
            seconds, outputs[name] = run()
            if round_:  # round 0 is the warm-up
                times[name].append(seconds)
    return {name: (statistics.median(times[name]), outputs[name]) for name in parties}


def measure_version(repeats: int = 21, n_threads: int = 1) -> Result:
    folder = Path(tempfile.mkdtemp())
    env = _environment(folder, n_threads)
    try:
        runs = side_by_side({"python": _runner(["-c", "pass"], folder, env),
                             "gdfit": _runner(["-m", "gdfit", "--version"], folder, env)}, repeats)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    (t_python, _), (t_gdfit, out) = runs["python"], runs["gdfit"]
    ratio, goal = t_gdfit / t_python, VERSION_GOAL[0] * t_python + VERSION_GOAL[1]
    ok = out.strip() == f"gdfit {gdfit.__version__}"
    return Result("P9", "gdfit --version", f"<= {VERSION_GOAL[0]:g} x pass + {VERSION_GOAL[1]:g} s",
                  f"{t_gdfit:.3f} s vs {t_python:.3f} s = {ratio:.1f} x (limit {goal:.3f} s)",
                  t_gdfit <= goal and ok, f"printed {out.strip()!r}; reference: python -c pass")


def measure_demo(repeats: int = 5, n_threads: int = 1) -> Result:
    folder = Path(tempfile.mkdtemp())
    env = _environment(folder, n_threads)
    try:
        runs = side_by_side({"imports": _runner(["-c", REFERENCE_IMPORTS], folder, env),
                             "demo": _runner(["-m", "gdfit", "demo", "--out", "demo.xlsx"], folder, env)},
                            repeats)
        sheets = openpyxl.load_workbook(folder / "demo.xlsx").sheetnames
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    (t_imports, _), (t_demo, _) = runs["imports"], runs["demo"]
    ratio = t_demo / t_imports
    return Result("P10", "gdfit demo", f"<= {DEMO_GOAL:g} x the imports",
                  f"{t_demo:.3f} s vs {t_imports:.3f} s = {ratio:.2f} x", ratio <= DEMO_GOAL and sheets == DEMO_SHEETS,
                  f"wrote {', '.join(sheets)}; reference: python -c {REFERENCE_IMPORTS!r}")


def measure(repeats: int = 5, small: int = 21, n_threads: int = 1) -> list[Result]:
    return [measure_version(small, n_threads), measure_demo(repeats, n_threads)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed rounds of gdfit demo (P10)")
    parser.add_argument("--version-repeats", type=int, default=21, help="timed rounds of gdfit --version (P9)")
    parser.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP threads of every process")
    args = parser.parse_args()
    print_table(measure(args.repeats, args.version_repeats, args.threads),
                f"fresh processes of {sys.executable}, {args.threads} BLAS thread(s); median of "
                f"{args.version_repeats} (P9), {args.repeats} (P10) after a warm-up round")


if __name__ == "__main__":
    main()
