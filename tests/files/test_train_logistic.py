"""gdfit train --model logistic: the sheets, the saved Solver model, and LibreOffice's recalculation
of the recipe (LL), the fitted probabilities and the live classification table."""
import math

import numpy as np
import openpyxl
import pytest
import statsmodels.api as sm
from statsmodels.datasets import spector

from gdfit.cli import main
from gdfit.files.train import train_book
from gdfit.report.ownership import is_owned
from tests.lo import needs_soffice, soffice

DATA = spector.load_pandas()
REF = sm.Logit(DATA.endog, sm.add_constant(DATA.exog, prepend=False)).fit(disp=0, tol=1e-14)


def _book(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Grades"
    ws.append(["GPA", "TUCE", "PSI", "GRADE"])
    for row in DATA.data[["GPA", "TUCE", "PSI", "GRADE"]].itertuples(index=False):
        ws.append([float(v) for v in row])
    wb.save(path)
    return path


def _find(ws, text):
    return next(cell for row in ws.iter_rows() for cell in row if cell.value == text)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("logit")
    result = train_book(_book(tmp / "grades.xlsx"), model="logistic", max_iter=100000)
    return tmp, result


def test_sheets_are_written_and_owned(trained):
    _, result = trained
    assert result.sheets == ["Logistic Regression", "Solver", "GD", "Compare"]
    wb = openpyxl.load_workbook(result.output)
    assert wb.sheetnames == ["Grades", "Logistic Regression", "Solver", "GD", "Compare"]
    assert all(is_owned(wb[name]) for name in result.sheets) and not is_owned(wb["Grades"])
    np.testing.assert_allclose(result.comparison.mle.params, REF.params, rtol=1e-12)


def test_block_holds_the_statsmodels_numbers(trained):
    _, result = trained
    ws = openpyxl.load_workbook(result.output)["Logistic Regression"]
    gpa = next(cell for cell in ws["A"] if cell.value == "GPA")  # the block's coefficient row
    row = [c.value for c in ws[gpa.row][1:5]]
    assert row == pytest.approx([REF.params["GPA"], REF.bse["GPA"], REF.tvalues["GPA"], REF.pvalues["GPA"]],
                                rel=1e-9)
    assert ws.cell(_find(ws, "McFadden R Square").row, 2).value == pytest.approx(REF.prsquared, rel=1e-10)


def test_saved_solver_model_maximises_ll_with_the_non_negative_box_cleared(trained):
    _, result = trained
    ws = openpyxl.load_workbook(result.output)["Solver"]
    names = {name: dn.attr_text for name, dn in ws.defined_names.items()}
    assert names["solver_typ"] == "1"  # 1 = Max
    assert names["solver_neg"] == "2"  # 2 = unconstrained variables may be negative
    objective = _find(ws, "LL (objective)")
    assert names["solver_opt"] == f"'Solver'!$B${objective.row}"
    assert ws.cell(objective.row, 2).value.startswith("=SUM(")


@needs_soffice
def test_libreoffice_recalculates_ll_probabilities_and_the_classification(trained, tmp_path):
    _, result = trained
    recalc = soffice(tmp_path / "profile", "xlsx", tmp_path / "out", result.output)
    wb = openpyxl.load_workbook(recalc, data_only=True)
    ws = wb["Solver"]
    objective = _find(ws, "LL (objective)")
    # The variable cells start at 0: every p is 1/2.
    assert ws.cell(objective.row, 2).value == pytest.approx(32 * math.log(0.5), rel=1e-12)
    # The recipe at Newton's coefficients is the maximum log-likelihood (LibreOffice's EXP and LN
    # against numpy's: a few ulps per row).
    at_mle = _find(ws, "LL at Newton's coefficients")
    assert ws.cell(at_mle.row, 2).value == pytest.approx(REF.llf, rel=1e-12)
    reg = wb["Logistic Regression"]
    observed = _find(reg, "Observed 1")
    counts = [reg.cell(observed.row, observed.column + j).value for j in (1, 2)]
    counts += [reg.cell(observed.row + 1, observed.column + j).value for j in (1, 2)]
    c = result.comparison.mle.classification(0.5)
    assert counts == [c.true_positive, c.false_negative, c.false_positive, c.true_negative]
    accuracy = _find(reg, "Accuracy")
    assert reg.cell(accuracy.row, accuracy.column + 1).value == pytest.approx(c.accuracy, rel=1e-12)


def test_cli_train_model_logistic(tmp_path, capsys):
    book = _book(tmp_path / "grades.xlsx")
    assert main(["train", str(book), "--model", "logistic", "--max-iter", "100000"]) == 0
    out = capsys.readouterr().out
    assert "Newton (maximum likelihood)" in out and "Make Unconstrained Variables Non-Negative" in out
    assert (tmp_path / "grades_gdfit.xlsx").is_file()


def test_data_too_long_for_the_per_row_recipe_is_one_line_before_any_fitting(tmp_path, monkeypatch, capsys):
    # The limit (100,000 rows of live p and LL terms) set to the data's 32 rows less one, so the
    # refusal path runs on a small book; at the real limit the same check runs first.
    from gdfit.files import train
    from gdfit.sheets.training.logistic import MAX_LOGISTIC_ROWS, check_logistic_size

    check_logistic_size(MAX_LOGISTIC_ROWS)  # at the limit: taken
    monkeypatch.setattr("gdfit.sheets.training.logistic.MAX_LOGISTIC_ROWS", len(DATA.data) - 1)
    monkeypatch.setattr(train, "compare_logistic_dataset", None)  # never reached: nothing is fitted
    book = _book(tmp_path / "grades.xlsx")
    assert main(["train", str(book), "--model", "logistic"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == ("gdfit: error: the logistic training sheets copy every row into live formulas (the Solver "
                       "recipe, the fitted probabilities), and 32 rows is more than they take (31); fit a sample, "
                       "or use 'gdfit logit' (or gdfit.logistic_mle) for the numbers alone.")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grades.xlsx"]
