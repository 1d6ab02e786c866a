"""P5: ``gdfit train`` on the ad-spend workbook against an openpyxl load and save of it.

Run: ``python benchmarks/workbook.py [--repeats K]``. Both parties read a copy of the committed
``workbooks/ad_spend.xlsx`` and write a new file in a temporary folder. ``train_book`` is the
whole of ``gdfit train``: load, find the data, fit (with history), compare with the closed form,
LINEST, the ToolPak and the Solver-equivalent, write the sheets and the four charts, save.
The trained file is checked for its sheets and charts before the time counts.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import openpyxl
from common import ROOT, Result, limited, median_seconds, run_script

from gdfit.files.train import train_book

GOAL = 3.0
SHEETS = ("Formula", "Solver", "Regression", "GD", "Compare")


def _charts(path: Path) -> int:
    wb = openpyxl.load_workbook(path)
    return sum(len(wb[name]._charts) for name in SHEETS)


def measure(repeats: int = 5, n_threads: int = 1) -> Result:
    folder = Path(tempfile.mkdtemp())
    try:
        source = folder / "ad_spend.xlsx"
        shutil.copyfile(ROOT / "workbooks" / "ad_spend.xlsx", source)

        def load_and_save() -> None:
            openpyxl.load_workbook(source).save(folder / "plain.xlsx")

        with limited(n_threads):
            t_plain, _ = median_seconds(load_and_save, repeats)
            t_train, result = median_seconds(lambda: train_book(source, out=folder / "trained.xlsx"),
                                             repeats)
        charts = _charts(result.output)
        ok = set(SHEETS) <= set(result.sheets) and charts == 4
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    ratio = t_train / t_plain
    return Result("P5", "gdfit train on the ad-spend workbook", f"<= {GOAL:g} x load+save",
                  f"{t_train:.3f} s vs {t_plain:.3f} s = {ratio:.2f} x", ratio <= GOAL and ok,
                  f"wrote {', '.join(result.sheets)} with {charts} charts")


def main() -> None:
    run_script(__doc__, measure, repeats=5)


if __name__ == "__main__":
    main()
