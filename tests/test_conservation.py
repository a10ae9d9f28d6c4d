"""Conservation of money: every money cell of the input is in the figures or said to be left out
(its amount, or that it cannot be read)."""

from datetime import date, timedelta
from decimal import Decimal as D

from conftest import group, report_of, write_xlsx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.pipeline import build_report

MEMBERS = ["Anne", "Bruno", "Chloé"]
# what goes wrong on a row: (column index, bad value); None keeps the row good
BAD_EXPENSE = [None, (1, "Zoé"), (2, "Truc bizarre"), (0, "32/13/2025"), (0, 12), (3, "-40"), (1, "#N/A")]
BAD_EXPENSE += [(3, "12,4O"), (3, "#DIV/0!")]  # an amount that cannot be read
BAD_PAYMENT = [None, (1, "Zoé"), (2, "Anne"), (0, "hier"), (3, "-15")]
BAD_TRIP = [None, (1, "Zoé"), (0, date(2052, 1, 1)), (2, "#DIV/0!"), (4, "plein")]
STAYS_WITH_PAYER = {"Péage A7"}  # a negative amount there is refused (no refund of a toll); elsewhere a refund
UNREADABLE = ("12,4O", "#DIV/0!", "plein")  # money cells holding these are said left out, unread


def amounts(places="0.01", high="900"):
    return st.decimals(places, high, places=2)


@st.composite
def workbooks(draw):
    """A group with good and bad rows, the sum of every money cell typed in it that reads as an
    amount, and the number of rows whose money cell does not."""
    typed, unreadable = D(0), 0
    trips, odometer = [], 1000
    for i in range(draw(st.integers(0, 8))):
        fuel = draw(st.one_of(st.none(), amounts()))
        row = [date(2025, 1, 1) + timedelta(days=7 * i), draw(st.sampled_from(MEMBERS)), odometer, odometer + 50, fuel]
        if (bad := draw(st.sampled_from(BAD_TRIP))) is not None:
            row[bad[0]] = bad[1]
        if draw(st.booleans()) and i:  # readings that overlap the trip before
            row[2], row[3] = odometer - 30, odometer + 20
        trips.append(row)
        odometer += 50
        unreadable += row[4] in UNREADABLE
        typed += fuel if fuel is not None and row[4] not in UNREADABLE else 0
    expenses = []
    for _ in range(draw(st.integers(0, 8))):
        amount = draw(amounts(high="2000"))
        row = [date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 360))), draw(st.sampled_from(MEMBERS))]
        row += [draw(st.sampled_from(["fuel", "Assurance annuelle", "Péage A7", "repair"])), str(amount)]
        if (bad := draw(st.sampled_from(BAD_EXPENSE))) is not None:
            row[bad[0]] = bad[1]
        unreadable += row[3] in UNREADABLE
        refused_refund = row[3].startswith("-") and row[2] in STAYS_WITH_PAYER  # left out: counted by its size
        typed += (abs(D(row[3])) if refused_refund else D(row[3])) if row[3] not in UNREADABLE else 0
        expenses.append(row)
    payments = []
    for _ in range(draw(st.integers(0, 4))):
        amount = draw(amounts(high="500"))
        row = [date(2025, 6, 1), "Bruno", "Anne", amount]
        if (bad := draw(st.sampled_from(BAD_PAYMENT))) is not None:
            row[bad[0]] = bad[1]
        typed += abs(D(str(row[3])))  # a refused -15 is 15 left out
        payments.append(row)
    raw = group(members=MEMBERS, owner="Anne", trips=trips, expenses=expenses, payments=payments)
    return raw, typed, unreadable


def figures(report) -> D:
    """The money the figures hold: costs paid and payments made."""
    return sum((m.paid + m.payments_sent for m in report.computation.members), D(0))


@settings(max_examples=150, deadline=None)
@given(workbooks())
def test_every_money_cell_is_in_the_figures_or_left_out(workbook):
    raw, typed, unreadable = workbook
    report = report_of(raw, history=False)
    assert figures(report) + report.left_out.amount == typed
    assert len(report.left_out.unread) == unreadable
    assert len(report.left_out.rows) + unreadable <= sum(1 for p in report.problems if p.is_error)


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(workbooks())
def test_the_same_holds_read_from_a_real_file(tmp_path, workbook):
    raw, typed, unreadable = workbook
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    report = build_report(XlsxBackend(path).read_tabs(), "g", date(2025, 12, 31), history=False)
    assert figures(report) + report.left_out.amount == typed
    assert len(report.left_out.unread) == unreadable


def test_a_row_the_checks_take_out_keeps_the_money_of_its_second_column_left_out_too():
    """A misdated trip (taken out by the checks) holding 30 in Fuel paid and 25 in a second Fuel
    paid column: 55 left out, not 30."""
    from conftest import consecutive_trips

    raw = group(
        trips=consecutive_trips(*[("Anne", 100), ("Bruno", 100), ("Chloé", 100)] * 3), members=MEMBERS, owner="Anne"
    )
    header, *rows = raw["Trips"]
    fuel = header.index("Fuel paid")
    raw["Trips"] = [header + ["Fuel paid"]] + [row + [None] * (len(header) - len(row) + 1) for row in rows]
    raw["Trips"][3][0] = date(2025, 1, 20)
    raw["Trips"][3][fuel], raw["Trips"][3][-1] = 30, 25
    report = report_of(raw, history=False)
    assert "trip.misdated" in [p.code for p in report.problems]
    assert report.left_out.amount == D("55.00") and [(s.tab, s.row) for s in report.left_out.rows] == [("Trips", 4)]


def test_money_left_out_is_counted_by_its_size_whatever_its_sign():
    """A payment of -30 (refused) and one of 30 to oneself (refused): 60 is left out, not 0."""
    raw = group(
        members=MEMBERS,
        owner="Anne",
        trips=[[date(2025, 1, 1), "Anne", 1000, 1050, None]],
        payments=[[date(2025, 6, 1), "Bruno", "Anne", -30], [date(2025, 6, 2), "Chloé", "Chloé", 30]],
    )
    report = report_of(raw, history=False)
    assert {p.code for p in report.problems if p.is_error} == {"payment.negative", "payment.self"}
    assert report.left_out.amount == D("60.00") and len(report.left_out.rows) == 2


def test_a_second_money_column_says_its_amounts_by_their_size_as_the_money_left_out_does():
    """The reading's review: 25 and -25 in an ignored second Fuel paid column were "0 in all" in its
    warning, while 50 was said left out."""
    from conftest import consecutive_trips

    raw = group(trips=consecutive_trips(("Anne", 100), ("Bruno", 100)), members=MEMBERS, owner="Anne")
    header, *rows = raw["Trips"]
    raw["Trips"] = [header + ["Fuel paid"]] + [
        row + [None] * (len(header) - len(row)) + [v] for row, v in zip(rows, (25, -25), strict=True)
    ]
    report = report_of(raw, history=False)
    (warning,) = [p for p in report.problems if p.code == "column.duplicate_money"]
    assert "50 in all" in warning.message and report.left_out.amount == D("50.00")
