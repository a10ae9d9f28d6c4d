"""The same commands on a Google Sheet, against the stateful fake of the Sheets API."""

import json
from datetime import date
from decimal import Decimal as D

import pytest
from conftest import consecutive_trips, group, report_json
from conftest import run_cli as run

from sheetsync.backends.a1 import a1_sheet
from sheetsync.backends.gsheets import GoogleSheetsBackend, authorize, grid_rows
from sheetsync.backends.locations import spreadsheet_id
from sheetsync.backends.retry import RetryPolicy
from sheetsync.errors import SetupError
from sheetsync.pipeline import build_report
from sheetsync.present.tabs import generated_tables

SID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-xyz"
URL = f"https://docs.google.com/spreadsheets/d/{SID}/edit#gid=0"


def backend(key, waits=None):
    client, email = authorize(str(key))
    return GoogleSheetsBackend(
        SID, client, email, RetryPolicy(attempts=4, sleep=(waits if waits is not None else []).append)
    )


def input_rows(fake, raw):
    return {name: fake.rows(SID, name) for name in raw}


@pytest.mark.parametrize(
    "location,expected",
    [
        (URL, SID),
        (f"https://docs.google.com/spreadsheets/d/{SID}", SID),
        (f"gsheet:{SID}", SID),
        ("group.xlsx", None),
        ("https://example.org/spreadsheets/d/abc", None),
    ],
)
def test_locations(location, expected):
    assert spreadsheet_id(location) == expected


def test_quoted_sheet_names():
    assert a1_sheet("Carnet de bord") == "'Carnet de bord'"
    assert a1_sheet("L'auto") == "'L''auto'"


def test_worked_example_gives_the_same_figures_as_on_xlsx(fake_sheets, service_account_key, example2):
    fake_sheets.create(SID, "Rue des Lilas", example2)
    result = run("report", URL, "--credentials", service_account_key, "--format", "json", "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["group"] == "Rue des Lilas"
    assert {m["name"]: m["balance"] for m in data["members"]} == {
        "Laurent": "639.52",
        "Catherine": "-467.98",
        "Julien": "-171.54",
    }
    assert data["vehicles"][0]["periods"][0]["cost_per_km"] == "0.2400"
    assert len(fake_sheets.log) == 1  # one read; report writes nothing


def test_a_cell_merged_over_rows_of_a_google_sheet_reads_as_the_sheet_shows_it(fake_sheets, service_account_key):
    """Format > Merge cells > Merge vertically over a driver's three trips: the merge comes with the
    one read (the sheet's `merges`), and the rows it covers read its value, as in a workbook."""
    trips = consecutive_trips(("Laurent", 100), ("Laurent", 100), ("Laurent", 100), ("Julien", 100))
    raw = group(trips=trips)
    for row in raw["Trips"][2:4]:
        row[1] = None  # Google keeps the value in the merge's first cell alone
    sheet = fake_sheets.create(SID, "Lilas", raw).sheet("Trips")
    sheet.merges.append({"sheetId": 0, "startRowIndex": 1, "endRowIndex": 4, "startColumnIndex": 1, "endColumnIndex": 2})
    data = report_json(URL, "--credentials", service_account_key)
    assert [p["code"] for p in data["problems"] if p["severity"] == "error"] == []
    assert {m["name"]: m["km"] for m in data["members"]} == {"Laurent": 300, "Catherine": 0, "Julien": 100}
    assert len(fake_sheets.log) == 1


@pytest.mark.parametrize("hidden_by", ["hiddenByUser", "hiddenByFilter"])
def test_a_hidden_row_of_a_google_sheet_is_seen_as_in_a_workbook(fake_sheets, service_account_key, hidden_by):
    """Rows hidden by hand or by a filter come with the one read (the rows' metadata): counted
    with a note, or skipped by the group's setting, their money then said left out."""
    raw = group(trips=consecutive_trips(("Catherine", 100), ("Julien", 100, 45)))
    fake_sheets.create(SID, "Lilas", raw).sheet("Trips").hidden_rows[2] = hidden_by  # sheet row 3
    counted = report_json(URL, "--credentials", service_account_key)
    assert [(p["tab"], p["row"]) for p in counted["problems"] if p["code"] == "row.hidden"] == [("Trips", 3)]
    raw["Settings"].append(["hidden_rows", "skip"])
    fake_sheets.create(SID, "Lilas", raw).sheet("Trips").hidden_rows[2] = hidden_by
    skipped = report_json(URL, "--credentials", service_account_key)
    assert {m["name"]: m["km"] for m in skipped["members"]}["Julien"] == 0
    assert (
        skipped["left_out"]
        == {
            "amount": "45.00",
            "rows": 1,
            "unreadable_amounts": 0,
            "after_as_of": {"amount": "0.00", "rows": 0},
            "km": 100,  # the hidden trip's, skipped
            "km_trips": 1,
        }
        and len(fake_sheets.log) == 2
    )


def test_example_1_on_a_google_sheet_reads_french_decimals(fake_sheets, service_account_key):
    trips = consecutive_trips(("Françoise", 2440), ("Pierre", 5320))
    raw = group(
        members=("Marie", "Françoise", "Pierre"),
        owner="Marie",
        trips=trips,
        settings=[("cost_mode", "fixed"), ("rate_per_km", "0,25")],
        expenses=[
            [date(2025, 3, 1), "Françoise", "fuel", "194,00"],
            [date(2025, 4, 1), "Françoise", "repair", 75],
            [date(2025, 5, 1), "Pierre", "fuel", "521"],
        ],
    )
    fake_sheets.create(SID, "Marie", raw)
    data = report_json(f"gsheet:{SID}", "--credentials", service_account_key)
    assert {m["name"]: m["balance"] for m in data["members"]} == {
        "Marie": "1150.00",
        "Françoise": "-341.00",
        "Pierre": "-809.00",
    }


def test_zero_comma_32_is_read_as_0_32(fake_sheets, service_account_key):
    raw = group(trips=consecutive_trips(("Julien", 100)), settings=[("cost_mode", "barème"), ("barème km", "0,32")])
    fake_sheets.create(SID, "g", raw)
    report = build_report(backend(service_account_key).read_tabs(), "g", date(2025, 12, 31))
    assert report.settings.rate_per_km == D("0.32")
    assert report.computation.periods[0].charges == {"Julien": D("32.00")}


def sync_requests(fake, key, trips):
    raw = group(
        trips=consecutive_trips(
            *[("Julien" if i % 2 else "Catherine", 10) for i in range(trips)],
            start_day=date(2020, 1, 1),
            step_days=2 if trips < 1000 else 0.25,
        )
    )
    fake.create(SID, "g", raw)
    fake.log.clear()
    result = run("sync", URL, "--credentials", key, "--as-of", "2025-12-31", "--quiet")
    assert result.exit_code == 0, result.output
    return len(fake.log)


def test_a_sync_costs_two_requests_whatever_the_size(fake_sheets, service_account_key):
    small = sync_requests(fake_sheets, service_account_key, 10)
    large = sync_requests(fake_sheets, service_account_key, 10_000)
    assert small == large == 2
    assert fake_sheets.log == [("GET", SID), ("POST", f"{SID}:batchUpdate")]


def test_a_sync_that_mails_the_digest_reads_the_sheet_once(fake_sheets, service_account_key, example2, smtp_server):
    """The digest's Sent log is the one the sync read (the sync writes no Sent tab): one read,
    the sync's batch, and the Sent log's batch; the fleet's pacing counts on it."""
    example2["Settings"] += [["trésorier", "Laurent"]]
    example2["Members"] = [["Name", "Email"], ["Laurent", "laurent@example.org"], ["Catherine"]]  # Julien unknown
    fake_sheets.create(SID, "g", example2)
    args = ("sync", URL, "--credentials", service_account_key, "--as-of", "2025-12-31", "--notify-on-problems")
    result = run(*args, "--quiet")
    assert result.exit_code == 1 and len(smtp_server.messages) == 1, result.output
    assert [m for m, _ in fake_sheets.log] == ["GET", "POST", "POST"]
    assert run(*args, "--quiet").exit_code == 1 and len(smtp_server.messages) == 1  # logged: sent once


def test_sync_writes_typed_protected_tabs_and_leaves_input_tabs_unchanged(fake_sheets, service_account_key, example2):
    example2["Members"].append(['=HYPERLINK("http://evil.example";"x")'])
    fake_sheets.create(SID, "g", example2)
    before = input_rows(fake_sheets, example2)
    assert run("sync", URL, "--credentials", service_account_key, "--as-of", "2025-12-31").exit_code == 0
    assert input_rows(fake_sheets, example2) == before
    book = fake_sheets.books[SID]
    balances = book.sheet("Balances")
    assert balances.cells[(0, 0)]["value"].startswith("Generated by sheetsync")
    rows = {r[0]: r for r in fake_sheets.rows(SID, "Balances")[2:]}
    assert rows["Catherine"][6] == -467.98 and isinstance(rows["Catherine"][6], float)
    assert rows['=HYPERLINK("http://evil.example";"x")'][0].startswith("=")  # stored as text, not a formula
    money_format = balances.cells[(2, 6)]["format"]["numberFormat"]
    assert money_format["type"] == "CURRENCY" and "€" in money_format["pattern"]
    assert balances.protected and balances.protected[0]["warningOnly"] is True
    assert balances.props["gridProperties"]["frozenRowCount"] == 2
    assert fake_sheets.rows(SID, "Settlements")[2:] == [
        ["Catherine", "Laurent", 467.98, "Car sharing g 2025 Catherine-Laurent", "to pay"],
        ["Julien", "Laurent", 171.54, "Car sharing g 2025 Julien-Laurent", "to pay"],
    ]


def test_second_sync_clears_what_was_below(fake_sheets, service_account_key, example2):
    bad = [row[:] for row in example2["Trips"]]
    for row in bad[1:5]:
        row[1] = "Nobody"
    fake_sheets.create(SID, "g", {**example2, "Trips": bad})
    assert run("sync", URL, "--credentials", service_account_key, "--as-of", "2025-12-31").exit_code == 1
    assert len(fake_sheets.rows(SID, "Problems")) == 2 + 4
    fake_sheets.books[SID].sheet("Trips").cells.clear()
    for r, row in enumerate(example2["Trips"]):
        for c, value in enumerate(row):
            from fake_sheets import _format_of, _to_sheet_value

            fake_sheets.books[SID].sheet("Trips").cells[(r, c)] = {
                "value": _to_sheet_value(value),
                "format": _format_of(value),
            }
    fake_sheets.log.clear()
    assert run("sync", URL, "--credentials", service_account_key, "--as-of", "2025-12-31").exit_code == 0
    assert fake_sheets.rows(SID, "Problems") == fake_sheets.rows(SID, "Problems")[:2]
    assert len(fake_sheets.log) == 2
    assert len(fake_sheets.books[SID].sheet("Balances").protected) == 1  # not protected twice


def test_429_then_success_honours_retry_after(fake_sheets, service_account_key, example2):
    fake_sheets.create(SID, "g", example2)
    waits = []
    b = backend(service_account_key, waits)
    fake_sheets.fail_next(429, times=2, retry_after="7")
    tabs = b.read_tabs()
    assert "Trips" in tabs and waits == [7.0, 7.0]
    assert b.requests_made == 3


def test_500_then_success_backs_off_with_jitter(fake_sheets, service_account_key, example2):
    fake_sheets.create(SID, "g", example2)
    waits = []
    b = backend(service_account_key, waits)
    fake_sheets.fail_next(503, times=3)
    b.read_tabs()
    assert len(waits) == 3 and all(0 <= w <= 1 * 2**i for i, w in enumerate(waits))


def test_429_forever_gives_exit_3_and_the_sheet_unchanged(fake_sheets, service_account_key, example2, monkeypatch):
    monkeypatch.setattr("sheetsync.backends.retry.RetryPolicy.delay", lambda self, attempt, after: 0)
    fake_sheets.create(SID, "g", example2)
    before = fake_sheets.snapshot(SID)
    fake_sheets.fail_next(429, times=1000)
    result = run("sync", URL, "--credentials", service_account_key)
    assert result.exit_code == 3
    assert "did not answer after 5 tries" in result.stderr and "nothing was written" in result.stderr
    assert fake_sheets.snapshot(SID) == before
    assert len(fake_sheets.log) == 5


def test_a_failed_batch_writes_nothing(fake_sheets, service_account_key, example2):
    fake_sheets.create(SID, "g", example2)
    b = backend(service_account_key)
    report = build_report(b.read_tabs(), "g", date(2025, 12, 31))
    tables = generated_tables(report, "g", __import__("datetime").datetime(2026, 1, 1))
    before = fake_sheets.snapshot(SID)
    fake_sheets.fail_next(400)
    with pytest.raises(SetupError, match="HTTP 400"):
        b.write_tabs(tables)
    assert fake_sheets.snapshot(SID) == before


def test_not_shared_names_the_service_account_and_never_prints_the_key(fake_sheets, service_account_key):
    fake_sheets.create(SID, "g", {"Sheet1": []})
    fake_sheets.forbidden.add(SID)
    result = run("sync", URL, "--credentials", service_account_key)
    assert result.exit_code == 2
    assert "sheetsync@car-sharing.iam.gserviceaccount.com" in result.stderr
    assert "PRIVATE KEY" not in result.output + result.stderr


def test_unknown_sheet_is_a_setup_error(fake_sheets, service_account_key):
    result = run("validate", "gsheet:doesnotexist", "--credentials", service_account_key)
    assert result.exit_code == 2 and "cannot be found" in result.stderr


def test_credentials_from_the_environment_or_missing(fake_sheets, service_account_key, example2, monkeypatch):
    fake_sheets.create(SID, "g", example2)
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    monkeypatch.delenv("SHEETSYNC_CREDENTIALS", raising=False)
    missing = run("report", URL)
    assert missing.exit_code == 2 and "--credentials" in missing.stderr
    monkeypatch.setenv("SHEETSYNC_CREDENTIALS", str(service_account_key))
    assert run("report", URL, "--as-of", "2025-12-31").exit_code == 0


def test_init_on_an_empty_google_sheet_in_one_batch(fake_sheets, service_account_key):
    fake_sheets.create(SID, "Notre voiture")
    result = run("init", URL, "--lang", "fr", "--credentials", service_account_key)
    assert result.exit_code == 0, result.output
    assert [m for m, _ in fake_sheets.log] == ["GET", "POST"]
    book = fake_sheets.books[SID]
    assert [s.title for s in book.sheets] == [
        "Paramètres",
        "Membres",
        "Véhicules",
        "Trajets",
        "Dépenses",
        "Réservations",
        "Paiements",
    ]
    trips = book.sheet("Trajets")
    assert fake_sheets.rows(SID, "Trajets")[0][:4] == ["Date", "Retour", "Véhicule", "Conducteur"]
    assert trips.props["gridProperties"]["frozenRowCount"] == 1
    conditions = [v["rule"]["condition"] for v in trips.validations]
    assert {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "='Membres'!A2:A"}]} in conditions
    (categories,) = [
        v["rule"]["condition"]
        for v in book.sheet("Dépenses").validations
        if v["rule"]["condition"]["type"] == "ONE_OF_LIST"
    ]
    assert {"userEnteredValue": "carburant"} in categories["values"]
    assert run("init", URL, "--credentials", service_account_key).exit_code == 2  # now it has data


@pytest.mark.parametrize("name", ["Summary", "SUMMARY"])  # tab names compared case-insensitively
def test_a_tab_of_the_group_named_like_a_generated_one_is_never_replaced(
    fake_sheets, service_account_key, example2, name
):
    fake_sheets.create(SID, "g", {**example2, name: [["our own summary"]]})
    before = fake_sheets.snapshot(SID)
    result = run("sync", URL, "--credentials", service_account_key)
    assert result.exit_code == 2 and "did not generate" in result.stderr
    assert fake_sheets.snapshot(SID) == before


def test_notices_sent_from_a_google_sheet_are_logged_there_and_sent_once(
    fake_sheets, service_account_key, example2, smtp_server
):
    example2["Members"] = [
        ["Name", "Email"],
        ["Laurent", "laurent@example.org"],
        ["Catherine", "cat@example.org"],
        ["Julien", None],
    ]
    fake_sheets.create(SID, "g", example2)
    args = [
        "notify",
        URL,
        "--credentials",
        service_account_key,
        "--kind",
        "settlement",
        "--send",
        "--as-of",
        "2025-12-31",
    ]
    first = run(*args)
    assert first.exit_code == 0, first.output
    assert len(smtp_server.messages) == 2
    log = fake_sheets.rows(SID, "Sent")
    assert log[0][0].startswith("Generated by sheetsync") and sorted(r[3] for r in log[2:]) == ["Catherine", "Laurent"]
    second = run(*args)
    assert second.exit_code == 0 and len(smtp_server.messages) == 2
    assert "Already sent" in second.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["report"],
        ["sync", "--dry-run"],
        ["who-drove", "--at", "2025-02-01 10:00"],
        ["calendar", "--output", "-"],
    ],
    ids=lambda c: c[0] + ("-dry-run" if "--dry-run" in c else ""),
)
def test_a_command_that_only_reads_costs_one_request(fake_sheets, service_account_key, example2, command):
    fake_sheets.create(SID, "g", example2)
    fake_sheets.log.clear()
    result = run(command[0], URL, *command[1:], "--credentials", service_account_key)
    assert result.exit_code in (0, 1), result.output + result.stderr
    assert fake_sheets.log == [("GET", SID)]


def test_the_one_read_gives_the_values_as_the_values_api_does_and_dates_as_dates(
    fake_sheets, service_account_key, example2
):
    """Numbers, text and booleans, empty cells between values and error cells, as the values API
    gives them; a number shown as a date is that date (the values API gives its serial number, which
    read as an amount was tens of thousands of euros)."""
    example2["Trips"].append([45000.5, "Clio", "", None, True, "#N/A"])
    fake_sheets.create(SID, "g", example2)
    fake_sheets.books[SID].sheet("Trips").cells[(len(example2["Trips"]) - 1, 5)] = {"value": "#N/A", "format": {}}
    tabs = backend(service_account_key).read_tabs()
    values_api = {name: fake_sheets.rows(SID, name) for name in example2}
    for name, rows in example2.items():  # the dates typed, where the values API gives serial numbers
        for r, row in enumerate(rows):
            for c, typed in enumerate(row):
                if isinstance(typed, date):
                    assert isinstance(values_api[name][r][c], int | float)
                    values_api[name][r][c] = typed
    assert {name: rows for name, rows in tabs.items()} == values_api
    assert tabs["Trips"][-1] == [45000.5, "Clio", "", "", True, "#N/A"]
    assert tabs["Trips"][1][0] == date(2025, 1, 1) and tabs["Expenses"][1][0] == date(2025, 2, 1)


def test_a_date_or_a_time_in_a_money_column_is_no_amount(fake_sheets, service_account_key):
    """A payment's amount cell showing a date (a row pasted one column off, "1/4" typed and turned
    into a date) or a time ("12:30" for 12,30) was read as its serial number: 45 748 € to pay."""
    raw = group(trips=consecutive_trips(("Catherine", 100), ("Julien", 100)))
    raw["Payments"].append([date(2025, 4, 1), "Catherine", "Julien", date(2025, 4, 1)])
    raw["Payments"].append([date(2025, 4, 2), "Catherine", "Julien", 10])
    fake_sheets.create(SID, "g", raw)
    sheet = fake_sheets.books[SID].sheet("Payments")
    sheet.cells[(2, 3)] = {"value": 12.5 / 24, "format": {"numberFormat": {"type": "TIME", "pattern": "hh:mm"}}}
    report = build_report(backend(service_account_key).read_tabs(), "g", date(2025, 12, 31))
    assert [(p.row, p.column, p.code) for p in report.problems if p.is_error] == [
        (2, "Amount", "value.number"),
        (3, "Amount", "value.number"),
    ]
    assert report.book.payments == () and [ref.row for ref in report.left_out.unread] == [2, 3]


def test_grid_rows_read_errors_and_blanks_as_the_values_api_shows_them():
    data = [
        {
            "rowData": [
                {"values": [{"effectiveValue": {"errorValue": {"type": "DIVIDE_BY_ZERO", "message": "x"}}}, {}]},
                {},
                {"values": [{}, {"effectiveValue": {"numberValue": 3}}, {}]},
                {"values": [{}]},
                {},
            ]
        }
    ]
    assert grid_rows(data) == [["#DIV/0!"], [], ["", 3]]


def test_a_cell_google_was_still_computing_is_said_so_and_its_row_left_out(fake_sheets, service_account_key):
    """An amount taken from another sheet (IMPORTRANGE) that Google had not computed yet shows
    "Loading...": it was '"Loading..." is not a number. Type a number', which sent the treasurer to
    retype a cell that holds a formula. It is now said as what it is, with the remedy (run again)."""
    data = [{"rowData": [{"values": [{"effectiveValue": {"errorValue": {"type": "LOADING", "message": "x"}}}]}]}]
    assert grid_rows(data) == [["Loading..."]]
    raw = group(trips=consecutive_trips(("Catherine", 100), ("Julien", 100)))
    raw["Payments"].append([date(2025, 4, 1), "Catherine", "Julien", "Loading..."])
    fake_sheets.create(SID, "g", raw)
    report = build_report(backend(service_account_key).read_tabs(), "g", date(2025, 12, 31))
    (p,) = [p for p in report.problems if p.is_error]
    assert (p.tab, p.row, p.column, p.code) == ("Payments", 2, "Amount", "value.loading")
    assert "still being computed" in p.message and "Loading..." in p.message and "again" in p.hint
    assert report.book.payments == () and [ref.row for ref in report.left_out.unread] == [2]


def test_a_phone_entry_keeps_its_text_as_text(fake_sheets, service_account_key, example2):
    """Sheets reads what is typed ("3/4" a date, "0612" the number 612): a note arrives as written."""
    from datetime import datetime

    from sheetsync import api

    fake_sheets.create(SID, "Rue des Lilas", example2)
    notes = ["3/4", "0612", "=1+2", "-5 €", "'quoted"]
    for i, note in enumerate(notes):
        fields = {"date": datetime(2026, 1, 5, 10), "to": "Laurent", "amount": D("12.5"), "note": note}
        at = datetime(2026, 1, 5, 18, i)
        done = api.submit_entry(f"gsheet:{SID}", "Julien", "payment", fields, at, credentials=str(service_account_key))
        assert done.written, done.problems
    rows = fake_sheets.rows(SID, "Entries")[2:]
    assert [r[-1] for r in rows] == notes
    assert [(r[1], r[2], r[10], r[12]) for r in rows] == [("payment", "Julien", 12.5, "Laurent")] * len(notes)
    report = api.load(f"gsheet:{SID}", date(2026, 1, 5), credentials=str(service_account_key))
    assert [p.amount for p in report.book.payments if p.source.tab == "Entries"] == [D("12.50")] * len(notes)


def test_a_credentials_file_that_is_no_key_says_which_and_why(tmp_path):
    """A text or a binary file given as the key: the file and why (exit 2), before anything
    reaches Google."""
    for name, content in {"key.json": b"not json", "key.bin": b"\xff\xfe\x00"}.items():
        (key := tmp_path / name).write_bytes(content)
        wrong = run("report", "gsheet:1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789", "--credentials", str(key))
        assert wrong.exit_code == 2 and f"Cannot read {key}: it is not a JSON key file." in wrong.stderr, wrong.stderr
        assert "JSON key file downloaded from Google Cloud" in wrong.stderr
