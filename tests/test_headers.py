"""Groups write their own tab names and headers: synonyms, French, units, title rows."""

from datetime import date
from decimal import Decimal as D

from conftest import report_of


def french_logbook(headers):
    return {
        "Paramètres": [
            ["Paramètre", "Valeur"],
            ["Mode de calcul", "Coût réel"],
            ["Période", "Trimestre"],
            ["Partage.Assurance", "Parts égales"],
            ["Langue", "français"],
        ],
        "Membres": [["Prénom", "Courriel"], ["Élodie", "e@example.org"], ["Pierre", None]],
        "Voitures": [["Voiture", "Propriétaire"], ["Zoé", "Élodie"]],
        "Carnet de bord": [
            ["Carnet de bord de la Zoé — à remplir à chaque sortie"],
            [],
            headers,
            ["05/01/2025", "Pierre", "12 000", "12 150", "12,5"],
            ["07/01/2025", "elodie", "12150", "12 200", "30 €"],
        ],
    }


def test_common_french_logbook_headers():
    for headers in (
        ["Date", "Chauffeur", "Km départ", "Km arrivée", "Essence"],
        ["Date", "Conducteur", "Kilométrage départ", "Kilométrage retour", "Carburant (€)"],
        ["Jour", "Qui", "Compteur au départ", "Compteur à l'arrivée", "Plein"],
    ):
        report = report_of(french_logbook(headers))
        assert report.problems == [], headers
        assert report.settings.language == "fr" and report.settings.period == "quarter"
        assert report.settings.split == {"insurance": "equal"}
        (period,) = report.computation.periods
        assert period.km_by_member == {"Pierre": D(150), "Élodie": D(50)}
        assert period.costs_by_category == {"fuel": D("42.50")}
        assert period.period.label("fr") == "2025-T1"


def test_km_column_synonyms_are_checked_against_the_odometer():
    raw = french_logbook(["Date", "Chauffeur", "Km départ", "Km arrivée", "Essence", "Km parcourus"])
    raw["Carnet de bord"][3].append(140)
    report = report_of(raw)
    assert [(p.tab, p.row, p.column, p.code) for p in report.problems] == [
        ("Carnet de bord", 4, "Km parcourus", "trip.km_mismatch")
    ]
    assert "150" in report.problems[0].message


def test_header_with_units_and_odd_case():
    raw = french_logbook(["DATE", "conducteur ", "Compteur départ (km)", "COMPTEUR ARRIVÉE (km)", "Carburant payé (€)"])
    assert report_of(raw).problems == []


def test_english_group_with_logbook_tab_and_mapping():
    raw = {
        "Settings": [["Setting", "Value"], ["column.trips.driver", "Pilot"], ["currency", "gbp"]],
        "Members": [["Name"], ["Ann"], ["Bob"]],
        "Vehicles": [["Vehicle", "Owner"], ["Van", "Ann 60%, Bob 40%"]],
        "Logbook": [["Date", "Pilot", "Start km", "End km"], [date(2025, 2, 1), "Bob", 500, 600]],
        "Expenses": [["Date", "Paid by", "Category", "Amount"], [date(2025, 2, 2), "Bob", "Insurance", "£1,000.00"]],
    }
    report = report_of(raw)
    assert report.problems == [] and report.settings.currency == "GBP"
    assert {m.name: m.balance for m in report.computation.members} == {"Ann": D("0.00"), "Bob": D("0.00")}


def test_co_owned_vehicle_in_fixed_mode_credits_owners_by_share():
    raw = {
        "Settings": [["Setting", "Value"], ["cost_mode", "fixed"], ["rate_per_km", "0.30"]],
        "Members": [["Name"], ["Anne"], ["Bruno"], ["Chloé"]],
        "Vehicles": [["Vehicle", "Owner"], ["Kangoo", "Anne 2/3, Bruno 1/3"]],
        "Trips": [
            ["Date", "Driver", "Odometer start", "Odometer end"],
            [date(2025, 3, 1), "Chloé", 0, 1001],
            [date(2025, 3, 2), "Anne", 1001, 2000],
        ],
    }
    report = report_of(raw)
    (period,) = report.computation.periods
    assert period.charges == {"Chloé": D("300.30")}  # the owners' own km are never charged
    assert period.bears == {"Chloé": D("300.30"), "Anne": D("-200.20"), "Bruno": D("-100.10")}


def test_equal_split_pro_rata_of_days_of_membership():
    raw = {
        "Settings": [["Setting", "Value"], ["split.insurance", "equal"]],
        "Members": [
            ["Name", "Joined", "Left"],
            ["Anne", None, None],
            ["Bruno", date(2025, 7, 1), None],
            ["Chloé", None, date(2025, 6, 30)],
        ],
        "Vehicles": [["Vehicle", "Owner"], ["Kangoo", "Anne"]],
        "Trips": [["Date", "Driver", "Odometer start", "Odometer end"], [date(2025, 3, 1), "Anne", 0, 10]],
        "Expenses": [["Date", "Paid by", "Category", "Amount"], [date(2025, 1, 1), "Anne", "insurance", 365]],
    }
    (period,) = report_of(raw).computation.periods
    # 365 + 184 + 181 days of membership share 365 €
    assert period.bears == {"Anne": D("182.50"), "Bruno": D("92.00"), "Chloé": D("90.50")}


def test_tabs_named_by_a_french_synonym_make_a_french_workbook():
    """The language of the tabs comes from the schema's French names: "Adhérents" (members) and
    "Sorties" (trips) are French, as "Membres" and "Carnet de bord" are."""
    from sheetsync.read.headers import tab_language

    assert tab_language({"members": "Adhérents"}) == "fr"
    assert tab_language({"trips": "Sorties"}) == "fr"
    assert tab_language({"vehicles": "Flotte"}) == "fr"
    assert tab_language({"members": "Participants"}) == tab_language({"trips": "Logbook"}) == "en"
    raw = french_logbook(["Date", "Chauffeur", "Km départ", "Km arrivée", "Essence"])
    raw["Paramètres"] = raw["Paramètres"][:-1]  # no Langue setting: the tabs' names say it
    raw["Adhérents"], raw["Sorties"] = raw.pop("Membres"), raw.pop("Carnet de bord")
    report = report_of(raw)
    assert report.problems == [] and report.settings.language == "fr"


def test_a_settings_tab_renamed_is_read_by_its_header():
    """A trial: the treasurer renamed Paramètres "Réglages du groupe"; every setting was dropped
    without a word (insurance shared by km again: 175 € moved between balances). A tab whose
    header names a Setting and a Value column is the Settings tab when none is named so."""
    from conftest import consecutive_trips, group

    trips = consecutive_trips(("Laurent", 100), ("Catherine", 300))
    raw = group(lang="fr", settings=[("partage.assurance", "propriétaire"), ("groupe", "Rue des Lilas")], trips=trips)
    raw["Réglages du groupe"] = raw.pop("Paramètres")
    report = report_of(raw)
    assert report.settings.group == "Rue des Lilas" and report.settings.language == "fr"
    assert report.book.tab_names["settings"] == "Réglages du groupe"
    assert not [p for p in report.problems if p.code.startswith("settings.")]


def test_the_groups_language_is_the_one_most_of_its_tabs_are_named_in():
    """A trial: the members' tab renamed "Participants" (a word both languages use) turned a French
    group's sync English: new English tabs beside the French ones, which kept the old figures. The
    tabs vote: a French name for French, an English one for English."""
    from conftest import group

    from sheetsync.read.headers import find_tabs, tab_language

    raw = group(lang="fr")
    raw["Participants"] = raw.pop("Membres")
    assert tab_language(find_tabs(raw)) == "fr"
    assert report_of(raw).settings.language == "fr"
    english = group(lang="en")
    english["Participants"] = english.pop("Members")
    assert tab_language(find_tabs(english)) == "en"
    assert tab_language(find_tabs({"Membres": [], "Trips": [], "Vehicles": []})) == "en"  # two to one


def test_a_column_of_money_the_logbook_holds_and_nothing_reads_is_said_with_its_amount():
    """A trial: a "Péage (€)" column inserted in Trajets, 12,40 and 30 typed in it: "Aucune
    anomalie.", and 42,40 € in none of the figures. A logbook column whose header names a currency
    and no field is a warning at its header, with the amount, and that amount is said left out; a
    header without a currency ("Péage") is a column of notes, and "Conducteur" names none."""
    from conftest import consecutive_trips, group

    raw = group(lang="fr", trips=consecutive_trips(("Laurent", 100), ("Catherine", 300), ("Julien", 50)))
    raw["Trajets"][0].append("Péage (€)")
    raw["Trajets"][1].append("12,40")
    raw["Trajets"][3].append(30)
    report = report_of(raw)
    (said,) = [p for p in report.problems if p.code == "column.unread_money"]
    assert (said.tab, said.row, said.column, said.severity.value) == ("Trajets", 1, "Péage (€)", "error")
    assert "42,4 en tout" in said.message and "Dépenses" in said.hint
    assert report.left_out.amount == D("42.40") and len(report.book.trips) == 3
    raw["Trajets"][0][-1] = "Péage"
    assert "column.unread_money" not in {p.code for p in report_of(raw).problems}
    # a review: a trip's cost worked out beside it (km × rate) names no expense; the hint would double it
    raw["Trajets"][0][-1] = "Coût (€)"
    assert "column.unread_money" not in {p.code for p in report_of(raw).problems}
