"""What python-calamine does not say of an .ods: the cells that show an error (#DIV/0!, #N/A…)
and the formulas saved without their result (by a program that does not calculate), which it
reads as empty (an amount would vanish without a word), and the hidden rows (counted with a
note, or skipped by the group's setting, as in an .xlsx). LibreOffice marks them
`calcext:value-type="error"` and `table:visibility="collapse"` (or "filter", rows a filter
hides); a formula without its result is a `table:formula` with no `office:value-type`.
content.xml is scanned only when it holds one of them.

Elements are known by their names as written ("table:table-row"), not by their namespaces: so
are they by python-calamine and by the limits' check, which bound the repeats of exactly these
rows. A sheet written under another prefix is one that neither reads, nor this scan.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.parsers import expat

from sheetsync.backends.limits import ods_cell_holds, repeat_count
from sheetsync.backends.xlsx_marks import PackageMarks
from sheetsync.backends.xml_text import markup_only
from sheetsync.read.cells import Uncomputed
from sheetsync.read.headers import MAX_MERGED, SheetMarks

MARKED = (b'value-type="error"', b'visibility="collapse"', b'visibility="filter"', b"number-rows-spanned=")
ODS_NEEDLES = (*MARKED, b"table:formula=")  # the limits' pass notices them; a formula is looked at closer
UNCOMPUTED = re.compile(rb"<table:table-cell\b(?![^>]*office:value-type)[^>]*\btable:formula=")
HIDDEN = ("collapse", "filter")
MAX_REPEATS = 1000  # an error cell repeated over more cells than this is recorded once


def read_ods_marks(data: bytes) -> PackageMarks:
    """The error cells (sheet -> 0-based (row, column) -> the error shown) and hidden rows of an
    .ods (its bytes); none when content.xml holds neither or cannot be read this way (the checks
    say why)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, NotImplementedError):
        return PackageMarks()
    if not any(sign in content for sign in MARKED) and not UNCOMPUTED.search(markup_only(content)):
        return PackageMarks()
    scan = _Scan()
    parser = expat.ParserCreate()
    parser.StartElementHandler, parser.EndElementHandler = scan.start, scan.end
    parser.CharacterDataHandler = scan.text
    try:
        parser.Parse(content, True)
    except expat.ExpatError:
        return PackageMarks()
    sheets = set(scan.hidden) | set(scan.merged)
    marks = {s: SheetMarks(frozenset(scan.hidden.get(s, ())), merged=tuple(scan.merged.get(s, ()))) for s in sheets}
    return PackageMarks(
        sheets={sheet: m for sheet, m in marks.items() if m.hidden or m.merged},
        errors={sheet: cells for sheet, cells in scan.errors.items() if cells},
    )


class _Scan:
    """Where each error cell and hidden row stands, rows and columns counted as the sheet repeats
    them. A hidden row is kept when it holds something (an empty one is skipped anyway, and
    LibreOffice may hide a million of them at once). A table nested in a cell is part of that
    cell: its rows and cells are not the sheet's, as the limits count them."""

    def __init__(self):
        self.errors: dict[str, dict[tuple[int, int], str]] = {}
        self.hidden: dict[str, set[int]] = {}  # sheet -> 1-based rows
        self.merged: dict[str, list[tuple[int, int, int]]] = {}  # sheet -> (first row, column, last row)
        self.merged_here: list[tuple[int, int, int]] = []
        self.sheet: dict[tuple[int, int], str] | None = None
        self.hidden_here: set[int] = set()
        self.row = self.column = 0
        self.rows_here = self.columns_here = 1
        self.row_hidden = self.row_holds = False
        self.shown: list[str] | None = None  # the text of the error cell being read
        self.formula: Uncomputed | None = None  # the formula of the cell being read, saved without its result
        self.depth = 0  # how many tables the element being read is in

    def start(self, name: str, attrs: dict) -> None:
        if name == "table:table":
            self.depth += 1
        if self.depth != 1:
            return
        if name == "table:table":
            title = attrs.get("table:name", "")
            self.sheet = self.errors.setdefault(title, {})
            self.hidden_here = self.hidden.setdefault(title, set())
            self.merged_here = self.merged.setdefault(title, [])
            self.row = 0
        elif name == "table:table-row":
            self.rows_here, self.column = repeat_count(attrs.get("table:number-rows-repeated")), 0
            self.row_hidden, self.row_holds = attrs.get("table:visibility") in HIDDEN, False
        elif name in ("table:table-cell", "table:covered-table-cell"):
            self.columns_here = repeat_count(attrs.get("table:number-columns-repeated"))
            self.row_holds = self.row_holds or ods_cell_holds(attrs)
            spanned = repeat_count(attrs.get("table:number-rows-spanned"))
            if spanned > 1 and len(self.merged_here) < MAX_MERGED:  # a cell merged over the rows below
                self.merged_here.append((self.row + 1, self.column, self.row + spanned))
            if attrs.get("calcext:value-type") == "error":
                self.shown = []
            elif "table:formula" in attrs and "office:value-type" not in attrs:
                formula = attrs["table:formula"].partition(":=")
                self.formula = Uncomputed("=" + (formula[2] if formula[1] else formula[0].lstrip("=")))
        elif name.startswith("text:"):  # a cell's text: its row holds something, as the limits count it
            self.row_holds = True

    def text(self, data: str) -> None:
        if self.shown is not None:
            self.shown.append(data)

    def end(self, name: str) -> None:
        if name == "table:table":
            self.depth -= 1
        if self.depth != 1:
            return
        if name == "table:table-row":
            if self.row_hidden and self.row_holds:  # a row holding something: the limits bound its repeats
                self.hidden_here.update(range(self.row + 1, self.row + 1 + self.rows_here))
            self.row += self.rows_here
        elif name in ("table:table-cell", "table:covered-table-cell"):
            marked = self.shown is not None or self.formula is not None
            if marked and self.sheet is not None:
                shown = self.formula or "".join(self.shown or ()).strip() or "#VALUE!"
                many = self.rows_here * self.columns_here <= MAX_REPEATS
                for r in range(self.row, self.row + (self.rows_here if many else 1)):
                    for c in range(self.column, self.column + (self.columns_here if many else 1)):
                        self.sheet[(r, c)] = shown
            self.shown = self.formula = None
            self.column += self.columns_here
