"""A run manifest for a trained sheet, and a live flag that says when the data changed since.

The manifest records what a reader needs to repeat the run: a hash of the data, the options, the
seed and the versions. The flag compares the SUM and SUMSQ of each data column, stored at training
time, with the same sums computed live by Excel: edit a data cell and the flag reads STALE.
"""
from __future__ import annotations

import hashlib
from typing import Mapping, Sequence

import numpy as np

from gdfit import __version__
from gdfit.report.a1 import col_letter
from gdfit.report.model import CellRef, ColumnRef, Formula, FormulaCell, Note, RangeRef, SheetSpec, Table

__all__ = ["data_hash", "add_manifest", "STALE", "UP_TO_DATE"]

STALE = "STALE: data changed since training — train again"
UP_TO_DATE = "up to date"
_TOL = 1e-9  # relative: a recalculated sum of the same numbers can differ in its last bits


def data_hash(values: np.ndarray) -> str:
    """sha256 of the data as little-endian float64 bytes, row by row."""
    return hashlib.sha256(np.ascontiguousarray(values, dtype="<f8").tobytes()).hexdigest()


def _options_text(options: Mapping[str, object]) -> str:
    return ", ".join(f"{k}={v}" for k, v in options.items())


def add_manifest(sheet: SheetSpec, top: int, columns: Mapping[str, ColumnRef | RangeRef | Sequence[RangeRef]],
                 values: np.ndarray, options: Mapping[str, object], seed: int | None = None, *, col: int = 1,
                 flag_cell: str | None = None, counted: np.ndarray | None = None) -> None:
    """Put the run manifest at row ``top``, column ``col`` of ``sheet`` and the stale flag below it.

    Parameters
    ----------
    sheet : SheetSpec
        The trained sheet.
    top : int
        Sheet row of the manifest's header.
    columns : mapping of label to ColumnRef, RangeRef or a sequence of RangeRefs
        The data columns the run was trained on, as they sit in the workbook (several ranges when
        rows inside were left out: the live sums add them up).
    values : ndarray, shape (n, len(columns))
        The same data, as trained on (the hash and the stored sums are of these numbers).
    options : mapping
        The training options, written as ``name=value`` pairs.
    seed : int, optional
        The seed, when the run used one.
    col : int
        1-based column of the manifest's labels; the values sit in the next column.
    flag_cell : str, optional
        Where the flag goes (default: two rows under the manifest, in its first column).
    counted : bool ndarray like ``values``, optional
        Which values Excel's SUM sees as numbers (False: a number typed as text, which SUM skips);
        the stored sums are over these, so a freshly trained sheet is not flagged. Default: all.
    """
    values = np.asarray(values, dtype=float).reshape(len(values), -1)
    rows: list[list] = [["data sha256", data_hash(values)], ["options", _options_text(options)],
                        ["seed", "not used" if seed is None else seed], ["gdfit version", __version__],
                        ["numpy version", np.__version__]]
    checks, refs = [], {}
    for j, (label, ref) in enumerate(columns.items()):
        ranges = [ref] if isinstance(ref, (ColumnRef, RangeRef)) else list(ref)
        seen = values[:, j] if counted is None else values[counted[:, j], j]
        for name, stored in (("SUM", float(np.sum(seen))), ("SUMSQ", float(np.sum(seen ** 2)))):
            k = len(checks)
            rows.append([f"trained {name}({label})", stored])
            keys = []
            for i, piece in enumerate(ranges):
                refs[f"data{k}_{i}"] = piece
                keys.append(f"{{data{k}_{i}}}")
            refs[f"stored{k}"] = CellRef(sheet.name, "manifest", len(rows) - 1, "value")
            checks.append(f"ABS({name}({','.join(keys)})-{{stored{k}}})>{_TOL}*(1+ABS({{stored{k}}}))")
    left = col_letter(col)
    sheet.notes.append(Note(f"{left}{top - 1}", "Run manifest", "heading", span=4))
    sheet.tables.append(Table(f"{left}{top}", ["run manifest", "value"], rows, [None, "General"], id="manifest"))
    flag = f'=IF(OR({",".join(checks)}),"{STALE}","{UP_TO_DATE}")'
    sheet.formulas.append(FormulaCell(flag_cell or f"{left}{top + 2 + len(rows)}", Formula(flag, refs)))

