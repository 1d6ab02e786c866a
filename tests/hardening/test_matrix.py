"""The bad-input matrix: each case through the Python API, the worksheet functions and `gdfit train`.

A case either gives a one-line message naming the argument (and the row where there is one) and
the fix, or finite numbers whose flags tell the truth. Cases a workbook cannot hold (NaN, ±inf
are not storable in .xlsx) are marked so for the train column.
"""
import math
import warnings

import numpy as np
import openpyxl
import pytest

import gdfit
from gdfit.cli import main
from gdfit.excel import udfs
from tests.hardening.cell_answers import answer

X10 = np.arange(1.0, 11.0)
Y10 = 2.0 * X10 + 1.0 + np.sin(X10)
YEARS = np.arange(2001.0, 2021.0)


def col(values):
    return [[v] for v in values]


# name: (x column(s) as rows, y values, fit options, expected) — expected is ("error", words) or ("ok", check)
CASES = {
    "empty range": ([], [], {}, ("error", ["empty"])),
    "single row": ([[1.0]], [2.0], {}, ("error", ["1 row", "2 parameters"])),
    "fewer rows than parameters": ([[1.0, 2.0], [2.0, 1.0]], [1.0, 2.0], {}, ("error", ["2 row", "3 parameters"])),
    "length mismatch": (col(X10), list(Y10[:-1]), {}, ("error", ["rows"])),
    "blank inside": (col(list(X10[:4]) + [None] + list(X10[5:])), list(Y10), {}, ("error", ["blank", "row 5"])),
    "text inside": (col(list(X10[:4]) + ["ten"] + list(X10[5:])), list(Y10), {}, ("error", ["'ten'", "row 5"])),
    "boolean inside": (col(list(X10[:4]) + [True] + list(X10[5:])), list(Y10), {}, ("error", ["True", "row 5"])),
    "#N/A inside": (col(X10), list(Y10[:6]) + ["#N/A"] + list(Y10[7:]), {}, ("error", ["#N/A", "row 7"])),
    "#DIV/0! inside": (col(X10), list(Y10[:6]) + ["#DIV/0!"] + list(Y10[7:]), {}, ("error", ["#DIV/0!", "row 7"])),
    "NaN": (col(list(X10[:2]) + [math.nan] + list(X10[3:])), list(Y10), {}, ("error", ["nan", "row 3"])),
    "+inf": (col(X10), list(Y10[:2]) + [math.inf] + list(Y10[3:]), {}, ("error", ["inf", "row 3"])),
    "-inf": (col(X10), list(Y10[:2]) + [-math.inf] + list(Y10[3:]), {}, ("error", ["-inf", "row 3"])),
    "constant column": ([[x, 4.0] for x in X10], list(Y10), {}, ("error", ["constant"])),
    "exactly collinear": ([[x, 2 * x] for x in X10], list(Y10), {}, ("ok", "collinear")),
    "nearly collinear": ([[x, 2 * x + 1e-6 * math.sin(7 * x)] for x in X10], list(Y10), {}, ("ok", "finite")),
    "values near 1e300": (col(X10 * 1e300), list(Y10), {}, ("error", ["overflow", "divide by"])),
    "values near 1e-300": (col(X10 * 1e-300), list(Y10), {}, ("error", ["vanish", "multiply by"])),
    "x = years, unscaled": (col(YEARS), list(0.5 * YEARS - 900 + np.cos(YEARS)), {}, ("ok", "closed")),
    "all-equal y": (col(X10), [3.0] * 10, {}, ("ok", "closed")),
    "diverging learning rate": (col(X10), list(Y10), {"learning_rate": 50.0, "scale": "none"}, ("ok", "diverged")),
    "max_iter 0": (col(X10), list(Y10), {"max_iter": 0}, ("ok", "not converged")),
    "max_iter huge": (col(X10), list(Y10), {"max_iter": 10**9, "max_time": 2.0}, ("ok", "closed")),
    "batch_size 0": (col(X10), list(Y10), {"method": "minibatch", "batch_size": 0}, ("error", ["batch_size", "0"])),
    "batch_size > n": (col(X10), list(Y10), {"method": "minibatch", "batch_size": 11}, ("error", ["batch_size", "11"])),
    "unknown option": (col(X10), list(Y10), {"learnig_rate": 0.1}, ("error", ["learnig"])),
}
NOT_IN_A_WORKBOOK = {"NaN", "+inf", "-inf", "empty range"}  # .xlsx cannot store these; an empty sheet has no data
UDF_OPTIONS = {"learning_rate": 4, "max_iter": 5, "method": 7, "batch_size": 8}  # GD_FIT argument indexes


def _check_ok(kind, coef, intercept, converged, diverged, x, y):
    assert all(math.isfinite(v) for v in [*coef, intercept])
    if kind == "diverged":
        assert diverged and not converged
    elif kind == "not converged":
        assert not converged
    elif kind == "closed":
        closed = gdfit.closed_form(np.array(x, dtype=float), np.array(y, dtype=float))
        np.testing.assert_allclose([*coef, intercept], closed.params, rtol=1e-6, atol=1e-9)


def _check_error(message, words):
    assert "\n" not in message
    for word in words:
        assert word.lower() in message.lower(), (word, message)


@pytest.mark.parametrize("case", list(CASES))
def test_python_api(case):
    x, y, options, (kind, expected) = CASES[case]
    X = np.array(x, dtype=object).reshape(len(x), -1) if x else np.empty((0, 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "error":
            with pytest.raises(ValueError) as info:
                gdfit.fit(X, y, **options)
            _check_error(str(info.value), expected)
            if "option" not in case and "batch" not in case:
                with pytest.raises(ValueError):
                    gdfit.compare(y, X, **options)
            return
        r = gdfit.fit(np.array(x, dtype=float), np.array(y, dtype=float), **options)
        _check_ok(expected, r.coef, r.intercept, r.converged, r.diverged, x, y)
        if expected == "collinear":
            assert "rank_dropped" in gdfit.compare(y, np.array(x, dtype=float)).flags


@pytest.mark.parametrize("case", list(CASES))
def test_worksheet_function(case):
    x, y, options, (kind, expected) = CASES[case]
    args = [col(y), x or None, None, None, None, None, None, None, None, None]
    if "learnig_rate" in options:
        pytest.skip("a worksheet function's arguments are fixed by position: no option name to misspell")
    for name, value in options.items():
        if name in UDF_OPTIONS:
            args[UDF_OPTIONS[name]] = value
    # The worksheet functions always standardise: a rate of 50 is 100 times their 1/L = 0.5.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = answer(udfs.GD_FIT, *args)  # numbers or gdfit's own refusal, never a bug
        status = dict(answer(udfs.GD_STATUS, args[0], args[1], None, *args[4:9])) if kind == "ok" else {}
    if kind == "error":
        assert isinstance(out, str) and out.startswith("GD_FIT: "), out
        _check_error(out, [w for w in expected if w not in ("learnig_rate", "learning_rate")])
        return
    assert not isinstance(out, str), out
    values = [v for v in out[0]]
    coef, intercept = values[:-1][::-1], values[-1]
    assert all(isinstance(v, float) and math.isfinite(v) for v in values)
    if expected == "closed":
        _check_ok("closed", coef, intercept, True, False, x, y)
    if expected == "diverged":
        assert status["diverged"] is True and status["converged"] is False


def _workbook(path, x, y):
    wb = openpyxl.Workbook()
    ws = wb.active
    width = len(x[0]) if x else 1
    ws.append([f"x{j + 1}" for j in range(width)] + ["y"])
    for row, target in zip(x, y):
        ws.append(list(row) + [target])
    wb.save(path)


@pytest.mark.parametrize("case", [c for c in CASES if c not in NOT_IN_A_WORKBOOK])
def test_gdfit_train(case, tmp_path, capsys):
    x, y, options, (kind, expected) = CASES[case]
    if len(x) != len(y):
        pytest.skip("a worksheet's columns always have the same rows; the x range is longer")
    book = tmp_path / "book.xlsx"
    _workbook(book, x, y)
    flags = []
    for name, value in options.items():
        flags += [f"--{name.replace('_', '-')}", str(value)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            status = main(["train", str(book), *flags])
        except SystemExit as exit_:  # the command line refused an unknown flag
            status = exit_.code
    err = capsys.readouterr().err
    if kind == "error":
        assert status == 2, err
        assert err.startswith("gdfit: error:") and err.count("\n") == 1, err
        return
    assert status == 0, err
    wb = openpyxl.load_workbook(tmp_path / "book_gdfit.xlsx")
    assert {"Formula", "GD", "Compare"} <= set(wb.sheetnames)


def test_worksheet_functions_refuse_huge_ranges_before_copying(monkeypatch):
    monkeypatch.setenv("GDFIT_MAX_CELLS", "100")
    out = udfs.GD_FIT(col(range(101)), col(range(101)))
    assert out == ("GD_FIT: known_y has 101 cells; worksheet functions take at most 100 (set "
                   "GDFIT_MAX_CELLS to change it, or use the Train button for big data).")
    monkeypatch.delenv("GDFIT_MAX_CELLS")
    assert not isinstance(udfs.GD_FIT(col(Y10), col(X10)), str)
