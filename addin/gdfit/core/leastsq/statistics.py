"""Regression statistics (LINEST's and the ToolPak's numbers) at any coefficient vector.

At the least-squares solution these are the textbook OLS statistics. At another vector (a
gradient-descent or Solver answer) every row is computed the same way from *that* vector's
residuals, so ``GD_FIT(..., stats=TRUE)`` shows LINEST's block for the GD solution:

* ``ss_resid`` is the sum of squared residuals at the vector;
* ``ss_reg`` is defined as ``ss_total - ss_resid`` -- the identity LINEST's bottom row obeys --
  so ``rsquared = ss_reg / ss_total = 1 - ss_resid / ss_total`` and ``F`` follows from the same
  two numbers. Away from the optimum this is smaller than ``sum((yhat - ybar)**2)`` and can
  even be negative for a vector worse than the mean;
* standard errors are ``se_y * sqrt(diag((A'A)^-1))`` over the kept columns of the design
  ``A``: the design part comes from the R factor of a QR decomposition (never ``inv(A'A)``),
  the residual part ``se_y`` from the vector's residuals.

Collinear columns follow Excel: a column the closed form drops (a linear combination of earlier
ones) has standard error 0 and is not counted in the degrees of freedom.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
from scipy import special  # not scipy.stats: the t and F functions it calls, without its ~0.4 s import
from scipy.linalg import solve_triangular

from gdfit.core.data import Dataset, InputError, OptionError, design
from gdfit.core.leastsq import precise
from gdfit.core.leastsq.closed_form import OLSResult, closed_form, factor_order

__all__ = ["RegressionStats", "stats_at"]


@dataclass(frozen=True)
class RegressionStats:
    """Regression statistics at one coefficient vector, named like the rows people read.

    ``coef``/``bse`` are in the column order of X (LINEST shows them reversed); ``intercept`` is
    0 and ``bse_intercept`` NaN when ``const`` is False. Values Excel shows as an error
    (#DIV/0!, #NUM!) are NaN or inf here.
    """

    coef: np.ndarray
    intercept: float
    bse: np.ndarray
    bse_intercept: float
    const: bool
    dropped: tuple[int, ...]
    ss_resid: float
    ss_total: float
    y: np.ndarray = field(repr=False)
    fitted: np.ndarray = field(repr=False)
    labels: tuple[str, ...] = ()

    @property
    def n(self) -> int:
        """Observations."""
        return int(self.y.shape[0])

    @property
    def k(self) -> int:
        """X columns, dropped ones included (LINEST's width minus one)."""
        return int(self.coef.shape[0])

    @property
    def df_model(self) -> int:
        """Regression degrees of freedom: X columns kept (the intercept is not counted)."""
        return self.k - len(self.dropped)

    @property
    def df_resid(self) -> int:
        """Residual degrees of freedom, LINEST's ``df``: n minus the parameters estimated."""
        return self.n - self.df_model - int(self.const)

    @property
    def residuals(self) -> np.ndarray:
        return self.y - self.fitted

    @property
    def ss_reg(self) -> float:
        """Regression sum of squares, defined as ``ss_total - ss_resid`` (see the module notes)."""
        return self.ss_total - self.ss_resid

    ssr = property(lambda self: self.ss_resid, doc="statsmodels' name for ``ss_resid``.")
    ess = property(lambda self: self.ss_reg, doc="statsmodels' name for ``ss_reg``.")

    @property
    def rsquared(self) -> float:
        """R²: ``1 - ss_resid / ss_total`` (uncentred total without an intercept, as Excel)."""
        return _ratio(self.ss_reg, self.ss_total)

    @property
    def multiple_r(self) -> float:
        """The ToolPak's "Multiple R": the square root of R² (NaN if R² < 0)."""
        return math.sqrt(self.rsquared) if self.rsquared >= 0 else math.nan

    @property
    def rsquared_adj(self) -> float:
        """``1 - (1 - R²)(n - c)/df_resid`` with c = 1 with an intercept, 0 without (statsmodels)."""
        return 1.0 - _ratio((1.0 - self.rsquared) * (self.n - int(self.const)), self.df_resid)

    @property
    def mse_resid(self) -> float:
        return _ratio(self.ss_resid, self.df_resid)

    @property
    def mse_model(self) -> float:
        return _ratio(self.ss_reg, self.df_model)

    @property
    def se_y(self) -> float:
        """Standard error of the y estimate (ToolPak "Standard Error"): ``sqrt(ss_resid / df)``."""
        return math.sqrt(self.mse_resid) if self.mse_resid >= 0 else math.nan

    ser = property(lambda self: self.se_y, doc="Alias of ``se_y``.")

    @property
    def fvalue(self) -> float:
        return _ratio(self.mse_model, self.mse_resid)

    @property
    def f_pvalue(self) -> float:
        """ToolPak "Significance F": ``F.DIST.RT(F, df_model, df_resid)``."""
        if not (self.df_model > 0 and self.df_resid > 0 and self.fvalue == self.fvalue):
            return math.nan
        # F below 0 (a vector worse than the mean) is below the support: P = 1, as scipy.stats.f.sf
        return float(special.fdtrc(self.df_model, self.df_resid, max(self.fvalue, 0.0)))

    @property
    def params(self) -> np.ndarray:
        """Coefficients followed by the intercept (when fitted), as ``FitResult.params``."""
        return np.append(self.coef, self.intercept) if self.const else self.coef.copy()

    @property
    def bse_params(self) -> np.ndarray:
        """Standard errors in the order of :attr:`params`."""
        return np.append(self.bse, self.bse_intercept) if self.const else self.bse.copy()

    @cached_property
    def tvalues(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.params / self.bse_params

    @cached_property
    def pvalues(self) -> np.ndarray:
        """Two-sided p-values, ``T.DIST.2T(|t|, df_resid)``."""
        if self.df_resid <= 0:
            return np.full(self.params.shape, np.nan)
        return 2.0 * special.stdtr(self.df_resid, -np.abs(self.tvalues))

    def conf_int(self, confidence: float = 0.95) -> np.ndarray:
        """Rows ``[lower, upper]`` per entry of :attr:`params`: ``b ∓ T.INV.2T(1 - c, df) · se``."""
        q = special.stdtrit(self.df_resid, 0.5 + confidence / 2.0) if self.df_resid > 0 else math.nan
        half = q * self.bse_params
        return np.column_stack([self.params - half, self.params + half])


def _ratio(a: float, b: float) -> float:
    """``a / b`` with Excel's error values mapped to NaN (0/0) or ±inf (x/0)."""
    if b == 0:
        return math.nan if a == 0 else math.copysign(math.inf, a)
    return a / b


def _inverse_gram_diagonal(A: np.ndarray) -> np.ndarray:
    """``diag((A'A)^-1)`` from the R of a QR of ``A``: ``(A'A)^-1 = R^-1 R^-T``.

    Columns are first scaled by powers of two (exact), which keeps R well scaled.
    """
    if A.shape[1] == 0:
        return np.zeros(0)
    scale = precise.power_of_two_scale(A, axis=0)
    r = np.linalg.qr(A * scale, mode="r")
    r_inv = solve_triangular(r, np.eye(r.shape[0]))
    return np.sum(r_inv * r_inv, axis=1) * scale * scale


def _fsum_squares(values: np.ndarray) -> float:
    return float(math.fsum(values * values))


def _check_vector(data: Dataset, coef: Any, intercept: Any, const: bool) -> tuple[np.ndarray, float]:
    """Validate a user-supplied coefficient vector against the data."""
    w = np.asarray(coef, dtype=np.float64).reshape(-1)
    if w.shape[0] != data.p:
        raise InputError(f"coef has {w.shape[0]} value(s) but known_x has {data.p} column(s); "
                         "give one coefficient per X column, in column order.")
    if not np.isfinite(w).all():
        raise InputError(f"coef holds {w[~np.isfinite(w)][0]}; every coefficient must be a finite number.")
    if not const:
        if intercept not in (None, 0, 0.0):
            raise OptionError(f"The 'intercept' option must be 0 or None when const is False; got {intercept!r}.")
        return w, 0.0
    if intercept is None:
        raise OptionError("The 'intercept' option is required with coef when const is True; "
                          "pass the fitted intercept.")
    b = float(intercept)
    if not math.isfinite(b):
        raise OptionError(f"The 'intercept' option must be a finite number; got {intercept!r}.")
    return w, b


def stats_at(data: Dataset, coef: Any = None, intercept: Any = None, *, const: bool = True,
             ols: OLSResult | None = None) -> RegressionStats:
    """Regression statistics of validated ``data`` at ``coef``/``intercept`` (closed form if None).

    ``coef`` is in X's column order and original units; see the module notes for the definitions.
    ``ols`` is the closed form of ``data`` with this ``const`` when the caller has it already (it is
    computed otherwise).
    """
    if ols is None:
        ols = closed_form(data, None, fit_intercept=const)
    elif ols.fit_intercept != const or ols.y is not data.y:
        raise ValueError("stats_at: ols is the closed form of other data or another constant")
    if coef is None:
        w, b, fitted = ols.coef, ols.intercept, ols.fitted
        ss_resid = ols.ss_resid
    else:
        w, b = _check_vector(data, coef, intercept, const)
        fitted = data.X @ w + b
        ss_resid = _fsum_squares(data.y - fitted)
    kept = [j for j in range(data.p) if j not in ols.dropped]
    A = design(data.X[:, kept], const)
    # Factored in the closed form's column order: the same R, so the same last digits.
    order = factor_order(len(kept), const)
    diag = np.empty(A.shape[1])  # [kept coef..., intercept]
    diag[order] = _inverse_gram_diagonal(A[:, order])
    se_y = math.sqrt(ss_resid / ols.df_resid) if ols.df_resid > 0 else math.nan
    bse = np.zeros(data.p)
    bse[kept] = se_y * np.sqrt(diag[:len(kept)])
    bse_b = se_y * math.sqrt(diag[-1]) if const else math.nan
    return RegressionStats(coef=np.array(w, dtype=np.float64), intercept=float(b), bse=bse,
                           bse_intercept=bse_b, const=const, dropped=ols.dropped, ss_resid=ss_resid,
                           ss_total=ols.ss_total, y=data.y, fitted=np.asarray(fitted), labels=data.labels)
