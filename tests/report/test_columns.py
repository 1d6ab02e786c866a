"""``Columns``: a table's rows of numbers held as arrays. The reference for every fast path is the
same table as a list of rows, which the scalar rules (``display_format``, ``display_text``) draw."""
import copy

import numpy as np
import pytest

from gdfit.report.model import Columns, LayoutError, Report, SheetSpec, Table
from gdfit.report.present import MAX_ROW_BREAKS, cell_format, display_text, present


def _awkward(seed: int = 0) -> np.ndarray:
    """Values at every boundary the format rules have: powers of ten and their neighbours, nine
    and ten significant digits, integers past 1e8, the General and scientific limits, zeros of
    both signs, non-finite values, and random numbers over twenty orders of magnitude."""
    rng = np.random.default_rng(seed)
    powers = 10.0 ** np.arange(-9, 14)
    edges = np.concatenate([powers, np.nextafter(powers, 0), np.nextafter(powers, np.inf),
                            [1e-4, 1e11, 99999.5, 99999.99999, 123456789.0, 12345678.0, 1234567890.0,
                             0.1, 0.3, 2.5, 1 / 3, 0.00012345, 0.000123456789, 9.99999999, 9.999999999,
                             999999999.5, 0.0, -0.0, np.nan, np.inf, -np.inf]])
    scales = 10.0 ** rng.uniform(-8, 13, 3000)
    random = rng.normal(size=3000) * scales
    rounded = np.concatenate([np.round(rng.normal(size=60) * 10.0 ** e, d) for e in range(-3, 9) for d in (0, 2, 5)])
    values = np.concatenate([edges, -edges, random, rounded, rng.integers(-10**6, 10**6, 500).astype(float)])
    return values


def test_columns_read_as_the_rows_a_list_table_holds():
    ints = np.arange(1, 6, dtype=np.int64)
    floats = np.array([0.5, np.nan, 2.0, -3.25, 1e12])
    rows = Columns([ints, floats, None])
    expected = [[int(i), float(f), None] for i, f in zip(ints, floats)]
    assert len(rows) == 5 and rows.width == 3
    got = list(rows)
    assert [[type(v) for v in r] for r in got] == [[int, float, type(None)]] * 5
    assert repr(got) == repr(expected)  # NaN included
    assert rows[-1] == expected[-1] and repr(rows[1:3]) == repr(expected[1:3])
    assert rows.value(3, 1) == -3.25 and rows.value(3, 2) is None
    with pytest.raises(IndexError):
        rows[5]
    assert copy.deepcopy(rows) is rows  # shared by presented copies: it is read-only
    floats[0] = 99.0  # the caller's array is copied, not held
    assert rows.value(0, 1) == 0.5
    with pytest.raises(ValueError):
        rows.column(1)[0] = 1.0


@pytest.mark.parametrize("columns", [[np.arange(3), np.arange(4)], [np.ones((2, 2))], [np.array(["a", "b"])]])
def test_columns_refuse_what_a_column_of_numbers_is_not(columns):
    with pytest.raises(LayoutError):
        Columns(columns)


@pytest.mark.parametrize("number_format", [None, "0.000000", "0.00%", "0.00E+00"])
def test_formats_and_widths_of_columns_are_the_scalar_rules(number_format):
    values = _awkward()
    integers = np.arange(1, len(values) + 1, dtype=np.int64)
    as_rows = Table("A1", None, [[int(i), float(v)] for i, v in zip(integers, values)], [None, number_format])
    as_columns = Table("A1", None, Columns([integers, values]), [None, number_format])
    for j in range(2):
        assert [cell_format(as_columns, i, j) for i in range(len(values))] == \
               [cell_format(as_rows, i, j) for i in range(len(values))]
    widths = [present(Report([SheetSpec("S", tables=[t])])).sheets[0].column_widths for t in (as_rows, as_columns)]
    assert widths[0] == widths[1]
    # the width is the longest text itself, not a bound on it
    longest = max(len(display_text(float(v), cell_format(as_rows, i, 1))) for i, v in enumerate(values))
    assert widths[1]["B"] == pytest.approx(min(max(longest + 2.0, 8.43), 40.0), abs=0.05)


def test_a_sheet_of_a_hundred_thousand_rows_keeps_within_the_page_break_limit():
    from gdfit.report.model import ChartSpec, ColumnRef, SeriesSpec

    n = 100_000
    table = Table("A1", None, Columns([np.arange(n, dtype=float), np.arange(n, dtype=float) ** 0.5]), id="t")
    chart = ChartSpec("scatter", "under the rows", f"A{n + 3}",
                      [SeriesSpec("s", ColumnRef("S", "t", 0), ColumnRef("S", "t", 1))])
    sheet = present(Report([SheetSpec("S", tables=[table], charts=[chart])])).sheets[0]
    breaks = sheet.page.row_breaks
    assert len(breaks) == MAX_ROW_BREAKS  # a file with more is one Excel repairs
    assert list(breaks) == sorted(set(breaks))
    # the chart's page starts where gdfit laid it out (the break above it is kept), and no break
    # falls inside the chart; the earlier pages, whose breaks are left out, break where they fill
    assert not any(n + 2 <= b < n + 3 + 18 for b in breaks)
    assert max(b for b in breaks if b < n + 2) > n - 100
