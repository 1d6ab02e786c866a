"""gdfit.fit on the seed texts' worked examples, checked against hand numbers and the closed form."""
import warnings

import numpy as np
import pandas as pd
import pytest

import gdfit

# Short runs that stop at max_iter on purpose warn; the tests that care use pytest.warns.
pytestmark = pytest.mark.filterwarnings("ignore::gdfit.ConvergenceWarning")

SQFT = np.array([1000.0, 1500.0, 2000.0, 2500.0])
PRICE = np.array([150000.0, 210000.0, 290000.0, 350000.0])


def ad_spend_like(seed=11, n=30):
    """One feature, x in 1..100, y ≈ 2 + 0.5 x + noise (an analyst's sheet, rounded)."""
    rng = np.random.default_rng(seed)
    x = np.round(np.sort(rng.uniform(1.0, 100.0, n)), 1)
    y = np.round(2.0 + 0.5 * x + rng.normal(0.0, 3.0, n), 2)
    return x, y


def rel(a, b):
    return np.max(np.abs(np.asarray(a) - np.asarray(b)) / np.abs(b))


def test_seed_bowl_steps_by_hand():
    """Loss (w - 3)²: intercept-only model, y = [3], SSE, lr 0.1 from 0 (seed 002)."""
    r = gdfit.fit(np.zeros((1, 0)), [3.0], loss="sse", learning_rate=0.1, init=[0.0], scale="none",
                  max_iter=3)
    h = r.history
    np.testing.assert_allclose(h["intercept"], [0.0, 0.6, 1.08, 1.464], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(h["loss"], [9.0, 5.76, 3.6864, 2.359296], rtol=1e-12)
    assert list(h["iteration"]) == [0, 1, 2, 3]
    assert list(h.columns) == ["iteration", "loss", "grad_norm", "learning_rate", "intercept"]
    # The gradient of (w - 3)² is 2(w - 3).
    np.testing.assert_allclose(h["grad_norm"], [6.0, 4.8, 3.84, 3.072], rtol=1e-12)
    assert r.coef.shape == (0,) and r.intercept == pytest.approx(1.464, rel=1e-12)
    assert not r.converged and r.n_iter == 3


def test_seed_bowl_runs_to_the_bottom():
    r = gdfit.fit(None, [3.0], loss="sse", learning_rate=0.1, scale="none")
    assert r.converged
    assert r.intercept == pytest.approx(3.0, rel=1e-10)


def test_house_prices_defaults_reach_the_closed_form():
    r = gdfit.fit(SQFT, PRICE)
    assert r.converged and not r.diverged
    assert rel([r.intercept, r.coef[0]], [12000.0, 136.0]) <= 1e-8
    cf = gdfit.closed_form(SQFT, PRICE)
    assert rel(r.params, cf.params) <= 1e-8
    assert r.loss == pytest.approx(np.mean((SQFT * r.coef[0] + r.intercept - PRICE) ** 2), rel=1e-12)


def test_house_prices_raw_small_step_crawls_and_says_why():
    with pytest.warns(gdfit.ConvergenceWarning, match="Consider increasing max_iter"):
        r = gdfit.fit(SQFT, PRICE, scale="none", learning_rate=1e-7)
    assert not r.converged and not r.diverged and r.n_iter == 1000
    assert "Consider increasing max_iter" in r.message and "scale='auto'" in r.message
    assert "\n" not in r.message
    # Far from 12,000 after 1000 steps: the intercept direction is almost flat on raw data.
    assert abs(r.intercept - 12000.0) > 1000.0


def test_tiny_learning_rate_message_suggests_auto():
    x, y = ad_spend_like()
    with pytest.warns(gdfit.ConvergenceWarning):
        r = gdfit.fit(x, y, learning_rate=1e-5, max_iter=20)
    assert "learning_rate='auto'" in r.message and "1/L" in r.message


def test_ad_spend_like_defaults_within_50_iterations():
    x, y = ad_spend_like()
    r = gdfit.fit(x, y)
    cf = gdfit.closed_form(x, y)
    assert r.converged and r.n_iter <= 50
    assert rel(r.params, cf.params) <= 1e-8


def test_seed_first_guess_slope_one_intercept_zero():
    """Seed 000 starts from m = 1, b = 0 (original units) and descends SSE."""
    x, y = ad_spend_like()
    r = gdfit.fit(x, y, loss="sse", init=[1.0, 0.0])
    first = r.history.iloc[0]
    assert first["x"] == pytest.approx(1.0, rel=1e-14) and first["intercept"] == pytest.approx(0.0, abs=1e-12)
    assert first["loss"] == pytest.approx(np.sum((x - y) ** 2), rel=1e-12)
    assert rel(r.params, gdfit.closed_form(x, y).params) <= 1e-8


def test_dataframe_labels_and_no_intercept():
    rng = np.random.default_rng(3)
    X = pd.DataFrame({"tv": rng.uniform(0, 10, 40), "radio": rng.uniform(0, 5, 40)})
    y = 1.5 * X["tv"] - 0.7 * X["radio"] + rng.normal(0, 0.1, 40)
    r = gdfit.fit(X, y, fit_intercept=False)
    assert r.labels == ("tv", "radio") and r.intercept == 0.0
    assert list(r.history.columns)[4:] == ["tv", "radio"]
    cf = gdfit.closed_form(X, y, fit_intercept=False)
    assert rel(r.coef, cf.coef) <= 1e-8
    np.testing.assert_allclose(r.history[["tv", "radio"]].iloc[-1], r.coef, rtol=1e-14)


def test_rmse_auto_steps_are_the_mse_steps():
    x, y = ad_spend_like()
    X = np.column_stack([x, np.sqrt(x)])
    a = gdfit.fit(X, y, loss="mse", max_iter=30, grad_tol=0)
    b = gdfit.fit(X, y, loss="rmse", max_iter=30, grad_tol=0)
    cols = ["x1", "x2", "intercept"]
    np.testing.assert_allclose(b.history[cols], a.history[cols], rtol=1e-9)
    np.testing.assert_allclose(b.history["loss"], np.sqrt(a.history["loss"]), rtol=1e-9)


def test_divergence_stops_early_with_finite_best_parameters():
    x, y = ad_spend_like()
    probe = gdfit.fit(x, y, max_iter=0)
    lr = 1.3 * probe.stable_limit
    with pytest.warns(gdfit.ConvergenceWarning, match="Diverged"):
        r = gdfit.fit(x, y, learning_rate=lr)
    assert r.diverged and not r.converged and r.n_iter < 100
    assert np.isfinite(r.coef).all() and np.isfinite(r.intercept) and np.isfinite(r.loss)
    assert f"{probe.stable_limit:.4g}" in r.message and f"{probe.stable_limit / 2:.4g}" in r.message
    assert r.loss <= r.history["loss"].iloc[0]  # the best finite iterate, here the start


def test_stable_limit_is_two_over_the_largest_hessian_eigenvalue():
    x, y = ad_spend_like()
    X = np.column_stack([x, x ** 1.5])
    r = gdfit.fit(X, y, max_iter=0)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    A = np.column_stack([Z, np.ones(len(y))])
    L = np.linalg.eigvalsh(2 * A.T @ A / len(y))[-1]
    assert r.lipschitz == pytest.approx(L, rel=1e-12)
    assert r.stable_limit == pytest.approx(2 / L, rel=1e-12)
    assert r.learning_rate == pytest.approx(1 / L, rel=1e-12)
    raw = gdfit.fit(X, y, max_iter=0, scale="none")
    A = np.column_stack([X, np.ones(len(y))])
    assert raw.lipschitz == pytest.approx(np.linalg.eigvalsh(2 * A.T @ A / len(y))[-1], rel=1e-12)


def test_just_below_the_limit_still_converges():
    x, y = ad_spend_like()
    X = np.column_stack([x, np.sqrt(x)])
    limit = gdfit.fit(X, y, max_iter=0).stable_limit
    r = gdfit.fit(X, y, learning_rate=0.95 * limit, max_iter=5000)
    assert r.converged and rel(r.params, gdfit.closed_form(X, y).params) <= 1e-8


def test_adaptive_schedule_rescues_a_step_slightly_too_large():
    x, y = ad_spend_like()
    X = np.column_stack([x, np.sqrt(x)])
    limit = gdfit.fit(X, y, max_iter=0).stable_limit
    r = gdfit.fit(X, y, learning_rate=1.1 * limit, schedule="adaptive", max_iter=5000)
    assert not r.diverged and r.converged
    assert r.history["learning_rate"].iloc[-1] == pytest.approx(1.1 * limit / 2, rel=1e-12)
    assert rel(r.params, gdfit.closed_form(X, y).params) <= 1e-8


def test_invscaling_learning_rate_column():
    x, y = ad_spend_like()
    r = gdfit.fit(x, y, learning_rate=0.1, schedule="invscaling", max_iter=5, grad_tol=0)
    t = np.arange(1, 6)
    np.testing.assert_allclose(r.history["learning_rate"].iloc[1:], 0.1 / np.sqrt(t), rtol=1e-15)


def test_line_search_tames_a_step_that_would_diverge():
    with pytest.warns(gdfit.ConvergenceWarning):
        wild = gdfit.fit(SQFT, PRICE, scale="none", learning_rate=1.0, max_iter=50)
    assert wild.diverged
    with pytest.warns(gdfit.ConvergenceWarning):
        r = gdfit.fit(SQFT, PRICE, scale="none", learning_rate=1.0, line_search=True, max_iter=50)
    assert not r.diverged
    loss = r.history["loss"].to_numpy()
    assert np.all(np.diff(loss) < 0)
    halvings = -np.log2(r.history["learning_rate"].iloc[1:].to_numpy())
    np.testing.assert_array_equal(halvings, np.round(halvings))  # 1.0 halved a whole number of times
    assert halvings.min() >= 21  # 2/L is about 3e-7 = 2**-21.7 on the raw house data


def test_line_search_with_auto_step_reaches_the_closed_form():
    x, y = ad_spend_like()
    X = np.column_stack([x, np.log(x)])
    r = gdfit.fit(X, y, line_search=True, optimizer="momentum")
    assert r.converged and rel(r.params, gdfit.closed_form(X, y).params) <= 1e-8


def test_intercept_only_mean_and_one_dimensional_x():
    y = np.array([2.0, 4.0, 9.0])
    r = gdfit.fit(np.empty((3, 0)), y)
    assert r.intercept == pytest.approx(5.0, rel=1e-12) and r.labels == ()
    r1 = gdfit.fit([1.0, 2.0, 4.0], y)
    assert r1.labels == ("x",) and rel(r1.params, gdfit.closed_form([1.0, 2.0, 4.0], y).params) <= 1e-8


def test_loss_is_exact_at_the_returned_parameters():
    x, y = ad_spend_like()
    for loss, f in [("sse", lambda r: np.sum(r * r)), ("mae", lambda r: np.mean(np.abs(r))),
                    ("rmse", lambda r: np.sqrt(np.mean(r * r)))]:
        r = gdfit.fit(x, y, loss=loss, max_iter=7)
        assert r.loss == pytest.approx(f(x * r.coef[0] + r.intercept - y), rel=1e-13)


def test_max_iter_zero_returns_the_start_without_warning():
    x, y = ad_spend_like()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = gdfit.fit(x, y, max_iter=0, init=[0.3, 1.0])
    assert not r.converged and r.n_iter == 0 and len(r.history) == 1
    assert r.coef[0] == pytest.approx(0.3, rel=1e-14) and r.intercept == pytest.approx(1.0, rel=1e-14)
    assert "max_iter=0" in r.message


def test_start_at_the_optimum_converges_at_once():
    x, y = ad_spend_like()
    cf = gdfit.closed_form(x, y)
    r = gdfit.fit(x, y, init=list(cf.params))
    assert r.converged and r.n_iter <= 1


def test_multi_start_keeps_every_start_and_the_best_wins():
    x, y = ad_spend_like()
    X = np.column_stack([x, np.random.default_rng(8).uniform(0, 1, len(x))])
    r = gdfit.fit(X, y, n_starts=3, seed=5)
    assert len(r.starts) == 3 and r.loss == min(s.loss for s in r.starts)
    starts = np.array([s.history.iloc[0][["x1", "x2", "intercept"]] for s in r.starts], dtype=float)
    np.testing.assert_array_equal(starts[0], 0.0)
    assert len({tuple(row) for row in starts}) == 3  # random starts differ
    for s in r.starts:
        assert s.converged and rel(s.params, gdfit.closed_form(X, y).params) <= 1e-8


def test_reported_step_is_one_over_l_for_huber_and_polyak_for_l1():
    x, y = ad_spend_like()
    Z = (x - x.mean()) / x.std()
    A = np.column_stack([Z, np.ones(len(y))])
    huber = gdfit.fit(x, y, loss="huber", max_iter=0)
    assert huber.learning_rate == pytest.approx(1 / np.linalg.eigvalsh(A.T @ A / len(y))[-1], rel=1e-12)
    mae = gdfit.fit(x, y, loss="mae", max_iter=0)
    g = A.T @ np.sign(-y) / len(y)
    assert mae.learning_rate == pytest.approx(np.mean(np.abs(y)) / (g @ g), rel=1e-12)
    assert mae.schedule == "adaptive" and mae.lipschitz is None


def test_history_gradient_is_in_original_units():
    rng = np.random.default_rng(2)
    X = rng.normal(50.0, 10.0, (25, 2))
    y = X @ [0.3, -0.2] + 4.0 + rng.normal(0, 1, 25)
    r = gdfit.fit(X, y, max_iter=3)
    for _, row in r.history.iterrows():
        resid = X @ row[["x1", "x2"]].to_numpy(float) + row["intercept"] - y
        grad = 2 / len(y) * np.append(X.T @ resid, resid.sum())
        assert row["grad_norm"] == pytest.approx(np.linalg.norm(grad), rel=1e-8)
        assert row["loss"] == pytest.approx(np.mean(resid ** 2), rel=1e-12)


def test_huber_far_from_the_data_says_why_it_crawls():
    x, y = ad_spend_like()
    with pytest.warns(gdfit.ConvergenceWarning):
        r = gdfit.fit(x, y + 1e6, loss="huber", max_iter=50)
    assert "beyond huber_delta=1" in r.message and "init" in r.message


def test_running_out_of_iterations_while_the_loss_grows_is_divergence():
    # 2.2/L with max_iter=20: plain descent past the stability limit 2/L grows the loss every step,
    # too slowly for the explosion test; more iterations cannot help, a smaller rate can.
    d = gdfit.datasets.ad_spend()
    auto = gdfit.fit(d[["ad_spend"]], d.sales)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = gdfit.fit(d[["ad_spend"]], d.sales, learning_rate=1.1 * auto.stable_limit, max_iter=20)
    losses = r.history["loss"].to_numpy()
    assert losses[-1] > losses[0] and np.all(np.diff(losses[1:]) > 0)  # really growing
    assert r.diverged and not r.converged and r.stop == "diverged"
    assert "increasing max_iter" not in r.message and "2/L = " in r.message and "grown from" in r.message
    assert r.loss == pytest.approx(losses.min(), rel=1e-12)  # the best finite iterate is returned


def test_a_rate_past_the_limit_is_named_before_the_loss_has_grown():
    # Orthogonal columns: the MSE Hessian is diag(200, 2), so 2/L = 0.01. Starting off the optimum
    # only along the flat direction, a rate of 0.0105 still lowers the loss for a while, but the
    # advice must be a smaller rate, never more iterations.
    n = 40
    X = np.column_stack([10.0 * np.tile([1.0, -1.0], n // 2), np.tile([1.0, 1.0, -1.0, -1.0], n // 4)])
    y = X @ [3.0, 2.0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = gdfit.fit(X, y, fit_intercept=False, scale="none", learning_rate=0.0105, init=[3.0, 7.0], max_iter=10)
    assert r.stable_limit == pytest.approx(0.01, rel=1e-12)
    assert r.history["loss"].iloc[-1] < r.history["loss"].iloc[0] and not r.diverged
    assert "above the stability limit 2/L = 0.01" in r.message and "increasing max_iter" not in r.message


def test_an_intercept_only_fit_that_reaches_the_mean_converges():
    # The reference gradient (at the model predicting mean(y)) is the optimum's own: rounding noise.
    y = gdfit.datasets.ad_spend()["sales"]
    r = gdfit.fit(np.zeros((len(y), 0)), y)
    assert r.converged and r.stop == "grad_tol"
    assert r.intercept == pytest.approx(float(np.mean(y)), rel=1e-14)
