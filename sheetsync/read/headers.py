"""Finding the group's tabs and columns in raw tables, however they are named.

A missing required tab or column is a setup error (exit 2) that names the tab, lists the
headers found and says how to map one in Settings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice

from sheetsync.errors import SetupError
from sheetsync.i18n import N_
from sheetsync.model.names import closest, header_key
from sheetsync.model.schema import (
    INPUT_TABS,
    SETTINGS,
    TABS_BY_ID,
    InputTab,
    categories_named,
    is_generated_name,
)
from sheetsync.read.cells import Merged, as_text, is_blank

Cell = object
RawTables = dict[str, Iterable[list[Cell]]]  # tab name -> its rows, row 1 first (a list, or rows read as they come)
HEADER_SCAN_ROWS = 10
# the fields a cell merged over rows is read in on each row it covers, as the sheet shows it there:
# a name, a vehicle, a category, a day ("Laurent" over three trips of his); a number merged over
# rows (km, a reading, an amount) is one number, on its first row
COPIED_DOWN = ("date", "return", "vehicle", "driver", "paid_by", "category", "responsible", "from", "to", "member")
MAX_MERGED = 10_000  # merged cells read of a sheet: a million of them is no logbook (the rest read empty)


@dataclass(frozen=True)
class SheetMarks:
    """What a file says about a sheet's rows beyond their cells (a backend reads it, as data)."""

    hidden: frozenset[int] = frozenset()  # 1-based rows hidden in the spreadsheet
    totals: dict[int, str] = field(default_factory=dict)  # 1-based row -> the table whose totals row it is
    # the cells merged over several rows: (first row, column, last row), rows 1-based, columns 0-based
    merged: tuple[tuple[int, int, int], ...] = ()


class RawBook(dict):
    """Raw tables (tab name -> rows) and, when the backend knows them, each sheet's marks and the
    workbook's date system. Rows read as they come are kept as `Rows`, so that a tab's first row
    can be looked at (`first_row`) and still be read after."""

    def __init__(self, tabs: RawTables, marks: dict[str, SheetMarks] | None = None, date1904: bool = False):
        super().__init__({name: rows if isinstance(rows, list) else Rows(rows) for name, rows in tabs.items()})
        self.marks = marks or {}
        self.date1904 = date1904

    @classmethod
    def listed(cls, raw: RawTables) -> RawBook:
        """`raw` (a RawBook or plain tables) with each tab's rows in a list, to go through more than
        once; its marks and date system kept."""
        tabs = {name: list(rows) for name, rows in raw.items()}
        return cls(tabs, getattr(raw, "marks", None), getattr(raw, "date1904", False))

    def with_tab(self, name: str, rows: Iterable[list[Cell]]) -> RawBook:
        """The same book with the tab `name` holding `rows` (added when missing)."""
        return RawBook(dict(self) | {name: rows}, self.marks, self.date1904)


def _names_an_expense(header: str) -> bool:
    """Whether a header names a currency and an expense category: "Péage (€)", "Parking EUR"."""
    return header_unit(header) == "money" and bool(categories_named(header))


def merged_down(rows, merged, copied: set[int], amounts: set[int]):
    """`rows` with each cell a merged cell covers below its first row read as the sheet shows it
    there, whatever the file keeps in it: in a column of `copied` (COPIED_DOWN) the first cell's
    value ("Laurent" over three trips of his); in one of `amounts` (required amounts) a Merged
    cell, said at its row, when the first holds one (an amount shown over rows is one amount);
    anywhere else nothing (a fuel paid, km or a note merged over rows counts on its first row)."""
    starts: dict[int, list[tuple[int, int]]] = {}
    for first, column, last in merged:
        starts.setdefault(first, []).append((column, last))
    below: dict[int, tuple[int, object]] = {}  # column -> (the merge's last row, what it shows)
    for row, cells in rows:
        if below:
            cells = list(cells)
            for column, (last, shown) in list(below.items()):
                if row > last:
                    del below[column]
                elif column < len(cells):
                    cells[column] = shown
                elif shown is not None:
                    cells += [None] * (column - len(cells)) + [shown]
        for column, last in starts.get(row, ()):
            value = cells[column] if column < len(cells) else None
            if column in copied:
                below[column] = (last, None if is_blank(value) else value)
            else:
                below[column] = (last, Merged(row) if column in amounts and not is_blank(value) else None)
        yield row, cells


def marks_of(raw: RawTables, name: str) -> SheetMarks:
    """The marks the backend found on the sheet `name` (none for plain tables)."""
    return getattr(raw, "marks", {}).get(name) or SheetMarks()


class Rows:
    """A tab's rows, row 1 first, gone through once: the first rows are kept (to find the header),
    the rest streams, so a 100,000-line logbook is never held whole in memory. Rows given as a
    list (a small tab already held) can be gone through again."""

    def __init__(self, source: Iterable[list[Cell]] = ()):
        self._whole = source if isinstance(source, list) else None
        self._rest: Iterator[list[Cell]] = iter(source)
        self._head: list[list[Cell]] = []

    def head(self, n: int) -> list[list[Cell]]:
        if self._whole is not None:
            return self._whole[:n]
        while len(self._head) < n:
            try:
                self._head.append(next(self._rest))
            except StopIteration:
                break
        return self._head[:n]

    def __iter__(self) -> Iterator[list[Cell]]:
        if self._whole is not None:
            yield from self._whole
            return
        yield from self._head
        yield from self._rest


def first_row(rows: Iterable[list[Cell]]) -> list[Cell] | None:
    """A tab's first row, looked at without taking it from the tab: a list or `Rows` (a RawBook's
    tabs) gives it again when gone through. (A bare iterator would lose it: no backend gives one.)"""
    if isinstance(rows, Rows):
        head = rows.head(1)
        return head[0] if head else None
    return next(iter(rows), None)


@dataclass(frozen=True)
class LocatedTab:
    """One input tab: its name as written, where its header is, which column holds which field."""

    spec: InputTab
    name: str
    header_row: int  # 1-based sheet row of the header; 0 when the tab is absent
    columns: dict[str, tuple[int, str]] = field(default_factory=dict)  # field -> (0-based index, header)
    rows: Rows = field(default_factory=Rows)  # the whole tab, row 1 first, to go through once
    duplicates: list[tuple[str, str, int]] = field(default_factory=list)  # (field, ignored header, its index)
    marks: SheetMarks = field(default_factory=SheetMarks)

    @cached_property
    def index(self) -> dict[str, int]:
        """field -> 0-based column index."""
        return {name: i for name, (i, _) in self.columns.items()}

    @cached_property
    def money_unread(self) -> list[int]:
        """The 0-based columns of a logbook whose header names a currency and an expense category,
        and no field ("Péage (€)", "Parking EUR"): expenses typed there are in none of the figures.
        A trip's cost worked out beside it ("Coût (€)": km × rate) names no category."""
        if self.spec.id != "trips" or not self.header_row:
            return []
        header = self.rows.head(self.header_row)[self.header_row - 1]
        read = {i for i, _ in self.columns.values()} | {i for _, _, i in self.duplicates}
        return [i for i, cell in enumerate(header) if i not in read and _names_an_expense(as_text(cell) or "")]

    def data_rows(self):
        """(sheet row number, cells) for each row below the header; a cell that a merged cell covers
        holds what the sheet shows there (`merged_down`)."""
        rows = enumerate(islice(self.rows, self.header_row, None), start=self.header_row + 1)
        if not self.marks.merged:
            return rows
        copied = {self.columns[f][0] for f in COPIED_DOWN if f in self.columns}
        amount = self.columns.get("amount")  # required wherever it is read: a row must have its own
        return merged_down(rows, self.marks.merged, copied, {amount[0]} if amount else set())

    def cell(self, cells: list[Cell], name: str) -> Cell:
        if name not in self.columns:
            return None
        i = self.columns[name][0]
        return cells[i] if i < len(cells) else None

    @cached_property
    def year(self) -> int | None:
        """The year the tab's name names ("Trajets 2024"): the year of dates typed without one."""
        found = re.findall(r"(?<!\d)(19\d\d|20\d\d)(?!\d)", self.name)
        return int(found[0]) if len(found) == 1 else None

    def header(self, name: str, lang: str = "en") -> str:
        """The column's header as written, or its name in `lang` when the tab has no such column."""
        return self.columns[name][1] if name in self.columns else self.spec.column(name).name(lang)


def find_tabs(raw: RawTables) -> dict[str, str]:
    """tab id -> the tab's name as written, for each input tab present (the first so named); the
    Settings tab, when none is named so, is the first tab whose header names a Setting and a Value
    column ("Réglages du groupe": Paramètre, Valeur)."""
    found: dict[str, str] = {}
    for name in raw:
        if (spec := named_tab(name)) is not None and spec.id not in found:
            found[spec.id] = name
    if "settings" not in found:
        unnamed = (n for n in raw if named_tab(n) is None and not is_generated_name(n))
        settings = next((n for n in unnamed if _reads_as_settings(raw[n])), None)
        if settings is not None:
            found["settings"] = settings
    return found


# the Settings tab's header, by its columns' names less the words any tab may head a column with ("Name")
_SETTING_KEYS = SETTINGS.column("key").keys() - {header_key(w) for w in ("Name", "Nom")}
_VALUE_KEYS = SETTINGS.column("value").keys()


def _reads_as_settings(rows: Iterable[list[Cell]]) -> bool:
    head = rows.head(HEADER_SCAN_ROWS) if isinstance(rows, Rows) else list(islice(rows, HEADER_SCAN_ROWS))
    for row in head:
        keys = {header_key(text) for text in map(as_text, row) if text}
        if keys & _SETTING_KEYS and keys & _VALUE_KEYS:
            return True
    return False


def named_tab(name: str) -> InputTab | None:
    """The input tab that a tab's name names ("Membres", "trips"), if any; a generated tab's none."""
    if is_generated_name(name):
        return None
    key = header_key(name)
    return next((spec for spec in INPUT_TABS if key in spec.keys()), None)


SINGLE_TABS = ("settings", "members", "vehicles", "bookings")  # one of each; records may span tabs


def duplicate_tabs(raw: RawTables, found: dict[str, str]) -> list[tuple[str, str]]:
    """(the tab used, a tab ignored) for each tab named as a Settings, Members, Vehicles or
    Bookings tab already `found` (Members and Membres): only the first is used. Trips, expenses
    and payments may span several tabs (read.logbooks)."""
    used = set(found.values())
    twins = []
    for name in raw:
        spec = named_tab(name) if name not in used else None
        if spec is not None and spec.id in SINGLE_TABS and spec.id in found:
            twins.append((found[spec.id], name))
    return twins


def tab_language(found: dict[str, str]) -> str:
    """ "fr" when most of the group's input tabs are named in French (the schema's French names:
    "Participants", a word both languages use, is no French name, and so one vote among several),
    else "en"; on a tie, the first of its members', trips' and vehicles' tabs decides."""
    french = {tab_id: header_key(name) in TABS_BY_ID[tab_id].french_keys() for tab_id, name in found.items()}
    votes = sum(1 if is_french else -1 for is_french in french.values())
    if votes:
        return "fr" if votes > 0 else "en"
    first = next((tab_id for tab_id in ("members", "trips", "vehicles") if tab_id in found), None)
    return "fr" if first is not None and french[first] else "en"


def locate(
    spec: InputTab,
    name: str | None,
    raw: RawTables,
    mapping: dict[tuple[str, str], str],
    lang: str = "en",
    rows: Rows | None = None,
) -> LocatedTab:
    """Find the header row and column of each field of `spec` in the tab `name`.

    Raises SetupError, in `lang`, when a required tab or one of its required columns is missing."""
    if name is None:
        if spec.required:
            raise SetupError(
                N_("The workbook has no {tab} tab (also read as {other_names})."),
                N_("Add a tab named {tab}; `sheetsync init` shows the expected layout. Tabs found: {found}."),
                lang=lang,
                tab=spec.name(lang),
                other_names=", ".join([spec.en if lang == "fr" else spec.fr, *spec.synonyms[:3]]),
                found=", ".join(raw) or "—",
            )
        return LocatedTab(spec, spec.name(lang), 0)  # absent: named in the group's language
    rows = rows if rows is not None else Rows(raw[name])
    best: tuple[int, dict, list] | None = None
    empty: list[str] = []  # the headers of stand-ins left empty, which stand in for nothing
    for index, row in enumerate(rows.head(HEADER_SCAN_ROWS)):
        columns, duplicates = _match_header(spec, row, mapping, lang)
        if not columns:
            continue
        if not spec.missing(columns):
            unfilled = _empty_stand_ins(spec, columns, row, rows.head(index + 1 + STAND_IN_ROWS)[index + 1 :])
            if not unfilled:
                return LocatedTab(spec, name, index + 1, columns, rows, duplicates, marks_of(raw, name))
            empty = [columns[f][1] for f in unfilled]
            columns = {f: c for f, c in columns.items() if f not in unfilled}
        if best is None or len(columns) > len(best[1]):
            best = (index, columns, duplicates)
    if spec is SETTINGS:  # a settings tab without a header: key in A, value in B
        return LocatedTab(spec, name, 0, {"key": (0, "A"), "value": (1, "B")}, rows)
    if not any(any(as_text(c) for c in r) for r in rows):
        if spec.required:
            raise SetupError(
                N_("The {name} tab is empty."),
                N_("Put a header row in {name}: {headers}."),
                lang=lang,
                name=name,
                headers=", ".join(c.name(lang) for c in spec.columns),
            )
        return LocatedTab(spec, name, 0)
    _raise_missing_columns(spec, name, rows, best, lang, empty)
    raise AssertionError("unreachable")


STAND_IN_ROWS = 50  # the rows a stand-in column must be empty on to stand in for nothing


def _empty_stand_ins(spec: InputTab, columns: dict[str, tuple[int, str]], header: list, below: list[list]) -> list[str]:
    """The stand-ins found while none of the columns they stand in for is, and empty on every
    filled row of `below` (the first rows under the header), beside a `header` that has headers
    sheetsync does not know: Km left empty, as `init` lays it out, beside readings the group
    renamed. Such a column stands in for nothing, and the tab misses the columns it would have
    stood in for. (Without an unknown header, nothing was renamed: a logbook of km alone.)"""
    known = {name for _, name in columns.values()}
    if not any((text := as_text(cell)) and text not in known for cell in header):
        return []
    filled = [row for row in below if any(as_text(cell) for cell in row)]
    return [
        stand_in
        for stand_in in spec.stand_ins_found(columns)
        if filled and not any((at := columns[stand_in][0]) < len(row) and as_text(row[at]) for row in filled)
    ]


MONEY_FIELDS = frozenset({"fuel_paid", "amount", "deposit"})
CURRENCY_FIELDS = MONEY_FIELDS | {"rate_per_km"}  # a header may say its currency
LITRE_FIELDS = frozenset({"litres", "tank"})  # a header may say litres
LITRE_UNITS = frozenset({"l", "lt", "litre", "litres", "liter", "liters"})
CURRENCY_UNITS = frozenset({"€", "$", "£", "eur", "euro", "euros", "chf", "usd", "gbp", "ttc"})
_UNIT_TEXT = re.compile(r"(?:[\(\[]\s*([^\)\]]*?)\s*[\)\]]|\s(€|\$|£|eur|euros?))\s*$", re.IGNORECASE)


UNIT_MESSAGES = {
    "litres": N_('The column "{header}" of the {tab} tab is in litres, but its name says {field}.'),
    "money": N_('The column "{header}" of the {tab} tab is in a currency, but its name says {field}.'),
}


def header_unit(text: str) -> str | None:
    """ "litres" or "money" when a header names its unit ("Plein (L)", "Carburant (€)"), else None."""
    m = _UNIT_TEXT.search(text)
    if m is None:
        return None
    unit = (m[1] if m[1] is not None else m[2]).strip().lower()
    if unit in LITRE_UNITS:
        return "litres"
    return "money" if unit in CURRENCY_UNITS else None


def _field_for_unit(spec: InputTab, field_id: str, text: str, lang: str | None = None) -> str:
    """The field a column goes to once its header's unit is heard: litres go to the litres field,
    a currency to money; a unit that contradicts the field stops the run, naming the column."""
    unit = header_unit(text)
    if unit is None:
        return field_id
    if unit == "litres" and field_id in MONEY_FIELDS and any(c.field == "litres" for c in spec.columns):
        return "litres"
    if (unit == "litres" and field_id not in LITRE_FIELDS) or (unit == "money" and field_id not in CURRENCY_FIELDS):
        raise SetupError(
            UNIT_MESSAGES[unit],
            N_(
                "Rename the column so that its name and its unit agree (e.g. Litres (L), Amount (€)), "
                "or map it with column.{tab_id}.FIELD in Settings."
            ),
            lang=lang,
            header=text,
            tab=spec.name(lang or "en"),
            field=spec.column(field_id).name(lang or "en"),
            tab_id=spec.id,
        )
    return field_id


def probe(spec: InputTab, name: str, raw: RawTables, mapping: dict[tuple[str, str], str], rows: Rows):
    """(the tab located as `spec`, or None when a required column is missing; whether its header
    looks like one of `spec`'s: at least three of its columns found, on one of the first rows)."""
    looks = False
    for index, row in enumerate(rows.head(HEADER_SCAN_ROWS)):
        try:
            columns, duplicates = _match_header(spec, row, mapping)
        except SetupError:
            continue
        if len(columns) >= 3 and not spec.missing(columns):
            return LocatedTab(spec, name, index + 1, columns, rows, duplicates, marks_of(raw, name)), True
        looks = looks or len(columns) >= 3
    return None, looks


def _match_header(spec: InputTab, row: list[Cell], mapping: dict[tuple[str, str], str], lang: str | None = None):
    mapped = {header_key(h): f for (tab, f), h in mapping.items() if tab == spec.id}
    # a field whose Settings-named column is in this header is read there, not from a column of its default name
    mapped_here = {mapped[key] for key in map(header_key, filter(None, map(as_text, row))) if key in mapped}
    columns: dict[str, tuple[int, str]] = {}
    duplicates: list[tuple[str, str, int]] = []
    for i, cell in enumerate(row):
        text = as_text(cell)
        if not text:
            continue
        key = header_key(text)
        field_id = mapped.get(key) or next((c.field for c in spec.columns if key in c.keys()), None)
        if field_id is None:
            continue
        if key not in mapped:
            field_id = _field_for_unit(spec, field_id, text, lang)
            if field_id in mapped_here:
                continue
        if field_id in columns:
            duplicates.append((field_id, text, i))
        else:
            columns[field_id] = (i, text)
    return columns, duplicates


def _likely_header(column, headers: list[str], columns: dict[str, tuple[int, str]], lang: str) -> str:
    """The header most likely meant for the missing `column`, for the example of a mapping: the one
    no column was matched to that is closest to one of its names ("Chauffeuse" for Driver), else
    the only one no column was matched to; else the column's own name."""
    used = {header for _, header in columns.values()}
    unused = [h for h in headers if h not in used]
    return closest(column.names(), unused) or (unused[0] if len(unused) == 1 else column.name(lang))


def _raise_missing_columns(spec: InputTab, name: str, rows: Rows, best, lang: str, empty: list[str]) -> None:
    index = best[0] if best else 0
    columns = best[1] if best else {}
    head = rows.head(index + 1)
    headers = [as_text(c) for c in (head[index] if index < len(head) else [])]
    headers = [h for h in headers if h]
    missing = spec.missing(columns)
    first = missing[0]
    names = ", ".join(f'"{c.name(lang)}"' for c in missing)
    message = N_("The {name} tab has no column for {names} (headers found on row {row}: {headers}).")
    if empty:
        message = N_(
            "The {name} tab has no column for {names} (headers found on row {row}: {headers}); its column "
            "{empty}, which could stand in for them, is empty."
        )
    raise SetupError(
        message,
        N_(
            "Rename a header, or map yours in the Settings tab: a row 'column.{tab_id}.{field}' with the "
            "header's text as value (e.g. column.{tab_id}.{field} = {example})."
        ),
        lang=lang,
        name=name,
        names=names,
        row=index + 1,
        headers=", ".join(headers) or "—",
        tab_id=spec.id,
        field=first.field,
        example=_likely_header(first, headers, columns, lang),
        empty=", ".join(empty),
    )
