"""Workbook-scoped names in the report model: what they resolve to, and what validate refuses."""
import pytest

from gdfit.report.layout import validate
from gdfit.report.model import CellRef, ColumnRef, LayoutError, RangeRef, Report, SheetSpec, Table, WorkbookName
from gdfit.report.references import renamed, workbook_names


def named_report(*names: WorkbookName) -> Report:
    data = SheetSpec("Data", tables=[Table("A3", ["x", "y"], [[1.0, 2.0], [3.0, 4.0]], name="points")])
    inputs = SheetSpec("My inputs", tables=[Table("B2", ["rate"], [[0.1]], id="inputs")])
    return Report([data, inputs], names=list(names))


def test_names_resolve_to_absolute_ranges_with_their_sheet():
    report = named_report(WorkbookName("gd_x", ColumnRef("Data", "points", "x")),
                          WorkbookName("gd_learning_rate", CellRef("My inputs", "inputs", 0, "rate")),
                          WorkbookName("gd_other", RangeRef("Theirs", "A1:B9", external=True)))
    validate(report)
    assert workbook_names(report) == {"gd_x": "'Data'!$A$4:$A$5", "gd_learning_rate": "'My inputs'!$B$3",
                                      "gd_other": "'Theirs'!$A$1:$B$9"}


def test_a_renamed_sheet_takes_its_names_along():
    report = named_report(WorkbookName("gd_learning_rate", CellRef("My inputs", "inputs", 0, "rate")))
    assert workbook_names(renamed(report, {"My inputs": "My inputs (gdfit)"})) == {
        "gd_learning_rate": "'My inputs (gdfit)'!$B$3"}


@pytest.mark.parametrize("names, message", [
    ([WorkbookName("A1", RangeRef("Data", "A1"))], "not a valid Excel name"),
    ([WorkbookName("two words", RangeRef("Data", "A1"))], "not a valid Excel name"),
    ([WorkbookName("gd_x", RangeRef("Data", "A1")), WorkbookName("GD_X", RangeRef("Data", "A2"))], "defined twice"),
    ([WorkbookName("Points", RangeRef("Data", "A1"))], "defined twice"),  # an Excel table's name
    ([WorkbookName("gd_x", ColumnRef("Data", "points", "z"))], "0 columns headed 'z'"),
    ([WorkbookName("gd_x", RangeRef("Nowhere", "A1"))], "no sheet 'Nowhere'"),
])
def test_validate_refuses_names_excel_would_not_take(names, message):
    with pytest.raises(LayoutError, match=message):
        validate(named_report(*names))
