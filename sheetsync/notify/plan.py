"""Who gets which notice, with what in it. Pure: a Report in, Notices out.

Rendering (Jinja templates) and sending (SMTP, .eml files) live in sheetsync/notify/.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from sheetsync.calendar.bookings import RECENT, unrecorded
from sheetsync.i18n import t, tn
from sheetsync.model import Severity
from sheetsync.money.periods import period_of
from sheetsync.money.references import settlement_period, transfer_reference
from sheetsync.money.settle import Transfer
from sheetsync.notify.epc import epc_code
from sheetsync.pipeline import Report
from sheetsync.present import formatting as fmt
from sheetsync.read.cells import valid_address

DIGEST_PROBLEMS = 30


@dataclass(frozen=True)
class Notice:
    """One notice to one member: its kind, period, address and what the template shows."""

    kind: str
    period: str  # with kind and member: what is never sent twice
    member: str
    address: str | None  # None: the member has no (valid) email, and is not notified
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Plan:
    """The notices of a run and the notes that explain what was not planned."""

    notices: list[Notice]
    notes: list[str]  # why some notices are not there (said to the user)


def plan(
    report: Report,
    kind: str,
    member: str | None = None,
    days: int = 3,
    within: int = 30,
    links: dict[str, str] | None = None,
) -> Plan:
    """The notices of `kind` as of the report's date, for every member or just `member` (`links`:
    each member's personal link to the phone page, for the notice that gives it)."""
    notices, notes = PLANNERS[kind](report, days=days, within=within, links=links or {})
    if member is not None:
        notices = [n for n in notices if n.member == member]
    return Plan(notices, notes)


def _base(report: Report, member: str) -> dict:
    s = report.settings
    return {"group": s.group, "as_of": report.as_of, "member": member, "lang": s.language, "currency": s.currency}


def _address(report: Report, member: str) -> str | None:
    found = next((m for m in report.book.members if m.name == member), None)
    return valid_address(found.email) if found else None


def _vehicle_lines(report: Report) -> list[dict]:
    s = report.settings
    current = [
        vp for vp in report.computation.periods if vp.period.contains(report.as_of)
    ] or report.computation.periods[-len(report.book.vehicles) :]
    return [
        {
            "vehicle": vp.vehicle,
            "period": vp.period.label(s.language),
            "km": vp.km,
            "costs": vp.costs,
            "cost_per_km": fmt.rate_money(vp.cost_per_km, s.currency, s.language),
            "rate": fmt.rate_money(vp.rate, s.currency, s.language) if vp.rate is not None else None,
            "provisional": vp.provisional,
            "fuel": _fuel_line(report, vp),
        }
        for vp in current
    ]


def _fuel_line(report: Report, vp) -> dict | None:
    """Litres, l/100 km and price per litre of a vehicle's period, formatted; None without fills."""
    fuel = report.fuel_of(vp.vehicle, vp.period.id)
    s = report.settings
    return None if fuel is None else fmt.fuel_figures(fuel, s.currency, s.language)


def _settlement(report: Report, **_) -> tuple[list[Notice], list[str]]:
    period = settlement_period(report.book, report.as_of)
    pays, receives = defaultdict(list), defaultdict(list)
    for transfer in report.settlement.transfers:
        pays[transfer.sender].append(payment_details(report, transfer))
        receives[transfer.recipient].append({"other": transfer.sender, "amount": transfer.amount})
    provisional = period.provisional(report.as_of)
    statements = {st.name: st for st in report.statements}
    notices = []
    for m in report.computation.members:
        if m.name == report.book.kitty:
            continue  # the kitty reads no mail: its balance is in the treasurer's digest
        st = statements[m.name]
        context = _base(report, m.name) | {
            "period": period.label(report.settings.language),
            "provisional": provisional,
            "period_start": period.start,
            "opening_balance": st.opening_balance,
            "km": st.km,
            "bears": st.bears,
            "paid": st.paid,
            "payments_sent": st.payments_sent,
            "payments_received": st.payments_received,
            "balance": st.closing_balance,
            "pays": pays[m.name],
            "receives": receives[m.name],
            "vehicles": _vehicle_lines(report),
            "euro": report.settings.currency == "EUR",
        }
        notices.append(Notice("settlement", period.id, m.name, _address(report, m.name), context))
    return notices, []


def payment_details(report: Report, transfer: Transfer) -> dict:
    """What a member needs to pay one transfer: to whom, how much, the recipient's IBAN and BIC
    (None when the Members tab has none), the reference, and whether a scan-to-pay code can carry it
    (an IBAN and a group counting in euros: the EPC code is for SEPA transfers in euros only)."""
    recipient = next((m for m in report.book.members if m.name == transfer.recipient), None)
    iban = recipient.iban if recipient else None
    period = settlement_period(report.book, report.as_of)
    return {
        "other": transfer.recipient,
        "amount": transfer.amount,
        "iban": fmt.iban(iban) if iban else None,
        "bic": recipient.bic if recipient else None,
        "reference": transfer_reference(report.settings, period, transfer.sender, transfer.recipient),
        "epc": bool(iban) and report.settings.currency == "EUR",
    }


def payment_code(details: dict) -> str | None:
    """The scan-to-pay (EPC) code of a transfer's `payment_details`, None when it can carry none."""
    if not details["epc"]:
        return None
    return epc_code(details["other"], details["iban"], details["amount"], details["reference"], details["bic"])


def _logbook(report: Report, days: int = 3, **_) -> tuple[list[Notice], list[str]]:
    if not report.book.bookings:
        return [], [t(report.settings.language, "The workbook has no bookings yet: no logbook reminder to send.")]
    cutoff = report.as_of - timedelta(days=days)
    pending = unrecorded(report.book, report.occurrences, report.as_of)
    missing = [o for o in pending if o.end <= datetime.combine(cutoff, time.max)]
    by_member: dict[str, list[dict]] = defaultdict(list)
    for o in missing:
        by_member[o.member].append(
            {"vehicle": o.vehicle or "", "when": fmt.span(o.start, o.end, report.settings.language)}
        )
    year, week, _ = report.as_of.isocalendar()
    period = f"{year}-W{week:02d}"
    notices = [
        Notice("logbook", period, name, _address(report, name), _base(report, name) | {"bookings": items})
        for name, items in by_member.items()
    ]
    if notices:
        return notices, []
    lang = report.settings.language
    if pending:  # ended too lately to remind of: said, not taken for a logbook in order
        return [], [
            tn(
                lang,
                "{n} booking ended less than {days} days ago without a trip yet: no reminder before then.",
                "{n} bookings ended less than {days} days ago without a trip yet: no reminder before then.",
                len(pending),
                days=days,
            )
        ]
    return [], [
        t(lang, "Every booking that ended in the last {days} days has its trips in the logbook.", days=RECENT.days)
    ]


def _advance(report: Report, **_) -> tuple[list[Notice], list[str]]:
    if report.settings.period != "year":
        return [], [
            t(report.settings.language, "Advances are for groups that settle yearly (Settings: period = year).")
        ]
    quarter = period_of(report.as_of, "quarter")
    by_member: dict[str, list] = defaultdict(list)
    for a in report.advances:
        by_member[a.member].append(a)
    notices = []
    for name, advances in by_member.items():
        lines = [
            {
                "vehicle": a.vehicle,
                "km": a.basis_km,
                "basis": a.basis,
                "per_quarter": a.per_quarter,
                "rate": fmt.rate_money(a.rate_excluding_fuel, report.settings.currency, report.settings.language),
                "owners": ", ".join(report.book.vehicle(a.vehicle).owner_names),
            }
            for a in advances
        ]
        total = sum((a.per_quarter for a in advances), Decimal("0.00"))
        context = _base(report, name) | {
            "period": quarter.label(report.settings.language),
            "advances": lines,
            "total": total,
        }
        notices.append(Notice("advance", quarter.id, name, _address(report, name), context))
    return notices, [] if notices else [
        t(report.settings.language, "No borrower has km last year or expected km: no advance to call.")
    ]


def _vehicle(report: Report, within: int = 30, **_) -> tuple[list[Notice], list[str]]:
    notices = []
    horizon = report.as_of + timedelta(days=within)
    for v in report.book.vehicles:
        for event, due in (("inspection", v.inspection_due), ("insurance", v.insurance_renewal)):
            if due is None or due > horizon:
                continue
            for owner in v.owner_names:
                context = _base(report, owner) | {
                    "vehicle": v.name,
                    "plate": v.plate,
                    "event": event,
                    "due": due,
                    "days": (due - report.as_of).days,
                    "overdue": due < report.as_of,
                }
                notices.append(
                    Notice("vehicle", f"{v.name} {event} {due.isoformat()}", owner, _address(report, owner), context)
                )
    return notices, [] if notices else [
        tn(
            report.settings.language,
            "No inspection or insurance renewal due within {n} day.",
            "No inspection or insurance renewal due within {n} days.",
            within,
        )
    ]


def _digest(report: Report, **_) -> tuple[list[Notice], list[str]]:
    treasurer = report.settings.treasurer or _first_owner(report)
    if treasurer is None:
        return [], [t(report.settings.language, "No treasurer: name one in Settings (treasurer / trésorier).")]
    shown = [p for p in report.problems if p.severity is not Severity.INFO]
    context = (
        _base(report, treasurer)
        | {
            "period": report.statements[0].period.label(report.settings.language) if report.statements else "",
            "members": [
                {"name": st.name, "km": st.km, "opening_balance": st.opening_balance, "balance": st.closing_balance}
                for st in report.statements
            ],
            "transfers": report.settlement.transfers,
            "vehicles": _vehicle_lines(report),
            "left_out": report.left_out.amount,
            "left_out_rows": len(report.left_out.rows),
            "left_out_unreadable": len(report.left_out.unread),
            "not_yet": report.left_out.later_amount,  # dated after the as-of day
            "not_yet_rows": len(report.left_out.later),
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "problems": shown[:DIGEST_PROBLEMS],
            "more_problems": max(0, len(shown) - DIGEST_PROBLEMS),
        }
    )
    return [Notice("digest", report.as_of.isoformat(), treasurer, _address(report, treasurer), context)], []


def _first_owner(report: Report) -> str | None:
    return report.book.vehicles[0].owner_names[0] if report.book.vehicles else None


def _link(report: Report, links: dict[str, str], **_) -> tuple[list[Notice], list[str]]:
    """Each member's personal link to the phone page (given by `sheetsync links`)."""
    notices = [
        Notice("link", "phone-page", name, _address(report, name), _base(report, name) | {"link": url})
        for name, url in links.items()
    ]
    return notices, []


# Each kind of notice and its planner: planner(report, days=, within=, links=) -> (notices, notes).
PLANNERS = {
    "settlement": _settlement,
    "logbook": _logbook,
    "advance": _advance,
    "vehicle": _vehicle,
    "digest": _digest,
    "link": _link,
}
