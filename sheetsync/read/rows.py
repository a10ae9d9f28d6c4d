"""Reading one row's cells into typed values, collecting a Problem for each cell that is wrong."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sheetsync.i18n import N_, month_of_year, t
from sheetsync.model import Problem
from sheetsync.model.names import fold, suggest
from sheetsync.model.problems import problem
from sheetsync.model.schema import ENTRIES
from sheetsync.read.bank import parse_bic, parse_iban
from sheetsync.read.cells import (
    EARLIEST_DATE,
    STILL_COMPUTING,
    AmbiguousAmount,
    ImplausibleAmount,
    Merged,
    NoSuchDay,
    OtherCurrency,
    Uncomputed,
    as_text,
    cell_error,
    is_blank,
    parse_datetime,
    parse_km,
    parse_money,
    parse_number,
    with_year,
)
from sheetsync.read.headers import LocatedTab, named_tab
from sheetsync.read.logbooks import RECORD_TABS

YES_NO = {
    **dict.fromkeys(("yes", "y", "oui", "o", "x", "true", "vrai", "full", "plein", "complet", "ok"), True),
    **dict.fromkeys(("no", "n", "non", "false", "faux", "partial", "partiel", "-"), False),
}
_SUMMARY = re.compile(r"^(sous[- ]?total|sub[- ]?total|grand total|total|totaux|totals|somme)(\b|$)")


class Names:
    """Canonical names, looked up case- and accent-insensitively."""

    def __init__(self, names: list[str] = ()):
        self.by_key: dict[str, str] = {}
        self._seen: dict[str, str | None] = {}  # lookup's answers, per text as typed
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        self.by_key.setdefault(fold(name), name)
        self._seen.clear()

    def alias(self, typed: str, name: str) -> None:
        """`typed` (a member's full name, when they are known by their first name) stands for `name`."""
        if typed:
            self.by_key.setdefault(fold(typed), name)
            self._seen.clear()

    def get(self, typed: str) -> str | None:
        return self.by_key.get(fold(typed))

    def lookup(self, typed: str) -> str | None:
        """`get`, remembered per typed text: a logbook repeats the same few names thousands of times."""
        if typed not in self._seen:
            self._seen[typed] = self.get(typed)
        return self._seen[typed]

    def all(self) -> list[str]:
        return list(dict.fromkeys(self.by_key.values()))


DATED_FIELDS = ("date", "return")  # the dates a record is filed under: they must be plausible


@dataclass(frozen=True)
class Reading:
    """How a workbook's values are read: in the group's language and currency (an amount typed in
    another is refused), days first or months first, serial numbers counted from 1900 or from 1904
    (`date1904`), and `latest`, the last plausible date of a record (a year after the as-of date)."""

    lang: str
    month_first: bool = False
    latest: date | None = None
    date1904: bool = False
    currency: str | None = None

    def moment(self, value: object) -> datetime:
        """`value` as a date and time (cells.parse_datetime), as this workbook writes them."""
        return parse_datetime(value, self.month_first, self.date1904)


# the end of value.date_no_year's hint where the tab is found by its header, whatever its name
NAME_THE_TAB = N_(
    ', or name the tab after its year ("{name} {year}"): its dates without a year are then read in that year'
)


class RowReader:
    """The cells of one data row, read field by field as `reading` says; `ok` is False once a cell
    had an error.

    A cell showing a spreadsheet error (#DIV/0!, #REF!…) is an error at that cell, naming it, and
    reads as empty.
    """

    def __init__(self, tab: LocatedTab, row: int, cells: list, reading: Reading):
        self.tab, self.row, self.cells, self.reading, self.lang = tab, row, cells, reading, reading.lang
        self.index = tab.index
        self.problems: list[Problem] = []
        self.errors: dict[str, str] = {}
        for field, i in self.index.items():
            if i < len(cells) and (shown := cell_error(cells[i])) is not None:
                self.errors[field] = shown
                self.flag(_error_code(cells[i], shown), field, value=shown)

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    def raw(self, field: str) -> object:
        if field in self.errors:
            return None
        i = self.index.get(field)
        cells = self.cells
        return cells[i] if i is not None and i < len(cells) else None

    def flag(self, code: str, field: str | None, **params: object) -> None:
        if code == "value.missing" and field in self.errors:
            return  # the cell is not empty: it shows an error, already said
        column = self.tab.header(field, self.lang) if field else None
        params.setdefault("order", date_order(self.lang, self.reading.month_first))
        self.problems.append(problem(code, self.lang, self.tab.name, self.row, column, **params))

    def _missing(self, field: str, required: bool, value: object) -> bool:
        if is_blank(value):
            if required:
                self.flag("value.missing", field)
            return True
        return False

    def text(self, field: str) -> str | None:
        return as_text(self.raw(field))

    def number(self, field: str, required: bool = False) -> Decimal | None:
        value = self.raw(field)
        if type(value) is float and math.isfinite(value):  # the common cases, made quick
            return Decimal(repr(value))
        if type(value) is int:
            return Decimal(value)
        if self._missing(field, required, value):
            return None
        try:
            return parse_number(value, self.lang)
        except ValueError:
            self.flag("value.number", field, value=as_text(self.raw(field)))
            return None

    def distance(self, field: str, required: bool = False) -> Decimal | None:
        """A number of km: "48 224 km" too; one with three decimals ("48,257", where French writes
        decimal commas) is ambiguous, as an amount with three is (no meter shows metres)."""
        value = self.raw(field)
        if type(value) is int:
            return Decimal(value)
        if self._missing(field, required, value):
            return None
        try:
            return parse_km(value, self.lang)
        except AmbiguousAmount as ambiguous:
            tenths = ambiguous.number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            self.flag(
                "value.distance_ambiguous", field, value=as_text(value), thousands=ambiguous.thousands, tenths=tenths
            )
            return None
        except ValueError:
            self.flag("value.number", field, value=as_text(value))
            return None

    def money(
        self, field: str, required: bool = False, negative_code: str | None = "expense.negative"
    ) -> Decimal | None:
        """An amount rounded to the cent; a negative one is an error `negative_code` (None: allowed)."""
        value = self.raw(field)
        if self._missing(field, required, value):
            return None
        try:
            amount = parse_money(value, self.lang, self.reading.currency)
        except ImplausibleAmount:
            self.flag("value.amount_implausible", field, value=as_text(value))
            return None
        except AmbiguousAmount as ambiguous:
            thousands, cents = ambiguous.thousands, ambiguous.cents
            self.flag("value.amount_ambiguous", field, value=as_text(value), thousands=thousands, cents=cents)
            return None
        except OtherCurrency as other:
            currency = self.reading.currency
            self.flag("value.other_currency", field, value=as_text(value), found=other.found, currency=currency)
            return None
        except ValueError:
            self.flag("value.number", field, value=as_text(self.raw(field)))
            return None
        if amount < 0 and negative_code is not None:
            self.flag(negative_code, field, value=as_text(self.raw(field)))
            return None
        return amount

    def yes_no(self, field: str) -> bool | None:
        """A yes/no cell (oui, non, x, 1, 0, a checkbox): None when empty; a word it cannot read is a
        warning, and the cell is then taken as empty."""
        value = self.raw(field)
        if type(value) is bool:
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = as_text(value)
        if text is None:
            return None
        found = YES_NO.get(fold(text).strip(" .!"))
        if found is None:
            self.flag("value.yes_no", field, value=text)
        return found

    def moment(self, field: str, required: bool = False) -> datetime | None:
        value = self.raw(field)
        if self._missing(field, required, value):
            return None
        dated = with_year(value, self.tab.year) if type(value) is str and self.tab.year else None
        try:
            found = self.reading.moment(value)
        except ValueError as unread:
            found, error = None, unread
            if dated is not None:  # "12/03" in a tab named for its year
                try:
                    found = self.reading.moment(dated)
                except ValueError as still:
                    error = still
            if found is None:
                self.unread_date(field, error)
                return None
        latest = self.reading.latest
        if field in DATED_FIELDS and not plausible(found.date(), latest):
            self.flag(
                "value.date_implausible",
                field,
                value=as_text(value),
                day=found.date(),
                earliest=EARLIEST_DATE,
                latest=latest or found.date(),
            )
            return None
        return found

    def unread_date(self, field: str, error: ValueError) -> None:
        """Say why the date in `field` could not be read: a day its month has not (`error` a
        NoSuchDay: "31/02/2025"), or no date at all."""
        shown = as_text(self.raw(field))
        # the as-of date's year (a year before the latest plausible date), for the example
        year = str(self.reading.latest.year - 1) if self.reading.latest else None
        if isinstance(error, NoSuchDay):
            month = month_of_year(error.year, error.month, self.lang)
            self.flag("value.no_such_day", field, value=shown, month=month, days=error.days)
        elif year and shown and (dated := with_year(shown, int(year))) is not None and self._reads(dated):
            # a tab found by its header may be named after its year; one found by its name, not
            named_after_year = self.tab.spec in RECORD_TABS and named_tab(self.tab.name) is not ENTRIES
            or_tab = t(self.lang, NAME_THE_TAB, name=self.tab.name, year=year) if named_after_year else ""
            self.flag("value.date_no_year", field, value=shown, year=year, or_tab=or_tab)
        else:
            self.flag("value.date", field, value=shown)

    def _reads(self, text: str) -> bool:
        try:
            self.reading.moment(text)
        except ValueError:
            return False
        return True

    def bank(self, field: str, code: str) -> str | None:
        """An IBAN (field "iban") or BIC (field "bic"), compact; a wrong one is flagged at its cell."""
        typed = self.text(field)
        if typed is None:
            return None
        try:
            return (parse_iban if field == "iban" else parse_bic)(typed)
        except ValueError:
            self.flag(code, field, value=typed)
            return None

    def name_in(self, field: str, names: Names, code: str, required: bool = False) -> str | None:
        value = self.raw(field)
        typed = (
            value
            if type(value) is str and value and not value[0].isspace() and not value[-1].isspace()
            else as_text(value)
        )
        if typed is None:
            if required:
                self.flag("value.missing", field)
            return None
        found = names.lookup(typed)
        if found is None:
            self.flag(code, field, value=typed, suggestion=suggest(typed, names.all()) or "")
        return found


def plausible(day: date, latest: date | None) -> bool:
    """A record's date is plausible from 1990 to `latest` (a year after the as-of date)."""
    return EARLIEST_DATE <= day and (latest is None or day <= latest)


def date_order(lang: str, month_first: bool) -> str:
    """How dates typed as text are read, in words, naming the setting that changes it."""
    if month_first:
        return t(lang, "month first (Settings date_format = month_first)")
    return t(lang, "day first (Settings date_format = day_first)")


def is_empty(cells: list) -> bool:
    """Whether a row holds nothing but empty cells."""
    return all(is_blank(c) for c in cells)


def is_summary(cells: list) -> bool:
    """Whether a row is a total line ("Total", "Sous-total"…) rather than an entry."""
    for c in cells:
        if is_blank(c):
            continue
        return type(c) is str and bool(_SUMMARY.match(fold(c)))
    return False


def _error_code(cell: object, shown: str) -> str:
    """The problem of a cell that shows no value: a formula saved without its result, one still
    being computed when read, or an error."""
    if isinstance(cell, Uncomputed):
        return "value.formula"
    if isinstance(cell, Merged):
        return "value.merged"
    return "value.loading" if shown in STILL_COMPUTING else "value.error"
