"""Monthly totals per vehicle: km per member, costs per split rule, who paid.

Everything later (periods, history) is summed from these, so a 100,000-trip logbook is read
once and the money rules then work on a few hundred small totals.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sheetsync.model import Book, Vehicle
from sheetsync.money.periods import month_start

POOLED_RULES = ("km", "equal", "owner")


def _amounts() -> defaultdict[str, Decimal]:
    return defaultdict(Decimal)


@dataclass
class Usage:
    """What happened to one vehicle over some months."""

    km: defaultdict[str, Decimal] = field(default_factory=_amounts)  # member -> km driven
    pools: defaultdict[str, Decimal] = field(default_factory=_amounts)  # rule -> costs shared by it
    direct: defaultdict[str, Decimal] = field(default_factory=_amounts)  # member -> costs borne alone
    paid: defaultdict[str, Decimal] = field(default_factory=_amounts)  # member -> costs paid
    by_category: defaultdict[str, Decimal] = field(default_factory=_amounts)

    def add(self, other: Usage) -> None:
        for mine, theirs in (
            (self.km, other.km),
            (self.pools, other.pools),
            (self.direct, other.direct),
            (self.paid, other.paid),
            (self.by_category, other.by_category),
        ):
            for key, value in theirs.items():
                mine[key] += value

    @property
    def total_km(self) -> Decimal:
        return sum(self.km.values(), Decimal(0))

    @property
    def total_costs(self) -> Decimal:
        return sum(self.by_category.values(), Decimal(0))


@dataclass
class Ledger:
    """Who used which vehicle how much, and who paid and sent what, day by day."""

    usage: dict[str, dict[date, Usage]]  # vehicle -> month (its first day) -> usage
    sent: dict[date, defaultdict[str, Decimal]]  # month -> member -> payments sent
    received: dict[date, defaultdict[str, Decimal]]
    _running: list[tuple[date, dict[str, Decimal], dict[str, Decimal], dict[str, Decimal]]] | None = field(
        default=None, repr=False, compare=False
    )

    def months(self) -> list[date]:
        """Every month with usage, costs or payments, in order."""
        found = {m for months in self.usage.values() for m in months} | set(self.sent) | set(self.received)
        return sorted(found)

    def totals_until(self, cutoff: date) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, Decimal]]:
        """What each member paid (costs), sent and received (payments) in the months up to
        `cutoff`: running totals made once, so History's month ends each cost a lookup."""
        if self._running is None:
            paid: defaultdict[str, Decimal] = defaultdict(Decimal)
            sent: defaultdict[str, Decimal] = defaultdict(Decimal)
            received: defaultdict[str, Decimal] = defaultdict(Decimal)
            self._running = []
            for month in self.months():
                for vehicle_months in self.usage.values():
                    if month in vehicle_months:
                        for member, value in vehicle_months[month].paid.items():
                            paid[member] += value
                for member, value in self.sent.get(month, {}).items():
                    sent[member] += value
                for member, value in self.received.get(month, {}).items():
                    received[member] += value
                self._running.append((month, dict(paid), dict(sent), dict(received)))
        i = bisect.bisect_right(self._running, cutoff, key=lambda r: r[0])
        return self._running[i - 1][1:] if i else ({}, {}, {})


def vehicle_mode(book: Book, vehicle: Vehicle) -> str:
    """ "fixed" when the group uses a fixed rate and this vehicle has one, else "real"."""
    if book.settings.cost_mode == "fixed" and vehicle_rate(book, vehicle) is not None:
        return "fixed"
    return "real"


def vehicle_rate(book: Book, vehicle: Vehicle) -> Decimal | None:
    """The vehicle's rate per km, else the group's (fixed-rate mode)."""
    return vehicle.rate_per_km if vehicle.rate_per_km is not None else book.settings.rate_per_km


def effective_rule(book: Book, vehicle: Vehicle, category: str) -> str:
    """The split rule a cost follows. In fixed mode every shared cost is the owner's, except
    fuel with `fuel = separate`, which is shared by km."""
    rule = book.split_rule(category)
    if rule in ("payer", "responsible") or vehicle_mode(book, vehicle) == "real":
        return rule
    return "km" if category == "fuel" and book.settings.fuel == "separate" else "owner"


def build_ledger(book: Book, as_of: date) -> Ledger:
    """Monthly totals of every trip, expense and payment dated on or before `as_of`."""
    usage: dict[str, dict[date, Usage]] = {v.name: {} for v in book.vehicles}
    vehicles = {v.name: v for v in book.vehicles}
    rules = {
        (v.name, c): effective_rule(book, v, c)
        for v in book.vehicles
        for c in {e.category for e in book.expenses} | {"fuel"}
    }

    def month(vehicle: str, day: date) -> Usage:
        months = usage[vehicle]
        key = day.replace(day=1)
        found = months.get(key)
        if found is None:
            found = months[key] = Usage()
        return found

    def cost(vehicle: str, day: date, category: str, amount: Decimal, payer: str, bearer: str | None) -> None:
        u = month(vehicle, day)
        u.paid[payer] += amount
        u.by_category[category] += amount
        rule = rules[(vehicle, category)]
        if rule in POOLED_RULES:
            u.pools[rule] += amount
        else:
            u.direct[payer if rule == "payer" else bearer] += amount

    km_of_day: dict[tuple[str, date], defaultdict[str, Decimal]] = {}  # (vehicle, day) -> its month's km
    for trip in book.trips:
        day = trip.date.date()
        if day > as_of or trip.vehicle not in vehicles:
            continue
        key = (trip.vehicle, day)
        km = km_of_day.get(key)
        if km is None:
            km = km_of_day[key] = month(trip.vehicle, day).km
        km[trip.driver] += trip.km
        if trip.fuel_paid:
            cost(trip.vehicle, day, "fuel", trip.fuel_paid, trip.driver, trip.driver)
    for expense in book.expenses:
        day = expense.date.date()
        if day <= as_of and expense.vehicle in vehicles:
            cost(expense.vehicle, day, expense.category, expense.amount, expense.paid_by, expense.responsible)
    sent: dict[date, defaultdict[str, Decimal]] = defaultdict(_amounts)
    received: dict[date, defaultdict[str, Decimal]] = defaultdict(_amounts)
    for payment in book.payments:
        day = payment.date.date()
        if day <= as_of:
            sent[month_start(day)][payment.sender] += payment.amount
            received[month_start(day)][payment.recipient] += payment.amount
    return Ledger(usage, dict(sent), dict(received))
