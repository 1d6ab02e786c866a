"""P11, P12: ``gdfit.read_data`` on a 1,048,576 x 8 numeric sheet and CSV file, against the
library's own read of the same file.

Run: ``python benchmarks/read.py [--rows N] [--repeats K]``.

* P11: an .xlsx file of 8 numeric columns under a header row, read by ``gdfit.read_data`` against
  ``CalamineWorkbook.from_path(path).get_sheet_by_index(0).to_python()``, the read it is built on.
* P12: the same numbers as a CSV file, against ``pandas.read_csv``.

The files are written in a temporary folder before anything is timed: the .xlsx as its few XML
parts directly (an openpyxl ``write_only`` save of 8 million cells takes minutes; the parts are
what any writer saves for plain numbers). Every read runs in a fresh Python process, the parties
alternating within each round so a busy moment falls on both; the median of the timed rounds
counts. Each process times its own read (the imports are not the read's) and checks what it read
against the numbers written. The first round is the warm-up and is not timed: it runs under
``tracemalloc``, which slows every allocation, and gives the peak of what the read allocates
(numpy's buffers and the Python objects python-calamine makes report to it; calamine's own Rust
buffers do not), with each process's peak resident size for reference. The memory goal: gdfit's peak at most
3 x the float64 data plus the reference's own peak.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
from common import Result, peak_resident, print_table

TIME_GOAL = 1.5
MEMORY_GOAL = 3.0
COLUMNS = 8

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
}


def make_numbers(rows: int, seed: int = 0, columns: int = COLUMNS) -> np.ndarray:
    """``rows`` x ``columns``: x columns of different scales and a linear y, rounded to 6 decimals
    as an analyst's data are (and so that the CSV's text and the sheet hold the same numbers)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, columns - 1)) * rng.uniform(0.5, 20.0, columns - 1) + rng.uniform(-50, 50, columns - 1)
    y = X @ rng.normal(size=columns - 1) + 3.0 + rng.normal(scale=2.0, size=rows)
    return np.round(np.column_stack([X, y]), 6)


def _letter(j: int) -> str:
    return chr(ord("A") + j)


def headers(columns: int) -> list[str]:
    return [f"x{j + 1}" for j in range(columns - 1)] + ["y"]


def write_xlsx(path: Path, data: np.ndarray) -> None:
    """A one-sheet workbook named Data: the header row x1.. y of inline strings, then the numbers
    (any number of columns up to Z)."""
    columns = data.shape[1]
    letters = [_letter(j) for j in range(columns)]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, text in _PARTS.items():
            package.writestr(name, text)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                       b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                       # the used range, which Excel, LibreOffice and openpyxl all write
                       + f'<dimension ref="A1:{letters[-1]}{len(data) + 1}"/>'.encode()
                       + b'<sheetData><row r="1">'
                       + "".join(f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
                                 for c, h in zip(letters, headers(columns))).encode() + b"</row>")
            for start in range(0, len(data), 10_000):
                chunk = []
                for i, row in enumerate(data[start:start + 10_000].tolist(), start + 2):
                    cells = "".join(f'<c r="{c}{i}"><v>{v!r}</v></c>' for c, v in zip(letters, row))
                    chunk.append(f'<row r="{i}">{cells}</row>')
                part.write("".join(chunk).encode())
            part.write(b"</sheetData></worksheet>")


def write_csv(path: Path, data: np.ndarray) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(headers(COLUMNS)) + "\n")
        for start in range(0, len(data), 10_000):
            fh.write("".join(",".join(map(repr, row)) + "\n" for row in data[start:start + 10_000].tolist()))


def _child(party: str, path: Path, expected: Path, memory: bool) -> None:
    """Import, then time one read (or record its peak allocation), and check it against the numbers written."""
    if party == "calamine":
        import python_calamine

        def read():
            return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

        def numbers(rows):
            return np.array(rows[1:], dtype=float)
    elif party == "pandas":
        import pandas as pd

        def read():
            return pd.read_csv(path)

        def numbers(frame):
            return frame.to_numpy()
    else:
        import defusedxml.ElementTree  # noqa: F401 - what read_data imports on first use, imported
        import python_calamine  # noqa: F401 - here as the other parties import theirs

        import gdfit
        import gdfit.files.read  # noqa: F401

        def read():
            return gdfit.read_data(path)

        def numbers(loaded):
            return np.column_stack([loaded.X.to_numpy(), loaded.y.to_numpy()])
    if memory:  # tracemalloc slows every allocation: a run that records the peak is not timed
        tracemalloc.start()
    start = time.perf_counter()
    out = read()
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] if memory else 0
    tracemalloc.stop()
    ok = bool(np.array_equal(numbers(out), np.load(expected)))  # the check's copies come after the peak
    print(json.dumps({"seconds": seconds, "peak": peak, "rss": peak_resident(), "ok": ok}))


def _run(party: str, path: Path, expected: Path, memory: bool) -> dict:
    flag = ["--memory"] if memory else []
    out = subprocess.run([sys.executable, str(Path(__file__)), "--child", party, "--file", str(path),
                          "--expected", str(expected), *flag], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def side_by_side(parties: dict[str, tuple[str, Path]], expected: Path, repeats: int) -> dict[str, dict]:
    """Per party: median seconds of the timed rounds, the peaks of the warm-up round (which runs
    under tracemalloc) and whether every read was right."""
    runs: dict[str, list[dict]] = {name: [] for name in parties}
    peaks: dict[str, dict] = {}
    for round_ in range(repeats + 1):
        for name, (party, path) in parties.items():
            result = _run(party, path, expected, memory=round_ == 0)
            if round_:
                runs[name].append(result)
            else:
                peaks[name] = result
    return {name: {"seconds": statistics.median(r["seconds"] for r in rs), "peak": peaks[name]["peak"],
                   "rss": max(r["rss"] for r in rs + [peaks[name]]), "ok": all(r["ok"] for r in rs + [peaks[name]])}
            for name, rs in runs.items()}


def _result(key: str, what: str, reference: str, ours: dict, theirs: dict, data_bytes: int) -> Result:
    ratio = ours["seconds"] / theirs["seconds"]
    memory_limit = MEMORY_GOAL * data_bytes + theirs["peak"]
    mib = 1 << 20
    met = ratio <= TIME_GOAL and ours["peak"] <= memory_limit and ours["ok"] and theirs["ok"]
    return Result(key, what, f"<= {TIME_GOAL:g} x {reference}",
                  f"{ours['seconds']:.2f} s vs {theirs['seconds']:.2f} s = {ratio:.2f} x; peak "
                  f"{ours['peak'] / mib:.0f} MiB vs {theirs['peak'] / mib:.0f} MiB (limit {memory_limit / mib:.0f})",
                  met, f"memory goal: <= {MEMORY_GOAL:g} x the float64 data ({data_bytes / mib:.0f} MiB) + "
                       f"{reference}'s peak; resident at most {ours['rss'] / mib:.0f} vs {theirs['rss'] / mib:.0f} MiB;"
                       f" values {'equal' if ours['ok'] and theirs['ok'] else 'DIFFER'}")


def measure(rows: int = 1_048_576 - 1, repeats: int = 3) -> list[Result]:
    """P11 and P12; ``rows`` of data under the header (Excel's last row at the default)."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        data = make_numbers(rows)
        expected = folder / "expected.npy"
        np.save(expected, data)
        book, text = folder / "numbers.xlsx", folder / "numbers.csv"
        write_xlsx(book, data)
        write_csv(text, data)
        del data
        sheet = side_by_side({"gdfit": ("gdfit", book), "calamine": ("calamine", book)}, expected, repeats)
        csv = side_by_side({"gdfit": ("gdfit", text), "pandas": ("pandas", text)}, expected, repeats)
    size = rows * COLUMNS * 8
    return [_result("P11", f"read_data on {rows + 1:,} x {COLUMNS} .xlsx", "calamine", sheet["gdfit"],
                    sheet["calamine"], size),
            _result("P12", f"read_data on {rows + 1:,} x {COLUMNS} .csv", "pandas", csv["gdfit"], csv["pandas"], size)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_048_576 - 1, help="data rows under the header")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--child")
    parser.add_argument("--file", type=Path)
    parser.add_argument("--expected", type=Path)
    parser.add_argument("--memory", action="store_true")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.file, args.expected, args.memory)
        return
    print_table(measure(args.rows, args.repeats), f"fresh processes, median of {args.repeats} after a warm-up round")


if __name__ == "__main__":
    main()
