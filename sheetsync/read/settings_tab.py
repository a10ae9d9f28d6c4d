"""The Settings tab: key-value rows in English or French."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from sheetsync.model import Problem, Settings, SourceRef
from sheetsync.model.names import header_key, suggest, word_table
from sheetsync.model.problems import problem
from sheetsync.model.schema import INPUT_TABS, TABS_BY_ID, category_id, category_names
from sheetsync.read.cells import as_text, currency_code, is_blank, parse_number
from sheetsync.read.headers import LocatedTab

CHOICES: dict[str, dict[str, str]] = {
    "language": word_table(("fr", ("français", "francais", "french")), ("en", ("english", "anglais"))),
    "cost_mode": word_table(
        ("real", ("réel", "coût réel", "real cost", "cout reel", "frais réels", "au réel")),
        ("fixed", ("barème", "fixe", "fixed rate", "forfait", "rate", "barème km")),
    ),
    "fuel": word_table(
        ("included", ("inclus", "compris", "include")), ("separate", ("séparé", "à part", "exclu", "separately"))
    ),
    "rule": word_table(
        ("km", ("prorata", "au prorata des km", "by km", "kilomètres", "per km")),
        ("equal", ("égal", "parts égales", "equal shares", "égalité", "equally")),
        ("owner", ("propriétaire", "owners")),
        ("payer", ("payeur", "qui paie", "who paid")),
        ("responsible", ("responsable",)),
    ),
    "period": word_table(
        ("month", ("mois", "monthly", "mensuel")),
        ("quarter", ("trimestre", "quarterly", "trimestriel")),
        ("year", ("année", "an", "annuel", "yearly", "annee")),
    ),
    "settlement": word_table(("minimal", ("minimum", "fewest", "moins de virements")), ("hub", ("pivot", "central"))),
    "priority": word_table(
        ("first_booked", ("premier réservé", "first booked", "premier arrivé", "first come")),
        ("owner", ("propriétaire",)),
    ),
    "hidden_rows": word_table(
        ("count", ("compter", "counted", "compte", "inclure", "include")),
        ("skip", ("ignorer", "ignore", "sauter", "skipped", "exclure")),
    ),
    "date_format": word_table(
        ("day_first", ("jour d'abord", "dd/mm/yyyy", "jj/mm/aaaa", "day first")),
        ("month_first", ("mois d'abord", "mm/dd/yyyy", "mm/jj/aaaa", "month first")),
    ),
}

KEYS: dict[str, str] = word_table(
    ("group", ("groupe", "nom du groupe", "group name")),
    ("currency", ("devise", "monnaie")),
    ("language", ("langue",)),
    ("cost_mode", ("mode de calcul", "mode_de_calcul", "mode", "calcul")),
    ("rate_per_km", ("barème km", "bareme_km", "barème", "taux")),
    ("fuel", ("carburant",)),
    ("period", ("période", "periode")),
    ("settlement", ("règlement", "reglement")),
    ("settlement_hub", ("pivot", "hub")),
    ("round_transfers_to", ("arrondi", "round to", "arrondir à")),
    ("priority", ("priorité", "priorite")),
    ("date_format", ("format date", "format_date", "format des dates")),
    ("timezone", ("fuseau horaire", "fuseau_horaire", "fuseau", "time zone")),
    ("treasurer", ("trésorier", "trésorière", "tresorier")),
    ("logbook_tabs", ("onglets trajets", "onglets_trajets", "onglets du carnet", "logbooks")),
    ("kitty", ("cagnotte", "caisse commune", "pot commun")),
    ("hidden_rows", ("lignes masquées", "lignes_masquées", "lignes cachées", "hidden rows")),
    ("consumption_min", ("consommation min", "consommation_min", "conso min", "min l/100 km")),
    ("consumption_max", ("consommation max", "consommation_max", "conso max", "max l/100 km")),
    ("templates", ("modèles", "modeles", "templates folder", "dossier des modèles")),
    ("revoked_links", ("liens révoqués", "liens revoques", "revoked links", "links revoked")),
)
# settings that hold a number: (the default as said, examples)
NUMBERS = {
    "rate_per_km": ("—", "0.25, 0,32 …"),
    "consumption_min": ("3", "3, 4,5 …"),
    "consumption_max": ("20", "15, 20 …"),
}
SPLIT_PREFIXES = {"split", "partage"}
COLUMN_PREFIXES = {"column", "colonne"}
ROUNDINGS = (Decimal("0.01"), Decimal("0.1"), Decimal("1"))


@dataclass(frozen=True)
class SettingsRead:
    """The settings read from the Settings tab, its problems, and the row of each key."""

    settings: Settings
    problems: list[Problem]
    rows: dict[str, SourceRef]  # setting key -> where it was written


def read_settings(tab: LocatedTab, default_group: str, default_lang: str) -> SettingsRead:
    """Settings from the Settings tab; each unknown key or bad value is a problem on its row."""
    entries = []
    for row_number, cells in tab.data_rows():
        key, value = as_text(tab.cell(cells, "key")), tab.cell(cells, "value")
        if key:
            entries.append((row_number, key, value))
    lang = default_lang
    for _, key, value in entries:
        if KEYS.get(header_key(key)) == "language" and header_key(str(value)) in CHOICES["language"]:
            lang = CHOICES["language"][header_key(str(value))]
    reader = _Reader(tab, lang)
    for row_number, key, value in entries:
        reader.read(row_number, key, value)
    fields = {"group": default_group, "language": lang, **reader.values}
    return SettingsRead(Settings(**fields), reader.problems, reader.rows)


class _Reader:
    def __init__(self, tab: LocatedTab, lang: str):
        self.tab, self.lang = tab, lang
        self.values: dict[str, object] = {"split": {}, "columns": {}}
        self.problems: list[Problem] = []
        self.rows: dict[str, SourceRef] = {}

    def read(self, row: int, key: str, value: object) -> None:
        parts = [p.strip() for p in key.split(".")]
        prefix = header_key(parts[0])
        if prefix in SPLIT_PREFIXES and len(parts) == 2:
            self._split(row, key, parts[1], value)
        elif prefix in COLUMN_PREFIXES and len(parts) == 3:
            self._column(row, key, parts[1], parts[2], value)
        elif (name := KEYS.get(header_key(key))) is not None:
            self.rows[name] = SourceRef(self.tab.name, row, key)
            if not is_blank(value):
                self._plain(row, key, name, value)
        else:
            suggestion = suggest(key, _known_keys()) or ""
            self._problem("settings.unknown_key", row, value=key, suggestion=suggestion, column="key")

    def _plain(self, row: int, key: str, name: str, value: object) -> None:
        text = as_text(value) or ""
        if name in ("group", "settlement_hub", "treasurer", "templates", "kitty"):
            self.values[name] = text
        elif name == "revoked_links":
            self.values[name] = (text,) if text else ()  # as typed: its names are read with the members (records)
        elif name == "logbook_tabs":
            self.values[name] = tuple(n.strip() for n in re.split(r"[;,\n]", text) if n.strip())
        elif name == "timezone":
            if _is_timezone(text):
                self.values[name] = text
            else:
                self._bad(row, key, value, "Europe/Paris", "Europe/Paris, Europe/Brussels, America/Montreal …")
        elif name == "currency":
            code = currency_code(text)
            if re.fullmatch(r"[A-Z]{3}", code):
                self.values[name] = code
            else:
                self._bad(row, key, value, "EUR", "EUR, CHF, GBP, USD …")
        elif name in NUMBERS:
            try:
                number = parse_number(value, self.lang)
            except ValueError:
                number = None
            if number is None or number < 0:
                default, examples = NUMBERS[name]
                self._bad(row, key, value, default, examples)
            else:
                self.values[name] = number
        elif name == "round_transfers_to":
            try:
                step = parse_number(value, self.lang)
            except ValueError:
                step = None
            if step not in ROUNDINGS:
                self._bad(row, key, value, "0.01", "0.01, 0.1, 1")
            else:
                self.values[name] = next(r for r in ROUNDINGS if r == step)
        else:
            choice = CHOICES[name].get(header_key(text))
            if choice is None:
                default = Settings.__dataclass_fields__[name].default
                self._bad(row, key, value, default, ", ".join(dict.fromkeys(CHOICES[name].values())))
            else:
                self.values[name] = choice

    def _split(self, row: int, key: str, category: str, value: object) -> None:
        cat = category_id(category)
        if cat is None:
            self._problem(
                "ref.category",
                row,
                value=category,
                suggestion=suggest(category, category_names()) or "",
                choices=", ".join(category_names()),
            )
            return
        rule = CHOICES["rule"].get(header_key(as_text(value) or ""))
        if rule is None:
            self._bad(row, key, value, "km", "km, equal, owner, payer, responsible")
        else:
            self.values["split"][cat] = rule

    def _column(self, row: int, key: str, tab_word: str, field_word: str, value: object) -> None:
        spec = next((t for t in INPUT_TABS if header_key(tab_word) in t.keys() | {t.id}), None)
        column = None
        if spec is not None:
            wanted = header_key(field_word)
            column = next((c for c in spec.columns if wanted in c.keys() | {header_key(c.field)}), None)
        if spec is None or column is None or is_blank(value):
            choices = ", ".join(f"column.{t.id}.{c.field}" for t in (spec,) if t for c in t.columns) or ", ".join(
                f"column.{t}.…" for t in TABS_BY_ID
            )
            self._bad(row, key, value, "—", choices)
            return
        self.values["columns"][(spec.id, column.field)] = as_text(value)

    def _bad(self, row: int, key: str, value: object, default: object, choices: str) -> None:
        self._problem("settings.bad_value", row, value=as_text(value) or "", key=key, default=default, choices=choices)

    def _problem(self, code: str, row: int, column: str = "value", **params: object) -> None:
        self.problems.append(problem(code, self.lang, self.tab.name, row, self.tab.header(column), **params))


def _is_timezone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _known_keys() -> list[str]:
    return sorted({*KEYS.values(), "split.fuel", "column.trips.odometer_start"})
