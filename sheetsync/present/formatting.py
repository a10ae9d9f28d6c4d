"""Amounts, rates and dates as a person reads them, in the group's language (babel)."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency, format_decimal

from sheetsync.i18n import N_, day, moment, number, span, t, when  # noqa: F401 (day, moment, span, when: as messages write them)
from sheetsync.i18n import babel_locale as locale
from sheetsync.model import Booking


def money(amount: Decimal, currency: str, lang: str) -> str:
    """ "1 234,50 €" in French, "€1,234.50" in English."""
    return format_currency(amount, currency, locale=locale(lang))


def rate(value: Decimal | None, lang: str) -> str:
    """A rate with four decimals in the group's language ("0,2400")."""
    return "—" if value is None else format_decimal(value, format="0.0000", locale=locale(lang))


REPEAT_NAMES = {  # how a booking repeats, as a person says it
    "daily": N_("every day"),
    "weekly": N_("every week"),
    "biweekly": N_("every two weeks"),
    "monthly": N_("every month"),
}


def repeats(booking: Booking, lang: str) -> str:
    """How `booking` repeats and until when ("chaque semaine jusqu'au 29 janv. 2026"); "" when once."""
    if booking.repeat not in REPEAT_NAMES:
        return ""
    every = t(lang, REPEAT_NAMES[booking.repeat])
    return t(lang, "{every} until {day}", every=every, day=booking.until) if booking.until else every


def iban(compact: str) -> str:
    """An IBAN in groups of four, as people read it: "FR76 3000 6000 …"."""
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def fuel_figures(fuel, currency: str, lang: str) -> dict[str, str | None]:
    """A vehicle's fuel figures for a period (money.fuel.FuelPeriod) as a person reads them:
    litres and l/100 km to the hundredth, the price per litre as a rate; None where unknown."""
    litres, per_100 = fuel.rounded()
    price = fuel.price_per_litre
    return {
        "litres": number(litres, lang),
        "l_per_100km": None if per_100 is None else number(per_100, lang),
        "price_per_litre": None if price is None else rate_money(price, currency, lang),
    }


def rate_money(value: Decimal | None, currency: str, lang: str) -> str:
    """A cost per km with four decimals, in the locale's currency pattern: "0,2400 €", "€0.2400"."""
    if value is None:
        return "—"
    from babel import Locale

    pattern = Locale.parse(locale(lang)).currency_formats["standard"].pattern.replace("0.00", "0.0000")
    return format_currency(value, currency, format=pattern, locale=locale(lang), currency_digits=False)
