"""The workbook contract: input tabs, their columns, synonyms, categories.

Names are given as (English, French, other synonyms...). They are compared with
`text.header_key`, so case, accents, spaces, punctuation and a trailing unit never matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheetsync.model.names import header_key


class Named:
    """Something the workbook names in English and French, and by synonyms: a tab, a column, a category."""

    en: str
    fr: str
    synonyms: tuple[str, ...] = ()
    fr_synonyms: tuple[str, ...] = ()  # the synonyms that are French only: they tell a French workbook

    def name(self, lang: str) -> str:
        """The name in `lang` (the English one for a language without names of its own)."""
        return self.fr if lang == "fr" else self.en

    def names(self) -> tuple[str, ...]:
        """Every name, as written: English, French, then the synonyms."""
        return (self.en, self.fr, *self.synonyms, *self.fr_synonyms)

    def keys(self) -> set[str]:
        """Every name, as `header_key` compares them."""
        return {header_key(n) for n in self.names()}

    def french_keys(self) -> set[str]:
        """The names that are French only (the French name and French synonyms), as `header_key` compares them."""
        return {header_key(n) for n in (self.fr, *self.fr_synonyms)} - {header_key(self.en)}


@dataclass(frozen=True)
class InputColumn(Named):
    """A column of an input tab: its field id, English and French names, synonyms, and whether it is required."""

    field: str
    en: str
    fr: str
    required: bool = False
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class InputTab(Named):
    """An input tab of the workbook contract: its id, names, synonyms and columns."""

    id: str
    en: str
    fr: str
    columns: tuple[InputColumn, ...]
    required: bool = False
    synonyms: tuple[str, ...] = ()  # English ones, or names both languages use
    # a required field -> the fields that can stand in for it (a form's Timestamp for Date; Km for the readings)
    stand_ins: tuple[tuple[str, tuple[str, ...]], ...] = ()
    fr_synonyms: tuple[str, ...] = ()
    # (field, other): with `field` there, no stand-in serves for `other` (a Km column stands in for
    # both readings, or for the end one beside the start one; never for the start one beside the end)
    requires: tuple[tuple[str, str], ...] = ()

    def column(self, field: str) -> InputColumn:
        return next(c for c in self.columns if c.field == field)

    def stand_ins_found(self, found) -> list[str]:
        """The stand-ins in `found` (field ids) while none of the fields they stand in for is."""
        return [
            s
            for s in dict.fromkeys(s for _, those in self.stand_ins for s in those)
            if s in found and not any(field in found for field, those in self.stand_ins if s in those)
        ]

    def missing(self, found) -> list[InputColumn]:
        """The required columns that neither `found` (field ids) nor one of their stand-ins holds."""
        stand_ins = dict(self.stand_ins)
        required = {other for field, other in self.requires if field in found}
        return [
            c
            for c in self.columns
            if c.required
            and c.field not in found
            and (c.field in required or not any(s in found for s in stand_ins.get(c.field, ())))
        ]


C = InputColumn

# The columns a Google Forms responses tab adds to a logbook, expenses or payments tab: when the
# answer was sent, and by whom (the respondent's email, matched to a member's Email).
FORM_COLUMNS = (
    C("timestamp", "Timestamp", "Horodateur", False, ("Horodatage", "Date de soumission", "Submitted at")),
    C(
        "respondent",
        "Email address",
        "Adresse e-mail",
        False,
        (
            "Adresse email",
            "Adresse électronique",
            "Adresse mail",
            "E-mail address",
            "Username",
            "Nom d'utilisateur",
        ),
    ),
)

SETTINGS = InputTab(
    "settings",
    "Settings",
    "Paramètres",
    (
        C("key", "Setting", "Paramètre", True, ("Key", "Clé", "Réglage", "Name", "Nom")),
        C("value", "Value", "Valeur", True),
    ),
    synonyms=("Config", "Configuration", "Parameters"),
    fr_synonyms=("Réglages",),
)

MEMBERS = InputTab(
    "members",
    "Members",
    "Membres",
    (
        C("name", "Name", "Nom", True, ("Member", "Membre", "Nom et prénom", "Who", "Qui", "Last name", "Surname")),
        C("first_name", "First name", "Prénom", False, ("Firstname", "Given name")),
        C("email", "Email", "Courriel", False, ("E-mail", "Mail", "Adresse mail", "Adresse e-mail", "Mél")),
        C("joined", "Joined", "Arrivée", False, ("Since", "Depuis", "Date d'arrivée", "Start", "Entrée")),
        C("left", "Left", "Départ", False, ("Until", "Date de départ", "Sortie")),
        C("deposit", "Deposit", "Dépôt de garantie", False, ("Caution", "Dépôt")),
        C(
            "expected_km",
            "Expected km per year",
            "Km prévus par an",
            False,
            ("Expected km", "Km prévus", "Kilométrage prévisionnel", "Km prévisionnels"),
        ),
        C("iban", "IBAN", "IBAN", False, ("Bank account", "Compte bancaire", "RIB", "Compte")),
        C("bic", "BIC", "BIC", False, ("SWIFT", "BIC/SWIFT", "Code BIC")),
    ),
    required=True,
    synonyms=("Member", "People", "Participants"),
    fr_synonyms=("Membre", "Adhérents", "Autopartageurs"),
    stand_ins=(("name", ("first_name",)),),
)

VEHICLES = InputTab(
    "vehicles",
    "Vehicles",
    "Véhicules",
    (
        C("vehicle", "Vehicle", "Véhicule", True, ("Car", "Voiture", "Name", "Nom", "Modèle")),
        C("owner", "Owner", "Propriétaire", True, ("Owners", "Propriétaires", "Owned by")),
        C("plate", "Plate", "Immatriculation", False, ("Registration", "Licence plate", "Plaque")),
        C("rate_per_km", "Rate per km", "Barème km", False, ("Rate", "Barème", "Tarif km", "Prix du km")),
        C(
            "odometer_at_start",
            "Odometer at start",
            "Compteur initial",
            False,
            ("Initial odometer", "Km initial", "Kilométrage initial"),
        ),
        C(
            "inspection_due",
            "Inspection due",
            "Contrôle technique avant le",
            False,
            ("Contrôle technique", "CT", "MOT due"),
        ),
        C(
            "insurance_renewal",
            "Insurance renewal",
            "Échéance assurance",
            False,
            ("Assurance", "Renouvellement assurance"),
        ),
        C("shared_with", "Shared with", "Partagé avec", False, ("Members", "Membres", "Utilisateurs")),
        C("tank", "Tank (L)", "Réservoir (L)", False, ("Tank capacity", "Capacité du réservoir", "Capacité réservoir")),
    ),
    required=True,
    synonyms=("Vehicle", "Cars", "Car", "Fleet"),
    fr_synonyms=("Véhicule", "Voitures", "Voiture", "Flotte"),
)

TRIPS = InputTab(
    "trips",
    "Trips",
    "Trajets",
    (
        C("date", "Date", "Date", True, ("Date départ", "Date de départ", "Jour", "Day", "Departure", "Le")),
        C("return", "Return", "Retour", False, ("Date retour", "Date de retour", "Returned", "Back")),
        C("vehicle", "Vehicle", "Véhicule", False, ("Car", "Voiture")),
        C(
            "driver",
            "Driver",
            "Conducteur",
            True,
            ("Chauffeur", "Conductrice", "Conducteur·rice", "Member", "Membre", "Who", "Qui", "Nom", "Name"),
        ),
        C(
            "odometer_start",
            "Odometer start",
            "Compteur départ",
            True,
            (
                "Km départ",
                "Km au départ",
                "Km début",
                "Kilométrage départ",
                "Kilométrage au départ",
                "Compteur début",
                "Compteur au départ",
                "Start km",
                "Km start",
                "Start odometer",
                "Odometer out",
            ),
        ),
        C(
            "odometer_end",
            "Odometer end",
            "Compteur arrivée",
            True,
            (
                "Km arrivée",
                "Km à l'arrivée",
                "Km retour",
                "Km fin",
                "Kilométrage arrivée",
                "Kilométrage retour",
                "Kilométrage à l'arrivée",
                "Compteur retour",
                "Compteur fin",
                "Compteur à l'arrivée",
                "End km",
                "Km end",
                "End odometer",
                "Odometer in",
            ),
        ),
        C(
            "km",
            "Km",
            "Km",
            False,
            ("Kilométrage", "Km parcourus", "Kilomètres", "Kilomètres parcourus", "Distance", "Km effectués"),
        ),
        C(
            "fuel_paid",
            "Fuel paid",
            "Carburant payé",
            False,
            ("Carburant", "Essence", "Gasoil", "Gazole", "Plein", "Pleins", "Fuel", "Gas", "Petrol"),
        ),
        C("note", "Note", "Note", False, ("Notes", "Remarque", "Remarques", "Commentaire", "Comment", "Objet")),
        C("litres", "Litres", "Litres", False, ("Liters", "Fuel litres", "Litres carburant", "Litres de carburant")),
        C("full", "Full tank", "Plein complet", False, ("Full", "Complet", "Plein fait", "Réservoir plein")),
        *FORM_COLUMNS,
    ),
    required=True,
    synonyms=("Trip", "Logbook", "Log"),
    fr_synonyms=("Trajet", "Carnet de bord", "Carnet", "Journal de bord", "Sorties"),
    stand_ins=(
        ("date", ("timestamp",)),
        ("driver", ("respondent",)),
        ("odometer_start", ("km",)),
        ("odometer_end", ("km",)),
    ),
    requires=(("odometer_end", "odometer_start"),),
)

EXPENSES = InputTab(
    "expenses",
    "Expenses",
    "Dépenses",
    (
        C("date", "Date", "Date", True, ("Jour", "Day")),
        C("vehicle", "Vehicle", "Véhicule", False, ("Car", "Voiture")),
        C("paid_by", "Paid by", "Payé par", True, ("Payer", "Payeur", "Who paid", "Qui a payé", "Membre")),
        C("category", "Category", "Catégorie", True, ("Type", "Nature", "Poste")),
        C("amount", "Amount", "Montant", True, ("Montant TTC", "Total", "Prix", "Price", "Cost", "Coût")),
        C("litres", "Litres", "Litres", False, ("Liters", "L", "Volume")),
        C("full", "Full tank", "Plein complet", False, ("Full", "Complet", "Plein fait", "Réservoir plein")),
        C("responsible", "Responsible", "Responsable", False, ("At fault", "Fautif")),
        C("note", "Note", "Note", False, ("Notes", "Remarque", "Commentaire", "Comment", "Description", "Détail")),
        *FORM_COLUMNS,
    ),
    synonyms=("Expense", "Costs", "Receipts"),
    fr_synonyms=("Dépense", "Frais", "Coûts", "Factures"),
    stand_ins=(("date", ("timestamp",)), ("paid_by", ("respondent",))),
)

BOOKINGS = InputTab(
    "bookings",
    "Bookings",
    "Réservations",
    (
        C("vehicle", "Vehicle", "Véhicule", False, ("Car", "Voiture")),
        C("member", "Member", "Membre", True, ("Who", "Qui", "Driver", "Conducteur", "Name", "Nom")),
        C("start", "Start", "Début", True, ("From", "Du", "Départ")),
        C("end", "End", "Fin", True, ("To", "Au", "Retour")),
        C("repeat", "Repeat", "Répétition", False, ("Repeats", "Récurrence", "Every", "Chaque")),
        C("until", "Until", "Jusqu'au", False, ("Jusqu'à", "Repeat until")),
        C("booked_at", "Booked at", "Réservé le", False, ("Booked on", "Réservation faite le")),
        C("note", "Note", "Note", False, ("Notes", "Remarque", "Commentaire", "Comment")),
    ),
    synonyms=("Booking", "Calendar", "Agenda"),
    fr_synonyms=("Réservation", "Calendrier"),
)

PAYMENTS = InputTab(
    "payments",
    "Payments",
    "Paiements",
    (
        C("date", "Date", "Date", True, ("Jour", "Day")),
        C("from", "From", "De", True, ("Payer", "Payé par", "Paid by")),
        C("to", "To", "À", True, ("Payee", "Pour", "Bénéficiaire", "Paid to")),
        C("amount", "Amount", "Montant", True),
        C("note", "Note", "Note", False, ("Notes", "Remarque", "Commentaire", "Comment")),
        *FORM_COLUMNS,
    ),
    synonyms=("Payment", "Transfers"),
    fr_synonyms=("Paiement", "Virements", "Remboursements"),
    stand_ins=(("date", ("timestamp",)), ("from", ("respondent",))),
)

# Entries made from the members' phones (`sheetsync serve`): one row each, appended, never
# rewritten; read as trips, expenses, payments and bookings (and cancellations of bookings).
ENTRIES = InputTab(
    "entries",
    "Entries",
    "Saisies",
    (
        C("submitted", "Submitted at", "Saisi le", True),
        C("kind", "Kind", "Type", True),
        C("member", "Member", "Membre", True),
        C("vehicle", "Vehicle", "Véhicule"),
        C("date", "Date", "Date"),
        C("end", "End", "Fin"),
        C("odometer_start", "Odometer start", "Compteur départ"),
        C("odometer_end", "Odometer end", "Compteur arrivée"),
        C("fuel_paid", "Fuel paid", "Carburant payé"),
        C("category", "Category", "Catégorie"),
        C("amount", "Amount", "Montant"),
        C("litres", "Litres", "Litres"),
        C("to", "To", "À"),
        C("repeat", "Repeat", "Répétition"),
        C("cancels", "Cancels", "Annule"),
        C("note", "Note", "Note"),
        C("until", "Until", "Jusqu'au"),  # last: a tab made before it keeps every column in its place
    ),
    synonyms=("Phone entries",),
    fr_synonyms=("Saisies mobiles",),
)

# For each kind of entry, the input tab it is read as and which Entries column holds each of its fields.
ENTRY_FIELDS: dict[str, tuple[str, dict[str, str]]] = {
    "trip": (
        "trips",
        {
            "date": "date",
            "return": "end",
            "vehicle": "vehicle",
            "driver": "member",
            "odometer_start": "odometer_start",
            "odometer_end": "odometer_end",
            "fuel_paid": "fuel_paid",
            "litres": "litres",
            "note": "note",
        },
    ),
    "expense": (
        "expenses",
        {
            "date": "date",
            "vehicle": "vehicle",
            "paid_by": "member",
            "category": "category",
            "amount": "amount",
            "litres": "litres",
            "note": "note",
        },
    ),
    "payment": ("payments", {"date": "date", "from": "member", "to": "to", "amount": "amount", "note": "note"}),
    "booking": (
        "bookings",
        {
            "vehicle": "vehicle",
            "member": "member",
            "start": "date",
            "end": "end",
            "repeat": "repeat",
            "until": "until",
            "booked_at": "submitted",
            "note": "note",
        },
    ),
}


@dataclass(frozen=True)
class Term(Named):
    """Something sheetsync names by an id, in English and French: a kind of phone entry as the
    Entries tab names it, a tab that sheetsync writes."""

    id: str
    en: str
    fr: str


ENTRY_KINDS: tuple[Term, ...] = (
    Term("trip", "trip", "trajet"),
    Term("expense", "expense", "dépense"),
    Term("payment", "payment", "paiement"),
    Term("booking", "booking", "réservation"),
    Term("cancellation", "cancellation", "annulation"),
)
ENTRY_KIND_IDS = {k: kind.id for kind in ENTRY_KINDS for k in kind.keys()}  # a kind as typed -> its id
ENTRY_KINDS_BY_ID = {kind.id: kind for kind in ENTRY_KINDS}

INPUT_TABS: tuple[InputTab, ...] = (SETTINGS, MEMBERS, VEHICLES, TRIPS, EXPENSES, BOOKINGS, PAYMENTS, ENTRIES)
TABS_BY_ID = {t.id: t for t in INPUT_TABS}


@dataclass(frozen=True)
class Category(Named):
    """An expense category: its id, names, synonyms and default split rule."""

    id: str
    en: str
    fr: str
    rule: str
    synonyms: tuple[str, ...] = ()


CATEGORIES: tuple[Category, ...] = (
    Category("fuel", "fuel", "carburant", "km", ("essence", "gasoil", "gazole", "diesel", "petrol", "gas", "plein")),
    Category("insurance", "insurance", "assurance", "km"),
    Category(
        "depreciation",
        "depreciation",
        "décote",
        "km",
        ("dépréciation", "baisse de la valeur argus", "amortissement", "argus"),
    ),
    Category("maintenance", "maintenance", "entretien", "km", ("révision", "service", "vidange")),
    Category("repair", "repair", "réparation", "km", ("réparations", "repairs", "garage")),
    Category("inspection", "inspection", "contrôle technique", "km", ("ct", "mot")),
    Category(
        "supplies",
        "supplies",
        "fournitures",
        "km",
        ("accessoires", "accessories", "fluids", "cleaning", "nettoyage", "lavage"),
    ),
    Category("tax", "tax", "taxes", "km", ("taxe", "carte grise", "vignette", "registration")),
    Category("other", "other", "autre", "km", ("autres", "divers", "misc")),
    Category("parking", "parking", "stationnement", "payer"),
    Category("toll", "toll", "péage", "payer", ("péages", "tolls", "autoroute")),
    Category("fine", "fine", "amende", "payer", ("amendes", "fines", "pv", "contravention")),
    Category("accident", "accident", "accident responsable", "responsible", ("sinistre", "franchise")),
)
CATEGORIES_BY_ID = {c.id: c for c in CATEGORIES}


def _category_lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for cat in CATEGORIES:
        for word in (cat.id, cat.en, cat.fr, *cat.synonyms):
            key = header_key(word)
            table.setdefault(key, cat.id)
            table.setdefault(key + "s", cat.id)  # plurals: "réparations", "fines"
    return table


_CATEGORY_LOOKUP = _category_lookup()


def category_id(text: str) -> str | None:
    """The category id a typed category name stands for, or None.

    A name sheetsync does not know as a whole is read by its words: "Assurance annuelle" is
    insurance, "Péage A7" a toll, when its words (or its beginning) name one category only.
    """
    found = _CATEGORY_LOOKUP.get(header_key(text))
    if found is not None:
        return found
    named = categories_named(text)
    return named[0] if len(named) == 1 else None


def categories_named(text: str) -> list[str]:
    """The category ids the words of a typed category name (or its beginning) name, in the order
    they come: one for "Péage A7", two for "Carburant et péage" (an amount no one can split)."""
    key = header_key(text)
    if not key:
        return []
    words = [header_key(w) for w in re.split(r"[\s/,;:+&()\-]+", str(text)) if header_key(w)]
    named = [_CATEGORY_LOOKUP[w] for w in words if w in _CATEGORY_LOOKUP]
    named += [cat for word, cat in _CATEGORY_LOOKUP.items() if len(word) >= 5 and key.startswith(word)]
    return list(dict.fromkeys(named))


def category_names() -> list[str]:
    """Every category name, English and French, for dropdowns and hints."""
    return [n for c in CATEGORIES for n in (c.en, c.fr)]


# The tabs that sheetsync writes.
GENERATED_TABS: tuple[Term, ...] = (
    Term("balances", "Balances", "Soldes"),
    Term("settlements", "Settlements", "Règlements"),
    Term("summary", "Summary", "Synthèse"),
    Term("problems", "Problems", "Anomalies"),
    Term("history", "History", "Historique"),
    Term("schedule", "Schedule", "Planning des véhicules"),
    Term("sent", "Sent", "Envois"),  # the log of notices sent: appended to, never cleared
)
GENERATED_KEYS = set().union(*(t.keys() for t in GENERATED_TABS))
# The first cell of every generated tab starts with one of these: it is how a tab we made is told
# apart from a tab of the group's that happens to bear the same name.
GENERATED_MARKERS = ("Generated by sheetsync", "Généré par sheetsync")


def is_generated_title(first_cell: object) -> bool:
    """Whether a tab's first cell (A1) is the title sheetsync puts on the tabs it writes."""
    return isinstance(first_cell, str) and first_cell.startswith(GENERATED_MARKERS)


def is_generated_name(tab_name: str) -> bool:
    """Whether a tab bears the name of a generated tab (in any language, loosely compared)."""
    return header_key(tab_name) in GENERATED_KEYS
