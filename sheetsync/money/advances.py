"""Suggested quarterly advances for groups that settle yearly (the guide's worked example 5; docs/design.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sheetsync.model import Book, Vehicle
from sheetsync.money.cents import round_half_up
from sheetsync.money.ledger import Ledger, Usage, vehicle_mode, vehicle_rate
from sheetsync.money.shares import vehicle_members


@dataclass(frozen=True)
class Advance:
    """A borrower's suggested quarterly advance for a vehicle, and what it is based on."""

    member: str
    vehicle: str
    basis_km: Decimal  # km per year the advance is based on
    basis: str  # "last_year" or "expected"
    rate_excluding_fuel: Decimal
    per_quarter: Decimal


def suggest_advances(book: Book, ledger: Ledger, as_of: date) -> list[Advance]:
    """Each borrower's advance per quarter = (km last year, else expected km per year) / 4 × rate
    excluding fuel; none for a member who has left by `as_of`, none of nothing."""
    if book.settings.period != "year":
        return []
    last_year = as_of.year - 1
    expected_used: set[str] = set()
    advances = []
    for vehicle in book.vehicles:
        usage = Usage()
        for month, u in ledger.usage.get(vehicle.name, {}).items():
            if month.year == last_year:
                usage.add(u)
        rate = _rate_excluding_fuel(book, vehicle, usage)
        if rate is None:
            continue
        members = {m.name: m for m in book.members}
        for name in vehicle_members(book, vehicle):
            left = members[name].left
            if name in vehicle.owner_names or (left is not None and left <= as_of):
                continue
            km, basis = usage.km.get(name, Decimal(0)), "last_year"
            if not km and members[name].expected_km and name not in expected_used:
                km, basis = members[name].expected_km, "expected"
                expected_used.add(name)
            if km and (per_quarter := round_half_up(km / 4 * rate)) > 0:
                advances.append(Advance(name, vehicle.name, km, basis, rate, per_quarter))
    return advances


def _rate_excluding_fuel(book: Book, vehicle: Vehicle, usage: Usage) -> Decimal | None:
    km, fuel = usage.total_km, usage.by_category.get("fuel", Decimal(0))
    if vehicle_mode(book, vehicle) == "fixed":
        rate = vehicle_rate(book, vehicle)
        if book.settings.fuel == "separate" or not km:
            return rate
        return max(rate - fuel / km, Decimal(0))
    if not km:
        return None
    return (usage.pools.get("km", Decimal(0)) - fuel) / km
