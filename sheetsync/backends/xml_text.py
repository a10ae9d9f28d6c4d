"""Text in XML: escaped as xml.sax.saxutils escapes it, without importing it (it imports
urllib.request, and with it http.client, email and ssl: a tenth of a small sync's start)."""

from __future__ import annotations


def escape(data: str) -> str:
    """&, < and > as entities (xml.sax.saxutils.escape)."""
    return data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def unescape(data: str) -> str:
    """&lt;, &gt; and &amp; back to their characters (xml.sax.saxutils.unescape)."""
    return data.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def quoteattr(data: str) -> str:
    """An attribute value with its quotes, escaped (xml.sax.saxutils.quoteattr): double quotes,
    or single ones around a value holding double quotes but no single one."""
    data = escape(data).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' in data:
        if "'" in data:
            return '"{}"'.format(data.replace('"', "&quot;"))
        return f"'{data}'"
    return f'"{data}"'
