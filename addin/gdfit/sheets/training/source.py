"""Where a training report's data live, and the formula helpers its sheets share.

The data stay where they are: formulas and charts point at the data sheet's cells through a
``DataSource``, so editing the data updates them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from gdfit.report.a1 import col_letter, parse_cell
from gdfit.report.model import CellRef, ColumnRef, Formula, RangeRef, Ref

__all__ = ["DataSource", "lesson_start", "adjacent_block", "formula_refs", "data_refs", "data_formula",
           "sse_formula", "row_formula", "parameter_names", "pieces", "NUMBER"]

NUMBER = "0.000000"
SEED_GUESS_SLOPE, SEED_GUESS_INTERCEPT = 1.0, 0.0  # the lesson's first guess: m = 1, b = 0


def lesson_start(k: int, const: bool) -> list[float]:
    """Solver's starting cells: the lesson's guess, every slope 1 and the intercept 0."""
    return [SEED_GUESS_SLOPE] * k + ([SEED_GUESS_INTERCEPT] if const else [])


@dataclass(frozen=True)
class DataSource:
    """Where the data live: one range per x column and one for y (same rows)."""

    x: tuple[RangeRef | ColumnRef, ...]
    y: RangeRef | ColumnRef
    labels: tuple[str, ...]
    y_label: str
    x_block: RangeRef | None = None  # all x columns as one rectangle, when they are adjacent
    # Rows inside the ranges that were not read (offsets from the ranges' first row: a subtotal, a
    # blank row), and per column (x, then y) the positions among the rows read of numbers typed as
    # text. The SSE and the stale check leave both out, as the fit did; LINEST cannot.
    left_out: tuple[int, ...] = ()
    text_numbers: tuple[tuple[int, ...], ...] = ()

    @property
    def linest_x(self) -> RangeRef | ColumnRef | None:
        return self.x[0] if len(self.x) == 1 else self.x_block


def adjacent_block(refs: list[RangeRef]) -> RangeRef | None:
    """One rectangle covering side-by-side single-column ranges of the same rows, else None."""
    if len(refs) < 2 or len({r.sheet for r in refs}) != 1:
        return None
    spans = []
    for ref in refs:
        first, _, last = ref.cells.partition(":")
        (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last or first)
        spans.append((r1, r2, c1, c2))
    rows = {(s[0], s[1]) for s in spans}
    cols = [s[2] for s in spans]
    if len(rows) != 1 or any(s[2] != s[3] for s in spans) or cols != list(range(cols[0], cols[0] + len(cols))):
        return None
    (r1, r2), = rows
    cells = f"{col_letter(cols[0])}{r1}:{col_letter(cols[-1])}{r2}"
    return RangeRef(refs[0].sheet, cells, external=refs[0].external)


def pieces(ref: RangeRef | ColumnRef, left_out: Sequence[int]) -> list[RangeRef | ColumnRef]:
    """``ref`` without the rows at offsets ``left_out``, as the contiguous ranges that remain."""
    if not left_out or not isinstance(ref, RangeRef):
        return [ref]
    first, _, last = ref.cells.partition(":")
    (r1, c1), (r2, c2) = parse_cell(first), parse_cell(last or first)
    out, start, gone = [], r1, {r1 + k for k in left_out}
    for r in range(r1, r2 + 2):
        if r in gone or r == r2 + 1:
            if r > start:
                cells = f"{col_letter(c1)}{start}:{col_letter(c2)}{r - 1}"
                out.append(RangeRef(ref.sheet, cells, external=ref.external))
            start = r + 1
    return out


def parameter_names(labels: Sequence[str], const: bool) -> list[str]:
    """The model's parameters as the sheets name them: the x labels, then ``intercept``."""
    return list(labels) + (["intercept"] if const else [])


def formula_refs(text: str, refs: Mapping[str, Ref]) -> dict[str, Ref]:
    """Only the references a formula text uses (an unused one is an error in the report)."""
    return {key: ref for key, ref in refs.items() if "{" + key + "}" in text}


def data_refs(source: DataSource) -> dict[str, Ref]:
    """The data as formula references: ``{y}``, ``{x0}``.. and ``{X}`` (all x, when LINEST can take them)."""
    refs: dict[str, Ref] = {"y": source.y}
    refs.update({f"x{j}": ref for j, ref in enumerate(source.x)})
    if source.linest_x is not None:
        refs["X"] = source.linest_x
    return refs


def data_formula(text: str, refs: Mapping[str, Ref]) -> Formula:
    """A formula on the data, e.g. ``=SLOPE({y},{X})``, carrying only the references it uses."""
    return Formula(text, formula_refs(text, refs))


def sse_formula(source: DataSource, params: Sequence[CellRef], const: bool) -> Formula:
    """``=SUMPRODUCT((y-(x0*p0+...+b))^2)``, the SSE of the parameters in the cells ``params``
    (one per x, then the intercept's when ``const``); one SUMPRODUCT per piece of the ranges when
    rows inside them were left out."""
    k = len(source.x)
    refs: dict[str, Ref] = {f"p{j}": ref for j, ref in enumerate(params)}
    sums = []
    x_pieces = [pieces(ref, source.left_out) for ref in source.x]
    for i, y_piece in enumerate(pieces(source.y, source.left_out)):
        refs[f"y_{i}"] = y_piece
        refs.update({f"x{j}_{i}": x_pieces[j][i] for j in range(k)})
        terms = [f"{{x{j}_{i}}}*{{p{j}}}" for j in range(k)] + ([f"{{p{k}}}"] if const else [])
        sums.append(f"SUMPRODUCT(({{y_{i}}}-({'+'.join(terms) or '0'}))^2)")
    return data_formula("=" + "+".join(sums), refs)


def row_formula(sheet: str, table: str, row: int | str, text: str, **columns: str) -> Formula:
    """A formula on data row ``row`` of ``table`` over cells of that row: ``{key}`` in ``text``
    is the cell of column ``columns[key]``, spelled ``B5`` as a formula typed there would be."""
    return Formula(text, {key: CellRef(sheet, table, row, column, "relative") for key, column in columns.items()})
