"""The Entries tab as sheetsync writes it: its title and header, and one member's entry as a row."""

from __future__ import annotations

from datetime import datetime

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


def entries_table(lang: str, currency: str, rows: list[list] | None = None) -> Table:
    """The Entries tab: a title row that says what it is, the header, then `rows`."""
    columns = tuple(Column(c.name(lang), ENTRY_COLUMN_KINDS.get(c.field, "text")) for c in ENTRIES.columns)
    return Table("entries", ENTRIES.name(lang), columns, list(rows or []), word("entries_title", lang), currency)


def entry_row(kind: str, member: str, fields: dict[str, object], submitted: datetime, lang: str) -> list:
    """One entry as a row of the Entries tab, its cells in the columns' order; `fields` holds the
    Entries fields the member filled in (vehicle, date, odometer_start, amount, to, cancels…)."""
    values = dict(fields, submitted=submitted, kind=ENTRY_KINDS_BY_ID[kind].name(lang), member=member)
    return [values.get(c.field) for c in ENTRIES.columns]
