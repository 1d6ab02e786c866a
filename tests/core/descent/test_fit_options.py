"""Options of gdfit.fit: one-line errors, reproducibility, bounded history and progress reports."""
import inspect
import time
import warnings

import numpy as np
import pandas as pd
import pytest

import gdfit
from gdfit.core.data import as_dataset
from gdfit.core.descent.fit import OPTION_NAMES, fit_dataset
from gdfit.core.descent.trace import Row, Trace

X = np.array([1.0, 2.0, 3.0, 5.0, 8.0, 9.0])
Y = np.array([2.1, 3.9, 6.2, 9.8, 16.1, 18.2])


@pytest.fixture(autouse=True)
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gdfit.ConvergenceWarning)
        yield


@pytest.mark.parametrize("options, words", [
    ({"learning_rate": 0}, ["'learning_rate'", "(0, inf) or 'auto'", "got 0"]),
    ({"learning_rate": -0.1}, ["'learning_rate'", "got -0.1"]),
    ({"learning_rate": "fast"}, ["'learning_rate'", "'fast'"]),
    ({"learning_rate": None}, ["'learning_rate'"]),
    ({"loss": "hinge"}, ["'loss'", "'sse'", "'huber'", "'l1'", "'hinge'"]),
    ({"method": "batch"}, ["'method'", "'gd'", "'sgd'", "'minibatch'"]),
    ({"optimizer": "rmsprop"}, ["'optimizer'", "'plain'", "'adam'", "'rmsprop'"]),
    ({"schedule": "cosine"}, ["'schedule'", "'invscaling'", "'adaptive'"]),
    ({"method": "minibatch", "batch_size": 0}, ["'batch_size'", ">= 1", "got 0"]),
    ({"method": "minibatch", "batch_size": 7}, ["'batch_size'", "at most the number of rows (6)", "got 7"]),
    ({"method": "gd", "batch_size": 3}, ["'batch_size'", "method='minibatch'"]),
    ({"max_iter": -1}, ["'max_iter'", ">= 0", "got -1"]),
    ({"max_iter": 2.5}, ["'max_iter'", "whole number"]),
    ({"tol": -1e-3}, ["'tol'", "[0, inf)"]),
    ({"grad_tol": -1}, ["'grad_tol'"]),
    ({"max_time": 0}, ["'max_time'"]),
    ({"init": "ones"}, ["'init'", "'zeros'", "'random'", "'ones'"]),
    ({"init": [1.0, 2.0, 3.0]}, ["'init'", "2 value(s)", "1 coefficient(s) then the intercept", "got 3"]),
    ({"init": [1.0, "a"]}, ["'init'", "list of numbers"]),
    ({"init": [1.0], "fit_intercept": False, "scale": "raw"}, ["'scale'", "'auto'", "'none'"]),
    ({"n_starts": 0}, ["'n_starts'", ">= 1"]),
    ({"history_max": 1}, ["'history_max'", ">= 2"]),
    ({"huber_delta": 0}, ["'huber_delta'"]),
    ({"momentum": 1.0}, ["'momentum'", "[0, 1)"]),
    ({"beta2": -0.1}, ["'beta2'"]),
    ({"seed": -3}, ["'seed'"]),
    ({"line_search": "yes"}, ["'line_search'", "True or False"]),
    ({"line_search": True, "method": "sgd"}, ["'line_search'", "method='gd'"]),
    ({"progress": 5}, ["'progress'", "progress(done, total, loss)"]),
    ({"learnig_rate": 0.1}, ["Unknown option", "'learnig_rate'", "learning_rate", "max_iter", "progress"]),
])
def test_bad_options_are_one_line_value_errors(options, words):
    with pytest.raises(gdfit.OptionError) as info:
        gdfit.fit(X, Y, **options)
    assert isinstance(info.value, ValueError)
    message = str(info.value)
    assert "\n" not in message
    for word in words:
        assert word in message


def test_bad_data_is_an_input_error_naming_the_argument():
    with pytest.raises(gdfit.InputError, match="X column 'x' is constant"):
        gdfit.fit(np.ones(5), np.arange(5.0))
    with pytest.raises(gdfit.InputError, match="y has nan at row 2"):
        gdfit.fit(X, [1.0, np.nan, 3.0, 4.0, 5.0, 6.0])


@pytest.mark.parametrize("options", [{}, {"method": "sgd", "max_iter": 20, "seed": 3},
                                     {"optimizer": "adam", "scale": "none", "learning_rate": 0.05},
                                     {"fit_intercept": False, "loss": "mae", "max_iter": 50}])
def test_fit_dataset_is_fit_on_data_validated_once(options):
    data = as_dataset(X, Y, fit_intercept=options.get("fit_intercept", True), moments=True)
    direct, given = gdfit.fit(X, Y, **options), fit_dataset(data, **options)
    assert (direct.coef.tolist(), direct.intercept, direct.n_iter, direct.options) == \
        (given.coef.tolist(), given.intercept, given.n_iter, given.options)  # bit for bit
    pd.testing.assert_frame_equal(direct.history, given.history, check_exact=True)


def test_fit_dataset_still_checks_what_needs_the_data():
    data = as_dataset(np.column_stack([X, np.full(6, 2.0)]), Y, moments=True)
    with pytest.raises(gdfit.InputError, match="X column 'x2' is constant"):
        fit_dataset(data)
    data = as_dataset(X, Y, moments=True)
    with pytest.raises(gdfit.OptionError, match=r"at most the number of rows \(6\)"):
        fit_dataset(data, method="minibatch", batch_size=7)
    with pytest.raises(gdfit.OptionError, match="'init' option must hold 2 value"):
        fit_dataset(data, init=[1.0])
    with pytest.raises(gdfit.OptionError, match="Unknown option.*'learnig_rate'"):
        fit_dataset(data, learnig_rate=0.1)


def test_option_names_are_the_signature():
    params = inspect.signature(gdfit.fit).parameters
    assert OPTION_NAMES == tuple(name for name, p in params.items() if p.kind is p.KEYWORD_ONLY)
    r = gdfit.fit(X, Y)
    # positive and l2 belong to loss="log" and are left out of other fits' options.
    assert set(r.options) == set(OPTION_NAMES) - {"progress", "positive", "l2"}
    logistic = gdfit.fit(X, Y > np.median(Y), loss="log", max_iter=5)
    assert set(logistic.options) == set(OPTION_NAMES) - {"progress"}


@pytest.mark.parametrize("options", [
    {},
    {"loss": "l1", "optimizer": "momentum"},
    {"method": "sgd", "optimizer": "adam", "schedule": "invscaling", "max_iter": 40, "seed": 3},
    {"method": "minibatch", "batch_size": 4, "optimizer": "nesterov", "schedule": "adaptive", "max_iter": 50},
    {"loss": "huber", "huber_delta": 0.3, "init": [2.0, -1.0], "scale": "none", "learning_rate": 0.01},
    {"n_starts": 3, "init": "random", "seed": 9, "loss": "rmse", "line_search": True},
])
def test_options_reproduce_the_run_bit_for_bit(options):
    first = gdfit.fit(X, Y, **options)
    again = gdfit.fit(X, Y, **first.options)
    np.testing.assert_array_equal(again.coef, first.coef)
    assert again.intercept == first.intercept and again.loss == first.loss
    pd.testing.assert_frame_equal(again.history, first.history)
    assert again.options == first.options


def test_a_run_stopped_by_time_is_reproduced_by_its_iteration_count():
    first = gdfit.fit(X, Y, method="sgd", max_time=1e-9, max_iter=10_000, grad_tol=0, tol=0)
    assert first.stop == "max_time" and first.n_iter == 1 and not first.converged
    assert "Consider increasing max_time" in first.message
    assert first.options["max_iter"] == 1 and first.options["max_time"] is None
    again = gdfit.fit(X, Y, **first.options)
    pd.testing.assert_frame_equal(again.history, first.history)


@pytest.mark.parametrize("method", ["sgd", "minibatch"])
def test_same_seed_same_path_other_seed_other_path(method):
    options = {"method": method, "max_iter": 30, "batch_size": 2 if method == "minibatch" else None}
    a = gdfit.fit(X, Y, seed=1, **options)
    b = gdfit.fit(X, Y, seed=1, **options)
    c = gdfit.fit(X, Y, seed=2, **options)
    pd.testing.assert_frame_equal(a.history, b.history)
    assert not np.allclose(a.history["loss"].iloc[1:4], c.history["loss"].iloc[1:4], rtol=1e-12, atol=0)


def test_stochastic_iterations_are_epochs_of_updates():
    r = gdfit.fit(X, Y, method="minibatch", batch_size=4, max_iter=7, grad_tol=0, tol=0)
    assert r.n_iter == 7 and r.n_updates == 7 * 2 and r.batch_size == 4
    s = gdfit.fit(X, Y, method="sgd", max_iter=3, grad_tol=0, tol=0)
    assert s.n_updates == 3 * len(Y) and s.batch_size == 1


def test_history_is_thinned_but_keeps_first_and_last():
    r = gdfit.fit(X, Y, scale="none", learning_rate=1e-4, max_iter=1000, history_max=10)
    it = r.history["iteration"].to_numpy()
    assert len(it) <= 10 and it[0] == 0 and it[-1] == 1000
    assert np.all(np.diff(it) > 0)
    inner = np.diff(it[:-1])
    assert len(set(inner)) == 1 and inner[0] & (inner[0] - 1) == 0  # one power-of-two stride
    assert r.history["loss"].iloc[0] == pytest.approx(np.mean(Y ** 2), rel=1e-12)
    full = gdfit.fit(X, Y, scale="none", learning_rate=1e-4, max_iter=1000, history_max=2000)
    kept = full.history.set_index("iteration").loc[it]
    np.testing.assert_array_equal(kept["loss"].to_numpy(), r.history["loss"].to_numpy())


def test_short_runs_keep_every_iteration():
    r = gdfit.fit(X, Y, max_iter=25, grad_tol=0, history_max=30, optimizer="momentum")
    assert list(r.history["iteration"]) == list(range(26))


def test_progress_is_told_the_final_state_and_not_every_iteration():
    calls = []
    start = time.perf_counter()
    r = gdfit.fit(X, Y, scale="none", learning_rate=1e-4, max_iter=3000,
                  progress=lambda done, total, loss: calls.append((done, total, loss)))
    elapsed = time.perf_counter() - start
    assert calls[-1][0] == r.n_iter and calls[-1][1] == 3000
    assert calls[-1][2] == pytest.approx(r.history["loss"].min(), rel=1e-9)
    assert len(calls) <= 2 + elapsed / 0.1
    assert all(isinstance(done, int) for done, _, _ in calls)


def test_options_normalise_case_and_aliases():
    r = gdfit.fit(X, Y, loss="L2", method="GD", learning_rate="Auto", max_iter=3)
    assert r.options["loss"] == "sse" and r.options["method"] == "gd" and r.options["learning_rate"] == "auto"
    assert r.loss_name == "sse"


@pytest.mark.parametrize("capacity", [2, 3, 5, 17])
@pytest.mark.parametrize("last", [0, 1, 2, 16, 17, 1000, 1024, 1025])
def test_trace_bound_holds_for_any_length(capacity, last):
    trace = Trace(capacity)
    for i in range(last + 1):
        trace.add(Row(i, float(i), 0.0, 0.0, np.zeros(1)))
    kept = [r.iteration for r in trace.final_rows()]
    assert len(kept) <= capacity and kept[0] == 0 and kept[-1] == last
    assert kept == sorted(set(kept))
    if last < capacity:
        assert kept == list(range(last + 1))
