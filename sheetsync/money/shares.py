"""The money rules: who bears what, per vehicle and period, and each member's balance."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sheetsync.model import Book, Vehicle
from sheetsync.money.cents import ZERO, allocate, round_half_up
from sheetsync.money.ledger import Ledger, Usage, vehicle_mode, vehicle_rate
from sheetsync.money.periods import Period, days_overlap, period_of


@dataclass(frozen=True)
class VehiclePeriod:
    """A vehicle over a period: km by member, costs by category, cost per km, and who bears what."""

    vehicle: str
    period: Period
    mode: str  # "real" or "fixed"
    km: Decimal
    km_by_member: dict[str, Decimal]
    costs_by_category: dict[str, Decimal]
    costs: Decimal
    cost_per_km: Decimal | None  # unrounded; None when no km
    provisional: bool
    bears: dict[str, Decimal]
    rate: Decimal | None = None
    charges: dict[str, Decimal] = field(default_factory=dict)  # fixed mode: km x rate per driver
    charged_to_owner_for_no_km: Decimal = ZERO


@dataclass(frozen=True)
class MemberTotals:
    """A member's figures to date: km, what they bear, paid, sent, received, and their balance."""

    name: str
    km: Decimal
    bears: Decimal
    paid: Decimal
    payments_sent: Decimal
    payments_received: Decimal

    @property
    def balance(self) -> Decimal:
        """Positive: the group owes them."""
        return movement(self.paid, self.bears, self.payments_sent, self.payments_received)


def movement(paid: Decimal, bears: Decimal, payments_sent: Decimal, payments_received: Decimal) -> Decimal:
    """What a member's balance moves by: what they paid, less what they bear, plus what they
    handed to others, less what others handed them. Positive: the group owes them more."""
    return paid - bears + payments_sent - payments_received


@dataclass(frozen=True)
class Computation:
    """The money computation as of a day: every vehicle-period and every member's totals."""

    cutoff: date
    periods: list[VehiclePeriod]
    members: list[MemberTotals]

    def balances(self) -> dict[str, Decimal]:
        return {m.name: m.balance for m in self.members}


def compute(
    book: Book,
    ledger: Ledger,
    cutoff: date,
    as_of: date | None = None,
    closed: dict[tuple[str, str], VehiclePeriod] | None = None,
) -> Computation:
    """Everything owed, counting what happened up to `cutoff` (a month end, or the as-of date).

    The period holding `as_of` (default: `cutoff`) is provisional. `closed`, when given, keeps
    the periods that ended by `cutoff` between calls, whatever their order (a period that has
    ended no longer changes): a report computes each one once, for its to-date figures, its
    statements and its History.
    """
    as_of = as_of or cutoff
    closed = {} if closed is None else closed
    periods = []
    for vehicle in book.vehicles:
        months_by_period: dict[Period, list[Usage]] = {}
        for month, usage in ledger.usage.get(vehicle.name, {}).items():
            if month <= cutoff:
                months_by_period.setdefault(period_of(month, book.settings.period), []).append(usage)
        for period in sorted(months_by_period):
            key = (vehicle.name, period.id)
            if period.end <= cutoff and key in closed:
                periods.append(closed[key])
                continue
            usage = Usage()
            for month_usage in months_by_period[period]:
                usage.add(month_usage)
            result = _vehicle_period(book, vehicle, period, usage, cutoff, as_of)
            if period.end <= cutoff:
                closed[key] = result
            periods.append(result)
    return Computation(cutoff, periods, _member_totals(book, ledger, periods, cutoff))


def _vehicle_period(
    book: Book, vehicle: Vehicle, period: Period, usage: Usage, cutoff: date, as_of: date
) -> VehiclePeriod:
    mode = vehicle_mode(book, vehicle)
    owners = dict(vehicle.owners)
    km_by_member = {m: km for m, km in sorted(usage.km.items()) if km}
    total_km = sum(km_by_member.values(), Decimal(0))
    bears: defaultdict[str, Decimal] = defaultdict(Decimal)
    no_km = ZERO

    def share(amount: Decimal, weights: dict[str, Decimal]) -> None:
        for member, part in allocate(amount, weights).items():
            bears[member] += part

    km_pool = usage.pools.get("km", ZERO)
    if total_km > 0:
        share(km_pool, km_by_member)
    else:
        share(km_pool, owners)
        no_km = km_pool
    equal_weights = _membership_days(book, vehicle, period, cutoff)
    share(usage.pools.get("equal", ZERO), equal_weights if any(equal_weights.values()) else owners)
    share(usage.pools.get("owner", ZERO), owners)
    for member, amount in usage.direct.items():
        bears[member] += amount
    rate, charges = None, {}
    if mode == "fixed":
        rate = vehicle_rate(book, vehicle)
        charges = {m: round_half_up(km * rate) for m, km in km_by_member.items() if m not in owners}
        for member, amount in charges.items():
            bears[member] += amount
        share(-sum(charges.values(), ZERO), owners)
    shared = km_pool if mode == "real" else sum(usage.pools.values(), ZERO)
    return VehiclePeriod(
        vehicle=vehicle.name,
        period=period,
        mode=mode,
        km=total_km,
        km_by_member=km_by_member,
        costs_by_category=dict(usage.by_category),
        costs=usage.total_costs,
        # no cost per km when the costs are all shared another way (equally, by owner): not "0.0000"
        cost_per_km=shared / total_km if total_km and (shared or not usage.total_costs) else None,
        provisional=period.provisional(as_of),
        bears={m: v for m, v in bears.items() if v},
        rate=rate,
        charges=charges,
        charged_to_owner_for_no_km=no_km,
    )


def vehicle_members(book: Book, vehicle: Vehicle) -> list[str]:
    """Who shares the vehicle: its owners and its Shared with list, else every member."""
    if not vehicle.shared_with:
        return book.sharing_names()
    wanted = set(vehicle.shared_with) | set(vehicle.owner_names)
    return [m for m in book.sharing_names() if m in wanted]


def _membership_days(book: Book, vehicle: Vehicle, period: Period, cutoff: date) -> dict[str, Decimal]:
    """Days each of the vehicle's members belonged to the group within the period (up to cutoff)."""
    end = min(period.end, cutoff)
    members = {m.name: m for m in book.members}
    return {
        name: Decimal(days_overlap(members[name].joined, members[name].left, period.start, end))
        for name in vehicle_members(book, vehicle)
    }


def _member_totals(book: Book, ledger: Ledger, periods: list[VehiclePeriod], cutoff: date) -> list[MemberTotals]:
    km: defaultdict[str, Decimal] = defaultdict(Decimal)
    bears: defaultdict[str, Decimal] = defaultdict(Decimal)
    for vp in periods:
        for member, value in vp.km_by_member.items():
            km[member] += value
        for member, value in vp.bears.items():
            bears[member] += value
    paid, sent, received = ledger.totals_until(cutoff)
    return [
        MemberTotals(
            name,
            km[name],
            bears[name] + ZERO,
            paid.get(name, ZERO) + ZERO,
            sent.get(name, ZERO) + ZERO,
            received.get(name, ZERO) + ZERO,
        )
        for name in book.member_names()
    ]
