"""The guide's worked examples: exact figures."""

from datetime import date
from decimal import Decimal as D

from conftest import consecutive_trips, group, report_of


def balances(report):
    return {m.name: m.balance for m in report.computation.members}


def transfers(report):
    return [(t.sender, t.recipient, t.amount) for t in report.settlement.transfers]


def test_example_1_fixed_rate():
    trips = consecutive_trips(("Françoise", 2440), ("Pierre", 5320))
    raw = group(
        members=("Marie", "Françoise", "Pierre"),
        owner="Marie",
        settings=[("cost_mode", "fixed"), ("rate_per_km", "0,25")],
        trips=trips,
        expenses=[
            [date(2025, 3, 1), "Françoise", "fuel", 194],
            [date(2025, 4, 1), "Françoise", "repair", 75],
            [date(2025, 5, 1), "Pierre", "fuel", 521],
        ],
    )
    report = report_of(raw)
    assert balances(report) == {"Marie": D("1150.00"), "Françoise": D("-341.00"), "Pierre": D("-809.00")}
    assert sorted(transfers(report)) == [("Françoise", "Marie", D("341.00")), ("Pierre", "Marie", D("809.00"))]
    assert not report.has_errors


def test_example_2_real_cost(example2):
    report = report_of(example2)
    assert balances(report) == {"Laurent": D("639.52"), "Catherine": D("-467.98"), "Julien": D("-171.54")}
    assert sorted(transfers(report)) == [("Catherine", "Laurent", D("467.98")), ("Julien", "Laurent", D("171.54"))]
    (period,) = report.computation.periods
    assert (period.km, period.costs) == (D(12790), D(3070))
    data = report.to_dict()
    assert data["vehicles"][0]["periods"] == [
        {"period": "2025", "km": 12790, "costs": "3070.00", "cost_per_km": "0.2400", "provisional": False}
    ]
    catherine = next(m for m in data["members"] if m["name"] == "Catherine")
    assert catherine == {
        "name": "Catherine",
        "km": 4341,
        "bears": "1041.98",
        "paid": "574.00",
        "payments_sent": "0.00",
        "payments_received": "0.00",
        "balance": "-467.98",
        "period": {
            "label": "2025",
            "opening_balance": "0.00",
            "km": 4341,
            "bears": "1041.98",
            "paid": "574.00",
            "payments_sent": "0.00",
            "payments_received": "0.00",
            "closing_balance": "-467.98",
        },
    }


def test_example_2_settled_by_payments(example2):
    example2["Payments"] += [
        [date(2025, 12, 20), "Catherine", "Laurent", "467,98"],
        [date(2025, 12, 21), "Julien", "Laurent", 171.54],
    ]
    report = report_of(example2)
    assert set(balances(report).values()) == {D("0.00")}
    assert report.settlement.transfers == []


def test_example_3_mixed_rules():
    trips = consecutive_trips(("Elodie", 2000), ("Pierre", 3000), ("Emilie", 5000))
    raw = group(
        members=("Elodie", "Pierre", "Emilie"),
        owner="Elodie",
        settings=[("split.insurance", "parts égales")],
        trips=trips,
        expenses=[[date(2025, 1, 5), "Elodie", "insurance", 600], [date(2025, 1, 6), "Elodie", "fuel", 1000]],
    )
    report = report_of(raw)
    (period,) = report.computation.periods
    assert period.bears == {
        "Elodie": D("200.00") + D("200.00"),
        "Pierre": D("200.00") + D("300.00"),
        "Emilie": D("200.00") + D("500.00"),
    }


def test_example_4_real_cost_per_km():
    trips = consecutive_trips(("A", 6100), ("B", 6100))
    raw = group(members=("A", "B"), owner="A", trips=trips, expenses=[[date(2025, 6, 1), "A", "insurance", 3416]])
    (period,) = report_of(raw).computation.periods
    assert f"{period.cost_per_km:.4f}" == "0.2800"


def test_example_5_quarterly_advance_with_rate_excluding_fuel():
    raw = group(
        members=("Marie", "Nouvelle"),
        owner="Marie",
        settings=[("cost_mode", "barème"), ("fuel", "séparé"), ("rate_per_km", "0,20")],
    )
    raw["Members"] = [["Name", "Expected km per year"], ["Marie", None], ["Nouvelle", 4000]]
    report = report_of(raw, as_of=date(2026, 1, 15))
    (advance,) = report.advances
    assert (advance.member, advance.basis, advance.per_quarter) == ("Nouvelle", "expected", D("200.00"))


def test_example_5_rate_including_fuel_less_fuel_cost_per_km():
    # 0.30 €/km including fuel; fuel cost last year 0.096 €/km -> 0.204 €/km; 4,000 km -> 204.00 a quarter
    trips = consecutive_trips(("Marie", 6000), ("Nouvelle", 4000))
    raw = group(
        members=("Marie", "Nouvelle"),
        owner="Marie",
        settings=[("cost_mode", "fixed"), ("rate_per_km", 0.3)],
        trips=trips,
        expenses=[[date(2025, 5, 1), "Marie", "fuel", 960]],
    )
    (advance,) = report_of(raw, as_of=date(2026, 2, 1)).advances
    assert (advance.basis_km, advance.rate_excluding_fuel, advance.per_quarter) == (D(4000), D("0.204"), D("204.00"))
