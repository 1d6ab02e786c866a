"""gdfit.read_data takes columns of plain numbers through numpy in one go: the result must be the
one the per-cell path gives, value for value and line for line."""
import numpy as np
import openpyxl
import pandas as pd
import pytest

import gdfit
from gdfit.files.read_grid import Grid

ROWS = 5_000


@pytest.fixture
def per_cell(monkeypatch):
    """Switch the numpy path off: every cell is classified one by one, as before it existed."""
    def use_per_cell():
        monkeypatch.setattr(Grid, "numbers", lambda self, rows, c: None)
        monkeypatch.setattr(Grid, "plain_mask", property(lambda self: np.zeros(len(self.rows), dtype=bool)))
    return use_per_cell


def _numbers(seed=0):
    """Price, Visits (whole numbers, which a workbook reader gives as ints), Units, Revenue."""
    rng = np.random.default_rng(seed)
    X = np.round(rng.normal(size=(ROWS, 3)) * [1.0, 4000.0, 1e4] + [0.0, -500.0, 2e5], 4)
    X[:, 1] = np.trunc(X[:, 1])
    y = np.round(X @ [2.0, -0.005, 0.001] + rng.normal(size=ROWS), 6)  # openpyxl writes 15 digits
    return np.column_stack([X, y])


def _same(fast, slow):
    pd.testing.assert_frame_equal(fast.X, slow.X, check_exact=True)
    pd.testing.assert_series_equal(fast.y, slow.y, check_exact=True)
    assert fast.X.dtypes.tolist() == slow.X.dtypes.tolist()
    assert (fast.where, fast.skipped, fast.notes, fast.sheet, fast.x_refs, fast.y_ref) == \
        (slow.where, slow.skipped, slow.notes, slow.sheet, slow.x_refs, slow.y_ref)


def _book(path, data, tail=()):
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(["Sales data"])
    ws.append([])
    ws.append(["Price", "Visits", "Units", "Revenue"])
    for row in data.tolist():
        ws.append([row[0], int(row[1]), *row[2:]])
    for row in tail:
        ws.append(row)
    wb.save(path)


def test_a_large_numeric_sheet_reads_as_the_per_cell_path_does(tmp_path, per_cell):
    data = _numbers()
    path = tmp_path / "numbers.xlsx"
    _book(path, data)
    fast = gdfit.read_data(path)
    np.testing.assert_array_equal(np.column_stack([fast.X, fast.y]), data)  # exact: the stored doubles
    assert fast.X.index[0] == 4 and fast.X.index[-1] == ROWS + 3
    per_cell()
    _same(fast, gdfit.read_data(path))


def test_trailing_sum_and_mean_rows_and_a_labelled_total_as_the_per_cell_path_reads_them(tmp_path, per_cell):
    data = _numbers(1)
    sums = [float(sum(data[:, j])) for j in range(data.shape[1])]  # in order, as the reader adds
    path = tmp_path / "totals.xlsx"
    tail = [[*sums, "Total"], [s / ROWS for s in sums]]  # a label beside the columns read
    _book(path, data, tail)
    fast = gdfit.read_data(path, x="Price, Units, Revenue", y="Visits", missing="drop")
    per_cell()
    slow = gdfit.read_data(path, x="Price, Units, Revenue", y="Visits", missing="drop")
    _same(fast, slow)
    assert len(fast.X) == ROWS and "row 5005: totals" in fast.skipped[-1]
    assert any("row 5004: a total row (labelled 'Total')" in line for line in fast.skipped)


def test_a_column_with_text_or_a_blank_goes_the_per_cell_way_with_the_same_message(tmp_path, per_cell):
    data = _numbers(2)
    path = tmp_path / "stray.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    ws.append(["Price", "Visits", "Units", "Revenue"])
    for i, row in enumerate(data.tolist()):
        ws.append(["n/a" if i == 1234 else row[0], None if i == 77 else row[1], *row[2:]])
    wb.save(path)
    with pytest.raises(gdfit.InputError) as fast:
        gdfit.read_data(path)
    dropped = gdfit.read_data(path, x="Visits, Units", y="Revenue", missing="drop")
    per_cell()
    with pytest.raises(gdfit.InputError) as slow:
        gdfit.read_data(path)
    assert str(fast.value) == str(slow.value) and "A1236" in str(fast.value)
    _same(dropped, gdfit.read_data(path, x="Visits, Units", y="Revenue", missing="drop"))
    assert len(dropped.X) == ROWS - 1


def test_a_large_csv_reads_as_the_per_cell_path_does(tmp_path, per_cell):
    data = _numbers(3)
    data[::7, 0] *= 1e-5  # repr writes these with exponents: 2.3e-06
    path = tmp_path / "numbers.csv"
    sums = data.sum(axis=0)
    lines = ["Price,Visits,Units,Revenue"] + [",".join(map(repr, row)) for row in data.tolist()]
    lines += [",".join(f"{s:.4f}" for s in sums), ",".join(f"{s / ROWS:.4f}" for s in sums)]
    path.write_text("\n".join(lines) + "\n")
    fast = gdfit.read_data(path)
    np.testing.assert_array_equal(np.column_stack([fast.X, fast.y]), data)
    assert any("e-0" in v for v in path.read_text().split(",")[:200])
    assert "lines 5002-5003: totals" in fast.skipped[-1]
    per_cell()
    _same(fast, gdfit.read_data(path))
