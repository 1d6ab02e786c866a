"""Checks on a workbook gdfit added its sheets to: the user's parts byte for byte, the index parts
changed by additions only, the validator's errors, and gdfit's formulas recalculated."""
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

# The parts that list gdfit's sheets and styles; every other part of the user's is copied as it is.
INDEX_PARTS = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "docProps/app.xml",
               "xl/styles.xml"}
# Attributes of the user's elements that gdfit may change: the counts of the style lists it appends
# to, and the workbook's calculation flag (turned on so that Excel calculates gdfit's formulas).
CHANGEABLE = {"count", "fullCalcOnLoad"}
VALIDATOR = Path(__file__).resolve().parents[3] / "shared" / "tools" / "xlsx-validate" / "validate"


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def _contains(old: ET.Element, new: ET.Element) -> bool:
    """``new`` is ``old`` with additions: the same name and text, old's attributes (but CHANGEABLE),
    and old's children, in their order, each contained in one of new's."""
    if old.tag != new.tag or (old.text or "").strip() != (new.text or "").strip():
        return False
    if any(new.get(k) != v for k, v in old.attrib.items() if k not in CHANGEABLE):
        return False
    children = iter(list(new))
    return all(any(_contains(child, candidate) for candidate in children) for child in old)


def assert_additions_only(old: bytes, new: bytes, name: str) -> None:
    assert _contains(ET.fromstring(old), ET.fromstring(new)), f"{name}: the user's elements changed"


def assert_user_parts_kept(original, output) -> dict[str, bytes]:
    """Every part of ``original`` is in ``output``: byte-identical, or for an index part with
    additions only. Returns the parts gdfit added."""
    before, after = members(original), members(output)
    for name, data in before.items():
        assert name in after, f"{name} was dropped"
        if name in INDEX_PARTS or name.endswith(("/workbook.xml", "workbook.xml.rels", "/styles.xml")) \
                or name in ("workbook.xml", "styles.xml"):  # a workbook part outside xl/, as some writers put it
            assert_additions_only(data, after[name], name)
        else:
            assert after[name] == data, f"{name} changed"
    return {n: d for n, d in after.items() if n not in before}


def validator_errors(*paths) -> dict[str, int]:
    """Errors the Open XML validator reports per file (its three checks together), by file name."""
    run = subprocess.run([str(VALIDATOR), "--ignore-font-order", *map(str, paths)], capture_output=True,
                         text=True, timeout=900)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    errors = {Path(p).name: 0 for p in paths}
    for name, count in re.findall(r"^== (.+?): (\d+) (?:XSD )?error", run.stdout, re.M):
        errors[Path(name).name] += int(count)
    return errors
