"""The generated tabs, built from a Report: Balances, Settlements, Summary, Problems, History."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from sheetsync.calendar.bookings import schedule
from sheetsync.i18n import tn
from sheetsync.model.schema import CATEGORIES, GENERATED_TABS
from sheetsync.money.references import paid_transfers, settlement_period, transfer_reference
from sheetsync.pipeline import Report
from sheetsync.present import formatting as fmt
from sheetsync.present.table import Chart, Column, Series, Table
from sheetsync.present.words import word

TAB_NAMES = {t.id: t for t in GENERATED_TABS}


def generated_tables(report: Report, source: str, generated_at: datetime) -> list[Table]:
    """Every generated tab, in the group's language, each titled with when and from what it was made."""
    lang = report.settings.language
    title = word("title", lang, when=generated_at, source=source, as_of=report.as_of)
    builders = [balances_table, settlements_table, summary_table, problems_table, history_table]
    if report.book.bookings:
        builders.append(schedule_table)
    return [build(report, title) for build in builders]


def _table(
    report: Report, tab_id: str, title: str, columns: list[Column], rows: list[list], charts: tuple[Chart, ...] = ()
) -> Table:
    lang = report.settings.language
    return Table(
        tab_id, TAB_NAMES[tab_id].name(lang), tuple(columns), rows, title, report.settings.currency, charts=charts
    )


def in_words(report: Report) -> dict[str, str]:
    """Each member's position in a phrase: "owes €341.00 to Marie", "is owed €1,150.00 (by …)"."""
    lang, currency = report.settings.language, report.settings.currency
    owes: dict[str, list[str]] = defaultdict(list)
    owed_by: dict[str, list[str]] = defaultdict(list)
    for t in report.settlement.transfers:
        owes[t.sender].append(word("owes", lang, amount=fmt.money(t.amount, currency, lang), other=t.recipient))
        owed_by[t.recipient].append(t.sender)
    phrases = {}
    for m in report.computation.members:
        amount = fmt.money(abs(m.balance), currency, lang)
        if owes[m.name]:
            phrases[m.name] = word("list_sep", lang).join(owes[m.name])
        elif m.balance > 0 and owed_by[m.name]:
            phrases[m.name] = word("is_owed", lang, amount=amount, others=", ".join(owed_by[m.name]))
        elif m.balance > 0:
            phrases[m.name] = word("is_owed_rounding", lang, amount=amount)
        else:
            phrases[m.name] = word("settled", lang)
    return phrases


def left_out_text(report: Report, later: bool = True) -> str | None:
    """What the figures leave out, when they leave something: "€540.00 in 2 rows (see the
    problems)", the amounts that cannot be read, which no sum holds, and (with `later`) the money
    dated after the as-of day."""
    left, lang = report.left_out, report.settings.language
    said = []
    if left.rows:
        said.append(
            tn(
                lang,
                "Left out of the figures: {amount} in {n} row with a problem (see the problems).",
                "Left out of the figures: {amount} in {n} rows with a problem (see the problems).",
                len(left.rows),
                amount=fmt.money(left.amount, report.settings.currency, lang),
            )
        )
    if left.unread and said:
        said.append(
            tn(
                lang,
                "{n} more amount cannot be read: it is left out too.",
                "{n} more amounts cannot be read: they are left out too.",
                len(left.unread),
            )
        )
    elif left.unread:
        said.append(
            tn(
                lang,
                "Left out of the figures: {n} amount that cannot be read (see the problems).",
                "Left out of the figures: {n} amounts that cannot be read (see the problems).",
                len(left.unread),
            )
        )
    if left.km_trips:  # the cost per km is shared over the km counted: those left out move it
        said.append(
            tn(
                lang,
                "Km left out: {km} in {n} trip with a problem; the cost per km is computed without it.",
                "Km left out: {km} in {n} trips with a problem; the cost per km is computed without them.",
                len(left.km_trips),
                km=fmt.number(left.km, lang),
            )
        )
    if left.later and later:  # not counted yet: a date a year too far is the commonest slip
        said.append(
            tn(
                lang,
                "Not counted yet, being dated after {day}: {amount} in {n} row ({rows}).",
                "Not counted yet, being dated after {day}: {amount} in {n} rows ({rows}).",
                len(left.later),
                day=fmt.day(report.as_of, lang),
                amount=fmt.money(left.later_amount, report.settings.currency, lang),
                rows=_some_rows(left.later, lang),
            )
        )
    return " ".join(said) or None


def _some_rows(sources, lang: str, most: int = 3) -> str:
    """Where the first few of `sources` are ("Expenses row 2, Trips row 9"), and how many more."""
    shown = [f"{s.tab} {word('row_n', lang, row=s.row)}" for s in sources[:most]]
    if len(sources) > most:
        shown.append(tn(lang, "{n} more", "{n} more", len(sources) - most))
    return ", ".join(shown)


def statement_columns(report: Report) -> list[tuple[str, str]]:
    """(label, kind) of the statement columns, labelled with the period."""
    lang = report.settings.language
    period = report.statements[0].period.label(lang) if report.statements else ""
    return [
        (word("opening_balance", lang), "money"),
        (word("km_in", lang, period=period), "number"),
        (word("bears_in", lang, period=period), "money"),
        (word("paid_in", lang, period=period), "money"),
        (word("sent_in", lang, period=period), "money"),
        (word("received_in", lang, period=period), "money"),
        (word("closing_balance", lang), "money"),
    ]


def statement_values(st) -> list:
    """A statement's figures, in the order of `statement_columns`."""
    return [
        st.opening_balance,
        st.km,
        st.bears,
        st.paid,
        st.payments_sent,
        st.payments_received,
        st.closing_balance,
    ]


def balances_table(report: Report, title: str) -> Table:
    """Per member: the to-date totals and the balance in words, then the statement of the current
    period (carried in, the period's figures, carried out), and the suggested advance."""
    lang = report.settings.language
    columns = [Column(word("member", lang))] + [
        Column(word(k, lang), kind)
        for k, kind in (
            ("km", "number"),
            ("bears", "money"),
            ("paid", "money"),
            ("payments_sent", "money"),
            ("payments_received", "money"),
            ("balance", "money"),
            ("in_words", "text"),
        )
    ]
    columns += [Column(label, kind) for label, kind in statement_columns(report)]
    advances: dict[str, Decimal] = defaultdict(Decimal)
    for a in report.advances:
        advances[a.member] += a.per_quarter
    if advances:
        columns.append(Column(word("advance", lang), "money"))
    phrases = in_words(report)
    statements = {st.name: st for st in report.statements}
    rows = []
    for m in report.computation.members:
        row = [m.name, m.km, m.bears, m.paid, m.payments_sent, m.payments_received, m.balance, phrases[m.name]]
        row += statement_values(statements[m.name])
        if advances:
            row.append(advances.get(m.name))
        rows.append(row)
    if (note := left_out_text(report)) is not None:
        rows += [[], [note]]
    return _table(report, "balances", title, columns, rows)


def settlements_table(report: Report, title: str) -> Table:
    """The Settlements tab: who pays whom how much under which reference, then the transfers
    already paid (a payment whose note holds the reference), with notes on the method and rounding."""
    lang = report.settings.language
    columns = [
        Column(word("from", lang)),
        Column(word("to", lang)),
        Column(word("amount", lang), "money"),
        Column(word("reference", lang), width=48),
        Column(word("status", lang), width=20),
    ]
    period = settlement_period(report.book, report.as_of)
    rows: list[list] = [
        [t.sender, t.recipient, t.amount, transfer_reference(report.settings, period, t.sender, t.recipient)]
        + [word("to_pay", lang)]
        for t in report.settlement.transfers
    ]
    for paid in paid_transfers(report.book, report.as_of):
        p = paid.payment
        when = word("paid_on", lang, day=fmt.day(p.date.date(), lang))
        rows.append([p.sender, p.recipient, p.amount, paid.reference, when])
    notes = settlement_notes(report)
    if notes:
        rows.append([])
        rows.extend([[n] for n in notes])
    return _table(report, "settlements", title, columns, rows)


def settlement_notes(report: Report) -> list[str]:
    """What the settlement needs said: nobody owes, the quick method, the rounding, the hub."""
    lang, s = report.settings.language, report.settlement
    notes = []
    if not s.transfers:
        notes.append(word("no_transfer", lang))
    if s.method == "hub":
        notes.append(word("hub_note", lang, hub=report.settings.settlement_hub))
    if s.method == "greedy":
        notes.append(word("greedy_note", lang))
    if s.rounded_to != Decimal("0.01"):
        notes.append(word("rounded_note", lang, step=fmt.money(s.rounded_to, report.settings.currency, lang)))
    return notes


def summary_table(report: Report, title: str) -> Table:
    """The Summary tab: each vehicle and period, its km, costs by category and cost per km."""
    lang = report.settings.language
    periods = report.computation.periods
    used = {c for vp in periods for c in vp.costs_by_category}
    categories = [c for c in CATEGORIES if c.id in used]
    fixed = any(vp.mode == "fixed" for vp in periods)
    members = report.book.member_names()
    columns = [
        Column(word("vehicle", lang)),
        Column(word("period", lang)),
        Column(word("status", lang)),
        Column(word("km", lang), "number"),
    ]
    columns += [Column(c.name(lang).capitalize(), "money") for c in categories]
    columns += [
        Column(word("total", lang), "money"),
        Column(word("running_cost" if fixed else "cost_per_km", lang), "rate"),
    ]
    if fixed:
        columns.append(Column(word("rate", lang), "rate"))
    if report.fuel:
        columns += [Column(word(k, lang), kind) for k, kind in (("litres", "number"), ("l_per_100km", "number"))]
        columns.append(Column(word("price_per_litre", lang), "rate"))
    columns += [Column(word("km_of", lang, name=m), "number") for m in members]
    rows = []
    for vp in periods:
        row = [vp.vehicle, vp.period.label(lang), word("provisional" if vp.provisional else "closed", lang), vp.km]
        row += [vp.costs_by_category.get(c.id, Decimal(0)) for c in categories]
        row += [vp.costs, vp.cost_per_km]
        if fixed:
            row.append(vp.rate)
        if report.fuel:
            row += fuel_cells(report.fuel_of(vp.vehicle, vp.period.id))
        row += [vp.km_by_member.get(m, Decimal(0)) for m in members]
        rows.append(row)
    cost_per_km = 4 + len(categories) + 1
    first_member = len(columns) - len(members)
    return _table(report, "summary", title, columns, rows, summary_charts(report, rows, cost_per_km, first_member))


def fuel_cells(fuel) -> list:
    """Litres, l/100 km (two decimals) and price per litre of a vehicle's period; empty cells without fills."""
    if fuel is None:
        return [None, None, None]
    return [fuel.litres, fuel.rounded()[1], fuel.price_per_litre]


def vehicle_blocks(rows: list[list]) -> list[tuple[str, int, int]]:
    """(vehicle, first row, last row excluded) of each run of rows of one vehicle (column 0)."""
    blocks: list[tuple[str, int, int]] = []
    for i, row in enumerate(rows):
        if blocks and blocks[-1][0] == row[0]:
            blocks[-1] = (row[0], blocks[-1][1], i + 1)
        else:
            blocks.append((row[0], i, i + 1))
    return blocks


def summary_charts(report: Report, rows: list[list], cost_per_km: int, first_member: int) -> tuple[Chart, ...]:
    """Cost per km per period, a line per vehicle; and per vehicle, each member's km per period."""
    lang = report.settings.language
    blocks = vehicle_blocks(rows)
    if not blocks:
        return ()
    charts = [
        Chart(
            "line",
            word("chart_cost_per_km", lang),
            tuple(Series(v, cost_per_km, 1, first, last) for v, first, last in blocks),
            word("cost_per_km", lang),
        )
    ]
    members = report.book.member_names()
    for vehicle, first, last in blocks:
        drove = [
            Series(m, first_member + i, 1, first, last)
            for i, m in enumerate(members)
            if any(rows[r][first_member + i] for r in range(first, last))
        ]
        if drove:
            charts.append(Chart("column", word("chart_km_per_member", lang, vehicle=vehicle), tuple(drove), "km"))
    return tuple(charts)


def problems_table(report: Report, title: str) -> Table:
    """The Problems tab: every problem at its tab, row and column, with its hint and code."""
    lang = report.settings.language
    columns = [Column(word(k, lang)) for k in ("severity", "tab", "row", "column", "problem", "hint", "code")]
    columns[2] = Column(word("row", lang), "number")
    rows = [[word(p.severity.value, lang), p.tab, p.row, p.column, p.message, p.hint, p.code] for p in report.problems]
    return _table(report, "problems", title, columns, rows)


def history_table(report: Report, title: str) -> Table:
    """The History tab: each member's balance at the end of each month."""
    lang = report.settings.language
    members = report.book.member_names()
    columns = [Column(word("month_end", lang), "date")] + [Column(m, "money") for m in members]
    rows = [[end] + [balances.get(m, Decimal(0)) for m in members] for end, balances in report.history]
    charts = ()
    if rows and members:
        series = tuple(Series(m, i + 1, 0, 0, len(rows)) for i, m in enumerate(members))
        charts = (Chart("line", word("chart_balances", lang), series, word("balance", lang)),)
    return _table(report, "history", title, columns, rows, charts)


def schedule_table(report: Report, title: str) -> Table:
    """The coming weeks as a grid, days by vehicle: who has the car, so members can look rather than read."""
    lang = report.settings.language
    vehicles = [v.name for v in report.book.vehicles]
    columns = [Column(word("day", lang), "date")] + [Column(v, "text", width=28) for v in vehicles]
    return _table(
        report,
        "schedule",
        title,
        columns,
        schedule(report.occurrences, vehicles, report.as_of, separator=word("list_sep", lang)),
    )
