"""The rendered workbook through LibreOffice: charts drawn to PDF pages, formulas recalculated.

Two LibreOffice runs for the whole module (PDF export, and a load-recalculate-save to xlsx), then
pdftoppm rasterises the PDF. Set GDFIT_RENDER_DIR to keep PNGs of the pages for a look.
"""
import os
import subprocess

import numpy as np
import openpyxl
import pytest
from scipy import stats

from gdfit.render.xlsx import render_workbook, save_workbook
from gdfit.report.model import PALETTE
from tests.lo import needs_soffice, read_ppm, soffice
from tests.render.sample import FORMULA_LIKE, X, Y, sample_report

pytestmark = needs_soffice
DPI = 60
_soffice = soffice
_read_ppm = read_ppm


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lo")
    report, fit = sample_report()
    src = save_workbook(render_workbook(report), tmp / "sample.xlsx")
    profile = tmp / "profile"
    pdf = _soffice(profile, "pdf", tmp / "pdf", src)
    recalc = _soffice(profile, "xlsx", tmp / "recalc", src)
    subprocess.run(["pdftoppm", "-r", str(DPI), str(pdf), str(tmp / "page")], check=True,
                   timeout=120)
    keep = os.environ.get("GDFIT_RENDER_DIR")
    if keep:
        os.makedirs(keep, exist_ok=True)
        subprocess.run(["pdftoppm", "-png", "-r", str(DPI), str(pdf), f"{keep}/page"], check=True)
    pages = [_read_ppm(p) for p in sorted(tmp.glob("page-*.ppm"))]
    # Sheets print one page wide and as many pages tall as their row breaks make (report.present):
    # each sheet's first page, in sheet order.
    wb = openpyxl.load_workbook(src)
    counts = [len(wb[s.name].row_breaks.brk) + 1 for s in report.sheets]
    firsts = [sum(counts[:k]) for k in range(len(counts))]
    return report, fit, pages, recalc, firsts, sum(counts)


def _pixels_near(page, hex_color, tol=40):
    rgb = np.array([int(hex_color[i:i + 2], 16) for i in (0, 2, 4)])
    return np.all(np.abs(page.astype(int) - rgb) <= tol, axis=2)


def _page(rendered, sheet_name):
    report, _, pages, _, firsts, _ = rendered
    return pages[firsts[[s.name for s in report.sheets].index(sheet_name)]]


def test_one_page_wide_per_sheet_none_blank(rendered):
    report, _, pages, _, _, expected = rendered
    assert len(pages) == expected  # one page wide: no sheet runs onto a second column of pages
    for page in pages:
        assert (page.min(axis=2) < 200).mean() > 0.002  # some ink on every page


def test_fit_chart_shows_data_markers_and_fitted_lines(rendered):
    page = _page(rendered, "Fit chart")
    assert _pixels_near(page, PALETTE[0]).sum() > 100  # eight data markers
    assert _pixels_near(page, PALETTE[1]).sum() > 150  # the gradient-descent line


def test_loss_curve_on_a_log_axis_keeps_falling_across_the_plot(rendered):
    curve = _pixels_near(_page(rendered, "Loss chart"), PALETTE[0])
    curve = curve[: np.nonzero(curve)[0].max() - 6]  # drop the legend's sample line
    rows, cols = np.nonzero(curve)
    assert len(rows) > 150
    # On a linear axis the curve hugs the bottom after a few iterations (the later half spans
    # about a tenth of the curve's height); on the log axis it keeps descending steadily.
    late = cols > np.median(cols)
    assert np.ptp(rows[late]) > 0.25 * np.ptp(rows)


def test_parameter_chart_draws_both_trajectories(rendered):
    page = _page(rendered, "Parameters chart")
    assert _pixels_near(page, PALETTE[0]).sum() > 150
    assert _pixels_near(page, PALETTE[1]).sum() > 150


def test_contour_chart_draws_nested_curves_around_the_path(rendered):
    page = _page(rendered, "Surface chart")
    contour = _pixels_near(page, "9DB9D6", tol=25)
    # The legend under the plot repeats every colour: keep only the rows above its samples.
    plot = slice(0, np.nonzero(contour)[0].max() - 6)
    contour, path, start = (
        _pixels_near(page, hex_color, tol)[plot]
        for hex_color, tol in (("9DB9D6", 25), ("C0504D", 40), ("2E7D32", 40))
    )
    assert contour.sum() > 300 and path.sum() > 100 and start.sum() > 10
    c_rows, c_cols = np.nonzero(contour)
    p_rows, p_cols = np.nonzero(path)
    # The path lies inside the outermost ellipse's bounding box.
    assert c_cols.min() <= p_cols.min() and p_cols.max() <= c_cols.max()
    assert c_rows.min() <= p_rows.min() and p_rows.max() <= c_rows.max()
    # Separate closed curves: on the row through the ellipses' centre a line crosses each
    # ellipse twice, so it meets several separate runs of contour pixels.
    centre_row = contour[int(np.median(c_rows))]
    runs = np.count_nonzero(np.diff(centre_row.astype(int)) == 1)
    assert runs >= 6


def _linest(x, y):
    """LINEST(y, x, TRUE, TRUE) for one feature, from the textbook formulas."""
    n, slope, intercept = len(x), *np.polyfit(x, y, 1)
    fitted = slope * x + intercept
    ss_resid = np.sum((y - fitted) ** 2)
    ss_reg = np.sum((fitted - y.mean()) ** 2)
    df = n - 2
    se_y = np.sqrt(ss_resid / df)
    sxx = np.sum((x - x.mean()) ** 2)
    return np.array([
        [slope, intercept],
        [se_y / np.sqrt(sxx), se_y * np.sqrt(1 / n + x.mean() ** 2 / sxx)],
        [ss_reg / (ss_reg + ss_resid), se_y],
        [ss_reg / (ss_resid / df), df],
        [ss_reg, ss_resid],
    ])


def test_live_formulas_recalculate_to_numpys_values(rendered):
    ws = openpyxl.load_workbook(rendered[3], data_only=True)["Data"]
    expected = _linest(X, Y)
    assert ws["H3"].value == pytest.approx(expected[0, 0], rel=1e-9)
    assert ws["H4"].value == pytest.approx(expected[0, 1], rel=1e-9)
    got = np.array([[ws.cell(r, c).value for c in (8, 9)] for r in range(6, 11)], dtype=float)
    np.testing.assert_allclose(got, expected, rtol=1e-9)
    # Stored as _xlfn.T.DIST.2T, read by LibreOffice as the Excel 2010 function.
    assert ws["H12"].value == pytest.approx(2 * stats.t.sf(2.5, 6), rel=1e-9)


def test_formula_like_text_survives_libreoffice_as_text(rendered):
    ws = openpyxl.load_workbook(rendered[3])["Data"]
    cells = [ws.cell(r, 4) for r in range(9, 9 + len(FORMULA_LIKE))]
    assert [c.value for c in cells] == FORMULA_LIKE
    assert all(c.data_type == "s" for c in cells)
