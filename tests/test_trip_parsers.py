"""The quick logbook reader gives exactly what the careful one gives: every field of every record,
and the same problems, on logbooks holding every column the Trips tab knows."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from conftest import group
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from sheetsync.model.schema import TRIPS
from sheetsync.read.records import parse_workbook

# every column of the Trips tab but Km and a form's Timestamp and Email address (they send every
# line the careful way anyway)
COLUMNS = [c for c in TRIPS.columns if c.field not in ("km", "timestamp", "respondent")]

days = st.dates(date(2024, 1, 1), date(2025, 12, 31))
numbers = st.one_of(
    st.integers(0, 90_000), st.floats(0, 90_000, allow_nan=False).map(lambda x: round(x, 1)), st.just("12,5")
)
CELLS = {
    "date": st.one_of(days, days.map(lambda d: datetime(d.year, d.month, d.day, 18, 30)), st.just("03/02/2025")),
    # a return decades away or before 1990 is implausible: the careful reader leaves the line out
    "return": st.one_of(st.none(), days, st.just("oops"), st.sampled_from([date(2052, 3, 1), date(1900, 1, 1)])),
    "vehicle": st.sampled_from([None, "Clio", "clio ", "Twingo"]),
    "driver": st.sampled_from(["Laurent", "julien", " Catherine", "Zoé", None]),
    "odometer_start": numbers,
    "odometer_end": numbers,
    "fuel_paid": st.one_of(
        st.none(),
        st.floats(0, 200, allow_nan=False).map(lambda x: round(x, 2)),
        st.just(-3),
        st.sampled_from(["80,19", "12.5", "1 234,50 €", "1.234", "-4,5", "(3)", "#N/A", "  ", "beaucoup"]),
    ),
    "note": st.sampled_from([None, "Lyon", "  ", 42, "#N/A", "#REF!", "#1 du mois"]),
    "litres": st.one_of(st.none(), st.floats(0, 80, allow_nan=False).map(lambda x: round(x, 2)), st.just("oops")),
    "full": st.sampled_from([None, "oui", "non", True, "peut-être"]),
}


def test_the_strategies_cover_every_column_but_km():
    """A column added to the Trips tab must be added here too, or this fails: the parity test
    below must exercise every field the quick reader could drop."""
    assert set(CELLS) == {c.field for c in COLUMNS}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.fixed_dictionaries(CELLS), min_size=1, max_size=12))
def test_quick_and_careful_readers_agree_on_every_field(rows):
    raw = group()
    raw["Trips"] = [[c.en for c in COLUMNS], *[[row[c.field] for c in COLUMNS] for row in rows]]
    quick = parse_workbook(raw, "g", date(2025, 12, 31), quick=True)
    careful = parse_workbook(raw, "g", date(2025, 12, 31), quick=False)
    same_trips(quick, careful)


PLAIN = {"date": date(2025, 1, 4), "return": None, "vehicle": "Clio", "driver": "Laurent", "odometer_start": 1000}
PLAIN |= {"odometer_end": 1100, "fuel_paid": None, "note": None, "litres": None, "full": None}


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@example(  # lines the quick reader would take but for a return decades away or an error shown in the note
    [PLAIN | {"return": date(2052, 3, 1)}, PLAIN | {"return": date(1900, 1, 1)}, PLAIN | {"note": "#N/A"}],
    set(),
    [None] * 8,
)
@given(
    st.lists(st.fixed_dictionaries(CELLS), min_size=1, max_size=8),
    st.sets(
        st.sampled_from(
            [c.field for c in COLUMNS if c.field not in ("date", "driver", "odometer_start", "odometer_end")]
        )
    ),
    st.lists(st.sampled_from([None, "Clio", "Lyon", 12.5, "oui"]), min_size=8, max_size=8),
)
def test_quick_and_careful_readers_agree_without_some_columns_and_with_one_of_their_own(rows, dropped, extra):
    """Columns left out of the logbook, and a column of the group's own after the known ones (its
    cells never read as a field the tab does not have)."""
    kept = [c for c in COLUMNS if c.field not in dropped]
    rows = [{**row, "litres": None, "full": None} for row in rows]  # lines the quick reader takes
    raw = group()
    raw["Trips"] = [
        [c.en for c in kept] + ["Our own column"],
        *[[row[c.field] for c in kept] + [extra[i]] for i, row in enumerate(rows)],
    ]
    quick = parse_workbook(raw, "g", date(2025, 12, 31), quick=True)
    careful = parse_workbook(raw, "g", date(2025, 12, 31), quick=False)
    same_trips(quick, careful)


def same_trips(quick, careful) -> None:
    assert len(quick.book.trips) == len(careful.book.trips)
    for a, b in zip(quick.book.trips, careful.book.trips, strict=True):
        for f in dataclasses.fields(a):
            assert getattr(a, f.name) == getattr(b, f.name), f.name
            assert type(getattr(a, f.name)) is type(getattr(b, f.name)) or f.name in ("odometer_start", "odometer_end")
    assert quick.problems == careful.problems


def test_plain_lines_do_take_the_quick_reader():
    """The parity above means something only if the quick reader runs: whole readings come out as
    int from it, as Decimal from the careful one."""
    raw = group()
    raw["Trips"] = [[c.en for c in COLUMNS], [date(2025, 1, 4), None, "Clio", "Laurent", 1000, 1100, 20.5, "Lyon"]]
    quick = parse_workbook(raw, "g", date(2025, 12, 31), quick=True).book.trips[0]
    careful = parse_workbook(raw, "g", date(2025, 12, 31), quick=False).book.trips[0]
    assert type(quick.odometer_start) is int and type(careful.odometer_start) is not int
    assert quick == careful


def test_a_column_of_the_groups_own_is_never_read_as_a_field_the_tab_lacks():
    """No Note column, and a column of the group's own right after the known ones: the quick reader
    (which takes this line: its readings come out as int) leaves the note empty, as the careful one."""
    raw = group()
    header = ["Date", "Return", "Vehicle", "Driver", "Odometer start", "Odometer end", "Fuel paid", "Litres"]
    raw["Trips"] = [header + ["Full tank", "Our own column"], [date(2025, 1, 4), None, "Clio", "Laurent", 1000, 1100]]
    raw["Trips"][1] += [None, None, None, "Lyon"]
    quick = parse_workbook(raw, "g", date(2025, 12, 31), quick=True).book.trips[0]
    careful = parse_workbook(raw, "g", date(2025, 12, 31), quick=False).book.trips[0]
    assert type(quick.odometer_start) is int and quick.note is None
    assert quick == careful


def test_an_error_in_a_forms_timestamp_or_email_column_is_said_with_or_without_the_quick_reader():
    """The quick reader never reads a form's Timestamp and Email address: a logbook holding them goes
    the careful way, which says when their cells show an error and leaves the line out."""
    raw = group()
    header = ["Date", "Vehicle", "Driver", "Odometer start", "Odometer end", "Timestamp", "Email address"]
    raw["Trips"] = [header, [date(2025, 1, 4), "Clio", "Laurent", 1000, 1100, "#N/A", "#REF!"]]
    quick = parse_workbook(raw, "g", date(2025, 12, 31), quick=True)
    careful = parse_workbook(raw, "g", date(2025, 12, 31), quick=False)
    assert [p.code for p in careful.problems] == ["value.error", "value.error"] and not careful.book.trips
    same_trips(quick, careful)
