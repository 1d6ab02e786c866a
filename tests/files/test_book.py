"""Reading users' workbooks: finding the data, refusing unsafe files."""
import zipfile

import openpyxl
import pytest

from gdfit.files.book import BookError, check_package, find_data


def _book(rows, title="Data"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    return wb


def test_finds_header_and_numeric_columns_below_a_title(tmp_path):
    rows = [["Monthly sales report"], [], ["month", "note", "ad spend", "sales"]]
    rows += [[f"M{i}", "ok" if i % 2 else None, float(i), 2.0 * i + 1] for i in range(1, 8)]
    rows += [[], ["total", None, 28.0, 63.0]]
    ws = _book(rows).active
    region = find_data(ws)
    assert (region.header_row, region.first_row, region.last_row) == (3, 4, 10)
    assert region.columns == (3, 4) and region.headers == ("ad spend", "sales")
    assert [ws.cell(r, 3).value for r in range(region.first_row, region.last_row + 1)] == [1.0, 2.0, 3.0, 4.0,
                                                                                         5.0, 6.0, 7.0]
    assert ws.cell(region.last_row, 4).value == 15.0


def test_a_gap_in_a_numeric_column_is_named(tmp_path):
    rows = [["x", "y"]] + [[float(i), float(i)] for i in range(6)]
    rows[4][1] = "n/a"
    with pytest.raises(BookError, match=r"column 'y' on sheet 'Data' has 'n/a' at B5"):
        find_data(_book(rows).active)


def test_no_data_is_a_clear_error():
    with pytest.raises(BookError, match="no data found on sheet 'Data'"):
        find_data(_book([["just", "words"], ["and", "more"]]).active)


@pytest.mark.parametrize("name, content, words", [
    ("notes.txt", b"hello", "is not .xlsx or .xlsm"),
    ("broken.xlsx", b"PK\x03\x04 truncated", "not a valid .xlsx file"),
    ("locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "encrypted (password-protected)"),
])
def test_malformed_files_are_refused(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(BookError, match=words.replace("(", r"\(").replace(")", r"\)")):
        check_package(path)


def test_zip_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 2**20))
    with pytest.raises(BookError, match="zip bomb"):
        check_package(path)


def test_missing_file():
    with pytest.raises(BookError, match="does not exist"):
        check_package("nowhere/book.xlsx")
