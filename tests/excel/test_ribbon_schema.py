"""The add-in's ribbon part against Microsoft's customUI schema of its namespace (2006/01).

libxml2 refuses to compile Microsoft's customUI.xsd as published: ten of its derived types repeat
an attribute their base type already declares (e.g. ``CT_ButtonRegular`` adds ``AG_Enabled`` to
``CT_Control``, which has it), which XSD 1.0 forbids and .NET's validator tolerates. The schema is
loaded with each repeated declaration dropped -- only where it has the same type as the one
inherited, so the schema accepts exactly what it did.
"""
import copy
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from gdfit.excel import addin
from gdfit.excel.addin import build_addin

XSD = Path(__file__).parents[1] / "data" / "customui" / "customUI.xsd"
XS = "{http://www.w3.org/2001/XMLSchema}"


def _compilable(tree):
    """``tree`` (the XSD) without attribute uses a derived type repeats from its base type."""
    root = tree.getroot()
    groups = {g.get("name"): g for g in root.findall(f"{XS}attributeGroup")}
    types = {t.get("name"): t for t in root.findall(f"{XS}complexType")}

    def group(name):
        g = groups[name]
        found = list(g.findall(f"{XS}attribute"))
        for ref in g.findall(f"{XS}attributeGroup"):
            found += group(ref.get("ref"))
        return found

    def declared(node):
        found = {a.get("name"): a.get("type") for a in node.findall(f"{XS}attribute")}
        for ref in node.findall(f"{XS}attributeGroup"):
            found.update({a.get("name"): a.get("type") for a in group(ref.get("ref"))})
        return found

    def inherited(name):
        t = types.get(name)
        if t is None:
            return {}
        derived = t.find(f"{XS}complexContent/*")
        return declared(t) if derived is None else {**inherited(derived.get("base")), **declared(derived)}

    dropped = []
    for name, t in types.items():
        extension = t.find(f"{XS}complexContent/{XS}extension")
        if extension is None:
            continue
        seen = inherited(extension.get("base"))
        for attribute in extension.findall(f"{XS}attribute"):
            if attribute.get("name") in seen:
                assert attribute.get("type") == seen[attribute.get("name")], (name, attribute.get("name"))
                extension.remove(attribute)
                dropped.append((name, attribute.get("name")))
        seen.update({a.get("name"): a.get("type") for a in extension.findall(f"{XS}attribute")})
        for ref in extension.findall(f"{XS}attributeGroup"):
            members = group(ref.get("ref"))
            repeated = [a for a in members if a.get("name") in seen]
            if repeated:  # keep the group's other attributes, declared one by one
                for a in repeated:
                    assert a.get("type") == seen[a.get("name")], (name, a.get("name"))
                at = list(extension).index(ref)
                extension.remove(ref)
                for a in (a for a in members if a.get("name") not in seen):
                    extension.insert(at, copy.deepcopy(a))
                    at += 1
                dropped += [(name, a.get("name")) for a in repeated]
            seen.update({a.get("name"): a.get("type") for a in members})
    return tree, dropped


@pytest.fixture(scope="module")
def schema():
    tree, dropped = _compilable(etree.parse(str(XSD)))
    assert len(dropped) == 20  # the repeats counted in Microsoft's file; a different file fails here
    return etree.XMLSchema(tree)


@pytest.fixture(scope="module")
def ribbon(tmp_path_factory):
    with zipfile.ZipFile(build_addin(tmp_path_factory.mktemp("addin") / "gdfit.xlam")) as package:
        return package.read("customUI/customUI.xml")


def test_the_schema_is_microsofts_for_the_ribbons_namespace(ribbon):
    target = etree.parse(str(XSD)).getroot().get("targetNamespace")
    assert target == etree.fromstring(ribbon).nsmap[None] == "http://schemas.microsoft.com/office/2006/01/customui"


def test_the_ribbon_part_is_valid_against_the_customui_schema(schema, ribbon):
    assert schema.validate(etree.fromstring(ribbon)), str(schema.error_log)
    with zipfile.ZipFile(addin.template_path()) as template:  # the template's own ribbon too
        assert schema.validate(etree.fromstring(template.read("customUI/customUI.xml")))


@pytest.mark.parametrize("fault, found", [
    (('size="large"', 'size="huge"'), "The value 'huge' is not an element of the set {'normal', 'large'}"),
    (('id="gdfitTrain"', 'id="gdfit Train"'), "is not a valid value of the atomic type"),
    (('screentip="Train"', 'screentip="Train" tooltip="Train"'), "The attribute 'tooltip' is not allowed"),
    (('<group ', '<button id="loose" label="x"/><group '), "This element is not expected"),
])
def test_the_schema_catches_a_planted_fault(schema, ribbon, fault, found):
    bad = ribbon.decode().replace(*fault, 1)
    assert bad != ribbon.decode()
    assert not schema.validate(etree.fromstring(bad.encode()))
    assert found in str(schema.error_log)
