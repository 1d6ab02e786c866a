"""Property tests over random shapes and scales, for every entry point.

Every call either returns finite numbers whose ``converged`` flag tells the truth, or raises the
documented error (a ValueError subclass with a one-line message) — never another exception type.
For the worksheet functions the documented error is the one-line text the cell shows, and a bug
turned into such a line fails (tests/hardening/cell_answers.py).
"""
import math
import warnings

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gdfit
from gdfit.excel import udfs
from tests.hardening.cell_answers import answer

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def problems(draw):
    n = draw(st.integers(1, 30))
    p = draw(st.integers(0, 3))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = 10.0 ** draw(st.sampled_from([-200, -8, -3, 0, 3, 8, 200]))
    offset = 10.0 ** draw(st.sampled_from([-3, 0, 3, 6]))
    X = offset + rng.normal(size=(n, p)) * scale
    y = rng.normal(size=n) * 10.0 ** draw(st.sampled_from([-200, -6, 0, 6, 200])) + draw(st.floats(-5, 5))
    if draw(st.booleans()) and n > 1:
        X[:, :1] = X[:1, :1]  # a constant column now and then
    return X, y


OPTIONS = st.fixed_dictionaries({}, optional={
    "loss": st.sampled_from(["sse", "mse", "rmse", "sae", "mae", "huber"]),
    "method": st.sampled_from(["gd", "sgd", "minibatch"]),
    "optimizer": st.sampled_from(["plain", "momentum", "nesterov", "adam"]),
    "learning_rate": st.one_of(st.just("auto"), st.floats(1e-9, 1e3)),
    "scale": st.sampled_from(["auto", "none"]),
    "max_iter": st.integers(0, 200),
})


def _finite(*values):
    return all(np.all(np.isfinite(np.asarray(v, dtype=float))) for v in values)


@SETTINGS
@given(problem=problems(), options=OPTIONS)
def test_fit_returns_finite_truthful_results_or_the_documented_error(problem, options):
    X, y = problem
    options = dict(options, max_iter=options.get("max_iter", 200), max_time=2.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            r = gdfit.fit(X, y, **options)
        except ValueError as exc:
            assert "\n" not in str(exc) and str(exc)
            return
    assert _finite(r.coef, r.intercept, r.loss)
    assert not (r.converged and r.diverged)
    if r.converged and options.get("loss", "mse") in ("sse", "mse") and options.get("method", "gd") == "gd":
        closed = gdfit.closed_form(X, y)
        if closed.dropped == ():
            gap = np.abs(np.append(r.coef, r.intercept) - closed.params)
            size = np.abs(closed.params) + np.abs(np.append(r.coef, r.intercept)).max()
            assert np.all(gap <= 1e-4 * size + 1e-12), (gap, r.message)


@SETTINGS
@given(problem=problems())
def test_compare_returns_finite_numbers_or_the_documented_error(problem):
    X, y = problem
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            cmp = gdfit.compare(y, X, max_iter=200, max_time=2.0)
        except ValueError as exc:
            assert "\n" not in str(exc) and str(exc)
            return
    # R² is undefined (0/0) when y is constant, as in Excel; the fitted numbers never are.
    numbers = cmp.table[[*cmp.labels, "intercept", "SSE"]].to_numpy(dtype=float)
    assert np.isfinite(numbers).all()
    assert cmp.fit.converged is False or "gd_not_converged" not in cmp.flags


@SETTINGS
@given(problem=problems(), stats=st.booleans())
def test_gd_fit_cell_shows_numbers_or_one_line(problem, stats):
    X, y = problem
    known_y = [[float(v)] for v in y]
    known_x = [[float(v) for v in row] for row in X] if X.shape[1] else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = answer(udfs.GD_FIT, known_y, known_x, True, stats, None, 200)  # a refusal, never a bug
    if isinstance(out, str):
        return
    assert all(isinstance(v, float) and math.isfinite(v) or not isinstance(v, float) for row in out for v in row)
    assert isinstance(out[0][0], float) and all(math.isfinite(v) for v in out[0])
