"""A training report on as many rows as an Excel sheet holds: every cell gdfit writes stays on the grid."""
import numpy as np

from gdfit.core.compare import compare_dataset
from gdfit.core.data import as_dataset
from gdfit.report.a1 import MAX_ROW
from gdfit.report.layout import validate
from gdfit.report.model import RangeRef
from gdfit.sheets.training.report import training_report
from gdfit.sheets.training.source import DataSource


def test_a_full_sheet_of_data_leaves_out_the_residual_output_and_says_why():
    n = MAX_ROW - 1  # every row under the header
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, n)
    data = as_dataset(x.reshape(-1, 1), 3 * x + 1 + rng.normal(size=n), fit_intercept=True, moments=True)
    cmp = compare_dataset(data, const=True)
    source = DataSource((RangeRef("Data", f"A2:A{MAX_ROW}", external=True),),
                        RangeRef("Data", f"B2:B{MAX_ROW}", external=True), ("x",), "y")
    report = training_report(cmp, source, data, title="a full sheet")
    validate(report)  # raised "row 1048605 is outside Excel's 1..1048576" when the residuals went under the block
    regression = report.sheet("Regression")
    assert max(t.rect.max_row for t in regression.tables) < 100
    assert any("RESIDUAL and PROBABILITY OUTPUT" in note.text and "1,048,575 observations" in note.text
               for note in regression.notes)
    assert [s.name for c in regression.charts for s in c.series][:2] == ["y", "gradient descent line"]
