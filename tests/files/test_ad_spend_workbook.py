"""The shipped ad-spend workbook: reproducible, in step with the code, and readable when rendered."""
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import gdfit
from gdfit.files.workbooks import build_ad_spend
from tests.cells import cells, mismatches
from tests.lo import needs_soffice, read_ppm, soffice

ROOT = Path(__file__).resolve().parents[2]
SHEETS = ["Data", "Formula", "Solver", "Regression", "GD", "Compare"]








@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("adspend")
    build_ad_spend(tmp / "a.xlsx", reproducible=True)
    build_ad_spend(tmp / "b.xlsx", reproducible=True)
    return tmp


def test_rebuilding_gives_the_same_cells(built):
    assert cells(built / "a.xlsx") == cells(built / "b.xlsx")


def test_committed_workbook_is_what_the_code_builds(built):
    assert mismatches(cells(ROOT / "workbooks" / "ad_spend.xlsx"), cells(built / "a.xlsx")) == []


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
