"""P6: the Python side of ``=GD_FIT(known_y, known_x)`` on 1,000 x 3 against the same call with
the closed form in place of gradient descent.

Run: ``python benchmarks/worksheet.py [--repeats K]``. Both calls get the ranges as xlwings
hands them over (lists of rows) and return LINEST's row of cells. GD_FIT runs with its defaults
and its result cache emptied before every call; the closed-form call takes the same steps
(conversion, LINEST's row checks, fit, statistics at the solution, cells) with
``gdfit.closed_form`` as the fit. The two rows must agree to 1e-8 before the time counts.
"""
from __future__ import annotations

import warnings

import numpy as np
from common import Result, limited, median_seconds, relative_gap, run_script

import gdfit
from gdfit.core.leastsq.linest import linest_block, linest_dataset, regression_stats
from gdfit.excel import convert, udfs
from gdfit.excel.cache import RESULTS

GOAL = 3.0


def closed_form_block(known_y, known_x) -> list[list]:
    """GD_FIT's steps with the closed form as the fit."""
    data = convert.excel_data(known_y, known_x)
    const = convert.flag("constant", None, True)
    linest_dataset(data.y, data.X, const)
    c = gdfit.closed_form(data.X, data.y, fit_intercept=const)
    return convert.cells(linest_block(regression_stats(data.y, data.X, c.coef, c.intercept, const)))


def measure(repeats: int = 21, n_threads: int = 1) -> Result:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 3)) * [1.0, 10.0, 100.0] + [5.0, 50.0, 500.0]
    y = X @ [1.0, 0.2, 0.03] + 7.0 + rng.normal(size=1000)
    known_y, known_x = [[v] for v in y.tolist()], X.tolist()

    def gd_fit() -> list[list]:
        RESULTS.clear()
        return udfs.GD_FIT(known_y, known_x)

    with limited(n_threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_cf, cf = median_seconds(lambda: closed_form_block(known_y, known_x), repeats)
        t_gd, gd = median_seconds(gd_fit, repeats)
    gap = relative_gap(gd[0], cf[0])
    ratio = t_gd / t_cf
    return Result("P6", "GD_FIT (Python side), 1,000x3, uncached", f"<= {GOAL:g} x closed form",
                  f"{t_gd * 1e3:.2f} ms vs {t_cf * 1e3:.2f} ms = {ratio:.2f} x",
                  ratio <= GOAL and gap <= 1e-8, f"GD_FIT vs closed-form row: gap {gap:.1e}")


def main() -> None:
    run_script(__doc__, measure, repeats=21)


if __name__ == "__main__":
    main()
