"""Which rows of the chosen columns are data, and their numbers.

Rows are positions shared by every column read (the n-th cell of each). Left out, and listed:
rows labelled as totals, rows blank in every column read, trailing rows whose every value is the
sum or the mean of the rows above, and (with ``missing="drop"``) rows with a blank. Anything else
that is not a number is an error that names the cell.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from gdfit.core.data import InputError
from gdfit.files.read_cells import BLANK, Cell
from gdfit.files.read_grid import Numbers
from gdfit.files.read_select import Column, header_key

__all__ = ["Rows", "profile", "read_rows", "bad_cells_message"]

_MORE = 3  # cells quoted in one message before "and N more"


def profile(column: Column, positions: list[int]) -> tuple[str, list[tuple[int, Cell]]]:
    """What a column holds: numeric, dates, text, logical or empty, or "bad" — mostly numbers
    with some cells that are not — together with those cells (position, cell)."""
    if positions and column.grid.numbers(column.rows, column.col) is not None:
        return "numeric", []  # every cell a number: what the census below finds, without a Cell each
    cells = [(i, column.grid.resolved(column.rows[i], column.col)) for i in positions]
    kinds = Counter(cell.kind for _, cell in cells if cell is not BLANK and cell.kind != "blank")
    filled = sum(kinds.values())
    if filled == 0:
        return "empty", []
    if kinds["number"] == filled:
        return "numeric", []
    if kinds["date"] + kinds["undated"] == filled:
        return "dates", []
    if 2 * (kinds["number"] + kinds["error"]) >= filled:  # mostly numbers: a few cells are wrong
        return "bad", [(i, c) for i, c in cells if c.kind not in ("number", "blank")]
    return ("logical" if kinds["logical"] == filled else "text"), []


def _what(cell: Cell) -> str:
    if cell.kind == "error":
        return f"{cell.shown} (an Excel error value)"
    if cell.kind == "logical":
        return f"{cell.shown} (a logical value)"
    if cell.kind == "date":
        return f"a date ({cell.shown})"
    return repr(cell.shown)


def bad_cells_message(column: Column, bad: list[tuple[int, Cell]], arg: str) -> str:
    """One line naming the column, the first cells that are not numbers, and the fix."""
    grid = column.grid
    first = bad[0][1]
    cells = ", ".join(f"{_what(c)} at {grid.name(column.rows[i], column.col)}" for i, c in bad[:_MORE])
    more = f" and {len(bad) - _MORE} more" if len(bad) > _MORE else ""
    if column.given is None:
        who = f"column {column.label!r}"
    elif header_key(column.given) == header_key(column.label):
        who = f"{arg} {column.label!r}"
    else:
        who = f"{arg} {column.given!r}: {column.label!r}"
    if first.kind == "error":
        fix = "fix the formula there, or clear the cell"
    elif first.kind == "logical":
        fix = "type a number there (1 or 0 for TRUE or FALSE)"
    elif first.kind == "undated":
        fix = (f"each date's day and month are 12 or less, so the file does not say whether {first.shown} puts "
               "the day or the month first; write the dates as 2023-01-31 (or a number)")
    else:
        mark = "commas" if grid.decimal_comma else "points"
        fix = f"type a number there (this file writes decimal {mark}), or delete the row"
    return f"{who} ({grid.col_name(column.col)}) has {cells}{more}; {fix}."


def _cell_name(col: Column, i: int) -> str:
    """``C9``; in a CSV, where a line holds every column, ``line 9 ('Web visits')``."""
    name = col.grid.name(col.rows[i], col.col)
    return f"{name} ({col.label!r})" if col.grid.is_csv else name


@dataclass
class Rows:
    keep: list[int] | range
    values: list[list[float] | np.ndarray]  # per column, the kept rows' numbers
    skipped: list[str]
    notes: list[str]


def _close(value: float, target: float, tol: float) -> bool:
    return abs(value - target) <= tol


def _is_total(row: list[Cell | None], sums: list[list[float]], rows_above: int) -> bool:
    """Every value in ``row`` (two at least) is the sum or the mean of its column over the rows
    above, whose running ``sums`` are (total, sum of sizes, count) per column. Three rows at least:
    over two, a third row of small whole numbers is their sum too often by chance."""
    present = [(j, c) for j, c in enumerate(row) if c is not None]
    if len(present) < 2 or rows_above < 3:
        return False
    for j, cell in present:
        total, scale, count = sums[j]
        if count < 3:
            return False
        written = 0.5 * 10.0 ** -cell.decimals if cell.decimals is not None else 0.0  # a CSV's shown digits
        tol = written + 1e-9 * scale  # running sums of up to ~1e6 rows stay well within 1e-9 of their size
        if not (_close(cell.value, total, tol) or _close(cell.value, total / count, written + 1e-9 * scale / count)):
            return False
    return True


def read_rows(columns: list[Column], args: list[str], labelled_totals: dict[int, str], missing: str,
              y_labels: bool = False) -> Rows:
    """The kept positions and their numbers; every value is checked, every row left out listed.
    With ``y_labels`` the last column (y) may hold text and TRUE/FALSE too: its values are then the
    labels as written (numbers as floats, logicals as bools, text as shown)."""
    anchor = columns[-1]
    grid = anchor.grid
    positions = [i for i in range(len(anchor.rows)) if i not in labelled_totals] if labelled_totals \
        else range(len(anchor.rows))  # a range: a million rows need no million ints
    arrays = [col.grid.numbers(col.rows, col.col) for col in columns]
    if positions and all(a is not None for a in arrays) and not y_labels:
        return _numeric_rows(anchor, positions, arrays, labelled_totals)
    table: dict[int, list[Cell | None]] = {i: [] for i in positions}
    for j, (col, arg) in enumerate(zip(columns, args)):
        allow_dates = col.given is not None
        labels = y_labels and j == len(columns) - 1
        bad = []
        for i in positions:
            cell = col.grid.resolved(col.rows[i], col.col)
            kind = cell.kind
            if kind == "blank":
                table[i].append(None)
                continue
            if labels and kind in ("text", "logical", "undated"):
                cell = cell._replace(value=float("nan"))  # no number: never part of a total
            elif kind != "number" and not (allow_dates and kind == "date"):
                bad.append((i, cell))
            table[i].append(cell)
        if bad:
            raise InputError(bad_cells_message(col, bad, arg))
    skipped, notes = _labelled_skipped(anchor, labelled_totals), []
    blank = [i for i in positions if all(c is None for c in table[i])]
    if blank:
        skipped.append(f"{grid.rows_name([anchor.rows[i] for i in blank])}: blank in every column read")
    blank_set = set(blank)
    rest = [i for i in positions if i not in blank_set]
    totals = _value_totals(rest, table)
    if totals:
        skipped.append(f"{grid.rows_name([anchor.rows[i] for i in totals])}: totals (each value is the sum or "
                       "the mean of the rows above), left out")
    total_set = set(totals)
    rest = [i for i in rest if i not in total_set]
    incomplete = [i for i in rest if any(c is None for c in table[i])]
    if incomplete:
        cells = [_cell_name(columns[j], i) for i in incomplete for j, c in enumerate(table[i]) if c is None]
        first = next(j for j, c in enumerate(table[incomplete[0]]) if c is None)
        if missing == "error":
            notes = []
            if len(cells) > 1:
                notes.append(f"blanks also at {', '.join(cells[1:_MORE + 1])}{' and more' if len(cells) > _MORE + 1 else ''}")
            col = columns[first]
            if col.grid.errors_unseen:
                notes.append("python-calamine shows error values such as #N/A as blanks in .xls and .xlsb files")
            first_cell = col.grid.name(col.rows[incomplete[0]], col.col)
            said = f" ({'; '.join(notes)})" if notes else ""
            raise InputError(f"{col.label!r} ({col.grid.col_name(col.col)}) is blank at {first_cell}{said}; "
                             f"fill it in, delete {grid.rows_name([anchor.rows[incomplete[0]]])}, or leave incomplete "
                             "rows out with missing=\"drop\" (on the command line --missing drop).")
        skipped.append(f"{grid.rows_name([anchor.rows[i] for i in incomplete])}: incomplete, left out "
                       f"(missing=\"drop\"); blank at {', '.join(cells[:8])}{' and more' if len(cells) > 8 else ''}")
    incomplete_set = set(incomplete)
    keep = [i for i in rest if i not in incomplete_set]
    if not keep:
        raise InputError(f"no complete row of numbers in the columns read from {grid.file}; "
                         "check the x and y arguments.")
    values: list = [[table[i][j].value for i in keep] for j in range(len(columns))]
    if y_labels:
        values[-1] = [_label(table[i][-1]) for i in keep]
    for col, j in zip(columns, range(len(columns))):
        notes += _conversions(col, [table[i][j] for i in keep], args[j], grid)
    return Rows(keep, values, skipped, notes)


def _label(cell: Cell):
    """A y label as written: TRUE/FALSE as bools, text as shown, a number as itself."""
    if cell.kind == "logical":
        return cell.shown == "TRUE"  # its value was set aside (NaN) while rows were read
    return cell.shown if cell.kind in ("text", "undated") else cell.value


def _labelled_skipped(anchor: Column, labelled_totals: dict[int, str]) -> list[str]:
    if not labelled_totals:
        return []
    labels = sorted(set(labelled_totals.values()))
    what = "a total row" if len(labelled_totals) == 1 else "total rows"
    return [f"{anchor.grid.rows_name([anchor.rows[i] for i in labelled_totals])}: {what} "
            f"(labelled {', '.join(repr(t) for t in labels)}), left out"]


def _numeric_rows(anchor: Column, positions: list[int] | range, arrays: list[Numbers],
                  labelled_totals: dict[int, str]) -> Rows:
    """:func:`read_rows` when every cell read is a plain number: no blank, no cell to refuse, no
    conversion to note; only the trailing totals to find, as :func:`_value_totals` does."""
    if isinstance(positions, range):  # every row: the arrays as they are, no copy
        columns = [a.values for a in arrays]
        decimals = [a.decimals for a in arrays]
    else:
        at = np.asarray(positions)
        columns = [a.values[at] for a in arrays]
        decimals = [a.decimals[at] if a.decimals is not None else None for a in arrays]
    skipped = _labelled_skipped(anchor, labelled_totals)
    first = _first_total(columns, decimals)
    totals: list[int] = []
    if first is not None:  # from the first total on, rows are checked one by one as the per-cell path does
        sums = [[float(np.cumsum(c[:first])[-1]), float(np.cumsum(np.abs(c[:first]))[-1]), first] for c in columns]
        tail = [[_cell(c, d, k) for c, d in zip(columns, decimals)] for k in range(first, len(positions))]
        flags = _total_flags(tail, sums, first)
        while flags and flags[-1]:
            totals.insert(0, positions[first + len(flags) - 1])
            flags.pop()
    if totals:
        skipped.append(f"{anchor.grid.rows_name([anchor.rows[i] for i in totals])}: totals (each value is the sum "
                       "or the mean of the rows above), left out")
    kept = len(positions) - len(totals)
    return Rows(positions[:kept], [c[:kept] for c in columns], skipped, [])


def _cell(values: np.ndarray, decimals: np.ndarray | None, k: int) -> Cell:
    shown = -1 if decimals is None else int(decimals[k])
    return Cell("number", float(values[k]), "", None if shown < 0 else shown)


def _first_total(columns: list[np.ndarray], decimals: list[np.ndarray | None]) -> int | None:
    """The first position that :func:`_is_total` takes for a total, or None. Before it no row is
    one, so the running sums there are plain cumulative sums (numpy adds in order, as the per-cell
    loop does). numpy proposes the candidates with tolerances a hair wider than the per-cell
    check's, so none is missed however ``10 ** -decimals`` rounds; each is then confirmed by it."""
    n = len(columns[0])
    if len(columns) < 2 or n < 4:  # two values and three rows above at least
        return None
    # Every column must pass, so each column after the first is looked at only where the ones
    # before it passed (on most data no row is left after the first); the arithmetic at each
    # position is the one the whole column would get.
    at = np.arange(3, n)
    wide = 1 + 1e-9
    with np.errstate(divide="ignore", invalid="ignore"):
        for c, d in zip(columns, decimals):
            before = at - 1
            total = np.cumsum(c)[before]
            scale = np.cumsum(np.abs(c))[before]
            value, count = c[at], at.astype(float)
            if d is None:
                written = 0.0
            else:
                shown = d[at]
                written = np.where(shown >= 0, 0.5 * 10.0 ** -np.maximum(shown, 0).astype(float), 0.0)
            at = at[(np.abs(value - total) <= (written + 1e-9 * scale) * wide)
                    | (np.abs(value - total / count) <= (written + 1e-9 * scale / count) * wide)]
            del total, scale  # a column's sums at a time: a million rows' worth each
            if not len(at):
                return None
    candidates = at
    before = candidates - 1  # the sums over the rows above each candidate (three at least)
    totals = [np.cumsum(c)[before] for c in columns]
    scales = [np.cumsum(np.abs(c))[before] for c in columns]
    for i, k in enumerate(candidates.tolist()):
        sums = [[float(t[i]), float(s[i]), k] for t, s in zip(totals, scales)]
        if _is_total([_cell(c, d, k) for c, d in zip(columns, decimals)], sums, k):
            return k
    return None


def _total_flags(rows: list[list[Cell]], sums: list[list[float]], rows_above: int) -> list[bool]:
    """Each row's flag as :func:`_value_totals` sets it, from the running ``sums`` over the rows above."""
    flags = []
    for row in rows:
        is_total = _is_total(row, sums, rows_above)
        flags.append(is_total)
        if not is_total:
            rows_above += 1
            for j, cell in enumerate(row):
                entry = sums[j]
                entry[0] += cell.value
                entry[1] += abs(cell.value)
                entry[2] += 1
    return flags


def _value_totals(rest: list[int], table: dict[int, list[Cell | None]]) -> list[int]:
    """Trailing rows whose values are the sums or means of the rows above them."""
    found: list[int] = []
    width = len(table[rest[0]]) if rest else 0
    sums = [[0.0, 0.0, 0] for _ in range(width)]
    flags, rows_above = [], 0
    for i in rest:
        is_total = _is_total(table[i], sums, rows_above)
        flags.append(is_total)
        if not is_total:
            rows_above += 1
            for j, cell in enumerate(table[i]):
                if cell is not None:
                    entry = sums[j]
                    entry[0] += cell.value
                    entry[1] += abs(cell.value)
                    entry[2] += 1
    while flags and flags[-1]:  # only a run at the end: a data row may equal a mean by chance
        found.insert(0, rest[len(flags) - 1])
        flags.pop()
    return found


def _conversions(col: Column, cells: list[Cell], arg: str, grid) -> list[str]:
    percent = [c for c in cells if c.percent]
    plain = [c for c in cells if c.kind == "number" and not c.percent]
    notes = []
    if percent and plain:
        number = plain[0].shown or f"{plain[0].value:g}"
        raise InputError(f"{col.label!r} ({col.grid.col_name(col.col)}) mixes percentages ({percent[0].shown!r}) "
                         f"and plain numbers ({number!r}); write them all with % or all without.")
    if percent:
        notes.append(f"{col.label!r}: percentages read as fractions ({percent[0].shown} -> {percent[0].value:g})")
    dates = [c for c in cells if c.kind == "date"]
    if dates:
        notes.append(f"{col.label!r}: dates read as Excel serial numbers ({dates[0].shown} -> {dates[0].value:g})")
    return notes
