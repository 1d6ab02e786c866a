"""``gdfit.xlam``: xlwings' own ribbon add-in template with a gdfit tab and gdfit's settings.

:func:`build_addin` copies ``quickstart_addin_ribbon.xlam`` from the installed xlwings part for
part and changes three XML parts for gdfit, parsed and written with ElementTree:

* ``customUI/customUI.xml`` -- a "gdfit" tab with a large Train button whose ``onAction`` is the
  template's own ``RunMain`` callback (``RunPython "import gdfit; gdfit.main()"`` for a file
  named ``gdfit.xlam``; ``gdfit.main`` also imports the worksheet functions on first use, see
  :func:`gdfit.excel.macros.import_functions`);
* the conf sheet's part -- ``UDF Modules`` = ``gdfit.excel.udfs``, the module xlwings'
  ``ImportPythonUDFsToAddin`` macro would register (Interpreter and PYTHONPATH stay blank for
  the analyst to fill in);
* ``xl/workbook.xml`` -- the conf sheet renamed from ``_myaddin.conf`` to ``myaddin.conf``: the
  template's VBA reads ``<PROJECT_NAME>.conf`` only, and the leading underscore is how the
  template ships the sheet switched off (xlwings' custom add-in docs: "Activate the sheet
  config by renaming it"); and the template's ``x14:workbookPr/@defaultImageDpi="32767"``
  dropped, a value outside the schema's list (the add-in has no pictures, so Excel's default
  resolution loses nothing).

Two more parts are corrected so that Microsoft's Open XML SDK validator accepts the package:

* ``_rels/.rels`` -- the ribbon's relationship type.  The template writes its ribbon in the
  Office 2007 namespace (``2006/01/customui``) but points at it with the Office 2010 type
  (``2007/relationships/ui/extensibility``, which announces a ``customUI14`` part in the
  ``2009/07/customui`` namespace).  The 2006 type is used here, as in xlwings' own
  ``xlwings.xlam``: the ribbon needs nothing from 2010 (no backstage, no 2010-only controls),
  its button callback has the same signature in both, and the pair works from Excel 2007 on.
* ``docProps/core.xml`` -- the empty ``cp:contentType`` removed, an element of the first
  ECMA-376 edition that ISO/IEC 29500-2 dropped from the core properties.

Everything else, the VBA project included, is byte-identical to the template: the add-in works
with the xlwings version it was built from. :func:`install_addin` uses xlwings' own installer
(Windows and macOS).
"""
from __future__ import annotations

import io
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from defusedxml import ElementTree as SafeET

__all__ = ["build_addin", "install_addin", "template_path", "AddinError", "UDF_MODULES",
           "add_addin_command", "ADDIN_FILE"]

UDF_MODULES = "gdfit.excel.udfs"
ADDIN_FILE = "gdfit.xlam"  # the Train button imports the module named like the file
RIBBON = "customUI/customUI.xml"
WORKBOOK = "xl/workbook.xml"
PACKAGE_RELS = "_rels/.rels"
CORE = "docProps/core.xml"
# The ribbon part's relationship type for each customUI namespace (Office 2007 and 2010 ribbons).
RIBBON_TYPES = {
    "http://schemas.microsoft.com/office/2006/01/customui":
        "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
    "http://schemas.microsoft.com/office/2009/07/customui":
        "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
}
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
_CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"


class AddinError(ValueError):
    """The add-in cannot be built or installed here; the message is one line."""


def template_path() -> Path:
    """xlwings' ribbon add-in template (``xlwings quickstart NAME --addin --ribbon`` copies it)."""
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    if not path.is_file():
        raise AddinError(f"xlwings {xlwings.__version__} has no ribbon add-in template at {path}.")
    return path


def _declared(data: bytes) -> list[tuple[str, str]]:
    """Every namespace declaration of an XML part, in document order."""
    seen = []
    for _, (prefix, uri) in ET.iterparse(io.BytesIO(data), events=("start-ns",)):
        if (prefix, uri) not in seen:
            seen.append((prefix, uri))
    return seen


def _uri(name: str) -> str | None:
    return name[1:].split("}", 1)[0] if name.startswith("{") else None


def _serialize(root: ET.Element, original: bytes) -> bytes:
    """``root`` as XML that keeps the part's prefixes and every declaration it had.

    ElementTree declares only the namespaces elements and attributes use; Office parts also
    declare prefixes named only in ``mc:Ignorable``/``Requires``, which must stay declared.
    """
    declared = _declared(original)
    for prefix, uri in declared:  # the part's own prefixes ("" is its default namespace)
        ET.register_namespace(prefix, uri)
    used = {_uri(el.tag) for el in root.iter()} | {_uri(a) for el in root.iter() for a in el.attrib}
    for prefix, uri in declared:
        if prefix and uri not in used:
            root.set(f"xmlns:{prefix}", uri)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _ribbon(template: bytes) -> bytes:
    """The template's ribbon with one gdfit tab and a large Train button on ``RunMain``."""
    root = SafeET.fromstring(template)
    ns = _uri(root.tag)
    q = lambda tag: f"{{{ns}}}{tag}"  # noqa: E731
    action = next((el.get("onAction") for el in root.iter()
                   if (el.get("onAction") or "").endswith("RunMain")), None)
    if action is None:
        raise AddinError("the xlwings ribbon template has no button calling RunMain.")
    tabs = root.find(f"{q('ribbon')}/{q('tabs')}")
    for tab in list(tabs):
        tabs.remove(tab)
    tab = ET.SubElement(tabs, q("tab"), id="gdfitTab", label="gdfit")
    group = ET.SubElement(tab, q("group"), id="gdfitGroup", label="Gradient descent")
    ET.SubElement(group, q("button"), id="gdfitTrain", label="Train", size="large",
                  onAction=action, imageMso="MacroPlay", screentip="Train",
                  supertip="Fit the selected data (x columns, then y) by gradient descent and "
                           "write the GD, Compare, Regression, Formula and Solver sheets. In "
                           "Windows Excel the first click also adds gdfit's worksheet functions "
                           "(=GD_FIT() and the others).")
    return _serialize(root, template)


def _conf_part(package: zipfile.ZipFile) -> tuple[str, str]:
    """The conf sheet's name and the path of its worksheet part."""
    workbook = SafeET.fromstring(package.read(WORKBOOK))
    sheet = next((s for s in workbook.iter(f"{{{_MAIN}}}sheet") if s.get("name", "").endswith(".conf")),
                 None)
    if sheet is None:
        raise AddinError("the xlwings template has no .conf sheet.")
    rels = SafeET.fromstring(package.read("xl/_rels/workbook.xml.rels"))
    rel_id = sheet.get(f"{{{_REL}}}id")
    target = next(r.get("Target") for r in rels.iter(f"{{{_PKG_REL}}}Relationship")
                  if r.get("Id") == rel_id)
    return sheet.get("name"), "xl/" + target.lstrip("/").removeprefix("xl/")


def _active_conf(data: bytes, name: str) -> bytes:
    """``xl/workbook.xml`` with the conf sheet's leading underscore removed and without the
    out-of-schema ``defaultImageDpi``."""
    root = SafeET.fromstring(data)
    for sheet in root.iter(f"{{{_MAIN}}}sheet"):
        if sheet.get("name") == name:
            sheet.set("name", name.lstrip("_"))
    for options in root.iter(f"{{{_X14}}}workbookPr"):
        options.attrib.pop("defaultImageDpi", None)
    return _serialize(root, data)


def _ribbon_relationship(data: bytes, ribbon: bytes) -> bytes:
    """``_rels/.rels`` with the ribbon's relationship typed for the ribbon's namespace."""
    kind = RIBBON_TYPES.get(_uri(SafeET.fromstring(ribbon).tag))
    if kind is None:
        raise AddinError(f"the xlwings ribbon template uses an unknown customUI namespace "
                         f"({_uri(SafeET.fromstring(ribbon).tag)}).")
    root = SafeET.fromstring(data)
    found = [r for r in root.iter(f"{{{_PKG_REL}}}Relationship")
             if r.get("Target", "").lstrip("/") == RIBBON]
    if len(found) != 1:
        raise AddinError(f"the xlwings ribbon template has {len(found)} relationships to {RIBBON}.")
    found[0].set("Type", kind)
    return _serialize(root, data)


def _core_without_content_type(data: bytes) -> bytes:
    """``docProps/core.xml`` without an empty ``cp:contentType`` (not in ISO/IEC 29500-2)."""
    root = SafeET.fromstring(data)
    for element in root.findall(f"{{{_CORE}}}contentType"):
        if not (element.text or "").strip():
            root.remove(element)
    return _serialize(root, data)


def _filled_conf(data: bytes, labels: list[str], key: str, value: str) -> bytes:
    """The conf sheet with ``value`` (an inline string) beside the cell labelled ``key``."""
    root = SafeET.fromstring(data)
    q = lambda tag: f"{{{_MAIN}}}{tag}"  # noqa: E731
    for row in root.iter(q("row")):
        cells = row.findall(q("c"))
        label = cells[0] if cells and cells[0].get("r", "").startswith("A") else None
        if label is None or label.get("t") != "s" or labels[int(label.find(q("v")).text)] != key:
            continue
        for cell in cells[1:]:
            row.remove(cell)
        number = label.get("r")[1:]
        cell = ET.SubElement(row, q("c"), r=f"B{number}", t="inlineStr")
        if label.get("s"):
            cell.set("s", label.get("s"))
        ET.SubElement(ET.SubElement(cell, q("is")), q("t")).text = value
        row.set("spans", "1:2")
        return _serialize(root, data)
    raise AddinError(f"the conf sheet of the xlwings template has no {key!r} row.")


def _shared_strings(package: zipfile.ZipFile) -> list[str]:
    root = SafeET.fromstring(package.read("xl/sharedStrings.xml"))
    return ["".join(t.text or "" for t in si.iter(f"{{{_MAIN}}}t"))
            for si in root.findall(f"{{{_MAIN}}}si")]


def build_addin(out_path: str | Path = "gdfit.xlam") -> Path:
    """Write ``gdfit.xlam`` (see the module docstring) and return its path.

    The file must be named ``gdfit.xlam``: the template's ``RunMain`` imports the module named
    like the file.
    """
    out = Path(out_path)
    if out.is_dir():
        out = out / ADDIN_FILE
    if out.name.lower() != ADDIN_FILE:
        raise AddinError(f"the add-in must be named gdfit.xlam (its Train button imports the "
                         f"module named like the file); got {out.name!r}.")
    with zipfile.ZipFile(template_path()) as package:
        conf_name, conf_part = _conf_part(package)
        ribbon = _ribbon(package.read(RIBBON))
        changed = {RIBBON: ribbon,
                   PACKAGE_RELS: _ribbon_relationship(package.read(PACKAGE_RELS), ribbon),
                   CORE: _core_without_content_type(package.read(CORE)),
                   WORKBOOK: _active_conf(package.read(WORKBOOK), conf_name),
                   conf_part: _filled_conf(package.read(conf_part), _shared_strings(package),
                                           "UDF Modules", UDF_MODULES)}
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(out.name + ".tmp")
        with zipfile.ZipFile(tmp, "w") as target:
            for info in package.infolist():
                target.writestr(info, changed.get(info.filename, package.read(info)))
    tmp.replace(out)
    return out


def install_addin(path: str | Path | None = None) -> Path:
    """Install ``gdfit.xlam`` for Excel (into XLSTART, with xlwings' installer); build it first
    when ``path`` is None. Windows and macOS only."""
    if not sys.platform.startswith(("win", "darwin")):
        raise AddinError(f"Excel is not available on this system ({sys.platform}); run "
                         "'gdfit addin build' and install gdfit.xlam on Windows or macOS.")
    import argparse
    import tempfile

    from xlwings import cli

    source = Path(path) if path else build_addin(Path(tempfile.mkdtemp()) / "gdfit.xlam")
    cli.addin_install(argparse.Namespace(file=str(source), dir=None, glob=False))
    return source


def add_addin_command(sub) -> None:
    """Add ``gdfit addin build [--out PATH]`` and ``gdfit addin install [--file PATH]``."""
    parser = sub.add_parser("addin", help="build or install the Excel add-in gdfit.xlam")
    actions = parser.add_subparsers(dest="addin_command", required=True)
    build = actions.add_parser("build", help="write gdfit.xlam from xlwings' ribbon template")
    build.add_argument("--out", default="gdfit.xlam", help="file or folder (default gdfit.xlam)")
    build.set_defaults(handler=_cmd_build)
    install = actions.add_parser("install", help="install gdfit.xlam into Excel's XLSTART folder")
    install.add_argument("--file", help="an existing gdfit.xlam (default: build one)")
    install.set_defaults(handler=_cmd_install)


def _cmd_build(args) -> int:
    print(f"wrote {build_addin(args.out)}")
    return 0


def _cmd_install(args) -> int:
    print(f"installed {install_addin(args.file)}")
    return 0
