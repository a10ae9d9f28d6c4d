"""Raw tables -> typed records and problems. A row with an error is left out."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sheetsync.i18n import t
from sheetsync.model import (
    CENT,
    EVERYONE,
    AsOf,
    Book,
    Booking,
    Expense,
    Member,
    Payment,
    Problem,
    Settings,
    SourceRef,
    Trip,
    Vehicle,
    has_time,
    plain_trip,
)
from sheetsync.model.names import fold, header_key, same_tab, suggest, word_table
from sheetsync.model.problems import problem
from sheetsync.model.schema import (
    BOOKINGS,
    CATEGORIES,
    CATEGORIES_BY_ID,
    EXPENSES,
    GENERATED_TABS,
    MEMBERS,
    SETTINGS,
    TABS_BY_ID,
    TRIPS,
    VEHICLES,
    categories_named,
    category_id,
    category_names,
    is_generated_title,
)
from sheetsync.read.cells import (
    EARLIEST_DATE,
    MAX_AMOUNT,
    ambiguous_km,
    as_text,
    cell_error,
    is_blank,
    name_list,
    parse_money,
    parse_shares,
    parse_time,
    parse_weekday_time,
    percent,
    valid_address,
)
from sheetsync.read.entries import entries_tab, entry_view, without_cancelled
from sheetsync.read.furniture import (
    PAID_FIELDS,
    RunningSums,
    is_sum_row,
    money_in,
    month_heading,
    row_km,
    row_money,
)
from sheetsync.read.headers import (
    LocatedTab,
    RawTables,
    duplicate_tabs,
    find_tabs,
    first_row,
    locate,
    tab_language,
)
from sheetsync.read.logbooks import RecordTabs, record_tabs
from sheetsync.read.rows import Names, Reading, RowReader, is_empty, is_summary
from sheetsync.read.settings_tab import SettingsRead, read_settings

REFUND_WORDS = {header_key(w) for w in ("refund", "remboursement", "rembt", "remb", "avoir", "refunded", "remboursé")}
IN_PROGRESS_DAYS = 7  # a trip with a start reading and no end, this recent, is still out


@dataclass(frozen=True)
class Parsed:
    """The parsed workbook, the problems found reading it, and where each setting was written."""

    book: Book
    problems: list[Problem]
    settings_rows: dict[str, SourceRef]
    left_out: list[tuple[SourceRef, Decimal]]  # the money of each row left out while reading
    left_out_km: list[tuple[SourceRef, Decimal]]  # the km of each logbook row left out while reading
    unread: list[SourceRef]  # the row of each amount left out while reading that cannot be read
    as_of: date  # the day the reading counted up to


def parse_workbook(raw: RawTables, workbook_name: str, today: AsOf, quick: bool = True) -> Parsed:
    """Locate the tabs, read Settings, then every input tab, in dependency order.

    `today` (the as-of date, or how to tell it from the group's time zone) anchors weekly bookings
    written as "mardi 20h" and bounds plausible dates. `quick`
    lets plain logbook lines take the fast reader (the result is the same; a test holds it so).
    """
    found = find_tabs(raw)
    settings_tab, read = _settings(raw, found, workbook_name)
    settings = read.settings
    if not isinstance(today, date):
        today = today(settings.timezone)
    tabs = {
        spec.id: locate(spec, found.get(spec.id), raw, settings.columns, settings.language)
        for spec in (MEMBERS, VEHICLES, BOOKINGS)
    }
    records = record_tabs(raw, found, settings)
    if not records.tabs["trips"] and not records.not_found and not settings.logbook_tabs:
        locate(TRIPS, None, raw, settings.columns, settings.language)  # no logbook at all: says what is expected
    for spec_id in ("trips", "expenses", "payments"):
        first = records.tabs[spec_id][0] if records.tabs[spec_id] else None
        tabs[spec_id] = first or LocatedTab(TABS_BY_ID[spec_id], TABS_BY_ID[spec_id].name(settings.language), 0)
    p = _Parser(settings, list(read.problems), today, getattr(raw, "date1904", False))
    p.tab_problems(records, read.rows)
    p.generated_name_problems(raw)
    for used, ignored in duplicate_tabs(raw, found):
        p.problems.append(problem("tab.duplicate", settings.language, ignored, None, None, used=used, value=ignored))
    every_tab = [tabs[t] for t in ("members", "vehicles", "bookings")] + [
        tab for spec_id in ("trips", "expenses", "payments") for tab in records.tabs[spec_id]
    ]
    members = p.members(tabs["members"])
    vehicles = p.vehicles(tabs["vehicles"])
    entries = entries_tab(raw, found.get("entries"), settings.language)
    views = {kind: entry_view(entries, kind) for kind in ("trip", "expense", "payment", "booking")}
    rejected: dict[str, set[tuple[str, int]]] = defaultdict(set)
    located = [*tabs.values(), *every_tab, *(view for view in views.values() if view is not None)]
    headers = {(tab.name, f): header for tab in located for f, (_, header) in tab.columns.items()}

    def read_all(tab_id: str, kind: str, parse_row, quick_for=None) -> tuple:
        """The records of every tab of `tab_id`, then of the entries of `kind` made from the phones;
        the rows left out for an error are kept in `rejected`."""
        tabs_of = records.tabs.get(tab_id) or [tabs[tab_id]]
        found_rows = []
        for tab in [*tabs_of, views[kind]] if views[kind] is not None else tabs_of:
            found_rows += p.rows(tab, parse_row, quick=quick_for(tab) if quick_for and tab is not views[kind] else None)
            rejected[tab_id] |= {(tab.name, row) for row in p.rejected}
        return tuple(found_rows)

    trips = read_all("trips", "trip", p.trip, p.quick_trip if quick else None)
    expenses = read_all("expenses", "expense", p.expense)
    read_bookings = list(read_all("bookings", "booking", p.booking))
    bookings, cancel_nothing = without_cancelled(read_bookings, entries, p.member_names.lookup)
    p.cancellations_that_cancel_nothing(entries, cancel_nothing)

    book = Book(
        settings=p.settings,  # naming the treasurer, hub and kitty as Members does
        members=tuple(members),
        vehicles=tuple(vehicles),
        trips=trips,
        expenses=expenses,
        bookings=tuple(bookings),
        payments=read_all("payments", "payment", p.payment),
        tab_names={tab_id: tab.name for tab_id, tab in tabs.items()}
        | {"settings": settings_tab.name, "entries": entries.name},
        rejected_rows={tab_id: frozenset(rows) for tab_id, rows in rejected.items()},
        headers=headers,
    )
    p.duplicate_columns(every_tab)  # after the rows: with the money each ignored column held
    return Parsed(book, p.problems, read.rows, p.left_out, p.left_out_km, p.unread, today)


def workbook_settings(raw: RawTables, workbook_name: str) -> Settings:
    """The Settings tab's settings alone (its language, its currency…), without reading the rest."""
    return _settings(raw, find_tabs(raw), workbook_name)[1].settings


def _settings(raw: RawTables, found: dict[str, str], workbook_name: str) -> tuple[LocatedTab, SettingsRead]:
    settings_tab = locate(SETTINGS, found.get("settings"), raw, {}, tab_language(found))
    return settings_tab, read_settings(settings_tab, workbook_name, tab_language(found))


@dataclass
class IgnoredColumn:
    """What a second money column, not read, holds: its amounts (their total, how many) and the
    cells that read as no amount (money too when the column holds some; else it is a text column)."""

    total: Decimal = Decimal(0)  # by each amount's size: the money left out
    signed: Decimal = Decimal(0)  # as typed: what a sum row under the column adds up to
    amounts: int = 0
    unread: list[SourceRef] = field(default_factory=list)


def _returned_before(r: RowReader, day: datetime, returned: datetime | None) -> None:
    """A return before the departure (the day before, or earlier the same day) is a warning: the
    trip counts on its departure day. A return typed as a day alone, on the departure's day, is none."""
    if returned is not None and (returned.date() < day.date() or (has_time(returned) and returned < day)):
        r.flag("trip.return_before_departure", "return", end=returned, start=day)


class _Parser:
    def __init__(self, settings: Settings, problems: list[Problem], today: date, date1904: bool = False):
        self.settings = settings
        self.today = today
        self.lang = settings.language
        # the last plausible date of a record: a year after the as-of date
        latest = today + timedelta(days=365)
        month_first = settings.date_format == "month_first"
        self.reading = Reading(self.lang, month_first, latest, date1904, settings.currency)
        self.problems = problems
        self.member_names = Names()
        self.rejected: list[int] = []  # rows left out for an error, of the last tab read
        self.left_out: list[tuple[SourceRef, Decimal]] = []  # the money of each row left out, by its size
        self.left_out_km: list[tuple[SourceRef, Decimal]] = []  # the km of each logbook row left out
        self.unread: list[SourceRef] = []  # the row of each amount left out that cannot be read
        self.vehicle_names = Names()
        self.emails: dict[str, str] = {}  # a member's Email, folded -> their name (a form's respondent)
        self.ignored: dict[tuple[str, int], IgnoredColumn] = defaultdict(IgnoredColumn)  # (tab, column) -> its money

    def reader(self, tab: LocatedTab, row: int, cells: list) -> RowReader:
        return RowReader(tab, row, cells, self.reading)

    def rows(self, tab: LocatedTab, parse_row, keep_partial: bool = False, quick=None):
        """Records parsed by `parse_row` from each data row that is not empty, sheet furniture
        (a total, a row of sums, a heading), or wrong.

        With `keep_partial` (members, vehicles), a record that `parse_row` still returned despite
        a wrong cell is kept without that cell: leaving out a member would turn every trip of
        theirs into an error too. The money of every row left out is kept in `left_out`.
        """
        records = []
        self.rejected = []
        marks = tab.marks
        special = marks.hidden | set(marks.totals)
        # money columns not read: a second one meaning the same as another, one naming no field
        ignored = [i for f, _, i in tab.duplicates if f in PAID_FIELDS] + tab.money_unread
        sums = RunningSums()
        for row, cells in tab.data_rows():
            if special and row in special:
                if row in marks.totals:
                    self.note("row.table_total", tab, row, table=marks.totals[row])
                    continue
                if self.settings.hidden_rows == "skip":
                    self.note("row.hidden_skipped", tab, row)
                    self._leave_out(tab, row, cells)
                    if ignored:
                        self._ignored_money(tab, row, cells, ignored)
                    continue
                self.note("row.hidden", tab, row)
            elif quick is not None and (record := quick(row, cells)) is not None:
                records.append(record)
                if ignored:
                    self._ignored_money(tab, row, cells, ignored)
                continue
            if is_empty(cells):
                continue
            if is_summary(cells):
                self.note("row.summary", tab, row)
                continue
            if (heading := month_heading(cells)) is not None:
                self.note("row.heading", tab, row, value=heading)
                continue
            # what a sum row may add up too, in the columns not read
            totals = {i: self.ignored[(tab.name, i)].signed for i in ignored} if ignored else None
            if is_sum_row(tab, cells, records, sums, totals):
                self.note("row.sum", tab, row)
                continue
            if ignored:  # a row of data (kept or not): what its ignored columns hold is left out
                self._ignored_money(tab, row, cells, ignored)
            r = self.reader(tab, row, cells)
            record = parse_row(r)
            self.problems.extend(r.problems)
            if record is not None and (r.ok or keep_partial):
                records.append(record)
            else:
                self.rejected.append(row)
                self._leave_out(tab, row, cells)
        return records

    def tab_problems(self, records: RecordTabs, settings_rows: dict[str, SourceRef]) -> None:
        """A logbook-like tab left unread is a warning naming it; a listed logbook tab that does not
        exist is an error on the setting."""
        for name in records.unread:
            self.problems.append(problem("tab.unread", self.lang, name, None, None, name=name))
        if records.not_found:
            where = settings_rows.get("logbook_tabs")
            self.problems.append(
                problem(
                    "settings.bad_value",
                    self.lang,
                    where.tab if where else "",
                    where.row if where else None,
                    None,
                    value=", ".join(records.not_found),
                    key=where.column if where else "logbook_tabs",
                    default="—",
                    choices=t(self.lang, "the names of the logbook tabs, separated by commas"),
                )
            )

    def generated_name_problems(self, raw: RawTables) -> None:
        """A tab of the group's that bears the name of a tab sync writes (in the group's language,
        compared as the writers compare them) stops sync: said here too, so that validate reports
        what sync would refuse."""
        names = {same_tab(tab.name(self.lang)) for tab in GENERATED_TABS}
        for name in raw:
            if same_tab(name) in names:
                first = first_row(raw[name])
                if not is_generated_title(first[0] if first else None):
                    self.problems.append(problem("tab.generated_name", self.lang, name, None, None, name=name))

    def cancellations_that_cancel_nothing(self, entries: LocatedTab, lines: list[tuple[int, str, str]]) -> None:
        """A warning on each line of `entries` that cancels nothing: (row, member, what it names)."""
        for row, member, target in lines:
            empty = "member" if not member else "cancels" if not target else None
            code = "entry.cancellation_empty" if empty else "entry.no_such_booking"
            column = entries.header(empty or "cancels", self.lang)
            self.problems.append(problem(code, self.lang, entries.name, row, column, member=member, value=target))

    def note(self, code: str, tab: LocatedTab, row: int, **params) -> None:
        self.problems.append(problem(code, self.lang, tab.name, row, None, **params))

    def _ignored_money(self, tab: LocatedTab, row: int, cells: list, ignored: list[int]) -> None:
        """The money typed in a data row's columns of `ignored` (a second column meaning the same as
        a money column), left out of the figures: kept for the warning, and in `left_out`."""
        for i in ignored:
            amount = money_in(cells[i] if i < len(cells) else None, self.lang, self.settings.currency)
            column = self.ignored[(tab.name, i)]
            if amount is False:
                column.unread.append(SourceRef(tab.name, row))  # counted if the column holds money at all
            elif amount:
                column.total += abs(amount)  # money left out counts by its size
                column.signed += amount
                column.amounts += 1
                self.left_out.append((SourceRef(tab.name, row), abs(amount)))

    def duplicate_columns(self, tabs: list[LocatedTab]) -> None:
        """A warning for each column ignored because another one means the same, with the money
        typed in it when it is a money column (`_ignored_money`); and for each logbook column of
        money that names no field, with the money typed in it."""
        for tab in tabs:
            for index in tab.money_unread:
                money = self.ignored.get((tab.name, index), IgnoredColumn())
                if money.amounts:
                    self.unread += money.unread
                    header = as_text(tab.rows.head(tab.header_row)[tab.header_row - 1][index])
                    expenses = EXPENSES.name(self.lang)
                    said = problem(
                        "column.unread_money",
                        self.lang,
                        tab.name,
                        tab.header_row,
                        header,
                        amount=money.total,
                        expenses=expenses,
                    )
                    self.problems.append(said)
            for field_id, header, index in tab.duplicates:
                money = self.ignored.get((tab.name, index), IgnoredColumn())
                if money.amounts:  # a column of money: what cannot be read in it is money too
                    self.unread += money.unread
                used = tab.columns[field_id][1]
                code = "column.duplicate" if header_key(header) != header_key(used) else "column.same_header"
                self.problems.append(
                    problem(
                        "column.duplicate_money" if money.amounts else code,
                        self.lang,
                        tab.name,
                        tab.header_row,
                        header,
                        field=field_id,
                        used=used,
                        value=header,
                        tab_id=tab.spec.id,
                        amount=money.total,
                    )
                )

    def _leave_out(self, tab: LocatedTab, row: int, cells: list) -> None:
        """Remember the money a row left out holds (a fuel paid, an amount), to say it is not
        counted; and the row once for each money cell of it that cannot be read as an amount."""
        amount, unread = row_money(tab, cells, self.lang, self.settings.currency)
        if amount is not None:
            self.left_out.append((SourceRef(tab.name, row), amount))
        if tab.spec.id == "trips" and (km := row_km(tab, cells, self.lang)):
            self.left_out_km.append((SourceRef(tab.name, row), km))
        self.unread += [SourceRef(tab.name, row)] * unread

    def members(self, tab: LocatedTab) -> list[Member]:
        """The members; with a Prénom (first name) column beside Nom, each is "Prénom Nom",
        shortened to the first name where no other member shares it. A kitty (Settings `kitty`)
        not listed is added: it holds money, never a share of the costs. The members Settings names
        (treasurer, settlement_hub, kitty), found as any other cell names a member (by their full
        name too), are then named as the members are."""
        seen: dict[str, int] = {}
        full_names = Names()

        def member(r: RowReader) -> Member | None:
            first, last = r.text("first_name"), r.text("name")
            name = " ".join(n for n in (first, last) if n) or None
            if name is None:
                r.flag("value.missing", "name" if "name" in r.index else "first_name")
                return None
            if (other := full_names.get(name)) is not None:
                r.flag("member.duplicate", "name", value=name, other_row=seen[other])
                return None
            full_names.add(name)
            seen[name] = r.row
            email = r.text("email")
            if email and valid_address(email) is None:  # kept as typed: the notices pass them over
                r.flag("member.email", "email", value=email, member=name)
            return Member(
                SourceRef(tab.name, r.row),
                name,
                email,
                _day(r.moment("joined")),
                _day(r.moment("left")),
                r.money("deposit"),
                r.number("expected_km"),
                first_name=first if last else None,
                iban=r.bank("iban", "member.iban"),
                bic=r.bank("bic", "member.bic"),
            )

        read = self.rows(tab, member, keep_partial=True)
        firsts = Counter(fold(m.first_name) for m in read if m.first_name)
        members = [
            replace(m, name=m.first_name) if m.first_name and firsts[fold(m.first_name)] == 1 else m for m in read
        ]
        for full, m in zip([m.name for m in read], members, strict=True):
            self.member_names.add(m.name)
            self.member_names.alias(full, m.name)
            if m.email:
                self.emails.setdefault(fold(m.email), m.name)
        kitty = self.settings.kitty
        if kitty and self.member_names.get(kitty) is None:
            members.append(Member(SourceRef(tab.name, 0), kitty))
            self.member_names.add(kitty)
        named = {key: getattr(self.settings, key) for key in ("treasurer", "settlement_hub", "kitty")}
        revoked = tuple(  # Settings kept the cell as typed: its names are told apart knowing the members
            EVERYONE if fold(typed) in ("all", "tous", "toutes", "*") else self.member_names.get(typed) or typed
            for cell in self.settings.revoked_links
            for typed in name_list(cell, self.member_names.get)
        )
        self.settings = replace(
            self.settings,
            revoked_links=revoked,
            **{key: self.member_names.get(typed) or typed for key, typed in named.items() if typed},
        )
        return members

    def vehicles(self, tab: LocatedTab) -> list[Vehicle]:
        seen: dict[str, int] = {}

        def vehicle(r: RowReader) -> Vehicle | None:
            name = r.text("vehicle")
            if name is None:
                r.flag("value.missing", "vehicle")
                return None
            if (other := self.vehicle_names.get(name)) is not None:
                r.flag("vehicle.duplicate", "vehicle", value=name, other_row=seen[other])
                return None
            owners = self._owners(r)
            shared = self._member_list(r, "shared_with")
            record = Vehicle(
                SourceRef(tab.name, r.row),
                name,
                owners,
                r.text("plate"),
                r.number("rate_per_km"),
                r.distance("odometer_at_start"),
                _day(r.moment("inspection_due")),
                _day(r.moment("insurance_renewal")),
                shared,
                r.number("tank"),
            )
            if not owners:
                return None
            self.vehicle_names.add(name)
            seen[name] = r.row
            return record

        return self.rows(tab, vehicle, keep_partial=True)

    def _owners(self, r: RowReader) -> tuple[tuple[str, Decimal], ...]:
        typed = r.text("owner")
        if typed is None:
            r.flag("value.missing", "owner")
            return ()
        try:
            shares = parse_shares(typed, self.lang, self.member_names.get)
        except ValueError:
            r.flag("vehicle.shares", "owner", total="?")
            return ()
        owners = []
        for name, share in shares:
            found = self.member_names.get(name)
            if found is None:
                r.flag("ref.member", "owner", value=name, suggestion=suggest(name, self.member_names.all()) or "")
            owners.append((found, share))
        if any(name is None for name, _ in owners):
            return ()
        given = [s for _, s in owners if s is not None]
        if not given:
            return tuple((n, Decimal(1) / len(owners)) for n, _ in owners)
        total = sum(given)
        if len(given) != len(owners) or abs(total - 1) > Decimal("0.0001"):
            r.flag("vehicle.shares", "owner", total=percent(total))
            return ()
        return tuple((n, s) for n, s in owners)

    def _member_list(self, r: RowReader, field: str) -> tuple[str, ...]:
        typed = r.text(field)
        if typed is None:
            return ()
        names = []
        for part in name_list(typed, self.member_names.get):
            found = self.member_names.get(part)
            if found is None:
                r.flag("ref.member", field, value=part, suggestion=suggest(part, self.member_names.all()) or "")
            else:
                names.append(found)
        return tuple(names)

    def _vehicle(self, r: RowReader) -> str | None:
        """The row's vehicle; when blank, the group's only vehicle, else the vehicle the tab's name
        names ("Trajets Clio")."""
        value = r.raw("vehicle")
        if is_blank(value):
            choices = self.vehicle_names.all()
            if len(choices) == 1:
                return choices[0]
            if not choices:
                r.flag("ref.no_vehicle", "vehicle", vehicles_tab=TABS_BY_ID["vehicles"].name(self.lang))
                return None
            named = self.tab_vehicle(r.tab)
            if named is not None:
                return named
            r.flag("ref.vehicle_missing", "vehicle", choices=", ".join(choices))
            return None
        return r.name_in("vehicle", self.vehicle_names, "ref.vehicle")

    def tab_vehicle(self, tab: LocatedTab) -> str | None:
        """The vehicle a tab's name names, as a word of it ("Carnet Clio 2025" -> Clio), or None."""
        words = set(fold(tab.name).replace("-", " ").replace("_", " ").split())
        named = [v for v in self.vehicle_names.all() if set(fold(v).split()) <= words]
        return named[0] if len(named) == 1 else None

    def _who(self, r: RowReader, field: str) -> str | None:
        """A member typed in `field`, else the form's respondent, by their Email in Members."""
        if "respondent" not in r.index or field in r.index:
            return r.name_in(field, self.member_names, "ref.member", True)
        email = r.text("respondent")
        if email is None:
            r.flag("value.missing", "respondent")
            return None
        found = self.emails.get(fold(email))
        if found is None:
            r.flag("ref.respondent", "respondent", value=email)
        return found

    def _when(self, r: RowReader) -> datetime | None:
        """The row's date, else the form's timestamp (a form without a date question)."""
        if "date" in r.index or "timestamp" not in r.index:
            return r.moment("date", True)
        return r.moment("timestamp", True)

    def trip(self, r: RowReader) -> Trip | None:
        day, returned = self._when(r), r.moment("return")
        vehicle = self._vehicle(r)
        driver = self._who(r, "driver")
        km = r.distance("km")
        if is_blank(r.raw("odometer_start")) and is_blank(r.raw("odometer_end")) and km is not None:
            fuel = r.money("fuel_paid")
            litres, full = r.number("litres"), r.yes_no("full")
            if not r.ok:
                return None
            _returned_before(r, day, returned)
            return Trip(
                SourceRef(r.tab.name, r.row),
                day,
                vehicle,
                driver,
                None,
                None,
                returned,
                fuel,
                r.text("note"),
                litres=litres,
                full=full,
                distance=km,
            )
        start = r.distance("odometer_start", True)
        if start is not None and km is None and is_blank(r.raw("odometer_end")) and self._recent(day):
            r.flag("trip.in_progress", None, start=start, day=day.date())
            return None
        end = r.distance("odometer_end", km is None and "odometer_end" in r.index)
        if end is None and km is None and "odometer_end" not in r.index:
            r.flag("value.missing", "km")  # a start reading and Km: the end is start + Km
        if end is None and start is not None and km is not None:
            end = start + km
        fuel = r.money("fuel_paid")
        litres, full = r.number("litres"), r.yes_no("full")
        if not r.ok:
            return None
        _returned_before(r, day, returned)
        if end < start:
            r.flag("trip.odometer_backwards", "odometer_end", start=start, end=end)
        elif km is not None and km != end - start and r.raw("odometer_end") is not None:
            r.flag(
                "trip.km_mismatch",
                "km",
                km=km,
                start=start,
                end=end,
                diff=end - start,
            )
        return Trip(
            SourceRef(r.tab.name, r.row), day, vehicle, driver, start, end, returned, fuel, r.text("note"), litres, full
        )

    def _recent(self, day: datetime | None) -> bool:
        """Within the 7 days up to the as-of date: a trip without an end reading is still out."""
        return day is not None and self.today - timedelta(days=IN_PROGRESS_DAYS) <= day.date() <= self.today

    def quick_trip(self, tab: LocatedTab):
        """A fast reader for the logbook lines that need no interpretation: a date cell, known names,
        number cells, a plausible return, a note showing no error, no Km to check. It answers None
        for any other line, which then goes the careful way (trip()), so the result is the same,
        only sooner on a 100,000-line logbook."""
        index = tab.index
        if not {"date", "driver", "odometer_start", "odometer_end"} <= set(index) or index.keys() & UNREAD_QUICKLY:
            return None
        i_date, i_back, i_vehicle = index["date"], index.get("return"), index.get("vehicle")
        i_driver, i_start, i_end = index["driver"], index["odometer_start"], index["odometer_end"]
        i_fuel, i_note = index.get("fuel_paid"), index.get("note")
        i_litres, i_full = index.get("litres"), index.get("full")  # lines that say them go the careful way
        width = max(i_date, i_driver, i_start, i_end)
        only = self.vehicle_names.all()[0] if len(self.vehicle_names.all()) == 1 else None
        vehicles, members, name, lang = self.vehicle_names, self.member_names, tab.name, self.lang
        currency = self.settings.currency
        numbers = (int, float)
        days: dict[date, datetime] = {}  # one datetime per day, however many trips that day
        amounts: dict[str, Decimal | None] = {}  # a fuel amount typed as text, read once
        earliest, latest = datetime.combine(EARLIEST_DATE, time()), datetime.combine(self.reading.latest, time.max)
        # an optional column absent from the tab gets an index past any row's end: it reads as empty
        i_back, i_vehicle, i_fuel, i_note, i_litres, i_full = (
            ABSENT if i is None else i for i in (i_back, i_vehicle, i_fuel, i_note, i_litres, i_full)
        )

        def fuel_text(text: str) -> Decimal | None:
            try:
                amount = parse_money(text, lang, currency)
            except ValueError:
                amount = None  # the careful way says why
            amounts[text] = amount = amount if amount is None or amount >= 0 else None
            return amount

        def quick(row: int, cells: list) -> Trip | None:
            n = len(cells)
            if n <= width:
                return None
            if (i_litres < n and cells[i_litres] is not None) or (i_full < n and cells[i_full] is not None):
                return None
            day, start, end, driver = cells[i_date], cells[i_start], cells[i_end], cells[i_driver]
            if type(day) is date:  # a date cell without a time
                day = days.get(day) or days.setdefault(day, datetime(day.year, day.month, day.day))
            if type(day) is not datetime or type(start) not in numbers or type(end) not in numbers:
                return None
            if not 0 <= end - start < math.inf:  # backwards, or not finite (NaN, inf): the careful way says why
                return None
            if (type(start) is float and not start.is_integer() and ambiguous_km(start)) or (
                type(end) is float and not end.is_integer() and ambiguous_km(end)
            ):
                return None
            if not earliest <= day <= latest:
                return None
            if type(driver) is not str or (driver := members.lookup(driver)) is None:
                return None
            vehicle = cells[i_vehicle] if i_vehicle < n else None
            vehicle = only if vehicle is None else vehicles.lookup(vehicle) if type(vehicle) is str else None
            back = cells[i_back] if i_back < n else None
            fuel = cells[i_fuel] if i_fuel < n else None
            note = cells[i_note] if i_note < n else None
            if type(back) is date:
                back = datetime(back.year, back.month, back.day)
            if back is not None and (type(back) is not datetime or not earliest <= back <= latest or back < day):
                return None  # (a return before the departure, even a day typed alone: the careful way says)
            if vehicle is None:
                return None
            if fuel is not None:
                if type(fuel) is str:
                    fuel = amounts[fuel] if fuel in amounts else fuel_text(fuel)
                    if fuel is None:
                        return None
                elif type(fuel) not in numbers or not 0 <= fuel < MAX_AMOUNT:  # parse_money's bound
                    return None
                else:
                    fuel = Decimal(repr(fuel)).quantize(CENT, rounding=ROUND_HALF_UP)
            if note is not None and (type(note) is not str or cell_error(note) is not None):
                return None
            return plain_trip(
                name,
                row,
                day,
                vehicle,
                driver,
                start if type(start) is int else int(start) if start.is_integer() else _reading(start),
                end if type(end) is int else int(end) if end.is_integer() else _reading(end),
                back,
                fuel,
                note.strip() or None if note else None,
            )

        return quick

    def expense(self, r: RowReader) -> Expense | None:
        day = self._when(r)
        vehicle = self._vehicle(r)
        payer = self._who(r, "paid_by")
        category, refund = self._category(r)
        amount = r.money("amount", True, negative_code=None)
        if amount == 0:
            r.flag("value.zero_amount", "amount")
        if amount is not None and category is not None:
            amount = self._refund(r, category, -abs(amount) if refund else amount)
        litres = r.number("litres")
        full = r.yes_no("full")
        responsible = r.name_in("responsible", self.member_names, "ref.member")
        if not r.ok:
            return None
        return Expense(
            SourceRef(r.tab.name, r.row),
            day,
            vehicle,
            payer,
            category,
            amount,
            litres,
            responsible,
            r.text("note"),
            full,
        )

    def _refund(self, r: RowReader, category: str, amount: Decimal) -> Decimal | None:
        """A negative amount is a refund from outside the group: it lowers a shared cost. A cost that
        stays with who paid or who was responsible (a toll, a fine) is not refunded that way."""
        if amount >= 0:
            return amount
        if self.settings.split_rule(category) in ("payer", "responsible"):
            r.flag("expense.negative", "amount", value=as_text(r.raw("amount")))
            return None
        return amount

    def _category(self, r: RowReader) -> tuple[str | None, bool]:
        """The category id, and whether the row is a refund of it ("Remboursement assurance")."""
        typed = r.text("category")
        if typed is None:
            r.flag("value.missing", "category")
            return None, False
        words = typed.split()
        refund = bool(words) and header_key(words[0]) in REFUND_WORDS
        if refund and len(words) == 1:
            r.flag("expense.refund_category", "category", value=typed)
            return None, True
        named = " ".join(words[1:]) if refund else typed
        found = category_id(named)
        if found is None and len(several := categories_named(named)) > 1:
            names = ", ".join(c.name(self.lang) for c in CATEGORIES if c.id in several)
            r.flag("expense.several_categories", "category", value=typed, categories=names)
        elif found is None:
            names = [c.name(self.lang) for c in CATEGORIES]
            r.flag(
                "ref.category",
                "category",
                value=typed,
                suggestion=self._category_name(suggest(typed, category_names())),
                choices=", ".join(names),
            )
        return found, refund

    def _category_name(self, name: str | None) -> str:
        """A category's name as the group writes it (a suggestion found among every language's)."""
        found = category_id(name) if name else None
        return CATEGORIES_BY_ID[found].name(self.lang) if found else ""

    def booking(self, r: RowReader) -> Booking | None:
        vehicle = self._vehicle(r) if self.vehicle_names.all() else None
        member = r.name_in("member", self.member_names, "ref.member", True)
        until, booked_at = r.moment("until"), r.moment("booked_at")
        repeat = self._repeat(r)
        start, weekly = self._booking_start(r, booked_at)
        end = self._booking_end(r, start) if start is not None else None
        if not r.ok or start is None or end is None:
            return None
        if weekly and repeat is None:
            repeat = "weekly"
        if not has_time(end) and not has_time(start) and end.date() >= start.date():  # whole days
            end = datetime.combine(end.date() + timedelta(days=1), time())  # "14/01 – 14/01": the whole day
        if end <= start:
            r.flag("booking.end_before_start", "end", start=start, end=end)
        if repeat and until is not None and until.date() < start.date():  # no day left to book
            r.flag("booking.until_before_start", "until", until=until.date(), start=start.date())
        identity = "|".join(str(x) for x in (vehicle, member, r.raw("start"), r.raw("end"), repeat))
        return Booking(
            SourceRef(r.tab.name, r.row),
            vehicle,
            member,
            start,
            end,
            repeat,
            _day(until),
            booked_at,
            r.text("note"),
            identity,
        )

    def _repeat(self, r: RowReader) -> str | None:
        typed = r.text("repeat")
        if typed is None:
            return None
        found = REPEATS.get(header_key(typed))
        if found is None:
            r.flag("booking.repeat", "repeat", value=typed)
        return found or None

    def _booking_start(self, r: RowReader, booked_at: datetime | None) -> tuple[datetime | None, bool]:
        """The first start; "mardi 20h" (a weekday and a time) starts on the first such day on or
        after Booked at, else on or after January 1st of the current year."""
        if is_blank(r.raw("start")):
            r.flag("value.missing", "start")
            return None, False
        try:
            return self.reading.moment(r.raw("start")), False
        except ValueError as unread:
            error = unread
        try:
            weekday, at = parse_weekday_time(r.raw("start"))
        except ValueError:
            r.unread_date("start", error)
            return None, False
        anchor = booked_at.date() if booked_at else date(self.today.year, 1, 1)
        first = anchor + timedelta(days=(weekday - anchor.weekday()) % 7)
        return datetime.combine(first, at), True

    def _booking_end(self, r: RowReader, start: datetime) -> datetime | None:
        """The first end: a date and time, or a time alone ("23h": the same day, or the next
        day when it is not after the start), or a weekday and time."""
        raw = r.raw("end")
        if is_blank(raw):
            r.flag("value.missing", "end")
            return None
        try:
            return self.reading.moment(raw)
        except ValueError as unread:
            error = unread
        try:
            return _after(start, parse_time(raw))
        except ValueError:
            pass
        try:
            weekday, at = parse_weekday_time(raw)
        except ValueError:
            r.unread_date("end", error)
            return None
        day = start.date() + timedelta(days=(weekday - start.weekday()) % 7)
        end = datetime.combine(day, at)
        return end if end > start else end + timedelta(days=7)

    def payment(self, r: RowReader) -> Payment | None:
        day = self._when(r)
        sender = self._who(r, "from")
        recipient = r.name_in("to", self.member_names, "ref.member", True)
        amount = r.money("amount", True, negative_code="payment.negative")
        if not r.ok:
            return None
        if sender == recipient:
            r.flag("payment.self", "to", value=sender)
        if amount == 0:
            r.flag("value.zero_amount", "amount")
        return Payment(SourceRef(r.tab.name, r.row), day, sender, recipient, amount, r.text("note"))


REPEATS = word_table(
    ("daily", ("quotidien", "quotidienne", "chaque jour", "tous les jours", "every day", "jour")),
    ("weekly", ("hebdomadaire", "chaque semaine", "toutes les semaines", "every week", "semaine")),
    (
        "biweekly",
        (
            "every two weeks",
            "every other week",
            "toutes les deux semaines",
            "une semaine sur deux",
            "bimensuel",
            "fortnightly",
            "2 semaines",
            "quinzaine",
        ),
    ),
    ("monthly", ("mensuel", "mensuelle", "chaque mois", "tous les mois", "every month", "mois")),
    ("", ("non", "no", "none", "aucune", "une fois", "once", "-")),
)


# the fields the quick reader never reads (a Km to check, a form's Timestamp and Email address):
# a logbook with one of them is read the careful way, which also says when such a cell shows an error
UNREAD_QUICKLY = frozenset(("km", "timestamp", "respondent"))
ABSENT = 1 << 62  # the column index of a field the tab does not have: past the end of every row


def _reading(value: int | float) -> Decimal | int:
    """An odometer reading: an int when whole (lighter), else an exact Decimal."""
    if type(value) is int or value.is_integer():
        return int(value)
    return Decimal(repr(value))


def _after(start: datetime, at) -> datetime:
    end = datetime.combine(start.date(), at)
    return end if end > start else end + timedelta(days=1)


def _day(moment):
    return moment.date() if moment is not None else None
