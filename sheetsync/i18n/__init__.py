"""The message catalogues: every sentence a person reads, in the group's language.

Sentences are written in English in the code, as gettext message ids, and translated by one
catalogue per language: `sheetsync/i18n/locale/LANG/LC_MESSAGES/sheetsync.po` (compiled to the
`.mo` beside it by `make catalogues`). English needs no catalogue: the ids are the English text.

- `t(lang, "Balances as of {day}", day=...)` translates, then fills the `str.format` placeholders.
- `tn(lang, "{n} notice sent.", "{n} notices sent.", n)` picks the plural form of the language.
- `N_("...")` marks a sentence kept in a table, to be translated later with `t(lang, msgid)`.
- A `Decimal` given to `t` or `tn` is written with the language's decimal sign and no thousands
  separator, as a cell holds it: "10900" and "0,181" in French, "10900" and "0.181" in English
  (so that it can be searched for in the sheet). Counts and row numbers are ints, left as they are.
- A `date` is written as the language writes a day ("4 janv. 2027", "4 Jan 2027"), a `datetime`
  with its time ("4 janv. 2027 09:00"; at midnight, a day typed alone, the day alone).

`make catalogues` extracts every marked sentence with babel (keywords `t:2`, `tn:2,3`, `N_`)
into `sheetsync.pot` and updates each catalogue; a test fails when a sentence lacks a
translation or when a translation's placeholders differ from the English ones.
"""

from __future__ import annotations

import gettext
import locale
import os
import re
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "sheetsync"
SOURCE_LANGUAGE = "en"
BABEL_LOCALES = {"fr": "fr_FR", "en": "en_GB"}  # how each language writes numbers, amounts and dates


def languages() -> tuple[str, ...]:
    """Every language sheetsync speaks: English and each language that has a catalogue."""
    found = sorted(p.name for p in LOCALE_DIR.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.mo").is_file())
    return (SOURCE_LANGUAGE, *found)


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang` (English, or a language without one: the ids as they are)."""
    if lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def N_(msgid: str) -> str:
    """Mark `msgid` for extraction where it is defined; it is translated where it is shown."""
    return msgid


def t(lang: str, msgid: str, **params: object) -> str:
    """`msgid` in `lang`, its `{placeholders}` filled from `params`."""
    text = catalogue(lang).gettext(msgid)
    return _elide(lang, text, params).format(**_written(lang, params)) if params else text


def tn(lang: str, singular: str, plural: str, n: int, **params: object) -> str:
    """The singular or plural sentence for `n` in `lang` (`{n}` is filled in too)."""
    return _elide(lang, catalogue(lang).ngettext(singular, plural, n), params).format(n=n, **_written(lang, params))


def babel_locale(lang: str) -> str:
    """The babel locale of a language ("fr" -> "fr_FR"); British English for any other."""
    return BABEL_LOCALES.get(lang, "en_GB")


def number(value: Decimal | int, lang: str, grouped: bool = True) -> str:
    """A number as `lang` writes it, with the decimals it has and no more: "2 100" and "17,5"
    in French, "2,100" and "17.5" in English (12.50 is written 12,5); "2100" when not `grouped`."""
    from babel.numbers import format_decimal  # with its locale data: only where a number is written

    return format_decimal(value, locale=babel_locale(lang), decimal_quantization=False, group_separator=grouped)


def day(value: date, lang: str) -> str:
    """A date in the group's language ("31 déc. 2025"; "1er janv. 2026", as French writes the first;
    a year always with its four digits: "12 mars 0025" is a year misread, not 2025)."""
    from babel.dates import format_date  # with its locale data: only where a date is written

    written = format_date(value, format=_day_pattern(lang), locale=babel_locale(lang))
    return "1er" + written[1:] if lang == "fr" and value.day == 1 and written.startswith("1 ") else written


@cache
def _day_pattern(lang: str) -> str:
    """The language's medium date pattern ("d MMM y"), its year written with four digits at least."""
    from babel.dates import get_date_format

    return re.sub("y+", "yyyy", get_date_format("medium", babel_locale(lang)).pattern)


def moment(value: datetime, lang: str) -> str:
    """A day and a time in the group's language ("3 janv. 2026 09:00")."""
    return f"{day(value.date(), lang)} {value:%H:%M}"


def when(value: datetime, lang: str) -> str:
    """A moment as said: its day and time, or its day alone at midnight (a day typed alone)."""
    return moment(value, lang) if value.time() != time() else day(value.date(), lang)


def span(start: datetime, end: datetime, lang: str) -> str:
    """From `start` to `end`, the day said once when it is the same: "3 janv. 2026 09:00–12:00"."""
    if start.date() == end.date():
        return f"{moment(start, lang)}–{end:%H:%M}"
    return f"{moment(start, lang)} – {moment(end, lang)}"


def month_of_year(year: int, month: int, lang: str) -> str:
    """A month of a year as `lang` names it: "février 2025", "February 2025"."""
    from babel.dates import format_date  # with its locale data: only where a month is named

    return format_date(date(year, month, 1), "MMMM y", locale=babel_locale(lang))


class Phrase(str):
    """A parameter that is a sentence of its own (an `N_` message id), translated with the one it
    fills: `t("fr", "Could not write {name}: {reason}", reason=Phrase(N_("the disk is full")))`."""


def _written(lang: str, params: dict) -> dict:
    """`params` with each Decimal written as a cell of `lang` holds it (its decimal sign, no
    grouping), and each Phrase in `lang`."""
    if not any(isinstance(value, Decimal | Phrase | date) for value in params.values()):
        return params
    return {k: _word(lang, v) for k, v in params.items()}


def _word(lang: str, value: object) -> object:
    if isinstance(value, Decimal):
        return number(value, lang, grouped=False)
    if isinstance(value, datetime):
        return when(value, lang)
    if isinstance(value, date):
        return day(value, lang)
    return catalogue(lang).gettext(value) if isinstance(value, Phrase) else value


_VOWEL_START = re.compile(r"[aeiouhàâäéèêëîïôöùûü]", re.IGNORECASE)
_ELIDED = re.compile(r"\b(de|que|le|la) \{(\w+)\}")


def of_name(name: object) -> str:
    """French "de" before a name, elided before a vowel or a mute h: "de Paul", "d'Ahmed"."""
    text = str(name)
    return f"d'{text}" if _VOWEL_START.match(text) else f"de {text}"


def _elide(lang: str, text: str, params: dict) -> str:
    """In French, "de {name}" becomes "d'{name}" when the name starts with a vowel (and "que",
    "le", "la" likewise), so that "la voiture de Ahmed" reads "la voiture d'Ahmed"."""
    if lang != "fr" or "{" not in text:
        return text

    def elide(m: re.Match) -> str:
        value = params.get(m[2])
        if isinstance(value, str) and _VOWEL_START.match(value):
            return f"{m[1][0]}'{{{m[2]}}}" if m[1] != "que" else f"qu'{{{m[2]}}}"
        return m[0]

    return _ELIDED.sub(elide, text)


def user_language() -> str:
    """The language of the person at the terminal (LC_ALL, LC_MESSAGES, LANG), for messages
    shown before a workbook says its own language; English when sheetsync has no catalogue for it."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX"):
            lang = locale.normalize(value).split("_")[0].split(".")[0].lower()
            return lang if lang in languages() else SOURCE_LANGUAGE
    return SOURCE_LANGUAGE


def browser_language(accept_language: str) -> str:
    """The language a browser asks for first (its Accept-Language header: "de-CH, fr;q=0.9") among
    those sheetsync speaks, for a page shown before a workbook says its own; English otherwise."""
    ranked = []
    for order, item in enumerate(accept_language.split(",")[:32]):
        tag, *params = (p.strip() for p in item.split(";"))
        weight = next((p[2:] for p in params if p.lower().startswith("q=")), "1")
        try:
            q = float(weight)
        except ValueError:
            continue
        if 0 < q <= 1:
            ranked.append((-q, order, tag.split("-")[0].lower()))
    return next((lang for _, _, lang in sorted(ranked) if lang in languages()), SOURCE_LANGUAGE)
