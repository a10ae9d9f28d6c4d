"""The whole pipeline on raw tables: parse -> validate -> compute -> settle. Pure: data in, data out."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sheetsync.calendar.bookings import Occurrence, check_conflicts, expand, reconcile
from sheetsync.checks.cross_rows import validate
from sheetsync.model import AsOf, Book, Problem, Severity, SourceRef
from sheetsync.model.problems import CHANGE_NO_AMOUNT, problem
from sheetsync.model.schema import INPUT_TABS
from sheetsync.money.advances import Advance, suggest_advances
from sheetsync.money.cents import km_value, plain, plain_rate
from sheetsync.money.fuel import FuelPeriod, fuel_economy
from sheetsync.money.ledger import Ledger, build_ledger
from sheetsync.money.periods import month_ends
from sheetsync.money.settle import EXACT_LIMIT, Settlement, settle
from sheetsync.money.shares import Computation, compute
from sheetsync.money.statements import Statement, statements
from sheetsync.read.headers import RawTables
from sheetsync.read.records import Parsed, parse_workbook


@dataclass(frozen=True)
class LeftOut:
    """The money of the rows left out of the figures (for an error, or skipped): never lost silently."""

    amount: Decimal = Decimal("0.00")
    rows: tuple[SourceRef, ...] = ()  # the rows whose money is in `amount`
    unread: tuple[SourceRef, ...] = ()  # the row of each amount that cannot be read (in no sum)
    later_amount: Decimal = Decimal("0.00")  # the money of rows dated after the as-of day: not counted yet
    later: tuple[SourceRef, ...] = ()  # those rows
    km: Decimal = Decimal(0)  # the km of the trips left out: the cost per km is computed without them
    km_trips: tuple[SourceRef, ...] = ()  # those trips


@dataclass(frozen=True)
class Report:
    """A workbook read, checked and computed as of a day: what every command shows."""

    book: Book
    as_of: date
    computation: Computation
    settlement: Settlement
    advances: list[Advance]
    history: list[tuple[date, dict[str, Decimal]]]
    problems: list[Problem]
    occurrences: list[Occurrence] = field(default_factory=list)  # bookings, repeats expanded
    statements: list[Statement] = field(default_factory=list)  # each member's figures for the current period
    left_out: LeftOut = field(default_factory=LeftOut)
    fuel: list[FuelPeriod] = field(default_factory=list)  # litres, l/100 km, price per litre

    def fuel_of(self, vehicle: str, period_id: str) -> FuelPeriod | None:
        """The fuel figures of a vehicle and period, if it had fills with litres."""
        return next((f for f in self.fuel if f.vehicle == vehicle and f.period.id == period_id), None)

    @property
    def settings(self):
        return self.book.settings

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)

    @property
    def amounts_in_doubt(self) -> bool:
        """Whether an error may change an amount: any error but those of the bookings and those
        of `CHANGE_NO_AMOUNT`. Notices asking for money wait until there is none."""
        bookings = set(self.errors_in("bookings"))
        return any(p.is_error and p.code not in CHANGE_NO_AMOUNT and p not in bookings for p in self.problems)

    def errors_in(self, tab_id: str) -> list[Problem]:
        """The errors found in one input tab (`tab_id`: "bookings"…) and in the phone entries left
        out of it: the rows left out of it."""
        name, entries = self.book.tab_names.get(tab_id), self.book.rejected_rows.get(tab_id, frozenset())
        return [p for p in self.problems if p.is_error and (p.tab == name or (p.tab, p.row) in entries)]

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity is severity)

    def to_dict(self) -> dict:
        """What `report --format json` prints: amounts as strings with two decimals, rates with four."""
        report = self
        s = report.settings
        vehicles: dict[str, list] = {v.name: [] for v in report.book.vehicles}
        for vp in report.computation.periods:
            entry = {
                "period": vp.period.id,
                "km": km_value(vp.km),
                "costs": plain(vp.costs),
                "cost_per_km": plain_rate(vp.cost_per_km),
                "provisional": vp.provisional,
            }
            fuel = report.fuel_of(vp.vehicle, vp.period.id)
            if fuel is not None:  # only the periods with fills that say their litres
                entry["fuel"] = fuel.to_dict()
            vehicles[vp.vehicle].append(entry)
        statements = {st.name: st for st in report.statements}
        return {
            "group": s.group,
            "currency": s.currency,
            "as_of": report.as_of.isoformat(),
            "members": [
                {
                    "name": m.name,
                    "km": km_value(m.km),
                    "bears": plain(m.bears),
                    "paid": plain(m.paid),
                    "payments_sent": plain(m.payments_sent),
                    "payments_received": plain(m.payments_received),
                    "balance": plain(m.balance),
                    "period": statements[m.name].to_dict(s.language),
                }
                for m in report.computation.members
            ],
            "settlements": [
                {"from": t.sender, "to": t.recipient, "amount": plain(t.amount)} for t in report.settlement.transfers
            ],
            "vehicles": [{"name": name, "periods": periods} for name, periods in vehicles.items()],
            "problems": [p.to_dict() for p in report.problems],
            "settlement_method": report.settlement.method,
            "advances": [
                {
                    "member": a.member,
                    "vehicle": a.vehicle,
                    "basis_km": km_value(a.basis_km),
                    "basis": a.basis,
                    "rate_excluding_fuel": plain_rate(a.rate_excluding_fuel),
                    "per_quarter": plain(a.per_quarter),
                }
                for a in report.advances
            ],
            "left_out": {
                "amount": plain(report.left_out.amount),
                "rows": len(report.left_out.rows),
                "unreadable_amounts": len(report.left_out.unread),
                "after_as_of": {"amount": plain(report.left_out.later_amount), "rows": len(report.left_out.later)},
                "km": km_value(report.left_out.km),
                "km_trips": len(report.left_out.km_trips),
            },
        }


def build_report(raw: RawTables, workbook_name: str, as_of: AsOf, history: bool = True) -> Report:
    """Read, check and compute a group's workbook as of `as_of` (a day, or how to tell it from the
    group's time zone).

    Raises SetupError when a required tab or column is missing; every problem with the data
    itself is in `Report.problems`, and the rows that have errors are left out of the figures.
    """
    with cycles_collected_after():
        return _build_report(raw, workbook_name, as_of, history)


@contextmanager
def cycles_collected_after() -> Iterator[None]:
    """Python's cycle collector paused while a report is built, then resumed as it was: the records
    read are many, long-lived and make no cycles, and a collector that went through them again at
    every few hundred allocations took a fifth of the time of a 100,000-trip logbook. Nothing is
    lost: what did make a cycle is collected once the collector runs again."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _build_report(raw: RawTables, workbook_name: str, today: AsOf, history: bool) -> Report:
    parsed = parse_workbook(raw, workbook_name, today)
    as_of = parsed.as_of
    book, checked = validate(parsed.book, parsed.settings_rows)
    ledger = build_ledger(book, as_of)
    closed: dict = {}  # each vehicle-period that has ended, computed once for all the figures below
    computation = compute(book, ledger, as_of, closed=closed)
    s = book.settings
    settlement = settle(computation.balances(), s.settlement, s.settlement_hub, s.round_transfers_to)
    found = expand(book, as_of)
    calendar = check_conflicts(book, found) + reconcile(book, found, as_of)
    fuel, fuel_problems = fuel_economy(book, as_of)
    problems = parsed.problems + checked + calendar + fuel_problems
    problems += _computation_problems(book, computation, settlement)
    return Report(
        book=book,
        as_of=as_of,
        computation=computation,
        settlement=settlement,
        advances=suggest_advances(book, ledger, as_of),
        history=_history(book, ledger, computation, closed) if history else [],
        problems=sort_problems(problems, book),
        occurrences=found,
        statements=statements(book, ledger, computation, as_of, closed),
        left_out=_left_out(parsed, book, as_of),
        fuel=fuel,
    )


def _left_out(parsed: Parsed, checked: Book, as_of: date) -> LeftOut:
    """The money of the rows left out while reading, and of the records the checks took out, each
    amount counted by its size: a refused -30 and a refused 30 leave 60 out, not nothing."""
    found: dict[SourceRef, Decimal] = {}
    for source, amount in parsed.left_out:  # a row may hold money in a column left out too (by size already)
        found[source] = found.get(source, Decimal(0)) + amount
    read = parsed.book
    km = dict(parsed.left_out_km)  # (a trip the checks took out is not counted: its readings are what they doubt)
    later: dict[SourceRef, Decimal] = {}
    for before, after, money in (
        (read.trips, checked.trips, lambda r: r.fuel_paid),
        (read.expenses, checked.expenses, lambda r: r.amount),
        (read.payments, checked.payments, lambda r: r.amount),
    ):
        later |= {r.source: abs(amount) for r in after if r.date.date() > as_of and (amount := money(r))}
        if len(before) == len(after):
            continue  # the checks took nothing out
        kept = {r.source for r in after}
        for record in before:
            if record.source not in kept and money(record) is not None and record.date.date() <= as_of:
                found[record.source] = found.get(record.source, Decimal(0)) + abs(money(record))
    return LeftOut(
        sum(found.values(), Decimal("0.00")),
        _in_sheet_order(found),
        _in_sheet_order(parsed.unread),
        sum(later.values(), Decimal("0.00")),
        _in_sheet_order(later),
        sum(km.values(), Decimal(0)),
        _in_sheet_order(km),
    )


def _in_sheet_order(sources) -> tuple[SourceRef, ...]:
    return tuple(sorted(sources, key=lambda s: (s.tab, s.row)))


def _computation_problems(book: Book, computation: Computation, settlement: Settlement) -> list[Problem]:
    lang = book.settings.language
    found = []
    for vp in computation.periods:
        if vp.charged_to_owner_for_no_km:
            v = book.vehicle(vp.vehicle)
            found.append(
                problem(
                    "period.no_km",
                    lang,
                    v.source.tab,
                    v.source.row,
                    None,
                    vehicle=vp.vehicle,
                    period=vp.period.label(lang),
                    amount=vp.charged_to_owner_for_no_km,
                )
            )
    if settlement.method == "greedy":
        count = sum(1 for b in computation.balances().values() if b)
        found.append(problem("settlement.greedy", lang, "", None, None, count=count, limit=EXACT_LIMIT))
    return found


def _history(book: Book, ledger: Ledger, today: Computation, closed: dict) -> list[tuple[date, dict[str, Decimal]]]:
    """Each member's balance at the end of each month, as a sync on that day would have said; the
    last month ends on the as-of date, whose figures are `today`'s."""
    months = ledger.months()
    if not months:
        return []
    ends = month_ends(months[0], today.cutoff)
    return [
        (end, (today if end == today.cutoff else compute(book, ledger, end, closed=closed)).balances()) for end in ends
    ]


def sort_problems(problems: list[Problem], book: Book) -> list[Problem]:
    """Errors first, then in the workbook's tab order and row order."""
    order = {book.tab_names.get(t.id, t.en): i for i, t in enumerate(INPUT_TABS)}
    rank = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return sorted(problems, key=lambda p: (rank[p.severity], order.get(p.tab, 99), p.row or 0, p.column or "", p.code))
