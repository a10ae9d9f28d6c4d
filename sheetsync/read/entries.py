"""The Entries tab (the members' phone entries) read as trips, expenses, payments and bookings.

Each kind of entry is seen as the input tab it stands for: a view of the Entries tab where the
rows of other kinds are blank, so row numbers stay those of the sheet and every problem points
at the entry's own row. A cancellation names the booking it cancels as "TAB!ROW".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sheetsync.model import Booking
from sheetsync.model.names import fold, header_key, same_tab
from sheetsync.model.schema import ENTRIES, ENTRY_FIELDS, ENTRY_KIND_IDS, TABS_BY_ID
from sheetsync.read.cells import as_text, parse_datetime
from sheetsync.read.headers import LocatedTab, RawTables, Rows, locate


def entries_tab(raw: RawTables, name: str | None, lang: str) -> LocatedTab:
    """The Entries tab located (header row and columns), or an absent tab when there is none."""
    if name is None:
        return LocatedTab(ENTRIES, ENTRIES.name(lang), 0)
    return locate(ENTRIES, name, {name: list(raw[name])}, {}, lang)


def entry_kind(tab: LocatedTab, cells: list) -> str | None:
    """The kind id of an entry row ("trip", "booking", "cancellation"…), or None."""
    text = as_text(tab.cell(cells, "kind"))
    return ENTRY_KIND_IDS.get(header_key(text)) if text else None


def entry_rows(tab: LocatedTab) -> Rows | list:
    """Every row of the Entries tab, row 1 first (held as a list by entries_tab: each view goes
    through them again)."""
    return tab.rows if tab.header_row else []


def entry_view(tab: LocatedTab, kind: str) -> LocatedTab | None:
    """The Entries tab seen as the input tab that entries of `kind` stand for (None: no Entries tab)."""
    if not tab.header_row:
        return None
    spec_id, fields = ENTRY_FIELDS[kind]
    columns = {f: tab.columns[c] for f, c in fields.items() if c in tab.columns}
    rows = [
        cells if i < tab.header_row or entry_kind(tab, cells) == kind else [] for i, cells in enumerate(entry_rows(tab))
    ]
    return LocatedTab(TABS_BY_ID[spec_id], tab.name, tab.header_row, columns, Rows(rows))


def booking_ref(booking: Booking) -> str:
    """How a cancellation names a booking: "TAB!ROW"."""
    return f"{booking.source.tab}!{booking.source.row}"


def cancellation_key(member: str, target: str) -> tuple[str, str, int] | None:
    """How a cancellation by `member` of `target` ("TAB!ROW") is matched: the member as names are
    compared (case, accents and spaces aside: "Marie (fille)" stays apart from "Marie (maman)"),
    the tab as spreadsheet programs compare tabs, the row as a number. None: no "TAB!ROW"."""
    tab, bang, row = target.rpartition("!")
    if not bang or not row.strip().isdigit():
        return None
    return _key(member, tab, int(row))


def booking_key(booking: Booking) -> tuple[str, str, int]:
    """The cancellation_key that cancels `booking`: its own member's, naming its row."""
    return _key(booking.member, booking.source.tab, booking.source.row)


def _key(member: str, tab: str, row: int) -> tuple[str, str, int]:
    return fold(member), same_tab(tab.strip()), row


def cancellations(tab: LocatedTab) -> list[tuple[int, str, str, datetime | None]]:
    """(sheet row, member, what it cancels, when it was made) of every cancellation in the Entries
    tab, in row order ("" for an empty cell; None for a moment that cannot be read)."""
    found = []
    for i, cells in enumerate(entry_rows(tab)):
        if i >= tab.header_row and entry_kind(tab, cells) == "cancellation":
            member, target = as_text(tab.cell(cells, "member")), as_text(tab.cell(cells, "cancels"))
            found.append((i + 1, member or "", target or "", _made_at(tab.cell(cells, "submitted"))))
    return found


def cancelled_rows(tab: LocatedTab) -> set[int]:
    """The rows of the Entries tab that a cancellation in it takes out: one naming the row
    ("Saisies!3") made by the member whose entry is there, matched as every cancellation is."""
    rows = list(entry_rows(tab))
    keys = {cancellation_key(member, target) for _, member, target, _ in cancellations(tab)}
    here = same_tab(tab.name.strip())
    return {
        n
        for n, cells in enumerate(rows[tab.header_row :], start=tab.header_row + 1)
        if _key(as_text(tab.cell(cells, "member")) or "", here, n) in keys
    }


def _made_at(value: object) -> datetime | None:
    try:
        return parse_datetime(value) if value not in (None, "") else None
    except ValueError:
        return None


def _left_after(booking: Booking, cancelled_at: datetime | None) -> Booking | None:
    """What a cancellation made at `cancelled_at` leaves of `booking`: of a series under way, its
    days gone by (they were booked, and may have been driven); nothing of a single booking, of a
    series not yet begun, or when the cancellation says not when it was made."""
    if not booking.repeat or cancelled_at is None or booking.start >= cancelled_at:
        return None
    begun_today = cancelled_at.time() > booking.start.time()  # that day's, if any, has begun: it stays
    last = cancelled_at.date() - timedelta(days=0 if begun_today else 1)
    return replace(booking, until=min(last, booking.until) if booking.until else last)


def without_cancelled(
    bookings: list[Booking], tab: LocatedTab, member_named: Callable[[str], str | None]
) -> tuple[list[Booking], list[tuple[int, str, str]]]:
    """The bookings that no cancellation of their own member names, and the cancellations that
    cancel nothing (row, member, what it names): no booking of their member is counted there (a
    wrong row, another member's booking, one left out for an error), an earlier line already
    cancelled it, or the line leaves its member or what it cancels empty. The member is named as
    every member cell is (`member_named`: a full name stands for a member known by the first)."""
    keys = [booking_key(b) for b in bookings]
    counted = set(keys)
    done: set[tuple[str, str, int] | None] = set()
    nothing = []
    when: dict[tuple[str, str, int] | None, datetime | None] = {}
    for row, member, target, made in cancellations(tab):
        key = cancellation_key(member_named(member) or member, target)
        if key in counted and key not in done:
            done.add(key)
            when[key] = made
        else:
            nothing.append((row, member, target))
    kept = [b if key not in done else _left_after(b, when[key]) for b, key in zip(bookings, keys, strict=True)]
    return [b for b in kept if b is not None], nothing
