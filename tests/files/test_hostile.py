"""Precious and hostile workbooks through `gdfit train`: what is the user's stays the user's."""
import hashlib
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table

import gdfit
from gdfit.cli import main
from gdfit.files.book import BookError, check_package
from gdfit.files.package import open_user_book
from gdfit.files.train import train_book
from tests.files.package_checks import assert_user_parts_kept
from tests.lo import needs_soffice, soffice


def _sha(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def precious_book(path):
    """Comments, validation, conditional formats, names, merges, hidden sheets, a table, and
    sheets named like gdfit's own."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["ad_spend", "sales"])
    d = gdfit.datasets.ad_spend()
    for a, b in zip(d.ad_spend, d.sales):
        ws.append([float(a), float(b)])
    ws["A1"].comment = Comment("spend in $k", "analyst")
    dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1000")
    dv.add("A2:A31")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add("B2:B31", CellIsRule(operator="greaterThan", formula=["10"],
                                                       fill=PatternFill("solid", fgColor="FFC7CE")))
    ws.add_table(Table(displayName="Sales", ref="A1:B31"))
    ws["D1"], ws["D2"] = "Quarter summary", "=SUM(B2:B31)"
    ws.merge_cells("D1:F1")
    wb.defined_names["budget"] = DefinedName("budget", attr_text="Data!$A$2:$A$31")
    ws.defined_names["local_total"] = DefinedName("local_total", attr_text="Data!$D$2")
    for name, state in [("Hidden", "hidden"), ("Secret", "veryHidden"), ("GD", "visible"),
                        ("Compare", "visible")]:
        extra = wb.create_sheet(name)
        extra.sheet_state = state
        extra["A1"] = f"the user's own {name} sheet"
    wb.active = 0
    wb.save(path)
    return path


def snapshot(path):
    """Everything of the user's that gdfit promises to keep, read back with openpyxl."""
    wb = openpyxl.load_workbook(path)
    # gd_* names are gdfit's own: the GD formulas sheet's inputs and data (DESIGN.md, workbook contracts)
    out = {"names": {n: d.attr_text for n, d in wb.defined_names.items() if not n.startswith("gd_")}}
    for ws in wb.worksheets:
        if ws.title not in ("Data", "Hidden", "Secret", "GD", "Compare"):
            continue
        out[ws.title] = {
            "state": ws.sheet_state,
            "cells": [[c.value for c in row] for row in ws.iter_rows()],
            "comments": {c.coordinate: c.comment.text for row in ws.iter_rows() for c in row if c.comment},
            "validations": [(str(v.sqref), v.formula1, v.formula2) for v in ws.data_validations.dataValidation],
            "conditional": sorted(str(r.sqref) for r in ws.conditional_formatting),
            "merged": sorted(str(m) for m in ws.merged_cells.ranges),
            "tables": dict(ws.tables.items()),
            "local_names": {n: d.attr_text for n, d in ws.defined_names.items()},
        }
    return out


def test_new_file_keeps_everything_and_the_input_is_untouched(tmp_path):
    book = precious_book(tmp_path / "precious.xlsx")
    before_bytes, before = _sha(book), snapshot(book)
    result = train_book(book, sheet="Data")
    assert _sha(book) == before_bytes
    assert_user_parts_kept(book, result.output)  # byte for byte, the index parts by additions only
    assert snapshot(result.output) == before
    wb = openpyxl.load_workbook(result.output)
    assert "GD (gdfit)" in wb.sheetnames and "Compare (gdfit)" in wb.sheetnames
    assert result.notes == []


def test_in_place_keeps_every_part_byte_for_byte(tmp_path):
    book = precious_book(tmp_path / "precious.xlsx")
    original = tmp_path / "original.xlsx"
    original.write_bytes(book.read_bytes())
    before = snapshot(book)
    assert main(["train", str(book), "--sheet", "Data", "--in-place"]) == 0
    assert_user_parts_kept(original, book)
    assert snapshot(book) == before
    parts = zipfile.ZipFile(book).namelist()
    assert any(p.startswith("xl/comments") for p in parts)


@needs_soffice
def test_formulas_keep_their_formulas_and_cached_values(tmp_path):
    source = precious_book(tmp_path / "precious.xlsx")
    cached = soffice(tmp_path / "profile", "xlsx", tmp_path / "lo", source)  # LibreOffice stores values
    total = float(gdfit.datasets.ad_spend().sales.sum())
    assert openpyxl.load_workbook(cached, data_only=True)["Data"]["D2"].value == pytest.approx(total)
    result = train_book(cached, sheet="Data")
    assert_user_parts_kept(cached, result.output)
    assert openpyxl.load_workbook(result.output)["Data"]["D2"].value == "=SUM(B2:B31)"
    # the saved result is still there for a viewer that does not recalculate
    assert openpyxl.load_workbook(result.output, data_only=True)["Data"]["D2"].value == pytest.approx(total)


def _zip(path, parts):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


def test_billion_laughs_is_refused(tmp_path):
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["x", "y"])
    wb.save(plain)
    parts = {n: zipfile.ZipFile(plain).read(n) for n in zipfile.ZipFile(plain).namelist()}
    lol = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
    parts["xl/worksheets/sheet1.xml"] = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">' + lol + ']>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
    bomb = _zip(tmp_path / "laughs.xlsx", parts)
    assert main(["train", str(bomb)]) == 2
    workbook = parts["xl/workbook.xml"].decode()
    parts["xl/workbook.xml"] = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">' + lol + ']>' + \
        workbook[workbook.index("<workbook"):]
    with pytest.raises(BookError) as info:  # the parts gdfit edits are parsed without a DTD
        open_user_book(_zip(tmp_path / "laughs2.xlsx", parts))
    assert "could not be read" in str(info.value) and "\n" not in str(info.value)


def test_huge_shared_strings_are_refused_before_parsing(tmp_path):
    item = "<si><t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</t></si>"
    bomb = _zip(tmp_path / "strings.xlsx", {"[Content_Types].xml": "<Types/>",
                                           "xl/sharedStrings.xml": "<sst>" + item * 400_000 + "</sst>"})
    with pytest.raises(BookError, match="sharedStrings.xml"):
        check_package(bomb)


def test_ctrl_c_leaves_nothing_behind(tmp_path, monkeypatch):
    book = precious_book(tmp_path / "precious.xlsx")
    before = _sha(book)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("gdfit.files.train.compare_dataset", interrupted)
    assert main(["train", str(book), "--sheet", "Data"]) == 130
    assert _sha(book) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.xlsx"]


def test_wrong_extension_and_damaged_files_exit_2(tmp_path, capsys):
    odd = tmp_path / "data.txt"
    odd.write_bytes(b"PK")
    assert main(["train", str(odd)]) == 2
    assert "is not .xlsx or .xlsm" in capsys.readouterr().err
    damaged = tmp_path / "data.ods"
    damaged.write_bytes(b"PK")
    assert main(["train", str(damaged)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_images_are_kept_in_a_new_file_and_in_place(tmp_path):
    from openpyxl.drawing.image import Image
    from PIL import Image as Picture

    picture = tmp_path / "logo.png"
    Picture.new("RGB", (40, 20), (200, 30, 30)).save(picture)
    book = precious_book(tmp_path / "pictured.xlsx")
    wb = openpyxl.load_workbook(book)
    wb["Data"].add_image(Image(str(picture)), "H2")
    wb.save(book)
    original = tmp_path / "original.xlsx"
    original.write_bytes(book.read_bytes())
    result = train_book(book, sheet="Data")
    assert_user_parts_kept(original, result.output)
    assert main(["train", str(book), "--sheet", "Data", "--in-place"]) == 0
    assert_user_parts_kept(original, book)
    assert any(n.startswith("xl/media/") for n in zipfile.ZipFile(book).namelist())
