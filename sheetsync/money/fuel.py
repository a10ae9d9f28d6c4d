"""Fuel economy: litres, l/100 km from full tank to full tank, and the price per litre, per vehicle
and period; and the warnings a fill deserves (more than the tank, an implausible consumption, a
price far from the vehicle's usual one).

A fill is a fuel line with litres: a logbook line (its odometer is the trip's end) or a fuel
expense (its odometer is the vehicle's last reading on or before that moment). An empty "Full
tank" cell means full. Consumption is measured between two full tanks: the litres of every fill
after the first full one, up to and including the next full one, over the km between them; partial
fills add their litres to the next full one. Fills before the first full tank only count in litres
and price.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from sheetsync.model import Book, Problem, SourceRef, has_time
from sheetsync.model.problems import problem
from sheetsync.money.periods import Period, period_of

PRICE_FACTOR = Decimal("1.5")  # a price per litre more than 1.5 times the median, or less than 1/1.5 of it
PRICE_MIN_FILLS = 3  # fills with a price needed before one is compared with the median
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class Fill:
    """One fuel line with litres, and where the vehicle's odometer stood at it."""

    vehicle: str
    moment: datetime
    odometer: Decimal | None
    litres: Decimal
    amount: Decimal | None
    full: bool
    source: SourceRef
    tab_id: str  # "trips" or "expenses": which columns the warnings point at


@dataclass(frozen=True)
class FuelPeriod:
    """A vehicle's fuel figures over one accounting period."""

    vehicle: str
    period: Period
    litres: Decimal  # every fill dated in the period
    l_per_100km: Decimal | None  # over the full-to-full intervals that end in the period
    price_per_litre: Decimal | None  # the fills that have an amount
    interval_km: Decimal = Decimal(0)
    interval_litres: Decimal = Decimal(0)

    def rounded(self) -> tuple[Decimal, Decimal | None]:
        """Litres and l/100 km as they are shown everywhere: to the hundredth."""
        per_100 = None if self.l_per_100km is None else self.l_per_100km.quantize(HUNDREDTH)
        return self.litres.quantize(HUNDREDTH), per_100

    def to_dict(self) -> dict:
        """Litres (two decimals), l/100 km (two) and price per litre (three) as strings, None when unknown."""
        litres, per_100 = self.rounded()
        price = None if self.price_per_litre is None else self.price_per_litre.quantize(Decimal("0.001"))
        return {
            "litres": f"{litres:f}",
            "l_per_100km": None if per_100 is None else f"{per_100:f}",
            "price_per_litre": None if price is None else f"{price:f}",
        }


@dataclass
class _Totals:
    litres: Decimal = Decimal(0)
    priced_litres: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)
    km: Decimal = Decimal(0)
    interval_litres: Decimal = Decimal(0)


def fills(book: Book, as_of) -> list[Fill]:
    """Every fuel line with litres dated on or before `as_of`, in the order of the vehicle's odometer."""
    receipts = [e for e in book.expenses if e.category == "fuel" and e.litres and e.date.date() <= as_of]
    readings: dict[str, list[tuple[datetime, Decimal]]] = defaultdict(list)
    if receipts:  # the odometer at each receipt: only then is the logbook gone through for it
        for trip in book.trips:
            if trip.odometer_end is not None:  # a trip typed as km only has no reading
                readings[trip.vehicle].append((trip.date, Decimal(trip.odometer_end)))
        for found in readings.values():
            found.sort()
    result = []
    for trip in book.trips:
        if trip.litres and trip.date.date() <= as_of:
            full = trip.full is not False
            result.append(
                Fill(
                    trip.vehicle,
                    trip.date,
                    Decimal(trip.odometer_end) if trip.odometer_end is not None else None,
                    trip.litres,
                    trip.fuel_paid,
                    full,
                    trip.source,
                    "trips",
                )
            )
    for e in receipts:
        # a receipt dated without a time counts every trip of that day as driven before it
        moment = datetime.combine(e.date.date(), time.max) if not has_time(e.date) else e.date
        history = readings.get(e.vehicle, [])
        i = bisect.bisect_right(history, (moment, Decimal("Infinity")))
        odometer = history[i - 1][1] if i else None
        result.append(Fill(e.vehicle, e.date, odometer, e.litres, e.amount, e.full is not False, e.source, "expenses"))
    result.sort(key=lambda f: (f.vehicle, f.odometer if f.odometer is not None else Decimal(-1), f.moment))
    return result


def fuel_economy(book: Book, as_of) -> tuple[list[FuelPeriod], list[Problem]]:
    """Fuel figures per vehicle and period, and the warnings on the fills' rows."""
    s = book.settings
    found = fills(book, as_of)
    totals: dict[tuple[str, Period], _Totals] = defaultdict(_Totals)
    problems: list[Problem] = []
    tanks = {v.name: v.tank for v in book.vehicles}
    by_vehicle: dict[str, list[Fill]] = defaultdict(list)
    for f in found:
        by_vehicle[f.vehicle].append(f)
    for vehicle, vehicle_fills in by_vehicle.items():
        last_full: Decimal | None = None
        pending = Decimal(0)
        for f in vehicle_fills:
            t = totals[(vehicle, period_of(f.moment.date(), s.period))]
            t.litres += f.litres
            if f.amount is not None:
                t.priced_litres += f.litres
                t.amount += f.amount
            tank = tanks.get(vehicle)
            if tank and f.litres > tank:
                problems.append(
                    _problem(
                        book,
                        "fuel.over_tank",
                        f,
                        "litres",
                        litres=f.litres,
                        vehicle=vehicle,
                        tank=tank,
                    )
                )
            if f.odometer is None:
                continue
            if last_full is None:
                if f.full:
                    last_full, pending = f.odometer, Decimal(0)
                continue
            pending += f.litres
            if not f.full:
                continue
            km = f.odometer - last_full
            if km > 0:
                t.km += km
                t.interval_litres += pending
                rate = pending / km * 100
                if not s.consumption_min <= rate <= s.consumption_max:
                    problems.append(
                        _problem(
                            book,
                            "fuel.consumption",
                            f,
                            "litres",
                            l_per_100km=rate.quantize(Decimal("0.1")),
                            litres=pending,
                            km=km,
                            low=s.consumption_min,
                            high=s.consumption_max,
                        )
                    )
            last_full, pending = f.odometer, Decimal(0)
        problems += _price_outliers(book, vehicle, vehicle_fills)
    periods = [
        FuelPeriod(
            vehicle,
            period,
            t.litres,
            t.interval_litres / t.km * 100 if t.km else None,
            t.amount / t.priced_litres if t.priced_litres else None,
            t.km,
            t.interval_litres,
        )
        for (vehicle, period), t in sorted(totals.items(), key=lambda item: (item[0][0], item[0][1]))
    ]
    return periods, problems


def _price_outliers(book: Book, vehicle: str, vehicle_fills: list[Fill]) -> list[Problem]:
    priced = [f for f in vehicle_fills if f.amount is not None]
    if len(priced) < PRICE_MIN_FILLS:
        return []
    from statistics import median  # only with priced fills to compare

    usual = median(f.amount / f.litres for f in priced)
    found = []
    for f in priced:
        price = f.amount / f.litres
        if usual and not usual / PRICE_FACTOR <= price <= usual * PRICE_FACTOR:
            found.append(
                _problem(
                    book,
                    "fuel.price",
                    f,
                    "amount" if f.tab_id == "expenses" else "fuel_paid",
                    price=price.quantize(Decimal("0.001")),
                    median=usual.quantize(Decimal("0.001")),
                    vehicle=vehicle,
                )
            )
    return found


def _problem(book: Book, code: str, f: Fill, field: str, **params: object) -> Problem:
    lang = book.settings.language
    return problem(code, lang, f.source.tab, f.source.row, book.header(f.tab_id, field, f.source.tab), **params)
