"""Iso-loss ellipses: every point on its level, checked against the loss computed from the data."""
import numpy as np
import pytest

from gdfit.core.surface import QuadraticSurface, choose_levels, contour_lines


def _sse(x, y, slope, intercept):
    r = y - (slope * x + intercept)
    return float(r @ r)


@pytest.mark.parametrize(
    "offset, spread",
    [(0.0, 1.0), (50.0, 10.0), (2010.0, 5.0)],  # centred, ad-spend-like, x = years (cond ~ 1e7)
)
def test_every_point_lies_on_its_level(offset, spread):
    rng = np.random.default_rng(3)
    x = offset + spread * rng.normal(size=40)
    y = 1.5 * x - 7.0 + rng.normal(size=40)
    surf = QuadraticSurface.from_data(x, y)
    levels = choose_levels(surf.f_min, surf.f_min * 50, n=5)
    curves = contour_lines(surf.hessian, surf.optimum, surf.f_min, levels, n_points=64)
    assert len(curves) == 5
    for level, curve in zip(levels, curves):
        assert curve.shape == (65, 2)
        np.testing.assert_array_equal(curve[0], curve[-1])  # closed
        # The loss recomputed from the data, not from the quadratic form that drew the curve.
        values = np.array([_sse(x, y, a, b) for a, b in curve])
        np.testing.assert_allclose(values, level, rtol=1e-10, atol=0)


def test_surface_matches_the_data_loss_and_its_minimum():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    y = np.array([2.0, 3.5, 4.0, 9.0])
    surf = QuadraticSurface.from_data(x, y, scale=1 / len(x))  # MSE
    slope, intercept = np.polyfit(x, y, 1)
    np.testing.assert_allclose(surf.optimum, [slope, intercept], rtol=1e-13)
    assert surf.f_min == pytest.approx(_sse(x, y, slope, intercept) / 4, rel=1e-13)
    for theta in ([0.0, 0.0], [2.0, -1.0], [slope + 1e-3, intercept]):
        assert surf(np.array(theta)) == pytest.approx(_sse(x, y, *theta) / 4, rel=1e-12)


def test_axis_aligned_ellipse_has_the_textbook_semi_axes():
    # f = 1/2 (4 a^2 + b^2): level 2 gives a^2/1 + b^2/4 = 1, semi-axes 1 and 2.
    (curve,) = contour_lines(np.diag([4.0, 1.0]), [10.0, -3.0], 0.0, [2.0], n_points=8)
    d = curve[:-1] - [10.0, -3.0]
    np.testing.assert_allclose(np.abs(d[:, 0]).max(), 1.0, rtol=1e-15)
    np.testing.assert_allclose(np.abs(d[:, 1]).max(), 2.0, rtol=1e-15)
    np.testing.assert_allclose((d[:, 0] / 1.0) ** 2 + (d[:, 1] / 2.0) ** 2, 1.0, rtol=1e-14)


def test_levels_are_geometric_in_excess_loss_and_end_at_the_start():
    levels = choose_levels(10.0, 1034.0, n=4, ratio=0.25)
    assert levels[-1] == 1034.0
    np.testing.assert_allclose(levels - 10.0, [16.0, 64.0, 256.0, 1024.0], rtol=1e-15)


def test_starting_point_is_on_the_outermost_curve():
    surf = QuadraticSurface(np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([1.0, 1.0]), 0.5)
    start = np.array([-2.0, 4.0])
    levels = choose_levels(surf.f_min, float(surf(start)))
    curves = contour_lines(surf.hessian, surf.optimum, surf.f_min, levels)
    # The start lies on the outer ellipse: its "radius" in H-metric equals the curve's.
    d_start = start - surf.optimum
    d_curve = curves[-1] - surf.optimum
    metric = lambda d: np.einsum("...i,ij,...j->...", d, surf.hessian, d)
    np.testing.assert_allclose(metric(d_curve), metric(d_start), rtol=1e-12)


@pytest.mark.parametrize(
    "hessian, levels, message",
    [
        ([[1.0, 2.0], [0.0, 1.0]], [1.0], "symmetric"),
        ([[1.0, 0.0], [0.0, -1.0]], [1.0], "positive definite"),
        ([[1.0, 0.0], [0.0, 1.0]], [0.0], "exceed f_min"),
    ],
)
def test_bad_inputs_name_the_problem(hessian, levels, message):
    with pytest.raises(ValueError, match=message):
        contour_lines(np.array(hessian), [0.0, 0.0], 0.0, levels)


def test_start_at_the_optimum_cannot_be_contoured():
    with pytest.raises(ValueError, match="must exceed the minimum"):
        choose_levels(5.0, 5.0)


def test_slice_surface_is_the_loss_with_the_other_parameters_at_the_optimum():
    import gdfit
    from gdfit.core.surface import slice_surface

    rng = np.random.default_rng(4)
    X = rng.normal(size=(25, 3)) * [1.0, 10.0, 0.1] + [0.0, 50.0, 3.0]
    y = X @ [1.0, -0.5, 4.0] + 2.0 + rng.normal(size=25)
    closed = gdfit.closed_form(X, y)
    surface = slice_surface(X, y, (1, 3), closed.params, scale=1 / 25)
    for theta in ([0.3, 1.0], [-2.0, 7.5], [-0.5, 2.0]):
        params = closed.params.copy()
        params[[1, 3]] = theta
        direct = np.mean((y - X @ params[:3] - params[3]) ** 2)
        assert surface(np.array(theta)) == pytest.approx(direct, rel=1e-10)
    assert surface.f_min == pytest.approx(closed.ss_resid / 25, rel=1e-12)
