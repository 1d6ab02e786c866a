"""Additions to an XML part that leave every byte of its existing markup where it was.

gdfit adds entries to a few of a user's index parts (``workbook.xml``, its relationships, the
content types, ``styles.xml``). Parsing and re-serialising them would rename namespace prefixes and
drop declarations that only ``mc:Ignorable`` uses, which Excel then refuses; so the part is parsed
once with expat (byte offsets of every element, prefixes as written) and edited by splicing new
elements, serialised with ElementTree, in at those offsets.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Sequence
from xml.parsers import expat

__all__ = ["XmlError", "XmlNode", "XmlPart", "element_bytes"]

# A start tag: attribute values are quoted and may hold ">", so the tag ends at the first ">" outside quotes.
_START_TAG = re.compile(rb"""<[^\s/>]+(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
_XMLNS = "xmlns"


class XmlError(ValueError):
    """A part that is not well-formed XML or declares a DTD (refused as unsafe); ``unusual`` when it
    is well-formed but in a form gdfit does not edit (not UTF-8)."""

    def __init__(self, message: str, unusual: bool = False):
        super().__init__(message)
        self.unusual = unusual


@dataclass(eq=False)
class XmlNode:
    """One element: its name as written, attributes, the namespaces in scope and its byte span."""

    qname: str
    attrs: dict[str, str]
    nsmap: dict[str, str]  # prefix ("" for the default namespace) -> namespace URI
    start: int  # offset of "<"
    start_end: int  # offset just after the start tag's ">"
    empty: bool  # written as <x/>
    parent: XmlNode | None
    children: list[XmlNode] = field(default_factory=list)
    end: int = -1  # offset just after the element
    end_tag: int = -1  # offset of "</x>" (== end for an empty element)

    @property
    def prefix(self) -> str:
        return self.qname.split(":", 1)[0] if ":" in self.qname else ""

    @property
    def local(self) -> str:
        return self.qname.rsplit(":", 1)[-1]

    @property
    def ns(self) -> str | None:
        return self.nsmap.get(self.prefix)

    def child(self, local: str) -> XmlNode | None:
        return next((c for c in self.children if c.local == local), None)

    def all(self, local: str) -> list[XmlNode]:
        return [c for c in self.children if c.local == local]

    def attr(self, local: str, ns: str | None = None) -> str | None:
        """An attribute by local name; with ``ns``, only one of that namespace (e.g. ``r:id``)."""
        for name, value in self.attrs.items():
            prefix, _, rest = name.rpartition(":")
            if rest != local:
                continue
            if ns is None and not prefix:
                return value
            if ns is not None and prefix and self.nsmap.get(prefix) == ns:
                return value
        return None

    def prefix_of(self, ns: str) -> str | None:
        """The prefix bound to ``ns`` here ("" when it is the default namespace), or None."""
        return next((p for p, uri in self.nsmap.items() if uri == ns), None)

    def name(self, local: str) -> str:
        """``local`` spelt with this element's prefix: a sibling or child in its namespace."""
        return f"{self.prefix}:{local}" if self.prefix else local


def element_bytes(qname: str, attrs: Sequence[tuple[str, str]] = (), text: str | None = None,
                  children: bytes = b"") -> bytes:
    """An element serialised by ElementTree (names as given, values escaped)."""
    el = ET.Element(qname)
    for key, value in attrs:
        el.set(key, value)
    if children:
        el.text = "\x00"  # a placeholder where the already-serialised children go
        head, tail = ET.tostring(el, encoding="unicode").split("\x00")
        return head.encode() + children + tail.encode()
    el.text = text
    return ET.tostring(el, encoding="unicode").encode()


class XmlPart:
    """A parsed part and the edits made to it; :meth:`result` applies them."""

    def __init__(self, data: bytes, name: str = "part"):
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data[:4] in (b"\x00<\x00?", b"<\x00?\x00"):
            raise XmlError(f"{name} is not UTF-8", unusual=True)
        self.data, self.name = data, name
        self.edits: list[tuple[int, int, bytes]] = []
        self.root: XmlNode | None = None
        stack: list[XmlNode] = []
        parser = expat.ParserCreate()  # no namespace processing: names and offsets as written

        def refuse(*_args):
            raise XmlError(f"{name} declares a DTD or entities; refused as unsafe")

        def start(qname, attrs):
            offset = parser.CurrentByteIndex
            tag = _START_TAG.match(data, offset)
            if tag is None:
                raise XmlError(f"{name}: unreadable start tag at byte {offset}")
            parent = stack[-1] if stack else None
            nsmap = dict(parent.nsmap) if parent else {}
            for key, value in attrs.items():
                if key == _XMLNS:
                    nsmap[""] = value
                elif key.startswith(_XMLNS + ":"):
                    nsmap[key[len(_XMLNS) + 1:]] = value
            node = XmlNode(qname, attrs, nsmap, offset, tag.end(), bool(tag.group(1)), parent)
            if parent is None:
                self.root = node
            else:
                parent.children.append(node)
            stack.append(node)

        def end(_qname):
            node = stack.pop()
            if node.empty:
                node.end = node.end_tag = node.start_end
            else:
                node.end_tag = parser.CurrentByteIndex
                node.end = data.index(b">", node.end_tag) + 1

        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        try:
            parser.Parse(data, True)
        except expat.ExpatError as exc:
            raise XmlError(f"{name} is not well-formed XML ({exc})") from None
        if self.root is None:
            raise XmlError(f"{name} has no root element")

    def fresh(self) -> XmlPart:
        """The same parse with no edits yet: the nodes found before stay valid for it."""
        copy = object.__new__(XmlPart)
        copy.data, copy.name, copy.root, copy.edits = self.data, self.name, self.root, []
        return copy

    # -- edits -------------------------------------------------------------------------------
    def insert(self, offset: int, content: bytes) -> None:
        self.edits.append((offset, offset, content))

    def remove(self, node: XmlNode) -> None:
        self.edits.append((node.start, node.end, b""))

    def replace(self, node: XmlNode, content: bytes) -> None:
        self.edits.append((node.start, node.end, content))

    def append(self, parent: XmlNode, content: bytes) -> None:
        """``content`` as the last children of ``parent``."""
        if parent.empty:  # <x/> becomes <x>content</x>
            tag = self.data[parent.start:parent.start_end]
            opened = tag[:-2].rstrip() + b">"
            self.edits.append((parent.start, parent.start_end, opened + content + f"</{parent.qname}>".encode()))
        else:
            self.insert(parent.end_tag, content)

    def add_child(self, parent: XmlNode, local: str, content: bytes, order: Sequence[str]) -> None:
        """A new child ``local`` placed where the schema's child ``order`` puts it."""
        rank = order.index(local)
        before = [c for c in parent.children if c.local in order and order.index(c.local) <= rank]
        if before:
            self.insert(before[-1].end, content)
        elif parent.empty:
            self.append(parent, content)
        else:
            self.insert(parent.start_end, content)

    def set_attr(self, node: XmlNode, name: str, value: str) -> None:
        """Set an attribute of ``node``'s start tag, the rest of the tag byte for byte."""
        tag = self.data[node.start:node.start_end]
        quoted = ET.tostring(ET.Element("x", {name: value}), encoding="unicode")[2:-3].strip().encode()
        found = re.search(rb"\s" + re.escape(name.encode()) + rb"""\s*=\s*("[^"]*"|'[^']*')""", tag)
        if found:
            start, end = node.start + found.start() + 1, node.start + found.end()
        else:
            start = end = node.start + len(tag) - (2 if node.empty else 1)
            quoted = b" " + quoted
        self.edits.append((start, end, quoted))

    def result(self) -> bytes:
        out, at = [], 0
        for start, end, content in sorted(self.edits, key=lambda e: (e[0], e[1])):
            if start < at:
                raise XmlError(f"{self.name}: overlapping edits")
            out += [self.data[at:start], content]
            at = end
        out.append(self.data[at:])
        return b"".join(out)

