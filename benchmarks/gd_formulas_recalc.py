"""What a recalculation of the GD formulas sheet costs: LibreOffice opening, recalculating and saving
the Data and GD formulas sheets of a training workbook on ``rows`` x ``cols`` data.

Run by hand (it needs LibreOffice; not part of run_all): ``python benchmarks/gd_formulas_recalc.py
[--rows N] [--cols P]``. The x columns span five orders of magnitude. The recalculated ``gd_history``
is checked against ``gdfit.fit`` before the time is printed. The time includes LibreOffice's start
(2.2 s here for an empty file), reading and writing the file.
"""
from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

import gdfit
from gdfit.files.workbooks import write_report
from gdfit.report.model import Report
from gdfit.sheets.training.dataset import dataset_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--cols", type=int, default=8)
    args = parser.parse_args()
    n, p = args.rows, args.cols
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, p)) * np.logspace(-2, 3, p)
    frame = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(p)])
    frame["y"] = X @ rng.normal(size=p) + rng.normal(size=n)
    x = list(frame.columns[:-1])
    warnings.simplefilter("ignore")
    report, cmp = dataset_report(frame, x, "y", table="T", title="benchmark", reproducible=True)
    report = Report([report.sheet("Data"), report.sheet("GD formulas")], names=report.names)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = write_report(report, folder / "gd_formulas.xlsx")
        clock = time.perf_counter()
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
                        "--convert-to", "xlsx", "--outdir", str(folder / "out"), str(source)],
                       check=True, capture_output=True, timeout=3600)
        seconds = time.perf_counter() - clock
        wb = openpyxl.load_workbook(folder / "out" / source.name, data_only=True)
    sheet, cells = next(iter(wb.defined_names["gd_history"].destinations))
    rows = wb[sheet][cells.replace("$", "")]
    history = np.array([[c.value for c in row] for row in rows[1:]], dtype=float)
    reference = gdfit.fit(frame[x], frame["y"], learning_rate=float(cmp.fit.learning_rate), grad_tol=0,
                          max_iter=len(history) - 1).history.drop(columns=["grad_norm", "learning_rate"]).to_numpy()
    expected, got = reference[:, 2:], history[:len(reference), 2:]
    nonzero = expected != 0
    gap = float(np.max(np.abs(got - expected)[nonzero] / np.abs(expected)[nonzero]))
    k = p + 1
    work = len(history) * (k + 1) * n * (p + 1)
    print(f"{n} rows x {p} columns, {len(history)} iteration rows: {work:.2e} multiply-adds in "
          f"{len(history) * (k + 1)} SUMPRODUCTs; LibreOffice open + recalculate + save {seconds:.1f} s; "
          f"largest relative gap to gdfit.fit {gap:.1e}")
    if not gap < 1e-10:
        raise SystemExit("the recalculated descent does not match gdfit.fit")


if __name__ == "__main__":
    main()
