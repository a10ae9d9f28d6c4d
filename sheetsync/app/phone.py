"""The members' phone page, served by `sheetsync serve` at /groups/NAME/m/MEMBER/TOKEN.

Each member has a personal link: its token is an HMAC of the group and the member under the
group's secret (`sheetsync links`); a wrong token, or a member named in the Settings'
"revoked links" (or "all"), gets 403 and no data. The page, in the group's language, records a
trip, an expense or a payment, books a vehicle or cancels a booking, each as one row appended to
the Entries tab after the same checks as `validate`; it shows the member's balance, whom to pay
(with the scan-to-pay code), the coming weeks of each vehicle and the member's last entries.
Plain HTML forms: no JavaScript, large touch targets, readable contrast, a few kilobytes.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import cache
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sheetsync import api
from sheetsync.calendar.bookings import schedule
from sheetsync.i18n import N_
from sheetsync.i18n import t as tr
from sheetsync.model import EVERYONE
from sheetsync.model.names import header_key
from sheetsync.model.schema import CATEGORIES, CATEGORIES_BY_ID, ENTRIES, ENTRY_KINDS_BY_ID
from sheetsync.notify.epc import epc_svg_uri
from sheetsync.notify.plan import payment_code, payment_details
from sheetsync.notify.templates import template_folder
from sheetsync.pipeline import Report
from sheetsync.present import formatting as fmt
from sheetsync.present.entries import ENTRY_COLUMN_KINDS
from sheetsync.present.terminal import labelled
from sheetsync.present.words import word
from sheetsync.read.cells import parse_number, plain_number
from sheetsync.read.entries import booking_ref

WEEKS_SHOWN = 3
LAST_ENTRIES = 8
# The fields of each form of the page, named as the Entries columns that keep them; each is read as
# its column holds it (present/entries.py: a date and time, a number, else text).
ENTRY_FORMS: dict[str, tuple[str, ...]] = {
    "trip": ("vehicle", "date", "end", "odometer_start", "odometer_end", "fuel_paid", "note"),
    "expense": ("vehicle", "date", "category", "amount", "litres", "note"),
    "payment": ("date", "to", "amount", "note"),
    "booking": ("vehicle", "date", "end", "repeat", "until", "note"),
    "cancellation": ("cancels", "note"),
}
INPUT_NAMES = {("booking", "date"): "start"}  # a form's input named otherwise than its column

LABELS: dict[str, str] = {
    "title": N_("Car sharing"),
    "hello": N_("Hello {member}"),
    "balance": N_("Your balance:"),
    "you_pay": N_("To pay"),
    "you_receive": N_("You will receive {amount} from {other}."),
    "settled": N_("You have nothing to pay and nothing to receive."),
    "scan": N_("Scan with your banking app: name, IBAN, amount and reference are filled in."),
    "no_code": N_("No code to scan: these codes are for transfers in euros only."),
    "reference": N_("Reference: {reference}"),
    "trip": N_("Record a trip"),
    "vehicle": N_("Vehicle"),
    "departure": N_("Departure (date and time)"),
    "return": N_("Return (date and time)"),
    "odo_start": N_("Odometer at departure (km)"),
    "odo_end": N_("Odometer at return (km)"),
    "last_reading": N_("Last reading of {vehicle}: {km} km."),
    "fuel": N_("Fuel paid (optional)"),
    "note": N_("Note (optional)"),
    "save_trip": N_("Save the trip"),
    "expense": N_("Record an expense"),
    "date": N_("Date"),
    "category": N_("Category"),
    "amount": N_("Amount"),
    "litres": N_("Litres (fuel)"),
    "save_expense": N_("Save the expense"),
    "payment": N_("Record a payment"),
    "to": N_("To"),
    "save_payment": N_("Save the payment"),
    "book": N_("Book a vehicle"),
    "availability": N_("Who has the car"),
    "day": N_("Day"),
    "start": N_("Start"),
    "end": N_("End"),
    "repeat": N_("Repeat"),
    "once": N_("once"),
    "until": N_("Last day, if it repeats"),
    "save_booking": N_("Book"),
    "my_bookings": N_("Your bookings"),
    "cancel": N_("Cancel"),
    "no_bookings": N_("No booking to come."),
    "last_entries": N_("Your last entries"),
    "no_entries": N_("No entry yet."),
    "not_saved": N_("Nothing was saved:"),
    "already": N_("Already saved:"),
    "check": N_("Check before saving:"),
    "check_cancel": N_("Check before cancelling:"),
    "save_anyway": N_("Save anyway"),
    "cancel_all": N_("Cancel them all"),
    "or_correct": N_("or correct the form below."),
    "try_again": N_("Try again in a few minutes: what you typed is still in the form."),
    "saved": N_("Saved. Thank you!"),
    "optional": N_("optional"),
    "in_doubt": N_(
        "The spreadsheet has errors that may change the amounts: what to pay or receive is shown again "
        "once the treasurer has corrected them."
    ),
    "unreadable": N_("Your group's workbook cannot be read just now."),
    "unavailable": N_("Your group's workbook cannot be read just now: nothing was saved."),
    "unavailable_hint": N_("Try again in a few minutes; if it lasts, tell your treasurer what this page says."),
    "refused": N_("This link does not open a page (any more)."),
    "refused_hint": N_("Ask your treasurer for your personal link: it may have changed."),
    "kept": N_("What you typed is kept:"),
    "send_again": N_("Send again"),
}
# the label of each Entries field on the page's forms, by (form, field), or (None, field) on every form
FIELD_LABELS: dict[tuple[str | None, str | None], str] = {
    ("trip", "date"): "departure",
    ("trip", "end"): "return",
    ("booking", "date"): "start",
    (None, "date"): "date",
    (None, "end"): "end",
    (None, "odometer_start"): "odo_start",
    (None, "odometer_end"): "odo_end",
    (None, "fuel_paid"): "fuel",
} | {(None, f): f for f in ("vehicle", "category", "amount", "litres", "to", "repeat", "until", "note")}
# the page's advice for the problems whose advice in the sheet speaks of its rows
PAGE_HINTS = {
    "value.missing": N_("Fill in this field."),
    "value.zero_amount": N_("Type the amount paid."),
}
REPEATS_OFFERED = ("weekly", "biweekly", "monthly")  # besides once; a daily booking is typed in the sheet


def link_token(secret: bytes, what: str) -> str:
    """The token of a link that needs no sign-in (a member's page, a calendar feed): an HMAC of
    what it opens under the group's secret, 32 hex digits."""
    return hmac.new(secret, what.encode(), hashlib.sha256).hexdigest()[:32]


def member_token(secret: bytes, group: str, member: str) -> str:
    """The token in a member's personal link."""
    return link_token(secret, f"member:{group}:{member}")


def member_link(public_url: str, secret: bytes, group: str, member: str) -> str:
    """A member's personal link to the phone page."""
    token = member_token(secret, group, member)
    return f"{public_url.rstrip('/')}/groups/{group}/m/{quote(member, safe='')}/{token}"


def is_revoked(report: Report, member: str) -> bool:
    """Whether the Settings' "revoked links" names the member (read as any cell naming members), or everyone."""
    revoked = report.settings.revoked_links
    return EVERYONE in revoked or member in revoked


def member_links(report: Report, public_url: str, secret: bytes, group: str, member: str | None = None) -> dict:
    """Each member's (or one member's) personal link, and whether the group revoked it:
    name -> (link, revoked)."""
    return {
        name: (member_link(public_url, secret, group, name), is_revoked(report, name))
        for name in report.book.member_names()
        if member is None or name == member
    }


def links_to_send(report: Report, public_url: str, secret: bytes, group: str) -> dict[str, str]:
    """Each member's personal link, but those the group revoked: name -> link."""
    every = member_links(report, public_url, secret, group)
    return {name: link for name, (link, revoked) in every.items() if not revoked}


# Reading what a member typed -----------------------------------------------------------------


def _moment(text: str) -> object:
    """A datetime from a datetime-local field ("2026-01-05T18:30"), else the text as typed."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace(" ", "T"))
    except ValueError:
        return text


def _typed_number(text: str, lang: str, currency: str | None = None, money: bool = False) -> object:
    """A number from what was typed ("23 512", "45,30"), read as the workbook's cells are read in
    the group's language and `currency`; else the text as typed (the checks say why: "$12" in a
    group counting in euros is in another currency; "1,234" as an amount is ambiguous)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return parse_number(text, lang, currency, amount=money)  # an amount refused as a cell typed so would be
    except ValueError:
        return text


def entry_fields(kind: str, form: dict[str, str], lang: str, currency: str | None = None) -> dict[str, object]:
    """The Entries fields of a submitted form of `kind`, each read as its column holds it (numbers
    in the group's language; amounts in its `currency`)."""
    fields: dict[str, object] = {}
    for name in ENTRY_FORMS[kind]:
        typed = form.get(INPUT_NAMES.get((kind, name), name), "")
        column = ENTRY_COLUMN_KINDS.get(name, "text")
        if column == "datetime":
            fields[name] = _moment(typed)
        elif column == "date":
            moment = _moment(typed)
            fields[name] = moment.date() if isinstance(moment, datetime) else moment
        elif column in ("number", "money"):
            fields[name] = _typed_number(typed, lang, currency, money=column == "money")
        else:
            fields[name] = (typed or "").strip() or None
    return fields


# The page --------------------------------------------------------------------------------------


@dataclass
class PageState:
    """What the page shows besides the workbook: the form just refused and why, or what was saved."""

    kind: str | None = None
    form: dict[str, str] = field(default_factory=dict)
    problems: list = field(default_factory=list)
    saved: bool = False
    asked: bool = False  # the problems are warnings: the form can be sent again, confirmed


@dataclass(frozen=True)
class Refusal:
    """Why a form was not saved when the reason is not in it (the workbook open elsewhere, Google
    not answering): shown as a problem of the form is."""

    message: str
    hint: str
    column: None = None  # a problem names its field; a refusal names none
    code: str = ""  # nor a problem's code


def not_saved_now(form: dict[str, str], reason: str, lang: str) -> PageState:
    """The form, its values kept, refused for `reason` (already in the group's language), with the
    page's own advice: to try again later (not the command line's)."""
    return PageState(form.get("kind"), form, [Refusal(reason, tr(lang, LABELS["try_again"]))])


def _entries_of(report: Report, member: str) -> list[tuple[int, str]]:
    """The member's last entries from the Entries tab, newest first, each in words."""
    book, lang, currency = report.book, report.settings.language, report.settings.currency
    tab = book.tab_names.get("entries")
    lines: list[tuple[int, str]] = []
    for trip in book.trips:
        if trip.source.tab == tab and trip.driver == member:
            km = fmt.number(trip.km, lang)
            lines.append((trip.source.row, f"{fmt.moment(trip.date, lang)} · {trip.vehicle} · {km} km"))
    for e in book.expenses:
        if e.source.tab == tab and e.paid_by == member:
            category = CATEGORIES_BY_ID[e.category].name(lang)
            lines.append(
                (e.source.row, f"{fmt.moment(e.date, lang)} · {category} · {fmt.money(e.amount, currency, lang)}")
            )
    for p in book.payments:
        if p.source.tab == tab and p.sender == member:
            amount = fmt.money(p.amount, currency, lang)
            lines.append((p.source.row, f"{fmt.moment(p.date, lang)} · {p.recipient} · {amount}"))
    booking = ENTRY_KINDS_BY_ID["booking"].name(lang)
    for b in book.bookings:
        if b.source.tab == tab and b.member == member:
            lines.append((b.source.row, f"{fmt.span(b.start, b.end, lang)} · {b.vehicle or ''} · {booking}"))
    return sorted(lines, reverse=True)[:LAST_ENTRIES]


def page_context(report: Report, member: str, now: datetime, state: PageState) -> dict:
    """Everything the page template shows for `member`, in the group's language."""
    s, book = report.settings, report.book
    lang, currency = s.language, s.currency
    figures = next((m for m in report.computation.members if m.name == member), None)
    in_doubt = report.amounts_in_doubt  # no amount asked from wrong figures, as for the notices
    pays = []
    for transfer in report.settlement.transfers if not in_doubt else ():
        if transfer.sender == member:
            item = payment_details(report, transfer)
            if code := payment_code(item):
                item["qr"] = epc_svg_uri(code)
            reference = tr(lang, LABELS["reference"], reference=item["reference"])
            pays.append(item | {"amount": fmt.money(transfer.amount, currency, lang), "reference_line": reference})
    receives = [
        tr(lang, LABELS["you_receive"], amount=fmt.money(t.amount, currency, lang), other=t.sender)
        for t in report.settlement.transfers
        if t.recipient == member and not in_doubt
    ]
    vehicles = [v.name for v in book.vehicles]
    readings = report.book.last_readings()
    grid = schedule(report.occurrences, vehicles, now.date(), weeks=WEEKS_SHOWN, separator=word("list_sep", lang))
    mine = {}
    for o in report.occurrences:
        if o.member == member and o.end > now and o.booking not in mine:
            mine[o.booking] = fmt.span(o.start, o.end, lang)
    labels = {k: tr(lang, v) for k, v in LABELS.items() if k != "reference"}
    return {
        "lang": lang,
        "group": s.group,
        "member": member,
        "L": labels,
        "hello": tr(lang, LABELS["hello"], member=member),
        "balance": fmt.money(figures.balance if figures else Decimal(0), currency, lang),
        "negative": bool(figures and figures.balance < 0),
        "pays": pays,
        "receives": receives,
        "in_doubt": in_doubt,
        "euro": currency == "EUR",
        "vehicles": [
            {
                "name": v,
                "reading": plain_number(readings[v]) if readings.get(v) is not None else None,
                "reading_text": tr(lang, LABELS["last_reading"], vehicle=v, km=fmt.number(readings[v], lang))
                if readings.get(v) is not None
                else "",
            }
            for v in vehicles
        ],
        "members": [m for m in book.member_names() if m != member],
        "categories": [(c.name(lang), c.name(lang).capitalize()) for c in CATEGORIES],
        "repeats": [("", labels["once"])] + [(r, tr(lang, fmt.REPEAT_NAMES[r])) for r in REPEATS_OFFERED],
        "now": now.strftime("%Y-%m-%dT%H:%M"),
        "grid": [[fmt.day(row[0], lang), *row[1:]] for row in grid],
        "bookings": [
            {"ref": booking_ref(b), "when": when, "vehicle": b.vehicle or "", "repeats": fmt.repeats(b, lang)}
            for b, when in mine.items()
        ],
        "entries": [text for _, text in _entries_of(report, member)],
        "state": state,
        "form": state.form,
        "invalid": _invalid_inputs(state),
        "reasons": _shown_problems(state, lang),
        "already": bool(state.problems) and all(p.code == "entry.already_saved" for p in state.problems),
        "confirming": _sent_inputs(state.form) + [("confirmed", "1")] if state.asked else [],
        "colon": labelled(lang, "", ""),  # between a field's name and what is wrong with it (French spaces it)
    }


_ENTRY_FIELDS_BY_HEADER = {header_key(name): c.field for c in ENTRIES.columns for name in (c.en, c.fr)}


def _field_named(column: str | None) -> str | None:
    """The Entries field a problem's column names, whichever language its tab was made in."""
    return _ENTRY_FIELDS_BY_HEADER.get(header_key(column)) if column else None


def _invalid_inputs(state: PageState) -> set[str]:
    """The inputs of the refused form that its problems name, which the page marks for screen readers."""
    named = (_field_named(p.column) for p in state.problems)
    return {INPUT_NAMES.get((state.kind, f), f) for f in named if f}


def _shown_problems(state: PageState, lang: str) -> list[dict[str, str]]:
    """Each problem of the form as the page says it: the field by its label on the form (not the
    Entries tab's heading), and the page's own advice where the sheet's speaks of rows."""
    shown = []
    for p in state.problems:
        field = _field_named(p.column)
        label = FIELD_LABELS.get((state.kind, field)) or FIELD_LABELS.get((None, field))
        hint = tr(lang, PAGE_HINTS[p.code]) if p.code in PAGE_HINTS else p.hint
        shown.append(
            {"field": tr(lang, LABELS[label]) if label else p.column or "", "message": p.message, "hint": hint}
        )
    return shown


def render_page(report: Report, member: str, now: datetime, state: PageState) -> bytes:
    """The phone page of `member` as UTF-8 HTML."""
    return _templates().get_template("page.html").render(page_context(report, member, now, state)).encode()


def render_unavailable(group: str, reason: str, lang: str, form: dict[str, str]) -> bytes:
    """The page shown when the workbook cannot be read (damaged, Google not answering), as UTF-8
    HTML in `lang`: `reason` (already in `lang`), nothing saved, and the submitted `form` kept in a
    form that sends it again."""
    labels = {k: tr(lang, LABELS[k]) for k in ("title", "unavailable_hint", "kept", "send_again")}
    labels["unavailable"] = tr(lang, LABELS["unavailable" if form else "unreadable"])  # nothing sent, nothing lost
    inputs = _inputs_of(form.get("kind", ""))
    context = {
        "lang": lang,
        "group": group,
        "L": labels,
        "reason": reason,
        "shown": [(ENTRIES.column(f).name(lang), form[i]) for i, f in inputs if form.get(i, "").strip()],
        "hidden": _sent_inputs(form),
    }
    return _templates().get_template("unavailable.html").render(context).encode()


def render_refused(lang: str) -> bytes:
    """The page of a link that opens nothing (wrong, or revoked), in the phone's language `lang`:
    what to do, and nothing of the group."""
    labels = {k: tr(lang, LABELS[k]) for k in ("title", "kept", "send_again")}
    labels |= {"unavailable": tr(lang, LABELS["refused"]), "unavailable_hint": tr(lang, LABELS["refused_hint"])}
    context = {"lang": lang, "group": labels["title"], "L": labels, "reason": "", "shown": [], "hidden": []}
    return _templates().get_template("unavailable.html").render(context).encode()


def _inputs_of(kind: str) -> list[tuple[str, str]]:
    """(input name, Entries field) of each input of the page's form of `kind`; none for another."""
    return [(INPUT_NAMES.get((kind, f), f), f) for f in ENTRY_FORMS.get(kind, ())]


def _sent_inputs(form: dict[str, str]) -> list[tuple[str, str]]:
    """The sent `form` as (name, value) inputs that send it again: its kind, the fields of that
    form of the page and whether it was confirmed, nothing else (none for a form the page does not have)."""
    inputs = _inputs_of(form.get("kind", ""))
    if not inputs:
        return []
    confirmed = [("confirmed", "1")] if form.get("confirmed") == "1" else []
    return [("kind", form["kind"])] + [(i, form[i]) for i, _ in inputs if i in form] + confirmed


@cache
def _templates() -> Environment:
    """The pages' templates, compiled once per process (the service renders one at every request)."""
    return Environment(
        loader=FileSystemLoader(str(template_folder("phone"))),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        cache_size=-1,
    )


def submit(
    group_workbook: str,
    credentials: str | None,
    member: str,
    form: dict[str, str],
    now: datetime,
    lang: str,
    limits=None,
    currency: str | None = None,
):
    """Check and append the entry of a submitted form, its numbers read in the group's language
    `lang`; the api's Submitted (or None for an unknown form)."""
    kind = form.get("kind", "")
    if kind not in ENTRY_FORMS:
        return None
    fields = entry_fields(kind, form, lang, currency)
    confirmed = form.get("confirmed") == "1"  # "save anyway", after the page asked about a likely slip
    return api.submit_entry(
        group_workbook, member, kind, fields, now, credentials=credentials, limits=limits, confirmed=confirmed
    )
