"""Text in XML: escaped as xml.sax.saxutils escapes it and read back, without importing it (it imports
urllib.request, and with it http.client, email and ssl: a tenth of a small sync's start)."""

from __future__ import annotations

import re

XML_REFERENCE = re.compile(r"&(?:#([0-9]{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));")
XML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


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
