"""Items 15-22 of the real-workbooks issue, as a user would expect them, on real files."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal

from conftest import consecutive_trips, group, read_eml, read_xlsx, report_of_file, text_part, write_xlsx
from conftest import run_cli as run

from sheetsync.i18n import t


# 15
def test_init_into_a_folder_that_does_not_exist(tmp_path):
    result = run("init", tmp_path / "nodir" / "x.xlsx")
    assert result.exit_code == 2
    assert f"The folder {tmp_path / 'nodir'} does not exist." in result.output
    assert "Traceback" not in result.output


# 16
def test_a_whole_day_booking(tmp_path):
    raw = group(bookings=[["Julien", "14/01/2026", "14/01/2026"]])
    report = report_of_file(write_xlsx(tmp_path / "b.xlsx", raw), as_of=date(2026, 1, 10))
    assert [p for p in report.problems if p.code == "booking.end_before_start"] == []
    (booking,) = report.book.bookings
    assert (booking.start.isoformat(), booking.end.isoformat()) == ("2026-01-14T00:00:00", "2026-01-15T00:00:00")


# 17
def test_no_advance_of_nothing_nor_to_a_member_who_left(tmp_path):
    raw = group(
        members=("Marie", "Nouvelle", "Partie", "Zéro"),
        owner="Marie",
        settings=[("cost_mode", "fixed"), ("fuel", "separate"), ("rate_per_km", "0,20")],
    )
    raw["Members"] = [
        ["Name", "Email", "Expected km per year", "Left"],
        ["Marie", "m@example.org"],
        ["Nouvelle", "n@example.org", 4000],
        ["Partie", "p@example.org", 4000, date(2025, 12, 1)],
        ["Zéro", "z@example.org", 0],
    ]
    out = tmp_path / "out"
    result = run(
        "notify", write_xlsx(tmp_path / "a.xlsx", raw), "--kind", "advance", "--outbox", out, "--as-of", "2026-01-05"
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["advance-2026-Q1-Nouvelle.eml"]


def test_the_suggested_advances_leave_out_who_left_and_advances_of_nothing(tmp_path):
    """The same advances everywhere (the Balances tab, the JSON, the notices): none for a member
    who has left, none of zero (a fixed rate less fuel that leaves nothing)."""
    raw = group(
        members=("Marie", "Nouvelle", "Partie"),
        owner="Marie",
        settings=[("cost_mode", "fixed"), ("fuel", "separate"), ("rate_per_km", "0,20")],
    )
    raw["Members"] = [
        ["Name", "Expected km per year", "Left"],
        ["Marie"],
        ["Nouvelle", 4000],
        ["Partie", 4000, date(2025, 12, 1)],
    ]
    data = json.loads(
        run("report", write_xlsx(tmp_path / "a.xlsx", raw), "--format", "json", "--as-of", "2026-01-05").stdout
    )
    assert [a["member"] for a in data["advances"]] == ["Nouvelle"]
    raw["Settings"][-1] = ["rate_per_km", "0"]
    data = json.loads(
        run("report", write_xlsx(tmp_path / "z.xlsx", raw), "--format", "json", "--as-of", "2026-01-05").stdout
    )
    assert data["advances"] == []


# 18
def test_french_elides_before_a_vowel(tmp_path):
    assert t("fr", "No booking covers this trip of {vehicle} on {day}.", vehicle="Espace", day="2025-01-03") == (
        "Aucune réservation ne couvre ce trajet d'Espace le 2025-01-03."
    )
    raw = group(
        lang="fr",
        members=("Ahmed", "Catherine"),
        owner="Ahmed",
        trips=consecutive_trips(("Catherine", 100)),
        expenses=[[date(2025, 2, 1), "Ahmed", "assurance", 300]],
    )
    raw["Membres"] = [["Nom", "Courriel"], ["Ahmed", "a@example.org"], ["Catherine", "c@example.org"]]
    out = tmp_path / "out"
    assert (
        run(
            "notify",
            write_xlsx(tmp_path / "f.xlsx", raw),
            "--kind",
            "settlement",
            "--outbox",
            out,
            "--as-of",
            "2025-12-31",
        ).exit_code
        == 0
    )
    ahmed = read_eml(out / "settlement-2025-Ahmed.eml")
    assert "  - 300,00\u00a0€ de Catherine" in text_part(ahmed)
    catherine = read_eml(out / "settlement-2025-Catherine.eml")
    assert "  - 300,00\u00a0€ à Ahmed" in text_part(catherine)


# 19
def test_the_calendar_names_every_booking_it_leaves_out(tmp_path):
    raw = group(
        bookings=[["Julien", "14/01/2026 09:00", "14/01/2026 12:00"], ["Zoé", "15/01/2026 09:00", "15/01/2026 12:00"]]
    )
    result = run("calendar", write_xlsx(tmp_path / "c.xlsx", raw), "-o", tmp_path / "c.ics", "--as-of", "2026-01-10")
    assert result.exit_code == 0, result.output
    assert "1 booking is not in the calendar: its row has an error." in result.output
    assert 'error   Bookings, row 3, Member: "Zoé" is not in the Members tab. [ref.member]' in result.output


def test_the_calendar_names_a_phone_booking_it_leaves_out_too(tmp_path):
    """A booking made from a phone lives in the Entries tab: left out for an error, it is named as
    a row of the Bookings tab is, and no other entry's error is counted as a booking."""
    import openpyxl

    from sheetsync import api

    path = write_xlsx(tmp_path / "c.xlsx", group(expenses=[[date(2026, 1, 2), "Laurent", "fuel", 30]]))
    when = datetime(2026, 1, 5, 18)
    booking = {"vehicle": "Clio", "date": datetime(2026, 1, 14, 9), "end": datetime(2026, 1, 14, 12)}
    assert api.submit_entry(str(path), "Julien", "booking", booking, when).written
    expense = {"vehicle": "Clio", "date": datetime(2026, 1, 5, 9), "category": "fuel", "amount": Decimal("20")}
    assert api.submit_entry(str(path), "Julien", "expense", expense, when).written
    wb = openpyxl.load_workbook(path)
    wb["Entries"]["C3"] = wb["Entries"]["C4"] = "Zoé"  # typed over, by hand: nobody of that name
    wb.save(path)
    result = run("calendar", path, "-o", tmp_path / "c.ics", "--as-of", "2026-01-10")
    assert result.exit_code == 0, result.output
    assert "1 booking is not in the calendar: its row has an error." in result.output
    assert "Entries, row 3" in result.output and "Entries, row 4" not in result.output


# 20
def test_validate_reports_what_sync_would_refuse(tmp_path):
    raw = group(lang="fr", trips=consecutive_trips(("Julien", 100)))
    raw["Soldes"] = [["Mes soldes à moi"]]
    book = write_xlsx(tmp_path / "v.xlsx", raw)
    result = run("validate", book, "--as-of", "2025-12-31")
    assert result.exit_code == 1
    assert (
        "L'onglet « Soldes » porte le nom d'un onglet que sheetsync écrit : sync s'arrête tant qu'il n'est pas renommé."
        in result.output
    )
    assert run("sync", book, "--as-of", "2025-12-31").exit_code == 2


# 21
def test_report_csv_holds_the_transfers_and_every_column_has_a_header(tmp_path, example2):
    book = write_xlsx(tmp_path / "r.xlsx", example2)
    rows = list(csv.reader(io.StringIO(run("report", book, "--format", "csv", "--as-of", "2025-12-31").stdout)))
    assert rows[4:] == [
        [],
        ["from", "to", "amount"],
        ["Catherine", "Laurent", "467.98"],
        ["Julien", "Laurent", "171.54"],
    ]
    table = run("report", book, "--as-of", "2025-12-31").stdout.splitlines()
    assert table[2].split() == ["Member", "Km", "Bears", "Paid", "Balance", "In", "words"]


def test_no_cost_per_km_when_costs_are_split_equally_and_the_rate_labelled(tmp_path):
    raw = group(
        trips=consecutive_trips(("Julien", 100)),
        expenses=[[date(2025, 2, 1), "Laurent", "insurance", 300]],
        settings=[("split.insurance", "equal")],
    )
    data = json.loads(
        run("report", write_xlsx(tmp_path / "e.xlsx", raw), "--format", "json", "--as-of", "2025-12-31").stdout
    )
    assert data["vehicles"][0]["periods"][0]["cost_per_km"] is None
    fixed = group(trips=consecutive_trips(("Julien", 100)), settings=[("cost_mode", "fixed"), ("rate_per_km", "0.30")])
    fixed["Expenses"].append([date(2025, 2, 1), "Laurent", "insurance", 50])
    text = run("report", write_xlsx(tmp_path / "f.xlsx", fixed), "--as-of", "2025-12-31").stdout
    header = next(line for line in text.splitlines() if line.startswith("Vehicle"))
    assert header.split("  ")[0:1] == ["Vehicle"] and "Running cost per km  Rate per km" in header
    assert "0.5000       0.3000" in text


def test_a_household_named_with_an_ampersand_is_one_member_in_every_list(tmp_path):
    """ "Marie & Paul" share one membership: as owner, in a shared-with list and in the revoked
    links they are one member, not "Marie" and "Paul" that nobody knows."""
    raw = group(
        members=("Marie & Paul", "Anne", "Léa"),
        owner="Marie & Paul 60%, Anne 40%",
        trips=consecutive_trips(("Marie & Paul", 100), ("Anne", 50)),
        settings=[("revoked links", "Léa et Marie & Paul")],
    )
    raw["Vehicles"][0].append("Shared with")
    raw["Vehicles"][1].append("Marie & Paul et Anne")
    report = report_of_file(write_xlsx(tmp_path / "h.xlsx", raw))
    assert [p.code for p in report.problems if p.severity == "error"] == []
    (vehicle,) = report.book.vehicles
    assert [name for name, _ in vehicle.owners] == ["Marie & Paul", "Anne"]
    assert vehicle.shared_with == ("Marie & Paul", "Anne")
    assert report.settings.revoked_links == ("Léa", "Marie & Paul")


def test_french_separates_a_list_with_a_spaced_semicolon_and_says_a_self_payment_neutrally(tmp_path):
    """French puts a space before ";" (and "lui-même" would give every member a gender)."""
    raw = group(
        lang="fr",
        owner="Laurent",
        trips=consecutive_trips(("Julien", 300), ("Catherine", 10)),
        expenses=[[date(2025, 2, 1), "Catherine", "assurance", 500], [date(2025, 2, 2), "Laurent", "entretien", 500]],
        payments=[[date(2025, 3, 1), "Laurent", "Laurent", 10]],
    )
    raw["Réservations"] = [
        ["Membre", "Début", "Fin"],
        ["Julien", datetime(2025, 12, 20, 8), datetime(2025, 12, 20, 12)],
        ["Catherine", datetime(2025, 12, 20, 14), datetime(2025, 12, 20, 18)],
    ]
    path = write_xlsx(tmp_path / "f.xlsx", raw)
    checked = run("validate", path, "--as-of", "2025-12-19")
    assert "De et À nomment le même membre : Laurent." in checked.stdout, checked.stdout
    assert run("sync", path, "--as-of", "2025-12-19").exit_code == 1
    tabs = read_xlsx(path)
    (julien,) = [row for row in tabs["Soldes"] if row[0] == "Julien"]
    assert " ; doit " in julien[7] and "; doit" not in julien[7].replace(" ; ", ""), julien[7]
    day = [row for row in tabs["Planning des véhicules"] if row[0] == datetime(2025, 12, 20)]
    assert len(day) == 1 and " ; " in day[0][1], day
