"""The hostile corpus: malformed workbooks and bombs, .xlsx and .ods, made from a small valid group.

Run as a script to write them all into a folder (for a look, or for measuring):

    .venv/bin/python tests/hostile_files.py build/hostile          # the corpus (small files)
    .venv/bin/python tests/hostile_files.py build/hostile --bombs  # and the full-size bombs

The tests import `malformed()` and `bombs()`: name -> (suffix, bytes).
"""

from __future__ import annotations

import io
import random
import re
import sys
import warnings
import zipfile
import zlib
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

SHEET = "xl/worksheets/sheet1.xml"  # Settings, the first tab
MEMBERS = "xl/worksheets/sheet2.xml"
STRINGS = "xl/sharedStrings.xml"
WORKBOOK = "xl/workbook.xml"
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
EXTERNAL = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


def base_raw() -> dict:
    """A small group, every input tab filled."""
    return {
        "Settings": [["Setting", "Value"], ["currency", "EUR"]],
        "Members": [["Name", "Email"], ["Laurent", "laurent@example.org"], ["Julien", "julien@example.org"]],
        "Vehicles": [["Vehicle", "Owner"], ["Clio", "Laurent"]],
        "Trips": [
            ["Date", "Driver", "Odometer start", "Odometer end"],
            [date(2025, 1, 2), "Laurent", 1000, 1100],
            [date(2025, 1, 5), "Julien", 1100, 1250],
        ],
        "Expenses": [["Date", "Paid by", "Category", "Amount"], [date(2025, 1, 6), "Julien", "fuel", 40]],
        "Payments": [["Date", "From", "To", "Amount"]],
    }


def base_xlsx() -> bytes:
    """The group as openpyxl saves it (styles, a dimension on every sheet), its text moved into a
    shared strings part as Excel writes it."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in base_raw().items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return shared_strings(out.getvalue())


def shared_strings(data: bytes) -> bytes:
    """Inline strings of every sheet moved into xl/sharedStrings.xml."""
    strings: list[bytes] = []

    def index(m: re.Match) -> bytes:
        strings.append(m[1])
        return b't="s"><v>' + str(len(strings) - 1).encode() + b"</v></c>"

    changes: dict[str, bytes | None] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                changes[name] = re.sub(rb't="inlineStr"><is><t>(.*?)</t></is></c>', index, z.read(name))
        types = z.read("[Content_Types].xml")
        rels = z.read("xl/_rels/workbook.xml.rels")
    sst = b"".join(b"<si><t>" + s + b"</t></si>" for s in strings)
    changes[STRINGS] = (
        b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        b' count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings), sst)
    )
    changes["[Content_Types].xml"] = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.sharedStrings+xml"/></Types>',
    )
    changes["xl/_rels/workbook.xml.rels"] = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    return patched(data, changes)


def _ods_cell(value) -> str:
    if isinstance(value, (int, float)):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    if isinstance(value, date):
        return f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p></table:table-cell>'


ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3"'
)


def ods_content(tables: dict[str, str]) -> bytes:
    """content.xml around sheets given as their rows' XML."""
    body = "".join(
        f'<table:table table:name="{escape(name)}"><table:table-column table:number-columns-repeated="5"/>{rows}'
        f"</table:table>"
        for name, rows in tables.items()
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODS_NS}><office:automatic-styles/>'
        f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    ).encode()


def ods_rows(rows: list[list]) -> str:
    # LibreOffice ends every sheet with empty rows repeated to the sheet's end: free for a reader
    tail = '<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    return "".join(f"<table:table-row>{''.join(_ods_cell(v) for v in row)}</table:table-row>" for row in rows) + tail


def ods_package(content: bytes, compress: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
            compress_type=compress,
        )
        z.writestr("content.xml", content, compress_type=compress)
    return out.getvalue()


def base_ods() -> bytes:
    return ods_package(ods_content({name: ods_rows(rows) for name, rows in base_raw().items()}))


def _with_a_part_twice(data: bytes, name: str) -> bytes:
    """The package with a second entry of the same name at its end (readers disagree on which counts)."""
    out = io.BytesIO(data)
    with warnings.catch_warnings(), zipfile.ZipFile(out, "a") as z:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
        z.writestr(name, part(data, name))
    return out.getvalue()


def patched(data: bytes, changes: dict[str, bytes | None], stored: bool = False) -> bytes:
    """The package with some parts replaced or added (None: removed)."""
    out = io.BytesIO()
    kind = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename in changes and changes[info.filename] is None:
                continue
            dst.writestr(info.filename, changes.get(info.filename, src.read(info.filename)), compress_type=kind)
        for name, content in changes.items():
            if content is not None and name not in src.namelist():
                dst.writestr(name, content, compress_type=kind)
    return out.getvalue()


def with_namespace_prefix(xml: bytes, prefix: bytes = b"x") -> bytes:
    """A SpreadsheetML part with its elements written under a prefix (<x:row>…), as some programs
    write them: the same document to any XML reader."""
    main = b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    xml = xml.replace(b"xmlns=" + main, b"xmlns:" + prefix + b"=" + main)
    return re.sub(rb"<(/?)([A-Za-z]\w*)(?=[\s/>])", rb"<\1" + prefix + rb":\2", xml)


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def names(data: bytes) -> list[str]:
    """The names of a package's parts."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.namelist()


def crc_broken(data: bytes, name: str) -> bytes:
    """The package stored (not compressed), one byte of `name` changed after its CRC was computed."""
    stored = patched(data, {}, stored=True)
    text = part(data, name)
    needle = text[len(text) // 2 : len(text) // 2 + 24]
    at = stored.index(needle)
    return stored[:at] + bytes([stored[at] ^ 0x01]) + stored[at + 1 :]


def with_xml_prefix(xml: bytes, prefix: str) -> bytes:
    """`xml` with its declaration replaced by `prefix` (a DOCTYPE)."""
    body = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
    return prefix.encode() + body


def malformed() -> dict[str, tuple[str, bytes]]:
    """Files that cannot be read (or, marked sync-, updated): each must be one line and exit 2."""
    x, o = base_xlsx(), base_ods()
    sheet, strings, workbook = part(x, SHEET), part(x, STRINGS), part(x, WORKBOOK)
    content = part(o, "content.xml")
    return {
        "not-a-zip.xlsx": (".xlsx", b"this is not a workbook\n" * 10),
        "duplicate-part.xlsx": (".xlsx", _with_a_part_twice(x, WORKBOOK)),
        "empty.xlsx": (".xlsx", b""),
        "truncated.xlsx": (".xlsx", x[: len(x) // 2]),
        "bad-xml-sheet.xlsx": (".xlsx", patched(x, {SHEET: sheet[: len(sheet) // 2]})),
        "bad-xml-strings.xlsx": (".xlsx", patched(x, {STRINGS: strings.replace(b"</sst>", b"<si><t>x</sst>")})),
        "bad-xml-workbook.xlsx": (".xlsx", patched(x, {WORKBOOK: workbook.replace(b"<sheets>", b"<sheets><<")})),
        "bad-utf8-sheet.xlsx": (
            ".xlsx",
            patched(x, {SHEET: sheet.replace(b"<sheetData>", b"<sheetData>\xff\xfe\xc3")}),
        ),
        "bad-utf8-strings.xlsx": (".xlsx", patched(x, {STRINGS: strings.replace(b"Laurent", b"Laur\xc3\x28nt")})),
        "control-chars-strings.xlsx": (
            ".xlsx",
            patched(x, {STRINGS: strings.replace(b"Laurent", b"Lau\x01\x1b[31mrent")}),
        ),
        "control-chars-sheet.xlsx": (
            ".xlsx",
            patched(x, {SHEET: sheet.replace(b"<sheetData>", b"<sheetData>\x00\x07")}),
        ),
        "crc-sheet.xlsx": (".xlsx", crc_broken(x, SHEET)),
        "crc-strings.xlsx": (".xlsx", crc_broken(x, STRINGS)),
        "doctype-sheet.xlsx": (".xlsx", patched(x, {SHEET: with_xml_prefix(sheet, LAUGHS)})),
        "doctype-strings.xlsx": (".xlsx", patched(x, {STRINGS: with_xml_prefix(strings, EXTERNAL)})),
        "doctype-workbook.xlsx": (".xlsx", patched(x, {WORKBOOK: with_xml_prefix(workbook, LAUGHS)})),
        "missing-workbook.xlsx": (".xlsx", patched(x, {WORKBOOK: None})),
        "missing-sheet.xlsx": (".xlsx", patched(x, {SHEET: None})),
        "missing-strings.xlsx": (".xlsx", patched(x, {STRINGS: None})),
        "missing-content-types.xlsx": (".xlsx", patched(x, {"[Content_Types].xml": None})),
        "missing-rels.xlsx": (".xlsx", patched(x, {"_rels/.rels": None, "xl/_rels/workbook.xml.rels": None})),
        "sync-bad-workbook.xlsx": (
            ".xlsx",
            patched(x, {WORKBOOK: workbook.replace(b'sheetId="1"', b'sheetId="one"').replace(b'r:id="rId1"', b"")}),
        ),
        "sync-missing-styles.xlsx": (".xlsx", patched(x, {"xl/styles.xml": None})),
        "not-a-zip.ods": (".ods", b"<office:document/>"),
        "bad-xml.ods": (".ods", ods_package(content[: len(content) // 2])),
        "bad-utf8.ods": (".ods", ods_package(content.replace(b"Laurent", b"Laur\xff\xfent"))),
        "control-chars.ods": (".ods", ods_package(content.replace(b"Laurent", b"Lau\x01\x07rent"))),
        "crc.ods": (".ods", crc_broken(o, "content.xml")),
        "doctype.ods": (".ods", ods_package(with_xml_prefix(content, LAUGHS))),
        "missing-content.ods": (".ods", patched(o, {"content.xml": None})),
        "no-table.ods": (".ods", ods_package(ods_content({}))),
    }


# bombs -------------------------------------------------------------------------------------------


def _deflated_part(
    name: str, head: bytes, filler: bytes, count: int, tail: bytes
) -> tuple[zipfile.ZipInfo, bytes, int, int]:
    """A part of head + filler * count + tail, compressed as it is made (never held inflated)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    crc, size, chunks = 0, 0, []
    block = filler * max(1, (1 << 20) // len(filler))
    pieces = [head] + [block] * (count // max(1, (1 << 20) // len(filler))) + [tail]
    for piece in pieces:
        crc = zlib.crc32(piece, crc)
        size += len(piece)
        chunks.append(packer.compress(piece))
    chunks.append(packer.flush())
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    return info, b"".join(chunks), crc, size


def with_big_part(data: bytes, name: str, head: bytes, filler: bytes, count: int, tail: bytes) -> bytes:
    """The package with `name` replaced by a part that inflates to len(filler) * count bytes, written
    as a raw deflate stream (zipfile's writestr would need it inflated in memory)."""
    info, compressed, crc, size = _deflated_part(name, head, filler, count, tail)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for other in src.infolist():
            if other.filename != name:
                dst.writestr(other, src.read(other.filename))
        info.CRC, info.compress_size, info.file_size = crc, len(compressed), size
        info.header_offset = dst.fp.tell()
        dst.fp.write(info.FileHeader(zip64=size > 0xFFFFFFFF))
        dst.fp.write(compressed)
        dst.start_dir = dst.fp.tell()
        dst.filelist.append(info)
        dst.NameToInfo[name] = info
        dst._didModify = True
    return out.getvalue()


def sheet_with_rows(sheet: bytes, rows: str) -> bytes:
    return sheet.replace(b"</sheetData>", rows.encode() + b"</sheetData>")


def _rows_without_r(rows: int, widest: int, cell: str = "<c>") -> str:
    """Rows and cells that give no position (`r`): each takes the next one. Varied values, so the
    part compresses like a real sheet; one row `widest` cells wide, each opened with `cell`."""
    rng = random.Random(3)
    narrow = "".join(f"<row><c><v>{rng.randrange(10**9)}</v></c></row>" for _ in range(rows))
    return narrow + "<row>" + f"{cell}<v>1</v></c>" * widest + "</row>"


def bombs(full: bool = False) -> dict[str, tuple[str, bytes]]:
    """One file per kind of bomb. With `full`, at the sizes that were tried on the service (slow to
    make: for measuring); else small versions that pass the same limit at its default."""
    x = base_xlsx()
    sheet = part(x, SHEET)
    head, _, tail = sheet.partition(b"</sheetData>")
    many = 1_100_000 if full else 300_000
    repeat = 1_000_000
    return {
        "far-cell-XFD1048576.xlsx": (
            ".xlsx",
            patched(x, {SHEET: sheet_with_rows(sheet, '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>')}),
        ),
        "far-cell-CV1048576.xlsx": (
            ".xlsx",
            patched(x, {SHEET: sheet_with_rows(sheet, '<row r="1048576"><c r="CV1048576"><v>1</v></c></row>')}),
        ),
        # positions spelled as XML allows and readers accept, not as programs write them (a trial's finds)
        "far-cell-single-quotes.xlsx": (
            ".xlsx",
            patched(x, {SHEET: sheet_with_rows(sheet, "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>")}),
        ),
        "far-cell-spaced.xlsx": (
            ".xlsx",
            patched(x, {SHEET: sheet_with_rows(sheet, '<row r = "1048576"><c r =\n"XFD1048576"><v>1</v></c></row>')}),
        ),
        "declared-dimension.xlsx": (
            ".xlsx",
            patched(x, {SHEET: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', sheet)}),
        ),
        "zip-bomb-sheet.xlsx": (
            ".xlsx",
            with_big_part(x, SHEET, head, b" " * 64, (1 << 30 if full else 1 << 28) // 64, b"</sheetData>" + tail),
        ),
        "settings-rows-bomb.xlsx": (
            ".xlsx",
            with_big_part(
                x,
                SHEET,
                head,
                b'<row><c t="inlineStr"><is><t>currency</t></is></c><c t="inlineStr"><is><t>EUR</t></is></c></row>',
                many,
                b"</sheetData>" + tail,
            ),
        ),
        "strings-bomb.xlsx": (
            ".xlsx",
            with_big_part(
                x,
                STRINGS,
                b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
                b"<si><t>a</t></si>",
                (1 << 30 if full else 1 << 27) // 16,
                b"</sst>",
            ),
        ),
        "billion-laughs.xlsx": (".xlsx", patched(x, {SHEET: with_xml_prefix(sheet, LAUGHS)})),
        "cells-without-r.xlsx": (".xlsx", patched(x, {SHEET: sheet_with_rows(sheet, _rows_without_r(50_000, 20_000))})),
        **{  # a cell's name may end with any XML space, not only " ", ">" or "/"
            f"cells-without-r-{name}.xlsx": (
                ".xlsx",
                patched(x, {SHEET: sheet_with_rows(sheet, _rows_without_r(50_000, 20_000, f"<c{space}>"))}),
            )
            for name, space in {"newline": "\n", "tab": "\t"}.items()
        },
        "repeated-rows.ods": (
            ".ods",
            ods_package(
                ods_content(
                    {
                        "Settings": ods_rows(base_raw()["Settings"]),
                        "Members": ods_rows(base_raw()["Members"])
                        + f'<table:table-row table:number-rows-repeated="{repeat}"><table:table-cell '
                        f'table:number-columns-repeated="1000" office:value-type="string"><text:p>x</text:p>'
                        f"</table:table-cell></table:table-row>",
                    }
                )
            ),
        ),
        **{
            f"repeated-rows-{how}.ods": (".ods", _ods_repeated_member(repeated))
            for how, repeated in {
                "single-quotes": "<table:table-row table:number-rows-repeated='{n}'>{cell}</table:table-row>",
                "plus-sign": '<table:table-row table:number-rows-repeated="+{n}">{cell}</table:table-row>',
                "leading-zeros": '<table:table-row table:number-rows-repeated="0000000000000000{n}">{cell}'
                "</table:table-row>",
                "character-reference": '<table:table-row table:number-rows-repeated="&#49;{rest}">{cell}'
                "</table:table-row>",
                "in-a-row-group": "<table:table-row-group><table:table-row "
                'table:number-rows-repeated="{n}">{cell}</table:table-row></table:table-row-group>',
            }.items()
        },
        "nested-table-forgets-width.ods": (".ods", _ods_nested_table()),
    }


def _ods_nested_table() -> bytes:
    """A sheet with one row 200 cells wide, then a cell holding a table of its own, then 20,000
    narrow rows: 4 million cells in all, twice the limit, unless the inner table makes the outer
    sheet's width forgotten."""
    wide = "<table:table-row>" + '<table:table-cell office:value-type="float" office:value="1"/>' * 200
    inner = '<table:table table:name="inner"><table:table-row><table:table-cell/></table:table-row></table:table>'
    rng = random.Random(5)  # varied values: the part compresses like a real sheet
    cell = '<table:table-row><table:table-cell office:value-type="float" office:value="{}"/></table:table-row>'
    rows = (
        wide + "</table:table-row><table:table-row><table:table-cell>" + inner + "</table:table-cell></table:table-row>"
    )
    members, _, _ = ods_rows(base_raw()["Members"]).partition("<table:table-row table:number-rows-repeated")
    return ods_package(
        ods_content(
            {
                "Settings": ods_rows(base_raw()["Settings"]),
                "Members": members + rows + "".join(cell.format(rng.randrange(10**9)) for _ in range(20_000)),
            }
        )
    )


def _ods_repeated_member(spelled: str) -> bytes:
    """An .ods whose Members tab ends with one row holding a name, repeated a million times, the
    repeat spelled as `spelled` says ({n}, or {rest} after its first digit)."""
    cell = '<table:table-cell table:number-columns-repeated="50" office:value-type="string"><text:p>x</text:p></table:table-cell>'
    row = spelled.format(n=1_000_000, rest="000000", cell=cell)
    members, _, _ = ods_rows(base_raw()["Members"]).partition("<table:table-row table:number-rows-repeated")
    return ods_package(ods_content({"Settings": ods_rows(base_raw()["Settings"]), "Members": members + row}))


def main(argv: list[str]) -> None:
    folder = Path(argv[0] if argv else "build/hostile")
    folder.mkdir(parents=True, exist_ok=True)
    files = {**malformed(), **bombs(full="--bombs" in argv)}
    files["valid.xlsx"], files["valid.ods"] = (".xlsx", base_xlsx()), (".ods", base_ods())
    for name, (_, data) in files.items():
        (folder / name).write_bytes(data)
        print(f"{len(data):>10,} bytes  {folder / name}")


if __name__ == "__main__":
    main(sys.argv[1:])
