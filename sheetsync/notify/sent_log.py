"""The log of notices sent (generated tab Sent / Envois): read before sending, appended after.

A (kind, period, member) found in it is never sent again unless asked (--resend). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sheetsync.i18n import N_, t
from sheetsync.model.names import same_tab
from sheetsync.model.schema import GENERATED_TABS, is_generated_title
from sheetsync.present.table import Column, Table
from sheetsync.present.words import word
from sheetsync.read.cells import as_text, parse_datetime
from sheetsync.read.headers import RawTables

SENT = next(t for t in GENERATED_TABS if t.id == "sent")
HEADERS = (N_("Sent at"), N_("Kind"), N_("Period"), N_("Member"), N_("Address"), N_("Subject"), N_("Message-ID"))


@dataclass(frozen=True)
class SentEntry:
    """One line of the Sent tab: a notice that went, when, to whom, with which Message-ID."""

    sent_at: datetime
    kind: str
    period: str
    member: str
    address: str
    subject: str
    message_id: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.period, self.member)


def read_sent(raw: RawTables) -> list[SentEntry]:
    """The entries of the Sent / Envois tab, if sheetsync made one (its first cell says so)."""
    wanted = {same_tab(SENT.en), same_tab(SENT.fr)}  # as the writers match it: "ENVOIS" is the log too
    for name in [n for n in raw if same_tab(n) in wanted]:
        rows = list(raw[name])
        first = rows[0][0] if rows and rows[0] else None
        if not is_generated_title(first):
            continue
        entries = []
        for row in rows[2:]:
            cells = [as_text(c) or "" for c in row] + [""] * 7
            try:
                when = parse_datetime(row[0])
            except (ValueError, IndexError):
                continue
            entries.append(SentEntry(when, *cells[1:7]))
        return entries
    return []


def sent_table(entries: list[SentEntry], lang: str, title: str, currency: str = "EUR") -> Table:
    """The Sent tab holding `entries`."""
    columns = tuple(
        Column(t(lang, h), "datetime" if i == 0 else "text", width=20 if i else 18) for i, h in enumerate(HEADERS)
    )
    rows = [[e.sent_at, e.kind, e.period, e.member, e.address, e.subject, e.message_id] for e in entries]
    return Table("sent", SENT.name(lang), columns, rows, title, currency)


def sent_title(lang: str, when: datetime, source: str) -> str:
    """The first line of the Sent tab: generated, from where, last sent when."""
    return word("sent_title", lang, when=when, source=source)
