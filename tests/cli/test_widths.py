"""Every command's output fits the terminal (100 columns when piped), and the numbers it prints
are still the library's, read back at the precision printed (10 significant digits)."""
import io
import re

import numpy as np
import pandas as pd
import pytest

import gdfit
from gdfit import cli
from gdfit.cli import main
from gdfit.core.compare import METHODS

PIPED = 100
HEADERS = ["Ad spend ($)", "Web visits", "Price index", "Units sold"]


def _analyst_frame():
    """24 months with an analyst's long headers and values from 1e-6 (price index) to 1e11 (units)."""
    rng = np.random.default_rng(13)
    ad = rng.uniform(2e4, 9e4, 24).round(2)
    visits = rng.integers(1000, 9000, 24).astype(float)
    price = rng.uniform(1e-6, 9e-6, 24)
    units = 3e10 + 4e5 * ad + 2e6 * visits - 1.5e15 * price + rng.normal(0, 1e8, 24)
    return pd.DataFrame(dict(zip(HEADERS, (ad, visits, price, units))))


@pytest.fixture(params=["ad_spend", "analyst"])
def csv(request, tmp_path):
    frame = gdfit.datasets.ad_spend() if request.param == "ad_spend" else _analyst_frame()
    path = tmp_path / f"{request.param}.csv"
    frame.to_csv(path, index=False)
    return str(path)


@pytest.fixture
def columns(monkeypatch):
    def set_columns(value):
        if value is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", str(value))
    set_columns(None)
    return set_columns


def _run(capsys, argv):
    status = main(argv)
    out = capsys.readouterr().out
    assert status == 0
    return out


def _too_wide(text, width):
    return [line for line in text.splitlines() if len(line) > width]


def _figures(text, label):
    """The numbers on every line that starts with ``label``, in order: the panels of a split table
    repeat the label, so a row's cells come back whole."""
    found = []
    for line in text.splitlines():
        if line.startswith(label + " "):
            cells = line[len(label):].split()
            try:
                found += [np.nan if c == "n/a" else float(c) for c in cells]
            except ValueError:  # a title that starts with the same word ("Regression Statistics")
                continue
    return found


def _printed(value):
    """``value`` as the command prints it and reads back: 10 significant digits."""
    return float(f"{value:.10g}")


@pytest.mark.parametrize("width", [None, 200, 60, 40])
@pytest.mark.parametrize("command", [["fit"], ["compare"], ["summary", "--residuals"], ["solve"],
                                     ["solve", "--allow-negative"]])
def test_data_commands_fit_the_width(capsys, columns, csv, command, width):
    # a pipe never gets more than 100 columns, even when COLUMNS asks for 200
    columns(width)
    out = _run(capsys, [command[0], csv, *command[1:]])
    assert _too_wide(out, min(width or PIPED, PIPED)) == []


def test_demo_train_and_workbooks_fit_100_columns(capsys, columns, tmp_path):
    out = _run(capsys, ["demo", "--out", str(tmp_path / "demo.xlsx")])
    book = tmp_path / "analyst.xlsx"
    _analyst_frame().to_excel(book, index=False, sheet_name="Sales")
    out += _run(capsys, ["train", str(book)])
    out += _run(capsys, ["workbooks", "--out-dir", str(tmp_path / "wb")])
    assert "wrote" in out and "Price index" in out and _too_wide(out, PIPED) == []


@pytest.mark.parametrize("width", [None, 200, 60])
@pytest.mark.parametrize("command", [[], ["fit"], ["compare"], ["summary"], ["solve"], ["train"], ["demo"],
                                     ["workbooks"], ["addin"], ["addin", "build"], ["addin", "install"]])
def test_help_fits_the_width(capsys, columns, command, width):
    columns(width)
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0 and "usage: gdfit" in out
    assert _too_wide(out, min(width or PIPED, PIPED)) == []


def test_compare_prints_the_library_numbers(capsys, columns, csv):
    data = gdfit.read_data(csv)
    cmp = gdfit.compare(data.y, data.X)
    out = _run(capsys, ["compare", csv])
    # the methods head the columns (their names wrap over header lines; a split table has a header per panel)
    panels = out.split("\n\n" + cmp.notes[0].split()[0])[0].split("\n\n")
    header = "\n".join(panel.split("\n" + cmp.table.columns[0] + " ")[0] for panel in panels)
    for method in cmp.table.index:
        assert all(word in header for word in method.split())
    for quantity in [*cmp.labels, "intercept", "SSE", "R²"]:
        expected = [_printed(v) for v in cmp.table[quantity]]
        assert _figures(out, quantity) == expected, quantity
    iterations = _figures(out, "iterations")
    assert iterations[0] == cmp.fit.n_iter and iterations[-1] == cmp.solver.n_iter
    assert np.isnan(iterations[1:4]).all()  # closed form, LINEST, ToolPak: not iterative
    for note in cmp.notes:  # every note, word for word, wrapped
        assert " ".join(note.split()) in " ".join(out.split())


def test_compare_wide_table_splits_into_panels_that_repeat_the_labels(capsys, columns, tmp_path):
    path = tmp_path / "analyst.csv"
    _analyst_frame().to_csv(path, index=False)
    columns(60)
    out = _run(capsys, ["compare", str(path)])
    assert sum(line.startswith("Price index ") for line in out.splitlines()) >= 2
    assert len(_figures(out, "Price index")) == len(METHODS)


def test_fit_prints_the_library_numbers(capsys, columns, csv):
    data = gdfit.read_data(csv)
    result = gdfit.fit(data.X, data.y)
    closed = gdfit.closed_form(data.X, data.y)
    out = _run(capsys, ["fit", csv])
    for name, gd, cf in zip([*data.X.columns, "intercept"], result.params, closed.params):
        printed_gd, printed_cf, rel = _figures(out, name)
        assert (printed_gd, printed_cf) == (_printed(gd), _printed(cf))
        assert rel == float(f"{abs(gd - cf) / abs(cf):.2e}")  # printed to 3 significant digits
    assert _figures(out, "mse (loss)") == [_printed(result.loss)]


def test_summary_prints_the_toolpak_numbers(capsys, columns, csv):
    data = gdfit.read_data(csv)
    rows = gdfit.regression_output(data.y, data.X, labels=True)
    out = _run(capsys, ["summary", csv])
    labelled = [r for r in rows if r and isinstance(r[0], str)
                and any(isinstance(v, (int, float)) for v in r[1:] if v is not None)]
    assert len(labelled) == 5 + 3 + 1 + data.X.shape[1]  # statistics, ANOVA, intercept, one per x
    for row in labelled:
        expected = [_printed(v) for v in row[1:] if v is not None]
        assert _figures(out, row[0]) == expected, row[0]


@pytest.mark.parametrize("allow_negative", [False, True])
def test_solve_answer_report_has_no_indent_and_the_solver_numbers(capsys, columns, csv, allow_negative):
    data = gdfit.read_data(csv)
    result = gdfit.solve(data.y, data.X, assume_nonnegative=not allow_negative)
    out = _run(capsys, ["solve", csv, *(["--allow-negative"] if allow_negative else [])])
    lines = out.splitlines()
    assert [line for line in lines if line.startswith(" ")] == []
    # every table row of the report, cell for cell; numbers at 10 significant digits
    for row in result.answer_report():
        cells = [v for v in row if v is not None]
        if len(cells) >= 2 and str(cells[0]).startswith("$"):
            tokens = " ".join(f"{v:.10g}" if isinstance(v, float) else str(v) for v in cells).split()
            assert tokens in [line.split() for line in lines], tokens
    variables = lines[lines.index("Variable Cells") + 2:]
    for name, start, final, line in zip(result.names, result.start, result.params, variables):
        cell, *words = line.split()
        assert " ".join(words[:-3]) == name
        assert [float(words[-3]), float(words[-2])] == [_printed(start), _printed(final)]


def test_messages_on_stderr_stay_one_line_when_piped_and_wrap_on_a_terminal(monkeypatch, columns):
    message = "x = 'Ad spend ($)' (column 1), 'Web visits' (column 2), 'Price index' (column 3); " * 2
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    cli.tell(message)
    assert piped.getvalue() == f"gdfit: {message}\n"  # one line: the README's promise to scripts

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    columns(72)
    cli.tell(message)
    lines = terminal.getvalue().splitlines()
    assert len(lines) > 1 and max(map(len, lines)) <= 72
    assert all(line.startswith(" " * len("gdfit: ")) for line in lines[1:])
    assert " ".join(terminal.getvalue().split()) == " ".join(f"gdfit: {message}".split())


def test_a_terminal_wider_than_100_columns_gets_its_width(monkeypatch, columns, tmp_path):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    path = tmp_path / "analyst.csv"
    _analyst_frame().to_csv(path, index=False)
    screen = Terminal()
    monkeypatch.setattr("sys.stdout", screen)
    columns(160)
    assert main(["compare", str(path)]) == 0
    text = screen.getvalue()
    table = text.split("\n\n")[0].splitlines()
    # on 160 columns the five methods sit side by side, one panel
    assert sum(line.startswith("Price index ") for line in table) == 1
    assert 100 < max(map(len, table)) <= 160 and re.search(r"Solver-equivalent", text)


def test_compare_keeps_nan_apart_from_not_applicable(capsys, columns, tmp_path):
    # a constant y has no R² (0/0, NaN in the library's table); a closed form has no iterations (NA)
    path = tmp_path / "flat.csv"
    pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [5.0] * 4}).to_csv(path, index=False)
    out = _run(capsys, ["compare", str(path)])
    r2 = next(line for line in out.splitlines() if line.startswith("R² "))
    iterations = next(line for line in out.splitlines() if line.startswith("iterations "))
    assert r2.split()[1:] == ["nan"] * 5
    assert iterations.split()[2:5] == ["n/a"] * 3


def test_the_progress_bar_fits_a_narrow_terminal(monkeypatch, columns):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    columns(40)
    bar = cli.ProgressBar(stream=screen, delay=0.0)
    bar(500, 1000, 1.16762437527313e11)
    bar.close()
    line = screen.getvalue().strip("\r\n")
    assert len(line) <= 40 and line.endswith(" 500/1000  loss 1.16762e+11")
    assert line.count("#") == line.count("-") > 0  # half done, the bar narrowed to what is left
