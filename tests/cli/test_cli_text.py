"""The command's text layout: widths, wrapping, panels and the one-row-per-line fallback."""
import io

import pytest

from gdfit.cli_text import NARROWEST, PIPED_WIDTH, Figure, output_width, paragraph, rows_text, table_text


class Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("columns, terminal, expected", [
    (None, False, PIPED_WIDTH),   # piped, nothing said: 100
    ("250", False, PIPED_WIDTH),  # piped output never gets more than 100, whatever COLUMNS says
    ("72", False, 72),
    ("250", True, 250),           # a terminal gets what COLUMNS says
    ("5", True, NARROWEST),       # below that no table can be laid out
    ("wide", False, PIPED_WIDTH),  # a COLUMNS that is not a number is ignored, as shutil does
])
def test_output_width(monkeypatch, columns, terminal, expected):
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert output_width(Terminal() if terminal else io.StringIO()) == expected


def test_a_table_that_fits_is_one_block_numbers_right_text_left():
    text = table_text(["name", "value"], [["a", 1.5], ["longer name", 123456.789012345]], 100)
    # the exact layout: widths from the content, 2 spaces between columns, 10 significant digits
    assert text.splitlines() == ["name              value",
                                 "a                   1.5",
                                 "longer name  123456.789"]


def test_long_headers_wrap_before_a_table_is_split():
    header = ["", "Solver-equivalent (GRG-like, Excel defaults)", "Closed form"]
    text = table_text(header, [["slope", 0.1193541922, 0.1193541961]], 40)
    assert text.splitlines() == ["       Solver-equivalent",
                                 "        (GRG-like, Excel",
                                 "               defaults)   Closed form",
                                 "slope       0.1193541922  0.1193541961"]


def test_a_wide_table_splits_into_even_panels_that_repeat_the_first_column():
    # 11 + 3 × (2 + 16) = 65 columns hold three of the four figures: 2 + 2, not 3 + 1
    header = ["", *[f"method {i}" for i in range(4)]]
    rows = [["Price index", *[-1.480888404e15 - i for i in range(4)]]]
    text = table_text(header, rows, 70)
    panels = text.split("\n\n")
    assert [p.splitlines()[0].split() for p in panels] == [["method", "0", "method", "1"],
                                                           ["method", "2", "method", "3"]]
    assert all(p.splitlines()[-1].startswith("Price index") for p in panels)
    assert max(len(line) for line in text.splitlines()) <= 70


def test_one_row_per_line_when_not_one_column_fits_beside_the_first():
    text = table_text(["", "Gradient descent", "Closed form"], [["intercept", 3.246750168, Figure("n/a")]], 20)
    assert text.splitlines() == ["intercept", "  Gradient descent:", "      3.246750168", "  Closed form: n/a"]


def test_paragraphs_wrap_at_spaces_and_keep_long_words_whole():
    path = "/a/very/long/folder/name/that/cannot/be/broken/book_gdfit.xlsx"
    text = paragraph(f"wrote {path}: sheets Data, Formula, Solver", 30)
    assert text.splitlines() == ["wrote", f"  {path}:", "  sheets Data, Formula, Solver"]
    assert paragraph("short", 30) == "short"


def test_rows_text_drops_the_blank_column_a_and_sizes_each_table_on_its_own():
    rows = [["Variable Cells"], [None, "Cell", "Name", "Final Value"], [None, "$B$1", "Ad spend ($)", 0.5],
            [], ["Objective"], [None, "$B$3", "SSE", 6.194066187]]
    assert rows_text(rows, 100).splitlines() == [
        "Variable Cells",
        "Cell  Name          Final Value",
        "$B$1  Ad spend ($)          0.5",
        "",
        "Objective",
        "$B$3  SSE  6.194066187"]
