"""Every sentence a person reads is in every catalogue, with the same placeholders as in English."""

from __future__ import annotations

import gettext
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import sheetsync
from sheetsync.i18n import DOMAIN, LOCALE_DIR, languages, t, tn

PACKAGE = Path(sheetsync.__file__).parent
KEYWORDS = {"t": (2,), "tn": (2, 3), "N_": None}


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        PACKAGE, method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        for m in message if isinstance(message, tuple) else (message,):
            if m:
                found.add(m)
    return found


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


CATALOGUES = [lang for lang in languages() if lang != "en"]


def test_there_is_a_french_catalogue():
    assert "fr" in CATALOGUES


@pytest.mark.parametrize("lang", CATALOGUES)
def test_every_sentence_is_translated_with_the_same_placeholders(lang):
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        catalog = read_po(f)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for msgid in ids:
            translated[msgid] = strings
    missing = sorted(m for m in _source_messages() if not all(translated.get(m, ("",))))
    assert not missing, f"{lang}: {len(missing)} sentence(s) without a translation: {missing[:10]}"
    for msgid, strings in translated.items():
        for s in strings:
            assert _placeholders(s) == _placeholders(msgid), f"{lang}: placeholders differ in {msgid!r} -> {s!r}"


@pytest.mark.parametrize("lang", CATALOGUES)
def test_the_compiled_catalogue_is_up_to_date(lang):
    """The .mo the package ships says what the .po says (run `make catalogues` after editing a .po)."""
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as f:
        catalog = read_po(f)
    with open(LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as f:
        compiled = gettext.GNUTranslations(f)
    for message in catalog:
        if message.id and not message.pluralizable and message.string:
            assert compiled.gettext(message.id) == message.string, message.id


def test_translation_and_plural_forms():
    assert t("fr", "Balance") == "Solde"
    assert t("en", "Balance") == "Balance"
    assert t("de", "Balance") == "Balance"  # a language without a catalogue reads English
    assert t("fr", "owes {amount} to {other}", amount="3,00 €", other="Anne") == "doit 3,00 € à Anne"
    assert tn("en", "{n} notice sent.", "{n} notices sent.", 1) == "1 notice sent."
    assert tn("en", "{n} notice sent.", "{n} notices sent.", 2) == "2 notices sent."
    # French: 0 and 1 take the singular
    assert tn("fr", "{n} notice sent.", "{n} notices sent.", 0) == "0 avis envoyé."
    assert tn("fr", "{n} notice sent.", "{n} notices sent.", 3) == "3 avis envoyés."
