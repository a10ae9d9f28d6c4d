"""What an .xlsx package says about its sheets beyond the cell values python-calamine reads:
hidden rows, the totals rows of Excel Tables (from xl/tables/*.xml), the error a cell shows
(#DIV/0!…, which calamine reads as empty), and the workbook's date system (1900 or 1904).

Each sheet's XML is scanned as bytes, and only for what it holds: a sheet without a hidden row
or an error cell costs one substring search each.
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from sheetsync.backends.a1 import column_number
from sheetsync.backends.ooxml import Package, _attr
from sheetsync.backends.xml_text import NAME_ENDS, element_prefix, markup_only, spelled, unescape_xml
from sheetsync.read.cells import Uncomputed
from sheetsync.read.headers import MAX_MERGED, SheetMarks

TABLE_REL = "/relationships/table"
# a sheet without any of these has no mark to read: a hidden row, then an error cell or a formula
# (written <f, or <x:f under a prefix: see xml_text.spelled)
UNREADABLE_NEEDLES = (b't="e"', b"<f")
NEEDLES = (b"hidden=", b"mergeCell", *UNREADABLE_NEEDLES)
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_HIDDEN = re.compile(rb'\shidden\s*=\s*["\'](?:1|true)["\']')
_ROW_NUMBER = re.compile(rb'\sr\s*=\s*["\'](\d+)["\']')
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_TYPE = re.compile(rb'\st\s*=\s*["\'](\w+)["\']')
_FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<]*)</(?:\w+:)?f>|<(?:\w+:)?f\b[^>]*/>", re.S)
_CELL_REF = re.compile(rb'\sr\s*=\s*["\']([A-Z]+)(\d+)["\']')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>|<(?:\w+:)?v/>")
# where a cell may show an error (its t="e"), or hold a formula without its result: the end of a
# formula (</f>, or a shared one's <f …/>) followed by no value, or an empty one, before the cell
# ends; each search starts with its own text, so that a large sheet is gone through quickly
_ERROR_CELL = re.compile(rb"""t\s*=\s*["']e["']""")
_NO_VALUE_TO_CELL_END = rb"\s*(?:<(?:\w+:)?v\s*/>|<(?:\w+:)?v>\s*</(?:\w+:)?v>)?\s*</(?:\w+:)?c>"


@functools.lru_cache(maxsize=8)
def _formulas_without_value(prefix: bytes) -> tuple[re.Pattern, re.Pattern]:
    """The ends of formulas followed by no value, in a sheet writing its elements under `prefix`."""
    return (
        re.compile(re.escape(b"</" + prefix + b"f>") + _NO_VALUE_TO_CELL_END),
        re.compile(re.escape(b"<" + prefix + b"f") + rb"\b[^>]*/>" + _NO_VALUE_TO_CELL_END),
    )


_WORKBOOK_PR = re.compile(r"<(?:\w+:)?workbookPr\b[^>]*")


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
            hidden, merged = _hidden_rows(data), _merged_down(data)
            if totals or hidden or merged:
                found.sheets[sheet.name] = SheetMarks(hidden=hidden, totals=totals, merged=merged)
            prefix = element_prefix(data, "sheetData")
            if any(needle in data for needle in spelled(UNREADABLE_NEEDLES, prefix)):
                found.errors[sheet.name] = _unreadable_cells(data, prefix)
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
    tag = _WORKBOOK_PR.search(package.text(package.workbook_part()))
    return bool(tag) and _attr(tag[0], "date1904") in ("1", "true")


def _row_numbers(attributes: list[bytes]):
    """The 0-based number of each row, from the attributes of the rows' tags in order: its r, or
    without one, the row after the one before (as a reader places it)."""
    row = -1
    for attrs in attributes:
        number = _ROW_NUMBER.search(attrs)
        row = int(number[1]) - 1 if number else row + 1
        yield row


def _rows(data: bytes):
    """(0-based row, content) of each row of a sheet (`_row_numbers`)."""
    found = _ROW.findall(data)
    return zip(_row_numbers([attrs for attrs, _ in found]), [content for _, content in found], strict=True)


def _hidden_rows(data: bytes) -> frozenset[int]:
    """The 1-based rows hidden (by hand or by a filter), read from the rows' tags alone."""
    if b"hidden=" not in data:
        return frozenset()
    tags = _ROW_TAG.findall(data)
    numbered = zip(_row_numbers(tags), tags, strict=True)
    return frozenset(row + 1 for row, attrs in numbered if b"hidden" in attrs and _HIDDEN.search(attrs))


_MERGED = re.compile(
    rb"""<(?:\w+:)?mergeCell\b[^>]*?\sref\s*=\s*["']\$?([A-Z]{1,3})\$?([0-9]+):\$?([A-Z]{1,3})\$?([0-9]+)["']"""
)


def _merged_down(data: bytes) -> tuple[tuple[int, int, int], ...]:
    """The cells merged over several rows, as (first row, 0-based column, last row); across columns
    alone, a merge shows nothing on another row."""
    if b"mergeCell" not in data:
        return ()
    found = []
    for m in _MERGED.finditer(data):
        first, last = int(m[2]), int(m[4])
        if last > first:
            found.append((first, column_number(m[1]) - 1, last))
            if len(found) == MAX_MERGED:
                break
    return tuple(found)


def _unreadable_cells(data: bytes, prefix: bytes) -> dict[tuple[int, int], str]:
    """The cells whose value calamine reads as empty though they are not: an error shown
    ("#DIV/0!"), or a formula saved without its result (by a program that does not calculate).
    Only the cells that may be one are looked at (a logbook with a formula on every row costs one
    search); where one of them has no r, the whole sheet is gone through, each cell placed after
    the one before it in its row. `prefix`: the one the sheet's elements are written under."""
    cells: dict[tuple[int, int], str] = {}
    opening, closing = b"<" + prefix + b"c", b"</" + prefix + b"c>"
    seen = set()
    searches = (_ERROR_CELL, *_formulas_without_value(prefix))
    for at in sorted(found.start() for search in searches for found in search.finditer(data)):
        start = data.rfind(opening, 0, at)
        while start >= 0 and data[start + len(opening) : start + len(opening) + 1] not in NAME_ENDS:
            start = data.rfind(opening, 0, start)  # <col, <cfRule…: not a cell
        tag_end = data.find(b">", start)
        if start < 0 or tag_end < 0:
            return _unreadable_cells_in_order(data)
        if start in seen:
            continue
        seen.add(start)
        attrs = data[start + len(opening) : tag_end]
        ref = _CELL_REF.search(attrs)
        if ref is None:  # a cell placed by its order: count every cell
            return _unreadable_cells_in_order(data)
        inner = b"" if attrs.endswith(b"/") else data[tag_end + 1 : data.find(closing, tag_end)]
        if shown := _shown(attrs, inner):
            cells[(int(ref[2]) - 1, column_number(ref[1]) - 1)] = shown
    return cells


def _unreadable_cells_in_order(data: bytes) -> dict[tuple[int, int], str]:
    """`_unreadable_cells` for a sheet whose cells or rows are not all placed by their r: each is
    placed after the one before it in its row, as a reader places it."""
    cells: dict[tuple[int, int], str] = {}
    for row, content in _rows(data):
        column = -1
        for attrs, inner in _CELL.findall(content):
            ref = _CELL_REF.search(attrs)
            at, column = (int(ref[2]) - 1, column_number(ref[1]) - 1) if ref else (row, column + 1)
            if shown := _shown(attrs, inner):
                cells[(at, column)] = shown
    return cells


def _shown(attrs: bytes, inner: bytes) -> str | None:
    """What a cell shows that calamine reads as empty: the error it shows, or its formula saved
    without a result (an Uncomputed); None for any other cell. A formula whose text result is
    empty (t="str" with an empty value: =IF(…;"";…)) has its result."""
    kind = _TYPE.search(attrs)
    kind = kind[1] if kind else b"n"
    value = _VALUE.search(inner)
    if kind == b"e":
        return (value[1] or b"").decode("utf-8", "replace") if value else None
    formula = _FORMULA.search(inner)
    if formula is None or (value is not None and (value[1] or kind == b"str")):
        return None
    return Uncomputed("=" + unescape_xml((formula[1] or b"").decode("utf-8", "replace")))


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
