"""The gdfit command, run in-process and once as a real console script."""
import subprocess
import sys

import numpy as np
import pytest

import gdfit
from gdfit.cli import ProgressBar, main


def _write_csv(tmp_path, frame, name="data.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return str(path)


def test_demo_writes_the_workbook_and_prints_the_comparison(tmp_path, capsys):
    out_file = tmp_path / "demo.xlsx"
    assert main(["demo", "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert out_file.is_file() and "Compare" in out
    data = gdfit.datasets.ad_spend()
    closed = gdfit.closed_form(data[["ad_spend"]], data["sales"])
    assert f"{closed.coef[0]:.10g}" in out and f"{closed.intercept:.10g}" in out
    assert "ad_spend" in out and "intercept" in out and "Solver-equivalent" in out


def test_fit_prints_gd_next_to_the_closed_form(tmp_path, capsys):
    d = gdfit.datasets.ad_spend()
    assert main(["fit", _write_csv(tmp_path, d)]) == 0
    out = capsys.readouterr().out
    closed = gdfit.closed_form(d[["ad_spend"]], d["sales"])
    assert f"{closed.coef[0]:.10g}" in out and "converged: True" in out


def test_fit_csv_defaults_to_last_numeric_column_as_y(tmp_path, capsys):
    d = gdfit.datasets.house_prices()
    path = _write_csv(tmp_path, d.assign(city="Springfield"))
    assert main(["fit", path]) == 0
    out = capsys.readouterr().out
    assert "sqft" in out and "136" in out and "12000" in out


def test_fit_options_reach_the_engine(tmp_path, capsys):
    d = gdfit.datasets.house_prices()
    path = _write_csv(tmp_path, d)
    assert main(["fit", path, "--y", "price", "--scale", "none", "--learning-rate", "1e-7",
                 "--max-iter", "20"]) == 0
    out = capsys.readouterr().out
    assert "iterations: 20" in out and "converged: False" in out


def test_xlsx_input(tmp_path, capsys):
    d = gdfit.datasets.house_prices()
    path = tmp_path / "houses.xlsx"
    d.to_excel(path, index=False, sheet_name="Houses")
    assert main(["fit", str(path), "--sheet", "Houses", "--y", "price"]) == 0
    assert "136" in capsys.readouterr().out


@pytest.mark.parametrize("args, words", [
    (["fit", "missing.csv"], "is not a file"),
    (["fit", "{csv}", "--y", "nope"], "y 'nope' is not a column header"),
    (["fit", "{csv}", "--loss", "cubic"], "'loss'"),
    (["fit", "{csv}", "--learning-rate", "-1"], "learning_rate"),
])
def test_errors_are_one_line_with_status_2(tmp_path, capsys, args, words):
    path = _write_csv(tmp_path, gdfit.datasets.house_prices())
    assert main([a.replace("{csv}", path) for a in args]) == 2
    *said, error = capsys.readouterr().err.strip().splitlines()
    assert error.startswith("gdfit: error:") and words in error  # the error is one line, the last
    assert not any("error" in line for line in said)  # before it, at most what was read


def test_progress_bar_draws_only_after_the_delay():
    import io
    stream = io.StringIO()
    bar = ProgressBar(stream=stream, delay=0.0, width=10)
    bar(5, 10, 1.5)
    bar.close()
    assert "[#####-----] 5/10  loss 1.5" in stream.getvalue() and stream.getvalue().endswith("\n")
    quiet = io.StringIO()
    slow = ProgressBar(stream=quiet, delay=3600)
    slow(5, 10, 1.5)
    slow.close()
    assert quiet.getvalue() == ""


def test_console_script_version():
    out = subprocess.run([sys.executable, "-m", "gdfit", "--version"], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": "addin", "PATH": ""}, cwd=_root())
    assert out.stdout.strip() == f"gdfit {gdfit.__version__}"


def _root():
    from pathlib import Path
    return Path(__file__).resolve().parents[2]


def test_compare_summary_and_solve_commands(tmp_path, capsys):
    d = gdfit.datasets.ad_spend()
    path = _write_csv(tmp_path, d)
    assert main(["compare", path]) == 0
    out = capsys.readouterr().out
    header = out.split("\nad_spend ")[0]  # the methods head the columns, long names wrapped
    for method in ("Gradient descent", "Closed form", "LINEST", "ToolPak Regression",
                   "Solver-equivalent (GRG-like, Excel defaults)"):
        assert all(word in header for word in method.split())
    assert main(["summary", path, "--residuals", "--confidence", "0.9"]) == 0
    out = capsys.readouterr().out
    rows = gdfit.regression_output(d.sales, d[["ad_spend"]], confidence=0.9, labels=True)
    assert "SUMMARY OUTPUT" in out and "Lower 90.0%" in out and "RESIDUAL OUTPUT" in out
    assert f"{rows[16][1]:.10g}" in out  # the intercept's coefficient
    assert main(["solve", path]) == 0
    out = capsys.readouterr().out
    assert "Answer Report" in out and "Solver found a solution" in out
    assert main(["summary", path, "--confidence", "1.5"]) == 2
    assert "confidence" in capsys.readouterr().err


def test_workbooks_command_writes_the_ad_spend_workbook(tmp_path, capsys):
    assert main(["workbooks", "--out-dir", str(tmp_path)]) == 0
    assert (tmp_path / "ad_spend.xlsx").is_file()
    assert "ad_spend.xlsx" in capsys.readouterr().out


def test_a_closed_pipe_ends_quietly(tmp_path):
    # `gdfit compare data.csv | head -1`: the reader is gone before gdfit prints. Closing our end
    # before the child writes makes the broken pipe certain rather than a race with `head`.
    path = _write_csv(tmp_path, gdfit.datasets.ad_spend())
    child = subprocess.Popen([sys.executable, "-m", "gdfit", "compare", path], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, cwd=_root(), env={"PYTHONPATH": "addin", "PATH": ""})
    child.stdout.close()
    err = child.stderr.read().decode()
    assert child.wait(timeout=120) == 141
    assert err.startswith("gdfit: data.csv") and len(err.splitlines()) == 1  # what was read, nothing else:
    assert "Error" not in err and "Exception" not in err  # no BrokenPipeError traceback


def test_fit_reads_numbers_as_analysts_type_them(tmp_path, capsys):
    # A title row, thousands separators, currency and percentages: before the reader, gdfit fit
    # silently left the formatted columns out and fitted another model.
    d = gdfit.datasets.ad_spend()
    lines = ["Monthly sales report,,", "Ad spend ($),Margin,Sales"]
    lines += [f'"${1000 * a:,.0f}",{m:.1f}%,"{100000 * s:,.0f}"'
              for a, m, s in zip(d.ad_spend, 10 + d.ad_spend / 10, d.sales)]
    path = tmp_path / "report.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["fit", str(path), "--x", "Ad spend ($)", "--y", "Sales"]) == 0
    out, err = capsys.readouterr()
    x = np.array([round(1000 * a) for a in d.ad_spend], dtype=float)
    y = np.array([round(100000 * s) for s in d.sales], dtype=float)
    slope, intercept = np.polyfit(x, y, 1)
    closed = next(line for line in out.splitlines() if line.startswith("Ad spend"))
    assert float(closed.split()[-2]) == pytest.approx(slope, rel=1e-9)
    assert "'Ad spend ($)'" in err and "'Sales'" in err and "Margin" in err  # read, and what was left out
