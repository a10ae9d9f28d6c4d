"""What an .xlsx package says about its sheets beyond the cell values python-calamine reads:
hidden rows, the totals rows of Excel Tables (from xl/tables/*.xml), the error a cell shows
(#DIV/0!…, which calamine reads as empty), and the workbook's date system (1900 or 1904).

Each sheet's XML is scanned as bytes, and only for what it holds: a sheet without a hidden row
or an error cell costs one substring search each.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field

from sheetsync.backends.a1 import column_number
from sheetsync.backends.limits import sheet_prefix, spelled
from sheetsync.backends.ooxml import Package, _attr
from sheetsync.backends.xml_text import markup_only, unescape_xml
from sheetsync.read.cells import Uncomputed
from sheetsync.read.headers import SheetMarks

TABLE_REL = "/relationships/table"
# a sheet without any of these has no mark to read: a hidden row, then an error cell or a formula
# (written <f, or <x:f under a prefix: see limits.spelled)
UNREADABLE_NEEDLES = (b't="e"', b"<f")
NEEDLES = (b"hidden=", *UNREADABLE_NEEDLES)
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_HIDDEN = re.compile(rb'\shidden\s*=\s*["\'](?:1|true)["\']')
_ROW_NUMBER = re.compile(rb'\sr\s*=\s*["\'](\d+)["\']')
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_TYPE = re.compile(rb'\st\s*=\s*["\'](\w+)["\']')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<]*)</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>", re.S)
_CELL_REF = re.compile(rb'\sr\s*=\s*["\']([A-Z]+)(\d+)["\']')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>|<(?:\w+:)?v/>")
_DATE1904 = re.compile(r'<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*"(?:1|true)"')


@dataclass
class PackageMarks:
    """The marks of every sheet (by name), the error cells (sheet -> 0-based (row, column) -> text)
    and the date system."""

    sheets: dict[str, SheetMarks] = field(default_factory=dict)
    errors: dict[str, dict[tuple[int, int], str]] = field(default_factory=dict)
    date1904: bool = False


def read_marks(data: bytes, holding: set[str]) -> PackageMarks:
    """The marks of an .xlsx/.xlsm's bytes; none when the package cannot be read that way.
    `holding` names the parts that hold one of NEEDLES (limits.check_package found them as it
    checked the package): the others are not inflated again."""
    try:
        package = Package(data)
        found = PackageMarks(date1904=is_date1904(package))
        for sheet in package.sheets():
            totals = _table_totals(package, sheet.part)
            if sheet.part not in holding:
                if totals:
                    found.sheets[sheet.name] = SheetMarks(totals=totals)
                continue
            data = markup_only(package.bytes_of(sheet.part))
            hidden = _hidden_rows(data)
            if totals or hidden:
                found.sheets[sheet.name] = SheetMarks(hidden=hidden, totals=totals)
            if any(needle in data for needle in spelled(UNREADABLE_NEEDLES, sheet_prefix(data))):
                found.errors[sheet.name] = _unreadable_cells(data)
        return found
    except (
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        OSError,
        UnicodeDecodeError,
        TypeError,
        IndexError,
        AttributeError,
        EOFError,
        NotImplementedError,
        zlib.error,
    ):  # a damaged package: calamine, then the checks, say why
        return PackageMarks()


def is_date1904(package: Package) -> bool:
    """Whether the workbook counts its dates from 1904 (a setting of old Mac workbooks)."""
    return bool(_DATE1904.search(package.text(package.workbook_part())))


def _rows(data: bytes):
    """(0-based row, attributes, content) of each row of a sheet: a row numbered by its r, or
    without one, the row after the one before (as a reader places it)."""
    row = -1
    for attrs, content in _ROW.findall(data):
        number = _ROW_NUMBER.search(attrs)
        row = int(number[1]) - 1 if number else row + 1
        yield row, attrs, content


def _hidden_rows(data: bytes) -> frozenset[int]:
    if b"hidden=" not in data:
        return frozenset()
    return frozenset(row + 1 for row, attrs, _ in _rows(data) if _HIDDEN.search(attrs))


def _unreadable_cells(data: bytes) -> dict[tuple[int, int], str]:
    """The cells whose value calamine reads as empty though they are not: an error shown
    ("#DIV/0!"), or a formula saved without its result (by a program that does not calculate).
    A cell is placed by its r, or without one, after the cell before it in its row. A formula
    whose text result is empty (t="str" with an empty value: =IF(…;"";…)) has its result."""
    cells: dict[tuple[int, int], str] = {}
    for row, _, content in _rows(data):
        column = -1
        for attrs, inner in _CELL.findall(content):
            ref = _CELL_REF.search(attrs)
            at, column = (int(ref[2]) - 1, column_number(ref[1]) - 1) if ref else (row, column + 1)
            kind = _TYPE.search(attrs)
            kind = kind[1] if kind else b"n"
            value = _VALUE.search(inner)
            if kind == b"e":
                shown = (value[1] or b"").decode("utf-8", "replace") if value else ""
            elif (formula := _FORMULA.search(inner)) is None or (value is not None and (value[1] or kind == b"str")):
                continue
            else:
                shown = Uncomputed("=" + unescape_xml((formula[1] or b"").decode("utf-8", "replace")))
            if shown:
                cells[(at, column)] = shown
    return cells


def _table_totals(package: Package, sheet_part: str) -> dict[int, str]:
    """1-based row -> table name, for each table of the sheet that has a totals row."""
    totals = {}
    for rel_type, target in package.relationships(sheet_part).values():
        if not rel_type or not rel_type.endswith(TABLE_REL) or target not in package:
            continue
        table = package.text(target)
        head = re.search(r"<(?:\w+:)?table\b[^>]*>", table)
        if head is None:
            continue
        count, ref = _attr(head[0], "totalsRowCount"), _attr(head[0], "ref")
        if count and int(count) > 0 and ref and (last := re.search(r"(\d+)$", ref)):
            name = _attr(head[0], "displayName") or _attr(head[0], "name") or ""
            for row in range(int(last[1]) - int(count) + 1, int(last[1]) + 1):
                totals[row] = name
    return totals
