"""A precious corpus through `gdfit train`, each workbook trained twice (a new file, then --in-place
on that file): the user's parts byte for byte, the index parts changed by additions only, no
validator error the input did not have, openpyxl reads the result, and LibreOffice recalculates
gdfit's live formulas to the values gdfit wrote."""
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlwings
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.chartsheet import Chartsheet
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table

import gdfit
from gdfit.cli import main
from gdfit.files.train import train_book
from gdfit.report.ownership import OWNER_NAME
from gdfit.sheets.training.report import SHEETS
from tests.files.package_checks import INDEX_PARTS, VALIDATOR, assert_user_parts_kept, members, validator_errors
from tests.fods import Formula, fods
from tests.lo import needs_soffice, soffice

AD = gdfit.datasets.ad_spend()
# gdfit's closed form and LibreOffice's LINEST (QR) agree to ~1e-12 on these 30 rows; 1e-9 leaves room
# for the 15 significant digits LibreOffice keeps when it saves a value.
REL = 1e-9


def _data_sheet(ws):
    ws.append(["ad_spend", "sales"])
    for a, b in zip(AD.ad_spend, AD.sales):
        ws.append([float(a), float(b)])


def charted(path):
    """A chart on the data sheet, a chart sheet between sheets, a bar chart on another sheet."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    _data_sheet(ws)
    scatter = ScatterChart()
    scatter.series.append(Series(Reference(ws, min_col=2, min_row=2, max_row=31),
                                 Reference(ws, min_col=1, min_row=2, max_row=31), title="sales"))
    ws.add_chart(scatter, "D2")
    sheet = wb.create_chartsheet("Chart")
    bars = BarChart()
    bars.add_data(Reference(ws, min_col=2, min_row=1, max_row=31), titles_from_data=True)
    sheet.add_chart(bars)
    wb.create_sheet("Notes")["A1"] = "after the chart sheet"
    wb.save(path)
    return path


def precious(path, picture):
    """Comments, validation, conditional formats, names (global, sheet-scoped, a print area on a
    sheet after hidden ones), merges, hidden and very hidden sheets, a table, an image, styles."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    _data_sheet(ws)
    ws["A1"].comment = Comment("spend in $k", "analyst")
    ws["A1"].font = Font(name="Arial", bold=True, color="1F4E79")
    dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1000")
    dv.add("A2:A31")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add("B2:B31", CellIsRule(operator="greaterThan", formula=["10"],
                                                       fill=PatternFill("solid", fgColor="FFC7CE")))
    ws.add_table(Table(displayName="Sales", ref="A1:B31"))
    ws["D1"], ws["D2"] = "Quarter summary", "=SUM(B2:B31)"
    ws["D2"].number_format = "0.000"
    ws.merge_cells("D1:F1")
    ws.add_image(Image(str(picture)), "H2")
    wb.defined_names["budget"] = DefinedName("budget", attr_text="Data!$A$2:$A$31")
    ws.defined_names["local_total"] = DefinedName("local_total", attr_text="Data!$D$2")
    for name, state in [("Hidden", "hidden"), ("Secret", "veryHidden"), ("GD", "visible"), ("Printed", "visible")]:
        extra = wb.create_sheet(name)
        extra.sheet_state = state
        extra["A1"] = f"the user's own {name} sheet"
    wb["Printed"].print_area = "A1:C10"
    wb["Printed"].page_setup.orientation = "landscape"
    wb.active = 0
    wb.save(path)
    _add_printer_settings_and_thumbnail(path)
    return path


def _add_printer_settings_and_thumbnail(path):
    """Parts openpyxl does not write: printer settings of the data sheet, a thumbnail, a calcChain."""
    parts = members(path)
    rels = "xl/worksheets/_rels/sheet1.xml.rels"
    parts["xl/printerSettings/printerSettings1.bin"] = bytes(range(256)) * 4
    parts[rels] = parts[rels].replace(b"</Relationships>", (
        b'<Relationship Id="rIdPrinter" Target="/xl/printerSettings/printerSettings1.bin" Type="http://schemas'
        b'.openxmlformats.org/officeDocument/2006/relationships/printerSettings"/></Relationships>'))
    parts["docProps/thumbnail.jpeg"] = b"\xff\xd8\xff\xe0" + b"thumbnail" * 50
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdThumb" Target="docProps/thumbnail.jpeg" Type="http://schemas.openxmlformats.org'
        b'/package/2006/relationships/metadata/thumbnail"/></Relationships>'))
    # the calculation chain Excel saves: the user's one formula, D2 of the first sheet
    parts["xl/calcChain.xml"] = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="http://'
                                 b'schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="D2" i="1"/></calcChain>')
    workbook_rels = "xl/_rels/workbook.xml.rels"
    parts[workbook_rels] = parts[workbook_rels].replace(b"</Relationships>", (
        b'<Relationship Id="rIdChain" Target="calcChain.xml" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/calcChain"/></Relationships>'))
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Default Extension="bin" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.printerSettings"/><Default Extension="jpeg" ContentType="image/jpeg"/>'
        b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.calcChain+xml"/></Types>'))
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def macro(path):
    wb = openpyxl.load_workbook(Path(xlwings.__file__).with_name("quickstart.xlsm"), keep_vba=True)
    ws = wb.worksheets[0]
    _data_sheet(ws)
    wb.save(path)
    return path


# A pivot table over the Regions sheet, written by LibreOffice as Excel's pivotTable and pivotCache
# parts (table, definition, records).
_PIVOT = (
    '<table:data-pilot-tables><table:data-pilot-table table:name="DataPilot1" '
    'table:target-range-address="Pivot.A1:Pivot.B7" table:buttons="Pivot.A1">'
    '<table:source-cell-range table:cell-range-address="Regions.A1:Regions.B13"/>'
    '<table:data-pilot-field table:source-field-name="region" table:orientation="row">'
    '<table:data-pilot-level table:show-empty="false"/></table:data-pilot-field>'
    '<table:data-pilot-field table:source-field-name="amount" table:orientation="data" table:function="sum"/>'
    '<table:data-pilot-field table:source-field-name="" table:is-data-layout-field="true" '
    'table:orientation="column"><table:data-pilot-level/></table:data-pilot-field>'
    '</table:data-pilot-table></table:data-pilot-tables>')


_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
_SPARKLINE = (
    '<calcext:sparkline-groups><calcext:sparkline-group calcext:id="{1C5C5DE0-3C09-4CB3-A3EC-9E763301EC82}" '
    'calcext:type="line" calcext:line-width="1pt" calcext:display-empty-cells-as="gap" '
    'calcext:color-series="#376092"><calcext:sparklines><calcext:sparkline calcext:cell-address="Regions.D2" '
    'calcext:data-range="Regions.B2:Regions.B13"/></calcext:sparklines></calcext:sparkline-group>'
    '</calcext:sparkline-groups>')


def libreoffice(folder):
    """A workbook LibreOffice wrote: formulas with their results, LibreOffice's styles, and what
    openpyxl does not model: a pivot table with its cache, a link to another workbook, a sparkline."""
    rows = [["ad_spend", "sales", "ratio"]]
    for i, (a, b) in enumerate(zip(AD.ad_spend, AD.sales), start=2):
        rows.append([float(a), float(b), Formula(f"of:=[.B{i}]/[.A{i}]")])
    other = folder / "linked.fods"
    other.write_text(fods({"Prices": [[42.0]]}), encoding="utf-8")
    regions = [["region", "amount"]] + [[r, float(v)] for r, v in zip(["North", "South", "East", "West"] * 3,
                                                                     range(10, 130, 10))]
    text = fods({"Data": rows,
                 "Summary": [["total", Formula("of:=SUM([$Data.B2:.B31])")],
                             ["linked", Formula(f"of:=['{other.as_uri()}'#$Prices.A1]")]],
                 "Regions": regions, "Pivot": [["Sum - amount"]]}, _PIVOT)
    # a sparkline of the amounts beside them (Excel's x14 extension in the sheet part)
    regions_end = text.index("</table:table>", text.index('table:name="Regions"'))
    text = text[:regions_end] + _SPARKLINE + text[regions_end:]
    text = text.replace("<office:document ", f'<office:document xmlns:calcext="{_CALCEXT}" ', 1)
    source = folder / "lo_made.fods"
    source.write_text(text, encoding="utf-8")
    return soffice(folder / "profile", "xlsx", folder, source)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """Each workbook, its new trained file, and that file trained again in place."""
    from PIL import Image as Picture

    tmp = tmp_path_factory.mktemp("corpus")
    picture = tmp / "logo.png"
    Picture.new("RGB", (40, 20), (200, 30, 30)).save(picture)
    books = {"charted": charted(tmp / "charted.xlsx"), "precious": precious(tmp / "precious.xlsx", picture),
             "macro": macro(tmp / "macro.xlsm")}
    if shutil.which("soffice"):
        books["libreoffice"] = libreoffice(tmp)
    out = {}
    for key, book in books.items():
        first = train_book(book, sheet="Data" if key != "macro" else None)
        again = first.output.with_name(f"{book.stem}_again{book.suffix}")
        shutil.copy(first.output, again)
        second = train_book(again, in_place=True, sheet="Data" if key != "macro" else None, max_iter=50)
        out[key] = (book, first, second)
    return out


@pytest.mark.parametrize("key", ["charted", "precious", "macro", "libreoffice"])
def test_the_users_parts_are_byte_identical_and_the_index_parts_only_gain(corpus, key):
    if key not in corpus:
        pytest.skip("LibreOffice not installed")
    book, first, second = corpus[key]
    added = assert_user_parts_kept(book, first.output)
    assert any(n.startswith("xl/worksheets/") for n in added)
    again = assert_user_parts_kept(book, second.output)  # the re-run replaced gdfit's parts, nothing else
    assert sorted(again) == sorted(added)
    wb = openpyxl.load_workbook(second.output, keep_vba=book.suffix == ".xlsm")
    assert wb.sheetnames[-len(first.sheets):] == first.sheets == second.sheets
    options = {r[0].value: r[1].value for r in wb[second.sheets[3]]["A5:B30"] if r[0].value}
    assert options["max_iter"] == 50


def test_the_charts_and_the_chart_sheet_stay_and_tabs_keep_their_order(corpus):
    book, first, _ = corpus["charted"]
    wb = openpyxl.load_workbook(first.output)
    assert wb.sheetnames == ["Data", "Chart", "Notes", *SHEETS]
    assert isinstance(wb["Chart"], Chartsheet)
    # the print area of gdfit's GD sheet is scoped to that sheet: its position counts the chart sheet
    assert wb["GD"].print_area.startswith("'GD'!$A$1:") and not wb["Notes"].print_area


def test_names_states_and_the_print_area_stay_on_their_sheets(corpus):
    book, _, second = corpus["precious"]
    wb = openpyxl.load_workbook(second.output)
    assert wb.sheetnames[:5] == ["Data", "Hidden", "Secret", "GD", "Printed"]
    assert [wb[n].sheet_state for n in ("Hidden", "Secret")] == ["hidden", "veryHidden"]
    assert wb.defined_names["budget"].attr_text == "Data!$A$2:$A$31"
    assert wb["Data"].defined_names["local_total"].attr_text == "Data!$D$2"
    assert wb["Printed"].print_area == "'Printed'!$A$1:$C$10"
    assert "GD (gdfit)" in second.sheets and wb["GD"]["A1"].value == "the user's own GD sheet"
    assert OWNER_NAME not in wb["GD"].defined_names and OWNER_NAME in wb["GD (gdfit)"].defined_names
    assert wb["Data"]["A1"].font.name == "Arial" and wb["Data"]["D2"].number_format == "0.000"
    assert wb["Formula"]["A1"].font.b  # gdfit's title keeps its style after the remapping


def test_vba_and_the_macro_content_type_stay(corpus):
    book, first, second = corpus["macro"]
    for result in (first, second):
        parts = members(result.output)
        assert parts["xl/vbaProject.bin"] == members(book)["xl/vbaProject.bin"]
        assert b"application/vnd.ms-excel.sheet.macroEnabled.main+xml" in parts["[Content_Types].xml"]


def test_excel_recalculates_on_load_and_the_users_calc_chain_is_untouched(corpus):
    book, first, second = corpus["precious"]
    for result in (first, second):
        parts = members(result.output)
        assert b'fullCalcOnLoad="1"' in parts["xl/workbook.xml"]
        assert parts["xl/calcChain.xml"] == members(book)["xl/calcChain.xml"]  # gdfit's cells are not in it


def test_the_solver_model_is_scoped_to_gdfits_solver_sheet(corpus):
    _, first, _ = corpus["charted"]
    wb = openpyxl.load_workbook(first.output)
    assert wb["Solver"].defined_names["solver_opt"].attr_text == "'Solver'!$B$7"
    assert wb["Solver"].defined_names["solver_typ"].attr_text == "2"  # Min
    assert not any(name.startswith("solver_") for name in wb["Notes"].defined_names)


@pytest.mark.skipif(not VALIDATOR.exists(), reason="the Open XML validator is not installed")
@needs_soffice
def test_a_pivot_table_a_link_and_a_sparkline_stay_and_libreoffice_still_reads_them(corpus, tmp_path):
    book, first, second = corpus["libreoffice"]
    parts = members(book)
    regions = next(d for n, d in parts.items() if n.startswith("xl/worksheets/") and b"sparklineGroup" in d)
    assert all(regions in members(output).values() for output in (first.output, second.output))
    kinds = ["xl/pivotTables/pivotTable", "xl/pivotCache/pivotCacheDefinition", "xl/pivotCache/pivotCacheRecords",
             "xl/externalLinks/externalLink"]
    assert all(any(name.startswith(kind) for name in parts) for kind in kinds), sorted(parts)
    for output in (first.output, second.output):
        assert {n: d for n, d in members(output).items() if n in parts and any(n.startswith(k) for k in kinds)} \
            == {n: d for n, d in parts.items() if any(n.startswith(k) for k in kinds)}
    # LibreOffice opens the twice-trained workbook with the pivot table and the link in it
    content = soffice(tmp_path / "profile", "fods", tmp_path, second.output).read_text(encoding="utf-8")
    assert 'table:data-pilot-table table:name=' in content and "linked.fods" in content
    assert 'calcext:sparkline calcext:cell-address="Regions.D2"' in content
    for data_only in (False, True):  # the link's formula and the value LibreOffice cached for it
        cell = [openpyxl.load_workbook(path, data_only=data_only)["Summary"]["B2"].value for path in (book, second.output)]
        assert cell[0] == cell[1] and cell[0] is not None


def test_the_validator_finds_no_error_the_input_did_not_have(corpus):
    files = []
    for key, (book, first, second) in corpus.items():
        files += [book, first.output, second.output]
    errors = validator_errors(*files)
    for book, first, second in corpus.values():
        assert errors[first.output.name] <= errors[book.name], first.output.name
        assert errors[second.output.name] <= errors[book.name], second.output.name


def _formula_values(ws):
    """Column C (gdfit's numbers) and column B (Excel's live formulas) of the Formula sheet, by label."""
    return {ws.cell(r, 1).value: (ws.cell(r, 2).value, ws.cell(r, 3).value) for r in range(5, 12) if ws.cell(r, 1).value}


@needs_soffice
def test_libreoffice_recalculates_gdfits_formulas_to_the_values_gdfit_wrote(corpus, tmp_path):
    outputs = [second.output for _, _, second in corpus.values()]
    recalculated = soffice(tmp_path / "profile", "xlsx", tmp_path, *outputs)
    for result, path in zip([s for _, _, s in corpus.values()], recalculated):
        values = _formula_values(openpyxl.load_workbook(path, data_only=True)["Formula"])
        written = _formula_values(openpyxl.load_workbook(result.output)["Formula"])
        checked = 0
        for label, (live, gdfit_value) in values.items():
            if isinstance(written[label][0], str) and written[label][0].startswith("=") \
                    and isinstance(gdfit_value, float):
                assert live == pytest.approx(gdfit_value, rel=REL), (result.output.name, label)
                checked += 1
        assert checked >= 3, (result.output.name, values)  # slope, intercept and SSE at least


def test_in_place_is_written_completely_before_it_replaces(tmp_path, monkeypatch):
    book = charted(tmp_path / "charted.xlsx")
    before = book.read_bytes()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", interrupted)  # stopped after the new package is complete
    with pytest.raises(KeyboardInterrupt):
        train_book(book, in_place=True)
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["charted.xlsx"]


def _converted_inputs(tmp):
    rows = [["ad_spend", "sales"]] + [[float(a), float(b)] for a, b in zip(AD.ad_spend, AD.sales)]
    source = tmp / "other.fods"
    source.write_text(fods({"Data": rows, "More": [["text", "=not a formula"]]}), encoding="utf-8")
    return [soffice(tmp / "profile", fmt, tmp, source) for fmt in ("ods", "xls")]


@needs_soffice
def test_formats_gdfit_cannot_extend_give_a_new_xlsx_of_the_values(tmp_path, capsys):
    for book in _converted_inputs(tmp_path):
        before = book.read_bytes()
        assert main(["train", str(book)]) == 0
        out = capsys.readouterr().out
        target = tmp_path / f"{book.stem}_gdfit.xlsx"
        printed = " ".join(out[out.index("note:"):].split())  # the line wraps at the terminal's width
        assert printed == (f"note: the original format could not be extended ({book.name}: the {book.suffix} "
                           f"format); {target.name} is a new .xlsx of its values and gdfit's sheets.")
        assert book.read_bytes() == before
        wb = openpyxl.load_workbook(target)
        assert wb.sheetnames == ["Data", "More", *SHEETS]
        assert wb["More"]["B1"].value == "=not a formula" and wb["More"]["B1"].data_type == "s"
        assert wb["Data"]["B31"].value == pytest.approx(float(AD.sales.iloc[-1]), rel=1e-15)
        assert main(["train", str(book), "--in-place"]) == 2
        assert "cannot add sheets to" in capsys.readouterr().err


def test_a_strict_workbook_gives_a_new_xlsx(tmp_path):
    book = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    _data_sheet(wb.active)
    wb.save(book)
    parts = members(book)
    # Strict Open XML: the same parts with the purl.oclc.org namespaces
    strict = {name: data.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                 b"http://purl.oclc.org/ooxml/spreadsheetml/main")
                        .replace(b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
                                 b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument")
              for name, data in parts.items()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in strict.items():
            z.writestr(name, data)
    book.write_bytes(buffer.getvalue())
    result = train_book(book)
    assert result.output == tmp_path / "plain_gdfit.xlsx"
    assert result.notes == ["note: the original format could not be extended (plain.xlsx: Strict Open XML); "
                            "plain_gdfit.xlsx is a new .xlsx of its values and gdfit's sheets."]
    assert "Formula" in openpyxl.load_workbook(result.output).sheetnames


# workbook.xml as Excel 2016+ writes it: namespaces that only mc:Ignorable names, an AlternateContent
# block, revision attributes, a calcPr without the flag, and an extLst after it.
EXCEL_WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    b'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15 xr xr6 xr10 xr2" '
    b'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
    b'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
    b'xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" '
    b'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" '
    b'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">'
    b'<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>'
    b'<workbookPr defaultThemeVersion="166925"/>'
    b'<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
    b'<mc:Choice Requires="x15"><x15ac:absPath url="C:\\Users\\a\\" '
    b'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent>'
    b'<xr:revisionPtr revIDLastSave="0" documentId="8_{1B6D3F4E-0000-4000-8000-000000000000}" '
    b'xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" xr10:uidLastSave="{00000000-0000-0000-0000-000000000000}"/>'
    b'<bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" windowHeight="15840" '
    b'xr2:uid="{00000000-000D-0000-FFFF-FFFF00000000}"/></bookViews>'
    b'<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets>'
    b'<calcPr calcId="191029"/>'
    b'<extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" '
    b'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">'
    b'<x15:workbookPr chartTrackingRefBase="1"/></ext></extLst></workbook>')


def _excel_like(path, styles=True):
    wb = openpyxl.Workbook()
    wb.active.title = "Data"
    _data_sheet(wb.active)
    wb.save(path)
    parts = members(path)
    parts["xl/workbook.xml"] = EXCEL_WORKBOOK
    if not styles:  # a minimal package: no styles part at all
        del parts["xl/styles.xml"]
        parts["xl/_rels/workbook.xml.rels"] = re.sub(
            rb'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
            rb'Target="styles.xml" Id="rId\d+" ?/>', b"", parts["xl/_rels/workbook.xml.rels"])
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b'<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            b'spreadsheetml.styles+xml" />', b"")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize("styles", [True, False])
def test_an_excel_workbook_part_keeps_its_prefixes_and_gains_names_in_schema_order(tmp_path, styles):
    book = _excel_like(tmp_path / "excel.xlsx", styles)
    assert b"styles.xml" not in members(book)["xl/_rels/workbook.xml.rels"] or styles
    first = train_book(book)
    second = train_book(first.output, in_place=True)
    assert_user_parts_kept(book, second.output)
    workbook = members(second.output)["xl/workbook.xml"]
    head = EXCEL_WORKBOOK[:EXCEL_WORKBOOK.index(b"<sheets>")]
    assert workbook.startswith(head)  # the declarations mc:Ignorable names are all still there, byte for byte
    order = [workbook.index(tag) for tag in (b"</sheets>", b"<definedNames>", b'<calcPr calcId="191029"', b"<extLst>")]
    assert order == sorted(order)
    assert b'<calcPr calcId="191029" fullCalcOnLoad="1"/>' in workbook
    wb = openpyxl.load_workbook(second.output)
    assert wb.sheetnames == ["Data", *SHEETS]
    assert wb["Formula"]["A1"].font.b
    if VALIDATOR.exists():
        errors = validator_errors(book, second.output)
        assert errors[second.output.name] <= errors[book.name]


def test_table_ids_stay_unique(corpus):
    from defusedxml.ElementTree import fromstring

    _, first, second = corpus["precious"]
    for result in (first, second):
        parts = members(result.output)
        ids = [fromstring(d).get("id") for n, d in parts.items() if n.startswith("xl/tables/")]
        names = [fromstring(d).get("displayName") for n, d in parts.items() if n.startswith("xl/tables/")]
        assert len(ids) == len(set(ids)) == 2 and sorted(names) == ["Sales", "gd_fit_history"]


def test_rows_written_straight_into_the_sheet_are_the_bytes_openpyxl_writes(monkeypatch):
    """The residual output's rows of plain numbers, written without openpyxl's cells: the same
    package, byte for byte, as openpyxl's own (the previous behaviour is the reference)."""
    from gdfit.files.package import render_sheets
    from gdfit.render.xlsx import render_workbook
    from gdfit.sheets.training.dataset import ad_spend_report

    report = ad_spend_report(reproducible=True)[0]  # no run times: two renderings are comparable
    monkeypatch.setattr("gdfit.render.xlsx.DEFER_ROWS", 10**9)
    by_openpyxl = members(io.BytesIO(render_sheets(report)))
    monkeypatch.setattr("gdfit.render.xlsx.DEFER_ROWS", 5)
    deferred = {}
    render_workbook(report, deferred=deferred)
    # the data's rows, one per observation, are left to the package writer (the ToolPak block's rows
    # carry formats chosen by magnitude, which only openpyxl's cells write)
    assert len(deferred["Data"]) == 30
    straight = members(io.BytesIO(render_sheets(report)))
    for parts in (straight, by_openpyxl):
        del parts["docProps/core.xml"]  # its time stamp, and never copied into the user's package
    assert straight == by_openpyxl


def test_a_users_own_name_spelled_like_a_gd_formulas_input_is_never_redefined(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    for row in [["ad_spend", "sales"], *zip(AD.ad_spend.tolist(), AD.sales.tolist())]:
        ws.append(list(row))
    wb.defined_names["GD_X"] = DefinedName("GD_X", attr_text="Data!$A$2:$A$31")  # names ignore case in Excel
    wb.save(tmp_path / "named.xlsx")
    before = (tmp_path / "named.xlsx").read_bytes()
    with pytest.raises(gdfit.files.book.BookError, match=r"^the workbook already defines the name 'GD_X', which "
                                                         r"gdfit's GD formulas sheet uses"):
        train_book(tmp_path / "named.xlsx")
    assert (tmp_path / "named.xlsx").read_bytes() == before and not (tmp_path / "named_gdfit.xlsx").exists()
    del wb.defined_names["GD_X"]
    wb.save(tmp_path / "plain.xlsx")
    first = train_book(tmp_path / "plain.xlsx")
    again = train_book(first.output, in_place=True)  # gdfit's own names, known by their comment, are replaced
    names = openpyxl.load_workbook(again.output).defined_names
    assert names["gd_x"].comment == "gdfit: an input of the GD formulas sheet"
    assert sorted(n for n in names if n.startswith("gd_")) == sorted(
        n for n in openpyxl.load_workbook(first.output).defined_names if n.startswith("gd_"))


def _cells(data: bytes) -> dict:
    def value(v):
        return (v.ref, v.text) if hasattr(v, "text") else v  # an array formula: by what it says

    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: {(c.coordinate, value(c.value), c.data_type, c.number_format, c.font.b, c.alignment.horizontal)
                       for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in wb.worksheets}


def test_columns_written_straight_into_the_sheet_are_the_cells_openpyxl_writes_for_rows(tmp_path):
    """The Regression sheet's one row per observation, held as columns and written without
    openpyxl's cells: every cell, its type, format and style as openpyxl writes the same table held
    as a list of rows (the previous representation), with a #N/A where a value is NaN."""
    import dataclasses

    import numpy as np

    from gdfit.files.package import render_sheets
    from gdfit.render.xlsx import render_workbook
    from gdfit.report.model import Columns
    from gdfit.sheets.training.dataset import ad_spend_report

    report = ad_spend_report(reproducible=True)[0]
    regression = report.sheet("Regression")
    block = next(t for t in regression.tables if isinstance(t.rows, Columns))
    assert len(block.rows) == 30
    # a NaN, as a Standard Residual is when every residual is 0
    columns = [block.rows.column(j) for j in range(block.rows.width)]
    columns[3] = np.where(np.arange(30) == 4, np.nan, columns[3])
    block_index = regression.tables.index(block)
    regression.tables[block_index] = dataclasses.replace(block, rows=Columns(columns))
    straight = render_sheets(report)
    assert b"<v>#N/A</v>" in members(io.BytesIO(straight))["xl/worksheets/sheet4.xml"]
    regression.tables[block_index] = dataclasses.replace(block, rows=[list(r) for r in Columns(columns)])
    buffer = io.BytesIO()
    render_workbook(report).save(buffer)
    assert _cells(straight) == _cells(buffer.getvalue())
    path = tmp_path / "straight.xlsx"
    path.write_bytes(straight)
    assert validator_errors(path) == {"straight.xlsx": 0}


@pytest.mark.parametrize("shipped", ["ad_spend.xlsx", "gd_in_formulas.xlsx"])  # the two with gd_* names
def test_a_workbook_gdfit_saved_itself_trains_again(tmp_path, shipped):
    """The shipped workbooks (and `gdfit demo`'s) are saved by openpyxl, not the package writer: their
    gd_* names carry gdfit's mark too, so training them again redefines them (it refused, taking
    them for the user's)."""
    source = tmp_path / shipped
    shutil.copyfile(Path(__file__).resolve().parents[2] / "workbooks" / shipped, source)
    before = {n: d.comment for n, d in openpyxl.load_workbook(source).defined_names.items() if n.startswith("gd_")}
    assert set(before.values()) == {"gdfit: an input of the GD formulas sheet"}
    result = train_book(source)
    after = openpyxl.load_workbook(result.output).defined_names
    assert sorted(n for n in after if n.startswith("gd_")) == sorted(before)


def _raw_members(path) -> dict[str, bytes]:
    """Each member's compressed bytes, as the file holds them (from its local header on)."""
    import struct

    out = {}
    with zipfile.ZipFile(path) as z, open(path, "rb") as f:
        for info in z.infolist():
            f.seek(info.header_offset + 26)
            name_length, extra_length = struct.unpack("<HH", f.read(4))
            f.seek(info.header_offset + 30 + name_length + extra_length)
            out[info.filename] = f.read(info.compress_size)
    return out


def test_the_users_parts_are_copied_compressed_as_they_are_even_after_data_descriptors(tmp_path):
    """The user's parts are copied as compressed bytes, never inflated and deflated again (a
    million-row sheet took seconds to deflate): the same compressed bytes, time stamps and CRCs,
    also from a file whose entries have their sizes after the data (as streaming writers save)."""
    wb = openpyxl.Workbook()
    _data_sheet(wb.active)
    wb.active.title = "Data"
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)

    class Unseekable(io.RawIOBase):  # zipfile then writes each size in a data descriptor
        def __init__(self, target):
            self.target = target

        def writable(self):
            return True

        def write(self, data):
            return self.target.write(data)

    streamed = tmp_path / "streamed.xlsx"
    with open(streamed, "wb") as raw, zipfile.ZipFile(Unseekable(raw), "w", zipfile.ZIP_DEFLATED) as z, \
            zipfile.ZipFile(plain) as source:
        for info in source.infolist():
            z.writestr(info, source.read(info), compresslevel=9)
    with zipfile.ZipFile(streamed) as z:
        assert all(info.flag_bits & 0x08 for info in z.infolist())  # the case under test
    for book in (plain, streamed):
        result = train_book(book)
        assert_user_parts_kept(book, result.output)
        before, after = _raw_members(book), _raw_members(result.output)
        kept = [name for name in before if name not in INDEX_PARTS]
        assert kept and all(after[name] == before[name] for name in kept)
        with zipfile.ZipFile(book) as z, zipfile.ZipFile(result.output) as out:
            assert out.testzip() is None
            for name in kept:
                assert (out.getinfo(name).date_time, out.getinfo(name).CRC) == (z.getinfo(name).date_time, z.getinfo(name).CRC)
                assert not out.getinfo(name).flag_bits & 0x08
        assert validator_errors(result.output) == {result.output.name: 0}
        openpyxl.load_workbook(result.output)
