"""`sheetsync agreement`: the group's agreement states every rule its workbook applies, and changes
with it."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_xlsx

from sheetsync.app.cli import cli
from sheetsync.backends import office


def workbook(settings=(), lang="en"):
    fr = lang == "fr"
    return {
        ("Paramètres" if fr else "Settings"): [["Setting", "Value"], *map(list, settings)],
        ("Membres" if fr else "Members"): [
            ["Name", "Joined", "Left", "Deposit"],
            ["Anne", date(2024, 1, 1), None, None],
            ["Bruno", date(2024, 1, 1), None, None],
            ["Chloé", date(2025, 3, 15), None, 300],
            ["Denis", date(2024, 1, 1), date(2025, 6, 30), 150],
        ],
        ("Véhicules" if fr else "Vehicles"): [
            ["Vehicle", "Owner", "Plate", "Inspection due", "Insurance renewal", "Tank (L)"],
            ["Kangoo", "Anne 60%, Bruno 40%", "GH-789-JK", date(2026, 5, 12), date(2026, 3, 1), 50],
        ],
        ("Trajets" if fr else "Trips"): [
            ["Date", "Driver", "Odometer start", "Odometer end"],
            [date(2025, 4, 2), "Chloé", 30000, 30120],
        ],
    }


def agreement(tmp_path, settings=(), lang="en", *extra):
    path = write_xlsx(tmp_path / "Les Voisins.xlsx", workbook(settings, lang))
    result = CliRunner().invoke(cli, ["agreement", str(path), "--as-of", "2025-12-31", *extra])
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())  # sentences, whatever the line breaks


def test_the_agreement_states_each_setting_of_the_workbook(tmp_path):
    text = agreement(
        tmp_path,
        [("group", "Les Voisins"), ("split.insurance", "equal"), ("settlement", "hub"), ("settlement_hub", "Anne")],
    )
    assert text.startswith("# Car-sharing agreement of Les Voisins")
    # members and when they joined or left
    assert "| Chloé | 15 Mar 2025 | — |" in text and "| Denis | 1 Jan 2024 | 30 Jun 2025 |" in text
    # vehicles, plates, owners and shares; insurance and inspection dates
    assert "**Kangoo**, registration GH-789-JK, owned by Anne (60%), Bruno (40%)." in text
    assert "Its tank holds 50 litres." in text
    assert (
        "the insurance is to be renewed by 1 Mar 2026; the next roadworthiness inspection is due by 12 May 2026."
        in text
    )
    # the cost rule and the split of each category
    assert "The vehicles are shared at their real cost" in text
    assert "| Insurance | shared in equal parts among the vehicle's users" in text
    assert "| Fuel | shared in proportion to the km each member drove" in text
    assert "| Toll | borne by the member who paid it |" in text
    # period, settlement, rounding
    assert "The accounts are closed every year." in text
    assert "Balances are settled through Anne: each member who owes money pays Anne" in text
    assert "Each transfer is paid to the cent." in text
    # bookings, fines and damage, deposits, joining and leaving
    assert "the member who booked first keeps it" in text
    assert "A fine is borne by the member who paid it." in text
    assert "Damage caused by an accident is borne by the member responsible" in text
    assert "- Chloé: €300.00" in text and "- Denis: €150.00" in text
    assert "after telling the others a month ahead" in text
    # who signs: the members who have not left
    assert "- Chloé: ____" in text and "- Denis: ____" not in text


@pytest.mark.parametrize(
    "setting,value,before,after",
    [
        (
            "cost_mode",
            "fixed",
            "shared at their real cost",
            "pay for each km they drive at a fixed rate of €0.32 per km",
        ),
        ("fuel", "separate", "Fuel is part of the rate", "Fuel is not part of the rate"),
        (
            "split.fine",
            "responsible",
            "A fine is borne by the member who paid it",
            "A fine is borne by the member responsible",
        ),
        ("period", "quarter", "closed every year", "closed every quarter"),
        ("settlement", "hub", "with as few transfers as possible", "settled through Anne"),
        ("round_transfers_to", "1", "paid to the cent", "rounded to the nearest whole EUR"),
        ("priority", "owner", "the member who booked first keeps it", "an owner of the vehicle keeps it"),
        ("consumption_max", "15", "outside 3 to 20 litres", "outside 3 to 15 litres"),
    ],
)
def test_changing_a_setting_changes_the_sentence_that_states_it(tmp_path, setting, value, before, after):
    base = [("rate_per_km", "0.32"), ("settlement_hub", "Anne")] + (
        [("cost_mode", "fixed")] if setting == "fuel" else []
    )
    old = agreement(tmp_path, base)
    new = agreement(tmp_path, base + [(setting, value)])
    assert before in old and before not in new
    assert after in new and after not in old


def test_in_french_from_a_french_workbook(tmp_path):
    text = agreement(tmp_path, [("langue", "fr"), ("période", "mois"), ("arrondi", "0,1")], "fr")
    assert text.startswith("# Convention d'autopartage : Les Voisins")
    assert "appartient à Anne (60 %), Bruno (40 %)" in text
    assert "Les comptes sont arrêtés chaque mois." in text
    assert "Chaque virement est arrondi aux dix centimes" in text
    assert "| Péage | à la charge du membre qui l'a payé |" in text
    assert "- Chloé : 300,00 €" in text


def test_an_output_file_that_cannot_be_written_is_said_in_the_groups_language(tmp_path):
    """The reading's review: "-o" into a folder that does not exist was an "unexpected error"
    quoting Python's English, with advice about the workbook."""
    path = write_xlsx(tmp_path / "Les Voisins.xlsx", workbook([("langue", "fr")], "fr"))
    result = CliRunner().invoke(cli, ["agreement", str(path), "-o", str(tmp_path / "absent" / "a.md")])
    assert result.exit_code == 3 and "unexpected" not in result.stderr and "inattendue" not in result.stderr
    assert "a.md : ce fichier ou ce dossier n'existe pas ; rien n'a été écrit." in result.stderr


def test_a_group_overrides_the_template_with_a_folder_of_its_own(tmp_path):
    own = tmp_path / "our-templates" / "en"
    own.mkdir(parents=True)
    (own / "agreement.md").write_text("{{ group }} agree: {% for m in members %}{{ m.name }} {% endfor %}\n")
    text = agreement(tmp_path, [("group", "Les Voisins")], "en", "--templates", str(own.parent))
    assert text == "Les Voisins agree: Anne Bruno Chloé Denis"


def test_html_escapes_what_cells_say(tmp_path):
    raw = workbook()
    raw["Members"][1][0] = "<b>Anne</b>"
    raw["Vehicles"][1][1] = "<b>Anne</b> 60%, Bruno 40%"
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    result = CliRunner().invoke(cli, ["agreement", str(path), "--format", "html", "--as-of", "2025-12-31"])
    assert result.exit_code == 0, result.output
    assert "<b>Anne" not in result.stdout and "&lt;b&gt;Anne&lt;/b&gt;" in result.stdout
    assert result.stdout.startswith("<!DOCTYPE html>") and "<h2>1. Who takes part</h2>" in result.stdout


def test_pdf_without_libreoffice_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(office, "libreoffice", lambda: None)
    path = write_xlsx(tmp_path / "g.xlsx", workbook())
    result = CliRunner().invoke(cli, ["agreement", str(path), "--format", "pdf", "-o", str(tmp_path / "a.pdf")])
    assert result.exit_code == 2
    assert "LibreOffice is not installed" in result.output
    assert not (tmp_path / "a.pdf").exists()


@pytest.mark.skipif(
    office.libreoffice() is None or shutil.which("pdftotext") is None, reason="needs LibreOffice and poppler-utils"
)
def test_pdf_through_libreoffice(tmp_path):
    import subprocess

    path = write_xlsx(tmp_path / "g.xlsx", workbook([("group", "Les Voisins")]))
    target = tmp_path / "agreement.pdf"
    result = CliRunner().invoke(cli, ["agreement", str(path), "--format", "pdf", "-o", str(target)])
    if result.exit_code == 3:
        pytest.skip(f"LibreOffice cannot convert HTML here (Writer missing?): {result.output}")
    assert result.exit_code == 0, result.output
    assert target.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert "Car-sharing agreement of Les Voisins" in text


def test_the_sample_groups_agreement_states_its_workbook():
    """The French sample (the guide's worked example 2): its members, car, dates and deposits."""
    sample = Path(__file__).resolve().parents[1] / "sample_workbooks" / "exemple-laurent.xlsx"
    result = CliRunner().invoke(cli, ["agreement", str(sample), "--as-of", "2025-12-31"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert text.startswith("# Convention d'autopartage : Rue des Lilas")
    assert "| Julien | 1er sept. 2024 | — |" in text
    assert "**Clio**, immatriculé AB-123-CD, appartient à Laurent." in text
    assert (
        "l'assurance est à renouveler avant le 1er mars 2026 ; le prochain contrôle technique est à faire avant le 12 mai 2026."
        in text
    )
    assert "Les véhicules sont partagés à leur coût réel" in text
    assert "Les comptes sont arrêtés chaque année." in text
    assert "- Catherine : 300,00 €" in text and "- Julien : 300,00 €" in text


def test_the_agreement_names_the_tabs_as_the_group_does(tmp_path):
    raw = workbook((("langue", "fr"),), "fr")
    raw["Carnet de bord"] = raw.pop("Trajets")  # the group's own name for its logbook
    path = write_xlsx(tmp_path / "Les Voisins.xlsx", raw)
    result = CliRunner().invoke(cli, ["agreement", str(path), "--as-of", "2025-12-31"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert "(l'onglet Carnet de bord)" in text
    assert "l'onglet Réservations" in text  # a tab the workbook does not have: its standard name
