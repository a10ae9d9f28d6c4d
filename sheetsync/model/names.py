"""Loose matching of names as people type them: case, accents, spaces, punctuation, units."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

_UNIT = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]\s*$")
_TRAILING_CURRENCY = re.compile(r"\s*(€|\$|£|eur|euros?)\s*$", re.IGNORECASE)


def strip_accents(text: str) -> str:
    """`text` without its accents ("Françoise" -> "Francoise")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, spaces collapsed ("  Françoise " -> "francoise")."""
    return " ".join(strip_accents(text).casefold().split())


def same_tab(name: str) -> str:
    """A tab name as spreadsheet programs compare them: case and Unicode forms aside."""
    return unicodedata.normalize("NFC", name).casefold()


def loose_key(text: str) -> str:
    """The letters and digits of `text`, lower case, without accents ("Rue des Lilas" -> "ruedeslilas")."""
    return re.sub(r"[^0-9a-z]", "", strip_accents(text).casefold())


@lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    """Key under which headers, tab names and setting words are compared.

    "Carburant (€)" -> "carburant", "Km départ" -> "kmdepart", "Expected km / year" -> "expectedkmyear".
    """
    text = str(text).strip()
    text = _UNIT.sub("", text)
    text = _TRAILING_CURRENCY.sub("", text)
    return loose_key(text)


def word_table(*pairs: tuple[str, tuple[str, ...]]) -> dict[str, str]:
    """The value each word a group may type stands for, keyed as header_key compares them; each
    value is also a word for itself: word_table(("fr", ("français", "french"))) reads "Français"."""
    return {header_key(w): value for value, words in pairs for w in (value, *words)}


CLOSE_ENOUGH = 0.6  # difflib's likeness ratio from which a name is suggested for another


def suggest(word: str, candidates: list[str]) -> str | None:
    """The candidate closest to `word` (compared folded), or None when nothing is close."""
    return closest((word,), candidates)


def closest(words: Iterable[str], candidates: Iterable[str]) -> str | None:
    """The candidate closest to any of `words` (compared folded), or None when nothing is close."""
    import difflib  # only a name that matches nothing pays for it

    folded = [fold(w) for w in words]
    by_key = {fold(c): c for c in candidates}
    scored = ((max(difflib.SequenceMatcher(None, k, w).ratio() for w in folded), k) for k in by_key)
    score, key = max(scored, default=(0.0, ""))
    return by_key[key] if score >= CLOSE_ENOUGH else None
