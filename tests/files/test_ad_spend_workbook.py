"""The shipped ad-spend workbook: reproducible, in step with the code, and readable when rendered."""
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import gdfit
from gdfit.files.workbooks import build_ad_spend
from tests.cells import FLOOR, REL, cells, layout, mismatches
from tests.lo import needs_soffice, read_ppm, soffice

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "workbooks" / "ad_spend.xlsx"
SHEETS = ["Data", "Formula", "Solver", "Regression", "GD", "GD formulas", "Compare"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("adspend")
    build_ad_spend(tmp / "a.xlsx", reproducible=True)
    build_ad_spend(tmp / "b.xlsx", reproducible=True)
    return tmp


def test_two_builds_on_one_machine_are_cell_for_cell_identical(built):
    # No tolerance: the same code, data and BLAS must give the same bits (the zip's timestamps
    # differ, so the files are compared by their cells).
    assert mismatches(cells(built / "a.xlsx"), cells(built / "b.xlsx"), rel=0.0, floor=0.0) == []
    assert layout(built / "a.xlsx") == layout(built / "b.xlsx")


def test_committed_workbook_is_what_the_code_builds(built):
    assert mismatches(cells(COMMITTED), cells(built / "a.xlsx")) == []
    assert layout(COMMITTED) == layout(built / "a.xlsx")


def _find(sheet_cells, want):
    """(row, column) indexes of the first cell for which ``want(value)`` holds."""
    return next((r, c) for r, row in enumerate(sheet_cells) for c, v in enumerate(row) if want(v))


def _changed(committed, sheet, at, value):
    changed = {name: [list(row) for row in rows] for name, rows in committed.items()}
    changed[sheet][at[0]][at[1]] = value
    return changed


@pytest.fixture(scope="module")
def committed():
    return cells(COMMITTED)


def test_the_solver_value_is_compared_to_the_tolerance_of_an_iterative_result(committed):
    rows = committed["Compare"]
    r = next(i for i, row in enumerate(rows) if str(row[0]).startswith("Solver-equivalent"))
    intercept = rows[r][2]  # 3.246751426 here, 3.246751432 with another OpenBLAS kernel
    assert intercept == pytest.approx(3.2467514, rel=1e-7)
    moved = 1.85e-9 * intercept  # what another CPU/BLAS moves it by
    assert mismatches(committed, _changed(committed, "Compare", (r, 2), intercept + moved)) == []
    wrong = intercept * (1 + 10 * REL)
    assert mismatches(committed, _changed(committed, "Compare", (r, 2), wrong)) == [
        ("Compare", r + 1, 3, intercept, wrong)]


def test_a_value_that_should_be_zero_is_compared_to_its_tables_scale(committed):
    rows = committed["Compare"]
    r = next(i for i, row in enumerate(rows) if str(row[0]).startswith("Solver-equivalent"))
    header = next(i for i, row in enumerate(rows) if row[0] == "Method")
    c = rows[header].index("max rel. diff vs closed form")
    gap, sse = rows[r][c], rows[r][rows[header].index("SSE")]
    # 3.9e-7, in a table whose largest float is the Solver's SSE, 6.19
    assert sse == max(v for row in rows[header:r + 1] for v in row if isinstance(v, float))
    assert mismatches(committed, _changed(committed, "Compare", (r, c), gap + 0.5 * FLOOR * sse)) == []
    assert mismatches(committed, _changed(committed, "Compare", (r, c), gap + 2 * FLOOR * sse)) != []
    # A zero may come out as 1e-13 elsewhere, and so may a zero written as a blank; 1e-3 may not.
    closed = next(i for i, row in enumerate(rows) if row[0] == "Closed form")
    assert rows[closed][c] == 0
    assert mismatches(committed, _changed(committed, "Compare", (closed, c), 1e-13)) == []
    blank = (r + 1, c)  # just below the table
    assert rows[r + 1][c] is None
    assert mismatches(committed, _changed(committed, "Compare", blank, 1e-13)) == []
    assert mismatches(committed, _changed(committed, "Compare", blank, 1e-3)) != []
    assert mismatches(committed, _changed(committed, "Compare", blank, "x")) != []


def test_text_formulas_booleans_and_shape_are_compared_exactly(committed):
    formula = _find(committed["Compare"], lambda v: isinstance(v, str) and v.startswith("=B13-C13"))
    assert mismatches(committed, _changed(committed, "Compare", formula, "=B13+C13")) == [
        ("Compare", formula[0] + 1, formula[1] + 1, "=B13-C13", "=B13+C13")]
    text = _find(committed["Compare"], lambda v: v == "Closed form")
    assert mismatches(committed, _changed(committed, "Compare", text, "Closed form ")) != []
    flag = next((name, _find(rows, lambda v: v is True)) for name, rows in committed.items()
                if any(v is True for row in rows for v in row))
    assert mismatches(committed, _changed(committed, flag[0], flag[1], 1)) != []  # TRUE is not 1
    assert mismatches(committed, _changed(committed, flag[0], flag[1], False)) != []
    iterations = _find(committed["Compare"], lambda v: type(v) is int and v > 1)
    count = committed["Compare"][iterations[0]][iterations[1]]
    assert mismatches(committed, _changed(committed, "Compare", iterations, count + 1)) != []
    shorter = dict(committed, Compare=committed["Compare"][:-1])
    assert mismatches(committed, shorter) == [
        ("Compare", "shape", (len(committed["Compare"]), len(committed["Compare"][0])),
         (len(committed["Compare"]) - 1, len(committed["Compare"][0])))]
    reordered = dict(reversed(list(committed.items())))
    assert mismatches(committed, reordered) == [("sheets", list(committed), list(reordered))]


def test_sheets_charts_and_solver_model(built):
    wb = openpyxl.load_workbook(built / "a.xlsx")
    assert wb.sheetnames == SHEETS
    assert len(wb["GD"]._charts) == 3 and len(wb["Regression"]._charts) == 1
    names = wb["Solver"].defined_names
    assert names["solver_opt"].attr_text == "'Solver'!$B$7"
    assert names["solver_adj"].attr_text == "'Solver'!$B$5:$B$6"
    assert (wb["Solver"]["B5"].value, wb["Solver"]["B6"].value) == (1.0, 0.0)  # m = 1, b = 0
    d = gdfit.datasets.ad_spend()
    assert [c.value for c in wb["Data"]["A"][3:33]] == list(d.ad_spend)


@needs_soffice
def test_every_sheet_renders_with_its_charts(built, tmp_path):
    pdf = soffice(tmp_path / "profile", "pdf", tmp_path, built / "a.xlsx")
    import subprocess
    subprocess.run(["pdftoppm", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.ppm"))
    assert len(pages) >= len(SHEETS)
    for page in pages:
        pixels = read_ppm(page)
        assert (pixels < 200).any(), f"{page.name} is blank"
    # The GD sheet's first page holds its charts: the loss line in Office blue (4472C4) and the
    # descent path in red (C0504D) on the contour chart.
    def count(pixels, rgb):
        return int(np.sum(np.all(np.abs(pixels.astype(int) - rgb) < 40, axis=-1)))

    colours = [(count(read_ppm(p), (0x44, 0x72, 0xC4)), count(read_ppm(p), (0xC0, 0x50, 0x4D))) for p in pages]
    assert any(blue > 50 and red > 5 for blue, red in colours), colours
