"""The Solver-equivalent of the log-likelihood recipe, against statsmodels' Logit and the recipe's cells."""
import numpy as np
import pytest
import statsmodels.api as sm
from statsmodels.datasets import spector

import gdfit
from gdfit import OptionError
from gdfit.core.solver.logistic import recipe_log_likelihood

DATA = spector.load_pandas()
Y, X = DATA.endog.to_numpy(), DATA.exog.to_numpy()
REF = sm.Logit(Y, sm.add_constant(X, prepend=False)).fit(disp=0, tol=1e-14)


def test_cleared_non_negative_box_reaches_the_maximum():
    s = gdfit.solve(Y, X, model="logistic", assume_nonnegative=False)
    assert s.status in (0, 1) and s.bounds_active == ()
    # GRG's Convergence test (1e-4 of the objective) stops on the flat top: LL to ~1e-10, the
    # coefficients to a few digits only.
    assert s.llf == pytest.approx(REF.llf, rel=1e-8)
    np.testing.assert_allclose(s.params, REF.params, rtol=1e-3)
    assert s.llf <= REF.llf  # never above the maximum


def test_the_default_non_negative_box_is_the_trap():
    s = gdfit.solve(Y, X, model="logistic")
    assert s.options["assume_nonnegative"] is True
    assert "intercept" in s.bounds_active and s.intercept == 0.0
    assert s.llf < REF.llf - 5  # far from the maximum: the intercept should be -13


def test_objective_is_the_recipe_ll_and_the_answer_report_maximises_it():
    s = gdfit.solve(Y, X, model="logistic", assume_nonnegative=False)
    p = 1 / (1 + np.exp(-(X @ s.coef + s.intercept)))
    assert s.llf == pytest.approx(np.sum(Y * np.log(p) + (1 - Y) * np.log(1 - p)), rel=1e-14)
    assert s.llf_start == pytest.approx(32 * np.log(0.5), rel=1e-15)  # all zeros: every p is 1/2
    rows = s.answer_report(created="now")
    objective = rows.index(["Objective Cell (Max)"])
    assert rows[objective + 2][2:] == ["LL", s.llf_start, s.llf]


def test_ln_of_zero_is_an_error_value_as_in_the_cells():
    x = np.array([[0.0], [1.0]])
    y = np.array([0.0, 1.0])
    # z = 40 rounds p to exactly 1, so LN(1 - p) is LN(0): Excel's #NUM!, here -inf.
    assert recipe_log_likelihood(x, y, np.array([40.0, 0.0]), True) == -np.inf
    assert np.isfinite(recipe_log_likelihood(x, y, np.array([30.0, 0.0]), True))


def test_labels_positive_and_bad_options():
    words = np.where(Y > 0, "up", "down")
    s = gdfit.solve(words, X, model="logistic", assume_nonnegative=False)
    assert s.classes == ("down", "up") and s.llf == pytest.approx(REF.llf, rel=1e-8)
    with pytest.raises(OptionError, match="'model' option"):
        gdfit.solve(Y, X, model="probit")
    with pytest.raises(OptionError, match="'positive' option applies to model='logistic'"):
        gdfit.solve(Y, X, positive=1)
