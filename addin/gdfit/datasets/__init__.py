"""Built-in example data.

``ad_spend.csv`` is made by :func:`generate_ad_spend` (``python -m gdfit.datasets``): 30 months'
advertising spend in thousands of dollars, drawn uniformly between 1 and 100, and sales in
hundreds of thousands of dollars, ``3.2 + 0.12 * spend`` plus normal noise (sd 0.6), seeded so
the file is the same on every machine. Rows are sorted by spend and rounded as an analyst's
sheet would hold them.
"""
from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["ad_spend", "house_prices", "generate_ad_spend"]

_AD_SPEND_FILE = "ad_spend.csv"


def generate_ad_spend(n: int = 30, seed: int = 20240601) -> pd.DataFrame:
    """Regenerate the ad-spend table from its recipe (see the module docstring)."""
    rng = np.random.default_rng(seed)
    spend = np.round(np.sort(rng.uniform(1.0, 100.0, n)), 1)
    sales = np.round(3.2 + 0.12 * spend + rng.normal(0.0, 0.6, n), 2)
    return pd.DataFrame({"ad_spend": spend, "sales": sales})


def ad_spend() -> pd.DataFrame:
    """Monthly advertising spend ($ thousands) and sales ($ hundreds of thousands), 30 rows.

    Returns
    -------
    pandas.DataFrame
        Columns ``ad_spend`` and ``sales``.
    """
    with resources.files(__name__).joinpath(_AD_SPEND_FILE).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh)


def house_prices() -> pd.DataFrame:
    """The four houses of the square-footage lesson: ``sqft`` and ``price`` in dollars.

    Least squares gives price = 12,000 + 136 × sqft.
    """
    return pd.DataFrame({"sqft": [1000.0, 1500.0, 2000.0, 2500.0],
                         "price": [150000.0, 210000.0, 290000.0, 350000.0]})
