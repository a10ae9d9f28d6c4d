"""Workbooks shaped the way groups keep them, as real files: money is never silently wrong."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal as D

import openpyxl
import pytest
from build_fixtures import saved_by_libreoffice
from conftest import (
    codes,
    consecutive_trips,
    group,
    read_eml,
    report_json,
    report_of,
    report_of_file,
    text_part,
    write_xlsx,
    zip_parts,
)
from conftest import run_cli as run
from hostile_files import names, ods_content, ods_package, ods_rows, part, patched, with_namespace_prefix

AS_OF = date(2025, 12, 31)


def plain_text(eml_path) -> str:
    return text_part(read_eml(eml_path))


def messages(report, code):
    return [(p.tab, p.row, p.column, p.message) for p in report.problems if p.code == code]


def libreoffice_saved(path, out_dir, target="xlsx"):
    """`path` opened and saved again by LibreOffice as `target` (formulas calculated, errors as errors)."""
    return saved_by_libreoffice(path, out_dir, target)


def two_years():
    """2024: Catherine drives 1,000 km of 2,000, costs 400; 2025: 3,000 km of 4,000, costs 1,000,
    and Catherine pays Laurent 150 in March."""
    trips = consecutive_trips(("Laurent", 1000), ("Catherine", 1000), start_day=date(2024, 3, 1))
    trips += consecutive_trips(("Laurent", 1000), ("Catherine", 3000), start_day=date(2025, 3, 1), odometer=12000)
    expenses = [[date(2024, 6, 1), "Laurent", "insurance", 400], [date(2025, 6, 1), "Laurent", "insurance", 1000]]
    payments = [[date(2025, 3, 10), "Catherine", "Laurent", 150]]
    raw = group(members=("Laurent", "Catherine"), trips=trips, expenses=expenses, payments=payments)
    raw["Members"] = [["Name", "Email"], ["Laurent", "laurent@example.org"], ["Catherine", "catherine@example.org"]]
    return raw


# 1. statements for the period ---------------------------------------------------------------


def test_a_statement_for_the_period_carries_the_balance_in(tmp_path):
    book = write_xlsx(tmp_path / "two-years.xlsx", two_years())
    result = run("report", book, "--format", "json", "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    catherine = next(m for m in json.loads(result.stdout)["members"] if m["name"] == "Catherine")
    # to date: bears 200 + 750 = 950, paid 0, sent 150
    assert (catherine["km"], catherine["bears"], catherine["balance"]) == (4000, "950.00", "-800.00")
    assert catherine["period"] == {
        "label": "2025",
        "opening_balance": "-200.00",
        "km": 3000,
        "bears": "750.00",
        "paid": "0.00",
        "payments_sent": "150.00",
        "payments_received": "0.00",
        "closing_balance": "-800.00",
    }


def test_the_settlement_notice_and_the_tab_show_the_period_labelled(tmp_path):
    book = write_xlsx(tmp_path / "two-years.xlsx", two_years())
    out = tmp_path / "out"
    result = run("notify", book, "--kind", "settlement", "--outbox", out, "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    text = plain_text(out / "settlement-2025-Catherine.eml")
    assert "  Balance carried in on 1 Jan 2025    -€200.00\n" in text
    assert "  Km driven in 2025                   3,000\n" in text
    assert "  Your share of the costs of 2025     €750.00\n" in text
    assert "  Payments you sent in 2025           €150.00\n" in text
    assert "  Balance on 31 Dec 2025              -€800.00\n" in text
    assert run("sync", book, "--as-of", "2025-12-31").exit_code == 0
    ws = openpyxl.load_workbook(book)["Balances"]
    header = [c.value for c in ws[2]]
    row = {r[0]: r for r in ws.iter_rows(min_row=3, values_only=True) if r[0]}["Catherine"]
    assert header[8:15] == [
        "Balance carried in",
        "Km in 2025",
        "Bears in 2025",
        "Paid in 2025",
        "Payments sent in 2025",
        "Payments received in 2025",
        "Balance carried out",
    ]
    assert row[8:15] == (-200, 3000, 750, 0, 150, 0, -800)


def test_the_digest_shows_what_each_member_carried_in(tmp_path):
    raw = two_years()
    raw["Settings"].append(["treasurer", "Laurent"])
    book = write_xlsx(tmp_path / "two-years.xlsx", raw)
    out = tmp_path / "out"
    assert run("notify", book, "--kind", "digest", "--outbox", out, "--as-of", "2025-12-31").exit_code == 0
    (eml,) = out.iterdir()
    assert "  - Catherine: -€200.00 carried in, 3,000 km, balance -€800.00" in plain_text(eml)


# 2. units in headers ----------------------------------------------------------------------------


def fuel_logbook(headers, fuel_cells):
    raw = group(trips=consecutive_trips(("Catherine", 100), ("Julien", 100)))
    raw["Trips"][0] = ["Date", "Driver", "Odometer start", "Odometer end", *headers]
    for row, cells in zip(raw["Trips"][1:], fuel_cells, strict=True):
        row[4:] = cells
    return raw


def test_a_litres_column_is_never_read_as_money(tmp_path):
    book = write_xlsx(tmp_path / "l.xlsx", fuel_logbook(["Plein (L)"], [[40], [35]]))
    report = report_of_file(book)
    assert [t.litres for t in report.book.trips] == [D(40), D(35)]
    assert all(m.paid == 0 for m in report.computation.members)


def test_litres_and_euros_side_by_side_each_go_to_their_field(tmp_path):
    raw = fuel_logbook(["Carburant (L)", "Carburant (€)"], [[40, 70], [35, "61,50"]])
    report = report_of_file(write_xlsx(tmp_path / "l.xlsx", raw))
    assert [(t.litres, t.fuel_paid) for t in report.book.trips] == [(D(40), D("70.00")), (D(35), D("61.50"))]
    assert {m.name: m.paid for m in report.computation.members}["Julien"] == D("61.50")


@pytest.mark.parametrize(
    "lang, expenses, header, message",
    [
        (
            "en",
            "Expenses",
            ["Date", "Paid by", "Category", "Amount", "Litres (€)"],
            'The column "Litres (€)" of the Expenses tab is in a currency, but its name says Litres.',
        ),
        (
            "fr",
            "Dépenses",
            ["Date", "Payé par", "Catégorie", "Montant", "Litres (€)"],
            "La colonne « Litres (€) » de l'onglet Dépenses est en monnaie, mais son nom dit Litres.",
        ),
    ],
    ids=["en", "fr"],
)
def test_a_unit_that_contradicts_the_column_stops_the_run_naming_it(tmp_path, lang, expenses, header, message):
    raw = group(lang=lang)
    raw[expenses][0] = header
    result = run("validate", write_xlsx(tmp_path / "u.xlsx", raw))
    assert result.exit_code == 2
    assert message in result.output


# 3. error values ----------------------------------------------------------------------------


def workbook_with_formulas(path):
    raw = group(trips=consecutive_trips(("Catherine", 100), ("Julien", 100), ("Laurent", 100)))
    write_xlsx(path, raw)
    wb = openpyxl.load_workbook(path)
    ws = wb["Trips"]
    ws["E2"] = "=1/0"  # a fuel amount that divides by zero
    ws["B3"] = "=NA()"  # a driver looked up and not found
    ws["E4"] = "=20+30"  # a fine formula
    wb.save(path)
    return path


@pytest.mark.parametrize("target", ["xlsx", "ods"])
def test_error_cells_saved_by_libreoffice_are_errors_at_their_cell(tmp_path, target):
    """In .xlsx, and in LibreOffice's own format, which marks error cells its way: the amount never vanishes."""
    book = libreoffice_saved(workbook_with_formulas(tmp_path / "f.xlsx"), tmp_path / "lo", target)
    report = report_of_file(book)
    assert messages(report, "value.error") == [
        ("Trips", 2, "Fuel paid", "The cell shows the error #DIV/0!: its value is unknown."),
        ("Trips", 3, "Driver", "The cell shows the error #N/A: its value is unknown."),
    ]
    assert "value.missing" not in [p.code for p in report.problems]
    assert [t.source.row for t in report.book.trips] == [4]
    assert report.book.trips[0].fuel_paid == D("50.00")


def test_error_cells_in_french(tmp_path):
    raw = group(lang="fr", trips=consecutive_trips(("Catherine", 100)))
    path = write_xlsx(tmp_path / "fr.xlsx", raw)
    wb = openpyxl.load_workbook(path)
    wb["Trajets"]["E2"] = "#REF!"  # openpyxl writes it as an error cell
    wb.save(path)
    (found,) = messages(report_of_file(path), "value.error")
    assert found == ("Trajets", 2, "Carburant payé", "La cellule affiche l'erreur #REF! : sa valeur est inconnue.")


def test_formulas_saved_without_their_result_are_said(tmp_path):
    report = report_of_file(workbook_with_formulas(tmp_path / "f.xlsx"))
    assert [(row, column) for _, row, column, _ in messages(report, "value.formula")] == [
        (2, "Fuel paid"),
        (3, "Driver"),
        (4, "Fuel paid"),
    ]


def test_a_sheet_written_under_a_namespace_prefix_is_read_the_same(tmp_path):
    """Some programs write <x:row><x:c><x:f>…: a formula saved without its result is said there
    too, and its amount is never read as empty."""
    path = workbook_with_formulas(tmp_path / "f.xlsx")
    data = path.read_bytes()
    sheets = [name for name in names(data) if name.startswith("xl/worksheets/")]
    prefixed = tmp_path / "x.xlsx"
    prefixed.write_bytes(patched(data, {name: with_namespace_prefix(part(data, name)) for name in sheets}))
    assert any(b"<x:f>" in part(prefixed.read_bytes(), name) for name in sheets)
    report = report_of_file(prefixed)
    assert [(row, column) for _, row, column, _ in messages(report, "value.formula")] == [
        (2, "Fuel paid"),
        (3, "Driver"),
        (4, "Fuel paid"),
    ]
    assert report.book.trips == report_of_file(path).book.trips == ()


def strict(data: bytes) -> bytes:
    """The package in ISO 29500 Strict form, as Excel's "Strict Open XML Spreadsheet" saves it."""
    renamed = {
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships": (
            b"http://purl.oclc.org/ooxml/officeDocument/relationships"
        ),
    }
    changes = {}
    for name in names(data):
        xml = part(data, name)
        for old, new in renamed.items():
            xml = xml.replace(old, new)
        changes[name] = xml.replace(b"<workbook ", b'<workbook conformance="strict" ')
    return patched(data, changes)


def test_a_strict_open_xml_workbook_is_read_and_never_written_broken(tmp_path):
    """sync wrote a workbook.xml with the relationships' namespace declared twice: no program
    could open the result. It reads Strict, and refuses to write into it, saying what to do."""
    plain = write_xlsx(tmp_path / "plain.xlsx", group(trips=consecutive_trips(("Catherine", 100), ("Julien", 50))))
    path = tmp_path / "strict.xlsx"
    path.write_bytes(strict(plain.read_bytes()))
    before = path.read_bytes()
    assert report_of_file(path).computation.members == report_of_file(plain).computation.members
    result = run("sync", str(path), "--as-of", "2025-12-31")
    assert result.exit_code == 2, result.output
    assert "saved as Strict Open XML" in result.stderr and "ordinary Excel workbook (.xlsx)" in result.stderr
    assert path.read_bytes() == before and not path.with_name("strict.xlsx.bak").exists()


def mac_workbook(tmp_path):
    """A group's workbook that counts its dates from 1904 (an old Mac setting), its dates typed as
    plain numbers (no date format), and the same workbook counting from 1900 with date cells."""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    raw = group(
        trips=consecutive_trips(("Laurent", 1000, 50), ("Catherine", 500, 30), ("Julien", 500)),
        expenses=[[date(2025, 2, 1), "Laurent", "insurance", 300]],
    )
    plain = write_xlsx(tmp_path / "plain.xlsx", raw)
    wb = openpyxl.load_workbook(plain)
    wb.epoch = CALENDAR_MAC_1904
    for name in ("Trips", "Expenses"):
        for (cell,) in wb[name].iter_rows(min_row=2, max_col=1):
            cell.value = (cell.value - datetime(1904, 1, 1)).days  # as the 1904 system counts it
            cell.number_format = "General"
    wb.save(mac := tmp_path / "mac.xlsx")
    assert b'date1904="1"' in part(mac.read_bytes(), "xl/workbook.xml")
    return mac, plain


def assert_read_the_same(ours, theirs):
    assert [p.code for p in ours.problems] == [p.code for p in theirs.problems]
    assert [t.date for t in ours.book.trips] == [t.date for t in theirs.book.trips]
    assert ours.computation.members == theirs.computation.members
    assert [p.period.id for p in ours.computation.periods] == ["2025"]


def test_dates_typed_as_numbers_in_a_1904_workbook_count_from_1904(tmp_path):
    """A date typed as a number there was read four years early, the trips in another period,
    silently."""
    mac, plain = mac_workbook(tmp_path)
    assert_read_the_same(report_of_file(mac), report_of_file(plain))
    data = mac.read_bytes()  # the setting in single quotes, as XML allows
    quoted = part(data, "xl/workbook.xml").replace(b'date1904="1"', b"date1904='1'")
    (single := tmp_path / "single.xlsx").write_bytes(patched(data, {"xl/workbook.xml": quoted}))
    assert_read_the_same(report_of_file(single), report_of_file(plain))


def test_an_old_excel_file_counting_from_1904_is_read_in_its_own_system_too(tmp_path):
    """The .xls says it in its DATEMODE record."""
    mac, plain = mac_workbook(tmp_path)
    xls = saved_by_libreoffice(mac, tmp_path / "xls", "xls")
    assert_read_the_same(report_of_file(xls), report_of_file(plain))


def trips_sheet_patched(tmp_path, name, change) -> tuple:
    """A logbook of three trips (fuel 50 and 30), its Trips sheet's XML passed through `change`;
    the file, and the plain one."""
    plain = write_xlsx(
        tmp_path / "plain.xlsx",
        group(trips=consecutive_trips(("Laurent", 1000, 50), ("Catherine", 500, 30), ("Julien", 500))),
    )
    data = plain.read_bytes()
    (sheet,) = [n for n in names(data) if n.startswith("xl/worksheets/") and b">Fuel paid<" in part(data, n)]
    path = tmp_path / name
    path.write_bytes(patched(data, {sheet: change(part(data, sheet))}))
    return path, plain


def test_an_error_cell_or_unsaved_formula_without_a_position_is_said_at_its_cell(tmp_path):
    """Cells written without r="…" take the place after the one before: an error or a formula
    without its result there was read as empty, its amount gone without a word."""

    def unplaced(xml: bytes) -> bytes:
        xml = xml.replace(b'<c r="E3" t="n"><v>30</v></c>', b'<c r="E3" t="e"><v>#N/A</v></c>')
        xml = xml.replace(b'<c r="E2" t="n"><v>50</v></c>', b'<c r="E2"><f>20+30</f><v></v></c>')
        return re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", xml)

    path, _ = trips_sheet_patched(tmp_path, "unplaced.xlsx", unplaced)
    assert b'<c r="' not in b"".join(part(path.read_bytes(), n) for n in names(path.read_bytes()) if "sheet4" in n)
    report = report_of_file(path)
    assert messages(report, "value.error") == [
        ("Trips", 3, "Fuel paid", "The cell shows the error #N/A: its value is unknown.")
    ]
    assert [(row, column) for _, row, column, _ in messages(report, "value.formula")] == [(2, "Fuel paid")]
    assert [ref.row for ref in report.left_out.unread] == [2, 3]


def test_a_hidden_row_without_a_position_is_still_hidden(tmp_path):
    def unplaced(xml: bytes) -> bytes:
        xml = re.sub(rb'<row r="[0-9]+"', b"<row", xml).replace(b'<row><c r="A3"', b'<row hidden="1"><c r="A3"', 1)
        return re.sub(rb'<c r="[A-Z]+[0-9]+"', b"<c", xml)

    path, _ = trips_sheet_patched(tmp_path, "hidden.xlsx", unplaced)
    assert b'<row hidden="1">' in b"".join(part(path.read_bytes(), n) for n in names(path.read_bytes()))
    assert [row for _, row, _, _ in messages(report_of_file(path), "row.hidden")] == [3]


def test_a_formula_whose_result_is_empty_text_has_its_result(tmp_path):
    """LibreOffice and Excel save =IF(…;"";…) as t="str" with an empty value: a result, not a
    formula saved without one (which left the trip out, with advice no one could follow)."""

    def empty_text(xml: bytes) -> bytes:
        return xml.replace(
            b'<c r="E3" t="n"><v>30</v></c>', b'<c r="E3" s="0" t="str"><f aca="false">IF(D3&gt;0,"",0)</f><v></v></c>'
        )

    path, plain = trips_sheet_patched(tmp_path, "empty.xlsx", empty_text)
    report = report_of_file(path)
    assert [p for p in report.problems if p.is_error] == []
    assert [t.source.row for t in report.book.trips] == [2, 3, 4]
    assert [t.fuel_paid for t in report.book.trips] == [D("50.00"), None, None]


def test_a_formula_saved_without_its_result_is_shown_as_typed(tmp_path):
    def unsaved(xml: bytes) -> bytes:
        return xml.replace(b'<c r="E3" t="n"><v>30</v></c>', b'<c r="E3"><f>IF(D3&gt;0,"x",0)</f><v></v></c>')

    path, _ = trips_sheet_patched(tmp_path, "typed.xlsx", unsaved)
    ((_, row, column, message),) = messages(report_of_file(path), "value.formula")
    assert (row, column) == (3, "Fuel paid") and '=IF(D3>0,"x",0)' in message


def test_an_ods_formula_saved_without_its_result_is_said_at_its_cell(tmp_path):
    """A program that does not calculate writes table:formula and no value: python-calamine reads
    the cell as empty, and 30 € of fuel was gone without a word (.xlsx said it already)."""
    raw = group(trips=consecutive_trips(("Laurent", 1000, 50), ("Catherine", 500, 30), ("Julien", 500)))
    content = ods_content({name: ods_rows(rows) for name, rows in raw.items()})
    content = content.replace(
        b'<table:table-cell office:value-type="string"><text:p>None</text:p></table:table-cell>', b"<table:table-cell/>"
    )
    fuel = b'<table:table-cell office:value-type="float" office:value="30"><text:p>30</text:p></table:table-cell>'
    assert content.count(fuel) == 1
    computed = content.replace(
        fuel, fuel.replace(b"<table:table-cell ", b'<table:table-cell table:formula="of:=10+20" ')
    )
    unsaved = content.replace(fuel, b'<table:table-cell table:formula="of:=[.C3]*0+10+20"/>')
    (tmp_path / "computed.ods").write_bytes(ods_package(computed))
    (tmp_path / "unsaved.ods").write_bytes(ods_package(unsaved))
    assert [p for p in report_of_file(tmp_path / "computed.ods").problems if p.is_error] == []
    report = report_of_file(tmp_path / "unsaved.ods")
    ((_, row, column, message),) = messages(report, "value.formula")
    assert (row, column) == (3, "Fuel paid") and "=[.C3]*0+10+20" in message
    assert [ref.row for ref in report.left_out.unread] == [3]


@pytest.mark.parametrize("typed", ["$120.50", "120,50 USD", "£120.50", "CHF 120.50", "120.50 GBP"])
def test_an_amount_in_another_currency_is_an_error_not_counted_as_the_groups(typed):
    """A group counting in euros that types "$120.50" was counted 120.50 € without a word."""
    raw = group(
        trips=consecutive_trips(("Laurent", 1000, 50), ("Julien", 500)),
        expenses=[[date(2025, 2, 1), "Laurent", "insurance", typed], [date(2025, 2, 2), "Julien", "repair", "80 €"]],
    )
    report = report_of(raw)
    ((tab, row, column, message),) = messages(report, "value.other_currency")
    assert (tab, row, column) == ("Expenses", 2, "Amount")
    assert message.startswith(f'"{typed}" is in ') and message.endswith(", but the group counts in EUR.")
    assert [e.amount for e in report.book.expenses] == [D("80.00")]
    assert [ref.row for ref in report.left_out.unread] == [2]


def test_a_number_cell_holding_nan_is_an_error_at_its_cell_not_a_crash():
    """A hostile trial: <v>NaN</v> in a money or odometer cell stopped the whole run with "unexpected error"."""
    trips = consecutive_trips(("Laurent", 1000, 50), ("Julien", 500), ("Laurent", 300))
    trips[2][3] = float("nan")
    raw = group(trips=trips, expenses=[[date(2025, 2, 1), "Laurent", "insurance", float("nan")]])
    report = report_of(raw)
    assert [(tab, row, column) for tab, row, column, _ in messages(report, "value.number")] == [
        ("Trips", 4, "Odometer end"),
        ("Expenses", 2, "Amount"),
    ]
    assert not report.book.expenses and [ref.row for ref in report.left_out.unread] == [2]


def test_an_amount_with_three_digits_after_its_decimal_comma_is_an_error_at_its_cell():
    """A treasurer's trial: "1,234" (a thousand, written the English way) was counted 1,23 € in a
    French group, without a word."""
    raw = group(
        trips=consecutive_trips(("Laurent", 1000, 50), ("Julien", 500)),
        expenses=[[date(2025, 2, 1), "Laurent", "insurance", "1,234"], [date(2025, 2, 2), "Julien", "repair", "80 €"]],
        settings=[("language", "fr")],
    )
    report = report_of(raw)
    ((tab, row, column, message),) = messages(report, "value.amount_ambiguous")
    assert (tab, row, column) == ("Expenses", 2, "Amount")
    assert message == "« 1,234 » est ambigu : trois chiffres après le séparateur décimal."
    hint = next(p.hint for p in report.problems if p.code == "value.amount_ambiguous")
    assert "1234" in hint and "1,23" in hint
    assert [e.amount for e in report.book.expenses] == [D("80.00")]
    assert [ref.row for ref in report.left_out.unread] == [2]


@pytest.mark.parametrize("written", ["€", "EUR", "eur", "Euro", "Euros"])
def test_the_groups_currency_reads_however_settings_writes_it(written):
    """A cell said "12 Euros" read as euros while Settings' "Euro" was refused: one reading now."""
    raw = group(trips=consecutive_trips(("Laurent", 1000), ("Julien", 500)), settings=[("currency", written)])
    report = report_of(raw)
    assert report.settings.currency == "EUR" and [p.code for p in report.problems] == []


@pytest.mark.parametrize("typed", ["120,50 €", "€120.50", "120,50 euros", "120,5 euro", "120.50 EUR"])
def test_an_amount_in_the_groups_currency_reads_however_it_is_written(typed):
    raw = group(trips=consecutive_trips(("Laurent", 1000), ("Julien", 500)))
    raw["Expenses"].append([date(2025, 2, 1), "Laurent", "insurance", typed])
    report = report_of(raw)
    assert [p for p in report.problems if p.is_error] == []
    assert [e.amount for e in report.book.expenses] == [D("120.50")]


def test_a_last_row_of_formulas_without_results_is_said_not_dropped(tmp_path):
    """calamine stops at its last row holding a value: a row below it whose cells are all formulas
    saved without their result was gone, money and all, without a word."""

    def unsaved_last_row(xml: bytes) -> bytes:
        row = b'<row r="5"><c r="A5"><f>DATE(2025,1,9)</f><v></v></c><c r="E5"><f>20+30</f><v></v></c></row>'
        return xml.replace(b"</sheetData>", row + b"</sheetData>")

    path, _ = trips_sheet_patched(tmp_path, "last.xlsx", unsaved_last_row)
    report = report_of_file(path)
    assert [(row, column) for _, row, column, _ in messages(report, "value.formula")] == [
        (5, "Date"),
        (5, "Fuel paid"),
    ]
    assert [ref.row for ref in report.left_out.unread] == [5]


def test_what_a_comment_holds_is_no_mark_and_costs_no_more_than_one_pass(tmp_path):
    """A comment is not markup: a hidden row or an error cell written inside one is none; and one
    full of row and cell openings (made to make every search for an end go over the whole part)
    is read once."""

    def commented(xml: bytes) -> bytes:
        bait = b'<row r="3" hidden="1"><c r="E3" t="e"><v>#N/A</v></c></row>' + b"<row <c " * 20_000
        return xml.replace(b"<sheetData>", b"<sheetData><!-- " + bait + b" -->")

    path, plain = trips_sheet_patched(tmp_path, "commented.xlsx", commented)
    report = report_of_file(path)
    assert [p.code for p in report.problems] == [p.code for p in report_of_file(plain).problems]
    assert [t.fuel_paid for t in report.book.trips] == [D("50.00"), D("30.00"), None]


@pytest.mark.parametrize("typed", [1e26, 1e25, 2_000_000_000, "12345678901234567890123456789"])
def test_an_amount_of_a_billion_or_more_is_said_at_its_cell_never_a_crash(typed):
    """A 27-digit reference pasted into Amount ended the run (an unexpected error, no cell named);
    10^25 € went into the figures."""
    raw = group(
        trips=consecutive_trips(("Laurent", 1000, typed if isinstance(typed, float) else None), ("Julien", 500)),
        expenses=[[date(2025, 3, 1), "Julien", "repair", typed]],
    )
    report = report_of(raw)
    found = [(tab, row, column) for tab, row, column, _ in messages(report, "value.amount_implausible")]
    assert ("Expenses", 2, "Amount") in found
    assert report.book.expenses == () and ("Expenses", 2) in [(ref.tab, ref.row) for ref in report.left_out.unread]


# 4. order within a day --------------------------------------------------------------------------


def test_a_trip_with_a_time_and_one_without_on_the_same_day(tmp_path):
    raw = group(
        trips=[
            ["01/03/2025 08:30", "Catherine", 1000, 1100],
            [date(2025, 3, 1), "Julien", 1100, 1200],
            ["01/03/2025 18:30", "Laurent", 1200, 1250],
        ]
    )
    report = report_of_file(write_xlsx(tmp_path / "day.xlsx", raw))
    assert [p for p in report.problems if p.is_error] == []
    assert {m.name: m.km for m in report.computation.members} == {"Laurent": 50, "Catherine": 100, "Julien": 100}


# 5. plausible dates -------------------------------------------------------------------------------


def test_a_bare_number_or_a_year_typo_is_an_error_at_its_cell(tmp_path):
    trips = consecutive_trips(("Catherine", 100), ("Julien", 100), ("Laurent", 100))
    trips[0][0] = 12
    trips[1][0] = date(2052, 1, 3)
    report = report_of_file(write_xlsx(tmp_path / "d.xlsx", group(trips=trips)))
    assert messages(report, "value.date_implausible") == [
        ("Trips", 2, "Date", '"12" reads as 11 Jan 1900, which is not a plausible date.'),
        ("Trips", 3, "Date", '"2052-01-03" reads as 3 Jan 2052, which is not a plausible date.'),
    ]
    assert "trip.overlap" not in [p.code for p in report.problems]
    assert [p.period.id for p in report.computation.periods] == ["2025"]


def test_a_misread_year_is_shown_with_its_four_digits():
    """The message exists to show the year misread: "0025" must not be written "25", which reads as 2025."""
    trips = consecutive_trips(("Catherine", 100), ("Julien", 100))
    trips[0][0] = "0025-03-12"
    for lang, said in (("en", "reads as 12 Mar 0025,"), ("fr", "12 mars 0025")):
        settings = [("langue", "fr")] if lang == "fr" else []
        report = report_of(group(trips=trips, lang=lang, settings=settings))
        (p,) = [p for p in report.problems if p.code == "value.date_implausible"]
        assert said in p.message, p.message


def test_a_month_first_date_is_blamed_on_its_own_row_with_a_hint(tmp_path):
    trips = consecutive_trips(*[("Catherine", 100)] * 5, start_day=date(2025, 3, 2), step_days=7)
    trips[2][0] = "03/20/2025"  # typed month first in a day-first group
    report = report_of_file(write_xlsx(tmp_path / "m.xlsx", group(trips=trips)))
    (p,) = [p for p in report.problems if p.is_error]
    assert (p.row, p.code, p.message) == (4, "value.date", '"03/20/2025" is not a date.')
    assert p.hint.endswith("Dates typed as text are read day first (Settings date_format = day_first).")
    trips = consecutive_trips(*[("Catherine", 100)] * 12, start_day=date(2025, 3, 2), step_days=7)
    trips[9][0] = "05/03/2025"  # meant 3 May (month first), read as 5 March
    report = report_of_file(write_xlsx(tmp_path / "m2.xlsx", group(trips=trips)))
    (p,) = [p for p in report.problems if p.is_error]
    assert (p.row, p.column, p.code) == (11, "Date", "trip.misdated")
    assert p.message == (
        "The odometer readings of this trip (10900 → 11000 km) do not fit its date 5 Mar 2025: they come "
        "between the trips of 27 Apr 2025 (row 10) and 11 May 2025 (row 12)."
    )
    # row 11's km are in row 11, whose error says so: no gap is said at row 12 (docs/workbook.md)
    assert [p.code for p in report.problems if not p.is_error] == []


# 6. categories, and the money left out ---------------------------------------------------------


def test_categories_read_by_their_words_and_money_left_out_is_said(tmp_path):
    raw = group(
        trips=consecutive_trips(("Catherine", 100), ("Julien", 100)),
        expenses=[
            [date(2025, 2, 1), "Laurent", "Assurance annuelle", 540],
            [date(2025, 3, 1), "Julien", "Péage A7", "12,40"],
            [date(2025, 4, 1), "Laurent", "Carburant et péage", 80],
        ],
    )
    book = write_xlsx(tmp_path / "c.xlsx", raw)
    report = report_of_file(book)
    assert sorted((e.category, e.amount) for e in report.book.expenses) == [
        ("insurance", D("540.00")),
        ("toll", D("12.40")),
    ]
    assert (report.left_out.amount, len(report.left_out.rows)) == (D("80.00"), 1)
    result = run("sync", book, "--as-of", "2025-12-31")
    assert "; €80.00 left out (1 row); wrote" in result.output
    result = run("report", book, "--as-of", "2025-12-31")
    assert "Left out of the figures: €80.00 in 1 row with a problem (see the problems)." in result.output
    data = report_json(book, "--as-of", "2025-12-31")
    assert data["left_out"] == {
        "amount": "80.00",
        "rows": 1,
        "unreadable_amounts": 0,
        "after_as_of": {"amount": "0.00", "rows": 0},
        "km": 0,
        "km_trips": 0,
    }
    raw["Settings"] = [["Paramètre", "Valeur"], ["langue", "fr"]]
    french = run("sync", write_xlsx(tmp_path / "f.xlsx", raw), "--as-of", "2025-12-31").output
    assert "1 erreur, 0 avertissement ; hors des comptes : 80,00\u00a0€ (1 ligne) ; onglets" in french


# 7. hidden rows, membership ----------------------------------------------------------------------


def hidden_row_book(path, settings=()):
    raw = group(trips=consecutive_trips(("Catherine", 100), ("Julien", 100, 45)), settings=settings)
    write_xlsx(path, raw)
    wb = openpyxl.load_workbook(path)
    wb["Trips"].row_dimensions[3].hidden = True
    wb.save(path)
    return path


def test_a_hidden_row_is_counted_with_a_note_or_skipped_by_setting(tmp_path):
    report = report_of_file(hidden_row_book(tmp_path / "h.xlsx"))
    assert messages(report, "row.hidden") == [("Trips", 3, None, "A hidden row: counted.")]
    assert {m.name: m.km for m in report.computation.members}["Julien"] == 100
    report = report_of_file(hidden_row_book(tmp_path / "s.xlsx", settings=[("hidden_rows", "skip")]))
    assert messages(report, "row.hidden_skipped") == [
        ("Trips", 3, None, "A hidden row: skipped (Settings hidden_rows = skip).")
    ]
    assert {m.name: m.km for m in report.computation.members}["Julien"] == 0
    assert report.left_out.amount == D("45.00")
    fr = report_of_file(hidden_row_book(tmp_path / "fr.xlsx", settings=[("lignes_masquées", "ignorer")]))
    assert fr.settings.hidden_rows == "skip"


def test_a_hidden_row_of_an_ods_is_seen_as_in_an_xlsx(tmp_path):
    """LibreOffice writes a hidden row table:visibility="collapse": the same note, the same
    figures as the .xlsx it was saved from, and the same skipping by setting."""
    ods = libreoffice_saved(hidden_row_book(tmp_path / "h.xlsx"), tmp_path / "out", "ods")
    assert b'table:visibility="collapse"' in zip_parts(ods)["content.xml"]
    report = report_of_file(ods)
    assert messages(report, "row.hidden") == [("Trips", 3, None, "A hidden row: counted.")]
    skipping = hidden_row_book(tmp_path / "s.xlsx", settings=[("hidden_rows", "skip")])
    report = report_of_file(libreoffice_saved(skipping, tmp_path / "out", "ods"))
    assert {m.name: m.km for m in report.computation.members}["Julien"] == 0
    assert report.left_out.amount == D("45.00")


def test_trips_outside_a_members_dates_are_warnings(tmp_path):
    raw = group(trips=consecutive_trips(("Catherine", 100), ("Julien", 100)))
    raw["Members"] = [
        ["Name", "Joined", "Left"],
        ["Laurent"],
        ["Catherine", date(2025, 2, 1)],
        ["Julien", None, date(2024, 12, 31)],
    ]
    report = report_of_file(write_xlsx(tmp_path / "j.xlsx", raw))
    assert messages(report, "trip.outside_membership") == [
        ("Trips", 2, "Date", "Catherine drove on 1 Jan 2025, outside their membership (1 Feb 2025 – …)."),
        ("Trips", 3, "Date", "Julien drove on 3 Jan 2025, outside their membership (… – 31 Dec 2024)."),
    ]
    assert {m.name: m.km for m in report.computation.members} == {"Laurent": 0, "Catherine": 100, "Julien": 100}


# 8. the 1904 date system -------------------------------------------------------------------------


def test_a_1904_workbook_reads_and_writes_its_dates_right(tmp_path):
    path = tmp_path / "mac.xlsx"
    raw = group(trips=consecutive_trips(("Catherine", 100), ("Julien", 100)))
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.remove(wb.active)
    for name, rows in raw.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    assert run("sync", path, "--as-of", "2025-12-31").exit_code == 0
    saved = openpyxl.load_workbook(path)
    assert saved.epoch == openpyxl.utils.datetime.CALENDAR_MAC_1904
    months = [r[0] for r in saved["History"].iter_rows(min_row=3, values_only=True) if r[0]]
    assert months[0] == datetime(2025, 1, 31) and months[-1] == datetime(2025, 12, 31)


def test_left_out_money_is_in_the_report_codes(tmp_path):
    raw = group(trips=consecutive_trips(("Catherine", 100)), expenses=[[date(2025, 2, 1), "Nobody", "fuel", 30]])
    report = report_of(raw)
    assert ("Expenses", 2, "Paid by", "ref.member") in codes(report)
    assert report.left_out.amount == D("30.00")


@pytest.mark.parametrize("kind", ["xlsx", "ods"])
def test_merged_cells_read_as_the_sheet_shows_them_and_a_merged_amount_once(tmp_path, example2, kind):
    """A trial: Driver merged over three trips by Laurent (D5:D7 shows "Laurent" on each) gave
    "Driver is empty" on two of them, and their trips left out; Paid by merged over two expenses
    left 235 € out. A merged cell reads as the sheet shows it on every row it covers; an amount
    merged over rows is said at each row it covers (counted once, on its first row)."""
    path = write_xlsx(tmp_path / "m.xlsx", example2)
    book = openpyxl.load_workbook(path)
    trips, expenses = book["Trips"], book["Expenses"]
    trips["B5"] = trips["B6"] = trips["B7"] = "Laurent"  # the three trips' driver, merged below
    trips.merge_cells("B5:B7")
    expenses.merge_cells("B2:B4")  # Paid by: Laurent's, over his three expenses
    expenses["D7"] = expenses["D6"].value  # Catherine's two expenses of 42 € and 532 €: one amount...
    expenses.merge_cells("D6:D7")  # ...merged over both rows
    book.save(path)
    if kind == "ods":
        path = saved_by_libreoffice(path, tmp_path / "ods", "ods")
    report = report_of_file(path)
    assert not [p for p in report.problems if p.code == "value.missing"]
    assert [t.driver for t in report.book.trips if t.source.row in (5, 6, 7)] == ["Laurent"] * 3
    assert [e.paid_by for e in report.book.expenses if e.source.row in (2, 3, 4)] == ["Laurent"] * 3
    (merged,) = [p for p in report.problems if p.code == "value.merged"]
    assert (merged.tab, merged.row, merged.column) == ("Expenses", 7, "Amount") and "row 6" in merged.message
    assert [e.amount for e in report.book.expenses if e.source.row == 6] == [42]


def test_a_number_merged_over_rows_counts_once_and_a_covered_cell_reads_as_shown(tmp_path):
    """A review: a fuel fill-up merged over two trips took the second trip out (its km lost); Km
    merged over two trips was counted on both, silently; a Notes column merged over a blank row made
    that row four errors; and a covered cell still holding a value in the file (LibreOffice keeps
    them when asked) was counted, though the sheet shows nothing there. A covered cell reads as the
    sheet shows it: a name or a day copied down, an amount said, anything else empty."""
    trips = [
        [date(2025, 1, 2), "Catherine", 1000, 1300, 60, "A"],
        [date(2025, 1, 3), "Catherine", 1300, 1500, None, None],
        [None, None, None, None, None, None],  # a blank row between, under the merged note
        [date(2025, 1, 5), "Julien", 1500, 2000, None, None],
    ]
    raw = group(trips=trips, expenses=[[date(2025, 1, 4), "Julien", "repair", 100], [date(2025, 1, 4), "Julien", "repair", 532]])
    raw["Trips"][0].append("Note")
    path = write_xlsx(tmp_path / "m.xlsx", raw)
    book = openpyxl.load_workbook(path)
    book["Trips"].merge_cells("E2:E3")  # one fill-up of 60 € for both of Catherine's trips
    book["Trips"].merge_cells("F2:F4")  # a note over them and the blank row
    book.save(path)
    sheet = part(path.read_bytes(), "xl/worksheets/sheet5.xml")  # Expenses: 532 kept under a merge
    sheet = sheet.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="D2:D3"/></mergeCells>')
    path.write_bytes(patched(path.read_bytes(), {"xl/worksheets/sheet5.xml": sheet}))
    report = report_of_file(path)
    assert [(t.source.row, t.driver, t.km, t.fuel_paid) for t in report.book.trips] == [
        (2, "Catherine", 300, 60),
        (3, "Catherine", 200, None),
        (5, "Julien", 500, None),
    ]
    assert [(p.tab, p.row, p.code) for p in report.problems if p.is_error] == [("Expenses", 3, "value.merged")]
    assert [e.amount for e in report.book.expenses] == [100]
