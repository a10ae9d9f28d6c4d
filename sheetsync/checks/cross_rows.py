"""Checks across rows: each takes the parsed Book and returns (Book, problems).

Checks that only need one cell or one row are done while parsing (parse.py); these need
several rows or tabs at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from sheetsync.i18n import t, tn
from sheetsync.model import EVERYONE, Book, Problem, SourceRef, Trip, has_time
from sheetsync.model.problems import problem
from sheetsync.model.schema import CATEGORIES_BY_ID
from sheetsync.read.rows import date_order

MAX_KM_PER_DAY = Decimal(2000)


def in_day_order(trips: list[Trip]) -> list[Trip]:
    """A vehicle's trips in the order they were driven: by day; within a day by odometer, and by
    time between two trips that both have one (a trip typed without a time is not "at midnight")."""
    ordered = sorted(trips, key=lambda t: (t.date.date(), t.odometer_start, t.source.row))
    if sum(1 for t in ordered if has_time(t.date)) < 2:
        return ordered  # no two trips with a time: the odometer orders each day
    i = 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j].date.date() == ordered[i].date.date():
            j += 1
        timed = [k for k in range(i, j) if has_time(ordered[k].date)]
        if len(timed) > 1:
            by_time = sorted((ordered[k] for k in timed), key=lambda t: (t.date, t.odometer_start, t.source.row))
            for k, trip in zip(timed, by_time, strict=True):
                ordered[k] = trip
        i = j
    return ordered


MAX_MISDATED = 50  # a logbook with more has a bigger problem than typos: the overlaps say it


def misdated_trips(trips: list[Trip]) -> dict[SourceRef, tuple[Trip, Trip]]:
    """Trips whose odometer readings put them between two trips dated in order, while their own
    date falls outside those two dates: a mistyped date. trip -> (the trip before, the trip after).

    When a mistyped date makes its neighbours look out of place too, the trip out of order with
    the most other trips is the one whose date is wrong; it is set aside and the rest looked at again.
    """
    remaining = sorted(trips, key=lambda t: (t.odometer_start, t.odometer_end, t.source.row))
    found: dict[SourceRef, tuple[Trip, Trip]] = {}
    while len(found) < MAX_MISDATED:
        candidates = _out_of_place(remaining)
        if not candidates:
            break
        worst = max(candidates, key=lambda c: (_inversions(c[1], remaining), c[1].source.row))
        before, trip, after = worst
        found[trip.source] = (before, after)
        remaining.remove(trip)
    return found


def _out_of_place(by_reading: list[Trip]) -> list[tuple[Trip, Trip, Trip]]:
    found = []
    for before, trip, after in zip(by_reading, by_reading[1:], by_reading[2:], strict=False):
        if before.odometer_end > trip.odometer_start or trip.odometer_end > after.odometer_start:
            continue  # readings that overlap: the overlap check says so
        low, high, day = before.date.date(), after.date.date(), trip.date.date()
        if low <= high and not low <= day <= high:
            found.append((before, trip, after))
    return found


def _inversions(trip: Trip, trips: list[Trip]) -> int:
    """How many trips the odometer and the dates put on different sides of `trip`."""
    day, reading = trip.date.date(), trip.odometer_start
    return sum(
        1
        for other in trips
        if (other.odometer_start < reading and other.date.date() > day)
        or (other.odometer_start > reading and other.date.date() < day)
    )


MAX_RUN = 20  # the most trips in a row typed in the wrong car that are looked for


def _in_another_vehicle(book: Book, by_vehicle: dict[str, list[Trip]]) -> list[tuple[str, Trip, list[Trip]]]:
    """The runs of trips typed in the wrong car: trips of one car whose readings go on exactly from
    where a trip of another car ends (and no trip of their own car does) to where that car's next
    trip starts, filling the gap of its logbook to the km. (the car they belong to, its trip they
    follow on from, the run). A reading that merely meets another car's is not enough: the run
    must close the other car's gap at both ends."""
    if len(by_vehicle) < 2:
        return []
    starts = {name: {t.odometer_start for t in trips} for name, trips in by_vehicle.items()}
    ends = {name: {t.odometer_end for t in trips} - {None} for name, trips in by_vehicle.items()}
    gaps = {name: ends[name] - starts[name] for name in by_vehicle}  # a car's readings nothing goes on from
    for name in by_vehicle:
        if (initial := book.vehicle(name).odometer_at_start) is not None:
            ends[name].add(initial)
    trip_at: dict[tuple[str, str], dict[int, Trip]] = {}  # a car's trips by a reading, made when first needed

    def trip_by(name: str, which: str, reading: int) -> Trip | None:
        if (name, which) not in trip_at:
            found = trip_at[name, which] = {}
            for trip in by_vehicle[name]:
                found.setdefault(getattr(trip, which), trip)
        return trip_at[name, which].get(reading)

    runs: list[tuple[str, Trip, list[Trip]]] = []
    taken: set[SourceRef] = set()
    for owner, gap_ats in gaps.items():
        for gap_at in sorted(gap_ats):
            for typed_in in by_vehicle:
                if typed_in == owner or gap_at not in starts[typed_in] or gap_at in ends[typed_in]:
                    continue  # no trip of that car starts there, or one of its own ends there
                run, reading = [], gap_at
                while len(run) < MAX_RUN and reading not in starts[owner]:
                    trip = trip_by(typed_in, "odometer_start", reading)
                    if trip is None or trip.odometer_end is None or trip.odometer_end <= reading:
                        break
                    run.append(trip)
                    reading = trip.odometer_end
                if run and reading in starts[owner] and not any(t.source in taken for t in run):
                    runs.append((owner, trip_by(owner, "odometer_end", gap_at), run))
                    taken.update(t.source for t in run)
                    break
    return runs


def check_trip_sequence(book: Book) -> tuple[Book, list[Problem]]:
    """Odometer readings of each vehicle, in the order driven: a trip whose readings do not fit its
    date is an error on that row (its date is mistyped); overlaps are errors, gaps warnings; trips
    typed in the wrong car, errors. The wrong car is looked for only when a logbook is not regular."""
    by_vehicle: dict[str, list[Trip]] = defaultdict(list)
    km_only: dict[str, list[tuple[datetime, Decimal | int]]] = defaultdict(list)
    for trip in book.trips:
        if trip.odometer_start is not None:
            by_vehicle[trip.vehicle].append(trip)
        else:  # a trip typed as km only has no readings to check: its km count in the gaps
            km_only[trip.vehicle].append((trip.date, trip.km))
    problems, dropped = _sequences(book, by_vehicle, {}, km_only)
    runs = _in_another_vehicle(book, by_vehicle) if problems and len(by_vehicle) > 1 else []
    if runs:
        problems, moved, elsewhere = [], set(), defaultdict(set)  # a car's km typed in another car
        for owner, before, run in runs:
            for trip in run:
                problems.append(
                    problem(
                        "trip.other_vehicle",
                        book.settings.language,
                        trip.source.tab,
                        trip.source.row,
                        book.header("trips", "vehicle", trip.source.tab),
                        start=trip.odometer_start,
                        end=trip.odometer_end,
                        other=owner,
                        other_row=_row_number_from(before.source, trip.source),
                        vehicle=trip.vehicle,
                    )
                )
                moved.add(trip.source)
                before = trip
            elsewhere[owner].add((run[0].odometer_start, run[-1].odometer_end))
        kept = {name: [t for t in trips if t.source not in moved] for name, trips in by_vehicle.items()}
        more, dropped = _sequences(book, kept, elsewhere, km_only)
        problems, dropped = problems + more, dropped | moved
    if not dropped:
        return book, problems
    return replace(book, trips=tuple(t for t in book.trips if t.source not in dropped)), problems


def _sequences(
    book: Book,
    by_vehicle: dict[str, list[Trip]],
    elsewhere: dict[str, set[tuple[int, int]]],
    km_only: dict[str, list[tuple[datetime, Decimal | int]]],
) -> tuple[list[Problem], set[SourceRef]]:
    """The problems of each vehicle's readings in the order driven, and the trips they leave out;
    `elsewhere`, the readings of each car that were typed in another (no gap is said for them);
    `km_only`, the (date, km) of each car's trips logged as km alone (driven, so no gap either)."""
    lang = book.settings.language
    problems: list[Problem] = []
    dropped: set[SourceRef] = set()
    order = date_order(lang, book.settings.date_format == "month_first")
    for vehicle_name, trips in by_vehicle.items():
        vehicle = book.vehicle(vehicle_name)
        previous_end, previous = vehicle.odometer_at_start, None  # the last trip kept, None before the first
        logged = km_only.get(vehicle_name, ())
        ordered = in_day_order(trips)
        in_order = all(a.odometer_start <= b.odometer_start for a, b in zip(ordered, ordered[1:], strict=False))
        misdated = {} if in_order else misdated_trips(trips)
        trips_at = {t.source: t for t in trips if t.source in misdated} if misdated else {}
        for source, (before, after) in misdated.items():
            trip = trips_at[source]
            problems.append(
                problem(
                    "trip.misdated",
                    lang,
                    source.tab,
                    source.row,
                    book.header("trips", "date", source.tab),
                    start=trip.odometer_start,
                    end=trip.odometer_end,
                    day=trip.date.date(),
                    near=t(
                        lang,
                        "{first} (row {first_row}) and {second} (row {second_row})",
                        first=before.date.date(),
                        first_row=before.source.row,
                        second=after.date.date(),
                        second_row=after.source.row,
                    ),
                    order=order,
                )
            )
            dropped.add(source)
        # the km of a trip left out for an error are in its row: a gap is measured from its end
        left_out = {after.source: trips_at[source] for source, (_, after) in misdated.items()}
        overlapped: Trip | None = None  # the last trip left out for overlapping since the previous kept one
        for trip in in_day_order([x for x in trips if x.source not in misdated]) if misdated else ordered:
            if previous_end is not None and trip.odometer_start < previous_end and previous is not None:
                problems.append(
                    problem(
                        "trip.overlap",
                        lang,
                        trip.source.tab,
                        trip.source.row,
                        book.header("trips", "odometer_start", trip.source.tab),
                        start=trip.odometer_start,
                        previous=previous_end,
                        other_row=_row_number_from(previous.source, trip.source),
                    )
                )
                dropped.add(trip.source)
                if overlapped is None or (trip.odometer_end or 0) > (overlapped.odometer_end or 0):
                    overlapped = trip
                continue
            gap_from, from_trip = previous_end, previous
            for skipped in (left_out.get(trip.source) if left_out else None, overlapped):
                if skipped is not None and (skipped.odometer_end or 0) > (gap_from or 0):
                    gap_from, from_trip = skipped.odometer_end, skipped
            if gap_from is not None and logged:  # the km of the trips logged as km alone since then
                since = from_trip.date if from_trip else None
                gap_from += sum(km for day, km in logged if (since is None or since <= day) and day <= trip.date)
            if (
                gap_from is not None
                and trip.odometer_start > gap_from
                and (gap_from, trip.odometer_start) not in elsewhere.get(vehicle_name, ())
                and not _left_out_between(book, previous, trip)
            ):
                where = f" ({_row_seen_from(lang, from_trip.source, trip.source)})" if from_trip else ""
                problems.append(
                    problem(
                        "trip.gap",
                        lang,
                        trip.source.tab,
                        trip.source.row,
                        book.header("trips", "odometer_start", trip.source.tab),
                        km=trip.odometer_start - gap_from,
                        vehicle=vehicle_name,
                        previous=gap_from,
                        start=trip.odometer_start,
                        where=where,
                    )
                )
            previous_end, previous, overlapped = trip.odometer_end, trip, None
    return problems, dropped


def _left_out_between(book: Book, before: Trip | None, trip: Trip) -> bool:
    """Whether a logbook row the reader left out for an error (with no readings to go by) may lie
    between the trip kept `before` and `trip`: above `trip` in its tab (below `before` when that is
    in the same tab), or below `before` in its own, other tab (a phone's trip after the logbook)."""
    for tab, row in book.rejected_rows.get("trips", ()):
        if tab == trip.source.tab and row < trip.source.row:
            if before is None or before.source.tab != tab or row > before.source.row:
                return True
        elif before is not None and tab == before.source.tab and row > before.source.row:
            return True
    return False


def _row_number_from(ref: SourceRef, here: SourceRef) -> int | str:
    """The row number of `ref` as said after "row" from the tab `here` is in: 3, or "3 (Trips)"."""
    return ref.row if ref.tab == here.tab else f"{ref.row} ({ref.tab})"


def _row_seen_from(lang: str, ref: SourceRef, here: SourceRef) -> str:
    """ "row 3" of the tab `here` is in; "Trips, row 3" of another."""
    if ref.tab == here.tab:
        return t(lang, "row {row}", row=ref.row)
    return t(lang, "{tab}, row {row}", tab=ref.tab, row=ref.row)


def check_membership(book: Book) -> tuple[Book, list[Problem]]:
    """Trips dated before their driver joined or after they left: counted, with a warning."""
    lang = book.settings.language
    members = {m.name: m for m in book.members if m.joined or m.left}  # the others are always members
    problems = []
    for trip in book.trips if members else ():
        m = members.get(trip.driver)
        day = trip.date.date()
        if m is None or not ((m.joined and day < m.joined) or (m.left and day > m.left)):
            continue
        span = t(
            lang,
            "{joined} – {left}",
            joined=m.joined or "…",
            left=m.left or "…",
        )
        problems.append(
            problem(
                "trip.outside_membership",
                lang,
                trip.source.tab,
                trip.source.row,
                book.header("trips", "date", trip.source.tab),
                driver=trip.driver,
                day=day,
                span=span,
            )
        )
    return book, problems


def check_implausible_trips(book: Book) -> tuple[Book, list[Problem]]:
    """A warning on each trip longer than the plausible km per day."""
    problems = []
    for trip in book.trips:
        if trip.km <= MAX_KM_PER_DAY:  # plausible whatever its length in days
            continue
        first, last = trip.days()
        days = (last - first).days + 1
        if trip.km > MAX_KM_PER_DAY * days:
            problems.append(
                problem(
                    "trip.implausible",
                    book.settings.language,
                    trip.source.tab,
                    trip.source.row,
                    book.header(
                        "trips", "km" if (trip.source.tab, "km") in book.headers else "odometer_end", trip.source.tab
                    ),
                    km=trip.km,
                    days=tn(book.settings.language, "{n} day", "{n} days", days),
                    limit=MAX_KM_PER_DAY,
                )
            )
    return book, problems


def check_copied_rows(book: Book) -> tuple[Book, list[Problem]]:
    """A warning on each expense or payment equal in every cell to an earlier one (a row copied by
    mistake, counted twice): both stay counted, two equal fuel fills a day can be real."""
    problems = []
    for records, tab_id, code in (
        (book.expenses, "expenses", "expense.copied"),
        (book.payments, "payments", "payment.copied"),
    ):
        first: dict[object, SourceRef] = {}
        for record in records:
            here = record.source
            seen = first.setdefault(replace(record, source=None), here)
            if seen is not here:
                other = _row_seen_from(book.settings.language, seen, here)
                column = book.header(tab_id, "amount", here.tab)
                problems.append(problem(code, book.settings.language, here.tab, here.row, column, other=other))
    return book, problems


def check_responsible(book: Book) -> tuple[Book, list[Problem]]:
    """Give each `responsible`-rule expense its member: the one named, else the driver of the
    single trip of that vehicle at that moment (on that day, for an expense without a time)."""
    problems, kept = [], []
    for expense in book.expenses:
        if book.split_rule(expense.category) != "responsible" or expense.responsible:
            kept.append(expense)
            continue
        drivers = {t.driver for t in book.trips if t.vehicle == expense.vehicle and t.covers(expense.date)}
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
                book.header("expenses", "responsible", expense.source.tab),
                category=category,
                vehicle=expense.vehicle,
                day=expense.date.date(),
            )
        )
    return replace(book, expenses=tuple(kept)), problems


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
    """The treasurer named in Settings must be a member (found while reading Members, as named there)."""
    s = book.settings
    if not s.treasurer or s.treasurer in book.member_names():
        return book, []
    where = settings_rows["treasurer"]
    return replace(book, settings=replace(s, treasurer=None)), [
        problem("ref.member", s.language, where.tab, where.row, book.header("settings", "value"), value=s.treasurer)
    ]


def check_revoked_links(book: Book, settings_rows: dict[str, SourceRef]) -> tuple[Book, list[Problem]]:
    """Each member whose link Settings revokes must be a member (found while reading Members)."""
    s = book.settings
    members = set(book.member_names()) | {EVERYONE}
    unknown = [name for name in s.revoked_links if name not in members]
    if not unknown:
        return book, []
    where = settings_rows["revoked_links"]
    return book, [
        problem("ref.member", s.language, where.tab, where.row, book.header("settings", "value"), value=name)
        for name in unknown
    ]


def check_hub(book: Book, settings_rows: dict[str, SourceRef]) -> tuple[Book, list[Problem]]:
    """The hub member for `settlement = hub`: the one named (found while reading Members, as named
    there), else the owner of the only vehicle."""
    s = book.settings
    lang = s.language
    where = settings_rows.get("settlement_hub") or settings_rows.get("settlement")
    tab, row = (where.tab, where.row) if where else (book.tab_names.get("settings", "Settings"), None)
    column = book.header("settings", "value")
    if s.settlement_hub:
        if s.settlement_hub in book.member_names():
            return book, []
        return replace(book, settings=replace(s, settlement_hub=None, settlement="minimal")), [
            problem("ref.member", lang, tab, row, column, value=s.settlement_hub)
        ]
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


CHECKS = (
    check_trip_sequence,
    check_implausible_trips,
    check_membership,
    check_copied_rows,
    check_responsible,
    check_rates,
)


def validate(book: Book, settings_rows: dict[str, SourceRef]) -> tuple[Book, list[Problem]]:
    """Run every cross-row check; the Book returned holds only what can be computed."""
    problems: list[Problem] = []
    for check in CHECKS:
        book, found = check(book)
        problems.extend(found)
    for check in (check_hub, check_treasurer, check_revoked_links):
        book, found = check(book, settings_rows)
        problems.extend(found)
    return book, problems
