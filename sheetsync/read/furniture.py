"""Sheet furniture: rows people put in a tab that are not records (a row of sums, a month heading),
and the money a row holds, for what is left out."""

from __future__ import annotations

from decimal import Decimal

from sheetsync.model.names import fold, strip_accents
from sheetsync.read.cells import MONTHS, cell_error, parse_money
from sheetsync.read.headers import LocatedTab

PAID_FIELDS = ("fuel_paid", "amount")  # the fields of a row that hold money paid
_TOLERANCE = 0.005


class ColumnSums:
    """Running sums of each number column of a tab, to tell a row of sums from a record."""

    def __init__(self, tab: LocatedTab):
        self.date_index = tab.index.get("date", tab.index.get("start"))
        self.sums: dict[int, float] = {}

    def add(self, cells: list) -> None:
        sums = self.sums
        for i, c in enumerate(cells):
            if type(c) is float or type(c) is int:
                sums[i] = sums.get(i, 0.0) + c

    def is_sum_row(self, cells: list) -> bool:
        """No date, only numbers, and each number the sum of its column's numbers above."""
        if self.date_index is not None and self.date_index < len(cells) and cells[self.date_index] is not None:
            return False
        numbers = [(i, c) for i, c in enumerate(cells) if c is not None and c != ""]
        if not numbers or any(type(c) not in (int, float) for _, c in numbers):
            return False
        return all(i in self.sums and abs(self.sums[i] - c) < _TOLERANCE for i, c in numbers)


def month_heading(cells: list) -> str | None:
    """The text of a row holding only a month's name ("FÉVRIER", "March 2025"), else None."""
    filled = [c for c in cells if c is not None and (type(c) is not str or c.strip())]
    if len(filled) != 1 or type(filled[0]) is not str:
        return None
    words = strip_accents(fold(filled[0])).replace(".", " ").split()
    if not words or words[0] not in MONTHS or len(words) > 2:
        return None
    if len(words) == 2 and not (words[1].isdigit() and len(words[1]) == 4):
        return None
    return filled[0].strip()


def row_money(tab: LocatedTab, cells: list, lang: str) -> Decimal | None:
    """The money a row holds in its money columns (that can be read as amounts), or None."""
    total, found = Decimal(0), False
    for field in PAID_FIELDS:
        value = tab.cell(cells, field)
        if value is None or cell_error(value) is not None:
            continue
        try:
            total += parse_money(value, lang)
        except ValueError:
            continue
        found = True
    return total if found else None
