"""Edits by insertion: the bytes of the markup already there stay as they were."""
import pytest

from gdfit.files.xml_edit import XmlError, XmlPart, element_bytes

DOC = (b'<?xml version="1.0"?>\n<x:root xmlns:x="urn:main" xmlns:r="urn:rel" a = \'1>2\'>\n'
       b'  <x:first/>\n  <x:third k="v"></x:third>\n  <x:empty   count="0" />\n</x:root>')


def test_offsets_prefixes_and_attributes_as_written():
    part = XmlPart(DOC)
    root = part.root
    assert (root.qname, root.local, root.ns, root.attr("a")) == ("x:root", "root", "urn:main", "1>2")
    assert [c.local for c in root.children] == ["first", "third", "empty"]
    third = root.child("third")
    assert DOC[third.start:third.end] == b'<x:third k="v"></x:third>'
    assert DOC[root.child("empty").start:root.child("empty").end] == b'<x:empty   count="0" />'
    assert root.prefix_of("urn:rel") == "r" and root.name("second") == "x:second"


def test_insertions_keep_every_other_byte():
    part = XmlPart(DOC)
    root = part.root
    part.add_child(root, "second", element_bytes("x:second", [("q", 'say "hi" & <go>')]),
                   ["first", "second", "third", "empty"])
    part.set_attr(root.child("third"), "k", "w")
    part.set_attr(root.child("third"), "new", "1")
    part.append(root.child("empty"), b"<x:item/>")
    out = part.result()
    assert out == (b'<?xml version="1.0"?>\n<x:root xmlns:x="urn:main" xmlns:r="urn:rel" a = \'1>2\'>\n'
                   b'  <x:first/><x:second q="say &quot;hi&quot; &amp; &lt;go&gt;" />\n'
                   b'  <x:third k="w" new="1"></x:third>\n  <x:empty   count="0"><x:item/></x:empty>\n</x:root>')
    assert XmlPart(out).root.child("second").attr("q") == 'say "hi" & <go>'


def test_a_dtd_is_refused_and_utf16_is_unusual():
    with pytest.raises(XmlError, match="DTD"):
        XmlPart(b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>')
    with pytest.raises(XmlError) as info:
        XmlPart('<?xml version="1.0" encoding="UTF-16"?><x/>'.encode("utf-16"))
    assert info.value.unusual
    with pytest.raises(XmlError, match="not well-formed"):
        XmlPart(b"<x><y></x>")
