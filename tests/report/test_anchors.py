"""Cells by table anchor: CellRef and row-limited ColumnRef resolve where the table puts its cells."""
import pytest

from gdfit.report.a1 import Rect
from gdfit.report.layout import validate
from gdfit.report.model import CellRef, ColumnRef, Formula, LayoutError, Report, SheetSpec, Table
from gdfit.report.references import formula_text, renamed, resolve


def _fit_table(anchor="C5"):
    # Header on row 5 (anchor C5): data rows 6, 7, 8; columns C, D, E.
    return Table(anchor, ["quantity", "excel", "gdfit"],
                 [["slope", 2.0, 2.0], ["intercept", 1.0, 1.0], ["SSE", 0.5, 0.5]], id="fit")


def _report(anchor="C5"):
    return Report([SheetSpec("Formula", tables=[_fit_table(anchor)]), SheetSpec("Compare")])


def test_a_cell_is_found_by_row_index_or_label_and_by_header_or_column_index():
    report = _report()
    assert resolve(report, CellRef("Formula", "fit", 0, "excel")).a1 == "'Formula'!$D$6"
    assert resolve(report, CellRef("Formula", "fit", "SSE", "gdfit")).a1 == "'Formula'!$E$8"
    assert resolve(report, CellRef("Formula", "fit", "intercept", 1)).a1 == "'Formula'!$D$7"
    assert _fit_table().cell("SSE", 0) == Rect(8, 3, 8, 3)


def test_a_cell_moves_with_its_table():
    assert resolve(_report("A1"), CellRef("Formula", "fit", "SSE", "gdfit")).a1 == "'Formula'!$C$4"


def test_a_column_can_be_cut_to_some_of_its_rows():
    report = _report()
    ref = ColumnRef("Formula", "fit", "excel", rows=(0, "intercept"))
    assert resolve(report, ref).a1 == "'Formula'!$D$6:$D$7"
    with pytest.raises(LayoutError, match="must run downwards"):
        resolve(report, ColumnRef("Formula", "fit", "excel", rows=("SSE", 0)))
    with pytest.raises(LayoutError, match="without include_header"):
        resolve(report, ColumnRef("Formula", "fit", "excel", include_header=True, rows=(0, 1)))


def test_formulas_spell_a_cell_with_its_sheet_absolute_or_relative():
    report = _report()
    cell = lambda style: CellRef("Formula", "fit", "slope", "excel", style)  # noqa: E731
    formula = Formula("={a}+{b}-{c}", {"a": cell("sheet"), "b": cell("local"), "c": cell("relative")})
    assert formula_text(report, formula) == "='Formula'!$D$6+$D$6-D6"


def test_a_cell_of_another_sheet_must_name_its_sheet():
    report = _report()
    report.sheet("Compare").tables.append(
        Table("A1", ["check"], [[Formula("={c}", {"c": CellRef("Formula", "fit", 0, "excel", "local")})]]))
    with pytest.raises(LayoutError, match="spells a cell of sheet 'Formula' without its sheet name"):
        validate(report)


def test_cells_follow_renamed_sheets():
    report = _report()
    report.sheet("Compare").tables.append(Table("A1", ["check", "sum"], [[
        Formula("={c}", {"c": CellRef("Formula", "fit", "SSE", "excel")}),
        Formula("=SUM({r})", {"r": ColumnRef("Formula", "fit", "gdfit", rows=(1, 2))})]], id="check"))
    report.sheet("Formula").tables.append(Table("G5", ["difference"], [
        [Formula("={x}-{y}", {"x": CellRef("Formula", "fit", 0, "excel", "relative"),
                              "y": CellRef("Formula", "fit", 0, "gdfit", "relative")})]], id="diff"))
    moved = renamed(report, {"Formula": "Formula (gdfit)"})
    validate(moved)  # the relative cells still sit on the formula's own (renamed) sheet
    check, total = moved.table("Compare", "check").rows[0]
    assert formula_text(moved, check) == "='Formula (gdfit)'!$D$8"
    assert formula_text(moved, total) == "=SUM('Formula (gdfit)'!$E$7:$E$8)"
    assert formula_text(moved, moved.table("Formula (gdfit)", "diff").rows[0][0]) == "=D6-E6"


@pytest.mark.parametrize("ref, message", [
    (CellRef("Formula", "fit", 3, "excel"), "table 'fit' has no data row 3 (it has 3)"),
    (CellRef("Formula", "fit", -1, "excel"), "table 'fit' has no data row -1 (it has 3)"),
    (CellRef("Formula", "fit", "R²", "excel"), "table 'fit' has 0 rows labelled 'R²'"),
    (CellRef("Formula", "fit", 0, 3), "table 'fit' has no column 3"),
    (CellRef("Formula", "fit", 0, "difference"), "table 'fit' has 0 columns headed 'difference'"),
    (ColumnRef("Formula", "fit", "excel", rows=(0, 5)), "table 'fit' has no data row 5 (it has 3)"),
])
def test_a_cell_outside_the_table_is_a_one_line_error(ref, message):
    with pytest.raises(LayoutError) as caught:
        resolve(_report(), ref)
    assert str(caught.value) == message


def test_a_label_on_two_rows_is_ambiguous():
    table = Table("A1", ["k", "v"], [["a", 1], ["a", 2]], id="t")
    with pytest.raises(LayoutError, match="has 2 rows labelled 'a'"):
        resolve(Report([SheetSpec("S", tables=[table])]), CellRef("S", "t", "a", "v"))
