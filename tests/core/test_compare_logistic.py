"""compare(model="logistic"): gradient descent, Newton and Solver side by side, with the reasons."""
import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.datasets import spector

import gdfit
from gdfit.core.logistic.compare import LOGIT_METHODS

DATA = spector.load_pandas()
REF = sm.Logit(DATA.endog, sm.add_constant(DATA.exog, prepend=False)).fit(disp=0, tol=1e-14)


def test_table_rows_are_the_three_computations():
    c = gdfit.compare(DATA.endog, DATA.exog, model="logistic", max_iter=100000)
    assert list(c.table.index) == list(LOGIT_METHODS)
    assert list(c.table.columns) == ["GPA", "TUCE", "PSI", "intercept", "log-likelihood", "iterations",
                                     "seconds", "max rel. diff vs MLE"]
    newton = c.table.loc[LOGIT_METHODS[1]]
    np.testing.assert_allclose(newton[["GPA", "TUCE", "PSI", "intercept"]].astype(float), REF.params, rtol=1e-12)
    assert newton["log-likelihood"] == pytest.approx(REF.llf, rel=1e-13)
    gd = c.table.loc[LOGIT_METHODS[0]]
    assert gd["max rel. diff vs MLE"] < 1e-8 and gd["log-likelihood"] == pytest.approx(REF.llf, rel=1e-12)
    assert "gd_agrees" in c.flags
    # Excel's default clamps the intercept (-13 at the maximum) to 0, and the note says so.
    assert "solver_nonnegative" in c.flags
    assert any("Make Unconstrained Variables Non-Negative" in n and "'intercept'" in n for n in c.notes)
    assert c.table.loc[LOGIT_METHODS[2], "intercept"] == 0.0
    assert c.rows()[0][0] == "Method" and len(c.rows()) == 4


def test_cleared_box_leaves_solver_close_and_l2_is_noted():
    c = gdfit.compare(DATA.endog, DATA.exog, model="logistic", max_iter=100000, l2=0.01,
                      solver_options={"assume_nonnegative": False})
    assert "solver_nonnegative" not in c.flags and "l2" in c.flags
    np.testing.assert_allclose(c.fit.params, c.mle.params, rtol=1e-8)
    assert c.mle.l2 == 0.01 and c.solver.llf == pytest.approx(REF.llf, rel=1e-8)  # Solver: plain LL


def test_separation_is_the_first_note():
    x = np.arange(10.0)
    with pytest.warns(gdfit.ConvergenceWarning):
        c = gdfit.compare(x > 4.5, x, model="logistic", max_iter=500)
    assert c.flags[0] == "separation" and "no finite maximum" in c.notes[0]
    assert not c.mle.converged and not c.fit.converged


def test_options_logistic_sets_itself():
    with pytest.raises(gdfit.OptionError, match="sets 'loss' itself"):
        gdfit.compare(DATA.endog, DATA.exog, model="logistic", loss="mse")


def test_the_linear_comparison_points_a_log_loss_to_model_logistic():
    with pytest.raises(gdfit.OptionError, match="model='logistic'"):
        gdfit.compare(DATA.endog, DATA.exog, loss="log")
