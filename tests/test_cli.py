"""The command line, end to end on real .xlsx files: output, exit codes, JSON."""

import json
from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest
from conftest import consecutive_trips, group, read_xlsx, report_json, write_xlsx
from conftest import run_cli as run

from sheetsync.app.cli import cli


@pytest.fixture
def book(tmp_path, example2):
    return write_xlsx(tmp_path / "group.xlsx", example2)


@pytest.fixture
def bad_book(tmp_path, example2):
    example2["Trips"][3][3] = "4341 km?"
    return write_xlsx(tmp_path / "bad.xlsx", example2)


def test_report_json_follows_the_design(book):
    result = run("report", book, "--format", "json", "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[:7] == ["group", "currency", "as_of", "members", "settlements", "vehicles", "problems"]
    assert (data["group"], data["currency"], data["as_of"]) == ("group", "EUR", "2025-12-31")
    assert data["settlements"] == [
        {"from": "Catherine", "to": "Laurent", "amount": "467.98"},
        {"from": "Julien", "to": "Laurent", "amount": "171.54"},
    ]
    assert data["vehicles"] == [
        {
            "name": "Clio",
            "periods": [
                {"period": "2025", "km": 12790, "costs": "3070.00", "cost_per_km": "0.2400", "provisional": False}
            ],
        }
    ]
    assert data["problems"] == []


def test_report_table_and_csv(book):
    table = run("report", book, "--as-of", "2025-12-31")
    assert table.exit_code == 0
    assert "Catherine → Laurent: €467.98" in table.stdout
    assert "0.2400" in table.stdout
    csv = run("report", book, "--format", "csv", "--as-of", "2025-12-31")
    assert csv.stdout.splitlines()[2] == "Catherine,4341,1041.98,574.00,0.00,0.00,-467.98"


def test_report_writes_nothing(book):
    before = book.read_bytes()
    run("report", book)
    run("validate", book)
    run("sync", book, "--dry-run")
    assert book.read_bytes() == before


def test_validate_prints_each_problem_at_its_cell_and_exits_1(bad_book):
    result = run("validate", bad_book, "--as-of", "2025-12-31")
    assert result.exit_code == 1
    assert 'Trips, row 4, Odometer end: "4341 km?" is not a number. [value.number]' in result.stdout
    as_json = json.loads(run("validate", bad_book, "--format", "json").stdout)
    assert [(p["tab"], p["row"], p["column"], p["code"]) for p in as_json][0] == (
        "Trips",
        4,
        "Odometer end",
        "value.number",
    )


def test_validate_says_how_much_money_its_errors_leave_out(tmp_path):
    """The treasurer checking entries hears, below the problems, what the figures would leave out
    (as sync and report say it); the JSON stays the list of problems."""
    raw = group(
        trips=consecutive_trips(("Laurent", 100), ("Julien", 50)),
        expenses=[[date(2025, 2, 1), "Lorent", "insurance", 160], [date(2025, 3, 1), "Julien", "repair", 40]],
    )
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    result = run("validate", path, "--as-of", "2025-12-31")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith('error   Expenses, row 2, Paid by: "Lorent" is not in the Members tab.')
    assert lines[-1] == "Left out of the figures: €160.00 in 1 row with a problem (see the problems)."
    assert json.loads(run("validate", path, "--format", "json").stdout)[0]["code"] == "ref.member"
    raw["Expenses"].append([date(2025, 4, 1), "Julien", "repair", "12,4O"])  # in no sum: counted apart
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    assert run("validate", path, "--as-of", "2025-12-31").stdout.splitlines()[-1] == (
        "Left out of the figures: €160.00 in 1 row with a problem (see the problems)."
        " 1 more amount cannot be read: it is left out too."
    )
    synced = run("sync", path, "--as-of", "2025-12-31").stdout
    assert "; €160.00 left out (1 row); 1 unreadable amount left out; wrote" in synced
    report = report_json(path, "--as-of", "2025-12-31")
    assert report["left_out"] == {
        "amount": "160.00",
        "rows": 1,
        "unreadable_amounts": 1,
        "after_as_of": {"amount": "0.00", "rows": 0},
        "km": 0,
        "km_trips": 0,
    }
    raw["Expenses"] = raw["Expenses"][:1] + raw["Expenses"][-1:]
    alone = run("validate", write_xlsx(tmp_path / "g.xlsx", raw), "--as-of", "2025-12-31").stdout
    assert alone.splitlines()[-1] == "Left out of the figures: 1 amount that cannot be read (see the problems)."
    fine = write_xlsx(tmp_path / "fine.xlsx", group(trips=consecutive_trips(("Laurent", 100))))
    assert "Left out" not in run("validate", fine, "--as-of", "2025-12-31").stdout


def test_money_dated_after_the_as_of_day_is_said_not_counted_yet(tmp_path):
    """A date a year too far (2026 for 2025) takes its money out of the figures until that day:
    validate, sync and report say how much and where, with no problem to fix if it was meant."""
    raw = group(
        trips=consecutive_trips(("Laurent", 100), ("Julien", 50)),
        expenses=[[date(2026, 1, 15), "Laurent", "insurance", 351], [date(2025, 3, 1), "Julien", "repair", 40]],
        payments=[[date(2026, 2, 1), "Julien", "Laurent", 20]],
    )
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    checked = run("validate", path, "--as-of", "2025-12-31")
    assert checked.exit_code == 0
    assert checked.stdout.splitlines() == [
        "No problem found.",
        "Not counted yet, being dated after 31 Dec 2025: €371.00 in 2 rows (Expenses row 2, Payments row 2).",
    ]
    assert (
        "; €371.00 dated after 31 Dec 2025, not counted yet; wrote" in run("sync", path, "--as-of", "2025-12-31").stdout
    )
    data = report_json(path, "--as-of", "2025-12-31")
    assert data["left_out"]["after_as_of"] == {"amount": "371.00", "rows": 2}
    assert sum(D(m["paid"]) for m in data["members"]) == D("40.00")  # the figures hold only what is due
    assert "Not counted yet" not in run("validate", path, "--as-of", "2026-12-31").stdout
    assert run("validate", path, "--as-of", "31/12/2025").stdout == checked.stdout  # as it is typed in Europe


def test_an_as_of_that_is_no_date_is_said_in_the_users_language_and_nothing_is_written(tmp_path):
    """--as-of reads a day as the workbook's cells are read ("31/12/2025", "2025-12-31", "31 déc.
    2025"); what is no date stops the command (exit 2) with a hint, in the user's language."""
    path = write_xlsx(tmp_path / "g.xlsx", group(trips=consecutive_trips(("Laurent", 100))))
    before = path.read_bytes()
    assert run("validate", path, "--as-of", "31 déc. 2025").exit_code == 0
    result = run("sync", path, "--as-of", "next tuesday", env={"LANG": "fr_FR.UTF-8"})
    assert result.exit_code == 2 and path.read_bytes() == before
    assert "« next tuesday » n'est pas une date" in result.stderr and "31/12/2025" in result.stderr
    year_25 = run("report", path, "--as-of", "0025-12-31")  # a year cut short: every row would be "implausible"
    assert (
        year_25.exit_code == 2 and '"0025-12-31" reads as 31 Dec 0025, which is not a plausible date.' in year_25.stderr
    )


def test_sync_with_errors_still_writes_what_it_could_and_exits_1(bad_book):
    result = run("sync", bad_book, "--as-of", "2025-12-31")
    assert result.exit_code == 1
    tabs = read_xlsx(bad_book)
    problems = tabs["Problems"]
    assert problems[2][:4] == ["error", "Trips", 4, "Odometer end"]
    assert len(tabs["Balances"]) == 2 + 3


def test_sync_summary_and_quiet(book, bad_book):
    result = run("sync", book, "--as-of", "2025-12-31")
    assert result.exit_code == 0
    assert result.stdout.startswith("group: 3 members, 2 transfers to settle, 0 errors, 0 warnings; wrote Balances")
    assert run("sync", book, "--quiet").stdout == ""
    quiet_bad = run("sync", bad_book, "--quiet")
    assert quiet_bad.exit_code == 1 and "value.number" in quiet_bad.stderr and "warning" not in quiet_bad.stderr
    # cron mails what a quiet run prints, to stderr (a trial: `>/dev/null` hid it): which workbook, first
    assert quiet_bad.stdout == "" and quiet_bad.stderr.startswith(f"In {bad_book}:\n"), quiet_bad.stderr
    assert run("validate", bad_book, "--quiet").stderr.startswith(f"In {bad_book}:\n")
    # a quiet sync says what a quiet validate says, the money left out included
    raw = group(trips=consecutive_trips(("Laurent", 100)), expenses=[[date(2025, 1, 2), "Nobody", "fuel", 5]])
    money = write_xlsx(bad_book.parent / "money.xlsx", raw)
    quiet_sync = run("sync", money, "--quiet", "--dry-run").stderr
    assert quiet_sync == run("validate", money, "--quiet").stderr and "Left out of the figures" in quiet_sync
    stopped = run("sync", bad_book.parent / "nowhere.xlsx", "--quiet")  # a stop (exit 2) too
    assert stopped.exit_code == 2 and stopped.stderr.startswith(f"In {bad_book.parent / 'nowhere.xlsx'}:\n")


def test_missing_column_exits_2_naming_tab_headers_and_mapping(tmp_path, example2):
    example2["Trips"][0][3] = "Arrivée"
    path = write_xlsx(tmp_path / "g.xlsx", example2)
    before = path.read_bytes()
    result = run("sync", path)
    assert result.exit_code == 2
    assert 'The Trips tab has no column for "Odometer end"' in result.stderr
    assert "Arrivée" in result.stderr and "column.trips.odometer_end = Arrivée" in result.stderr  # the likely one
    assert result.stdout == "" and path.read_bytes() == before
    example2["Trips"][0][3], example2["Trips"][0][1] = "Odometer end", "Chauffeuse"  # the driver, renamed
    named = run("validate", write_xlsx(tmp_path / "d.xlsx", example2)).stderr
    assert "column.trips.driver = Chauffeuse" in named, named
    example2["Trips"][0][1] = "Pilote du jour"  # like none of Driver's names, but the one header nothing was matched to
    named = run("validate", write_xlsx(tmp_path / "q.xlsx", example2)).stderr
    assert "column.trips.driver = Pilote du jour" in named, named


def test_a_reading_column_deleted_beside_a_km_column_is_said_at_the_column_still_there(tmp_path, example2):
    """Start and Km is a logbook (the end is start + Km); a deleted Odometer end then leaves the Km
    cells to fill, and the messages name Km, a column the tab has (not the one deleted). Without
    the start reading, Km and the end make no trip: a stop naming the start column."""
    header, *rows = example2["Trips"]
    example2["Trips"] = [header[:3] + ["Km"] + header[4:]] + [row[:3] + [None] + row[4:] for row in rows]
    path = write_xlsx(tmp_path / "g.xlsx", example2)
    checked = run("validate", path, "--as-of", "2025-12-31")
    assert checked.exit_code == 1
    assert (
        "Trips, rows 2 to 10, Km: Km is empty. [value.missing]"
    )  # one line for the rows that follow in checked.stdout
    assert "Odometer end" not in checked.stdout
    example2["Trips"][1][3] = 2000  # Km typed: start + Km
    assert (
        "Trips, row 2" not in run("validate", write_xlsx(tmp_path / "g.xlsx", example2), "--as-of", "2025-12-31").stdout
    )
    example2["Trips"] = [["Date", "Driver", "Km", "Odometer end", "Fuel paid"]] + [
        [r[0], r[1], 10, r[3], r[4]] for r in rows
    ]
    path = write_xlsx(tmp_path / "e.xlsx", example2)
    before = path.read_bytes()
    stopped = run("sync", path, "--as-of", "2025-12-31")
    assert stopped.exit_code == 2 and 'The Trips tab has no column for "Odometer start"' in stopped.stderr
    assert path.read_bytes() == before


def test_renamed_readings_beside_the_empty_km_column_of_init_say_the_mapping_not_empty_cells(tmp_path):
    """`init` lays out Km beside the readings; a group that renamed the readings and left Km empty
    gets the missing columns and the mapping of its own header, not "empty" on every row."""
    raw = group(lang="fr", trips=consecutive_trips(("Laurent", 100), ("Julien", 50)))
    raw["Trajets"] = [["Date", "Conducteur", "Relevé départ", "Relevé arrivée", "Km", "Carburant payé"]] + [
        [*row[:4], None, row[4]] for row in raw["Trajets"][1:]
    ]
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    result = run("validate", path, "--as-of", "2025-12-31")
    assert result.exit_code == 2, result.stdout
    assert 'L\'onglet Trajets n\'a pas de colonne "Compteur départ", "Compteur arrivée"' in result.stderr
    assert "sa colonne Km, qui pourrait les remplacer, est vide" in result.stderr
    assert "column.trips.odometer_start = Relevé départ" in result.stderr
    raw["Trajets"][1][4] = 100  # Km typed: a logbook of km alone, which the readings' names do not matter to
    assert run("validate", write_xlsx(tmp_path / "k.xlsx", raw), "--as-of", "2025-12-31").exit_code == 1
    # a logbook of km alone, days typed ahead: no header for readings, so nothing was renamed
    raw["Trajets"] = [["Date", "Conducteur", "Km"]] + [[row[0], row[1], None] for row in raw["Trajets"][1:]]
    ahead = run("validate", write_xlsx(tmp_path / "a.xlsx", raw), "--as-of", "2025-12-31")
    assert ahead.exit_code == 1 and "Km est vide" in ahead.stdout, ahead.stderr


def test_a_damaged_workbook_is_said_with_the_copy_kept_before_the_last_write(book):
    """A file cut short (a copy half done, a full disk) cannot be opened and saved again: the
    message names the .bak that the last sync kept, when there is one."""
    assert run("sync", book, "--as-of", "2025-12-31").exit_code == 0
    book.write_bytes(book.read_bytes()[:5000])
    result = run("report", book)
    assert result.exit_code == 2
    assert f"{book.name}.bak is the workbook as it was before sheetsync last wrote it" in result.stderr
    from hostile_files import patched

    kept = book.with_name(book.name + ".bak").read_bytes()  # a package missing a part calamine needs
    book.write_bytes(patched(kept, {"xl/_rels/workbook.xml.rels": None}))
    result = run("report", book)
    assert result.exit_code == 2
    assert f"{book.name}.bak is the workbook as it was before sheetsync last wrote it" in result.stderr
    book.with_name(book.name + ".bak").unlink()
    alone = run("report", book)
    assert alone.exit_code == 2 and ".bak" not in alone.stderr and "save it again." in alone.stderr


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(bad_book):
    """`sheetsync validate book.xlsx | head -1`: the reader goes away after one line; sheetsync
    stops as a program killed by the closed pipe does (exit 141), without an "unexpected error"
    (which would say nothing was written after a sync wrote the workbook)."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "sheetsync", "validate", str(bad_book), "--as-of", "2025-12-31"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()  # gone before the first line (head once it has its lines)
    code, stderr = process.wait(timeout=60), process.stderr.read()
    assert code == 141 and stderr == b"", stderr


def test_the_generated_tabs_say_when_on_the_groups_clock_not_the_servers(book, monkeypatch):
    """A server in New York syncing a group in Paris: "Generated by sheetsync on …" is Paris time."""
    import re
    import time
    from datetime import datetime
    from zoneinfo import ZoneInfo

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert run("sync", book, "--as-of", "2025-12-31").exit_code == 0
    finally:
        monkeypatch.undo()
        time.tzset()
    title = read_xlsx(book)["Balances"][0][0]
    from sheetsync.i18n import day

    paris = datetime.now(ZoneInfo("Europe/Paris")).replace(tzinfo=None)
    written, at = re.search(r"on (\d+ \S+ \d{4}) (\d\d:\d\d) from", title).groups()  # "5 Sept 2026 09:30"
    when = datetime.combine(paris.date(), datetime.strptime(at, "%H:%M").time())
    assert written == day(paris.date(), "en") and abs((paris - when).total_seconds()) < 180, (title, paris)


def test_no_such_file_exits_2_and_leaves_nothing_behind(tmp_path):
    result = run("report", tmp_path / "nope.xlsx")
    assert result.exit_code == 2 and "No such workbook" in result.stderr
    for command in ("sync", "notify"):  # the commands that take the run lock
        args = ["--kind", "digest", "--send"] if command == "notify" else []
        result = run(command, tmp_path / "nope.xlsx", *args)
        assert result.exit_code == 2 and "No such workbook" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no lock file beside a workbook that is not there


def test_no_such_ods_hints_at_a_command_that_works(tmp_path):
    """init creates .xlsx workbooks: the hint for a missing .ods names the .xlsx to create."""
    result = run("sync", tmp_path / "groupe.ods")
    assert result.exit_code == 2 and f"sheetsync init {tmp_path / 'groupe.xlsx'}" in result.stderr
    assert run("init", tmp_path / "groupe.xlsx").exit_code == 0


def test_locked_workbook_exits_3_and_writes_nothing(book):
    (book.parent / ".~lock.group.xlsx#").write_text("x")
    before = book.read_bytes()
    result = run("sync", book)
    assert result.exit_code == 3 and "open in a spreadsheet program" in result.stderr
    assert book.read_bytes() == before


def test_what_stops_the_writing_of_a_french_workbook_is_said_in_french(tmp_path, example2):
    """Once the workbook is read, its language is known: the refusals of the writing (a tab of the
    group's bearing a generated tab's name, the workbook open elsewhere) are said in it."""
    example2["Settings"] += [["langue", "fr"]]
    example2["Soldes"] = [["Mes soldes à moi"]]
    book = write_xlsx(tmp_path / "lilas.xlsx", example2)
    result = run("sync", book, "--as-of", "2025-12-31")
    assert result.exit_code == 2 and "Le classeur a un onglet « Soldes »" in result.stderr, result.stderr
    del example2["Soldes"]
    book = write_xlsx(tmp_path / "lilas.xlsx", example2)
    (tmp_path / ".~lock.lilas.xlsx#").write_text("x")
    result = run("sync", book, "--as-of", "2025-12-31")
    assert result.exit_code == 3 and "est ouvert dans un tableur" in result.stderr, result.stderr


@pytest.mark.parametrize(
    "lang,tabs",
    [
        ("fr", ["Paramètres", "Membres", "Véhicules", "Trajets", "Dépenses", "Réservations", "Paiements"]),
        ("en", ["Settings", "Members", "Vehicles", "Trips", "Expenses", "Bookings", "Payments"]),
    ],
)
def test_init_creates_tabs_with_frozen_headers_and_dropdowns(tmp_path, lang, tabs):
    path = tmp_path / "new.xlsx"
    result = run("init", path, "--lang", lang)
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == tabs
    trips = wb[tabs[3]]
    assert trips.freeze_panes == "A2"
    formulas = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in trips.data_validations.dataValidation}
    assert formulas["D2"] == f"'{tabs[1]}'!$A$2:$A$1000"  # driver from the members
    assert formulas["C2"] == f"'{tabs[2]}'!$A$2:$A$1000"  # vehicle
    expenses = wb[tabs[4]]
    categories = [dv.formula1 for dv in expenses.data_validations.dataValidation if dv.formula1.startswith('"')]
    assert ("carburant" if lang == "fr" else "fuel") in categories[0]


def test_init_example_then_sync(tmp_path):
    path = tmp_path / "ex.xlsx"
    assert run("init", path, "--lang", "fr", "--example").exit_code == 0
    result = run("sync", path, "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    assert "Soldes" in openpyxl.load_workbook(path).sheetnames


def test_init_refuses_a_workbook_with_data(book):
    before = book.read_bytes()
    result = run("init", book)
    assert result.exit_code == 2 and "never overwrites" in result.stderr
    french = run("init", book, "--lang", "fr", env={"LANG": "C"})  # the language asked for, not the terminal's
    assert french.exit_code == 2 and "init n'écrase jamais un classeur" in french.stderr, french.stderr
    terminal = run("init", book, env={"LANG": "fr_FR.UTF-8"})  # no --lang: the terminal's language
    assert terminal.exit_code == 2 and "init n'écrase jamais un classeur" in terminal.stderr, terminal.stderr
    assert book.read_bytes() == before


def test_as_of_excludes_later_rows(tmp_path):
    raw = group(
        trips=consecutive_trips(("Julien", 100), ("Catherine", 100), start_day=date(2025, 6, 1)),
        expenses=[[date(2025, 6, 1), "Laurent", "fuel", 20]],
    )
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    data = report_json(path, "--as-of", "2025-06-02")
    assert {m["name"]: m["km"] for m in data["members"]} == {"Laurent": 0, "Catherine": 0, "Julien": 100}
    assert data["vehicles"][0]["periods"][0]["provisional"] is True


def test_every_command_has_help():
    for name, command in cli.commands.items():
        assert command.help, name
        assert run(name, "--help").exit_code == 0


def test_the_console_script_imports_the_command_with_the_collector_paused_then_runs_with_it_on():
    """The imports' objects live until the process ends: no collector pass while they are made
    (a twentieth of a small sync), then they are frozen and the command runs with it on."""
    import subprocess
    import sys

    code = (
        "import gc, sys\n"
        "seen = []\n"
        "class Spy:\n"
        "    def find_spec(self, name, path, target=None):\n"
        "        if name == 'sheetsync.app.cli':\n"
        "            seen.append(gc.isenabled())\n"
        "sys.meta_path.insert(0, Spy())\n"
        "from sheetsync.app import console\n"
        "sys.argv = ['sheetsync', '--version']\n"
        "try:\n"
        "    console.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(seen, gc.isenabled(), gc.get_freeze_count() > 1000)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[False] True True"


def test_a_filter_hiding_many_rows_is_one_line_not_one_per_row(tmp_path, example2):
    """A trial: a filter hiding 50 rows printed 50 lines "Ligne masquée : comptée". The same note on
    rows that follow each other is one line naming them all."""
    import openpyxl

    path = write_xlsx(tmp_path / "g.xlsx", example2)
    book = openpyxl.load_workbook(path)
    for row in (3, 4, 5, 6, 9):
        book["Trips"].row_dimensions[row].hidden = True
    book.save(path)
    shown = run("validate", path, "--as-of", "2025-12-31").stdout
    assert "Trips, rows 3 to 6: A hidden row: counted. [row.hidden]" in shown
    assert "Trips, row 9: A hidden row: counted. [row.hidden]" in shown and shown.count("[row.hidden]") == 2


def test_the_km_of_trips_left_out_are_said_with_the_money(tmp_path):
    """A trial: two logbook rows left out for a date without its year dropped 418 km from the cost
    per km (0,2400 became 0,2291), and only their fuel was said left out; a trip left out with no
    fuel was said nowhere but in its error. The km left out are said too, and in the JSON."""
    trips = consecutive_trips(("Laurent", 100), ("Catherine", 159), ("Julien", 259, 40), ("Laurent", 100))
    trips[1][0], trips[2][0] = "3/1", "17/01"
    expenses = [[date(2025, 2, 1), "Laurent", "insurance", 300]]
    path = write_xlsx(tmp_path / "g.xlsx", group(trips=trips, expenses=expenses))
    shown = run("report", path, "--as-of", "2025-12-31")
    assert "Left out of the figures: €40.00 in 1 row with a problem (see the problems)." in shown.stdout
    assert "Km left out: 418 in 2 trips with a problem; the cost per km is computed without them." in shown.stdout
    assert "418 km left out (2 trips)" in run("sync", path, "--as-of", "2025-12-31").stdout
    left = json.loads(run("report", path, "--as-of", "2025-12-31", "--format", "json").stdout)["left_out"]
    assert (left["km"], left["km_trips"]) == (418, 2)
    # a review: a reading the row was refused for, ambiguous or doubted by the checks, gives no km
    trips = consecutive_trips(("Laurent", 100), ("Catherine", 100), ("Julien", 100))
    trips[1][2], trips[2][2] = 48.257, 1020  # "48,257": ambiguous; 1020 for 10200: an overlap
    left = report_json(write_xlsx(tmp_path / "r.xlsx", group(trips=trips)), "--as-of", "2025-12-31")["left_out"]
    assert (left["km"], left["km_trips"]) == (0, 0)
