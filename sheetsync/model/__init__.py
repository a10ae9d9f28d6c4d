"""The typed model: what a group's workbook says, once parsed. Frozen dataclasses, no I/O."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from enum import StrEnum

from sheetsync.model.schema import CATEGORIES_BY_ID, TABS_BY_ID

CENT = Decimal("0.01")  # the smallest amount of money: every amount is a whole number of cents
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}  # the sign a currency is written with


def has_time(moment: datetime) -> bool:
    """Whether a moment was given with a time of day: a date typed alone reads as midnight."""
    return moment.time() != time()


# the day the figures count up to, or how to tell it from the group's time zone (its Settings):
# "today" is the group's today, not the server's (the core reads no clock)
AsOf = date | Callable[[str], date]

EVERYONE = "*"  # in Settings.revoked_links: every member's link (typed "all", "tous", "*")


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a record or a value came from: the tab as written, the sheet's own row, the column header."""

    tab: str
    row: int
    column: str | None = None


class Severity(StrEnum):
    """How serious a problem is: an error leaves its row out; a warning or info does not."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong or worth saying about the data, at its tab, row and column, with a hint."""

    severity: Severity
    code: str
    tab: str
    row: int | None
    column: str | None
    message: str
    hint: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict:
        """The problem as `validate --format json` and `report --format json` print it."""
        return {
            "severity": self.severity.value,
            "code": self.code,
            "tab": self.tab,
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


@dataclass(frozen=True, slots=True)
class Member:
    """A member of the group, from the Members tab."""

    source: SourceRef
    name: str
    email: str | None = None
    joined: date | None = None
    left: date | None = None
    deposit: Decimal | None = None
    expected_km: Decimal | None = None
    first_name: str | None = None  # with a Prénom column: the first name (the name is "Prénom Nom")
    iban: str | None = None  # checked, in its compact form (no spaces)
    bic: str | None = None


@dataclass(frozen=True, slots=True)
class Vehicle:
    """A vehicle, its owners with their shares, and its rate and dates, from the Vehicles tab."""

    source: SourceRef
    name: str
    owners: tuple[tuple[str, Decimal], ...]  # (member, share) with shares summing to 1
    plate: str | None = None
    rate_per_km: Decimal | None = None
    odometer_at_start: Decimal | None = None
    inspection_due: date | None = None
    insurance_renewal: date | None = None
    shared_with: tuple[str, ...] = ()
    tank: Decimal | None = None  # litres

    @property
    def owner_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.owners)


@dataclass(frozen=True, slots=True)
class Trip:
    """A logbook line: who drove which vehicle when, from which odometer reading to which."""

    source: SourceRef
    date: datetime
    vehicle: str
    driver: str
    odometer_start: Decimal | int | None  # whole readings are kept as int: a long logbook takes less memory
    odometer_end: Decimal | int | None  # None, with the start, in a logbook of km only
    returned: datetime | None = None
    fuel_paid: Decimal | None = None
    note: str | None = None
    litres: Decimal | None = None  # fuel put in (a Litres column, or a fuel column whose header says litres)
    full: bool | None = None  # None: not said, read as a full tank
    distance: Decimal | None = None  # the km typed, in a logbook without odometer readings

    def days(self) -> tuple[date, date]:
        """The first and last day the trip covers: its date, to its return when that is later."""
        first = self.date.date()
        last = self.returned.date() if self.returned is not None else first
        return first, max(first, last)

    def covers(self, at: datetime) -> bool:
        """Whether the trip had the vehicle at `at`. A trip with times covers [departure, return);
        one with dates only covers its whole days; a moment without a time stands for its day."""
        first, last = self.days()
        if not has_time(at):
            return first <= at.date() <= last
        if self.returned is not None and self.returned > self.date and has_time(self.returned):
            return self.date <= at < self.returned
        if has_time(self.date) and first == last:
            return first == at.date() and at >= self.date
        return first <= at.date() <= last

    @property
    def km(self) -> Decimal | int:
        if self.odometer_start is None:
            return self.distance
        return self.odometer_end - self.odometer_start


_new = object.__new__
_TRIP_SLOTS = tuple(getattr(Trip, name).__set__ for name in Trip.__slots__)
_SOURCE_SLOTS = tuple(getattr(SourceRef, name).__set__ for name in SourceRef.__slots__)


def plain_trip(
    tab: str,
    row: int,
    day: datetime,
    vehicle: str,
    driver: str,
    start: Decimal | int,
    end: Decimal | int,
    returned: datetime | None,
    fuel: Decimal | None,
    note: str | None,
) -> Trip:
    """Trip(SourceRef(tab, row), day, vehicle, driver, start, end, returned, fuel, note), the same
    frozen records, made for the quick logbook reader: their slots are filled through their
    descriptors, where the frozen __init__ guards each field (a third of that reader's time)."""
    source = _new(SourceRef)
    s = _SOURCE_SLOTS
    s[0](source, tab), s[1](source, row), s[2](source, None)
    trip = _new(Trip)
    s = _TRIP_SLOTS
    s[0](trip, source), s[1](trip, day), s[2](trip, vehicle), s[3](trip, driver), s[4](trip, start)
    s[5](trip, end), s[6](trip, returned), s[7](trip, fuel), s[8](trip, note), s[9](trip, None)
    s[10](trip, None), s[11](trip, None)
    return trip


@dataclass(frozen=True, slots=True)
class Expense:
    """A cost of the group: who paid how much, in which category, for which vehicle."""

    source: SourceRef
    date: datetime
    vehicle: str
    paid_by: str
    category: str  # a category id from schema.CATEGORIES
    amount: Decimal
    litres: Decimal | None = None
    responsible: str | None = None
    note: str | None = None
    full: bool | None = None  # fuel: None (not said) is read as a full tank


@dataclass(frozen=True, slots=True)
class Booking:
    """A booking of a vehicle, single or repeating, from the Bookings tab."""

    source: SourceRef
    vehicle: str | None
    member: str
    start: datetime
    end: datetime
    repeat: str | None = None  # daily | weekly | biweekly | monthly
    until: date | None = None
    booked_at: datetime | None = None
    note: str | None = None
    identity: str = ""  # what the row says, for an event id that stays the same from one export to the next


@dataclass(frozen=True, slots=True)
class Payment:
    """Money handed from one member to another, from the Payments tab."""

    source: SourceRef
    date: datetime
    sender: str
    recipient: str
    amount: Decimal
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Settings:
    """The group's settings, from the Settings tab, with their defaults."""

    group: str = ""
    currency: str = "EUR"
    language: str = "en"
    cost_mode: str = "real"  # real | fixed
    rate_per_km: Decimal | None = None
    fuel: str = "included"  # included | separate
    split: dict[str, str] = field(default_factory=dict)  # category id -> rule
    period: str = "year"  # month | quarter | year
    settlement: str = "minimal"  # minimal | hub
    settlement_hub: str | None = None
    round_transfers_to: Decimal = Decimal("0.01")
    priority: str = "first_booked"
    date_format: str = "day_first"
    timezone: str = "Europe/Paris"
    consumption_min: Decimal = Decimal(3)  # l/100 km: a full-to-full interval outside is a warning
    consumption_max: Decimal = Decimal(20)
    treasurer: str | None = None  # the member who gets the digest
    templates: str | None = None  # a folder of the group's own email templates
    hidden_rows: str = "count"  # count | skip: what to do with rows hidden in the spreadsheet
    logbook_tabs: tuple[str, ...] = ()  # the tabs that hold the logbook, when the group names them
    kitty: str | None = None  # the name of the group's common kitty (a pot of money, not a member)
    # the members whose phone links no longer open, or EVERYONE (the cell as typed, until the members are read)
    revoked_links: tuple[str, ...] = ()
    columns: dict[tuple[str, str], str] = field(default_factory=dict)  # (tab id, field) -> header

    def split_rule(self, category: str) -> str:
        """How costs of `category` are split: the group's setting, else the category's default rule."""
        return self.split.get(category, CATEGORIES_BY_ID[category].rule)


@dataclass(frozen=True, slots=True)
class Book:
    """Everything the group's tabs say, parsed and validated: only rows without errors."""

    settings: Settings
    members: tuple[Member, ...]
    vehicles: tuple[Vehicle, ...]
    trips: tuple[Trip, ...] = ()
    expenses: tuple[Expense, ...] = ()
    bookings: tuple[Booking, ...] = ()
    payments: tuple[Payment, ...] = ()
    tab_names: dict[str, str] = field(default_factory=dict)  # tab id -> name as written
    headers: dict[tuple[str, str], str] = field(default_factory=dict)  # (tab name, field) -> header as written
    # per input tab id ("trips", "bookings"…), the (tab, row) of the records left out for an error,
    # in that tab or in the phone entries that stand for it: a gap in the logbook, a booking not in the calendar
    rejected_rows: dict[str, frozenset[tuple[str, int]]] = field(default_factory=dict)

    def header(self, tab_id: str, field_id: str, tab: str | None = None) -> str:
        """The column's header as the group wrote it in `tab` (the tab a record came from: a second
        logbook, the Entries tab), else in the tab of `tab_id`; its default name when absent there."""
        found = self.headers.get((tab or self.tab_names.get(tab_id, ""), field_id))
        return found or TABS_BY_ID[tab_id].column(field_id).name(self.settings.language)

    def split_rule(self, category: str) -> str:
        """How costs of `category` are split: the group's setting, else the category's default rule."""
        return self.settings.split_rule(category)

    @property
    def kitty(self) -> str | None:
        """The member that is the group's kitty (Settings `kitty`, named as in Members once read), or None."""
        wanted = self.settings.kitty
        return wanted if wanted and wanted in self.member_names() else None

    def sharing_names(self) -> list[str]:
        """The members who can bear a share of the costs: every member but the kitty."""
        kitty = self.kitty
        return [m.name for m in self.members if m.name != kitty]

    def member_names(self) -> list[str]:
        return [m.name for m in self.members]

    def vehicle(self, name: str) -> Vehicle:
        return next(v for v in self.vehicles if v.name == name)

    def last_readings(self) -> dict[str, Decimal | int | None]:
        """Each vehicle's last odometer reading: the highest end among its trips that have one (a
        trip logged as Km alone has none), else its initial odometer, else None."""
        readings: dict[str, Decimal | int | None] = {v.name: v.odometer_at_start for v in self.vehicles}
        for trip in self.trips:
            current = readings.get(trip.vehicle)
            if trip.odometer_end is not None and (current is None or trip.odometer_end > current):
                readings[trip.vehicle] = trip.odometer_end
        return readings
