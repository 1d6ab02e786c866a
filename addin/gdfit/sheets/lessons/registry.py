"""Every lesson workbook gdfit ships, by file name, and the builder of its report."""
from __future__ import annotations

from typing import Callable

from gdfit.report.model import Report
from gdfit.sheets.lessons.batch import batch_report
from gdfit.sheets.lessons.bowl import bowl_report
from gdfit.sheets.lessons.formulas import formulas_report
from gdfit.sheets.lessons.house import house_prices_report
from gdfit.sheets.lessons.logistic import logistic_report
from gdfit.sheets.lessons.losses import losses_report
from gdfit.sheets.lessons.rate import learning_rate_report
from gdfit.sheets.lessons.surface import surface_report

__all__ = ["LESSONS"]


def LESSONS() -> dict[str, Callable[[], Report]]:
    """File name -> report builder, in the order the README presents them."""
    return {"bowl.xlsx": bowl_report, "learning_rate.xlsx": learning_rate_report,
            "house_prices.xlsx": house_prices_report, "batch_sgd_minibatch.xlsx": batch_report,
            "losses.xlsx": losses_report, "loss_surface.xlsx": surface_report,
            "gd_in_formulas.xlsx": formulas_report, "logistic.xlsx": logistic_report}
