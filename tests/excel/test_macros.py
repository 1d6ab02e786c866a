"""The Train button: train(book) on an open book, checked through the actions it produces."""
import pytest
import xlwings as xw

import gdfit
from gdfit.core.solver.solve import MESSAGES
from gdfit.excel import macros
from gdfit.excel.macros import train
from gdfit.report.a1 import Rect
from tests.excel.backends import Backend, owner_name, payload

TRAINING = ["Formula", "Solver", "Regression", "GD", "GD formulas", "Compare"]


def sales_sheet(bad_cell=None):
    d = gdfit.datasets.ad_spend()
    values = [["Monthly figures", None], [None, None], ["ad spend", "sales"]]
    values += [[float(a), float(b)] for a, b in zip(d.ad_spend, d.sales)]
    if bad_cell:
        row, col, value = bad_cell
        values[row - 1][col - 1] = value
    return {"name": "Sales data", "values": values}


def settings_values(x="A4:A20", y="B4:B20", rate=0.1, iterations=5):
    return [["gdfit: what Train fits, and how"], [None], ["Setting", "Value", "What it means"],
            ["Data sheet", "Sales data"], ["x cells", x], ["y cells", y], ["Constant", True],
            ["Learning rate", rate], ["Iterations", iterations], ["Loss", "mse"],
            ["Method", "gd"], ["Batch size", None], ["Seed", 0], ["Max time (s)", 60]]


def grid_of(book, sheet, top_left):
    return next(a[3] for a in book.of("values", sheet) if a[2].split(":")[0] == top_left)


def test_train_fits_the_selection_and_draws_the_training_sheets(make_book):
    book = make_book(payload([sales_sheet()], selection="A3:B33"))
    outcome = train(book.book)
    assert outcome.ranges.x == (Rect(4, 1, 33, 1),) and outcome.ranges.y == Rect(4, 2, 33, 2)
    assert book.sheet_names() == ["Sales data"] + TRAINING + ["GD Settings"]
    formula = grid_of(book, "Formula", "A4")
    assert formula[1][:2] == ["'slope (ad spend)", "=SLOPE('Sales data'!$B$4:$B$33,'Sales data'!$A$4:$A$33)"]
    d = gdfit.datasets.ad_spend()
    closed = gdfit.closed_form(d[["ad_spend"]], d.sales)
    parity = grid_of(book, "Compare", "A4")
    assert parity[1][0] == "'Gradient descent"
    assert parity[1][1] == pytest.approx(closed.coef[0], rel=1e-8)
    assert parity[1][2] == pytest.approx(closed.intercept, rel=1e-8)
    settings = {row[0]: row[1] for row in grid_of(book, "GD Settings", "A3")[1:]}
    assert settings["'x cells"] == "'A4:A33" and settings["'y cells"] == "'B4:B33"
    assert settings["'Data sheet"] == "'Sales data" and settings["'Iterations"] == 1000
    assert any("Excel's Solver is not available here" in str(a[3]) for a in book.of("values", "Compare"))
    assert book.of("activate")[-1] == ("activate", "Compare")
    assert not [a for a in book.actions() if a[1:2] == ("Sales data",)]  # the data untouched


def test_a_single_cell_fits_the_data_around_it(backend_kind):
    # Excel's current region where the engine has it; otherwise the first header row with
    # numbers below it, as `gdfit train` finds data in a file. Both give the same cells here.
    book = Backend(backend_kind, payload([sales_sheet()], selection="B10"), current_region=True) \
        if backend_kind == "mock" else Backend(backend_kind, payload([sales_sheet()], selection="B10"))
    outcome = train(book.book)
    assert outcome.ranges.x == (Rect(4, 1, 33, 1),) and outcome.ranges.y == Rect(4, 2, 33, 2)


def test_the_settings_sheet_drives_a_rerun_that_replaces_the_old_sheets(make_book):
    sheets = [sales_sheet()] + [{"name": n} for n in TRAINING] + \
        [{"name": "GD Settings", "values": settings_values()}]
    names = [owner_name(i + 1, n) for i, n in enumerate(TRAINING)]
    book = make_book(payload(sheets, selection="C9", active=len(TRAINING), names=names))  # on Compare
    outcome = train(book.book)
    assert outcome.ranges.x == (Rect(4, 1, 20, 1),) and outcome.ranges.y == Rect(4, 2, 20, 2)
    fit = outcome.comparison.fit
    assert fit.options["learning_rate"] == 0.1 and fit.n_iter == 5
    assert book.sheet_names() == ["Sales data"] + TRAINING + ["GD Settings"]
    assert {a[1] for a in book.of("deleteSheet")} == {f"~gdfit old {i}" for i in range(1, len(TRAINING) + 1)}
    assert ("addSheet", "GD Settings") not in book.actions()
    options = {row[0]: row[1] for row in grid_of(book, "GD", "A4")[1:]}
    assert options["'max_iter"] == 5 and options["'learning_rate"] == 0.1


def test_bad_data_is_one_alert_and_the_book_is_unchanged(make_book):
    book = make_book(payload([sales_sheet(bad_cell=(10, 2, "oops"))], selection="A3:B33"))
    assert train(book.book) is None
    assert book.actions() == [("alert", "gdfit Train: the data has the text 'oops' at "
                                        "'Sales data'!B10; select numbers only (a header row is "
                                        "allowed only as the first row of every range).")]


def test_one_selected_column_is_refused(make_book):
    book = make_book(payload([sales_sheet()], selection="A4:A33"))
    assert train(book.book) is None
    (kind, text), = book.actions()
    assert text.startswith("gdfit Train: the selection has one column; select the x column(s)")


def test_settings_that_name_a_missing_sheet_are_refused(make_book):
    sheets = [sales_sheet(), {"name": "GD Settings", "values": settings_values()}]
    sheets[1]["values"][3][1] = "Old data"
    book = make_book(payload(sheets, selection="A1", active=1))
    assert train(book.book) is None
    assert book.actions()[0][1].startswith("gdfit Train: GD Settings names the data sheet 'Old data'")


def test_windows_excel_runs_solver_and_shows_progress_in_the_status_bar():
    """The Windows path (com=True) against a recording mock of Excel's object model."""
    book = Backend("mock", payload([sales_sheet()], selection="A3:B33"), com=True)
    fake = book.fake
    fake.app_api.Run.side_effect = lambda macro, *args: 0 if macro.endswith("SolverSolve") else None
    outcome = train(book.book, com=True)
    assert outcome.excel_solver == MESSAGES[0]
    calls = [c.args for c in fake.app_api.Run.call_args_list]
    assert fake.app_api.AddIns("Solver Add-in").Installed is True
    assert calls == [("Solver.xlam!SolverOk", "$B$7", 2, 0, "$B$5:$B$6", 2, "GRG Nonlinear"),
                     ("Solver.xlam!SolverSolve", True), ("Solver.xlam!SolverFinish", 1)]
    live = grid_of(book, "Compare", next(a[2].split(":")[0] for a in book.of("values", "Compare")
                                         if a[3][0] == ["'Parameter", "'Excel's Solver"]))
    assert [row[1] for row in live[1:]] == ["='Solver'!$B$5", "='Solver'!$B$6", "='Solver'!$B$7"]
    assert book.actions()[-3][3] == [[f"'Excel's Solver: {MESSAGES[0]}"]]
    statuses = [a[1] for a in book.of("status")]
    assert statuses[0] == "gdfit: reading the data..."
    assert any(s.startswith("gdfit: gradient descent 1/1000, loss") for s in statuses)
    assert statuses[-1] is False  # handed back to Excel


def test_a_failing_excel_solver_is_reported_on_the_compare_sheet():
    book = Backend("mock", payload([sales_sheet()], selection="A3:B33"), com=True)
    book.fake.app_api.Run.side_effect = OSError("Cannot run the macro 'Solver.xlam!SolverOk'")
    outcome = train(book.book, com=True)
    assert outcome.excel_solver.startswith("could not run")
    assert book.actions()[-3][3] == [["'Excel's Solver: could not run (Cannot run the macro "
                                      "'Solver.xlam!SolverOk'); see the Solver row above."]]
    assert "Compare" in book.sheet_names()


def test_main_trains_the_calling_book(monkeypatch):
    book = Backend("mock", payload([sales_sheet()], selection="A3:B33"))
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book.book))
    assert gdfit.main is macros.main  # what the add-in's RunMain runs: import gdfit; gdfit.main()
    gdfit.main()
    assert ("addSheet", "Compare") in book.actions()


def test_main_in_windows_excel_offers_the_functions_then_trains(monkeypatch):
    book = Backend("mock", payload([sales_sheet()], selection="A3:B33"), com=True)
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book.book))
    monkeypatch.setattr(macros, "uses_com", lambda b: b is book.book)
    seen = []
    monkeypatch.setattr(macros, "import_functions", lambda xl: seen.append(xl) or macros.TRUST_HINT)
    gdfit.main()
    assert seen == [book.fake.app_api]
    assert book.actions()[0] == ("alert", macros.TRUST_HINT)  # before anything is drawn
    assert ("addSheet", "Compare") in book.actions()


def test_main_elsewhere_does_not_touch_the_vba_project(monkeypatch):
    book = Backend("mock", payload([sales_sheet()], selection="A3:B33"))
    monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book.book))
    monkeypatch.setattr(macros, "import_functions", lambda xl: pytest.fail("imported off Windows"))
    gdfit.main()
    assert not book.of("alert") and ("addSheet", "Compare") in book.actions()
