"""Sheet furniture: rows people put in a tab that are not records (a row of sums, a month heading),
and the money a row holds, for what is left out."""

from __future__ import annotations

from decimal import Decimal

from sheetsync.model.names import fold
from sheetsync.read.cells import MONTHS, cell_error, is_blank, parse_km, parse_money
from sheetsync.read.headers import LocatedTab

PAID_FIELDS = ("fuel_paid", "amount")  # the fields of a row that hold money paid

_TOLERANCE = 0.005


# the fields whose column a row of sums adds up, and how a record gives each one's value
SUMMED = {
    "km": lambda r: r.km,
    "fuel_paid": lambda r: r.fuel_paid,
    "litres": lambda r: r.litres,
    "amount": lambda r: r.amount,
    "odometer_start": lambda r: r.odometer_start,
    "odometer_end": lambda r: r.odometer_end,
}


class RunningSums:
    """The sum of each field's values over the records read so far in a tab, brought up to date
    only when a row may be a row of sums: each record is added once, however many such rows."""

    def __init__(self) -> None:
        self.sums: dict[str, tuple[int, float]] = {}  # field -> (records added, their sum)

    def total(self, field: str, records: list) -> float:
        added, total = self.sums.get(field, (0, 0.0))
        value_of = SUMMED[field]
        for r in records[added:]:
            total += float(value_of(r) or 0)
        self.sums[field] = (len(records), total)
        return total


def is_sum_row(
    tab: LocatedTab, cells: list, records: list, sums: RunningSums, unread: dict[int, Decimal] | None = None
) -> bool:
    """No date, only numbers, each in a column the records above add up to it (`=SUM(E2:E40)`),
    or in a column not read whose values above add up to it (`unread`: column index -> their sum)."""
    index = tab.index
    i_date = index.get("date", index.get("timestamp"))
    if not records or (i_date is not None and i_date < len(cells) and not is_blank(cells[i_date])):
        return False
    numbers = [(i, c) for i, c in enumerate(cells) if not is_blank(c)]
    if not numbers or any(type(c) not in (int, float) for _, c in numbers):
        return False
    fields = {i: f for f, i in index.items()}
    for i, number in numbers:
        field = fields.get(i, "")
        if unread and i in unread:  # a column not read is in no field
            total = float(unread[i])
        elif field in SUMMED:
            total = sums.total(field, records)
        else:
            return False
        if abs(total - number) >= _TOLERANCE:
            return False
    return True


def month_heading(cells: list) -> str | None:
    """The text of a row holding only a month's name ("FÉVRIER", "March 2025"), else None."""
    filled = []
    for c in cells:
        if not is_blank(c):
            if filled or type(c) is not str:
                return None
            filled.append(c)
    if not filled:
        return None
    words = fold(filled[0]).replace(".", " ").split()
    if not words or words[0] not in MONTHS or len(words) > 2:
        return None
    if len(words) == 2 and not (words[1].isdigit() and len(words[1]) == 4):
        return None
    return filled[0].strip()


def money_in(value: object, lang: str, currency: str | None = None) -> Decimal | None | bool:
    """The amount a money cell holds: a Decimal; None for an empty cell; False when it holds
    something that is not an amount of the group's `currency` (an error shown, "12,4O", "$120"),
    which no sum can hold."""
    if is_blank(value):
        return None
    if cell_error(value) is not None:
        return False
    try:
        return parse_money(value, lang, currency)
    except ValueError:
        return False


def row_km(tab: LocatedTab, cells: list, lang: str) -> Decimal | None:
    """The km a logbook row holds as far as its cells read (its readings' difference, else its Km),
    or None: for a row left out, the km the cost per km is computed without."""

    def read(field: str) -> Decimal | None:  # as RowReader.distance reads it, an ambiguous one as none
        value = tab.cell(cells, field)
        try:
            return None if is_blank(value) else parse_km(value, lang)
        except ValueError:
            return None

    start, end, km = read("odometer_start"), read("odometer_end"), read("km")
    if start is not None and end is not None:
        return end - start if end >= start else None
    return km if km is not None and km >= 0 else None


def row_money(tab: LocatedTab, cells: list, lang: str, currency: str | None = None) -> tuple[Decimal | None, int]:
    """The money a row holds in its money columns (those that read as amounts; None: none does),
    each amount by its size (money left out: a refund and a cost do not cancel out), and how many
    of them hold something that is not an amount."""
    total, found, unread = Decimal(0), False, 0
    for field in PAID_FIELDS:
        amount = money_in(tab.cell(cells, field), lang, currency)
        if amount is False:
            unread += 1
        elif amount is not None:
            total, found = total + abs(amount), True
    return (total if found else None), unread
