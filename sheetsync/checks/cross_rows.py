"""Checks across rows: each takes the parsed Book and returns (Book, problems).

Checks that only need one cell or one row are done while parsing (parse.py); these need
several rows or tabs at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from sheetsync.i18n import t
from sheetsync.model import Book, Expense, Problem, SourceRef, Trip
from sheetsync.model.problems import problem
from sheetsync.model.schema import CATEGORIES_BY_ID
from sheetsync.read.cells import plain_number
from sheetsync.read.rows import Names

MAX_KM_PER_DAY = Decimal(2000)


def check_trip_sequence(book: Book) -> tuple[Book, list[Problem]]:
    """Odometer readings of each vehicle, in date order: overlaps are errors, gaps warnings."""
    lang = book.settings.language
    problems: list[Problem] = []
    dropped: set[SourceRef] = set()
    by_vehicle: dict[str, list[Trip]] = defaultdict(list)
    for trip in book.trips:
        by_vehicle[trip.vehicle].append(trip)
    for vehicle_name, trips in by_vehicle.items():
        vehicle = book.vehicle(vehicle_name)
        previous_end, previous_row = vehicle.odometer_at_start, None
        column = book.header("trips", "odometer_start")
        for trip in sorted(trips, key=lambda t: (t.date, t.odometer_start, t.source.row)):
            if previous_end is not None and trip.odometer_start < previous_end and previous_row is not None:
                problems.append(
                    problem(
                        "trip.overlap",
                        lang,
                        trip.source.tab,
                        trip.source.row,
                        column,
                        start=plain_number(trip.odometer_start),
                        previous=plain_number(previous_end),
                        other_row=previous_row,
                    )
                )
                dropped.add(trip.source)
                continue
            explained = any((previous_row or 0) < row < trip.source.row for row in book.rejected_trip_rows)
            if previous_end is not None and trip.odometer_start > previous_end and not explained:
                where = f" ({t(lang, 'row {row}', row=previous_row)})" if previous_row else ""
                problems.append(
                    problem(
                        "trip.gap",
                        lang,
                        trip.source.tab,
                        trip.source.row,
                        column,
                        km=plain_number(trip.odometer_start - previous_end),
                        vehicle=vehicle_name,
                        previous=plain_number(previous_end),
                        start=plain_number(trip.odometer_start),
                        where=where,
                    )
                )
            previous_end, previous_row = trip.odometer_end, trip.source.row
    return replace(book, trips=tuple(t for t in book.trips if t.source not in dropped)), problems


def check_implausible_trips(book: Book) -> tuple[Book, list[Problem]]:
    """A warning on each trip longer than the plausible km per day."""
    problems = []
    for trip in book.trips:
        days = 1
        if trip.returned is not None and trip.returned.date() > trip.date.date():
            days = (trip.returned.date() - trip.date.date()).days + 1
        if trip.km > MAX_KM_PER_DAY * days:
            problems.append(
                problem(
                    "trip.implausible",
                    book.settings.language,
                    trip.source.tab,
                    trip.source.row,
                    book.headers.get(("trips", "km")) or book.header("trips", "odometer_end"),
                    km=plain_number(trip.km),
                    days=days,
                    limit=plain_number(MAX_KM_PER_DAY),
                )
            )
    return book, problems


def check_responsible(book: Book) -> tuple[Book, list[Problem]]:
    """Give each `responsible`-rule expense its member: the one named, else the driver of the
    single trip of that vehicle on that date."""
    problems, kept = [], []
    for expense in book.expenses:
        if book.split_rule(expense.category) != "responsible" or expense.responsible:
            kept.append(expense)
            continue
        drivers = {t.driver for t in book.trips if t.vehicle == expense.vehicle and _covers(t, expense)}
        if len(drivers) == 1:
            kept.append(replace(expense, responsible=drivers.pop()))
            continue
        category = CATEGORIES_BY_ID[expense.category].name(book.settings.language)
        problems.append(
            problem(
                "expense.no_responsible",
                book.settings.language,
                expense.source.tab,
                expense.source.row,
                book.header("expenses", "responsible"),
                category=category,
                vehicle=expense.vehicle,
                day=expense.date.date().isoformat(),
            )
        )
    return replace(book, expenses=tuple(kept)), problems


def _covers(trip: Trip, expense: Expense) -> bool:
    day = expense.date.date()
    last = trip.returned.date() if trip.returned else trip.date.date()
    return trip.date.date() <= day <= last


def check_rates(book: Book) -> tuple[Book, list[Problem]]:
    """In fixed-rate mode every vehicle needs a rate (its own, or the group's)."""
    if book.settings.cost_mode != "fixed" or book.settings.rate_per_km is not None:
        return book, []
    return book, [
        problem("vehicle.no_rate", book.settings.language, v.source.tab, v.source.row, None, vehicle=v.name)
        for v in book.vehicles
        if v.rate_per_km is None
    ]


def check_treasurer(book: Book, settings_rows: dict[str, SourceRef]) -> tuple[Book, list[Problem]]:
    """The treasurer named in Settings must be a member."""
    s = book.settings
    if not s.treasurer:
        return book, []
    found = Names(book.member_names()).get(s.treasurer)
    if found is not None:
        return replace(book, settings=replace(s, treasurer=found)), []
    where = settings_rows["treasurer"]
    return replace(book, settings=replace(s, treasurer=None)), [
        problem("ref.member", s.language, where.tab, where.row, book.header("settings", "value"), value=s.treasurer)
    ]


def check_hub(book: Book, settings_rows: dict[str, SourceRef]) -> tuple[Book, list[Problem]]:
    """The hub member for `settlement = hub`: the one named, else the owner of the only vehicle."""
    s = book.settings
    lang = s.language
    where = settings_rows.get("settlement_hub") or settings_rows.get("settlement")
    tab, row = (where.tab, where.row) if where else (book.tab_names.get("settings", "Settings"), None)
    column = book.header("settings", "value")
    if s.settlement_hub:
        found = Names(book.member_names()).get(s.settlement_hub)
        if found is None:
            return replace(book, settings=replace(s, settlement_hub=None, settlement="minimal")), [
                problem("ref.member", lang, tab, row, column, value=s.settlement_hub)
            ]
        return replace(book, settings=replace(s, settlement_hub=found)), []
    if s.settlement != "hub":
        return book, []
    if len(book.vehicles) == 1 and len(book.vehicles[0].owners) == 1:
        return replace(book, settings=replace(s, settlement_hub=book.vehicles[0].owners[0][0])), []
    return replace(book, settings=replace(s, settlement="minimal")), [
        problem(
            "settings.bad_value",
            lang,
            tab,
            row,
            column,
            value="hub",
            key="settlement",
            default="minimal",
            choices="minimal; or name the hub member with settlement_hub / pivot",
        )
    ]


CHECKS = (check_trip_sequence, check_implausible_trips, check_responsible, check_rates)


def validate(book: Book, settings_rows: dict[str, SourceRef]) -> tuple[Book, list[Problem]]:
    """Run every cross-row check; the Book returned holds only what can be computed."""
    problems: list[Problem] = []
    for check in CHECKS:
        book, found = check(book)
        problems.extend(found)
    for check in (check_hub, check_treasurer):
        book, found = check(book, settings_rows)
        problems.extend(found)
    return book, problems
