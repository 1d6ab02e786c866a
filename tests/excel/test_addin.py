"""gdfit.xlam: xlwings' ribbon template with a gdfit tab, gdfit's settings and the template's
schema errors fixed, nothing else."""
import argparse
import io
import re
import sys
import warnings
import xml.etree.ElementTree as ET
import zipfile

import pytest

from gdfit.excel import addin
from gdfit.excel.addin import AddinError, add_addin_command, build_addin, install_addin
from tests.xlsx_validator import needs_validator, validation_errors

CUSTOM_UI = "{http://schemas.microsoft.com/office/2006/01/customui}"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CHANGED = {"customUI/customUI.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
           "_rels/.rels", "docProps/core.xml"}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_addin(tmp_path_factory.mktemp("addin") / "gdfit.xlam")


def test_the_add_in_is_a_valid_package_of_the_templates_parts(built):
    with zipfile.ZipFile(built) as package, zipfile.ZipFile(addin.template_path()) as template:
        assert package.testzip() is None
        assert package.namelist() == template.namelist()
        changed = {n for n in template.namelist() if package.read(n) != template.read(n)}
        assert changed == CHANGED
        for name in template.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                ET.fromstring(package.read(name))  # every XML part still parses


@needs_validator
def test_the_add_in_passes_the_open_xml_validator(built):
    assert validation_errors(built) == ""
    # The template itself does not: the SDK cannot even open its ribbon part.
    assert "OPEN FAILED" in validation_errors(addin.template_path())


def test_the_ribbon_relationship_is_the_2007_ribbons_for_the_2006_namespace(built):
    # Office 2010's type (.../2007/relationships/ui/extensibility) announces a customUI14 part in
    # the 2009/07 namespace; the template's part is in 2006/01, so it takes the 2006 type, as
    # xlwings' own xlwings.xlam does.
    with zipfile.ZipFile(built) as package, zipfile.ZipFile(addin.template_path()) as template:
        rels = ET.fromstring(package.read("_rels/.rels"))
        before = ET.fromstring(template.read("_rels/.rels"))
        ribbon = ET.fromstring(package.read("customUI/customUI.xml"))
    assert ribbon.tag == f"{CUSTOM_UI}customUI"
    to_ribbon = [(r.get("Id"), r.get("Type")) for r in rels.iter(f"{PKG_REL}Relationship")
                 if r.get("Target") == "customUI/customUI.xml"]
    assert to_ribbon == [("rId4", "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility")]
    # every other relationship is the template's, attribute for attribute
    others = lambda root: sorted(sorted(r.attrib.items()) for r in root  # noqa: E731
                                 if r.get("Target") != "customUI/customUI.xml")
    assert others(rels) == others(before) and len(rels) == len(before) == 4


def test_only_the_out_of_schema_values_leave_the_workbook_and_core_parts(built):
    with zipfile.ZipFile(built) as package, zipfile.ZipFile(addin.template_path()) as template:
        parts = {name: (ET.fromstring(template.read(name)), ET.fromstring(package.read(name)))
                 for name in ("xl/workbook.xml", "docProps/core.xml")}
    x14 = "{http://schemas.microsoft.com/office/spreadsheetml/2009/9/main}workbookPr"
    before, after = parts["xl/workbook.xml"]
    assert [e.attrib for e in before.iter(x14)] == [{"defaultImageDpi": "32767"}]
    assert [e.attrib for e in after.iter(x14)] == [{}]
    before, after = parts["docProps/core.xml"]
    gone = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}contentType"
    assert [(e.tag, e.text) for e in before if e.tag == gone] == [(gone, None)]
    assert [(e.tag, e.text, e.attrib) for e in after] == \
        [(e.tag, e.text, e.attrib) for e in before if e.tag != gone]


def VBA_Parser(path):
    """oletools' reader of the VBA project (its import warns about pyparsing's renames)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from oletools.olevba import VBA_Parser as parser
    return parser(path)


def _vba_procedures(path):
    """``Module.Procedure`` for every Sub and Function of the VBA project."""
    parser = VBA_Parser(str(path))
    found = set()
    for _, _, module_file, code in parser.extract_macros():
        module = module_file.rsplit(".", 1)[0]
        found |= {f"{module}.{name}" for name in
                  re.findall(r"^\s*(?:Public\s+|Private\s+)?(?:Sub|Function)\s+(\w+)", code, re.M)}
    parser.close()
    return found


def test_the_ribbon_has_a_large_train_button_on_a_macro_the_vba_project_has(built):
    with zipfile.ZipFile(built) as package:
        ribbon = ET.fromstring(package.read("customUI/customUI.xml"))
    tabs = ribbon.findall(f"{CUSTOM_UI}ribbon/{CUSTOM_UI}tabs/{CUSTOM_UI}tab")
    assert [t.get("label") for t in tabs] == ["gdfit"]
    buttons = tabs[0].findall(f".//{CUSTOM_UI}button")
    assert [(b.get("label"), b.get("size")) for b in buttons] == [("Train", "large")]
    actions = {el.get("onAction") for el in ribbon.iter() if el.get("onAction")}
    assert actions == {"RibbonMyAddin.RunMain"}
    assert actions <= _vba_procedures(built)
    parser = VBA_Parser(str(built))
    ribbon_code = next(code for _, _, name, code in parser.extract_macros()
                       if name.startswith("RibbonMyAddin"))
    parser.close()
    # The callback imports the module named like the file: gdfit.xlam runs gdfit.main().
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in ribbon_code
    assert "Sub RunMain(control As IRibbonControl)" in ribbon_code


def test_the_conf_sheet_is_active_and_names_the_udf_module(built):
    with zipfile.ZipFile(built) as package:
        workbook = ET.fromstring(package.read("xl/workbook.xml"))
        sheet = ET.fromstring(package.read("xl/worksheets/sheet1.xml"))
        strings = [("".join(t.text or "" for t in si.iter(f"{MAIN}t")))
                   for si in ET.fromstring(package.read("xl/sharedStrings.xml"))]
    assert [s.get("name") for s in workbook.iter(f"{MAIN}sheet")] == ["myaddin.conf"]
    settings = {}
    for row in sheet.iter(f"{MAIN}row"):
        cells = row.findall(f"{MAIN}c")
        key = strings[int(cells[0].find(f"{MAIN}v").text)] if cells and cells[0].get("t") == "s" else None
        if key and len(cells) > 1:
            value = cells[1].find(f"{MAIN}is/{MAIN}t")
            settings[key] = value.text if value is not None else cells[1].find(f"{MAIN}v").text
        elif key:
            settings[key] = None
    assert settings == {"Interpreter_Win": None, "Interpreter_Mac": None, "PYTHONPATH": None,
                        "Conda Path": None, "Conda Env": None, "UDF Modules": "gdfit.excel.udfs",
                        "Debug UDFs": "0", "Use UDF Server": "0", "Show Console": "0"}


def test_office_prefixes_named_in_ignorable_stay_declared(built):
    with zipfile.ZipFile(built) as package:
        for name in CHANGED:
            data = package.read(name)
            declared = {prefix for _, (prefix, _) in ET.iterparse(io.BytesIO(data), ("start-ns",))}
            root = ET.fromstring(data)
            mc = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable"
            assert set((root.get(mc) or "").split()) <= declared, name


def test_the_file_must_be_called_gdfit_xlam(tmp_path):
    with pytest.raises(AddinError, match="must be named gdfit.xlam"):
        build_addin(tmp_path / "other.xlam")
    assert build_addin(tmp_path) == tmp_path / "gdfit.xlam"


@pytest.mark.skipif(sys.platform.startswith(("win", "darwin")), reason="checks the refusal on Linux")
def test_install_says_in_one_line_that_excel_is_not_here():
    with pytest.raises(AddinError, match=r"^Excel is not available on this system \(linux\); run "
                                         r"'gdfit addin build' and install gdfit.xlam on Windows or macOS.$"):
        install_addin()


def test_the_addin_command_builds_the_file(tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="gdfit")
    add_addin_command(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["addin", "build", "--out", str(tmp_path)])
    assert args.handler(args) == 0
    assert capsys.readouterr().out == f"wrote {tmp_path / 'gdfit.xlam'}\n"
    assert zipfile.is_zipfile(tmp_path / "gdfit.xlam")
    args = parser.parse_args(["addin", "install"])
    assert args.handler is addin._cmd_install and args.file is None
