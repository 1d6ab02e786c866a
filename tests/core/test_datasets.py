"""The shipped data equal their recipes and look like the lessons describe."""
import numpy as np
import pandas as pd

import gdfit


def test_ad_spend_file_equals_its_generator():
    pd.testing.assert_frame_equal(gdfit.datasets.ad_spend(), gdfit.datasets.generate_ad_spend())


def test_ad_spend_is_plausible():
    d = gdfit.datasets.ad_spend()
    assert list(d.columns) == ["ad_spend", "sales"] and 20 <= len(d) <= 40
    assert 1.0 <= d.ad_spend.min() < 5.0 and 95.0 < d.ad_spend.max() <= 100.0
    r = gdfit.closed_form(d[["ad_spend"]], d.sales)
    assert r.intercept > 0 and r.coef[0] > 0
    assert 1 - r.ss_resid / r.ss_total > 0.9  # roughly linear, with visible noise
    assert r.ss_resid > 0


def test_house_prices_are_the_four_points():
    d = gdfit.datasets.house_prices()
    np.testing.assert_array_equal(d.sqft, [1000, 1500, 2000, 2500])
    np.testing.assert_array_equal(d.price, [150000, 210000, 290000, 350000])
