"""Surgical writing of generated sheets into a LibreOffice .ods package.

All sheets of an .ods live in content.xml: the generated <table:table> elements are replaced
or appended there, and the cell styles they need are added to its automatic styles. Every
other sheet's XML keeps its exact text, and every other part of the zip its exact bytes.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from decimal import Decimal

from sheetsync.backends.limits import repeat_count
from sheetsync.backends.odf_charts import (
    CHARACTER_CM,
    drop_objects,
    objects_in,
    put_objects,
    shapes_xml,
    update_manifest,
)
from sheetsync.backends.ooxml import ILLEGAL_XML, Package
from sheetsync.backends.xml_text import escape, quoteattr, unescape_xml
from sheetsync.errors import SetupError
from sheetsync.i18n import N_
from sheetsync.model import CURRENCY_SYMBOLS
from sheetsync.model.names import same_tab
from sheetsync.model.schema import is_generated_title
from sheetsync.present.table import Table, fit_cell

CONTENT = "content.xml"
STYLE_NAMES = {
    "money": "sheetsyncMoney",
    "rate": "sheetsyncRate",
    "date": "sheetsyncDate",
    "datetime": "sheetsyncDateTime",
    "header": "sheetsyncHeader",
    "title": "sheetsyncTitle",
}


def _styles(currency: str) -> str:
    symbol = escape(CURRENCY_SYMBOLS.get(currency, currency))
    number = (
        '<number:number number:decimal-places="{0}" number:min-decimal-places="{0}" number:min-integer-digits="1"{1}/>'
    )
    day = (
        '<number:year number:style="long"/><number:text>-</number:text><number:month number:style="long"/>'
        '<number:text>-</number:text><number:day number:style="long"/>'
    )
    cell = (
        '<style:style style:name="{0}" style:family="table-cell" style:parent-style-name="Default"{1}>{2}</style:style>'
    )
    grouping = ' number:grouping="true"'
    currency_text = f"<number:text> </number:text><number:currency-symbol>{symbol}</number:currency-symbol>"
    return "".join(
        [
            f'<number:currency-style style:name="sheetsyncN1">{number.format(2, grouping)}'
            f"{currency_text}</number:currency-style>",
            f'<number:number-style style:name="sheetsyncN2">{number.format(4, "")}</number:number-style>',
            f'<number:date-style style:name="sheetsyncN3">{day}</number:date-style>',
            f'<number:date-style style:name="sheetsyncN4">{day}<number:text> </number:text>'
            '<number:hours number:style="long"/><number:text>:</number:text><number:minutes number:style="long"/>'
            "</number:date-style>",
            cell.format("sheetsyncMoney", ' style:data-style-name="sheetsyncN1"', ""),
            cell.format("sheetsyncRate", ' style:data-style-name="sheetsyncN2"', ""),
            cell.format("sheetsyncDate", ' style:data-style-name="sheetsyncN3"', ""),
            cell.format("sheetsyncDateTime", ' style:data-style-name="sheetsyncN4"', ""),
            cell.format(
                "sheetsyncHeader",
                "",
                '<style:text-properties fo:font-weight="bold" '
                'style:font-weight-asian="bold" style:font-weight-complex="bold"/>',
            ),
            cell.format("sheetsyncTitle", "", '<style:text-properties fo:font-style="italic" fo:color="#666666"/>'),
        ]
    )


def _table_cell(value: object, kind: str, currency: str) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, str):
        style = f' table:style-name="{STYLE_NAMES[kind]}"' if kind in ("header", "title") else ""
        return (
            f'<table:table-cell{style} office:value-type="string" calcext:value-type="string">'
            f"<text:p>{escape(fit_cell(ILLEGAL_XML.sub('', value)))}</text:p></table:table-cell>"
        )
    if isinstance(value, (datetime, date)):
        iso = value.isoformat(timespec="seconds") if isinstance(value, datetime) else value.isoformat()
        style = STYLE_NAMES["datetime" if isinstance(value, datetime) and kind == "datetime" else "date"]
        return (
            f'<table:table-cell table:style-name="{style}" office:value-type="date" office:date-value="{iso}" '
            f'calcext:value-type="date"><text:p>{iso.replace("T", " ")}</text:p></table:table-cell>'
        )
    if isinstance(value, time):  # a time of day alone (ISO 8601 duration, as ODF writes one)
        duration = f"PT{value.hour:02d}H{value.minute:02d}M{value.second:02d}S"
        return (
            f'<table:table-cell office:value-type="time" office:time-value="{duration}" calcext:value-type="time">'
            f"<text:p>{value:%H:%M}</text:p></table:table-cell>"
        )
    text = f"{value:f}" if isinstance(value, Decimal) else repr(value)
    if kind == "money":
        return (
            f'<table:table-cell table:style-name="sheetsyncMoney" office:value-type="currency" '
            f'office:currency="{escape(currency)}" office:value="{text}" calcext:value-type="currency">'
            f"<text:p>{text}</text:p></table:table-cell>"
        )
    style = ' table:style-name="sheetsyncRate"' if kind == "rate" else ""
    return (
        f'<table:table-cell{style} office:value-type="float" office:value="{text}" calcext:value-type="float">'
        f"<text:p>{text}</text:p></table:table-cell>"
    )


def table_xml(table: Table, objects: list[str] = ()) -> str:
    """A generated table as an ODF <table:table> element: typed cells, text never a formula; its charts
    drawn from the chart objects `objects`."""
    rows = []
    if table.title:
        rows.append(_table_cell(table.title, "title", table.currency))
    rows.append("".join(_table_cell(c.header or None, "header", table.currency) for c in table.columns))
    kinds = [c.kind for c in table.columns]
    for values in table.rows:
        rows.append(
            "".join(
                _table_cell(v, kinds[i] if i < len(kinds) else "text", table.currency) for i, v in enumerate(values)
            )
        )
    body = "".join(f"<table:table-row>{r}</table:table-row>" for r in rows)
    columns = (
        "".join(f'<table:table-column table:style-name="{_width_style(c.shown_width)}"/>' for c in table.columns)
        or "<table:table-column/>"
    )
    shapes = shapes_xml(table, list(objects))
    return f"<table:table table:name={quoteattr(table.name)}>{shapes}{columns}{body}</table:table>"


def _width_style(characters: int) -> str:
    return f"sheetsyncWidth{characters}"


def _width_styles(xml: str, tables: list[Table]) -> str:
    """The column styles the tables' widths need that content.xml does not hold yet: a character
    about 0.2 cm wide, as the widths of the .xlsx writer."""
    widths = sorted({c.shown_width for t in tables for c in t.columns})
    return "".join(
        f'<style:style style:name="{_width_style(w)}" style:family="table-column">'
        f'<style:table-column-properties style:column-width="{w * CHARACTER_CM:.2f}cm"/></style:style>'
        for w in widths
        if f'style:name="{_width_style(w)}"' not in xml
    )


def _tables(xml: str) -> dict[str, tuple[int, int]]:
    """Sheet name (as `same_tab` compares them) -> (start, end) of its <table:table> element in content.xml."""
    found = {}
    for m in re.finditer(r"<table:table\s[^>]*?table:name=\"([^\"]*)\"[^>]*>", xml):
        end = xml.index("</table:table>", m.end()) + len("</table:table>")
        found[same_tab(unescape_xml(m[1]))] = (m.start(), end)
    return found


def _first_text(segment: str) -> str:
    m = re.search(r"<text:p\b[^>]*>(.*?)</text:p>", segment, re.S)
    return unescape_xml(re.sub(r"<[^>]+>", "", m[1])) if m else ""


def _with_styles(xml: str, tables: list[Table]) -> str:
    """content.xml with the cell styles `tables`' cells name and their column widths, added to its
    automatic styles where it lacks them."""
    added = ("" if 'style:name="sheetsyncMoney"' in xml else _styles(tables[0].currency)) + _width_styles(xml, tables)
    if not added:
        return xml
    styles = re.search(r"<office:automatic-styles\b[^>]*?(/?)>", xml)
    if styles is None:  # none yet (a program that writes no styles): they go before the body
        at = xml.index("<office:body")
        return f"{xml[:at]}<office:automatic-styles>{added}</office:automatic-styles>{xml[at:]}"
    if styles[1]:  # <office:automatic-styles/>
        return f"{xml[: styles.start()]}<office:automatic-styles>{added}</office:automatic-styles>{xml[styles.end() :]}"
    at = xml.index("</office:automatic-styles>", styles.end())
    return xml[:at] + added + xml[at:]


_TABLE_ROW = re.compile(r"<table:table-row(?=[\s/>])([^>]*?)(/?)>")  # not <table:table-row-group>
_ROWS_REPEATED = re.compile(r"""\s*\btable:number-rows-repeated\s*=\s*(["'])(.*?)\1""")
_SHOWN_AFRESH = re.compile(r"""\s*\btable:(?:number-rows-repeated|visibility)\s*=\s*(["']).*?\1""")
_HOLDING = re.compile(r"office:value-type=|table:formula=|<text:|<draw:|<office:annotation")


def append_ods_row(package: Package, table: Table, row: list) -> bool:
    """Add `row` to the existing sheet `table.name` as one row below `table.rows` (the tab's rows
    as just read), every other row of content.xml kept as its text is: the group's formulas,
    hidden rows and styles. An empty row at that place (LibreOffice writes the rows below the
    last as one row repeated) gives up one of its repeats to it. False when the sheet is not
    there, holds a table in a cell, or holds something at that row: the caller writes the tab whole."""
    xml = package.text(CONTENT)
    span = _tables(xml).get(same_tab(table.name))
    if span is None or "<table:table " in xml[span[0] + 1 : span[1]]:
        return False
    number = table.header_row + len(table.rows) + 1
    kinds = [c.kind for c in table.columns]
    values = list(row)
    while values and values[-1] is None:
        values.pop()
    cells = "".join(
        _table_cell(v, kinds[i] if i < len(kinds) else "text", table.currency) for i, v in enumerate(values)
    )
    seen, last_end = 0, None
    for m in _TABLE_ROW.finditer(xml, span[0], span[1]):
        end = m.end() if m[2] else xml.index("</table:table-row>", m.end()) + len("</table:table-row>")
        repeated = _ROWS_REPEATED.search(m[1])
        count = repeat_count(repeated[2] if repeated else None)  # as the reader counts them
        if seen + count >= number:  # the row element at the new row's place
            if _HOLDING.search(xml, m.start(), end):
                return False
            before, after = number - seen - 1, seen + count - number
            kept = _SHOWN_AFRESH.sub("", m[1])  # the row's own style (its height), shown
            added = f"<table:table-row{kept}>{cells}</table:table-row>"
            element = xml[m.start() : end]
            xml = xml[: m.start()] + _repeated(element, before) + added + _repeated(element, after) + xml[end:]
            break
        seen, last_end = seen + count, end
    else:
        if last_end is None:
            return False
        xml = xml[:last_end] + f"<table:table-row>{cells}</table:table-row>" + xml[last_end:]
    package.put(CONTENT, _with_styles(xml, [table]))
    return True


def _repeated(element: str, times: int) -> str:
    """An empty <table:table-row> element standing for `times` rows ("" for none)."""
    if times <= 0:
        return ""
    start = _TABLE_ROW.match(element)
    attributes = _ROWS_REPEATED.sub("", start[1]) + (f' table:number-rows-repeated="{times}"' if times > 1 else "")
    return f"<table:table-row{attributes}{start[2]}>" + element[start.end() :]


def write_generated_ods(package: Package, tables: list[Table]) -> None:
    """Replace (or append) the generated sheets in content.xml; refuse a sheet of the group's that
    bears one of their names."""
    if not tables:
        return
    xml = _with_styles(package.text(CONTENT), tables)
    dropped: list[str] = []
    spans = _tables(xml)
    for table in tables:
        if same_tab(table.name) in spans:
            start, end = spans[same_tab(table.name)]
            segment = xml[start:end]
            if "<table:table " in segment[1:] or not is_generated_title(_first_text(segment)):
                raise SetupError(
                    N_('The workbook has a tab "{name}" that sheetsync did not generate; it is left as it is.'),
                    N_('Rename that tab (sheetsync writes its own "{name}" tab), then run again.'),
                    name=table.name,
                )
            dropped += drop_objects(package, objects_in(segment))  # the charts of the last sync
    objects = {table.name: put_objects(package, table) for table in tables}
    for table in tables:
        spans = _tables(xml)
        new = table_xml(table, objects[table.name])
        if same_tab(table.name) in spans:
            start, end = spans[same_tab(table.name)]
            xml = xml[:start] + new + xml[end:]
        else:
            last_end = max((end for _, end in spans.values()), default=None)
            if last_end is None:
                raise SetupError(N_("The .ods file holds no sheet."), N_("Open it in LibreOffice and save it again."))
            xml = xml[:last_end] + new + xml[last_end:]
    package.put(CONTENT, xml)
    update_manifest(package, dropped, [name for names in objects.values() for name in names])
