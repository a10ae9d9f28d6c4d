"""Statements for a period: what each member carried in, what the period added, what they carry out.

The to-date totals say where a member stands; a statement says how they got there this period.
Closed periods never change, so a period's figures are the to-date totals less the totals at the
day before it started, and the closing balance is the to-date balance.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sheetsync.model import Book
from sheetsync.money.cents import km_value, plain
from sheetsync.money.ledger import Ledger
from sheetsync.money.periods import Period
from sheetsync.money.references import settlement_period
from sheetsync.money.shares import Computation, MemberTotals, compute, movement


@dataclass(frozen=True)
class Statement:
    """One member's figures for one period."""

    name: str
    period: Period
    opening_balance: Decimal
    km: Decimal
    bears: Decimal
    paid: Decimal
    payments_sent: Decimal
    payments_received: Decimal

    @property
    def closing_balance(self) -> Decimal:
        return self.opening_balance + movement(self.paid, self.bears, self.payments_sent, self.payments_received)

    def to_dict(self, lang: str) -> dict:
        """The statement as JSON: amounts as strings with two decimals."""
        return {
            "label": self.period.label(lang),
            "opening_balance": plain(self.opening_balance),
            "km": km_value(self.km),
            "bears": plain(self.bears),
            "paid": plain(self.paid),
            "payments_sent": plain(self.payments_sent),
            "payments_received": plain(self.payments_received),
            "closing_balance": plain(self.closing_balance),
        }


def statements(
    book: Book, ledger: Ledger, to_date: Computation, as_of: date, closed: dict | None = None
) -> list[Statement]:
    """Each member's statement for the period (Settings `period`) holding `as_of`. `closed`: the
    periods `to_date` computed (compute's cache), so that the figures before are only added up."""
    period = settlement_period(book, as_of)
    before = compute(book, ledger, period.start - timedelta(days=1), as_of=as_of, closed=closed)
    opening = {m.name: m for m in before.members}
    return [_statement(m, opening.get(m.name), period) for m in to_date.members]


def _statement(now: MemberTotals, then: MemberTotals | None, period: Period) -> Statement:
    zero = Decimal("0.00")
    if then is None:
        then = MemberTotals(now.name, Decimal(0), zero, zero, zero, zero)
    return Statement(
        name=now.name,
        period=period,
        opening_balance=then.balance,
        km=now.km - then.km,
        bears=now.bears - then.bears,
        paid=now.paid - then.paid,
        payments_sent=now.payments_sent - then.payments_sent,
        payments_received=now.payments_received - then.payments_received,
    )
