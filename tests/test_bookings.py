"""The bookings calendar: repeats, clashes under the group's rule, ICS, reconciliation, who drove."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import icalendar
import recurring_ical_events
from click.testing import CliRunner
from conftest import codes, consecutive_trips, group, read_xlsx, report_of, write_xlsx

from sheetsync.app.cli import cli
from sheetsync.calendar.bookings import find_driver, occurrences
from sheetsync.calendar.ics import bookings_calendar
from sheetsync.model import Severity

AS_OF = date(2025, 3, 31)


def with_bookings(rows, settings=(), trips=(), members=("Marie", "Paul", "Zoé"), owner="Marie"):
    raw = group(members=members, owner=owner, settings=settings, trips=trips)
    raw["Bookings"] = [["Member", "Start", "End", "Repeat", "Until", "Booked at", "Note"], *map(list, rows)]
    return raw


def conflicts(report):
    return [p for p in report.problems if p.code == "booking.conflict"]


def test_weekly_booking_written_with_a_weekday_and_a_planted_clash():
    raw = with_bookings(
        [
            ["Marie", "mardi 20h", "23h", "hebdomadaire", "30/06/2025", "02/01/2025", "chorale"],
            ["Paul", "11/03/2025 22:00", "12/03/2025 08:00", None, None, "01/03/2025", "aéroport"],
        ]
    )
    report = report_of(raw, as_of=AS_OF)
    weekly = report.book.bookings[0]
    assert (weekly.start, weekly.end, weekly.repeat) == (datetime(2025, 1, 7, 20), datetime(2025, 1, 7, 23), "weekly")
    found = conflicts(report)
    assert [(p.tab, p.row, p.column) for p in found] == [("Bookings", 2, "Start"), ("Bookings", 3, "Start")]
    assert all(p.severity is Severity.WARNING for p in found)
    assert "Paul on row 3 (11 Mar 2025 22:00 – 12 Mar 2025 08:00)" in found[0].message
    assert "Marie on row 2 (11 Mar 2025 20:00–23:00)" in found[1].message
    assert (
        found[0].hint
        == found[1].hint
        == ("Under the group's rule (first booked), Marie keeps the car: booked first, on 2 Jan 2025.")
    )


def test_owner_priority_and_row_order():
    rows = [["Paul", "2025-03-01 10:00", "2025-03-01 12:00"], ["Marie", "2025-03-01 11:00", "2025-03-01 13:00"]]
    by_owner = conflicts(report_of(with_bookings(rows, settings=[("priorité", "propriétaire")]), as_of=AS_OF))
    assert "Marie keeps the car: Marie owns it" in by_owner[0].hint
    by_row = conflicts(report_of(with_bookings(rows), as_of=AS_OF))
    assert "Paul keeps the car: the booking written first (row 2)" in by_row[0].hint


def test_half_open_intervals_do_not_clash():
    rows = [["Paul", "2025-03-01 10:00", "2025-03-01 12:00"], ["Zoé", "2025-03-01 12:00", "2025-03-01 14:00"]]
    assert conflicts(report_of(with_bookings(rows), as_of=AS_OF)) == []


def test_across_midnight_an_end_time_alone_is_the_next_day():
    rows = [["Paul", "14/03/2025 22h", "02h"], ["Zoé", "15/03/2025 01:30", "15/03/2025 09:00"]]
    report = report_of(with_bookings(rows), as_of=AS_OF)
    assert report.book.bookings[0].end == datetime(2025, 3, 15, 2)
    assert len(conflicts(report)) == 2


def test_repeats_daily_biweekly_monthly_until():
    raw = with_bookings(
        [
            ["Zoé", "2025-01-31 08:00", "2025-01-31 09:00", "mensuel", "2025-06-30"],
            ["Paul", "2025-01-06 08:00", "2025-01-06 09:00", "toutes les deux semaines", "2025-02-28"],
            ["Marie", "2025-01-01 07:00", "2025-01-01 07:30", "daily", "2025-01-05"],
        ]
    )
    book = report_of(raw, as_of=AS_OF).book
    horizon = datetime(2026, 1, 1)
    monthly, biweekly, daily = (occurrences(b, horizon) for b in book.bookings)
    assert [o.start.date() for o in monthly] == [date(2025, 1, 31), date(2025, 3, 31), date(2025, 5, 31)]
    assert [o.start.day for o in biweekly] == [6, 20, 3, 17]
    assert len(daily) == 5


def test_unknown_repeat_is_an_error():
    raw = with_bookings([["Zoé", "2025-01-31 08:00", "2025-01-31 09:00", "sometimes"]])
    assert codes(report_of(raw, as_of=AS_OF)) == [("Bookings", 2, "Repeat", "booking.repeat")]


def test_reconciliation_of_logbook_and_calendar():
    trips = consecutive_trips(("Paul", 50), ("Zoé", 20), ("Marie", 30), start_day=date(2025, 3, 3))
    raw = with_bookings(
        [
            ["Paul", "03/03/2025 09h", "03/03/2025 18h"],  # Paul's trip on 03/03: fine
            ["Paul", "05/03/2025 09h", "05/03/2025 18h"],  # Zoé drove on 05/03
            ["Marie", "20/03/2025 09h", "20/03/2025 18h"],
        ],  # no trip recorded
        trips=trips,
    )
    report = report_of(raw, as_of=AS_OF)
    assert codes(report) == [
        ("Bookings", 3, "Start", "booking.no_trip"),
        ("Bookings", 4, "Start", "booking.no_trip"),
        ("Trips", 3, "Driver", "trip.outside_booking"),
        ("Trips", 4, "Driver", "trip.unbooked"),
    ]
    assert report.problems[2].message == "Zoé drove Clio on 5 Mar 2025, when it was booked by Paul."
    assert report.problems[1].message == "Marie's booking of Clio (20 Mar 2025 09:00–18:00) has no trip in the logbook."


def test_dst_change_keeps_the_local_time_and_the_ics_round_trips():
    raw = with_bookings(
        [
            ["Marie", "dimanche 20h", "22h", None, "2025-04-13", "2025-03-16"],
            ["Paul", "2025-03-29 23:00", "2025-03-30 04:00", None, None, None, "nuit du changement d'heure"],
        ],
        settings=[("fuseau horaire", "Europe/Paris")],
    )
    report = report_of(raw, as_of=AS_OF)
    ours = [(o.member, o.start, o.end) for o in report.occurrences]
    assert [s for m, s, _ in ours if m == "Marie"] == [
        datetime(2025, 3, 16, 20),
        datetime(2025, 3, 23, 20),
        datetime(2025, 3, 30, 20),
        datetime(2025, 4, 6, 20),
        datetime(2025, 4, 13, 20),
    ]
    ics = bookings_calendar(report.book, datetime(2025, 3, 1, 12))
    cal = icalendar.Calendar.from_ical(ics)
    events = recurring_ical_events.of(cal).between(datetime(2025, 3, 1), datetime(2025, 5, 1))
    theirs = sorted((str(e["SUMMARY"]).split(" — ")[1], e["DTSTART"].dt, e["DTEND"].dt) for e in events)
    assert [(m, s.replace(tzinfo=None), e.replace(tzinfo=None)) for m, s, e in theirs] == sorted(ours)
    utc_hours = sorted({s.utcoffset() for m, s, _ in theirs if m == "Marie"})
    assert utc_hours == [timedelta(hours=1), timedelta(hours=2)]  # winter then summer time, 20:00 both
    ((start, end),) = [(s, e) for m, s, e in theirs if m == "Paul"]
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=4)  # 5 wall-clock hours, 4 real


def test_ics_uids_are_stable_and_vehicle_filter(tmp_path):
    rows = [
        ["Marie", "mardi 20h", "23h", "weekly", None, "2025-01-02"],
        ["Paul", "2025-03-01 10:00", "2025-03-01 12:00"],
    ]
    raw = with_bookings(rows)
    raw["Vehicles"].append(["Kangoo", "Paul", None])
    raw["Bookings"][0].insert(0, "Vehicle")
    raw["Bookings"][1].insert(0, "Clio")
    raw["Bookings"][2].insert(0, "Kangoo")
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    out = tmp_path / "g.ics"
    result = CliRunner().invoke(cli, ["calendar", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    first = icalendar.Calendar.from_ical(out.read_bytes())
    uids = {str(e["UID"]) for e in first.walk("VEVENT")}
    assert len(uids) == 2
    raw["Bookings"] = [raw["Bookings"][0], raw["Bookings"][2], raw["Bookings"][1]]  # rows moved
    write_xlsx(path, raw)
    again = CliRunner().invoke(cli, ["calendar", str(path)])
    assert {str(e["UID"]) for e in icalendar.Calendar.from_ical(again.stdout).walk("VEVENT")} == uids
    weekly = next(e for e in first.walk("VEVENT") if "RRULE" in e)
    assert weekly["RRULE"]["FREQ"] == ["WEEKLY"]
    kangoo = CliRunner().invoke(cli, ["calendar", str(path), "--vehicle", "kangoo"])
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(kangoo.stdout).walk("VEVENT")] == ["Kangoo — Paul"]


def who(path, *args):
    return CliRunner().invoke(cli, ["who-drove", str(path), *args])


def test_who_drove_from_the_logbook_else_the_bookings(tmp_path):
    trips = [[datetime(2025, 3, 12, 9), "Paul", 1000, 1060, None]]
    raw = with_bookings([["Zoé", "15/03/2025 10h", "15/03/2025 18h"]], trips=trips)
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    answer = who(path, "--at", "2025-03-12 14:32")
    assert answer.exit_code == 0, answer.output
    assert answer.stdout.strip() == (  # in the group's language, as every message
        "Paul drove Clio at 12 Mar 2025 14:32 (logbook: Trips row 2 (12 Mar 2025 09:00, 1000 → 1060 km))."
    )
    booked = who(path, "--at", "15/03/2025 16h", "--vehicle", "clio")
    assert booked.stdout.strip() == (
        "Zoé had booked Clio at 15 Mar 2025 16:00 (bookings; no trip recorded: Bookings row 2 (15 Mar 2025 10:00–18:00))."
    )
    day = who(path, "--at", "2025-03-12")  # a day without a time: the day is said, not midnight
    assert day.stdout.strip().startswith("Paul drove Clio at 12 Mar 2025 (logbook:")
    raw["Trips"] = [["Date", "Driver", "Km"], [date(2025, 3, 10), "Paul", 60.5]]
    raw["Settings"].append(["language", "fr"])
    km_only = who(write_xlsx(tmp_path / "k.xlsx", raw), "--at", "2025-03-10 10:00")  # a day typed alone, km only
    assert "(10 mars 2025, 60,5 km)" in km_only.stdout, km_only.stdout
    data = who(path, "--at", "2025-03-12 14:32", "--format", "json").stdout  # for a program: ISO
    assert '"at": "2025-03-12 14:32:00"' in data and '"2025-03-12 09:00, 1000 → 1060 km"' in data
    nobody = who(path, "--at", "2025-03-20 10:00", "--format", "json")
    assert '"members": []' in nobody.stdout


def test_sync_writes_the_schedule_grid(tmp_path):
    raw = with_bookings(
        [["Marie", "lundi 20h", "23h", "weekly", None, "2025-01-01"], ["Paul", "2025-04-05 08:00", "2025-04-06 20:00"]]
    )
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    assert CliRunner().invoke(cli, ["sync", str(path), "--as-of", "2025-03-31"]).exit_code == 0
    grid = read_xlsx(path)["Schedule"]
    assert grid[1] == ["Day", "Clio"]
    days = {row[0].date(): row[1] for row in grid[2:]}
    assert days[date(2025, 3, 31)] == "Marie 20:00–23:00"
    assert days[date(2025, 4, 5)] == "Paul 08:00–24:00"
    assert days[date(2025, 4, 6)] == "Paul 00:00–20:00"
    assert len(days) == 42


def test_an_output_of_dash_prints_the_calendar_and_writes_no_file(tmp_path, monkeypatch):
    path = write_xlsx(tmp_path / "g.xlsx", with_bookings([["Marie", "2025-03-01 10:00", "2025-03-01 12:00"]]))
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["calendar", str(path), "--output", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("BEGIN:VCALENDAR") and not (tmp_path / "-").exists()


def test_a_night_booking_repeated_daily_against_a_day_booking_is_one_clash_on_each_row():
    """Marie's 20:00–08:00 every day overlaps Paul's 07:00–21:00 at both ends of his day: still one
    clashing pair, so one conflict on each row (counting both clashes), and one lost by Paul."""
    from sheetsync.calendar.bookings import clashes_of

    raw = with_bookings(
        [
            ["Marie", "01/03/2025 20:00", "02/03/2025 08:00", "quotidien", "10/03/2025", None, None],
            ["Paul", "05/03/2025 07:00", "05/03/2025 21:00", None, None, None, None],
        ]
    )
    report = report_of(raw, as_of=AS_OF)
    found = conflicts(report)
    assert [p.row for p in found] == [2, 3]
    assert all(p.hint.endswith("(2 clashes.)") for p in found)
    assert len(clashes_of(report.book, report.occurrences, "Bookings", 3)) == 1
    assert clashes_of(report.book, report.occurrences, "Bookings", 2) == []


def test_who_keeps_the_car_does_not_depend_on_which_booking_is_asked_about_first(example2):
    """A Bookings row and a phone entry on the same row number, neither with a time of booking:
    the verdict is the same whichever is named first, and the clash the phone booking loses is
    the one whose verdict gives the car to the other."""
    from sheetsync.calendar.bookings import clashes_of, expand, keeper
    from sheetsync.model import Booking, SourceRef

    book = report_of(example2).book
    typed = Booking(SourceRef("Bookings", 5), "Clio", "Julien", datetime(2026, 1, 3, 9), datetime(2026, 1, 3, 12))
    phoned = Booking(SourceRef("Entries", 5), "Clio", "Catherine", datetime(2026, 1, 3, 10), datetime(2026, 1, 3, 11))
    assert keeper(book, typed, phoned)[0] is keeper(book, phoned, typed)[0]
    book = replace(book, bookings=(typed, phoned))
    found = expand(book, date(2026, 1, 1))
    winner = keeper(book, typed, phoned)[0]
    loser = phoned if winner is typed else typed
    (lost,) = clashes_of(book, found, loser.source.tab, loser.source.row)
    assert f"{winner.member} keeps the car" in lost.hint
    assert clashes_of(book, found, winner.source.tab, winner.source.row) == []


def test_a_cancellation_typed_in_the_entries_tab_that_cancels_nothing_is_a_warning_on_its_row():
    """A cancellation naming no booking of its member (a wrong row, another member's booking, a
    booking an earlier line already cancelled) cancels nothing, and `validate` says so where it was
    typed; the one that matches still cancels, and the figures are not touched either way."""
    raw = with_bookings(
        [
            ["Marie", "2025-04-01 10:00", "2025-04-01 12:00"],
            ["Paul", "2025-04-02 10:00", "2025-04-02 12:00"],
            ["Paul", "next week", "2025-04-09 12:00"],  # left out for its error: not counted, so not cancelled
        ]
    )
    header = ["Submitted at", "Kind", "Member", "Cancels"]
    raw["Entries"] = [
        ["Phone entries"],
        header,
        [datetime(2025, 3, 2), "cancellation", "Marie", "Bookings!2"],  # hers: cancels it
        [datetime(2025, 3, 3), "cancellation", "Marie", "Bookings!3"],  # Paul's
        [datetime(2025, 3, 4), "cancellation", "Marie", "Bookings!2"],  # already cancelled on row 3
        [datetime(2025, 3, 5), "cancellation", "Zoé", "Bookings!9"],  # no such row
        [datetime(2025, 3, 6), "cancellation", "Paul", "booked on tuesday"],  # not TAB!ROW
        [datetime(2025, 3, 7), "cancellation", "Paul", "Bookings!4"],
        [datetime(2025, 3, 8), "cancellation", "Paul", None],  # says nothing of what it cancels
        [datetime(2025, 3, 9), "cancellation", " ", "Bookings!3"],  # nor who cancels
    ]
    report = report_of(raw, as_of=AS_OF)
    found = [p for p in report.problems if p.code == "entry.no_such_booking"]
    assert [(p.tab, p.row, p.column, p.severity) for p in found] == [
        ("Entries", row, "Cancels", Severity.WARNING) for row in (4, 5, 6, 7, 8)
    ]
    assert found[0].message == "No booking of Marie at Bookings!3 to cancel."
    assert found[0].hint.startswith("Name in Cancels, as TAB!ROW, a booking of Marie still counted")
    assert [b.member for b in report.book.bookings] == ["Paul"]  # Paul's still counts: no line cancels it
    assert [(p.tab, p.row, p.code) for p in report.problems if p.is_error] == [("Bookings", 4, "value.date")]
    empty = [(p.row, p.column, p.severity) for p in report.problems if p.code == "entry.cancellation_empty"]
    assert empty == [(9, "Cancels", Severity.WARNING), (10, "Member", Severity.WARNING)]
    assert not report.amounts_in_doubt  # nothing here changes an amount: notices asking for money go


def test_a_cancellation_names_its_member_as_every_member_cell_does():
    """With Prénom and Nom columns, "Marie Dupont" is Marie in a booking and in a cancellation
    alike: the cancellation takes her booking out and is no warning."""
    raw = group(members=("Marie", "Paul"), owner="Marie")
    raw["Members"] = [["Prénom", "Nom"], ["Marie", "Dupont"], ["Paul", "Martin"]]
    raw["Bookings"] = [["Member", "Start", "End"], ["Marie Dupont", "2025-04-01 10:00", "2025-04-01 12:00"]]
    raw["Entries"] = [
        ["Phone entries"],
        ["Submitted at", "Kind", "Member", "Cancels"],
        [datetime(2025, 3, 2), "cancellation", "Marie Dupont", "Bookings!2"],
    ]
    report = report_of(raw, as_of=AS_OF)
    assert report.book.bookings == () and report.problems == []


def test_a_booking_on_a_day_its_month_has_not_is_said_so_as_a_trip_is():
    """ "31/02/2025" was a date that could not be read in Bookings, and a day February has not in Trips."""
    raw = with_bookings(
        [
            ["Marie", "31/02/2025 18:00", "01/03/2025 10:00", None, None, None, None],
            ["Paul", "10/03/2025 08:00", "31/04/2025 18:00", None, None, None, None],
            ["Zoé", "quand je peux", "12/03/2025 08:00", None, None, None, None],
        ]
    )
    found = [(p.row, p.column, p.code) for p in report_of(raw, as_of=AS_OF).problems if p.is_error]
    assert found == [(2, "Start", "value.no_such_day"), (3, "End", "value.no_such_day"), (4, "Start", "value.date")]


def test_a_repeat_whose_last_day_is_before_its_start_is_an_error_at_its_cell():
    """A trial: a weekly booking from 26 Nov "until 20 Nov" was saved, then counted nowhere (no
    day left), though the calendar file still showed it. It is an error at its Until cell now."""
    raw = group()
    raw["Bookings"] = [
        ["Member", "Start", "End", "Repeat", "Until"],
        ["Laurent", "2025-11-26 09:00", "2025-11-26 12:00", "weekly", "2025-11-20"],
        ["Julien", "2025-11-27 09:00", "2025-11-27 08:00", None, None],
    ]
    report = report_of(raw, as_of=date(2025, 11, 1))
    assert [(p.row, p.column, p.code) for p in report.problems if p.is_error] == [
        (2, "Until", "booking.until_before_start"),
        (3, "End", "booking.end_before_start"),
    ]
    messages = [p.message for p in report.problems if p.is_error]
    assert messages == [
        "The last day of the repeat (20 Nov 2025) is before the booking starts (26 Nov 2025).",
        "The booking ends (27 Nov 2025 08:00) before it starts (27 Nov 2025 09:00).",
    ]
    assert report.book.bookings == ()


def test_cancelling_a_series_under_way_keeps_its_days_gone_by():
    """A trial: Julien's weekly booking began on 3 Nov; cancelled on 20 Nov, it vanished whole, and
    who drove on 10 Nov had no answer any more. The days before the cancellation stay (it says
    "every one to come"); a series not yet begun, and a single booking, go whole as before."""
    raw = group(members=("Julien", "Marie"), owner="Marie")
    raw["Bookings"] = [
        ["Member", "Start", "End", "Repeat"],
        ["Julien", "2025-11-03 09:00", "2025-11-03 12:00", "weekly"],
        ["Marie", "2025-12-01 09:00", "2025-12-01 12:00", "weekly"],
    ]
    raw["Entries"] = [
        ["Phone entries"],
        ["Submitted at", "Kind", "Member", "Cancels"],
        [datetime(2025, 11, 20, 18, 0), "cancellation", "Julien", "Bookings!2"],
        [datetime(2025, 11, 20, 18, 5), "cancellation", "Marie", "Bookings!3"],
    ]
    report = report_of(raw, as_of=date(2025, 12, 31))
    assert [(b.member, b.until) for b in report.book.bookings] == [("Julien", date(2025, 11, 20))]  # up to then
    days = [o.start.date() for o in occurrences(report.book.bookings[0], datetime(2026, 1, 31))]
    assert days == [date(2025, 11, d) for d in (3, 10, 17)]
    assert find_driver(report.book, report.occurrences, "Clio", datetime(2025, 11, 10, 10)).members == ("Julien",)
    # the days kept are booked days as any other: with no trip in the logbook, the reminder asks for them
    assert [p.code for p in report.problems] == ["booking.no_trip"] * 3
