"""The tabs that hold records beside the ones named for them: one logbook tab per year or per car,
a Google Forms responses tab ("Réponses au formulaire 1", "Form Responses 1") for the logbook, the
expenses or the payments. Settings `logbook_tabs` / `onglets_trajets` lists the logbook tabs;
without it, every tab whose header reads as a logbook is one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sheetsync.model import Settings
from sheetsync.model.names import header_key
from sheetsync.model.schema import EXPENSES, PAYMENTS, TRIPS, is_generated_name
from sheetsync.read.headers import LocatedTab, RawTables, Rows, locate, probe

RECORD_TABS = (TRIPS, EXPENSES, PAYMENTS)


@dataclass
class RecordTabs:
    """The tabs read for each kind of record (trips, expenses, payments), first the one named for
    it; the logbook-like tabs left unread; the listed logbook tabs that do not exist."""

    tabs: dict[str, list[LocatedTab]] = field(default_factory=dict)
    unread: list[str] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)


def record_tabs(raw: RawTables, found: dict[str, str], settings: Settings) -> RecordTabs:
    """Every tab to read trips, expenses and payments from."""
    lang, mapping = settings.language, settings.columns
    listed = {header_key(n): n for n in settings.logbook_tabs}
    present = {header_key(n) for n in raw}
    result = RecordTabs(not_found=[n for k, n in listed.items() if k not in present])
    extra: dict[str, list[LocatedTab]] = {spec.id: [] for spec in RECORD_TABS}
    taken = set(found.values())
    for name in raw:
        if name in taken or is_generated_name(name):
            continue
        rows = Rows(raw[name])
        like_a_logbook = False
        for spec in RECORD_TABS:
            tab, looks = probe(spec, name, raw, mapping, rows)
            if spec is TRIPS and tab is not None:
                if listed and header_key(name) not in listed:
                    result.unread.append(name)
                else:
                    extra[spec.id].append(tab)
                break
            if spec is TRIPS:
                like_a_logbook = looks  # unless it reads as expenses or payments (a form's answers)
                continue
            if tab is not None:
                extra[spec.id].append(tab)
                break
        else:
            if like_a_logbook:
                result.unread.append(name)
    for spec in RECORD_TABS:
        named = found.get(spec.id)
        if spec is TRIPS and listed and named is not None and header_key(named) not in listed:
            result.unread.append(named)
            named = None
        if named is None and (extra[spec.id] or (spec is TRIPS and listed)):
            result.tabs[spec.id] = extra[spec.id]
        else:
            result.tabs[spec.id] = [locate(spec, named, raw, mapping, lang), *extra[spec.id]]
    return result
