"""A sheet's rows of numbers only are typed, counted and converted to float64 in one go (one block
per span of rows read): every result must be the one the per-cell path gives, and the one the
per-column conversion gave before the block, on sheets where plain rows and other rows mix."""
import datetime as dt
import math
import zipfile

import numpy as np
import pandas as pd
import pytest

import gdfit
from gdfit.files.read_grid import Grid
from gdfit.files.read_layout import find_table

ROWS = 3_000


@pytest.fixture
def switch(monkeypatch):
    """``switch("column")``: no block, each column converted on its own as before the block;
    ``switch("cell")``: every row classified cell by cell, no numpy path at all."""
    def use(way):
        monkeypatch.setattr(Grid, "_block", lambda self, first, stop: None)
        monkeypatch.setattr(Grid, "_plain_text_numbers", lambda self, span, c: self._column_numbers(range(*span), c))
        if way == "cell":
            monkeypatch.setattr(Grid, "numbers", lambda self, rows, c: None)
            monkeypatch.setattr(Grid, "plain_mask", property(lambda self: np.zeros(len(self.rows), dtype=bool)))
    return use


def _xml_cell(ref, value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, str):
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}"><v>{value!r}</v></c>'  # repr: NaN and inf as "nan" and "inf", which python-calamine reads


def write_book(path, rows):
    """A one-sheet .xlsx written part by part (openpyxl cannot store NaN or inf), cells as given:
    floats as numbers, str as inline text, bools as logicals, None left out."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
        'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    body = "".join(f'<row r="{i}">' + "".join(_xml_cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(row))
                   + "</row>" for i, row in enumerate(rows, 1))
    with zipfile.ZipFile(path, "w") as package:
        for name, text in parts.items():
            package.writestr(name, text)
        package.writestr("xl/worksheets/sheet1.xml", '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://'
                         f'schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>')


def _data(seed, rows=ROWS):
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(rows, 3)) * [1.0, 40.0, 1e4] + [0.0, 500.0, 2e5], 4)
    y = np.round(X @ [2.0, -0.5, 0.001] + rng.normal(size=rows), 6)
    return np.column_stack([X, y]).tolist()


HEADER = ["Price", "Visits", "Units", "Revenue"]


def _with(rows, at, row):
    rows = [list(r) for r in rows]
    rows[at] = row
    return rows


# Sheets whose data rows are plain but for one row (or a few): where it sits and what it holds.
SHEETS = {
    "plain": [HEADER] + _data(0),
    "text in the middle": _with([HEADER] + _data(1), 1500, [1.5, "n/a", 3.0, 4.0]),
    "bool in the middle": _with([HEADER] + _data(2), 1500, [1.5, True, 3.0, 4.0]),
    "blank at the start": _with([HEADER] + _data(3), 1, [None, 10.0, 3.0, 4.0]),
    "text number at the end": _with([HEADER] + _data(4), ROWS, [1.5, 10.0, "3.25", 4.0]),
    "a total row at the end": [HEADER] + _data(5) + [["Total", None, None, 1.0]],
    "NaN and inf": _with(_with([HEADER] + _data(6), 10, [math.nan, 1.0, 2.0, 3.0]), 20, [1.0, math.inf, 2.0, -math.inf]),
    "a title, a two-row header and notes below": [["Sales 2023"], [], ["Unit", "Web", "Units", "Net"],
                                                   HEADER] + _data(7) + [[], ["Source: the shop"]],
    "a row of text between blocks": [HEADER] + _data(8, 1000) + [["n", "o", "t", "e"]] + _data(9, 1000),
}


def _same(a, b):
    pd.testing.assert_frame_equal(a.X, b.X, check_exact=True)
    pd.testing.assert_series_equal(a.y, b.y, check_exact=True)
    assert (a.where, a.skipped, a.notes, a.sheet, a.x_refs, a.y_ref, a.text_numbers) == \
        (b.where, b.skipped, b.notes, b.sheet, b.x_refs, b.y_ref, b.text_numbers)


def _read(path, **kwargs):
    """The LoadedData, or the message of the InputError it raises."""
    try:
        return gdfit.read_data(path, **kwargs)
    except gdfit.InputError as exc:
        return str(exc)


def _agree(results):
    first = results[0]
    for other in results[1:]:
        if isinstance(first, str) or isinstance(other, str):
            assert first == other
        else:
            _same(first, other)


def _three_ways(path, switch, kwargs) -> list:
    """``path`` read by the block reader, then per column, then cell by cell."""
    results = [_read(path, **kwargs)]
    for way in ("column", "cell"):
        switch(way)
        results.append(_read(path, **kwargs))
    return results


@pytest.mark.parametrize("kwargs", [{}, {"missing": "drop"}, {"x": "Price, Units", "y": "Revenue"},
                                    {"x": "A2:A2001, C2:C2001", "y": "D2:D2001"}], ids=str)
@pytest.mark.parametrize("name", SHEETS)
def test_each_sheet_reads_as_the_per_column_and_the_per_cell_paths_read_it(tmp_path, switch, name, kwargs):
    path = tmp_path / "book.xlsx"
    write_book(path, SHEETS[name])
    _agree(_three_ways(path, switch, kwargs))


def write_csv(path, rows):
    """The same cells as CSV text: numbers as repr writes them, TRUE/FALSE, blanks as nothing."""
    def text(v):
        return "" if v is None else ("TRUE" if v else "FALSE") if isinstance(v, bool) else str(v)
    path.write_text("".join(",".join(map(text, row)) + "\n" for row in rows))


@pytest.mark.parametrize("kwargs", [{}, {"missing": "drop"}, {"x": "Price, Units", "y": "Revenue"}], ids=str)
@pytest.mark.parametrize("name", SHEETS)
def test_each_sheet_as_csv_reads_as_the_per_column_and_the_per_cell_paths_read_it(tmp_path, switch, name, kwargs):
    path = tmp_path / "data.csv"
    write_csv(path, SHEETS[name])
    _agree(_three_ways(path, switch, kwargs))


def test_the_sheets_exercise_what_they_are_named_for(tmp_path):
    """The cases above are not all the plain case: the block holds the odd rows out and reads around them."""
    path = tmp_path / "book.xlsx"
    write_book(path, SHEETS["text in the middle"])
    read = gdfit.read_data(path, x="Price, Units", y="Revenue")
    assert len(read.X) == ROWS and read.X.index[0] == 2
    assert "n/a" in _read(path)  # the column with the text, read by default, is refused by name
    write_book(path, SHEETS["NaN and inf"])
    read = gdfit.read_data(path)
    assert math.isnan(read.X.iloc[9, 0]) and read.X.iloc[19, 1] == math.inf and read.y.iloc[19] == -math.inf
    write_book(path, SHEETS["text number at the end"])
    read = gdfit.read_data(path)
    assert read.text_numbers == ((), (), (ROWS - 1,), ()) and read.X.iloc[-1, 2] == 3.25
    write_book(path, SHEETS["a row of text between blocks"])
    read = gdfit.read_data(path)
    assert len(read.X) == 1000 and any("below the table" in line for line in read.skipped)
    text = tmp_path / "data.csv"
    write_csv(text, SHEETS["plain"])
    read = gdfit.read_data(text)
    np.testing.assert_array_equal(np.column_stack([read.X, read.y]), SHEETS["plain"][1:])


def _reference(grid, rows, c):
    """Grid.numbers by hand: every cell a float or int (bools are not numbers), converted one by one."""
    cells = [grid.raw(r, c) if r < grid.height and c < len(grid.rows[r]) else None for r in rows]
    if not cells or not all(type(v) in (float, int) for v in cells):
        return None
    try:
        return np.array([float(v) for v in cells])
    except OverflowError:
        return None


GRIDS = {
    "floats and ints": [["a", "b", "c"]] + [[float(i), i, i * 0.5] for i in range(50)],
    "ints past 2**53 and 2**63": [["a", "b"]] + [[2**53 + 1, 2**70 + i] for i in range(20)],
    "an int past float64 in one column": [["a", "b"]] + [[1.0, 2.0]] * 9 + [[1.0, 10**400]] + [[1.0, 2.0]] * 9,
    "a bool among numbers": [["a", "b"]] + [[1.0, 2.0]] * 9 + [[True, 2.0]] + [[1.0, 2.0]] * 9,
    "None, text, a date mid-block": [["a", "b"]] + [[1.0, 2.0]] * 5 + [[None, 2.0], ["x", 3], [dt.date(2023, 1, 2), 4]]
    + [[1.5, 2.5]] * 5,
    "an other row first and last": [[1, "t"]] + [[1.0, 2.0]] * 8 + [[3.0, False]],
    "short plain rows": [["a", "b", "c"]] + [[1.0, 2.0, 3.0]] * 4 + [[1.0, 2.0]] + [[1.0, 2.0, 3.0]] * 4,
    "short other row": [["a", "b", "c"]] + [[1.0, 2.0, 3.0]] * 4 + [[1.0, "x"]] + [[1.0, 2.0, 3.0]] * 4,
    "NaN and inf": [["a", "b"]] + [[math.nan, math.inf], [-math.inf, -0.0]] * 5,
    "empty rows": [["a", "b"]] + [[1.0, 2.0]] * 3 + [[]] + [[1.0, 2.0]] * 3,
}


def _spans(height):
    return [range(1, height), range(0, height), range(2, height - 1), tuple(range(1, height)),
            range(1, height + 3), (1, 3, 4), range(1, height, 2)]


@pytest.mark.parametrize("name", GRIDS)
def test_numbers_are_each_cell_converted_on_its_own(name):
    rows = GRIDS[name]
    width = max(map(len, rows))
    for span in _spans(len(rows)):
        for c in range(width + 1):
            grid = Grid([list(r) for r in rows], "book.xlsx", "Data")
            found, expected = grid.numbers(span, c), _reference(grid, span, c)
            assert (found is None) == (expected is None), (span, c)
            if expected is not None:
                np.testing.assert_array_equal(found.values, expected)
                assert found.decimals is None


# classify raises OverflowError on an int past float64 (no workbook reader gives one): no census to compare
@pytest.mark.parametrize("name", [name for name in GRIDS if name != "an int past float64 in one column"])
def test_the_table_found_is_the_one_the_per_cell_census_finds(name, switch):
    rows = GRIDS[name]
    fast = find_table(Grid([list(r) for r in rows], "book.xlsx", "Data"))
    switch("cell")
    slow = find_table(Grid([list(r) for r in rows], "book.xlsx", "Data"))
    assert fast is not None and slow is not None
    assert (fast.header, fast.first, fast.last, fast.columns, fast.labels, fast.notes) == \
        (slow.header, slow.first, slow.last, slow.columns, slow.labels, slow.notes)


def test_plain_rows_are_found_chunk_by_chunk_as_row_by_row():
    """Rows checked in chunks of thousands: an odd row in a chunk, at its edges, and empty rows."""
    rows = [[1.0, 2.0] for _ in range(10_000)]
    odd = {0: ["x", 1.0], 4095: [True, 1.0], 4096: [None, 2.0], 5000: [], 9999: [1, dt.date(2020, 1, 1)], 7000: [3, 4]}
    for r, row in odd.items():
        rows[r] = row
    grid = Grid(rows, "book.xlsx", "Data")
    expected = [bool(row) and all(type(v) in (float, int) for v in row) for row in rows]
    assert grid.plain_rows == expected and grid.plain_mask.tolist() == expected
    assert grid.other_rows == [0, 4095, 4096, 5000, 9999]


def test_trailing_totals_are_found_past_rows_that_are_totals_in_some_columns_only(tmp_path, switch):
    """Each column is checked only where the columns before it passed: a row that is the mean of
    the rows above in its first columns but not in the last is data; the sum and mean rows below are totals."""
    rows = _data(10, 500)
    for k in (100, 300):  # the mean of the rows above in Price, Visits and Units, not in Revenue
        rows[k][:3] = [float(np.mean([r[j] for r in rows[:k]])) for j in range(3)]
    sums = [float(sum(r[j] for r in rows)) for j in range(4)]  # in order, as the reader adds
    path = tmp_path / "totals.xlsx"
    write_book(path, [HEADER] + rows + [sums, [s / len(rows) for s in sums]])
    fast = gdfit.read_data(path)
    switch("cell")
    _same(fast, gdfit.read_data(path))
    assert len(fast.X) == 500 and fast.skipped[-1].startswith("rows 502-503: totals")
    assert fast.X.loc[102, "Price"] == rows[100][0]  # the near-total row was kept


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was(tmp_path, enabled):
    """It is paused while python-calamine makes the rows, and its state given back, also on an error."""
    import gc

    path = tmp_path / "book.xlsx"
    write_book(path, SHEETS["plain"])
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(path) as good, zipfile.ZipFile(broken, "w") as bad:
        for name in good.namelist():  # the sheet's XML cut short: python-calamine fails reading it
            data = good.read(name)
            bad.writestr(name, data[:len(data) // 2] if name.endswith("sheet1.xml") else data)
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        assert len(gdfit.read_data(path).X) == ROWS
        assert gc.isenabled() is enabled
        with pytest.raises(gdfit.InputError):
            gdfit.read_data(broken)
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


@pytest.mark.parametrize("odd", [math.nan, math.inf, -math.inf])
def test_nan_or_inf_in_the_first_row_of_data_is_read_as_a_number(tmp_path, odd):
    """Without a header, the first row is looked at as a possible row of years heading the columns;
    NaN and inf are no years."""
    rows = _data(11, 20)
    rows[0][0] = odd
    path = tmp_path / "book.xlsx"
    write_book(path, rows)
    read = gdfit.read_data(path)
    assert len(read.X) == 20 and read.X.index[0] == 1
    np.testing.assert_array_equal(read.X.iloc[0, 0], odd)


def test_plain_csv_rows_are_found_chunk_by_chunk_as_row_by_row():
    """A CSV file's cells are text: a row is plain when every cell is a number as CSV files write it."""
    rows = [["1.5", "-2", "3e-05"] for _ in range(10_000)]
    odd = {1: ["x", "1", "2"], 4095: ["1,5", "1", "2"], 4096: [None, "1", "2"], 5000: [], 6000: ["3\n4", "1", "2"],
           8191: ["1", "2", "TRUE"], 8192: ["12.", "1", "2"], 9999: ["1", "2", "$3"]}
    for r, row in odd.items():
        rows[r] = row
    grid = Grid(rows, "data.csv", None)
    expected = [r not in odd or r == 8192 for r in range(len(rows))]  # "12." is a plain number too
    assert grid.plain_rows == expected
    assert grid.other_rows == sorted(set(odd) - {8192})
