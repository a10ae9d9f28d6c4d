"""The Entries tab as sheetsync writes it: its title and header, and one member's entry as a row,
in sheetsync's own layout for a new tab, or in the layout the group keeps it in."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sheetsync.model.schema import ENTRIES, ENTRY_KINDS_BY_ID
from sheetsync.present.table import Column, Table
from sheetsync.present.words import word

ENTRY_COLUMN_KINDS = {
    "submitted": "datetime",
    "date": "datetime",
    "end": "datetime",
    "odometer_start": "number",
    "odometer_end": "number",
    "fuel_paid": "money",
    "amount": "money",
    "litres": "number",
    "until": "date",
}


OWN_LAYOUT = [c.field for c in ENTRIES.columns]  # the field of each column of a tab sheetsync makes


def entries_table(lang: str, currency: str, rows: list[list] | None = None) -> Table:
    """The Entries tab: a title row that says what it is, the header, then `rows`."""
    columns = tuple(Column(c.name(lang), ENTRY_COLUMN_KINDS.get(c.field, "text")) for c in ENTRIES.columns)
    return Table("entries", ENTRIES.name(lang), columns, list(rows or []), word("entries_title", lang), currency)


def kept_layout(
    lang: str, currency: str, header: list, fields_at: dict[str, int], rows: list[list], titled: bool
) -> tuple[Table, list[str | None]]:
    """The Entries tab as the group keeps it, and the field of each of its columns (None: a column
    of the group's own): its header cells where they are (a column the treasurer added or moved
    stays in its place, and so does every cell of its `rows`), then each column sheetsync writes
    that it lacks (one a later version added), at its end."""
    at = {i: f for f, i in fields_at.items()}
    width = max([len(header), *(i + 1 for i in at), *(len(r) for r in rows)])  # a cell typed past the header too
    fields: list[str | None] = [at.get(i) for i in range(width)]
    headers = [header[i] if i < len(header) and header[i] is not None else "" for i in range(len(fields))]
    for c in ENTRIES.columns:
        if c.field not in fields_at:
            fields.append(c.field)
            headers.append(c.name(lang))
    columns = tuple(
        Column(str(h), ENTRY_COLUMN_KINDS[f] if f in ENTRY_COLUMN_KINDS else _kind_of(rows, i))
        for i, (h, f) in enumerate(zip(headers, fields, strict=True))
    )
    title = word("entries_title", lang) if titled else None
    return Table("entries", ENTRIES.name(lang), columns, rows, title, currency), fields


def _kind_of(rows: list[list], i: int) -> str:
    """The kind of a column of the group's own, by what its cells other than text hold: its dates
    stay dates, its times times, a word among them or not (a text is written as text whatever)."""
    values = [r[i] for r in rows if i < len(r) and r[i] is not None and not isinstance(r[i], str)]
    for kind, types in (("datetime", datetime), ("date", date), ("time", time)):
        if values and all(isinstance(v, types) for v in values):
            return kind
    return "text"


def entry_row(
    kind: str,
    member: str,
    fields: dict[str, object],
    submitted: datetime,
    lang: str,
    layout: list[str | None],
) -> list:
    """One entry as a row of the Entries tab, its cells under the columns of `layout` (the field of
    each column: OWN_LAYOUT, or kept_layout's); `fields` holds the Entries fields the member filled
    in (vehicle, date, odometer_start, amount, to, cancels…)."""
    values = dict(fields, submitted=submitted, kind=ENTRY_KINDS_BY_ID[kind].name(lang), member=member)
    start, end = values.get("date"), values.get("end")
    if kind == "booking" and _midnights(start, end) and end.date() > start.date():
        # a moment at midnight comes back from a file as a day, and a booking from a day alone to a
        # day alone runs to the end of the second: from midnight to midnight, it is written as the
        # days it takes, the same moments read back (from 20:00, a midnight end reads as one)
        values["end"] = (end - timedelta(days=1)).date()
    return [values.get(f) if f else None for f in layout]


def _midnights(*moments: object) -> bool:
    return all(isinstance(m, datetime) and m.time() == time() for m in moments)
