"""The teaching workbooks: their numbers agree with gdfit, they rebuild identically, they render."""
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest

import gdfit
from gdfit.files.workbooks import build_lessons
from gdfit.sheets.lessons.registry import LESSONS
from tests.cells import cells, layout, mismatches
from tests.lo import needs_soffice, read_ppm, soffice

ROOT = Path(__file__).resolve().parents[3]


def _table(ws, name):
    """The rows (header first) of the Excel table ``name`` on ``ws``."""
    return [[c.value for c in row] for row in ws[ws.tables[name].ref]]


def _series_refs(chart):
    return [(s.xVal.numRef.f, s.yVal.numRef.f) for s in chart.series]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lessons")
    build_lessons(tmp / "a")
    build_lessons(tmp / "b")
    return tmp


@pytest.mark.parametrize("name", list(LESSONS()))
def test_two_builds_on_one_machine_are_cell_for_cell_identical(built, name):
    # No tolerance: the same code, data and BLAS must give the same bits (the zip's timestamps
    # differ, so the files are compared by their cells).
    a, b = built / "a" / name, built / "b" / name
    assert mismatches(cells(a), cells(b), rel=0.0, floor=0.0) == []
    assert layout(a) == layout(b)


@pytest.mark.parametrize("name", list(LESSONS()))
def test_committed_workbook_is_what_the_code_builds(built, name):
    # Floats within tests.cells' REL and FLOOR: another CPU or BLAS rounds iterative results apart.
    assert mismatches(cells(ROOT / "workbooks" / name), cells(built / "a" / name)) == []
    assert layout(ROOT / "workbooks" / name) == layout(built / "a" / name)


@pytest.mark.parametrize("name", list(LESSONS()))
def test_every_lesson_starts_with_a_read_me(built, name):
    wb = openpyxl.load_workbook(built / "a" / name)
    assert wb.sheetnames[0] == "Read me" and wb["Read me"]["A3"].value


def test_bowl_steps_match_the_lesson(built):
    wb = openpyxl.load_workbook(built / "a" / "bowl.xlsx")
    ws = wb["Bowl"]
    rows = _table(ws, "bowl_steps")
    assert rows[0] == ["step", "w", "loss", "gradient"]
    w = [r[1] for r in rows[1:]]
    loss = [r[2] for r in rows[1:]]
    np.testing.assert_allclose(w[:4], [0, 0.6, 1.08, 1.464], rtol=1e-12)
    np.testing.assert_allclose(loss[:4], [9, 5.76, 3.6864, 2.359296], rtol=1e-12)
    np.testing.assert_allclose([r[3] for r in rows[1:]], 2 * (np.array(w) - 3), rtol=1e-12)
    assert len(ws._charts) == 2
    refs = _series_refs(ws._charts[0])
    assert len(refs) == 2
    steps_ref = ws.tables["bowl_steps"].ref  # e.g. L4:O35
    first, last = steps_ref.split(":")
    assert refs[1][1].endswith(f"$N${int(first[1:]) + 1}:$N${last[1:]}")  # the loss column


@needs_soffice
def test_every_lesson_renders(built, tmp_path):
    sources = [built / "a" / name for name in LESSONS()]
    soffice(tmp_path / "profile", "pdf", tmp_path, *sources)
    for src in sources:
        pdf = tmp_path / (src.stem + ".pdf")
        subprocess.run(["pdftoppm", "-r", "30", str(pdf), str(tmp_path / src.stem)], check=True)
        pages = sorted(tmp_path.glob(f"{src.stem}-*.ppm"))
        assert len(pages) >= len(openpyxl.load_workbook(src).sheetnames)
        for page in pages:
            assert (read_ppm(page) < 200).any(), f"{page.name} is blank"


def test_learning_rate_runs_and_limits(built):
    from gdfit.sheets.lessons.rate import RATE_RUNS, rate_runs

    runs = rate_runs()
    assert [r.diverged for r in runs] == [False, False, False, True]
    diverging = runs[-1]
    assert diverging.n_iter < 60 and np.isfinite(diverging.history.to_numpy(dtype=float)).all()
    slope = runs[2].history["ad_spend"].to_numpy()
    assert (np.diff(np.sign(slope[1:6] - runs[1].coef[0])) != 0).all()  # too large: it zigzags
    wb = openpyxl.load_workbook(built / "a" / "learning_rate.xlsx")
    assert wb.sheetnames == ["Read me", "Data", "Runs", "Sweep", "Iterations"]  # Excel reserves "History"
    rates = {r[0]: r[1] for r in _table(wb["Runs"], "rate_table")[1:]}
    assert rates["auto rate 1/L"] == pytest.approx(1 / runs[0].lipschitz)
    assert rates["stable limit 2/L"] == pytest.approx(runs[0].stable_limit)
    assert rates[RATE_RUNS[-1][0]] > rates["stable limit 2/L"]
    charts = wb["Runs"]._charts
    assert len(charts) == 2 and all(len(c.series) == 4 for c in charts)
    assert all("'Iterations'!" in f for c in charts for pair in _series_refs(c) for f in pair)
    assert charts[0].y_axis.scaling.logBase == 10
    sweep = wb["Sweep"]._charts[0]
    assert sweep.x_axis.scaling.logBase == 10 and sweep.y_axis.scaling.logBase == 10


def test_house_prices_cost_table_and_fits(built):
    from gdfit.datasets import house_prices
    from gdfit.sheets.lessons.house import GUESSES

    d = house_prices()
    wb = openpyxl.load_workbook(built / "a" / "house_prices.xlsx")
    assert wb.sheetnames == ["Read me", "Data", "Cost", "GD"]
    rows = _table(wb["Cost"], "cost_table")[1:]
    for (b, m, quoted), row in zip(GUESSES, rows, strict=True):
        mse = np.mean((d.price.to_numpy() - (b + m * d.sqft.to_numpy())) ** 2)
        assert row[:2] == [b, m] and row[6] == pytest.approx(mse, rel=1e-12) and row[7] == quoted
        assert row[8].startswith("=SUMPRODUCT(")
    fits = {r[0]: r[1:] for r in _table(wb["GD"], "house_fits")[1:]}
    assert fits["closed form (least squares)"][:2] == pytest.approx([12_000, 136])
    assert fits["gradient descent, scaled sqft"][:2] == pytest.approx([12_000, 136], rel=1e-9)
    assert fits["gradient descent, scaled sqft"][3] is True
    assert fits["gradient descent, raw sqft"][2:] == [1000, False]
    captions = [c.value for c in wb["GD"]["L"] if isinstance(c.value, str)]
    assert any("raw sqft" in t and "scale='auto'" in t for t in captions)  # the message says why
    charts = wb["GD"]._charts
    assert len(charts) == 2 and charts[0].y_axis.scaling.logBase == 10
    assert "'Data'!" in _series_refs(charts[1])[0][0]


def test_batch_sgd_minibatch_curves_and_seed_band(built):
    from gdfit.sheets.lessons.batch import EPOCHS, METHODS, method_fit, seed_ensemble

    wb = openpyxl.load_workbook(built / "a" / "batch_sgd_minibatch.xlsx")
    assert wb.sheetnames == ["Read me", "Data", "Epochs", "Seeds"]
    rows = _table(wb["Epochs"], "epoch_losses")
    assert len(rows) == EPOCHS + 2
    sgd = method_fit("sgd", None, 0).history["loss"].to_numpy()
    np.testing.assert_allclose([r[2] for r in rows[1:]], sgd, rtol=1e-12)
    band = np.array([r.history["loss"].to_numpy() for r in seed_ensemble()])
    np.testing.assert_allclose([r[4] for r in rows[1:]], band.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose([r[6] - r[4] for r in rows[1:]], band.std(axis=0, ddof=1), rtol=1e-9,
                               atol=1e-12)
    assert all(r[1] > r[3] > r[2] for r in rows[2:6])  # fewer steps per epoch: slower per epoch early on
    charts = wb["Epochs"]._charts
    assert [len(c.series) for c in charts] == [len(METHODS), 3]
    seeds = {r[0]: r[1:] for r in _table(wb["Seeds"], "sgd_seeds")[1:]}
    assert seeds["slope"][1] > 0 and abs(seeds["slope"][0] - seeds["slope"][4]) < 3 * seeds["slope"][1]


def test_losses_lines_lean_and_measures_match_numpy(built):
    from gdfit.sheets.lessons.losses import OUTLIERS, loss_fits, outlier_data

    frame = outlier_data()
    wb = openpyxl.load_workbook(built / "a" / "losses.xlsx")
    assert wb.sheetnames == ["Read me", "Data", "Fits"]
    assert [c.value for c in wb["Data"]["C"][-len(OUTLIERS):]] == [1] * len(OUTLIERS)
    fits = {r[0]: r[1:] for r in _table(wb["Fits"], "loss_fits")[1:]}
    x, y = frame.ad_spend.to_numpy(), frame.sales.to_numpy()
    for label, r in loss_fits(frame).items():
        res = y - (r.intercept + r.coef[0] * x)
        want = [np.sum(res ** 2), np.mean(res ** 2), np.sqrt(np.mean(res ** 2)), np.sum(abs(res)), np.mean(abs(res))]
        np.testing.assert_allclose(fits[label][3:], want, rtol=1e-12)
    l2, l1 = fits["L2 (MSE)"], fits["L1 (MAE)"]
    clean = gdfit.closed_form(frame.ad_spend[:30].to_frame(), frame.sales[:30])
    assert l2[1] > l1[1] and abs(l1[1] - clean.intercept) < abs(l2[1] - clean.intercept)  # L2 leans up
    assert l2[3] < l1[3] and l1[6] < l2[6]  # each wins on its own measure
    assert [len(c.series) for c in wb["Fits"]._charts] == [4, 2]


def test_loss_surface_paths_and_race(built):
    from gdfit.sheets.lessons.surface import RACERS, STARTS, TARGET, iterations_to_target, race_runs

    d = gdfit.datasets.ad_spend()
    c = gdfit.closed_form(d[["ad_spend"]], d.sales)
    f_min = float(np.sum((d.sales - c.intercept - c.coef[0] * d.ad_spend) ** 2))
    wb = openpyxl.load_workbook(built / "a" / "loss_surface.xlsx")
    assert wb.sheetnames == ["Read me", "Data", "Surface", "Race"]
    contour = wb["Surface"]._charts[0]
    assert len(contour.series) == 1 + len(STARTS)
    race = {r[0]: r[1:] for r in _table(wb["Race"], "race_table")[1:]}
    runs = race_runs()
    for (label, *_), r in zip(RACERS, runs):
        hit = iterations_to_target(r.history, f_min)
        assert race[label][1] == (hit if hit is not None else "not within 2000")
        if hit is not None:
            assert (r.history.loss.iloc[hit] - f_min) / f_min <= TARGET
    assert race["Adam (0.05)"][1] < 2000 and race["plain GD, scaled data (1/L)"][1] < 10
    assert race["plain GD (1/L)"][2] > race["momentum 0.9 (1/L)"][2] > f_min  # momentum gets closer
    chart = wb["Race"]._charts[0]
    assert len(chart.series) == len(RACERS) and chart.y_axis.scaling.logBase == 10
    assert all(c.value is None or not isinstance(c.value, str) or "second" not in c.value
               for row in wb["Race"].iter_rows() for c in row)  # no timings


TRAINED = [("learning_rate.xlsx", "Runs"), ("house_prices.xlsx", "GD"), ("batch_sgd_minibatch.xlsx", "Epochs"),
           ("losses.xlsx", "Fits"), ("loss_surface.xlsx", "Race")]


@pytest.mark.parametrize("name, sheet", TRAINED)
def test_trained_sheets_carry_a_manifest_and_a_stale_flag(built, name, sheet):
    import hashlib

    from gdfit.sheets.manifest import STALE, UP_TO_DATE

    wb = openpyxl.load_workbook(built / "a" / name)
    data = wb["Data"]
    table = next(iter(data.tables.values()))
    rows = _table(data, table.name)
    values = np.array(rows[1:], dtype=float)
    ws = wb[sheet]
    cells = {r[0].value: r[1].value for r in ws.iter_rows(max_col=2) if isinstance(r[0].value, str)}
    assert cells["data sha256"] == hashlib.sha256(values.astype("<f8").tobytes()).hexdigest()
    assert cells["gdfit version"] == gdfit.__version__ and cells["numpy version"] == np.__version__
    for j, label in enumerate(rows[0]):
        assert cells[f"trained SUM({label})"] == pytest.approx(values[:, j].sum(), rel=1e-15)
        assert cells[f"trained SUMSQ({label})"] == pytest.approx((values[:, j] ** 2).sum(), rel=1e-15)
    flags = [c.value for row in ws.iter_rows(max_col=1) for c in row
             if isinstance(c.value, str) and c.value.startswith("=IF(OR(")]
    assert len(flags) == 1 and STALE in flags[0] and UP_TO_DATE in flags[0]
    assert flags[0].count("SUMSQ('Data'!") == len(rows[0])


def test_training_report_gd_sheet_has_the_stale_flag():
    """The shipped ad-spend workbook (kept equal to a fresh build by tests/render)."""
    wb = openpyxl.load_workbook(ROOT / "workbooks" / "ad_spend.xlsx")
    ws = wb["GD"]
    flag = ws["A3"].value
    assert flag.startswith("=IF(OR(ABS(SUM('Data'!$A$4:$A$33)-") and "STALE" in flag
    labels = [c for row in ws.iter_rows() for c in row if c.value == "data sha256"]
    assert len(labels) == 1
    import hashlib

    d = gdfit.datasets.ad_spend()
    want = hashlib.sha256(np.ascontiguousarray(d[["ad_spend", "sales"]].to_numpy(float), "<f8").tobytes()).hexdigest()
    assert ws.cell(labels[0].row, labels[0].column + 1).value == want


def test_bowl_carries_its_manifest_and_stale_flag(built):
    import hashlib

    wb = openpyxl.load_workbook(built / "a" / "bowl.xlsx")
    assert wb.sheetnames == ["Read me", "Data", "Bowl"]
    ws = wb["Bowl"]
    manifest = {r[0].value: r[1].value for r in ws.iter_rows() if r[0].value in ("data sha256", "trained SUM(y)")}
    assert manifest["trained SUM(y)"] == 3.0
    assert manifest["data sha256"] == hashlib.sha256(np.array([[3.0]]).tobytes()).hexdigest()
    flags = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=IF(OR(")]
    assert len(flags) == 1 and "SUM('Data'!$A$4)" in flags[0]
