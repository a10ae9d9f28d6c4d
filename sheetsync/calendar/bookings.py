"""The bookings calendar: repeats expanded, clashes judged by the group's rule, the logbook
checked against the calendar, and who had the car at a given moment. Pure: data in, data out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sheetsync.i18n import N_, span, t, tn
from sheetsync.model import Book, Booking, Problem, SourceRef, Trip, has_time
from sheetsync.model.problems import problem
from sheetsync.read.cells import plain_number

# repeat -> (its frequency as RFC 5545 and dateutil name it, interval): the calendar file's RRULE too
RECURRENCES = {"daily": ("DAILY", 1), "weekly": ("WEEKLY", 1), "biweekly": ("WEEKLY", 2), "monthly": ("MONTHLY", 1)}
HORIZON = timedelta(days=182)  # how far ahead repeats are expanded
RECENT = timedelta(days=60)  # bookings that ended this recently are checked against the logbook


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a booking (a repeating booking has many): who, which vehicle, from when to when."""

    booking: Booking
    start: datetime
    end: datetime

    @property
    def vehicle(self) -> str | None:
        return self.booking.vehicle

    @property
    def member(self) -> str:
        return self.booking.member

    def days(self) -> tuple[date, date]:
        """First and last day the car is out (an end at midnight does not take the next day)."""
        return self.start.date(), (self.end - timedelta(microseconds=1)).date()


def occurrences(booking: Booking, horizon_end: datetime) -> list[Occurrence]:
    """Every occurrence of a booking that starts before `horizon_end` (and on or before its Until day)."""
    if booking.end <= booking.start:
        return []
    if not booking.repeat:
        return [Occurrence(booking, booking.start, booking.end)]
    from dateutil import rrule as rules  # only for a repeating booking

    freq, interval = RECURRENCES[booking.repeat]
    last = horizon_end
    if booking.until is not None:
        last = min(last, datetime.combine(booking.until, time.max))
    length = booking.end - booking.start
    starts = rules.rrule(getattr(rules, freq), dtstart=booking.start, interval=interval, until=last)
    return [Occurrence(booking, s, s + length) for s in starts]


def expand(book: Book, as_of: date) -> list[Occurrence]:
    """All occurrences of all bookings, up to the horizon after `as_of`, by vehicle then start."""
    horizon_end = datetime.combine(as_of, time()) + HORIZON
    found = [o for b in book.bookings for o in occurrences(b, horizon_end)]
    return sorted(found, key=lambda o: (o.vehicle or "", o.start, o.booking.source.row))


def keeper(book: Book, a: Booking, b: Booking) -> tuple[Booking, str]:
    """Who keeps the car when `a` and `b` clash, under Settings `priority`, and why (a reason key)."""
    if book.settings.priority == "owner" and a.vehicle:
        owners = set(book.vehicle(a.vehicle).owner_names)
        if (a.member in owners) != (b.member in owners):
            return (a, "owner") if a.member in owners else (b, "owner")
    if a.booked_at and b.booked_at and a.booked_at != b.booked_at:
        return (a, "booked_at") if a.booked_at < b.booked_at else (b, "booked_at")
    # the row written first; on the same row of two tabs (Bookings and the phone entries), by tab:
    # the same verdict whichever booking is named first
    return (a, "row") if (a.source.row, a.source.tab) < (b.source.row, b.source.tab) else (b, "row")


VERDICTS = {
    "owner": N_("Under the group's rule (owner first), {name} keeps the car: {name} owns it."),
    "booked_at": N_("Under the group's rule (first booked), {name} keeps the car: booked first, on {when}."),
    "row": N_("Under the group's rule (first booked), {name} keeps the car: the booking written first (row {row})."),
}


def check_conflicts(book: Book, found: list[Occurrence]) -> list[Problem]:
    """Two bookings of one vehicle clash when one starts before the other ends (half-open
    intervals). Each clashing pair is reported once on each of its two rows, with the first clash."""
    problems = []
    for a, b, count in _clashes(found):
        problems += [p for _, p in _conflict_problems(book, a, b, count)[1]]
    return problems


def clashes_of(book: Book, found: list[Occurrence], tab: str, row: int) -> list[Problem]:
    """The clashes that the booking written at `tab`, `row` loses under the group's priority rule:
    one booking.conflict problem on it for each, the rule's verdict as its hint."""

    def at(o: Occurrence) -> bool:
        return (o.booking.source.tab, o.booking.source.row) == (tab, row)

    lost = []
    for a, b, count in _clashes(found):
        if at(a) or at(b):  # a clash of other bookings is not worded for nothing
            winner, worded = _conflict_problems(book, a, b, count)
            lost += [p for mine, p in worded if at(mine) and mine.booking is not winner]
    return lost


def _clashes(found: list[Occurrence]) -> list[tuple[Occurrence, Occurrence, int]]:
    """Each clashing pair of bookings: its first two clashing occurrences and how many times they clash.
    A pair is one whichever of its bookings starts first (a night booking against a day one clashes
    at both ends of the day)."""
    clashes: dict[frozenset[SourceRef], tuple[Occurrence, Occurrence, int]] = {}
    by_vehicle: dict[str | None, list[Occurrence]] = defaultdict(list)
    for o in found:
        by_vehicle[o.vehicle].append(o)
    for occurrences_ in by_vehicle.values():
        active: list[Occurrence] = []
        for o in occurrences_:
            active = [a for a in active if a.end > o.start]
            for a in active:
                if a.booking.source == o.booking.source:
                    continue
                key = frozenset((a.booking.source, o.booking.source))
                first = clashes.get(key, (a, o, 0))
                clashes[key] = (first[0], first[1], first[2] + 1)
            active.append(o)
    return list(clashes.values())


def _conflict_problems(
    book: Book, a: Occurrence, b: Occurrence, count: int
) -> tuple[Booking, list[tuple[Occurrence, Problem]]]:
    """The booking that keeps the car under the group's rule, and the problem of the clash on
    each of the two bookings, with that verdict."""
    lang = book.settings.language
    winner, reason = keeper(book, a.booking, b.booking)
    verdict = t(
        lang,
        VERDICTS[reason],
        name=winner.member,
        row=winner.source.row,
        when=winner.booked_at or "",
    )
    if count > 1:
        verdict += " " + tn(lang, "({n} clash.)", "({n} clashes.)", count)
    return winner, [
        (
            mine,
            _on_booking(
                book,
                "booking.conflict",
                mine,
                vehicle=mine.vehicle or "",
                other=other.member,
                other_row=other.booking.source.row,
                when=span(other.start, other.end, lang),
                verdict=verdict,
            ),
        )
        for mine, other in ((a, b), (b, a))
    ]


def reconcile(book: Book, found: list[Occurrence], as_of: date) -> list[Problem]:
    """The logbook against the calendar, from the first booking on: a trip nobody booked (info),
    a trip by someone else than who booked (info), a booking that ended lately with no trip (warning)."""
    if not found:
        return []
    lang = book.settings.language
    first_day = min(o.start for o in found).date()
    by_day: dict[tuple[str | None, date], list[Occurrence]] = defaultdict(list)
    for o in found:
        start, end = o.days()
        if start > as_of:
            continue
        for n in range((min(end, as_of) - start).days + 1):
            by_day[(o.vehicle, start + timedelta(days=n))].append(o)
    problems = []
    for trip in book.trips:
        first, last = trip.days()
        if first < first_day or first > as_of:
            continue
        covering = {
            o.member
            for n in range((last - first).days + 1)
            for o in by_day.get((trip.vehicle, first + timedelta(days=n)), [])
        }
        column = book.header("trips", "driver", trip.source.tab)
        if not covering:
            problems.append(
                problem(
                    "trip.unbooked",
                    lang,
                    trip.source.tab,
                    trip.source.row,
                    column,
                    vehicle=trip.vehicle,
                    day=first,
                )
            )
        elif trip.driver not in covering:
            problems.append(
                problem(
                    "trip.outside_booking",
                    lang,
                    trip.source.tab,
                    trip.source.row,
                    column,
                    driver=trip.driver,
                    vehicle=trip.vehicle,
                    day=first,
                    others=", ".join(sorted(covering)),
                )
            )
    problems += [
        _on_booking(
            book, "booking.no_trip", o, member=o.member, vehicle=o.vehicle or "", when=span(o.start, o.end, lang)
        )
        for o in unrecorded(book, found, as_of)
    ]
    return problems


def _on_booking(book: Book, code: str, o: Occurrence, **params) -> Problem:
    """A problem on the row of an occurrence's booking, in its Start column."""
    source = o.booking.source
    return problem(
        code, book.settings.language, source.tab, source.row, book.header("bookings", "start", source.tab), **params
    )


def unrecorded(book: Book, found: list[Occurrence], as_of: date, since: timedelta = RECENT) -> list[Occurrence]:
    """Occurrences that ended within `since` before `as_of` with no trip of that member and vehicle in their days."""
    trips_by: dict[tuple[str, str], list[Trip]] = defaultdict(list)
    for trip in book.trips:
        trips_by[(trip.vehicle, trip.driver)].append(trip)
    cutoff = datetime.combine(as_of, time())
    missing = []
    for o in found:
        if not (cutoff - since <= o.end <= cutoff):
            continue
        start, end = o.days()
        if not any(t.days()[0] <= end and t.days()[1] >= start for t in trips_by[(o.vehicle, o.member)]):
            missing.append(o)
    return missing


def _iso_span(start: datetime, end: datetime) -> str:
    if start.date() == end.date() or end - start <= timedelta(hours=24) and has_time(end):
        return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"
    return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class WhoDrove:
    """Who had a vehicle at a moment, and the rows that say so (logbook first, else bookings)."""

    vehicle: str
    at: datetime
    members: tuple[str, ...]  # empty when nothing says
    source: str | None  # "trips" or "bookings"
    rows: tuple[SourceRef, ...]
    # each row's start and end, and a trip's readings and km (None for a booking), to be said
    spans: tuple[tuple[datetime, datetime | None, Trip | None], ...] = ()

    def to_dict(self) -> dict:
        """The answer as `who-drove --format json` prints it."""
        return {
            "vehicle": self.vehicle,
            "at": self.at.isoformat(sep=" "),
            "members": list(self.members),
            "source": self.source,
            "rows": [{"tab": r.tab, "row": r.row} for r in self.rows],
            "details": [_trip_detail(t) if t else _iso_span(start, end) for start, end, t in self.spans],  # ISO
        }


def find_driver(book: Book, found: list[Occurrence], vehicle: str, at: datetime) -> WhoDrove:
    """Who had `vehicle` at `at`: from the logbook, else from the bookings; with the rows used."""
    trips = [t for t in book.trips if t.vehicle == vehicle and t.covers(at)]
    if trips:
        return WhoDrove(
            vehicle,
            at,
            tuple(dict.fromkeys(t.driver for t in trips)),
            "trips",
            tuple(t.source for t in trips),
            tuple((t.date, t.returned, t) for t in trips),
        )
    booked = [o for o in found if o.vehicle == vehicle and o.start <= at < o.end]
    return WhoDrove(
        vehicle,
        at,
        tuple(dict.fromkeys(o.member for o in booked)),
        "bookings" if booked else None,
        tuple(o.booking.source for o in booked),
        tuple((o.start, o.end, None) for o in booked),
    )


def _day_label(o: Occurrence, begin: datetime, finish: datetime) -> str:
    """ "Marie" for the whole day, else "Marie 20:00–23:00"."""
    shown_from, shown_to = max(o.start, begin), min(o.end, finish)
    if (shown_from, shown_to) == (begin, finish):
        return o.member
    until = "24:00" if shown_to == finish else f"{shown_to:%H:%M}"
    return f"{o.member} {shown_from:%H:%M}–{until}"


def _trip_detail(trip: Trip) -> str:
    return f"{trip.date:%Y-%m-%d %H:%M}{_returned(trip)}, {km_text(trip, plain_number)}"


def km_text(trip: Trip, written) -> str:
    """ "1000 → 1060 km", or "60 km" in a logbook of km only; each number `written(value)`."""
    if trip.odometer_start is None:
        return f"{written(trip.km)} km"
    return f"{written(trip.odometer_start)} → {written(trip.odometer_end)} km"


def _returned(trip: Trip) -> str:
    return f" → {trip.returned:%Y-%m-%d %H:%M}" if trip.returned else ""


def schedule(
    found: list[Occurrence], vehicles: list[str], first: date, weeks: int = 6, separator: str = "; "
) -> list[list]:
    """Rows of a grid: one per day from `first`, one column per vehicle, who has it and when (the
    bookings of a day apart by `separator`, the group's language's)."""
    rows = []
    for n in range(weeks * 7):
        day = first + timedelta(days=n)
        begin, finish = datetime.combine(day, time()), datetime.combine(day + timedelta(days=1), time())
        cells = {v: [] for v in vehicles}
        for o in found:
            if o.start < finish and o.end > begin and o.vehicle in cells:
                cells[o.vehicle].append(_day_label(o, begin, finish))
        rows.append([day] + [separator.join(cells[v]) for v in vehicles])
    return rows
