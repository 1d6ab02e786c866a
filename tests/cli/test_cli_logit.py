"""gdfit logit: the Logistic Regression block and the three-way comparison, read through read_data."""
import re

import numpy as np
import statsmodels.api as sm
from statsmodels.datasets import spector

from gdfit.cli import main

DATA = spector.load_pandas()
REF = sm.Logit(DATA.endog, sm.add_constant(DATA.exog, prepend=False)).fit(disp=0, tol=1e-14)


def _csv(tmp_path, frame):
    path = tmp_path / "spector.csv"
    frame.to_csv(path, index=False)
    return str(path)


def _row(out, name):
    line = next(line for line in out.splitlines() if line.startswith(name))
    return [float(v) for v in re.findall(r"-?\d+\.?\d*(?:e[-+]\d+)?", line[len(name):])]


def test_logit_prints_the_block_and_the_comparison(tmp_path, capsys):
    assert main(["logit", _csv(tmp_path, DATA.data), "--y", "GRADE", "--max-iter", "100000"]) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "y = 'GRADE'" in captured.err
    # Printed to 10 significant digits: compared at 1e-9.
    gpa = _row(out, "GPA   ")
    np.testing.assert_allclose(gpa[:4], [REF.params["GPA"], REF.bse["GPA"], REF.tvalues["GPA"], REF.pvalues["GPA"]],
                               rtol=1e-9)
    assert abs(_row(out, "-2 Log-likelihood (fitted model)")[0] + 2 * REF.llf) < 1e-8
    assert abs(_row(out, "McFadden R Square")[0] - REF.prsquared) < 1e-9
    assert "Gradient descent agrees with Newton's maximum" in out
    assert "Make Unconstrained Variables Non-Negative" in out  # the default trap, explained


def test_allow_negative_and_a_bad_response_is_one_line(tmp_path, capsys):
    path = _csv(tmp_path, DATA.data)
    assert main(["logit", path, "--y", "GRADE", "--allow-negative"]) == 0
    assert "Non-Negative\" held" not in capsys.readouterr().out
    assert main(["logit", path, "--y", "TUCE"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("gdfit: error: known_y has") and "distinct labels" in err[-1]


def test_fit_with_the_log_loss_points_to_logit(tmp_path, capsys):
    assert main(["fit", _csv(tmp_path, DATA.data), "--y", "GRADE", "--loss", "log"]) == 2
    assert "run 'gdfit logit'" in capsys.readouterr().err


def test_words_as_the_response_are_read_and_the_later_sorting_one_is_modelled(tmp_path, capsys):
    # GRADE written as words; "up" sorts after "flat", so it is the modelled outcome, as 1 was.
    frame = DATA.data.assign(GRADE=DATA.data["GRADE"].map({1.0: "up", 0.0: "flat"}))
    assert main(["logit", _csv(tmp_path, frame)]) == 0  # y by default: the last column of two values
    captured = capsys.readouterr()
    assert "y = 'GRADE'" in captured.err and "P(up)" in captured.out
    np.testing.assert_allclose(_row(captured.out, "GPA   ")[:2], [REF.params["GPA"], REF.bse["GPA"]], rtol=1e-9)
