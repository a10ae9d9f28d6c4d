"""The bookings as an iCalendar feed (icalendar): one event per booking row, RRULE for repeats,
and a UID that stays the same from one export to the next, so a subscribed phone calendar
updates its events instead of duplicating them."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from sheetsync.calendar.bookings import RECURRENCES
from sheetsync.i18n import t
from sheetsync.model import Book, Booking


def event_uid(book: Book, booking: Booking) -> str:
    """A booking's UID in the ICS feed, the same from one export to the next."""
    digest = hashlib.sha1(f"{book.settings.group}|{booking.identity}".encode()).hexdigest()[:24]
    return f"{digest}@sheetsync"


def bookings_calendar(book: Book, generated_at: datetime, vehicle: str | None = None) -> bytes:
    """The iCalendar text of the group's bookings (of one vehicle if given), in the group's time zone."""
    tz = ZoneInfo(book.settings.timezone)
    lang = book.settings.language
    cal = Calendar()
    cal.add("prodid", "-//sheetsync//bookings//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", t(lang, "{group} — bookings", group=book.settings.group))
    cal.add("x-wr-timezone", book.settings.timezone)
    for booking in book.bookings:
        if booking.end <= booking.start or (vehicle and booking.vehicle != vehicle):
            continue
        event = Event()
        event.add("uid", event_uid(book, booking))
        event.add("dtstamp", generated_at.astimezone(UTC))
        event.add("dtstart", booking.start.replace(tzinfo=tz))
        event.add("dtend", booking.end.replace(tzinfo=tz))
        event.add("summary", " — ".join(x for x in (booking.vehicle, booking.member) if x))
        if booking.note:
            event.add("description", booking.note)
        if booking.repeat:
            freq, interval = RECURRENCES[booking.repeat]
            rule: dict = {"freq": freq, "interval": interval}
            if booking.until:
                rule["until"] = datetime.combine(booking.until, time(23, 59, 59), tz).astimezone(UTC)
            event.add("rrule", rule)
        cal.add_component(event)
    # the time-zone rules only for the years the bookings span, not fifty years of them
    starts = [b.start.date() for b in book.bookings] or [generated_at.date()]
    cal.add_missing_timezones(first_date=date(min(starts).year, 1, 1), last_date=date(max(starts).year + 6, 1, 1))
    return cal.to_ical()
