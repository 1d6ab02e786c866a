"""Excel-shaped arguments to arrays and back: blanks, text, logicals, dates, error values."""
import datetime as dt
import math
import sys
import types

import numpy as np
import pytest

from gdfit.core.data import InputError, OptionError
from gdfit.excel import convert


def test_a_range_arrives_as_rows_a_scalar_as_one_cell_a_flat_list_as_a_column():
    assert convert.grid(5.0, "a") == [[5.0]]
    assert convert.grid([1.0, 2.0], "a") == [[1.0], [2.0]]
    assert convert.grid(((1.0, 2.0), (3.0, 4.0)), "a") == [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(InputError, match="rectangular"):
        convert.grid([[1.0, 2.0], [3.0]], "a")


def test_dates_are_excel_serial_numbers():
    data = convert.excel_data([[1.0], [2.0]], [[dt.datetime(2024, 1, 1)], [dt.date(2024, 1, 2)]])
    assert data.X[:, 0].tolist() == [45292.0, 45293.0]  # =DATE(2024,1,1) is 45292 in Excel


def test_header_row_gives_labels_but_a_number_stored_as_text_is_not_a_header():
    data = convert.excel_data([["sales"], [1.0], [2.0], [4.0]], [["tv", "radio"], [1.0, 5.0],
                                                                  [2.0, 3.0], [3.0, 1.0]])
    assert (data.labels, data.y_label, data.rows, data.has_header) == (("tv", "radio"), "sales",
                                                                     (2, 3, 4), True)
    with pytest.raises(InputError, match="known_y has the number '1' stored as text at row 1"):
        convert.excel_data([["1"], [2.0], [3.0]], [["x"], [1.0], [2.0]])


def test_cells_of_a_row_range_are_named_by_column():
    with pytest.raises(InputError, match=r"known_x has a blank at column 2, row 1;"):
        convert.excel_data([[1.0, 2.0, 3.0]], [[1.0, None, 3.0], [2.0, 2.0, 2.0]])


def test_blank_rows_are_skipped_and_their_positions_kept():
    data = convert.excel_data([[1.0], [None], [3.0], [""], [5.0]],
                              [[1.0], [None], [2.0], [None], [4.0]])
    assert data.rows == (1, 3, 5) and data.y.tolist() == [1.0, 3.0, 5.0]


def test_excel_flags():
    assert convert.flag("c", None, True) is True
    assert convert.flag("c", 0.0, True) is False
    assert convert.flag("c", "false", True) is False
    assert convert.flag("c", " TRUE ", False) is True
    with pytest.raises(OptionError, match="c must be TRUE or FALSE; got 'yes'"):
        convert.flag("c", "yes", True)


def test_results_become_cells_with_na_for_nan_and_infinity():
    rows = convert.cells(np.array([[1.5, np.nan], [np.inf, 2.0]]))
    assert rows == [[1.5, "#N/A"], ["#N/A", 2.0]]
    assert convert.cells([[np.int64(3), np.bool_(True), None, "x"]]) == [[3, True, None, "x"]]
    assert type(convert.cells([[np.float64(1.0)]])[0][0]) is float


def test_na_is_a_com_error_value_where_pywin32_exists(monkeypatch):
    class VARIANT:  # stands in for win32com.client.VARIANT
        def __init__(self, vt, value):
            self.varianttype, self.value = vt, value
    monkeypatch.setitem(sys.modules, "pythoncom", types.SimpleNamespace(VT_ERROR=10))
    monkeypatch.setitem(sys.modules, "win32com", types.ModuleType("win32com"))
    monkeypatch.setitem(sys.modules, "win32com.client", types.SimpleNamespace(VARIANT=VARIANT))
    convert.error_value.cache_clear()
    try:
        na = convert.error_value("#N/A")
        assert (na.varianttype, na.value) == (10, -2146826246)  # CVErr(xlErrNA) as COM sees it
    finally:
        convert.error_value.cache_clear()  # the next call sees this machine's modules again


def test_a_message_is_one_line_starting_with_the_function():
    text = convert.message("GD_FIT", InputError("known_y has\na problem"))
    assert text == "GD_FIT: known_y has a problem"
    assert convert.message("GD_FIT", KeyError("k")).startswith("GD_FIT: unexpected KeyError")


def test_only_gdfits_own_refusals_are_expected():
    from gdfit.files.book import BookError

    assert all(convert.expected(e) for e in (InputError("x"), OptionError("x"), BookError("x")))
    # numpy's own ValueError is a bug in gdfit: it should have been caught and worded
    numpy_error = ValueError("operands could not be broadcast together with shapes (3,) (4,)")
    assert not convert.expected(numpy_error) and not convert.expected(TypeError("x"))
    assert convert.message("GD_FIT", numpy_error) == (
        "GD_FIT: unexpected ValueError (operands could not be broadcast together with shapes (3,) "
        "(4,)); please report it with the inputs that caused it.")


def test_max_time_argument_then_environment_then_five_seconds(monkeypatch):
    monkeypatch.delenv(convert.MAX_TIME_ENV, raising=False)
    assert convert.max_time(None) == 5.0
    assert convert.max_time(0.5) == 0.5
    monkeypatch.setenv(convert.MAX_TIME_ENV, "12")
    assert convert.max_time(None) == 12.0
    monkeypatch.setenv(convert.MAX_TIME_ENV, "-1")
    with pytest.raises(OptionError, match="GDFIT_MAX_TIME must be a number of seconds > 0"):
        convert.max_time(None)


def test_number_refuses_infinity():
    with pytest.raises(InputError, match="known_x has inf at row 2"):
        convert.number(math.inf, "known_x", "row 2")
