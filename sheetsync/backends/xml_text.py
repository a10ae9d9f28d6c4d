"""Text in XML: escaped as xml.sax.saxutils escapes it and read back, without importing it (it imports
urllib.request, and with it http.client, email and ssl: a tenth of a small sync's start)."""

from __future__ import annotations

import functools
import re

XML_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));")
XML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
NAME_ENDS = (b" ", b">", b"/", b"\t", b"\n", b"\r")  # what may follow an element's name in its tag


@functools.lru_cache(maxsize=32)
def _opening(local: str, as_bytes: bool) -> re.Pattern:
    pattern = rf"<(\w+:)?{local}\b"
    return re.compile(pattern.encode() if as_bytes else pattern)


def element_prefix(xml: str | bytes, local: str) -> str | bytes:
    """The namespace prefix the first `local` element is written with ("x:" for <x:sheetData>),
    or "" (in the type of `xml`)."""
    found = _opening(local, isinstance(xml, bytes)).search(xml)
    return (found[1] or xml[:0]) if found else xml[:0]


def spelled(needles: tuple[bytes, ...], prefix: bytes) -> tuple[bytes, ...]:
    """`needles` as a part writing its elements under `prefix` spells them: an element's opening
    (b"<f") becomes b"<x:f"; other byte strings stay."""
    if not prefix:
        return needles
    return tuple(b"<" + prefix + n[1:] if n[:1] == b"<" and n[1:2].isalpha() else n for n in needles)


NOT_MARKUP = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.S)


def markup_only(xml: bytes) -> bytes:
    """A well-formed part without its comments, CDATA sections and processing instructions: what
    they hold looks like tags to a pattern (a comment full of "<row " would make a search for a
    row's end go over the whole part, again and again). Each of them ends where it says (the part
    is well-formed: limits.check_package), so this is one pass."""
    if b"<!--" not in xml and b"<![CDATA[" not in xml and b"<?" not in xml[2:]:
        return xml
    return NOT_MARKUP.sub(b"", xml)


def escape(data: str) -> str:
    """&, < and > as entities (xml.sax.saxutils.escape)."""
    return data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def unescape_xml(text: str) -> str:
    """Attribute or text content as it reads: the five entities and character references
    (&#66; &#x42;) resolved, in one pass."""

    def one(m: re.Match) -> str:
        if m[3]:
            return XML_ENTITIES[m[3]]
        code = int(m[1]) if m[1] else int(m[2], 16)
        return chr(code) if 0 < code <= 0x10FFFF else m[0]

    return XML_REFERENCE.sub(one, text)


def quoteattr(data: str) -> str:
    """An attribute value with its quotes, escaped (xml.sax.saxutils.quoteattr): double quotes,
    or single ones around a value holding double quotes but no single one."""
    data = escape(data).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in data:
        if "'" in data:
            return '"{}"'.format(data.replace('"', "&quot;"))
        return f"'{data}'"
    return f'"{data}"'
