"""Fuel economy: l/100 km from full tank to full tank, price per litre, and the warnings on a fill's row.

The hand-computed case (one Clio, 45 L tank):
  row 2  trip 10000 → 10400, 40 L, 70.00 €, full       first full tank: the start, not an interval
  row 3  trip 10400 → 10900, 20 L, 36.00 €, not full   partial: its 20 L go to the next full tank
  row 4  trip 10900 → 11200, 17.5 L, 31.50 €, full     interval 800 km, 37.5 L: 4.6875 l/100 km
  row 5  trip 11200 → 11700, no fuel
  Expenses row 2, 1 March: 30 L, 54.00 €, full         odometer 11700: 500 km, 30 L: 6 l/100 km
Year 2025: 107.5 L; (37.5 + 30) L / (800 + 500) km = 5.1923… l/100 km; 191.50 € / 107.5 L = 1.7814 € a litre.
"""

import json
from datetime import date, datetime
from decimal import Decimal as D

from click.testing import CliRunner
from conftest import codes, report_of, write_xlsx

from sheetsync.app.cli import cli
from sheetsync.present.tabs import generated_tables


def fuel_group(extra_trips=(), extra_expenses=(), settings=(), tank=45):
    return {
        "Settings": [["Setting", "Value"], *map(list, settings)],
        "Members": [["Name"], ["Laurent"], ["Catherine"], ["Julien"]],
        "Vehicles": [["Vehicle", "Owner", "Tank (L)"], ["Clio", "Laurent", tank]],
        "Trips": [
            ["Date", "Driver", "Odometer start", "Odometer end", "Fuel paid", "Litres", "Full tank"],
            [date(2025, 1, 5), "Laurent", 10000, 10400, 70, 40, None],
            [date(2025, 1, 20), "Catherine", 10400, 10900, 36, 20, "non"],
            [date(2025, 2, 3), "Julien", 10900, 11200, "31,50", "17,5", "oui"],
            [date(2025, 2, 20), "Laurent", 11200, 11700, None, None, None],
            *map(list, extra_trips),
        ],
        "Expenses": [
            ["Date", "Paid by", "Category", "Amount", "Litres", "Full tank"],
            [date(2025, 3, 1), "Laurent", "fuel", 54, 30, None],
            *map(list, extra_expenses),
        ],
    }


def fuel_codes(report):
    return [c for c in codes(report) if c[3].startswith(("fuel.", "value.yes_no"))]


def test_full_to_full_on_a_hand_computed_case():
    report = report_of(fuel_group())
    assert fuel_codes(report) == []
    (year,) = report.fuel
    assert (year.vehicle, year.period.id) == ("Clio", "2025")
    assert year.litres == D("107.5")
    assert (year.interval_km, year.interval_litres) == (D(1300), D("67.5"))
    assert year.l_per_100km.quantize(D("0.0001")) == D("5.1923")
    assert year.price_per_litre.quantize(D("0.0001")) == D("1.7814")


def test_by_month_an_interval_counts_in_the_month_of_the_full_tank_that_ends_it():
    report = report_of(fuel_group(settings=[("period", "month")]))
    months = {f.period.id: f for f in report.fuel}
    assert months["2025-01"].litres == D(60) and months["2025-01"].l_per_100km is None
    assert months["2025-02"].l_per_100km == D("4.6875")
    assert months["2025-03"].l_per_100km == D(6)


def test_summary_tab_report_json_and_text_show_the_fuel_figures(tmp_path):
    report = report_of(fuel_group())
    summary = next(t for t in generated_tables(report, "x", report.as_of) if t.id == "summary")
    headers = [c.header for c in summary.columns]
    row = summary.rows[0]
    assert row[headers.index("Litres")] == D("107.5")
    assert row[headers.index("L/100 km")] == D("5.19")
    assert row[headers.index("Price per litre")].quantize(D("0.0001")) == D("1.7814")
    path = write_xlsx(tmp_path / "g.xlsx", fuel_group())
    result = CliRunner().invoke(cli, ["report", str(path), "--format", "json", "--as-of", "2025-12-31"])
    period = json.loads(result.stdout)["vehicles"][0]["periods"][0]
    assert period["fuel"] == {"litres": "107.50", "l_per_100km": "5.19", "price_per_litre": "1.781"}
    text = CliRunner().invoke(cli, ["report", str(path), "--as-of", "2025-12-31"]).stdout
    assert "L/100 km" in text and "5.19" in text and "€1.7814" in text


def test_digest_states_the_fuel_figures(tmp_path):
    raw = fuel_group(settings=[("treasurer", "Laurent")])
    raw["Members"] = [["Name", "Email"], ["Laurent", "laurent@example.org"], ["Catherine"], ["Julien"]]
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    result = CliRunner().invoke(cli, ["notify", str(path), "--kind", "digest", "--as-of", "2025-12-31"])
    assert "fuel: 107.5 L, 5.19 l/100 km, €1.7814 per litre" in result.stdout


def test_a_fill_larger_than_the_tank_is_a_warning_at_its_litres_cell():
    report = report_of(fuel_group(extra_expenses=[[date(2025, 4, 1), "Julien", "fuel", 95, 52, None]]))
    assert ("Expenses", 3, "Litres", "fuel.over_tank") in fuel_codes(report)
    warning = next(p for p in report.problems if p.code == "fuel.over_tank")
    assert warning.message == "52 L is more than the tank of Clio holds (45 L)."


def test_an_implausible_interval_is_a_warning_and_the_band_is_a_setting():
    # 40 L over the 100 km after the March receipt: 40 l/100 km
    trips = [[date(2025, 3, 10), "Julien", 11700, 11800, 72, 40, None]]
    report = report_of(fuel_group(extra_trips=trips))
    assert fuel_codes(report) == [("Trips", 6, "Litres", "fuel.consumption")]
    assert "40 l/100 km since the last full tank (40 L over 100 km)" in report.problems[0].message
    wider = report_of(fuel_group(extra_trips=trips, settings=[("consumption_max", "45")]))
    assert fuel_codes(wider) == []


def test_a_price_far_from_the_vehicles_median_is_the_misplaced_comma():
    expenses = [[date(2025, 4, 1), "Julien", "fuel", "7,24", 40, "non"]]  # 72,4 typed 7,24
    report = report_of(fuel_group(extra_expenses=expenses))
    assert fuel_codes(report) == [("Expenses", 3, "Amount", "fuel.price")]
    warning = next(p for p in report.problems if p.code == "fuel.price")
    assert warning.message == "0.181 per litre, far from the 1.8 per litre usual for Clio."


def test_a_full_tank_cell_that_is_neither_yes_nor_no_is_a_warning_and_reads_as_full():
    report = report_of(fuel_group(extra_expenses=[[date(2025, 4, 1), "Julien", "fuel", 18, 10, "peut-être"]]))
    assert fuel_codes(report) == [("Expenses", 3, "Full tank", "value.yes_no")]
    assert report.fuel[0].litres == D("117.5")


def test_french_headers_plein_complet_and_reservoir():
    raw = fuel_group()
    raw["Vehicles"][0] = ["Vehicle", "Owner", "Réservoir (L)"]
    raw["Trips"][0][-1] = "Plein complet"
    report = report_of(raw)
    assert report.fuel[0].l_per_100km.quantize(D("0.01")) == D("5.19")
    assert report.book.vehicles[0].tank == 45


def test_numbers_in_a_french_groups_warnings_are_written_the_french_way():
    """A French treasurer reads 0,181 and 52,5 L, not 0.181 and 52.5 L: numbers in messages have
    the language's decimal sign, and no thousands separator (as the cells hold them)."""
    expenses = [
        [date(2025, 4, 1), "Julien", "fuel", "7,24", 40, "non"],
        [date(2025, 5, 1), "Julien", "fuel", 95, "52,5", "non"],
    ]
    report = report_of(fuel_group(extra_expenses=expenses, settings=[("language", "fr")]))
    messages = {p.code: p.message for p in report.problems if p.code.startswith("fuel.")}
    assert messages["fuel.price"].startswith("0,181 ") and "1,8 " in messages["fuel.price"]
    assert messages["fuel.over_tank"].startswith("52,5 L,")
    thousands = report_of(
        fuel_group(
            extra_trips=[[date(2025, 3, 10), "Julien", 11700, 13800, 72, 4, None]], settings=[("language", "fr")]
        )
    )
    (consumption,) = [p.message for p in thousands.problems if p.code == "fuel.consumption"]
    assert "(4 L sur 2100 km)" in consumption  # as the cells hold them: searchable in the sheet


def test_a_fill_too_large_typed_on_a_phone_is_said_at_the_entries_tabs_column():
    """A reading: fuel warnings named the Expenses tab's column for a row of the Entries tab."""
    raw = fuel_group()
    raw["Expenses"][0][4] = "Liters"  # the Expenses tab's own heading, not the Entries tab's
    raw["Entries"] = [
        ["Phone entries"],
        ["Saisi le", "Type", "Membre", "Véhicule", "Date", "Catégorie", "Montant", "Litres"],
        [datetime(2025, 4, 1, 9), "dépense", "Julien", "Clio", datetime(2025, 4, 1, 9), "carburant", 95, 52],
    ]
    assert [c for c in fuel_codes(report_of(raw)) if c[0] == "Entries"] == [("Entries", 3, "Litres", "fuel.over_tank")]
