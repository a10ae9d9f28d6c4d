"""Transfer references: the words a member types (or a QR code carries) with a settlement
transfer, and the payments that carry them, which mark the transfer paid. Pure.

A reference names the group, the period and the two members: "Autopartage Rue des Lilas 2025
Catherine-Laurent". It stays the same from one run to the next, so a payment noted days after
the notice still finds its transfer. Notes are compared loosely (case, accents, spaces and
punctuation aside): what a bank does to a remittance text does not break the match.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sheetsync.i18n import t
from sheetsync.model import Book, Payment, Settings
from sheetsync.model.names import loose_key
from sheetsync.money.periods import Period, period_of

MAX_LENGTH = 140  # what an EPC QR code's remittance text holds


def transfer_reference(settings: Settings, period: Period, sender: str, recipient: str) -> str:
    """The reference of the transfer from `sender` to `recipient` for `period`, at most 140
    characters: a long group name is cut, so that the period and the two members stay."""
    lang, group = settings.language, " ".join(settings.group.split())
    pair = f" {sender}-{recipient}"

    def base(name: str) -> str:
        return " ".join(t(lang, "Car sharing {group} {period}", group=name, period=period.label(lang)).split())

    over = len(base(group)) + len(pair) - MAX_LENGTH
    if over > 0:
        group = group[: max(len(group) - over, 0)].rstrip()
    return (base(group) + pair)[:MAX_LENGTH]


def settlement_period(book: Book, as_of: date) -> Period:
    """The period whose settlement a run on `as_of` speaks of."""
    return period_of(as_of, book.settings.period)


@dataclass(frozen=True)
class PaidTransfer:
    """A payment of the Payments tab whose note holds the reference of a settlement transfer."""

    payment: Payment
    reference: str
    period: Period


def paid_transfers(book: Book, as_of: date) -> list[PaidTransfer]:
    """The payments whose note holds the reference of their sender's transfer to their recipient,
    for the period of `as_of` or the one before (a settlement is often paid after its period)."""
    current = settlement_period(book, as_of)
    periods = (current, period_of(current.start - timedelta(days=1), book.settings.period))
    found = []
    for payment in book.payments:
        if not payment.note:
            continue
        note = loose_key(payment.note)
        for period in periods:
            reference = transfer_reference(book.settings, period, payment.sender, payment.recipient)
            if loose_key(reference) in note:
                found.append(PaidTransfer(payment, reference, period))
                break
    return found
