"""Accounting periods: month, quarter or year windows of dates."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sheetsync.i18n import t


@dataclass(frozen=True, order=True)
class Period:
    """A month, quarter or year over which costs per km are averaged and statements made."""

    start: date
    end: date  # inclusive
    id: str  # "2025", "2025-Q1", "2025-03"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def provisional(self, as_of: date) -> bool:
        """Still running on `as_of`: its figures can change (a period whose last day is reached is closed)."""
        return self.start <= as_of < self.end

    def label(self, lang: str) -> str:
        """The period as the group reads it: "2025", "2025-03", "2025-Q1" ("2025-T1" in French)."""
        year, _, quarter = self.id.partition("-Q")
        return t(lang, "{year}-Q{quarter}", year=year, quarter=quarter) if quarter else self.id


def month_start(day: date) -> date:
    """The first day of `day`'s month."""
    return day.replace(day=1)


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


@lru_cache(maxsize=4096)  # History asks again for the same months at each month's end
def period_of(day: date, kind: str) -> Period:
    """The `kind` ("month", "quarter" or "year") period holding `day`."""
    if kind == "month":
        return Period(month_start(day), month_end(day), f"{day.year}-{day.month:02d}")
    if kind == "quarter":
        q = (day.month - 1) // 3
        start = date(day.year, 3 * q + 1, 1)
        return Period(start, month_end(date(day.year, 3 * q + 3, 1)), f"{day.year}-Q{q + 1}")
    return Period(date(day.year, 1, 1), date(day.year, 12, 31), str(day.year))


def month_ends(first: date, last: date) -> list[date]:
    """The last day of each month from `first`'s month to `last`'s month, the final one capped at `last`."""
    ends, cursor = [], month_start(first)
    while cursor <= last:
        ends.append(min(month_end(cursor), last))
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return ends


def days_overlap(a_start: date | None, a_end: date | None, b_start: date, b_end: date) -> int:
    """Days (inclusive) that [a_start, a_end] and [b_start, b_end] share; None bounds are open."""
    start = max(a_start or b_start, b_start)
    end = min(a_end or b_end, b_end)
    return max(0, (end - start).days + 1)
