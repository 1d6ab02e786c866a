"""P2: iterations gradient descent needs to reach 1e-8 relative parity on the ad-spend data.

Run: ``python benchmarks/iterations.py``. ``gdfit.fit`` runs with its default options; the
iteration counted is the first row of its history whose parameters are within 1e-8 of the
closed form (and the run must end converged, at least as close).
"""
from __future__ import annotations

import numpy as np
from common import Result, print_table, relative_gap

import gdfit

PARITY = 1e-8
GOAL = 50


def measure() -> Result:
    data = gdfit.datasets.ad_spend()
    X, y = data[["ad_spend"]], data["sales"]
    exact = gdfit.closed_form(X, y).params
    fit = gdfit.fit(X, y)
    params = fit.history[[*fit.labels, "intercept"]].to_numpy()
    gaps = np.array([relative_gap(row, exact) for row in params])
    within = np.flatnonzero(gaps <= PARITY)
    first = int(fit.history["iteration"].iloc[within[0]]) if within.size else None
    final = relative_gap(fit.params, exact)
    met = first is not None and first <= GOAL and fit.converged and final <= PARITY
    return Result("P2", "iterations to 1e-8 parity, ad-spend, defaults", f"<= {GOAL}",
                  f"{first} iteration(s)", met,
                  f"run stopped after {fit.n_iter} ({fit.stop}); final gap {final:.1e}")


def main() -> None:
    print_table([measure()], "ad-spend data (30 rows), gdfit.fit defaults")


if __name__ == "__main__":
    main()
