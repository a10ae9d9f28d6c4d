"""The cells of an .ods that show an error (#DIV/0!, #N/A…): python-calamine reads them as
empty, and an amount would vanish without a word. LibreOffice marks them
`calcext:value-type="error"`; content.xml is scanned for them only when it holds one.
"""

from __future__ import annotations

import io
import zipfile
from xml.parsers import expat

from sheetsync.backends.xlsx_marks import PackageMarks

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
NEEDLE = b'value-type="error"'
MAX_REPEATS = 1000  # an error cell repeated over more cells than this is recorded once


def read_ods_errors(data: bytes) -> PackageMarks:
    """The error cells of an .ods (its bytes), sheet -> 0-based (row, column) -> the error shown;
    none when content.xml holds no error cell or cannot be read this way (the checks say why)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            content = archive.read("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, NotImplementedError):
        return PackageMarks()
    if NEEDLE not in content:
        return PackageMarks()
    scan = _Scan()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = scan.start, scan.end
    parser.CharacterDataHandler = scan.text
    try:
        parser.Parse(content, True)
    except expat.ExpatError:
        return PackageMarks()
    return PackageMarks(errors={sheet: cells for sheet, cells in scan.errors.items() if cells})


class _Scan:
    """Where each error cell stands, rows and columns counted as the sheet repeats them."""

    def __init__(self):
        self.errors: dict[str, dict[tuple[int, int], str]] = {}
        self.sheet: dict[tuple[int, int], str] | None = None
        self.row = self.column = 0
        self.rows_here = self.columns_here = 1
        self.shown: list[str] | None = None  # the text of the error cell being read

    def start(self, name: str, attrs: dict) -> None:
        if name == f"{TABLE} table":
            self.sheet = self.errors.setdefault(attrs.get(f"{TABLE} name", ""), {})
            self.row = 0
        elif name == f"{TABLE} table-row":
            self.rows_here, self.column = _count(attrs, "number-rows-repeated"), 0
        elif name in (f"{TABLE} table-cell", f"{TABLE} covered-table-cell"):
            self.columns_here = _count(attrs, "number-columns-repeated")
            if attrs.get(f"{CALCEXT} value-type") == "error":
                self.shown = []

    def text(self, data: str) -> None:
        if self.shown is not None:
            self.shown.append(data)

    def end(self, name: str) -> None:
        if name == f"{TABLE} table-row":
            self.row += self.rows_here
        elif name in (f"{TABLE} table-cell", f"{TABLE} covered-table-cell"):
            if self.shown is not None and self.sheet is not None:
                shown = "".join(self.shown).strip() or "#VALUE!"
                many = self.rows_here * self.columns_here <= MAX_REPEATS
                for r in range(self.row, self.row + (self.rows_here if many else 1)):
                    for c in range(self.column, self.column + (self.columns_here if many else 1)):
                        self.sheet[(r, c)] = shown
            self.shown = None
            self.column += self.columns_here


def _count(attrs: dict, name: str) -> int:
    try:
        return max(1, int(attrs.get(f"{TABLE} {name}", 1)))
    except ValueError:
        return 1
