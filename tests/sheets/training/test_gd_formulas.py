"""The GD formulas sheet recalculated by LibreOffice equals gdfit.fit, row by row.

One training report for one feature (the ad-spend data) and one for three features on very
different scales are written as gdfit writes them; copies get other values in the named input
cells (edited with openpyxl), and one LibreOffice run recalculates every file. Each row of
``gd_history`` must then equal ``gdfit.fit(..., grad_tol=0, max_iter=...)``'s history.
"""
from __future__ import annotations

import subprocess
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import gdfit
from gdfit.core.data import as_dataset
from gdfit.datasets import ad_spend
from gdfit.files.train import train_book
from gdfit.files.workbooks import write_report
from gdfit.report.layout import validate
from gdfit.report.model import RangeRef, Report
from gdfit.sheets.lessons.formulas import formulas_report
from gdfit.sheets.training.dataset import dataset_report
from gdfit.sheets.training.gd_formulas import CAP, INPUT_NAMES, SHEET, sgd_orders
from tests.lo import needs_soffice, soffice

# Both sides are float64 sums of the same terms in other orders, over a few hundred steps of a
# contraction (or an expansion, which grows errors and values alike). Measured on these cases: a
# parameter agrees to 1.3e-11 of its value, or 2.4e-13 of its range over the run, which is what
# counts where momentum swings it through zero (there a value 1/5000 of the range agreed to only
# 1e-10 of itself); the MSE to 3e-13 of the exact one. REL = 1e-10 leaves room for other data
# without hiding a wrong formula (a wrong scaling, velocity or step is wrong in the first digits).
REL = 1e-10
VALIDATOR = Path(__file__).resolve().parents[3] / ".." / "shared" / "tools" / "xlsx-validate" / "validate"


def eight_features() -> pd.DataFrame:
    """Eight x columns whose sizes run from 1e-2 to 1e3: the widest model the issue asks for."""
    rng = np.random.default_rng(8)
    n = 60
    X = rng.normal(size=(n, 8)) * np.logspace(-2, 3, 8) + np.logspace(-1, 4, 8)
    frame = pd.DataFrame(X, columns=[f"x{j + 1}" for j in range(8)])
    frame["y"] = X @ (1 / np.logspace(-2, 3, 8)) + 1.0 + rng.normal(0, 0.3, n)
    return frame


def three_features() -> pd.DataFrame:
    """x columns near 1, 1e4 and 1e-3: raw gradient descent on them is ill-conditioned."""
    rng = np.random.default_rng(7)
    n = 40
    frame = pd.DataFrame({"rate": rng.uniform(0.5, 1.5, n), "area": rng.uniform(5e3, 2e4, n),
                          "dose": rng.uniform(1e-3, 5e-3, n)})
    frame["yield"] = frame.to_numpy() @ [3.0, 2e-4, 900.0] + 2.0 + rng.normal(0, 0.5, n)
    return frame


@dataclass
class Case:
    """One workbook: the data, what the input cells hold, and the file LibreOffice recalculated."""

    frame: pd.DataFrame
    x: list[str]
    y: str
    inputs: dict[str, object] = field(default_factory=dict)
    const: bool = True
    path: Path | None = None
    recalculated: Path | None = None

    def reference(self, iterations: int, **override) -> gdfit.FitResult:
        o = {**self.inputs, **override}
        momentum = float(o["gd_momentum"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return gdfit.fit(self.frame[self.x], self.frame[self.y], scale="auto" if o["gd_scaled"] else "none",
                             learning_rate=float(o["gd_learning_rate"]), init=list(o["gd_start"]),
                             optimizer="momentum" if momentum else "plain", momentum=momentum or 0.9,
                             fit_intercept=self.const, grad_tol=0, max_iter=iterations)


def _destination(wb, name: str):
    sheet, cells = next(iter(wb.defined_names[name].destinations))
    return wb[sheet][cells.replace("$", "")]


def _set_inputs(path: Path, out: Path, values: dict[str, object]) -> None:
    wb = openpyxl.load_workbook(path)
    for name, value in values.items():
        cells = _destination(wb, name)
        if isinstance(cells, tuple):
            for cell, v in zip(cells[0], value):
                cell.value = float(v)
        else:
            cells.value = value
    wb.save(out)


def _inputs_of(path: Path) -> dict[str, object]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for name in INPUT_NAMES:
        cells = _destination(wb, name)
        out[name] = [c.value for c in cells[0]] if isinstance(cells, tuple) else cells.value
    return out


def _block(path: Path, name: str) -> np.ndarray:
    wb = openpyxl.load_workbook(path, data_only=True)
    rows = _destination(wb, name)
    return np.array([[c.value for c in row] for row in rows[1:]], dtype=float)


def _stable_limit(frame, x, y, scaled: bool, const: bool = True) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return gdfit.fit(frame[x], frame[y], scale="auto" if scaled else "none", fit_intercept=const,
                         max_iter=0).stable_limit


def _user_book(tmp: Path) -> Case:
    """``gdfit train`` on a user's workbook whose x columns are apart (text between them) and that
    has a sheet of its own called "GD formulas": gd_x is then a copy, on the renamed sheet."""
    frame = three_features()[["rate", "area", "yield"]]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sales"
    ws.append(["rate", "note", "area", "yield"])
    for rate, area, target in frame.itertuples(index=False):
        ws.append([float(rate), "n/a", float(area), float(target)])
    wb.create_sheet("GD formulas")["A1"] = "the user's own sheet"
    wb.save(tmp / "user.xlsx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = train_book(tmp / "user.xlsx", sheet="Sales", x=["rate", "area"], y="yield", out=tmp / "user_out.xlsx")
    return Case(frame, ["rate", "area"], "yield", _inputs_of(result.output), path=result.output)


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    """name -> Case, every file recalculated by one LibreOffice run."""
    tmp = tmp_path_factory.mktemp("gd_formulas")
    frames = {"one": (ad_spend(), ["ad_spend"], "sales"), "three": (three_features(), ["rate", "area", "dose"],
                                                                   "yield")}
    cases: dict[str, Case] = {}
    frames["eight"] = (eight_features(), [f"x{j + 1}" for j in range(8)], "y")
    for key, (frame, x, y) in frames.items():
        report, _ = dataset_report(frame, x, y, table="T", title=key, reproducible=True)
        written = write_report(report, tmp / f"{key}.xlsx")
        cases[key] = Case(frame, x, y, _inputs_of(written), path=written)
        k = len(x) + 1
        limit_scaled, limit_raw = (_stable_limit(frame, x, y, s) for s in (True, False))
        variants = {
            "rate_start": {"gd_learning_rate": 0.3 * limit_scaled, "gd_start": [1.5] * (k - 1) + [-2.0]},
            "momentum": {"gd_learning_rate": 0.05 * limit_scaled, "gd_momentum": 0.9,
                         "gd_start": [0.5] * (k - 1) + [1.0]},
            "raw": {"gd_scaled": False, "gd_learning_rate": 0.9 * limit_raw, "gd_start": [0.1] * k},
            "diverging": {"gd_learning_rate": 1.08 * limit_scaled, "gd_start": [1.0] * k},
            "raw_diverging": {"gd_scaled": False, "gd_learning_rate": 1.05 * limit_raw, "gd_start": [0.0] * k},
            "far_diverging": {"gd_learning_rate": 30 * limit_scaled, "gd_momentum": 0.5},
        }
        if key == "eight":  # the widest model: the formulas for many columns, with a moving start
            variants = {name: variants[name] for name in ("momentum", "diverging")}
        for name, values in variants.items():
            out = tmp / f"{key}_{name}.xlsx"
            _set_inputs(written, out, values)
            cases[f"{key}_{name}"] = Case(frame, x, y, {**cases[key].inputs, **values}, path=out)
    for name, scaled in (("noconst", True), ("noconst_raw", False)):  # no intercept: RMS scaling, no c
        frame = three_features()
        x = ["rate", "area", "dose"]
        report, _ = dataset_report(frame, x, "yield", table="T", title=name, reproducible=True, const=False)
        written = write_report(report, tmp / f"{name}.xlsx")
        values = {"gd_scaled": scaled, "gd_start": [0.5, 1e-4, 100.0],
                  "gd_learning_rate": 0.5 * _stable_limit(frame, x, "yield", scaled, const=False)}
        out = tmp / f"{name}_edited.xlsx"
        _set_inputs(written, out, values)
        cases[name] = Case(frame, x, "yield", {**_inputs_of(written), **values}, const=False, path=out)
    cases["user_apart"] = _user_book(tmp)
    lesson = write_report(formulas_report(), tmp / "gd_in_formulas.xlsx")
    cases["lesson"] = Case(ad_spend(), ["ad_spend"], "sales", _inputs_of(lesson), path=lesson)
    recalc = soffice(tmp / "profile", "xlsx", tmp / "recalc", *[c.path for c in cases.values()])
    for case, path in zip(cases.values(), recalc):
        case.recalculated = path
    return cases


def exact_mse(X: np.ndarray, y: np.ndarray, params: np.ndarray) -> float:
    """The MSE of ``params`` (coefficients, then the intercept if any) in exact rational arithmetic."""
    w = [Fraction(float(v)) for v in params]
    intercept = w[-1] if len(w) > X.shape[1] else Fraction(0)
    total = Fraction(0)
    for row, target in zip(X, y):
        r = sum((Fraction(float(a)) * b for a, b in zip(row, w)), intercept) - Fraction(float(target))
        total += r * r
    return float(total / len(y))


def _assert_rows_match(sheet: np.ndarray, reference: pd.DataFrame, X: np.ndarray, y: np.ndarray) -> None:
    """Iteration numbers exactly, parameters to REL (of a thousandth of their range at least); the
    MSE to REL of the exact MSE of gdfit's parameters, and to gdfit's own loss column within the
    drift that column is allowed.

    gdfit's history loss is a running sum of exact one-step changes (core.descent.loop): its
    error is about one rounding of the start's loss per step, so where the loss falls by eight
    orders of magnitude it keeps fewer than 1e-10 of the small values right; the sheet computes
    each MSE afresh.
    """
    expected = reference.drop(columns=["grad_norm", "learning_rate"]).to_numpy()
    got = sheet[:len(expected)]
    assert np.isfinite(got).all()
    np.testing.assert_array_equal(got[:, 0], expected[:, 0])
    # Relative to the value, or to a thousandth of the parameter's range where it passes near zero.
    floor = 1e-3 * np.abs(expected[:, 2:]).max(axis=0)
    assert (np.abs(got[:, 2:] - expected[:, 2:]) <= REL * np.maximum(np.abs(expected[:, 2:]), floor)).all()
    exact = np.array([exact_mse(X, y, row[2:]) for row in expected])
    np.testing.assert_allclose(got[:, 1], exact, rtol=REL, atol=0)
    drift = 4 * np.finfo(float).eps * expected[0, 1] * np.arange(len(expected))
    assert (np.abs(got[:, 1] - expected[:, 1]) <= REL * np.abs(expected[:, 1]) + drift).all()


pytestmark = needs_soffice

CASES = ["one", "three", "lesson", "noconst", "noconst_raw", "eight", "eight_momentum", "eight_diverging",
         "user_apart"] + [f"{key}_{v}" for key in ("one", "three")
                            for v in ("rate_start", "momentum", "raw", "diverging", "raw_diverging",
                                      "far_diverging")]


@pytest.mark.parametrize("case", CASES)
def test_every_history_row_equals_gdfit_fit(books, case):
    c = books[case]
    sheet = _block(c.recalculated, "gd_history")
    reference = c.reference(iterations=len(sheet) - 1)
    assert len(sheet) - 1 >= 200
    _assert_rows_match(sheet, reference.history, c.frame[c.x].to_numpy(), c.frame[c.y].to_numpy())
    if "diverging" not in case:
        assert len(reference.history) == len(sheet)  # the whole table, not a prefix, is checked


@pytest.mark.parametrize("case", ["one_diverging", "three_diverging", "one_raw_diverging", "three_raw_diverging"])
def test_a_rate_past_two_over_l_is_flagged_and_keeps_diverging_past_where_gdfit_stops(books, case):
    c = books[case]
    reference = c.reference(iterations=200)
    assert reference.diverged and len(reference.history) < 200  # gdfit stops where the sheet goes on
    wb = openpyxl.load_workbook(c.recalculated, data_only=True)
    texts = [v for row in wb[SHEET].iter_rows(max_row=30, values_only=True) for v in row if isinstance(v, str)]
    limit = _stable_limit(c.frame, c.x, c.y, bool(c.inputs["gd_scaled"]))
    assert f"diverging: learning rate above 2/L = {limit:.3E}" in texts
    sheet = _block(c.recalculated, "gd_history")
    assert np.isfinite(sheet).all()
    assert np.abs(sheet[:, 2:]).max() > 1e3 * np.abs(reference.history.iloc[:, 4:].to_numpy()).max()


@pytest.mark.parametrize("case", ["one_far_diverging", "three_far_diverging"])
def test_values_past_the_cap_are_held_there_not_errors(books, case):
    """30 × 2/L grows about 60-fold a step: unchecked it would overflow float64 within 200 rows."""
    c = books[case]
    wb = openpyxl.load_workbook(c.recalculated, data_only=True)
    ws = wb[SHEET]
    header = next(r for r in ws.iter_rows() if r[0].value == "iteration")
    descended = [cell.column for cell in header if str(cell.value).startswith("descended: ")]
    theta = np.array([[ws.cell(row=r, column=col).value for col in descended]
                      for r in range(header[0].row + 1, header[0].row + 202)], dtype=float)
    assert np.isfinite(theta).all() and np.abs(theta).max() == CAP  # held at the cap: the charts still draw
    assert np.isfinite(_block(c.recalculated, "gd_history")).all()


@pytest.mark.parametrize("case", ["one", "three_rate_start"])
def test_a_converging_rate_says_so(books, case):
    wb = openpyxl.load_workbook(books[case].recalculated, data_only=True)
    texts = [v for row in wb[SHEET].iter_rows(max_row=30, values_only=True) for v in row if isinstance(v, str)]
    assert any(t.startswith("converging: learning rate below 2/L = ") for t in texts)


def test_the_momentum_limit_is_two_times_one_plus_momentum_over_l(books):
    c = books["one_momentum"]
    wb = openpyxl.load_workbook(c.recalculated, data_only=True)
    texts = [v for row in wb[SHEET].iter_rows(max_row=30, values_only=True) for v in row if isinstance(v, str)]
    limit = 1.9 * _stable_limit(c.frame, c.x, c.y, True)
    assert f"converging: learning rate below 2(1+momentum)/L = {limit:.3E}" in texts


@pytest.mark.parametrize("case", ["one", "three", "eight"])
def test_the_closed_form_beside_the_last_row_is_linest(books, case):
    c = books[case]
    wb = openpyxl.load_workbook(c.recalculated, data_only=True)
    ws = wb[SHEET]
    rows = {row[0]: row for row in ws.iter_rows(values_only=True) if isinstance(row[0], str)}
    closed = gdfit.closed_form(c.frame[c.x], c.frame[c.y])
    linest = np.array(rows["closed form (LINEST)"][2:2 + len(c.x) + 1], dtype=float)
    # LINEST by LibreOffice (QR) against gdfit's refined closed form: both near the float64 limit.
    np.testing.assert_allclose(linest, closed.params, rtol=1e-9)
    last = _block(c.recalculated, "gd_history")[-1, 2:]
    np.testing.assert_allclose(np.array(rows["last row minus the closed form"][2:2 + len(linest)], dtype=float),
                               last - linest, rtol=1e-6, atol=1e-12 * np.abs(linest).max())


@pytest.mark.parametrize("case", ["one", "lesson"])
def test_sgd_epochs_equal_gdfit_sgd_with_the_same_permutation(books, case):
    c = books[case]
    sheet = _block(c.recalculated, "gd_sgd_history")
    epochs = len(sheet) - 1
    wb = openpyxl.load_workbook(c.path)
    rate = _destination(wb, "gd_sgd_learning_rate").value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = gdfit.fit(c.frame[c.x], c.frame[c.y], method="sgd", learning_rate=rate,
                              init=list(c.inputs["gd_start"]), grad_tol=0, tol=0, max_iter=epochs, seed=0)
    assert epochs >= 5
    _assert_rows_match(sheet, reference.history, c.frame[c.x].to_numpy(), c.frame[c.y].to_numpy())


def test_sgd_rows_follow_the_seeded_permutation(books):
    c = books["one"]
    wb = openpyxl.load_workbook(c.path)
    ws = wb[SHEET]
    header_row = next(r for r in ws.iter_rows() if any(cell.value == "row drawn" for cell in r))
    col = next(cell.column for cell in header_row if cell.value == "row drawn")
    drawn = [ws.cell(row=r, column=col).value for r in range(header_row[0].row + 2, ws.max_row + 1)]
    drawn = [v for v in drawn if v is not None]
    n = len(c.frame)
    assert len(drawn) % n == 0
    np.testing.assert_array_equal(drawn, sgd_orders(n, len(drawn) // n, 0))
    for e in range(len(drawn) // n):  # every epoch is one pass over every row
        assert sorted(drawn[e * n:(e + 1) * n]) == list(range(1, n + 1))


def test_names_are_workbook_scoped_and_point_at_the_inputs_and_data(books):
    wb = openpyxl.load_workbook(books["three"].path)
    names = {name: d.attr_text for name, d in wb.defined_names.items()}
    assert names["gd_learning_rate"] == "'GD formulas'!$C$3"
    assert names["gd_start"] == "'GD formulas'!$C$4:$F$4"
    assert names["gd_x"] == "'Data'!$A$4:$C$43" and names["gd_y"] == "'Data'!$D$4:$D$43"
    assert names["gd_history"].startswith("'GD formulas'!$A$")
    assert not [name for ws in wb.worksheets for name in ws.defined_names if name.startswith("gd_")]


def test_a_users_sheet_of_the_same_name_is_kept_and_the_names_follow_gdfits(books):
    wb = openpyxl.load_workbook(books["user_apart"].path)
    assert wb["GD formulas"]["A1"].value == "the user's own sheet"
    names = {name: d.attr_text for name, d in wb.defined_names.items()}
    assert names["gd_learning_rate"] == "'GD formulas (gdfit)'!$C$3"
    assert names["gd_y"] == "'Sales'!$D$2:$D$41"
    assert names["gd_x"].startswith("'GD formulas (gdfit)'!")  # the copy: rate and area are apart
    copy = _destination(openpyxl.load_workbook(books["user_apart"].recalculated, data_only=True), "gd_x")
    # LibreOffice saves a formula's value with 15 significant digits.
    np.testing.assert_allclose([[c.value for c in row] for row in copy],
                               books["user_apart"].frame[["rate", "area"]].to_numpy(), rtol=1e-14)


def test_every_sum_over_the_data_is_a_sumproduct(books):
    """A plain SUM of a range expression is an implicit intersection in LibreOffice and older Excel."""
    wb = openpyxl.load_workbook(books["three"].path)
    formulas = [c.value for row in wb[SHEET].iter_rows() for c in row if isinstance(c.value, str)
                and c.value.startswith("=") and "gd_x" in c.value]
    assert formulas
    for f in formulas:
        assert "SUM(" not in f.replace("SUMPRODUCT(", "").replace("SUMSQ(", "")


@pytest.mark.skipif(not VALIDATOR.exists(), reason="the xlsx validator is not on this machine")
def test_written_workbooks_pass_the_validator(books):
    files = [str(books[k].path) for k in ("one", "three", "lesson")]
    run = subprocess.run([str(VALIDATOR), "--ignore-font-order", *files], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]


def test_columns_apart_are_copied_side_by_side_for_gd_x():
    from gdfit.sheets.training.gd_formulas import GdFormulaInputs, gd_formulas_sheet
    from gdfit.sheets.training.source import DataSource

    frame = three_features()
    data = as_dataset(frame[["rate", "area"]], frame["yield"], moments=True)
    source = DataSource((RangeRef("Mine", "A2:A41", external=True), RangeRef("Mine", "C2:C41", external=True)),
                        RangeRef("Mine", "E2:E41", external=True), data.labels, "yield")
    sheet, names = gd_formulas_sheet(source, data, GdFormulaInputs(0.1, (0.0, 0.0, 0.0)))
    gd_x = next(n.ref for n in names if n.name == "gd_x")
    copy = next(t for t in sheet.tables if t.id == "x_copy")
    assert gd_x.sheet == SHEET and len(copy.rows) == 40
    assert [f.text for f in copy.rows[0]] == [f"=INDEX({{x}},ROW()-{copy.first_data_row - 1})"] * 2
    assert [f.refs["x"] for f in copy.rows[0]] == list(source.x)
    validate(Report([sheet], names=names))


def test_data_too_large_to_recalculate_get_a_note_instead_of_the_descent():
    from gdfit.sheets.training.gd_formulas import WORK_LIMIT, GdFormulaInputs, gd_formulas_sheet, recalculation_work
    from gdfit.sheets.training.source import DataSource

    rng = np.random.default_rng(0)
    n, p = 200_000, 8
    X = rng.normal(size=(n, p))
    data = as_dataset(X, X.sum(axis=1), moments=True)
    assert recalculation_work(n, p, True, 200) == 201 * 10 * n * 9 > WORK_LIMIT
    source = DataSource(tuple(RangeRef("Mine", f"{c}2:{c}{n + 1}", external=True) for c in "ABCDEFGH"),
                        RangeRef("Mine", f"I2:I{n + 1}", external=True), data.labels, "y",
                        RangeRef("Mine", f"A2:H{n + 1}", external=True))
    sheet, names = gd_formulas_sheet(source, data, GdFormulaInputs(0.1, (0.0,) * 9))
    assert names == [] and not sheet.tables and not sheet.charts
    assert sheet.notes[-1].style == "warning" and "3.6e+09 multiply-adds" in sheet.notes[-1].text
