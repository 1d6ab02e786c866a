"""Iso-loss contour lines of a squared loss in two parameters, computed exactly.

A squared loss of a linear model is a quadratic in its parameters, so in two of them (say slope
and intercept, the others held fixed) it is exactly

    f(theta) = f_min + 1/2 (theta - theta*)' H (theta - theta*)

with H the (constant, positive definite) Hessian and theta* the minimiser. Its level set
``f = L`` is the ellipse ``d' H d = 2 (L - f_min)``; with ``H = Q diag(lam) Q'`` it is traced by
``d = Q diag(1/sqrt(lam)) sqrt(2 (L - f_min)) [cos t, sin t]``. No contouring of a sampled grid is
needed, so every returned point lies on its level to rounding error, however elongated the
ellipse (unscaled data gives condition numbers of 1e6 and more).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdfit.core.data import design

__all__ = ["QuadraticSurface", "contour_lines", "choose_levels", "slice_surface", "profile_surface"]


@dataclass(frozen=True)
class QuadraticSurface:
    """``f(theta) = f_min + 1/2 (theta - optimum)' hessian (theta - optimum)`` in two parameters.

    Parameters
    ----------
    hessian : ndarray, shape (2, 2)
        Symmetric positive definite matrix of second derivatives.
    optimum : ndarray, shape (2,)
        The minimiser ``theta*``.
    f_min : float
        The loss at the minimiser.
    """

    hessian: np.ndarray
    optimum: np.ndarray
    f_min: float

    @classmethod
    def from_data(cls, x: np.ndarray, y: np.ndarray, scale: float = 1.0) -> "QuadraticSurface":
        """The surface of ``scale * SSE(slope, intercept)`` for one feature ``x``.

        ``scale=1`` is the sum of squared errors, ``1/n`` the mean squared error and ``1/(2n)``
        the half-MSE some texts use. Parameters are ordered ``(slope, intercept)``.
        The minimiser is found by least squares (``lstsq``), not by inverting ``X'X``.
        """
        x = np.asarray(x, dtype=float).reshape(-1, 1)
        y = np.asarray(y, dtype=float).ravel()
        A = design(x, fit_intercept=True)
        optimum = np.linalg.lstsq(A, y, rcond=None)[0]
        residuals = y - A @ optimum
        f_min = float(scale * (residuals @ residuals))
        return cls(2.0 * scale * (A.T @ A), optimum, f_min)

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        """Loss at ``theta`` of shape (2,) or (m, 2)."""
        d = np.asarray(theta, dtype=float) - self.optimum
        return self.f_min + 0.5 * np.einsum("...i,ij,...j->...", d, self.hessian, d)


def contour_lines(
    hessian: np.ndarray,
    optimum: np.ndarray,
    f_min: float,
    levels: np.ndarray,
    n_points: int = 73,
) -> list[np.ndarray]:
    """Closed iso-loss curves of ``f_min + 1/2 d' H d``, one per level.

    Parameters
    ----------
    hessian : array_like, shape (2, 2)
        Symmetric positive definite Hessian of the loss in the two parameters.
    optimum : array_like, shape (2,)
        The minimiser.
    f_min : float
        Loss at the minimiser.
    levels : array_like
        Loss values, each strictly greater than ``f_min``.
    n_points : int
        Points per curve; the first point is repeated at the end so a line through them closes.

    Returns
    -------
    list of ndarray, each of shape (n_points + 1, 2)
        ``curve[:, 0]`` is the first parameter, ``curve[:, 1]`` the second.

    Raises
    ------
    ValueError
        If the Hessian is not symmetric positive definite, or a level is not above ``f_min``.
    """
    h = np.asarray(hessian, dtype=float)
    if h.shape != (2, 2) or not np.allclose(h, h.T, rtol=1e-12, atol=0.0):
        raise ValueError(f"hessian must be a symmetric 2x2 matrix; got {h.tolist()}")
    lam, q = np.linalg.eigh(0.5 * (h + h.T))
    if not lam[0] > 0:
        raise ValueError(f"hessian must be positive definite; its eigenvalues are {lam.tolist()}")
    if n_points < 3:
        raise ValueError(f"n_points must be at least 3; got {n_points}")
    levels = np.asarray(levels, dtype=float).ravel()
    if np.any(~(levels > f_min)):
        raise ValueError(f"every level must exceed f_min={f_min!r}; got {levels.tolist()}")
    t = np.linspace(0.0, 2.0 * np.pi, n_points, endpoint=False)
    circle = np.column_stack([np.cos(t), np.sin(t)])
    # Columns of q scaled by 1/sqrt(lam) map the unit circle onto d' H d = 1.
    to_ellipse = q / np.sqrt(lam)
    centre = np.asarray(optimum, dtype=float)
    curves = []
    for level in levels:
        radius = np.sqrt(2.0 * (level - f_min))
        ring = centre + radius * circle @ to_ellipse.T
        curves.append(np.vstack([ring, ring[:1]]))
    return curves


def choose_levels(f_min: float, f_start: float, n: int = 6, ratio: float = 0.25) -> np.ndarray:
    """Contour levels for a descent that starts at loss ``f_start``.

    The excess loss ``L - f_min`` is spaced geometrically, from ``f_start - f_min`` down by
    ``ratio`` per level, so the outermost curve passes through the starting point and each
    inner ellipse is ``sqrt(ratio)`` times the size of the one outside it; a descent, whose
    excess loss falls roughly geometrically, crosses them at a steady pace.

    Returns
    -------
    ndarray of shape (n,)
        Increasing levels, the last equal to ``f_start``.
    """
    if not f_start > f_min:
        raise ValueError(
            f"the starting loss {f_start!r} must exceed the minimum {f_min!r} to draw contours "
            "around a descent; start away from the optimum"
        )
    if n < 1 or not 0.0 < ratio < 1.0:
        raise ValueError(f"need n >= 1 and 0 < ratio < 1; got n={n}, ratio={ratio}")
    excess = (f_start - f_min) * ratio ** np.arange(n - 1, -1, -1, dtype=float)
    levels = f_min + excess
    levels[-1] = f_start
    return levels


def slice_surface(X: np.ndarray, y: np.ndarray, params: tuple[int, int], optimum_params: np.ndarray,
                  *, fit_intercept: bool = True, scale: float = 1.0) -> QuadraticSurface:
    """``scale * SSE`` over two parameters, the others held at their least-squares values.

    ``params`` index the parameter vector ``[coef..., intercept]`` (intercept last when fitted);
    ``optimum_params`` is the least-squares solution in that order (e.g. ``OLSResult.params``),
    so the slice passes through the global minimum and its ``f_min`` is the global minimum.
    """
    A = design(np.asarray(X, dtype=float), fit_intercept)
    columns = A[:, list(params)]
    residuals = np.asarray(y, dtype=float) - A @ np.asarray(optimum_params, dtype=float)
    f_min = float(scale * (residuals @ residuals))
    hessian = 2.0 * scale * (columns.T @ columns)
    return QuadraticSurface(hessian, np.asarray(optimum_params, dtype=float)[list(params)], f_min)


def profile_surface(X: np.ndarray, y: np.ndarray, params: tuple[int, int], optimum_params: np.ndarray,
                    *, fit_intercept: bool = True, scale: float = 1.0) -> QuadraticSurface:
    """``scale * SSE`` over two parameters, the others at their best values for each point.

    The profile of the quadratic: its Hessian is the Schur complement of the other parameters'
    block. Any parameter vector's loss is at least the profile at its two coordinates, so a
    descent path projected onto these contours is drawn against the best the other parameters
    could do there (a slice through the optimum would cut across a projected path). With only two
    parameters the profile is the surface itself.
    """
    A = design(np.asarray(X, dtype=float), fit_intercept)
    theta = np.asarray(optimum_params, dtype=float)
    residuals = np.asarray(y, dtype=float) - A @ theta
    f_min = float(scale * (residuals @ residuals))
    full = 2.0 * scale * (A.T @ A)
    keep = list(params)
    rest = [j for j in range(A.shape[1]) if j not in keep]
    hessian = full[np.ix_(keep, keep)]
    if rest:
        cross = full[np.ix_(keep, rest)]
        hessian = hessian - cross @ np.linalg.pinv(full[np.ix_(rest, rest)]) @ cross.T
        hessian = (hessian + hessian.T) / 2  # symmetric to rounding, as QuadraticSurface requires
    return QuadraticSurface(hessian, theta[keep], f_min)
