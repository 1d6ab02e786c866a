"""The report model: references to A1 ranges, footprints and overlaps, validation, the text rule."""
import math

import numpy as np
import pytest

from gdfit.report.a1 import Rect, a1_range, cell_a1, col_index, col_letter, parse_cell, text_width
from gdfit.report.cells import cell_value, is_formula_like, typed_literal
from gdfit.report.layout import auto_widths, contour_rows, footprints, overlaps, validate
from gdfit.report.model import (
    PALETTE,
    ArrayFormula,
    ChartSpec,
    ColumnRef,
    Formula,
    FormulaCell,
    LayoutError,
    Note,
    RangeRef,
    Report,
    SeriesSpec,
    SheetSpec,
    Table,
    series_colors,
)
from gdfit.report.references import formula_text, resolve


def _report(**sheet_kw):
    data = Table("B3", ["x", "y"], [[1.0, 2.0], [2.0, 4.1], [3.0, 5.9]], name="data")
    return Report([SheetSpec("GD run", tables=[data], **sheet_kw)])


def _chart(anchor="E3", **kw):
    s = SeriesSpec("y", ColumnRef("GD run", "data", "x"), ColumnRef("GD run", "data", "y"))
    return ChartSpec("scatter", "y by x", anchor, [s], **kw)


@pytest.mark.parametrize(
    "col, letters", [(1, "A"), (26, "Z"), (27, "AA"), (702, "ZZ"), (703, "AAA"), (16384, "XFD")]
)
def test_column_letters_round_trip(col, letters):
    assert col_letter(col) == letters
    assert col_index(letters) == col


def test_cells_and_ranges_in_a1():
    assert parse_cell("B5") == (5, 2) and parse_cell("$AA$10") == (10, 27)
    assert cell_a1(5, 2, absolute=True) == "$B$5"
    assert a1_range(Rect(5, 2, 120, 2), absolute=True) == "$B$5:$B$120"
    assert a1_range(Rect(1, 1, 1, 1)) == "A1"
    with pytest.raises(ValueError, match="not a cell address"):
        parse_cell("5B")


def test_column_ref_resolves_to_the_data_cells_below_the_header():
    report = _report()
    assert resolve(report, ColumnRef("GD run", "data", "y")).a1 == "'GD run'!$C$4:$C$6"
    assert resolve(report, ColumnRef("GD run", "data", 0)).a1 == "'GD run'!$B$4:$B$6"
    with_header = ColumnRef("GD run", "data", "x", include_header=True)
    assert resolve(report, with_header).a1 == "'GD run'!$B$3:$B$6"


def test_sheet_names_are_quoted_with_quotes_doubled():
    t = Table("A1", ["v"], [[1], [2]], id="t")
    report = Report([SheetSpec("Bob's run", tables=[t])])
    assert resolve(report, ColumnRef("Bob's run", "t", "v")).a1 == "'Bob''s run'!$A$2:$A$3"
    assert resolve(report, RangeRef("Bob's run", "C9:B2")).a1 == "'Bob''s run'!$B$2:$C$9"


def test_unknown_table_or_column_names_it():
    report = _report()
    with pytest.raises(LayoutError, match="0 columns headed 'z'"):
        resolve(report, ColumnRef("GD run", "data", "z"))
    with pytest.raises(LayoutError, match="no sheet 'Other'"):
        resolve(report, ColumnRef("Other", "data", "x"))
    with pytest.raises(LayoutError, match="0 tables called 'nope'"):
        resolve(report, ColumnRef("GD run", "nope", "x"))


def test_formula_placeholders_become_absolute_ranges():
    report = _report()
    refs = {"y": ColumnRef("GD run", "data", "y"), "x": ColumnRef("GD run", "data", "x")}
    text = formula_text(report, Formula("=SLOPE({y},{x})", refs))
    assert text == "=SLOPE('GD run'!$C$4:$C$6,'GD run'!$B$4:$B$6)"
    with pytest.raises(LayoutError, match="does not use its reference 'x'"):
        formula_text(report, Formula("=SUM({y})", refs))


def test_table_rectangle_with_header_ragged_rows_and_without_header():
    assert Table("B3", ["a", "b"], [[1, 2], [3, 4, 5]]).rect == Rect(3, 2, 5, 4)
    assert Table("C2", None, [[1], [2], [3]]).rect == Rect(2, 3, 4, 3)
    assert Table("A1", ["only header"], []).rect == Rect(1, 1, 1, 1)


def test_chart_footprint_follows_column_widths():
    # Default columns are 64 px (1.69 cm): 16 cm needs 10 of them; 9 cm needs 18 rows of 15 pt.
    sheet = SheetSpec("s", charts=[_chart("A1")])
    assert footprints(sheet)[0][1] == Rect(1, 1, 18, 10)
    # A 40-character column A is 285 px (7.54 cm): five default columns finish the 16 cm.
    sheet.column_widths = {"A": 40}
    assert footprints(sheet)[0][1] == Rect(1, 1, 18, 6)


def test_overlap_detection_names_both_blocks():
    sheet = SheetSpec(
        "s",
        tables=[Table("A1", ["a", "b"], [[1, 2]] * 5, id="t")],
        notes=[Note("A8", "a long note", span=3)],
        formulas=[FormulaCell("C8", ArrayFormula("=LINEST(A2:A6)", rows=5, cols=2))],
    )
    # The note spans A8:C8 and the 5x2 array starts at C8.
    assert overlaps(sheet) == [("note 'a long note'", "formula at C8")]
    sheet.notes[0].span = 2
    assert overlaps(sheet) == []
    sheet.charts.append(_chart("D4"))
    assert overlaps(sheet) == [("formula at C8", "chart 'y by x'")]


def test_validate_rejects_an_overlapping_layout():
    report = _report(charts=[_chart("C5")])
    with pytest.raises(LayoutError, match="table data overlaps chart 'y by x'"):
        validate(report)
    report.sheets[0].charts[0].anchor = "E3"
    validate(report)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda r: r.sheets.append(SheetSpec("gd RUN")), "two sheets are named"),
        (lambda r: r.sheets.append(SheetSpec("a/b")), "not allowed in Excel"),
        (lambda r: r.sheets.append(SheetSpec("x" * 32)), "not allowed in Excel"),
        (lambda r: setattr(r.sheets[0].tables[0], "name", "A1"), "not a valid Excel table name"),
        (lambda r: setattr(r.sheets[0].tables[0], "name", "my table"), "not a valid Excel table"),
        (lambda r: setattr(r.sheets[0].tables[0], "header", ["x", "X"]), "unique, non-empty"),
        (lambda r: setattr(r.sheets[0].tables[0], "rows", []), "at least one row"),
        (lambda r: r.sheets[0].formulas.append(FormulaCell("H1", Formula("SUM(A1)"))),
         "must start with '='"),
        (lambda r: r.sheets[0].tables.append(Table("H1", ["t"], [[1]], name="DATA")),
         "two Excel tables are named"),
        (lambda r: r.sheets[0].notes.append(Note("H1", "x", style="loud")), "style must be"),
        (lambda r: r.sheets.clear(), "at least one sheet"),
    ],
)
def test_validate_names_what_excel_would_refuse(mutate, message):
    report = _report()
    validate(report)
    mutate(report)
    with pytest.raises(LayoutError, match=message):
        validate(report)


def test_array_formulas_need_blank_cells_and_no_excel_table():
    block = ArrayFormula("=LINEST(A1:A3)", rows=2, cols=2)
    t = Table("A1", ["a", "b"], [[block, None], [None, None]], id="t")
    validate(Report([SheetSpec("s", tables=[t])]))
    t.rows[1][1] = 7.0
    with pytest.raises(LayoutError, match="needs 2x2 cells of blanks"):
        validate(Report([SheetSpec("s", tables=[t])]))
    t.rows[1][1], t.name = None, "stats"
    with pytest.raises(LayoutError, match="cannot hold a multi-cell array formula"):
        validate(Report([SheetSpec("s", tables=[t])]))


def test_series_x_and_y_must_have_the_same_length():
    report = _report()
    bad = SeriesSpec("y", RangeRef("GD run", "B4:B6"), RangeRef("GD run", "C4:C5"))
    report.sheets[0].charts.append(ChartSpec("scatter", "t", "E3", [bad]))
    with pytest.raises(LayoutError, match="same length"):
        validate(report)


@pytest.mark.parametrize(
    "text", ['=HYPERLINK("http://x")', "+cmd", "-1+1", "@SUM(A1)", "\tx", "\rx"]
)
def test_formula_like_text_is_detected(text):
    assert is_formula_like(text)
    # Still written as text (with a CR as the LF that XML would make of it anyway).
    assert cell_value(text) == ("text", text.replace("\r", "\n"))


@pytest.mark.parametrize("text", ["x = 1", "", "1.5", " =1", "#N/A", "Σ loss"])
def test_ordinary_text_is_not_formula_like(text):
    assert not is_formula_like(text)
    # A live renderer types every text with an apostrophe: "1.5" would otherwise become a number.
    assert typed_literal(text) == "'" + text


def test_cell_values_are_classified_for_every_renderer():
    assert cell_value(np.float64(2.5)) == ("number", 2.5)
    kind, value = cell_value(np.int64(3))
    assert kind == "number" and value == 3
    assert cell_value(np.bool_(True)) == ("bool", True)
    assert cell_value(math.nan) == ("error", "#N/A")
    assert cell_value(-np.inf) == ("error", "#N/A")
    assert cell_value(None) == ("blank", None)
    assert cell_value("a\x00b\x1fc\td") == ("text", "a\ufffdb\ufffdc\td")
    assert cell_value(Formula("=1+1"))[0] == "formula"
    with pytest.raises(TypeError, match="cannot hold dict"):
        cell_value({})


def test_series_without_a_colour_take_the_palette_in_order():
    x = y = RangeRef("s", "A1:A2")
    chart = ChartSpec("scatter", "t", "A1", [
        SeriesSpec("a", x, y), SeriesSpec("b", x, y, color="FF0000"), SeriesSpec("c", x, y)])
    assert series_colors(chart) == [PALETTE[0], "FF0000", PALETTE[1]]


def test_widths_fit_headers_and_formatted_numbers_and_explicit_widths_win():
    t = Table("A1", ["iteration", "a much longer header", "loss"],
              [[1, 2.0, 123456.0]], ["0", "0.00", "0.000E+00"])
    sheet = SheetSpec("s", tables=[t], column_widths={"B": 5.0})
    assert text_width(123456.0, "0.000E+00") == 10  # "1.235E+05" and a sign
    assert text_width(-1234567.891, "#,##0.00") == 13  # "-1,234,567.89"
    assert auto_widths(sheet) == {"A": 11.0, "C": 12.0}


def test_contour_rows_put_a_blank_row_between_curves():
    rows = contour_rows([1.0, 4.0], [[(0, 1), (1, 0), (0, 1)], [(0, 2), (2, 0), (0, 2)]])
    assert rows == [
        [1.0, 0.0, 1.0], [1.0, 1.0, 0.0], [1.0, 0.0, 1.0],
        [None, None, None],
        [4.0, 0.0, 2.0], [4.0, 2.0, 0.0], [4.0, 0.0, 2.0],
    ]
