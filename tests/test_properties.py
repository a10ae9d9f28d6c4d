"""Properties that hold for any group (hypothesis)."""

from datetime import date, timedelta
from decimal import Decimal as D

from conftest import group, report_of
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync.money.cents import allocate
from sheetsync.money.ledger import build_ledger
from sheetsync.money.periods import period_of
from sheetsync.money.settle import settle, zero_sum_groups
from sheetsync.money.shares import compute

NAMES = ["Anne", "Bruno", "Chloé", "David", "Emma", "Farid"]
CATEGORY_WORDS = ["fuel", "insurance", "repair", "toll", "supplies", "amende", "assurance", "accident"]


@st.composite
def groups(draw):
    n = draw(st.integers(2, 6))
    members = NAMES[:n]
    owner = draw(st.sampled_from(members))
    odometer, trips = 1000, []
    for _ in range(draw(st.integers(0, 25))):
        km = draw(st.integers(1, 900))
        day = date(2025, 1, 1) + timedelta(days=len(trips) * 7)
        fuel = draw(st.one_of(st.none(), st.decimals("0.01", "90", places=2)))
        trips.append([day, draw(st.sampled_from(members)), odometer, odometer + km, fuel])
        odometer += km
    expenses = [
        [
            date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 364))),
            draw(st.sampled_from(members)),
            draw(st.sampled_from(CATEGORY_WORDS)),
            draw(st.decimals("0.01", "2000", places=2)),
            draw(st.sampled_from(members)),
        ]
        for _ in range(draw(st.integers(0, 12)))
    ]
    payments = [
        [date(2025, 6, 1), a, b, draw(st.decimals("0.01", "500", places=2))]
        for a, b in draw(
            st.lists(
                st.tuples(st.sampled_from(members), st.sampled_from(members)).filter(lambda p: p[0] != p[1]), max_size=4
            )
        )
    ]
    mode = draw(
        st.sampled_from(
            [
                [],
                [("cost_mode", "fixed"), ("rate_per_km", "0.31")],
                [("cost_mode", "fixed"), ("rate_per_km", "0.2"), ("fuel", "separate")],
                [("split.insurance", "equal"), ("split.repair", "owner")],
            ]
        )
    )
    period = draw(st.sampled_from(["year", "quarter", "month"]))
    return group(
        members=members,
        owner=owner,
        trips=trips,
        expenses=expenses,
        payments=payments,
        settings=mode + [("period", period)],
    )


def balances(report):
    return {m.name: m.balance for m in report.computation.members}


@settings(max_examples=60, deadline=None)
@given(groups())
def test_balances_sum_to_zero_and_shares_sum_to_each_pool(raw):
    report = report_of(raw, history=False)
    assert sum(balances(report).values()) == 0
    for vp in report.computation.periods:
        assert sum(vp.bears.values(), D(0)) == vp.costs
    for amount in balances(report).values():
        assert amount == amount.quantize(D("0.01"))


@settings(max_examples=40, deadline=None)
@given(groups(), st.randoms(use_true_random=False))
def test_row_order_changes_nothing(raw, rnd):
    shuffled = {tab: rows[:1] + rnd.sample(rows[1:], len(rows) - 1) for tab, rows in raw.items()}
    assert balances(report_of(shuffled, history=False)) == balances(report_of(raw, history=False))


@settings(max_examples=60, deadline=None)
@given(groups())
def test_settlements_zero_every_balance(raw):
    report = report_of(raw, history=False)
    left = balances(report)
    for t in report.settlement.transfers:
        left[t.sender] += t.amount
        left[t.recipient] -= t.amount
    assert set(left.values()) <= {D(0)}


@settings(max_examples=60, deadline=None)
@given(groups())
def test_history_ends_on_the_balances_of_the_report(raw):
    report = report_of(raw)
    if report.history:
        assert report.history[-1][1] == balances(report)


@settings(max_examples=40, deadline=None)
@given(groups(), st.dates(date(2025, 1, 1), date(2026, 3, 31)))
def test_history_and_statements_are_what_a_computation_of_their_own_says(raw, as_of):
    """A report computes each ended vehicle-period once, for its figures, its statements and its
    History: each month end and the day before the period must still read as if computed alone."""
    report = report_of(raw, as_of)
    ledger = build_ledger(report.book, as_of)
    for end, shown in report.history:
        assert shown == compute(report.book, ledger, end).balances()
    before = compute(report.book, ledger, period_of(as_of, report.settings.period).start - timedelta(days=1), as_of)
    opening = before.balances()
    assert {st.name: st.opening_balance for st in report.statements} == {
        m.name: opening.get(m.name, D("0.00")) for m in report.computation.members
    }


def best_partition_count(values):
    """Most zero-sum blocks in a partition of `values`, by trying every set partition."""

    def partitions(items):
        if not items:
            yield []
            return
        first, rest = items[0], items[1:]
        for smaller in partitions(rest):
            for i in range(len(smaller)):
                yield smaller[:i] + [[first] + smaller[i]] + smaller[i + 1 :]
            yield [[first]] + smaller

    return max(sum(1 for block in p if sum(block) == 0) for p in partitions(list(values)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(-40, 40).filter(bool), min_size=1, max_size=7))
def test_minimal_settlement_is_the_exact_optimum(values):
    values = values + [-sum(values)] if sum(values) else values
    values = [v for v in values if v]
    cents = {f"m{i}": D(v) for i, v in enumerate(values)}
    result = settle(cents)
    assert len(result.transfers) == len(values) - best_partition_count(values)
    groups_found = zero_sum_groups(values)
    assert sorted(i for g in groups_found for i in g) == list(range(len(values)))
    assert all(sum(values[i] for i in g) == 0 for g in groups_found)


def test_greedy_is_not_minimal_but_ours_is():
    balances_ = {"a": D(-10), "b": D(-3), "c": D(-3), "d": D(6), "e": D(5), "f": D(5)}
    assert len(settle(balances_).transfers) == 4


def test_more_than_twenty_balances_fall_back_to_greedy_and_still_settle():
    values = {f"m{i}": D(i + 1) for i in range(21)}
    values["m0"] -= sum(values.values())
    result = settle(values)
    assert result.method == "greedy" and not result.exact
    left = dict(values)
    for t in result.transfers:
        left[t.sender] += t.amount
        left[t.recipient] -= t.amount
    assert set(left.values()) == {D(0)}


@given(st.decimals("0", "10000", places=2), st.lists(st.integers(0, 5000), min_size=1, max_size=8))
def test_allocation_adds_up_to_the_cent(total, weights):
    if not any(weights):
        weights[0] = 1
    shares = allocate(total, dict(enumerate(weights)))
    assert sum(shares.values()) == total
    assert all(shares[i] == 0 for i, w in enumerate(weights) if w == 0)


def test_allocation_ties_are_deterministic():
    assert allocate(D("0.02"), {"a": 1, "b": 1, "c": 1}) == {"a": D("0.01"), "b": D("0.01"), "c": D("0.00")}


def test_hub_and_rounded_transfers():
    balances_ = {"Marie": D("10.40"), "Paul": D("-4.30"), "Zoé": D("-6.10")}
    hub = settle(balances_, "hub", "Marie", D("1"))
    assert [(t.sender, t.recipient, t.amount) for t in hub.transfers] == [
        ("Zoé", "Marie", D("6.00")),
        ("Paul", "Marie", D("4.00")),
    ]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-30, 30).filter(bool), min_size=2, max_size=12))
def test_both_ways_of_solving_find_as_many_groups(values):
    from sheetsync.money.settle import _chain_table, _chain_table_numpy

    values = values + [-sum(values)] if sum(values) else values
    full = (1 << len(values)) - 1
    assert _chain_table(values)[0][full] == int(_chain_table_numpy(values)[0][full])
