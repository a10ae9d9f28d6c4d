"""Workbooks shaped the way groups keep them (items 9-12 of the real-workbooks issue), as real files."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
from build_fixtures import saved_by_libreoffice
from conftest import consecutive_trips, group, report_of_file, write_xlsx
from openpyxl.worksheet.table import Table

AS_OF = date(2025, 12, 31)


def km(report):
    return {m.name: m.km for m in report.computation.members}


def notes(report, code):
    return [(p.tab, p.row, p.message) for p in report.problems if p.code == code]


def two_cars():
    raw = group(members=("Laurent", "Catherine", "Julien"))
    raw["Vehicles"].append(["Kangoo", "Catherine", None])
    return raw


# 9. several logbook tabs; Google Forms responses tabs ----------------------------------------


def test_one_logbook_tab_per_year_and_per_car(tmp_path):
    raw = two_cars()
    header = ["Date", "Driver", "Odometer start", "Odometer end"]
    del raw["Trips"]
    raw["Clio 2024"] = [header, ["12/03", "Julien", 1000, 1100], ["20/12", "Laurent", 1100, 1150]]
    raw["Clio 2025"] = [header, ["05/01", "Julien", 1150, 1400]]
    raw["Kangoo"] = [header, [date(2025, 2, 1), "Laurent", 500, 530]]
    report = report_of_file(write_xlsx(tmp_path / "tabs.xlsx", raw))
    assert [p for p in report.problems if p.is_error] == []
    assert sorted((t.source.tab, t.date.date(), t.vehicle, t.km) for t in report.book.trips) == [
        ("Clio 2024", date(2024, 3, 12), "Clio", 100),
        ("Clio 2024", date(2024, 12, 20), "Clio", 50),
        ("Clio 2025", date(2025, 1, 5), "Clio", 250),
        ("Kangoo", date(2025, 2, 1), "Kangoo", 30),
    ]


def test_listed_logbook_tabs_and_an_unread_one_is_a_warning(tmp_path):
    raw = group(trips=consecutive_trips(("Julien", 100)), settings=[("onglets_trajets", "Carnet 2025")])
    raw["Carnet 2025"] = [["Date", "Chauffeur", "Km départ", "Km arrivée"], [date(2025, 5, 1), "Catherine", 2000, 2040]]
    report = report_of_file(write_xlsx(tmp_path / "listed.xlsx", raw))
    assert km(report) == {"Laurent": 0, "Catherine": 40, "Julien": 0}
    assert notes(report, "tab.unread") == [("Trips", None, 'The tab "Trips" looks like a logbook but is not read.')]


def test_a_google_forms_responses_tab_is_a_logbook(tmp_path):
    raw = group(trips=consecutive_trips(("Julien", 100)))
    raw["Members"] = [["Name", "Email"], ["Laurent", "l@example.org"], ["Catherine", "Cath@Example.org"], ["Julien"]]
    raw["Réponses au formulaire 1"] = [
        ["Horodateur", "Adresse e-mail", "Km départ", "Km arrivée", "Carburant (€)"],
        [datetime(2025, 2, 3, 18, 42), "cath@example.org", 10100, 10180, 30],
        [datetime(2025, 2, 9, 9, 5), "inconnu@example.org", 10180, 10200, None],
    ]
    report = report_of_file(write_xlsx(tmp_path / "form.xlsx", raw))
    assert km(report) == {"Laurent": 0, "Catherine": 80, "Julien": 100}
    assert {m.name: m.paid for m in report.computation.members}["Catherine"] == D("30.00")
    assert notes(report, "ref.respondent") == [
        ("Réponses au formulaire 1", 3, '"inconnu@example.org" is not the Email of any member.')
    ]


def test_a_forms_tab_alone_is_the_logbook_and_another_the_expenses(tmp_path):
    raw = group()
    del raw["Trips"], raw["Expenses"]
    raw["Members"] = [["Name", "Email"], ["Laurent", "l@example.org"], ["Catherine", "c@example.org"], ["Julien"]]
    raw["Form Responses 1"] = [
        ["Timestamp", "Email address", "Driver", "Odometer start", "Odometer end"],
        [datetime(2025, 3, 1, 10, 0), "l@example.org", "Julien", 1000, 1200],
    ]
    raw["Form Responses 2"] = [
        ["Timestamp", "Email address", "Category", "Amount"],
        [datetime(2025, 3, 2, 10, 0), "c@example.org", "insurance", 300],
    ]
    report = report_of_file(write_xlsx(tmp_path / "forms.xlsx", raw))
    assert km(report)["Julien"] == 200
    assert [(e.paid_by, e.category, e.amount) for e in report.book.expenses] == [("Catherine", "insurance", D(300))]


# 10. km only ---------------------------------------------------------------------------------


def test_a_logbook_of_km_only(tmp_path):
    raw = group(expenses=[[date(2025, 6, 1), "Laurent", "insurance", 300]])
    raw["Trips"] = [
        ["Date", "Conducteur", "Km parcourus"],
        [date(2025, 1, 5), "Julien", 200],
        [date(2025, 2, 5), "Catherine", 100],
    ]
    report = report_of_file(write_xlsx(tmp_path / "km.xlsx", raw))
    assert km(report) == {"Laurent": 0, "Catherine": 100, "Julien": 200}
    assert {m.name: m.bears for m in report.computation.members} == {
        "Laurent": D(0),
        "Catherine": D("100.00"),
        "Julien": D("200.00"),
    }


# 11. sheet furniture ---------------------------------------------------------------------------


def test_an_excel_table_totals_row_a_sum_row_and_month_headings_are_skipped(tmp_path):
    path = tmp_path / "furniture.xlsx"
    raw = group(trips=[])
    raw["Trips"] = [
        ["Date", "Driver", "Odometer start", "Odometer end", "Fuel paid"],
        ["FÉVRIER"],
        [date(2025, 2, 1), "Julien", 1000, 1100, 30],
        [date(2025, 2, 8), "Catherine", 1100, 1150, None],
        ["Mars 2025"],
        [date(2025, 3, 1), "Julien", 1150, 1200, 20],
        [None, None, None, None, 50],  # an unlabelled sum of the fuel
    ]
    write_xlsx(path, raw)
    wb = openpyxl.load_workbook(path)
    ws = wb["Expenses"]
    ws.append([date(2025, 5, 1), "Laurent", "insurance", 300])
    ws.append([date(2025, 6, 1), "Laurent", "repair", 100])
    ws.append(["Total", None, None, "=SUBTOTAL(109,Frais[Amount])"])
    table = Table(displayName="Frais", ref="A1:E4")
    table.totalsRowCount = 1
    ws.add_table(table)
    wb.save(path)
    report = report_of_file(path)
    assert [p for p in report.problems if p.is_error] == []
    assert notes(report, "row.heading") == [
        ("Trips", 2, 'A heading row ("FÉVRIER"): skipped.'),
        ("Trips", 5, 'A heading row ("Mars 2025"): skipped.'),
    ]
    assert notes(report, "row.sum") == [("Trips", 7, "A row of sums of the rows above: skipped.")]
    assert notes(report, "row.table_total") == [("Expenses", 4, "The totals row of the table Frais: skipped.")]
    assert km(report) == {"Laurent": 0, "Catherine": 50, "Julien": 150}
    assert sum(vp.costs for vp in report.computation.periods) == D(450)


def test_a_trip_still_out_is_not_counted_yet(tmp_path):
    raw = group(trips=consecutive_trips(("Julien", 100), start_day=date(2025, 12, 1)))
    raw["Trips"].append([date(2025, 12, 28), "Catherine", 10100, None])
    report = report_of_file(write_xlsx(tmp_path / "out.xlsx", raw))
    assert notes(report, "trip.in_progress") == [
        ("Trips", 3, "A trip still out: started at 10100 km on 28 Dec 2025, no end reading yet. Not counted yet.")
    ]
    assert [p for p in report.problems if p.is_error] == []
    assert km(report)["Catherine"] == 0
    older = report_of_file(write_xlsx(tmp_path / "old.xlsx", raw), as_of=date(2026, 1, 10))
    assert [(p.row, p.code) for p in older.problems if p.is_error] == [(3, "value.missing")]


# 14. the only vehicle rejected -------------------------------------------------------------------


def test_when_the_only_vehicle_is_rejected_trips_say_so_in_the_groups_language(tmp_path):
    raw = group(lang="fr", owner="Personne", trips=consecutive_trips(("Julien", 100)))
    report = report_of_file(write_xlsx(tmp_path / "v.xlsx", raw))
    (p,) = [p for p in report.problems if p.code == "ref.no_vehicle"]
    assert (p.tab, p.row, p.column) == ("Trajets", 2, "Véhicule")
    assert p.message == "Aucun véhicule n'est utilisable : chaque ligne de l'onglet Véhicules a une erreur."


# 12. Prénom + Nom; .xls ----------------------------------------------------------------------------


def test_first_and_last_name_columns_make_the_members_names(tmp_path):
    raw = group(trips=[])
    raw["Members"] = [["Prénom", "Nom"], ["Laurent", "Petit"], ["Marie", "Durand"], ["Marie", "Lefèvre"]]
    raw["Vehicles"][1][1] = "Laurent Petit"
    raw["Trips"] += [[date(2025, 1, 5), "Marie Durand", 1000, 1100], [date(2025, 1, 6), "laurent", 1100, 1150]]
    report = report_of_file(write_xlsx(tmp_path / "names.xlsx", raw))
    assert report.book.member_names() == ["Laurent", "Marie Durand", "Marie Lefèvre"]
    assert [p for p in report.problems if p.is_error] == []
    assert km(report) == {"Laurent": 50, "Marie Durand": 100, "Marie Lefèvre": 0}


def test_an_xls_workbook_is_read_and_sync_says_how_to_save_it(tmp_path, example2):
    from click.testing import CliRunner

    from sheetsync.app.cli import cli

    xls = saved_by_libreoffice(write_xlsx(tmp_path / "old.xlsx", example2), tmp_path, "xls")
    before = xls.read_bytes()
    result = CliRunner().invoke(cli, ["report", str(xls), "--format", "json", "--as-of", "2025-12-31"])
    assert result.exit_code == 0, result.output
    assert '"balance": "-467.98"' in result.stdout
    result = CliRunner().invoke(cli, ["sync", str(xls), "--as-of", "2025-12-31"])
    assert result.exit_code == 2
    assert "old.xls is in the old Excel format (.xls): sheetsync reads it but cannot write into it." in result.output
    assert "save it as .xlsx (File > Save as > Excel Workbook), then run sync on old.xlsx." in result.output
    assert xls.read_bytes() == before


# 13. refunds and a kitty ---------------------------------------------------------------------------


def test_an_insurers_refund_lowers_the_pool(tmp_path):
    raw = group(
        trips=consecutive_trips(("Catherine", 300), ("Julien", 100)),
        expenses=[
            [date(2025, 2, 1), "Laurent", "repair", 1000],
            [date(2025, 4, 1), "Laurent", "repair", "-200"],  # the garage's goodwill, as a negative amount
            [date(2025, 5, 1), "Laurent", "Remboursement réparation", 400],  # the insurer, by the category
            [date(2025, 6, 1), "Julien", "Remboursement", 10],
        ],
    )
    report = report_of_file(write_xlsx(tmp_path / "refund.xlsx", raw))
    (vp,) = report.computation.periods
    assert vp.costs_by_category == {"repair": D(400)}
    assert {m.name: m.bears for m in report.computation.members} == {
        "Laurent": D(0),
        "Catherine": D("300.00"),
        "Julien": D("100.00"),
    }
    assert {m.name: m.balance for m in report.computation.members}["Laurent"] == D("400.00")
    assert [(p.row, p.code) for p in report.problems if p.is_error] == [(5, "expense.refund_category")]


def test_a_kitty_holds_money_and_bears_no_share(tmp_path):
    raw = group(
        members=("Laurent", "Catherine", "Cagnotte"),
        settings=[("cagnotte", "Cagnotte"), ("split.insurance", "equal")],
        trips=consecutive_trips(("Catherine", 300), ("Laurent", 100)),
        expenses=[[date(2025, 2, 1), "Cagnotte", "insurance", 600], [date(2025, 3, 1), "Laurent", "fuel", 100]],
        payments=[[date(2025, 1, 10), "Catherine", "Cagnotte", 500], [date(2025, 1, 10), "Laurent", "Cagnotte", 500]],
    )
    report = report_of_file(write_xlsx(tmp_path / "kitty.xlsx", raw))
    bears = {m.name: m.bears for m in report.computation.members}
    assert bears == {"Laurent": D("325.00"), "Catherine": D("375.00"), "Cagnotte": D(0)}
    balances = {m.name: m.balance for m in report.computation.members}
    assert balances == {"Laurent": D("275.00"), "Catherine": D("125.00"), "Cagnotte": D("-400.00")}
    assert sorted((t.sender, t.recipient, t.amount) for t in report.settlement.transfers) == [
        ("Cagnotte", "Catherine", D("125.00")),
        ("Cagnotte", "Laurent", D("275.00")),
    ]
    from sheetsync.notify.plan import plan

    assert [n.member for n in plan(report, "settlement").notices] == ["Laurent", "Catherine"]


def test_a_kitty_not_listed_in_members(tmp_path):
    raw = group(
        settings=[("kitty", "Pot")],
        trips=consecutive_trips(("Catherine", 100)),
        payments=[[date(2025, 1, 10), "Catherine", "Pot", 50]],
    )
    report = report_of_file(write_xlsx(tmp_path / "pot.xlsx", raw))
    assert [p for p in report.problems if p.is_error] == []
    assert {m.name: m.balance for m in report.computation.members}["Pot"] == D("-50.00")
