"""Amounts, rates and dates as a person reads them, in the group's language (babel)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from babel.numbers import format_currency, format_decimal

LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def locale(lang: str) -> str:
    """The babel locale of a language ("fr" -> "fr_FR")."""
    return LOCALES.get(lang, "en_GB")


def money(amount: Decimal, currency: str, lang: str) -> str:
    """ "1 234,50 €" in French, "€1,234.50" in English."""
    return format_currency(amount, currency, locale=locale(lang))


def rate(value: Decimal | None, lang: str) -> str:
    """A rate with four decimals in the group's language ("0,2400")."""
    return "—" if value is None else format_decimal(value, format="0.0000", locale=locale(lang))


def number(value: Decimal, lang: str) -> str:
    """A number in the group's language ("12 790")."""
    return format_decimal(value, locale=locale(lang))


def day(value: date, lang: str) -> str:
    """A date in the group's language ("31 déc. 2025")."""
    from babel.dates import format_date  # with its time zones: only where a date is written out

    return format_date(value, format="medium", locale=locale(lang))


def rate_money(value: Decimal | None, currency: str, lang: str) -> str:
    """A cost per km with four decimals, in the locale's currency pattern: "0,2400 €", "€0.2400"."""
    if value is None:
        return "—"
    from babel import Locale

    pattern = Locale.parse(locale(lang)).currency_formats["standard"].pattern.replace("0.00", "0.0000")
    return format_currency(value, currency, format=pattern, locale=locale(lang), currency_digits=False)
