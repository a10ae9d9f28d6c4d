"""Reading cell values as people type them: numbers, money, dates, owner shares.

Each parser takes a raw cell (str, int, float, Decimal, date, datetime, bool or None) and
returns a typed value or raises ValueError; the caller turns that into a Problem.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sheetsync.model import CENT, CURRENCY_SYMBOLS

_SPACES = "\u0020\u00a0\u202f\u2009\u2007'’"
_CURRENCY = re.compile(r"(€|\$|£|CHF|euros?|EUR|USD|GBP)", re.IGNORECASE)
# the currency each sign or word names ("$": the US dollar, or a group's own dollar or peso);
# an amount typed in another currency than the group's is refused
CURRENCY_OF = {sign: code for code, sign in CURRENCY_SYMBOLS.items()} | {"euro": "EUR", "euros": "EUR"}
NOT_DOLLARS = ("EUR", "GBP", "CHF")  # the groups that write "$" for another currency than theirs
_EXCEL_EPOCH = datetime(1899, 12, 30)
DAYS_1904 = 1462  # a workbook using the 1904 date system counts its serial numbers from 1904-01-01
_ERROR_VALUE = re.compile(r"#(DIV/0!|REF!|N/A|VALUE!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA|ERROR!)")
# what a cell shows while its formula is still being computed (Google Sheets, Excel's data types):
# no value yet, and no fault of the formula
STILL_COMPUTING = ("Loading...", "#GETTING_DATA")
EARLIEST_DATE = date(1990, 1, 1)  # a car-sharing logbook dated before this is a typo or a bare number


class Uncomputed(str):
    """A formula saved without its result (by a program that does not calculate): its text."""


class Merged(str):
    """A cell of money a merged cell covers below its first row (that row's number): the amount the
    sheet shows over several rows is one amount, counted on its first row."""


def cell_error(value: object) -> str | None:
    """The spreadsheet error a cell shows ("#DIV/0!", "#REF!", "#N/A", Google's "Loading..."…),
    or the formula of an Uncomputed cell, or None."""
    if type(value) is str and value[:1] == "#" and _ERROR_VALUE.fullmatch(value.strip()):
        return value.strip()
    if value == STILL_COMPUTING[0]:
        return value
    return str(value) if isinstance(value, Uncomputed | Merged) else None


def is_blank(value: object) -> bool:
    """Whether a cell is empty or holds only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


class OtherCurrency(ValueError):
    """An amount typed in another currency than the group's ("$120.50" in a group counting in EUR)."""

    def __init__(self, text: str, found: str):
        super().__init__(f'"{text}" is in {found}')
        self.found = found


def ambiguous_km(value: float) -> bool:
    """Whether a number of km read from a cell has three decimals and less than four digits before
    them: "48,257" typed where the comma is the decimal sign, meant as 48257 more likely than not
    (no meter shows metres)."""
    if value.is_integer():  # the common case, made quick
        return False
    number = Decimal(repr(value))
    return number.as_tuple().exponent == -3 and 1 <= abs(number) < 1000


def parse_km(value: object, lang: str = "en") -> Decimal:
    """A number of km from a cell: "48 224 km" too. One with three decimals ("48,257") is
    AmbiguousAmount, as an amount with three is (`ambiguous_km`); one that is no number, ValueError."""
    if type(value) is float and ambiguous_km(value):
        raise AmbiguousAmount(repr(value), Decimal(repr(value)))
    return parse_number(value, lang, amount=True, unit="km")


def currency_code(sign: str) -> str:
    """The currency a sign, word or code names: "€", "Euros" and "eur" are EUR."""
    return CURRENCY_OF.get(sign.strip().lower(), sign.strip().upper())


class AmbiguousAmount(ValueError):
    """Text such as "1,234" in a group writing decimal commas ("1.234" where it writes points): an
    amount with three digits after its decimal sign, which money does not have. A thousand written
    the other way, or a slip: either reading may be wrong by a factor of a thousand, so neither is
    chosen. `thousands` and `cents` are the two amounts meant, for the hint."""

    def __init__(self, text: str, number: Decimal):
        super().__init__(f'"{text}" has three digits after its decimal sign')
        self.number = number
        self.thousands = number.scaleb(3).to_integral_value()
        self.cents = number.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_number(
    value: object, lang: str = "en", currency: str | None = None, amount: bool = False, unit: str | None = None
) -> Decimal:
    """A Decimal from a number cell or text such as "12,5", "1 234,50 €", "€1,234.50", "1.234,50".
    With the group's `currency`, text naming another one is refused (OtherCurrency); with a
    `unit`, text may end with it ("48 224 km").

    A lone separator followed by exactly three digits ("1.234", "1,234") is a thousands
    separator or a decimal point according to the group's language (fr: "." groups thousands);
    read as the decimal sign in an `amount`, it is refused (AmbiguousAmount: money has cents).
    """
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a number")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a number")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):  # <v>NaN</v>, <v>inf</v>: no number (a Decimal NaN stops every comparison)
            raise ValueError(f"{value} is not a number")
        # repr() gives the shortest text that reads back the same float: 0.1 -> "0.1"
        return Decimal(repr(value))
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a number")
    if unit is not None:
        value = re.sub(rf"(?<=\d)\s*{unit}\.?\s*$", "", value, flags=re.IGNORECASE)
    if currency is not None:
        for sign in _CURRENCY.findall(value):
            found = currency_code(sign)
            if found != currency and (sign != "$" or currency in NOT_DOLLARS):
                raise OtherCurrency(value, found)
    return _number_from_text(value, lang, amount)


def _number_from_text(text: str, lang: str, amount: bool = False) -> Decimal:
    s = _CURRENCY.sub("", text.strip()).strip()
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    if s and s[0] in "-−+":
        negative, s = s[0] != "+", s[1:].strip()
    s = _CURRENCY.sub("", s).strip()
    if not s or not re.fullmatch(r"[0-9.,\s\u00a0\u202f\u2009\u2007'’]+", s):
        raise ValueError(f'"{text}" is not a number')
    groups = re.split(f"[{_SPACES}]+", s)
    if len(groups) > 1:
        if not all(re.fullmatch(r"\d{3}([.,]\d*)?", g) for g in groups[1:]) or not re.fullmatch(r"\d{1,3}", groups[0]):
            raise ValueError(f'"{text}" is not a number')
        s = "".join(groups)
    digits = _normalise_separators(s, lang, amount)
    if digits is None:
        raise ValueError(f'"{text}" is not a number')
    try:
        number = Decimal(digits)
    except InvalidOperation as exc:
        raise ValueError(f'"{text}" is not a number') from exc
    return -number if negative else number


def _normalise_separators(s: str, lang: str, amount: bool = False) -> str | None:
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        decimal_sep = "." if s.rfind(".") > s.rfind(",") else ","
        thousands = "," if decimal_sep == "." else "."
        if s.count(decimal_sep) > 1:
            return None
        whole, frac = s.split(decimal_sep)
        return _join_thousands(whole, thousands, frac)
    sep = "." if dots else "," if commas else None
    if sep is None:
        return s
    if s.count(sep) > 1:
        return _join_thousands(s, sep, None)
    whole, frac = s.split(sep)
    if len(frac) == 3 and whole and whole != "0" and len(whole) <= 3:
        thousands = "." if lang == "fr" else ","
        if sep == thousands:
            return whole + frac
        if amount:
            raise AmbiguousAmount(s, Decimal(f"{whole}.{frac}"))
    return f"{whole or '0'}.{frac}" if frac else whole or None


def _join_thousands(whole: str, sep: str, frac: str | None) -> str | None:
    parts = whole.split(sep)
    if not re.fullmatch(r"\d{1,3}", parts[0]) or not all(re.fullmatch(r"\d{3}", p) for p in parts[1:]):
        return None
    joined = "".join(parts)
    return f"{joined}.{frac}" if frac else joined


class ImplausibleAmount(ValueError):
    """An amount of a billion or more: a reference number or a date in a money cell, not money a
    group spends (and past what the sums keep to the cent)."""


MAX_AMOUNT = Decimal(10) ** 9


def parse_money(value: object, lang: str = "en", currency: str | None = None) -> Decimal:
    """A number rounded half up to the cent (in the group's `currency`: see parse_number; "1,234"
    typed in a French group is ambiguous); a number cell keeps its digits (a formula's result)."""
    number = parse_number(value, lang, currency, amount=True)
    if not abs(number) < MAX_AMOUNT:
        raise ImplausibleAmount(f"{value!r} is no plausible amount")
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_TIME = re.compile(r"(\d{1,2})\s*(?:[:hH]\s*(\d{2})?)(?::(\d{2}))?")
MONTHS = {
    "janvier": 1,
    "janv": 1,
    "january": 1,
    "jan": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "february": 2,
    "feb": 2,
    "mars": 3,
    "march": 3,
    "mar": 3,
    "avril": 4,
    "avr": 4,
    "april": 4,
    "apr": 4,
    "mai": 5,
    "may": 5,
    "juin": 6,
    "june": 6,
    "jun": 6,
    "juillet": 7,
    "juil": 7,
    "july": 7,
    "jul": 7,
    "aout": 8,
    "august": 8,
    "aug": 8,
    "septembre": 9,
    "sept": 9,
    "september": 9,
    "sep": 9,
    "octobre": 10,
    "oct": 10,
    "october": 10,
    "novembre": 11,
    "nov": 11,
    "november": 11,
    "decembre": 12,
    "dec": 12,
    "december": 12,
}
_WORDY = re.compile(r"(\d{1,2})(?:er)?\s+([a-zA-Zéèûô]+)\.?\s+(\d{4})")


def parse_datetime(value: object, month_first: bool = False, date1904: bool = False) -> datetime:
    """A datetime from a date cell, a serial number (days since 1899-12-30, or since 1904-01-01 in
    a workbook that counts from 1904: `date1904`), or text.

    Text: "2025-03-12", "12/03/2025" (day first unless `month_first`), "12 mars 2025",
    each optionally followed by a time "20:30", "20h30" or "20h".
    """
    if isinstance(value, bool):
        raise ValueError("a yes/no value is not a date")
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, (int, float, Decimal)):
        serial = float(value) + (DAYS_1904 if date1904 else 0)  # days since 1899-12-30, whichever the system
        if not 1 <= serial < 2958466:
            raise ValueError(f"{value} is not a date")
        return from_serial(serial)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    return _datetime_from_text(value, month_first)


def from_serial(serial: float) -> datetime:
    """The moment a spreadsheet serial number names (days since 1899-12-30, as Excel, LibreOffice
    and Google Sheets count them), to the second; OverflowError past year 9999."""
    return _EXCEL_EPOCH + timedelta(seconds=round(serial * 86400))


class NoSuchDay(ValueError):
    """A date typed with a day its month has not ("31/02/2025"): `days` is how many it has."""

    def __init__(self, text: str, year: int, month: int, days: int):
        super().__init__(f'"{text}" is not a date: {year}-{month:02d} has {days} days')
        self.year, self.month, self.days = year, month, days


def _datetime_from_text(text: str, month_first: bool) -> datetime:
    from sheetsync.model.names import strip_accents

    s = strip_accents(text.strip()).lower()
    if m := _ISO.match(s):
        year, month, dom = int(m[1]), int(m[2]), int(m[3])
        rest = s[m.end() :].removeprefix("t")
    elif m := _DMY.match(s):
        a, b, year = int(m[1]), int(m[2]), int(m[3])
        year = year + 2000 if year < 100 else year
        dom, month = (b, a) if month_first else (a, b)
        rest = s[m.end() :]
    elif (m := _WORDY.match(s)) and m[2].rstrip(".") in MONTHS:
        dom, month, year = int(m[1]), MONTHS[m[2].rstrip(".")], int(m[3])
        rest = s[m.end() :]
    else:
        raise ValueError(f'"{text}" is not a date')
    try:
        day = date(year, month, dom)
    except ValueError as exc:
        if 1 <= month <= 12 and 1 <= year <= 9999 and dom > 28:  # 31/02, 31/04: a day the month has not
            raise NoSuchDay(text, year, month, calendar.monthrange(year, month)[1]) from exc
        raise ValueError(f'"{text}" is not a date') from exc
    rest = rest.strip().lstrip(",").strip()
    rest = re.sub(r"^(a|à|at)\s+", "", rest)
    if not rest:
        return datetime.combine(day, time())
    t = _TIME.fullmatch(rest)
    if not t or int(t[1]) > 23 or int(t[2] or 0) > 59:
        raise ValueError(f'"{text}" has a time that is not understood')
    return datetime.combine(day, time(int(t[1]), int(t[2] or 0), int(t[3] or 0)))


_NO_YEAR = re.compile(r"\s*(\d{1,2}[/.\-]\d{1,2}|\d{1,2}(?:er)?\s+[^\d\s]+\.?)(?=\s|$)(.*)")


def with_year(text: str, year: int) -> str | None:
    """A date typed without its year ("12/03", "12 mars 20h") with `year` put in, or None."""
    m = _NO_YEAR.fullmatch(text)
    if m is None:
        return None
    day = m[1].rstrip(".")
    separator = "/" if re.match(r"\d{1,2}[/.\-]", day) else " "
    return f"{day}{separator}{year}{m[2]}"


def to_serial(value: date | time, date1904: bool = False) -> float:
    """A date or datetime as a spreadsheet serial number (days since 1899-12-30, time as a fraction;
    with `date1904`, days since 1904-01-01 as such workbooks count them); a time of day alone, as
    its fraction of a day."""
    if isinstance(value, time):
        return (value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6) / 86400
    moment = value if isinstance(value, datetime) else datetime.combine(value, time())
    return (moment - _EXCEL_EPOCH).total_seconds() / 86400 - (DAYS_1904 if date1904 else 0)


NAME_LIST = re.compile(r"([;,+&/\n]|\s+(?:et|and)\s+)")  # between the names a cell lists
SHARE_LIST = re.compile(r"([;,+&]|\s+(?:et|and)\s+)")  # between owners ("/" is in "2/3")
LONGEST_RUN = 4  # the parts a name holding separators may join ("Marie & Paul" joins 2)
_PERCENT_SHARE = re.compile(r"(.*?)\s*\(?\s*(\d+(?:[.,]\d+)?)\s*%\s*\)?")
_FRACTION_SHARE = re.compile(r"(.*?)\s*\(?\s*(\d+)\s*/\s*(\d+)\s*\)?")


def split_list(text: str, separators: re.Pattern, is_one: Callable[[str], bool] | None = None) -> list[str]:
    """The items of a cell that lists several, trimmed, empty ones left out. `separators` captures
    what it matches. `is_one` keeps a run of parts whole when it is one item, e.g. a household
    member named "Marie & Paul" in "Marie & Paul, Anne": the longest run it accepts, of at most
    LONGEST_RUN parts (a cell of 100,000 commas costs a few tries a part, never the whole cell)."""
    pieces = separators.split(text)  # part, separator, part, …, part

    def run(first: int, end: int) -> str:  # parts first..end-1, with the separators between them
        return "".join(pieces[2 * first : 2 * end - 1]).strip()

    parts = (len(pieces) + 1) // 2
    items, i = [], 0
    while i < parts:
        end = i + 1
        for longer in range(min(parts, i + LONGEST_RUN), i + 1, -1) if is_one else ():  # the longest first
            if is_one(run(i, longer)):
                end = longer
                break
        if item := run(i, end):
            items.append(item)
        i = end
    return items


def name_list(text: str, known: Callable[[str], str | None] | None = None) -> list[str]:
    """The names a cell lists: "Anne, Bruno et Chloé", "Anne / Bruno", one a line… With `known`
    (a name's member, or None), a member whose name holds a separator is one name."""
    return split_list(text, NAME_LIST, None if known is None else lambda run: known(run) is not None)


def parse_shares(
    text: str, lang: str = "en", known: Callable[[str], str | None] | None = None
) -> list[tuple[str, Decimal | None]]:
    """Owners as typed: "Anne" or "Anne 50%, Bruno 50%" or "Anne 2/3; Bruno 1/3" (`known` as in
    name_list).

    Returns (name, share as a fraction of 1, or None when not given). The caller checks
    that shares add up.
    """
    is_one = None if known is None else lambda run: known(_share(run, lang)[0]) is not None
    return [_share(part, lang) for part in split_list(text, SHARE_LIST, is_one)]


def _share(part: str, lang: str) -> tuple[str, Decimal | None]:
    """One owner as typed: "Anne 50%", "Anne (2/3)", "Anne"."""
    m, f = _PERCENT_SHARE.fullmatch(part), _FRACTION_SHARE.fullmatch(part)
    if m and m[1]:
        return m[1].strip(), parse_number(m[2], lang) / 100
    if f and f[1] and int(f[3]):
        return f[1].strip(), Decimal(int(f[2])) / Decimal(int(f[3]))
    return part, None


def as_text(value: object) -> str | None:
    """A cell as trimmed text, or None when blank. Whole numbers print without ".0"."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


WEEKDAYS = {
    "lundi": 0,
    "lun": 0,
    "monday": 0,
    "mon": 0,
    "mardi": 1,
    "mar": 1,
    "tuesday": 1,
    "tue": 1,
    "tues": 1,
    "mercredi": 2,
    "mer": 2,
    "wednesday": 2,
    "wed": 2,
    "jeudi": 3,
    "jeu": 3,
    "thursday": 3,
    "thu": 3,
    "thurs": 3,
    "vendredi": 4,
    "ven": 4,
    "friday": 4,
    "fri": 4,
    "samedi": 5,
    "sam": 5,
    "saturday": 5,
    "sat": 5,
    "dimanche": 6,
    "dim": 6,
    "sunday": 6,
    "sun": 6,
}


def parse_time(value: object) -> time:
    """A time of day: a time cell, a day fraction, or text such as "20:30", "20h30", "20h"."""
    if isinstance(value, time):
        return value.replace(tzinfo=None)
    if isinstance(value, datetime):
        return value.time()
    if isinstance(value, (float, Decimal)) and 0 <= float(value) < 1:
        seconds = round(float(value) * 86400)
        return time(seconds // 3600, seconds // 60 % 60)
    if isinstance(value, str):
        t = _TIME.fullmatch(value.strip().lower())
        if t and int(t[1]) <= 23 and int(t[2] or 0) <= 59:
            return time(int(t[1]), int(t[2] or 0))
    raise ValueError(f'"{value}" is not a time')


def parse_weekday_time(value: object) -> tuple[int, time]:
    """A weekday and a time, as typed for a weekly booking: "mardi 20h", "Tuesday 20:00"."""
    from sheetsync.model.names import strip_accents

    if not isinstance(value, str):
        raise ValueError(f'"{value}" is not a weekday and time')
    m = re.fullmatch(r"([a-z]+)\.?\s*(?:a|at)?\s*(.*)", strip_accents(value.strip()).lower())
    if not m or m[1] not in WEEKDAYS:
        raise ValueError(f'"{value}" is not a weekday and time')
    return WEEKDAYS[m[1]], parse_time(m[2]) if m[2] else time()


def plain_number(value: Decimal | int) -> str:
    """A number as typed, without exponent or trailing zeros: 1060.0 -> "1060", 12.50 -> "12.5"."""
    return f"{Decimal(value).normalize():f}"


def percent(share: Decimal) -> Decimal:
    """A share as a percentage to the hundredth: 0.5 -> 50, 1/3 -> 33.33."""
    return (share * 100).quantize(Decimal("0.01")).normalize()


ADDRESS = re.compile(r"[^@\s<>()\[\],;:\"]+@[^@\s<>()\[\],;:\"]+\.[^@\s<>()\[\],;:\"]+")


def valid_address(text: str | None) -> str | None:
    """The address if it is one plain, single email address (no name, no line break), else None."""
    if not text:
        return None
    text = text.strip()
    return text if ADDRESS.fullmatch(text) else None
