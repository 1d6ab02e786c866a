"""The Train button with Model = logistic on the GD Settings sheet."""
import pytest
import statsmodels.api as sm
from statsmodels.datasets import spector

from gdfit.excel.macros import train
from gdfit.excel.settings import ROWS, parse_settings
from tests.excel.backends import payload
from tests.excel.test_macros import grid_of

DATA = spector.load_pandas()
REF = sm.Logit(DATA.endog, sm.add_constant(DATA.exog[["GPA"]], prepend=False)).fit(disp=0, tol=1e-14)
LOGISTIC = ["Logistic Regression", "Solver", "GD", "Compare"]


def grades_sheet():
    values = [["Grades", None], [None, None], ["GPA", "GRADE"]]
    values += [[float(a), float(b)] for a, b in zip(DATA.exog["GPA"], DATA.endog)]
    return {"name": "Grades", "values": values}


def settings_values(model="logistic", l2=0):
    n = len(DATA.endog)
    return [["gdfit: what Train fits, and how"], [None], ["Setting", "Value", "What it means"],
            ["Data sheet", "Grades"], ["x cells", f"A4:A{n + 3}"], ["y cells", f"B4:B{n + 3}"], ["Constant", True],
            ["Learning rate", "auto"], ["Iterations", 100000], ["Loss", "mse"], ["Method", "gd"],
            ["Batch size", None], ["Seed", 0], ["Max time (s)", 60], ["Model", model], ["L2 (logistic)", l2]]


def test_model_and_l2_are_settings():
    assert [r[1] for r in ROWS][-2:] == ["model", "l2"]
    parsed = parse_settings(settings_values(model="Logistic", l2=0.5))
    assert parsed.model == "logistic" and parsed.l2 == 0.5


def test_train_with_model_logistic_draws_the_logistic_sheets(make_book):
    sheets = [grades_sheet(), {"name": "GD Settings", "values": settings_values()}]
    book = make_book(payload(sheets, selection="C9", active=1))
    outcome = train(book.book)
    assert outcome is not None
    assert book.sheet_names() == ["Grades", "GD Settings", *LOGISTIC]
    cmp = outcome.comparison
    assert cmp.mle.params == pytest.approx(list(REF.params), rel=1e-10)
    assert cmp.fit.params == pytest.approx(list(REF.params), rel=1e-8)
    parity = grid_of(book, "Compare", "A4")
    assert parity[1][0] == "'Gradient descent" and parity[2][0] == "'Newton (maximum likelihood)"
    assert book.of("activate")[-1] == ("activate", "Compare")


def test_a_response_of_three_values_is_one_alert(make_book, monkeypatch):
    sheet = grades_sheet()
    sheet["values"][5][1] = 2.0
    alerts = []
    monkeypatch.setattr("gdfit.excel.macros._alert", lambda app, text: alerts.append(text))
    book = make_book(payload([sheet, {"name": "GD Settings", "values": settings_values()}], selection="C9",
                             active=1))
    assert train(book.book) is None
    assert alerts and alerts[0].startswith("gdfit Train: the y cells has 3 distinct labels")
