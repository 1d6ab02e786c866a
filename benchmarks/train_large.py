"""P13, P14: ``gdfit train`` on large numeric workbooks, against python-calamine's read of the
data plus writing gdfit's sheets alone, side by side in one run.

Run: ``python benchmarks/train_large.py [--rows N] [--columns K] [--repeats R]``; P13 is
100,000 x 5 (the default), P14 ``--rows 1048575 --columns 8``.

Goals (issue 15): train <= 2 x (the read + writing gdfit's sheets alone); at 100,000 x 5 <= 5 s,
at 1,048,576 x 8 <= 60 s; the peak resident size <= 4 x the data's float64 bytes + 300 MB.

The workbook is written before anything is timed, as its few XML parts (a header row of inline
strings, then the numbers). Each party runs in a fresh Python process that has imported its
libraries and times only its own work:

* ``calamine``: ``CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()``;
* ``sheets``: gdfit's sheets for the same data written to a file of their own as train writes
  them (``gdfit.files.package.render_sheets``: openpyxl, with the residual output's rows of
  numbers written straight into the sheet; the report is built before the clock starts);
* ``train``: the whole of ``gdfit train`` to a new file: read, fit, compare, render gdfit's sheets
  and add them to the package.

The parties alternate within each round; the median of the rounds counts, and each process
reports its peak resident size (Linux VmHWM). Every party runs with one BLAS thread.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import Result, limited, peak_resident, print_table
from read import make_numbers, write_xlsx  # the numbers and the parts P11 reads

RATIO_GOAL = 2.0
SECONDS_GOAL = {(100_000, 5): 5.0, (1_048_576, 8): 60.0}
MEMORY_FACTOR, MEMORY_EXTRA = 4.0, 300 * 2**20


def _gdfit_sheets_report(path: Path):
    """The report ``gdfit train`` writes for ``path``, built as train builds it."""
    from gdfit.core.compare import compare_dataset
    from gdfit.core.data import as_dataset
    from gdfit.files.read import read_data
    from gdfit.report.model import RangeRef
    from gdfit.sheets.training.report import training_report
    from gdfit.sheets.training.source import DataSource, adjacent_block, lesson_start

    loaded = read_data(path)
    ref = lambda qualified: RangeRef("Data", qualified.rpartition("!")[2], external=True)  # noqa: E731
    x_refs = [ref(r) for r in loaded.x_refs]
    data = as_dataset(loaded.X, loaded.y, moments=True)
    cmp = compare_dataset(data, solver_options={"start": lesson_start(loaded.X.shape[1], True)})
    source = DataSource(tuple(x_refs), ref(loaded.y_ref), data.labels, data.y_label, adjacent_block(x_refs))
    return training_report(cmp, source, data, title=f"gdfit: {path.name}")


def _child(party: str, path: Path, out: Path) -> None:
    import warnings

    warnings.simplefilter("ignore")  # the fit's convergence notes are not the benchmark's
    with limited(1):  # the same BLAS thread limit for every party (on two shared cores, two
        _party(party, path, out)  # threads make each small product of the Solver's several times slower)


def _party(party: str, path: Path, out: Path) -> None:
    if party == "calamine":
        import python_calamine

        start = time.perf_counter()
        rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        seconds = time.perf_counter() - start
        ok = len(rows) > 1
    elif party == "sheets":
        from gdfit.files.package import render_sheets

        report = _gdfit_sheets_report(path)
        start = time.perf_counter()
        out.write_bytes(render_sheets(report))
        seconds = time.perf_counter() - start
        ok = out.stat().st_size > 0
    else:
        from gdfit.files.train import train_book

        start = time.perf_counter()
        result = train_book(path, out=out)
        seconds = time.perf_counter() - start
        ok = "Compare" in result.sheets
    print(json.dumps({"seconds": seconds, "rss": peak_resident(), "ok": ok}))


def _run(party: str, path: Path, out: Path) -> dict:
    text = subprocess.run([sys.executable, str(Path(__file__)), "--child", party, "--file", str(path),
                           "--out", str(out)], check=True, capture_output=True, text=True).stdout
    return json.loads(text.strip().splitlines()[-1])


def measure(rows: int, columns: int, repeats: int) -> Result:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        book = folder / "numbers.xlsx"
        write_xlsx(book, make_numbers(rows - 1, columns=columns))
        runs: dict[str, list[dict]] = {"calamine": [], "sheets": [], "train": []}
        for _ in range(repeats):
            for party in runs:
                runs[party].append(_run(party, book, folder / f"{party}.xlsx"))
    seconds = {p: statistics.median(r["seconds"] for r in rs) for p, rs in runs.items()}
    rss = {p: max(r["rss"] for r in rs) for p, rs in runs.items()}
    ok = all(r["ok"] for rs in runs.values() for r in rs)
    reference = seconds["calamine"] + seconds["sheets"]
    ratio = seconds["train"] / reference
    limit = MEMORY_FACTOR * (rows - 1) * columns * 8 + MEMORY_EXTRA
    goal = SECONDS_GOAL.get((rows, columns))
    met = ok and ratio <= RATIO_GOAL and rss["train"] <= limit and (goal is None or seconds["train"] <= goal)
    mib = 2**20
    key = {(100_000, 5): "P13", (1_048_576, 8): "P14"}.get((rows, columns), "P13'")
    return Result(key, f"gdfit train on {rows:,} x {columns} .xlsx",
                  f"<= {RATIO_GOAL:g} x (read + sheets)" + (f", <= {goal:g} s" if goal else ""),
                  f"{seconds['train']:.1f} s vs {seconds['calamine']:.2f} s + {seconds['sheets']:.1f} s = "
                  f"{ratio:.2f} x; peak resident {rss['train'] / mib:.0f} MiB (limit {limit / mib:.0f})",
                  met, f"peak resident of the read {rss['calamine'] / mib:.0f} MiB, of the sheets alone "
                       f"{rss['sheets'] / mib:.0f} MiB; median of {repeats}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="rows including the header row")
    parser.add_argument("--columns", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--file", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.file, args.out)
        return
    print_table([measure(args.rows, args.columns, args.repeats)], "fresh processes, one thread each")


if __name__ == "__main__":
    main()
