"""Surgical writing of generated sheets into an .xlsx/.xlsm package.

Only the generated sheets' parts are replaced or added; the package entries they need are
inserted as text into the workbook, its relationships, the content types and the styles, so
every other part of the zip (the group's sheets, drawings, charts, comments, x14 extensions,
macros) keeps its exact bytes, and so do those four files when nothing needs adding.
"""

from __future__ import annotations

import copy
import io
import re
import struct
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from posixpath import dirname, join, normpath
from xml.parsers import expat

from sheetsync.backends.a1 import column_letter, column_number
from sheetsync.backends.xml_text import element_prefix, escape, quoteattr, unescape_xml
from sheetsync.errors import SetupError
from sheetsync.i18n import N_
from sheetsync.model.names import same_tab
from sheetsync.model.schema import is_generated_title
from sheetsync.present.table import Table, fit_cell, number_format
from sheetsync.read.cells import to_serial

WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
OFFICE_DOCUMENT_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"  # the same, in ISO 29500 Strict
# characters XML 1.0 cannot hold: dropped from text that came from cells
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _attr(tag_text: str, name: str) -> str | None:
    m = re.search(rf"""\s{re.escape(name)}\s*=\s*(?:"([^"]*)"|'([^']*)')""", tag_text)
    return (m[1] if m[1] is not None else m[2]) if m else None


def xml_text(value: object) -> str:
    """A value as XML text content: escaped, the characters XML cannot hold dropped."""
    return escape(ILLEGAL_XML.sub("", str(value)))


@dataclass
class Sheet:
    """A sheet of the workbook as workbook.xml lists it: name, id, relationship and part."""

    name: str
    sheet_id: int
    rel_id: str
    part: str  # zip entry name, e.g. xl/worksheets/sheet3.xml


class Package:
    """A zip package (.xlsx, .xlsm, .ods) opened for surgery: parts are read on demand, and only
    the parts put or removed differ when it is written out; every other entry is copied with its
    exact bytes, in the same order, compressed the same way. It works on the bytes it was given
    (the file as read once), never on a path that another program may replace meanwhile. Those
    bytes have passed limits.check_package, which proved every XML part well-formed."""

    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        self.infos = self.zip.infolist()
        self.names = {i.filename for i in self.infos}
        self.changed: dict[str, bytes] = {}
        self.removed: set[str] = set()
        self.added: list[str] = []
        self._workbook_part: str | None = None

    def __contains__(self, name: str) -> bool:
        return (name in self.names or name in self.changed) and name not in self.removed

    def entries(self) -> set[str]:
        return (self.names | set(self.changed)) - self.removed

    def bytes_of(self, name: str) -> bytes:
        if name in self.changed:
            return self.changed[name]
        return self.zip.read(name)

    def text(self, name: str) -> str:
        """A part the writers read or edit as text, in UTF-8 (else ValueError). Its being
        well-formed was proven by limits.check_package, once, before the package was made."""
        return self.bytes_of(name).decode("utf-8")

    def put(self, name: str, content: str | bytes) -> None:
        if name not in self.names and name not in self.changed:
            self.added.append(name)
        self.removed.discard(name)
        self.changed[name] = content.encode("utf-8") if isinstance(content, str) else content

    def remove(self, name: str) -> None:
        self.changed.pop(name, None)
        if name in self.added:
            self.added.remove(name)
        if name in self.names:
            self.removed.add(name)

    def write(self, destination) -> None:
        """The package with its changes, into `destination` (a path). Unchanged entries are copied
        as they are stored, compressed bytes and all, so a large sheet is neither inflated nor
        deflated again; changed and new ones are compressed afresh."""
        for name, content in self.changed.items():
            if name.endswith((".xml", ".rels")):
                _well_formed(name, content)
        raw = io.BytesIO(self.data)
        with zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self.infos:
                if info.filename in self.removed:
                    continue
                data = self.changed.get(info.filename)
                if data is not None:
                    out.writestr(info, data, compress_type=info.compress_type)
                else:
                    _copy_stored(raw, info, out)
            for name in self.added:
                out.writestr(
                    zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)),
                    self.changed[name],
                    compress_type=zipfile.ZIP_DEFLATED,
                )

    # the workbook and its sheets ---------------------------------------------------------
    def workbook_part(self) -> str:
        """The workbook index's entry, as the package's relationships name it (read once)."""
        if self._workbook_part is None:
            found = (target for kind, target in self.relationships("").values() if kind == OFFICE_DOCUMENT_REL)
            self._workbook_part = next(found, "xl/workbook.xml")
        return self._workbook_part

    @staticmethod
    def rels_of(part: str) -> str:
        return join(dirname(part), "_rels", part.rsplit("/", 1)[-1] + ".rels")

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """rId -> (type, target entry name) of a part's relationships."""
        rels_name = self.rels_of(part)
        if rels_name not in self:
            return {}
        found = {}
        for rel in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", self.text(rels_name)):
            target = _attr(rel, "Target") or ""
            resolved = target.lstrip("/") if target.startswith("/") else normpath(join(dirname(part), target))
            found[_attr(rel, "Id")] = (_attr(rel, "Type"), resolved)
        return found

    def sheets(self) -> list[Sheet]:
        wb_part = self.workbook_part()
        wb, rels = self.text(wb_part), self.relationships(wb_part)
        r_prefix = _prefix_of(wb, REL_NS) or "r"
        sheets = []
        for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", wb):
            rel_id = _attr(tag, f"{r_prefix}:id")
            sheets.append(Sheet(unescape_xml(_attr(tag, "name")), int(_attr(tag, "sheetId")), rel_id, rels[rel_id][1]))
        return sheets


class MalformedOutput(Exception):
    """A part sheetsync made is not well-formed XML: a fault of sheetsync's, never the workbook's
    (said as an unexpected error; nothing is written)."""


def _well_formed(name: str, xml: bytes) -> None:
    """A part sheetsync edited is well-formed XML, or nothing is written: a workbook no program can
    open is never what a run leaves."""
    try:
        expat.ParserCreate().Parse(xml, True)
    except expat.ExpatError as exc:
        raise MalformedOutput(f"sheetsync made its part {name} malformed ({exc})") from None


def _copy_stored(raw, info: zipfile.ZipInfo, out: zipfile.ZipFile) -> None:
    """Copy one entry of the source zip (open as `raw`) into `out` byte for byte: its local header,
    its stored data and its data descriptor; the central directory gets the same record, moved."""
    raw.seek(info.header_offset)
    header = raw.read(30)
    if header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    length = 30 + name_length + extra_length + info.compress_size
    if info.flag_bits & 0x08:  # a data descriptor follows the data
        raw.seek(info.header_offset + length)
        length += 16 if raw.read(4) == b"PK\x07\x08" else 12
    raw.seek(info.header_offset)
    moved = copy.copy(info)
    moved.header_offset = out.start_dir
    out.fp.seek(out.start_dir)
    left = length
    while left:
        block = raw.read(min(left, 1 << 20))
        if not block:
            raise zipfile.BadZipFile(f"{info.filename} is cut short")
        out.fp.write(block)
        left -= len(block)
    out.start_dir = out.fp.tell()
    out.filelist.append(moved)
    out.NameToInfo[moved.filename] = moved
    out._didModify = True  # so that closing writes the central directory


def _prefix_of(xml: str, namespace: str) -> str | None:
    m = re.search(rf'xmlns:(\w+)="{re.escape(namespace)}"', xml)
    return m[1] if m else None


def _insert_before_close(xml: str, local: str, snippet: str) -> str:
    """`snippet` inserted before </local> (or into <local/>)."""
    closing = re.search(rf"</(\w+:)?{local}>", xml)
    if closing:
        return xml[: closing.start()] + snippet + xml[closing.start() :]
    empty = re.search(rf"<((?:\w+:)?{local})(\b[^>]*)/>", xml)
    if empty:
        return xml[: empty.start()] + f"<{empty[1]}{empty[2]}>{snippet}</{empty[1]}>" + xml[empty.end() :]
    raise ValueError(f"no <{local}> element")


def first_cell_text(package: Package, part: str) -> str | None:
    """The text of A1 in a sheet part (inline or shared string), None if it holds no text."""
    xml = package.text(part)
    m = re.search(r'<(?:\w+:)?c\b[^>]*\br="A1"[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)', xml, re.S)
    if not m or not m[1]:
        return None
    tag = m[0][: m[0].index(">")]
    kind = _attr(tag, "t")
    if kind == "inlineStr":
        return unescape_xml("".join(re.findall(r"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", m[1], re.S)))
    if kind == "s":
        index = int(re.search(r"<(?:\w+:)?v>(\d+)</", m[1])[1])
        strings = re.findall(r"<(?:\w+:)?si>(.*?)</(?:\w+:)?si>", package.text("xl/sharedStrings.xml"), re.S)
        return unescape_xml("".join(re.findall(r"<(?:\w+:)?t\b[^>]*>(.*?)</(?:\w+:)?t>", strings[index], re.S)))
    return None


# styles ------------------------------------------------------------------------------------


class Styles:
    """The cell styles generated sheets need, found in styles.xml or appended to it (as text)."""

    def __init__(self, package: Package, currency: str):
        self.package, self.name = package, "xl/styles.xml"
        self.xml = package.text(self.name)
        self.changed = False
        self.formats = {kind: number_format(kind, currency) for kind in ("money", "rate", "date", "datetime", "time")}

    def _items(self, block: str, item: str) -> list[str]:
        m = re.search(rf"<(?:\w+:)?{block}\b[^>]*>(.*?)</(?:\w+:)?{block}>", self.xml, re.S)
        if not m:
            return []
        return re.findall(rf"<(?:\w+:)?{item}\b(?:[^>]*/>|.*?</(?:\w+:)?{item}>)", m[1], re.S)

    def _append(self, block: str, snippet: str) -> None:
        self.xml = _insert_before_close(self.xml, block, snippet)
        count = len(self._items(block, block[:-1] if block != "cellXfs" else "xf"))
        self.xml = re.sub(rf'(<(?:\w+:)?{block}\b[^>]*\bcount=")\d+(")', rf"\g<1>{count}\2", self.xml, count=1)
        self.changed = True

    def number_format(self, code: str) -> int:
        prefix = element_prefix(self.xml, "styleSheet")
        for tag in re.findall(r"<(?:\w+:)?numFmt\b[^>]*>", self.xml):
            if unescape_xml(_attr(tag, "formatCode") or "") == code:
                return int(_attr(tag, "numFmtId"))
        ids = [int(_attr(t, "numFmtId")) for t in re.findall(r"<(?:\w+:)?numFmt\b[^>]*>", self.xml)]
        new_id = max([163, *ids]) + 1
        snippet = f'<{prefix}numFmt numFmtId="{new_id}" formatCode={quoteattr(code)}/>'
        if re.search(r"<(?:\w+:)?numFmts\b", self.xml):
            self._append("numFmts", snippet)
        else:
            opening = re.search(r"<(?:\w+:)?styleSheet\b[^>]*>", self.xml)
            self.xml = (
                self.xml[: opening.end()]
                + f'<{prefix}numFmts count="1">{snippet}</{prefix}numFmts>'
                + self.xml[opening.end() :]
            )
            self.changed = True
        return new_id

    def font(self, extra: str) -> int:
        """A font like the workbook's default one, plus `extra` (e.g. "<b/>")."""
        fonts = self._items("fonts", "font")
        base = re.sub(r"^<((?:\w+:)?font)\b[^>]*?(/?)>", r"<\1>", fonts[0]) if fonts else "<font></font>"
        if base.endswith("/>"):
            base = base[:-2] + "></font>"
        wanted = re.sub(r"<((?:\w+:)?font)>", lambda m: f"<{m[1]}>{extra}", base, count=1)
        if wanted in fonts:
            return fonts.index(wanted)
        self._append("fonts", wanted)
        return len(fonts)

    def xf(self, num_fmt: int, font: int) -> int:
        prefix = element_prefix(self.xml, "styleSheet")
        wanted = (
            f'<{prefix}xf numFmtId="{num_fmt}" fontId="{font}" fillId="0" borderId="0" xfId="0" '
            f'applyNumberFormat="1" applyFont="1"/>'
        )
        xfs = self._items("cellXfs", "xf")
        if wanted in xfs:
            return xfs.index(wanted)
        self._append("cellXfs", wanted)
        return len(xfs)

    def for_table(self) -> dict[str, int]:
        """Style index per cell kind, plus "title" and "header"."""
        plain = self.font("")
        styles = {kind: self.xf(self.number_format(code), plain) for kind, code in self.formats.items()}
        styles["header"] = self.xf(0, self.font("<b/>"))
        styles["title"] = self.xf(0, self.font('<i/><color rgb="FF666666"/>'))
        return styles

    def save(self) -> None:
        if self.changed:
            self.package.put(self.name, self.xml)


# sheet XML -------------------------------------------------------------------------------------


def _sheet_cell(ref: str, value: object, style: int | None, date1904: bool = False) -> str:
    s = f' s="{style}"' if style is not None else ""
    if isinstance(value, str):
        text = fit_cell(ILLEGAL_XML.sub("", value))
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (datetime, date)):
        return f'<c r="{ref}"{s}><v>{to_serial(value, date1904)!r}</v></c>'
    if isinstance(value, time):  # a time of day alone: its fraction of a day, whatever the date system
        return f'<c r="{ref}"{s}><v>{to_serial(value)!r}</v></c>'
    if isinstance(value, Decimal):
        return f'<c r="{ref}"{s}><v>{value:f}</v></c>'
    return f'<c r="{ref}"{s}><v>{value!r}</v></c>'


def _row_xml(r: int, values: list, kinds: list[str], styles: dict[str, int], date1904: bool, ahead: str = "") -> str:
    """Row `r` of a sheet: its cells typed, each styled by its column's kind (text stays plain; a day
    alone in a column of moments is shown as a day). In the place of `ahead`, an empty row element
    formatted ahead of the entries, the row keeps its formats: its attributes (shown, though), the
    cells it leaves empty as they were, and their style on its text cells."""
    theirs = {column_number(m[1].encode()) - 1: m[0] for m in _CELL_AT.finditer(ahead)}
    cells: dict[int, str] = {}
    for i, v in enumerate(values):
        if v is not None:
            style = _style_of(v, kinds[i] if i < len(kinds) else "text", styles)
            if isinstance(v, str) and i in theirs and (kept := _attr(theirs[i], "s")) is not None:
                style = int(kept) if kept.isdigit() else style
            cells[i] = _sheet_cell(f"{column_letter(i)}{r}", v, style, date1904)
    for i, cell in theirs.items():
        cells.setdefault(i, cell)
    start = _ROW_START.match(ahead)
    attributes = _NOT_KEPT.sub("", start[1]) if start else ""
    return f'<row r="{r}"{attributes}>{"".join(cells[i] for i in sorted(cells))}</row>'


_CELL_AT = re.compile(r"""<c\b[^>]*?\br\s*=\s*["']([A-Z]{1,3})[0-9]+["'][^>]*?(?:/>|>.*?</c>)""", re.S)
_ROW_START = re.compile(r"<row\b([^>]*?)/?>")
_NOT_KEPT = re.compile(r"""\s(?:r|hidden|collapsed|spans)\s*=\s*(?:"[^"]*"|'[^']*')""")  # set afresh, or not kept


def _style_of(value: object, kind: str, styles: dict[str, int]) -> int | None:
    if isinstance(value, str):
        return None
    if kind == "datetime" and isinstance(value, date) and not isinstance(value, datetime):
        return styles.get("date")
    return styles.get(kind)


def sheet_xml(table: Table, styles: dict[str, int], drawing: str | None = None, date1904: bool = False) -> str:
    """A worksheet part for a generated table: title, bold header, typed cells, frozen header; with
    `drawing` (a relationship id), the drawing that holds its charts. Dates are written in the
    workbook's date system (`date1904`: counted from 1904-01-01)."""
    header_row = table.header_row
    rows = []
    if table.title:
        rows.append(f'<row r="1">{_sheet_cell("A1", table.title, styles["title"])}</row>')
    header = "".join(
        _sheet_cell(f"{column_letter(i)}{header_row}", c.header, styles["header"])
        for i, c in enumerate(table.columns)
        if c.header  # a column of the group's own with no header stays without one
    )
    rows.append(f'<row r="{header_row}">{header}</row>')
    kinds = [c.kind for c in table.columns]
    rows += [_row_xml(r, values, kinds, styles, date1904) for r, values in enumerate(table.rows, start=header_row + 1)]
    widths = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{c.shown_width}" customWidth="1"/>'
        for i, c in enumerate(table.columns)
    )
    # a sheet with charts prints one page wide, landscape: the table and its charts side by side
    fit = (
        (
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
            '<pageSetup orientation="landscape" fitToWidth="1" fitToHeight="0"/>',
        )
        if drawing
        else ("", "")
    )
    pane = (
        f'<pane ySplit="{header_row}" topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen"/>'
        f'<selection pane="bottomLeft" activeCell="A{header_row + 1}" sqref="A{header_row + 1}"/>'
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">{fit[0]}<sheetViews><sheetView workbookViewId="0">{pane}'
        f'</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        f"{'<cols>' + widths + '</cols>' if widths else ''}<sheetData>{''.join(rows)}</sheetData>"
        f'<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>{fit[1]}'
        f"{f'<drawing r:id={quoteattr(drawing)}/>' if drawing else ''}</worksheet>"
    )


# the whole operation ---------------------------------------------------------------------------


def write_generated_xlsx(package: Package, tables: list[Table], date1904: bool = False) -> None:
    """Replace (or add) the sheets of `tables` in `package`; refuse a sheet of the group's that bears
    one of their names (its first cell does not say sheetsync generated it). `date1904`: the
    workbook counts its dates from 1904."""
    from sheetsync.backends.ooxml_charts import drop_drawings, write_drawing

    if not tables:
        return
    if STRICT_NS in package.text(package.workbook_part()):
        raise SetupError(
            N_("The workbook is saved as Strict Open XML: sheetsync reads it, but does not write in that form."),
            N_(
                "Save it from Excel or LibreOffice as an ordinary Excel workbook (.xlsx), then run again; "
                "validate and report read it as it is."
            ),
        )
    sheets = {same_tab(s.name): s for s in package.sheets()}
    styles = Styles(package, tables[0].currency)
    ids = styles.for_table()
    replaced_ids = []
    parts: list[tuple[Table, str]] = []
    dropped: list[str] = []
    for table in tables:
        existing = sheets.get(same_tab(table.name))
        if existing is not None:
            if not is_generated_title(first_cell_text(package, existing.part)):
                raise SetupError(
                    N_('The workbook has a tab "{name}" that sheetsync did not generate; it is left as it is.'),
                    N_('Rename that tab (sheetsync writes its own "{name}" tab), then run again.'),
                    name=table.name,
                )
            dropped += drop_drawings(package, existing.part)
            package.put(existing.part, sheet_xml(table, ids, "rId1" if table.charts else None, date1904))
            package.remove(Package.rels_of(existing.part))
            replaced_ids.append(existing.sheet_id)
            parts.append((table, existing.part))
        else:
            parts.append(
                (
                    table,
                    _add_sheet_part(package, table, sheet_xml(table, ids, "rId1" if table.charts else None, date1904)),
                )
            )
    added = [entry for table, part in parts if table.charts for entry in write_drawing(package, table, part)]
    _update_content_types(package, dropped, added)
    styles.save()
    _drop_calc_chain_entries(package, replaced_ids)


_ROW_AT = re.compile(r"""<row\b[^>]*?\br\s*=\s*["'](\d+)["'][^>]*?(/>|>)""")  # either quote, as _attr reads
_DIMENSION = re.compile(r'(<dimension\b[^>]*\bref=")(([A-Z]+)([0-9]+))(?::([A-Z]+)([0-9]+))?(")')


def append_xlsx_row(package: Package, table: Table, row: list, date1904: bool = False) -> bool:
    """Add `row` to the existing sheet `table.name` as one row element below `table.rows` (the
    tab's rows as just read), every other element of the sheet kept as it is: the group's
    formulas, hidden rows, comments and formats (a row element already at that number holding no
    value, formats alone, is replaced; an Excel table ending on the row above takes it in). False
    when the sheet is not there, spells its elements with a prefix, places a row otherwise than
    r="N" (by its order, r='N'), or holds a value at that row: the caller writes the tab whole."""
    existing = next((s for s in package.sheets() if same_tab(s.name) == same_tab(table.name)), None)
    if existing is None:
        return False
    xml = package.text(existing.part)
    if element_prefix(xml, "sheetData") or "<sheetData" not in xml:
        return False
    placed = list(_ROW_AT.finditer(xml))  # the sheet's rows, gone through once
    if len(re.findall(r"<row[\s/>]", xml)) != len(placed):  # a row placed otherwise than r="N"
        return False
    number = table.header_row + len(table.rows) + 1
    styles = Styles(package, table.currency)
    kinds, ids = [c.kind for c in table.columns], styles.for_table()
    added = _row_xml(number, row, kinds, ids, date1904)
    if "<sheetData/>" in xml:
        xml = xml.replace("<sheetData/>", f"<sheetData>{added}</sheetData>", 1)
    else:
        at = None  # the first row at or past the new one's number, looked for from the end
        for m in reversed(placed):
            if int(m[1]) < number:
                break
            at = m
        if at is None:
            end = xml.index("</sheetData>")
            xml = xml[:end] + added + xml[end:]
        elif int(at[1]) > number:
            xml = xml[: at.start()] + added + xml[at.start() :]
        else:  # a row element there already: only one the reader found empty (formats alone) is replaced
            close = at.end() if at[2] == "/>" else xml.index("</row>", at.end()) + len("</row>")
            ahead = xml[at.start() : close]
            if re.search(r"<(?:v|is|f)\b", ahead):
                return False
            xml = xml[: at.start()] + _row_xml(number, row, kinds, ids, date1904, ahead) + xml[close:]
    xml = _DIMENSION.sub(lambda m: _grown(m, number, len(row)), xml, count=1)
    package.put(existing.part, xml)
    styles.save()
    filled = [i for i, v in enumerate(row) if v is not None]
    if filled:
        _stretch_tables(package, existing.part, number, (filled[0] + 1, filled[-1] + 1))
    return True


_AUTOFILTER = re.compile(r"<(?:\w+:)?autoFilter\b[^>]*>")
_TABLE_REF = re.compile(r"""(\sref\s*=\s*["'])(([A-Z]{1,3})[0-9]+:([A-Z]{1,3}))([0-9]+)(["'])""")


def _stretch_tables(package: Package, part: str, number: int, columns: tuple[int, int]) -> None:
    """The Excel tables of the sheet `part` (Insert > Table) over the `columns` (first, last) the
    row `number` just added fills, whose last row is the one above it, take it in, their filter
    too: the entry is one of their rows, banded, filtered and sorted with the others. A table
    beside them, with a totals row, or ending elsewhere, is left as it is."""
    for kind, target in package.relationships(part).values():
        if not kind.endswith("/table") or target not in package:
            continue
        xml = package.text(target)
        tag = re.search(r"<(?:\w+:)?table\b[^>]*>", xml)
        ref = _TABLE_REF.search(tag[0]) if tag else None
        if ref is None or int(ref[5]) != number - 1 or (_attr(tag[0], "totalsRowCount") or "0") != "0":
            continue
        first, last = column_number(ref[3].encode()), column_number(ref[4].encode())
        if last < columns[0] or first > columns[1]:  # beside the entries: a table of the group's own
            continue
        old = ref[2] + ref[5]
        xml = xml[: tag.start()] + _ref_stretched(tag[0], old, number) + xml[tag.end() :]
        xml = _AUTOFILTER.sub(lambda f: _ref_stretched(f[0], old, number), xml, count=1)  # noqa: B023 - used here
        package.put(target, xml)


def _ref_stretched(tag: str, old: str, number: int) -> str:
    """A start tag whose ref is `old` ("A2:Q3") with that ref ending on the row `number` instead."""
    return _TABLE_REF.sub(lambda m: f"{m[1]}{m[2]}{number}{m[6]}" if m[2] + m[5] == old else m[0], tag, count=1)


def _grown(m: re.Match, rows: int, columns: int) -> str:
    """A <dimension ref="A1:Q4"> that covers `rows` rows and `columns` columns too."""
    last_column, last_row = m[5] or m[3], int(m[6] or m[4])  # "A1" alone: its one cell is its last
    wide = max(column_number(last_column.encode()), columns)
    return f"{m[1]}{m[2]}:{column_letter(wide - 1)}{max(last_row, rows)}{m[7]}"


def _update_content_types(package: Package, dropped: list[str], added: list[str]) -> None:
    """Overrides for the parts `added` (name, content type), none left for the parts `dropped` that
    were not written again; entries already right are left as they are."""
    if not dropped and not added:
        return
    types = was = package.text("[Content_Types].xml")
    kept = set(dict(added))
    for name in dropped:
        if name not in kept:
            types = re.sub(rf'<(?:\w+:)?Override\b[^>]*PartName="/{re.escape(name)}"[^>]*/>', "", types)
    prefix = element_prefix(types, "Types")
    for name, content_type in added:
        if f'PartName="/{name}"' not in types:
            types = _insert_before_close(
                types, "Types", f'<{prefix}Override PartName="/{name}" ContentType="{content_type}"/>'
            )
    if types != was:
        package.put("[Content_Types].xml", types)


def free_name(pattern: str, taken: set[str], start: int = 1) -> str:
    """The first of `pattern`.format(start), .format(start + 1)… not in `taken`, which it joins."""
    n = start
    while pattern.format(n) in taken:
        n += 1
    taken.add(pattern.format(n))
    return pattern.format(n)


def _add_sheet_part(package: Package, table: Table, xml: str) -> str:
    wb_part = package.workbook_part()
    wb = package.text(wb_part)
    rels_part = Package.rels_of(wb_part)
    rels = package.text(rels_part)
    part = free_name("xl/worksheets/sheet{}.xml", package.entries())
    rel_ids = set(re.findall(r'\bId="([^"]+)"', rels))
    rel_id = free_name("rId{}", rel_ids, start=len(rel_ids) + 1)
    sheet_ids = [int(x) for x in re.findall(r'<(?:\w+:)?sheet\b[^>]*\bsheetId="(\d+)"', wb)]
    r_prefix = _prefix_of(wb, REL_NS)
    if r_prefix is None:  # r:id, as the index is read (Package.sheets); declared unless "r" already is
        r_prefix = "r"
        if not re.search(r"\sxmlns:r\s*=", wb):
            wb = re.sub(r"<((?:\w+:)?workbook)\b", rf'<\1 xmlns:r="{REL_NS}"', wb, count=1)
    prefix = element_prefix(wb, "sheets")
    sheet_tag = (
        f'<{prefix}sheet name={quoteattr(table.name)} sheetId="{max([0, *sheet_ids]) + 1}" {r_prefix}:id="{rel_id}"/>'
    )
    package.put(wb_part, _insert_before_close(wb, "sheets", sheet_tag))
    target = part[len(dirname(wb_part)) + 1 :] if part.startswith(dirname(wb_part) + "/") else "/" + part
    rel_prefix = element_prefix(rels, "Relationships")
    package.put(
        rels_part,
        _insert_before_close(
            rels, "Relationships", f'<{rel_prefix}Relationship Id="{rel_id}" Type="{WORKSHEET_REL}" Target="{target}"/>'
        ),
    )
    types = package.text("[Content_Types].xml")
    type_prefix = element_prefix(types, "Types")
    package.put(
        "[Content_Types].xml",
        _insert_before_close(
            types, "Types", f'<{type_prefix}Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/>'
        ),
    )
    package.put(part, xml)
    return part


def _drop_calc_chain_entries(package: Package, sheet_ids: list[int]) -> None:
    """No calculation-chain entry may point into a sheet whose formulas were replaced."""
    name = "xl/calcChain.xml"
    if not sheet_ids or name not in package:
        return
    xml = package.text(name)
    current = {"i": None}

    def keep(m: re.Match) -> str:
        i = _attr(m[0], "i")
        if i is not None:
            current["i"] = int(i)
        return "" if current["i"] in sheet_ids else m[0]

    cleaned = re.sub(r"<(?:\w+:)?c\b[^>]*/>", keep, xml)
    if cleaned != xml:
        package.put(name, cleaned)
