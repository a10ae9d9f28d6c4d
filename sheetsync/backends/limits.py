"""Bounded reading: what a workbook declares and inflates to is checked before any parser sees it.

A .xlsx or .ods file is a zip of XML parts. A few kilobytes can declare gigabytes (a zip bomb),
one cell at XFD1048576 makes a reader allocate a grid of 17 billion cells, and an .ods row can
say "repeat me a million times". So before python-calamine (or openpyxl, or the surgical
writers) reads a byte, `check_package` goes through the zip once, inflating each part in
blocks and stopping as soon as a limit is passed:

- the file's size, the total and per-part uncompressed sizes, the compression ratio of large parts;
- in every XML part: no DOCTYPE or entity declaration (no billion laughs), the declared sheet
  dimension and the highest row and column any cell or row refers to, the number of cells;
- in an .ods content.xml: rows and columns with their repeat counts, up to the last one that
  holds something (LibreOffice's trailing empty "repeat 1,048,000 times" rows are free).

The defaults fit any real group with room to spare: a 50,000-trip logbook (twenty years of a
busy group) uses half the rows and a third of the cells. They are raised with
`--limit KEY=VALUE`, `SHEETSYNC_LIMITS="KEY=VALUE,…"` or a `[limits]` table in sheetsync.toml
(or groups.toml for `serve` and `fleet`); never by the workbook itself, which is what the
limits protect against.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from sheetsync.backends.a1 import column_letter, column_number
from sheetsync.backends.xml_text import NAME_ENDS, element_prefix, spelled
from sheetsync.errors import SetupError
from sheetsync.i18n import N_, Phrase

MIB = 1 << 20
BLOCK = 1 << 20
RATIO_FLOOR = MIB  # parts smaller than this may compress as well as they like


@dataclass(frozen=True)
class Limits:
    """Every bound, in MiB for sizes. Field names are the KEYs of `--limit KEY=VALUE`."""

    file_mib: int = 50  # the workbook file itself
    unpacked_mib: int = 200  # all parts together, uncompressed
    part_mib: int = 100  # one part, uncompressed
    ratio: int = 200  # uncompressed / compressed size of a part over 1 MiB
    rows: int = 100_000  # highest row of a sheet
    columns: int = 200  # highest column of a sheet (GR)
    cells: int = 2_000_000  # rows x columns of a sheet's grid (what a reader allocates)

    def with_overrides(self, pairs: Iterable[str], source: str) -> Limits:
        """These limits with `KEY=VALUE` pairs applied; a bad pair is a setup error naming `source`."""
        changes = {}
        names = [f.name for f in dataclasses.fields(self)]
        for pair in pairs:
            key, _, value = pair.partition("=")
            key, value = key.strip().replace("-", "_"), value.strip().replace("_", "").replace(",", "")
            if key not in names or not value.isdigit() or int(value) <= 0:
                raise SetupError(
                    N_('The limit "{pair}" ({source}) is not KEY=NUMBER with KEY one of {keys}.'),
                    pair=pair,
                    source=source,
                    keys=", ".join(names),
                )
            changes[key] = int(value)
        return dataclasses.replace(self, **changes)


def load_limits(flags: Iterable[str] = (), table: dict | None = None) -> Limits:
    """The defaults, then the [limits] table (`table`, else the one of ./sheetsync.toml), then
    $SHEETSYNC_LIMITS, then the command line's `--limit` flags."""
    limits = Limits()
    if table is None:
        path = Path("sheetsync.toml")
        table = {}
        if path.is_file():
            import tomllib  # only where a limits table is read

            try:
                table = tomllib.loads(path.read_text()).get("limits", {})
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):
                table = {}  # the file's owner hears about it from the command that needs it
    limits = limits.with_overrides([f"{k}={v}" for k, v in (table or {}).items()], "[limits]")
    env = os.environ.get("SHEETSYNC_LIMITS", "")
    limits = limits.with_overrides([p for p in env.split(",") if p.strip()], "SHEETSYNC_LIMITS")
    return limits.with_overrides(flags, "--limit")


# refusals ------------------------------------------------------------------------------------

REFUSALS = {
    "file_mib": N_("{name} is refused: the file is {found} MiB, over the limit of {limit} MiB (file_mib)."),
    "unpacked_mib": N_("{name} is refused: it unpacks to {found} MiB, over the limit of {limit} MiB (unpacked_mib)."),
    "part_mib": N_(
        "{name} is refused: its part {where} unpacks to {found} MiB, over the limit of {limit} MiB (part_mib)."
    ),
    "ratio": N_("{name} is refused: its part {where} is compressed {found} to 1, over the limit of {limit} (ratio)."),
    "rows": N_("{name} is refused: {where} reaches row {found}, over the limit of {limit} rows (rows)."),
    "columns": N_("{name} is refused: {where} reaches column {found}, over the limit of {limit} columns (columns)."),
    "cells": N_("{name} is refused: {where} spans {found} cells, over the limit of {limit} cells (cells)."),
}
RAISE_IT = N_(
    "If the file is genuine, raise the limit with --limit {key}={suggested}, or {key} = {suggested} "
    "in the [limits] table of sheetsync.toml."
)
UNREADABLE = {
    "zip": N_("{name} is not a readable workbook: it is not a zip package ({detail})."),
    "damaged": N_("{name} is not a readable workbook: its part {where} is damaged ({detail})."),
    "doctype": N_("{name} is refused: its part {where} declares a DOCTYPE or entities, which no workbook needs."),
    "other": N_("{name} is not a readable workbook ({detail})."),
}
SAVE_AGAIN = N_("Open it in your spreadsheet program and save it again.")
KEPT_COPY = N_(
    "Open it in your spreadsheet program and save it again; if it will not open, {backup} is the workbook "
    "as it was before sheetsync last wrote it (without what was typed since)."
)
MISNAMED = N_("{name} is an {real} workbook under an {named} name: sheetsync reads and writes a file by its name.")
RENAME = N_("Rename it {renamed}, then run again.")
# the part that only a package of that format has, by the suffix it should bear
FORMAT_PARTS = {".xlsx": "[Content_Types].xml", ".ods": "content.xml"}


class OneLineError(SetupError):
    """A setup error (exit 2) said in one line: the message and what to do, one after the other."""

    def in_language(self, lang: str | None = None) -> tuple[str, str]:
        message, hint = super().in_language(lang)
        return f"{message} {hint}".strip(), ""


def refuse(name: str, key: str, found: int, limit: int, where: str = "") -> SetupError:
    """Exit 2, one line: which limit, and how to raise it."""
    return OneLineError(
        REFUSALS[key],
        RAISE_IT,
        name=name,
        where=where,
        found=found,
        limit=limit,
        key=key,
        suggested=max(found + 1, limit * 2),
    )


def unreadable(name: str, kind: str = "other", detail: str = "", where: str = "") -> SetupError:
    """Exit 2, one line: the file cannot be read, and what to do."""
    detail = detail if isinstance(detail, Phrase) else " ".join(detail.split())[:160]  # a Phrase is translated
    return OneLineError(UNREADABLE[kind], SAVE_AGAIN, name=name, where=where, detail=detail)


def mib(n: int) -> int:
    """`n` bytes in MiB, rounded up."""
    return -(-n // MIB)


# the check -------------------------------------------------------------------------------------

# Any attribute ending in r="…" with a cell or row position: <c r="B7">, <row r="7">, also ref="A1" of
# a one-cell formula (a position too); the text of a cell may match as well, which only ever counts
# more. Without a leading \s the engine looks for the literal r=" (half the time over a large sheet).
REF_ROW = re.compile(rb'r="[A-Z]{0,4}([0-9]{1,12})"')
REF_COLUMN = re.compile(rb'r="([A-Z]{1,4})[0-9]{1,12}"')
TAIL = 4096  # the end of a block, where an ordered sheet's highest row and column are
SEARCHES = 8  # searches for a higher one before every position of the block is read instead


@functools.lru_cache(maxsize=256)
def _above(rows: int, columns: int) -> re.Pattern:
    """A position whose row number is above `rows` (or is written with a leading zero: group
    "row"), or whose column is after `columns` (group "column"), in one pattern: one search."""
    digits, n = str(rows), len(str(rows))
    higher = ["0[0-9]{0,11}"] + ([f"[1-9][0-9]{{{n},11}}"] if n < 12 else [])
    higher += [f"{digits[:i]}[{int(d) + 1}-9][0-9]{{{n - i - 1}}}" for i, d in enumerate(digits) if d < "9"]
    letters = column_letter(columns - 1)
    m = len(letters)
    after = [f"[A-Z]{{{m + 1},4}}"] if m < 4 else []
    after += [f"{letters[:i]}[{chr(ord(c) + 1)}-Z][A-Z]{{{m - i - 1}}}" for i, c in enumerate(letters) if c < "Z"]
    row = 'r="[A-Z]{0,4}(?P<row>' + "|".join(higher) + ')"'
    column = 'r="(?P<column>' + "|".join(after or ["[^A-Z]"]) + ')[0-9]{1,12}"'
    return re.compile(f"{row}|{column}".encode())


# a position spelled as XML allows, not as programs write it: r='7', r = "7" (readers take it)
REF_ANY = re.compile(rb"""\br\s*=\s*(["'])([A-Z]{0,4})([0-9]{1,12})\1""")


def highest_ref(window: bytes, plain: bool = True) -> tuple[int, int]:
    """The highest row number and column any position in `window` names. In an ordered sheet both
    are near its end: they are read there, then one search over the window finds nothing higher;
    a file in another order costs a few searches more, or a reading of every position. Unless
    `plain` (every cell and row written <c r="…", <row r="…", as programs write them), every
    position is read, however XML lets it be spelt."""
    if not plain:
        found = REF_ANY.findall(window)
        return max((int(row) for _, _, row in found), default=0), max(
            (column_number(letters) for _, letters, _ in found if letters), default=0
        )
    rows = max(map(int, set(REF_ROW.findall(window, len(window) - TAIL))), default=0)
    columns = max(map(column_number, set(REF_COLUMN.findall(window, len(window) - TAIL))), default=0)
    if len(window) <= TAIL:  # every position was read (a small sheet: no pattern to build)
        return rows, columns
    for _ in range(SEARCHES):
        found = _above(rows, columns).search(window)
        if found is None:
            return rows, columns
        if found["column"]:
            columns = column_number(found["column"])
        elif found["row"].startswith(b"0"):  # not a number as Excel writes it: read them all
            break
        else:
            rows = int(found["row"])
    rows = max(rows, max(map(int, set(REF_ROW.findall(window)))))
    columns = max(columns, max(map(column_number, set(REF_COLUMN.findall(window))), default=0))
    return rows, columns


DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="(?:[A-Z]*[0-9]*:)?([A-Z]*)([0-9]*)"')
OVERLAP = 64  # bytes kept from the previous block, so no pattern is missed at a block boundary


def check_package(data: bytes, suffix: str, limits: Limits, name: str, notice: tuple[bytes, ...] = ()) -> set[str]:
    """Refuse (SetupError, exit 2) a workbook that is not a sound zip of XML parts within `limits`.

    Returns the XML parts that hold one of the byte strings of `notice`, searched in the same pass
    (a reader after it then inflates again only the parts that have something for it); a string
    that opens an element is searched as the part spells its elements (`spelled`)."""
    if len(data) > limits.file_mib * MIB:
        raise refuse(name, "file_mib", mib(len(data)), limits.file_mib)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError, NotImplementedError) as exc:
        raise unreadable(name, "zip", str(exc)) from exc
    _check_declared(infos, limits, name)
    _check_format(infos, suffix, name)
    total = 0
    noticed: set[str] = set()
    for info in infos:
        if info.is_dir():
            continue
        try:
            size, found = _check_part(archive, info, suffix, limits, name, notice)
            total += size
            if found:
                noticed.add(info.filename)
        except OneLineError as exc:
            grid = exc.msgid in (REFUSALS["rows"], REFUSALS["columns"], REFUSALS["cells"])
            if grid and exc.params.get("where") == info.filename and suffix != ".ods":
                exc.params["where"] = _sheet_name(data, info.filename, limits) or info.filename
            raise
        if total > limits.unpacked_mib * MIB:
            raise refuse(name, "unpacked_mib", mib(total), limits.unpacked_mib)
    return noticed


def _sheet_name(data: bytes, part: str, limits: Limits) -> str | None:
    """The tab name of a worksheet part, as the workbook index names it (for messages); None when
    it cannot be told safely: an index or its relationships too large to read for a message, or
    damaged. The package reader only searches the text: no entity is ever expanded."""
    from sheetsync.backends.ooxml import Package  # only for a message about a sheet

    try:
        package = Package(data)
        readable = min(limits.part_mib * MIB, 4 * MIB)
        if package.zip.getinfo("_rels/.rels").file_size > readable:  # before it is read for the index
            return None
        index = package.workbook_part()
        if any(package.zip.getinfo(entry).file_size > readable for entry in (index, Package.rels_of(index))):
            return None
        return next((sheet.name for sheet in package.sheets() if sheet.part == part), None)
    except (KeyError, IndexError, TypeError, AttributeError, ValueError, zipfile.BadZipFile, zlib.error, OSError):
        return None


def _check_declared(infos: list[zipfile.ZipInfo], limits: Limits, name: str) -> None:
    """What the zip's directory declares, before inflating anything (a part cannot inflate to more
    than its declared size: zipfile stops there and checks the CRC)."""
    total = 0
    seen: set[str] = set()
    for info in infos:
        if info.filename in seen:  # readers disagree on which of the two counts, and a writer keeps both
            raise unreadable(name, "damaged", Phrase(N_("it is twice in the package")), info.filename)
        seen.add(info.filename)
        total += info.file_size
        if info.file_size > limits.part_mib * MIB:
            raise refuse(name, "part_mib", mib(info.file_size), limits.part_mib, info.filename)
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > limits.ratio:
            raise refuse(name, "ratio", ratio, limits.ratio, info.filename)
    if total > limits.unpacked_mib * MIB:
        raise refuse(name, "unpacked_mib", mib(total), limits.unpacked_mib)


def _check_format(infos: list[zipfile.ZipInfo], suffix: str, name: str) -> None:
    """Refuse an .xlsx named .ods, or the reverse: a reader may guess the format from the content,
    but the writers go by the name (exit 2, saying what to rename it)."""
    parts = {info.filename for info in infos}
    named = ".ods" if suffix == ".ods" else ".xlsx"
    real = next((s for s, part in FORMAT_PARTS.items() if part in parts), named)
    if FORMAT_PARTS[named] not in parts and real != named:
        renamed = str(Path(name).with_suffix(real))
        raise OneLineError(MISNAMED, RENAME, name=name, real=real, named=suffix, renamed=renamed)


def _refuse_doctype(*_args) -> None:
    raise _Doctype


class _Doctype(Exception):
    """A part declares a DOCTYPE (entities can only be declared in one): raised by expat as it meets it."""


def _check_part(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, suffix: str, limits: Limits, name: str, notice: tuple[bytes, ...]
) -> tuple[int, bool]:
    """Inflate one part block by block (the CRC is checked at its end); XML parts are parsed by
    expat as they come (well-formed, and no DOCTYPE in any encoding: expat stops at its start) and
    scanned for the grid they span, in the same pass. Returns its size, and whether it holds one
    of `notice`."""
    is_xml = info.filename.lower().endswith((".xml", ".rels"))
    is_ods_content = suffix == ".ods" and info.filename == "content.xml"
    grid = _Grid(info.filename, limits, name)
    parser = None
    if is_xml:  # well-formed, or refused: a reader may loop on it
        parser = expat.ParserCreate()
        parser.StartDoctypeDeclHandler = _refuse_doctype
        if is_ods_content:  # rows and repeats as expat reads them: however their attributes are spelt
            sheets = _OdsSheets(grid)
            parser.StartElementHandler, parser.EndElementHandler = sheets.start, sheets.end
    size = 0
    tail = b""
    found = False
    try:
        with archive.open(info) as part:
            while block := part.read(BLOCK):
                size += len(block)
                if size > limits.part_mib * MIB:
                    raise refuse(name, "part_mib", mib(size), limits.part_mib, info.filename)
                if is_xml:
                    parser.Parse(block, False)
                    window = tail + block
                    if is_ods_content:
                        found = found or any(n in window for n in notice)
                    else:
                        grid.scan_ooxml(window, block)
                        found = found or any(n in window for n in spelled(notice, grid.prefix))
                    tail = window[-OVERLAP:]
        if parser is not None:
            parser.Parse(b"", True)
    except SetupError:
        raise
    except _Doctype:
        raise unreadable(name, "doctype", where=info.filename) from None
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
        expat.ExpatError,
        LookupError,  # an XML declaration naming an unknown encoding
    ) as exc:
        raise unreadable(name, "damaged", str(exc), info.filename) from exc
    return size, found


class _Grid:
    """The extent of the sheets in one XML part, refused as soon as it passes the limits."""

    def __init__(self, part: str, limits: Limits, name: str):
        self.part, self.limits, self.name = part, limits, name
        self.rows = self.columns = self.row_elements = self.row_cells = self.widest = 0
        self.in_sheet_data = False
        self.prefix = b""  # the namespace prefix of the sheet's elements ("x:"), if any

    def new_sheet(self) -> None:
        """A sheet of its own begins in the part: its extent is bounded apart from the one before."""
        self.rows = self.columns = 0

    def _grow(self, rows: int, columns: int, where: str) -> None:
        self.rows, self.columns = max(self.rows, rows), max(self.columns, columns)
        lim = self.limits
        if self.rows > lim.rows:
            raise refuse(self.name, "rows", self.rows, lim.rows, where)
        if self.columns > lim.columns:
            raise refuse(self.name, "columns", self.columns, lim.columns, where)
        if self.rows * self.columns > lim.cells:
            raise refuse(self.name, "cells", self.rows * self.columns, lim.cells, where)

    def scan_ooxml(self, window: bytes, block: bytes) -> None:
        """Rows and cells by their `r` attribute, and the declared <dimension>; `window` is `block`
        with the end of the previous one before it."""
        for letters, digits in DIMENSION.findall(window) if b"dimension" in window else ():
            self._grow(int(digits or 0), column_number(letters), self.part)
        if not self.in_sheet_data:  # cells live in <sheetData>; other parts' r="…" are not positions
            at = window.find(b"sheetData")
            if at < 0:
                return
            self.in_sheet_data = True
            self.prefix = element_prefix(window, "sheetData")
            window, block = window[at:], block[max(0, at - (len(window) - len(block))) :]
        plain = self._count_rows_and_widths(block)
        self._grow(*highest_ref(window, plain), self.part)
        self._grow(self.row_elements, self.widest, self.part)

    def _count_rows_and_widths(self, block: bytes) -> bool:
        """Rows and cells written without `r` take the next row or column: count the row elements,
        and, when some cell of the block has no position of its own, the cells of each row (a tag
        cut at a block boundary is missed: one in a MiB). Returns whether every cell and row of the
        block opens with its r="…" (r='…', r = "…" or r after another attribute are read otherwise)."""
        row_tag, cell_tag = b"<" + self.prefix + b"row", b"<" + self.prefix + b"c"
        rows = block.count(row_tag)
        self.row_elements += rows
        rows_placed = _all_placed(block, row_tag, rows)  # (a <rowBreaks> after the rows: that block is read whole)
        if _all_placed(block, cell_tag):
            self.row_cells = 0  # every cell (and no other element starting so) is placed by its r:
            return rows_placed  # the refs bound the columns
        for i, segment in enumerate(block.split(row_tag)):
            if i:  # a row starts here
                self.widest = max(self.widest, self.row_cells)
                self.row_cells = 0
            self.row_cells += sum(segment.count(cell_tag + end) for end in NAME_ENDS)
        self.widest = max(self.widest, self.row_cells)
        return False


def _all_placed(block: bytes, tag: bytes, tags: int | None = None) -> bool:
    """Whether every element of `block` opening with `tag` goes on with r="…" (the tags that start
    near its end, cut, are the next block's). `tags`: how many `tag` the block holds, if counted."""
    placed = tag + b' r="'
    end = len(block) - len(placed)
    before_end = block.count(tag, 0, end + len(tag) - 1) if tags is None or end < 0 else tags - block.count(tag, end)
    return before_end == block.count(placed, 0, end + len(placed) - 1)


class _OdsSheets:
    """expat's handlers for an .ods content.xml: each sheet's rows and columns, repeat counts
    included, up to the last one holding something (a repeated empty row or cell costs a reader
    nothing), grown into the grid as each row ends. Attribute values come as a reader gets them
    (any quotes, character references decoded), and rows count wherever they stand in their table
    (in a row group, among the header rows). A table inside a cell has its rows apart, and leaves
    its sheet's extent as it was. Names are those written, as calamine knows them."""

    def __init__(self, grid: _Grid):
        self.grid = grid
        self.tables: list[_OdsTable] = []  # the tables being read, innermost last

    def start(self, name: str, attrs: dict) -> None:
        if name == "table:table":
            if not self.tables:  # a sheet
                self.grid.new_sheet()
            self.tables.append(_OdsTable(attrs.get("table:name", "?")))
        elif not self.tables:
            return
        elif name == "table:table-row":
            self.tables[-1].row(repeat_count(attrs.get("table:number-rows-repeated")))
        elif name in ("table:table-cell", "table:covered-table-cell"):
            table = self.tables[-1]
            table.width += repeat_count(attrs.get("table:number-columns-repeated"))
            if ods_cell_holds(attrs):
                table.last = table.width
        elif name.startswith("text:"):  # a cell's text
            self.tables[-1].last = self.tables[-1].width

    def end(self, name: str) -> None:
        if name == "table:table-row" and self.tables:
            table = self.tables[-1]
            table.rows = min(table.rows + table.repeat, ABSURD)
            if table.last:
                self.grid._grow(table.rows, table.last, self.tables[0].title)
        elif name == "table:table" and self.tables:
            self.tables.pop()


class _OdsTable:
    """A table being read: its rows so far, and the row being read (its repeat, its width so far,
    and the width up to its last cell holding something)."""

    def __init__(self, title: str):
        self.title, self.rows = title, 0
        self.repeat = self.width = self.last = 0

    def row(self, repeat: int) -> None:
        self.repeat, self.width, self.last = repeat, 0, 0


def ods_cell_holds(attrs: dict) -> bool:
    """Whether an .ods cell's attributes say it holds something: a value of any type, or a formula
    (a text paragraph in it holds something too: the scans see it as its own element)."""
    return "table:formula" in attrs or any(key.endswith(":value-type") for key in attrs)


ABSURD = 1 << 40  # a repeat no reader expands: counted as this, and refused by any limit


def repeat_count(value: str | None) -> int:
    """A repeat count as a reader takes it ("+1000000", leading zeros, spaces); 1 when absent or
    no number."""
    digits = (value or "").strip().lstrip("+")
    if not digits.isdigit():
        return 1
    return max(1, int(digits)) if len(digits) <= 15 else ABSURD


# .xls (BIFF8 in an OLE compound file) ---------------------------------------------------------

# cell records: row and column are the first two 16-bit words of each
XLS_CELLS = {0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6, 0x0201}
XLS_SPANS = {0x00BD, 0x00BE}  # MULRK, MULBLANK: row, first column, ..., last column (last word)
XLS_DIMENSIONS = 0x0200
XLS_DATEMODE = 0x0022  # 1: the workbook counts its dates from 1904


def check_xls(data: bytes, limits: Limits, name: str) -> bool:
    """The same grid limits for an .xls: every cell record's row and column, and each sheet's
    declared dimensions, read from the workbook stream before calamine sees it. Returns whether
    the workbook counts its dates from 1904 (its DATEMODE record), read in the same pass."""
    import olefile  # only for .xls

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            stream = next((s for s in ("Workbook", "Book") if ole.exists(s)), None)
            if stream is None:
                raise unreadable(name, detail="no workbook stream")
            if ole.get_size(stream) > limits.part_mib * MIB:
                raise refuse(name, "part_mib", mib(ole.get_size(stream)), limits.part_mib, stream)
            book = ole.openstream(stream).read()
    except (OSError, ValueError, IndexError, struct.error, TypeError, olefile.olefile.OleFileError) as exc:
        raise unreadable(name, detail=f"{type(exc).__name__}: {exc}") from exc
    grid = _Grid(stream, limits, name)
    date1904 = False
    at, size = 0, len(book)
    while at + 4 <= size:
        kind, length = struct.unpack_from("<HH", book, at)
        body = book[at + 4 : at + 4 + length]
        if len(body) < length:
            raise unreadable(name, "damaged", "a record is cut short", stream)
        at += 4 + length
        if kind == 0x0809:  # BOF: a new sheet (or the workbook globals) begins
            grid.new_sheet()
        elif kind in XLS_CELLS and length >= 4:
            row, column = struct.unpack_from("<HH", body)
            grid._grow(row + 1, column + 1, stream)
        elif kind in XLS_SPANS and length >= 6:
            row, _ = struct.unpack_from("<HH", body)
            grid._grow(row + 1, struct.unpack_from("<H", body, length - 2)[0] + 1, stream)
        elif kind == XLS_DIMENSIONS and length >= 14:
            first_row, last_row, first_column, last_column = struct.unpack_from("<IIHH", body)
            if first_row > last_row or first_column > last_column:  # a reader would size a wrapped-around grid
                raise unreadable(name, "damaged", "dimensions", stream)
            grid._grow(last_row, last_column, stream)
        elif kind == XLS_DATEMODE and length >= 2:
            date1904 = struct.unpack_from("<H", body)[0] == 1
    return date1904
