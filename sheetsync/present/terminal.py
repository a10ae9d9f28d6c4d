"""Rendering a Report for the terminal: a text table, JSON (docs/design.md) or CSV. One place for all commands."""

from __future__ import annotations

import io
import re
from datetime import datetime

from sheetsync.calendar.bookings import km_text
from sheetsync.i18n import N_, t, tn
from sheetsync.model import Problem, Severity
from sheetsync.money.cents import km_value, plain
from sheetsync.pipeline import Report
from sheetsync.present import formatting as fmt
from sheetsync.present.tabs import in_words, left_out_text, settlement_notes, statement_columns, statement_values
from sheetsync.present.words import word


def as_json(value: object) -> str:
    """What a command prints with `--format json`: indented, accents as they are."""
    import json  # only such a run loads it

    return json.dumps(value, ensure_ascii=False, indent=2)


def report_json(report: Report) -> str:
    """The report as `report --format json` prints it."""
    return as_json(report.to_dict())


# control characters (C0 but tab and newline, DEL, C1) and the bidirectional overrides that can
# disguise a line: a cell's text never drives the terminal
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """`text` without the control characters a terminal would obey."""
    return CONTROL.sub("", text)


def csv_text(value: str) -> str:
    """A text cell for CSV: one a spreadsheet would run as a formula (= + - @ tab CR first) is
    prefixed with ' as OWASP recommends. Only text goes through here: numbers stay numbers."""
    return "'" + value if value.startswith(FORMULA_START) else value


def report_csv(report: Report) -> str:
    """The balances, one row per member, with the amounts as plain numbers; then, after an empty
    line, the transfers to settle (from, to, amount). Names are neutralised (`csv_text`)."""
    import csv  # only where CSV is written

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "km", "bears", "paid", "payments_sent", "payments_received", "balance"])
    for m in report.computation.members:
        writer.writerow(
            [
                csv_text(m.name),
                km_value(m.km),
                plain(m.bears),
                plain(m.paid),
                plain(m.payments_sent),
                plain(m.payments_received),
                plain(m.balance),
            ]
        )
    writer.writerow([])
    writer.writerow(["from", "to", "amount"])
    for transfer in report.settlement.transfers:
        writer.writerow([csv_text(transfer.sender), csv_text(transfer.recipient), plain(transfer.amount)])
    return out.getvalue()


def text_table(headers: list[str], rows: list[list[str]], right: set[int] = frozenset()) -> str:
    """Rows as an aligned text table under `headers` (`right`: the columns aligned right)."""
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows, strict=False)]

    def line(cells):
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=False))
        ).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def report_text(report: Report) -> str:
    """The report as `report` prints it: balances, transfers, vehicles, problems."""
    s = report.settings
    lang, cur = s.language, s.currency
    phrases = in_words(report)
    heading = word("balances_as_of", lang, group=s.group, day=fmt.day(report.as_of, lang))
    members = text_table(
        [
            word("member", lang),
            word("km", lang),
            word("bears", lang),
            word("paid", lang),
            word("balance", lang),
            word("in_words", lang),
        ],
        [
            [
                m.name,
                fmt.number(m.km, lang),
                fmt.money(m.bears, cur, lang),
                fmt.money(m.paid, cur, lang),
                fmt.money(m.balance, cur, lang),
                phrases[m.name],
            ]
            for m in report.computation.members
        ],
        right={1, 2, 3, 4},
    )
    transfers = "\n".join(f"  {transfer_line(t, cur, lang)}" for t in report.settlement.transfers)
    notes = "\n".join(f"  {n}" for n in settlement_notes(report))
    fixed = any(vp.mode == "fixed" for vp in report.computation.periods)
    headers = [
        word("vehicle", lang),
        word("period", lang),
        word("km", lang),
        word("total", lang),
        word("running_cost" if fixed else "cost_per_km", lang),
    ]
    headers += [word("rate", lang)] if fixed else []
    fuel_headers = [word("litres", lang), word("l_per_100km", lang), word("price_per_litre", lang)]
    rows = []
    for vp in report.computation.periods:
        row = [
            vp.vehicle,
            vp.period.label(lang),
            fmt.number(vp.km, lang),
            fmt.money(vp.costs, cur, lang),
            fmt.rate(vp.cost_per_km, lang),
        ]
        row += [fmt.rate(vp.rate, lang)] if fixed else []
        row.append(word("provisional" if vp.provisional else "closed", lang))
        row += fuel_text(report.fuel_of(vp.vehicle, vp.period.id), cur, lang) if report.fuel else []
        rows.append(row)
    status = len(headers)  # the status column, text, left-aligned; the fuel columns after it are numbers
    right = set(range(2, status)) | (set(range(status + 1, status + 4)) if report.fuel else set())
    vehicles = text_table(headers + [word("status", lang)] + (fuel_headers if report.fuel else []), rows, right=right)
    parts = [heading, "", members, "", statement_text(report), ""]
    if (left := left_out_text(report)) is not None:
        parts += [left, ""]
    parts += [
        labelled(lang, word("from", lang) + " → " + word("to", lang), "").rstrip(),
        "\n".join(x for x in (transfers, notes) if x),
        "",
        vehicles,
    ]
    if report.problems:
        parts += ["", problems_text(report.problems, lang)]
    return "\n".join(parts) + "\n"


def statement_text(report: Report) -> str:
    """The statement of the period holding the as-of date, one line per member, labelled."""
    lang, cur = report.settings.language, report.settings.currency
    if not report.statements:
        return ""
    labels = [label for label, _ in statement_columns(report)]
    kinds = [kind for _, kind in statement_columns(report)]
    rows = [
        [st.name]
        + [
            fmt.number(v, lang) if kind == "number" else fmt.money(v, cur, lang)
            for v, kind in zip(statement_values(st), kinds, strict=True)
        ]
        for st in report.statements
    ]
    heading = word("statement_for", lang, period=report.statements[0].period.label(lang))
    return heading + "\n\n" + text_table([word("member", lang), *labels], rows, right=set(range(1, len(labels) + 1)))


def fuel_text(fuel, currency: str, lang: str) -> list[str]:
    """Litres, l/100 km and price per litre of a vehicle's period, for a text table ("" without fills)."""
    if fuel is None:
        return ["", "", ""]
    shown = fmt.fuel_figures(fuel, currency, lang)
    return [shown["litres"], shown["l_per_100km"] or "—", shown["price_per_litre"] or "—"]


def problems_text(problems: list[Problem], lang: str = "en") -> str:
    """One line per problem: where, what, and the hint on the next line; the same problem on rows
    that follow each other (a filter hiding fifty rows) is one line naming them all."""
    lines = []
    for p, last in _runs(problems):
        where = place(p, lang, last)
        lines.append(f"{word(p.severity.value, lang):7} {labelled(lang, where, p.message)} [{p.code}]")
        if p.hint:
            lines.append(f"        → {p.hint}")
    return "\n".join(lines)


def _runs(problems: list[Problem]) -> list[tuple[Problem, int | None]]:
    """(the first problem, the last row) of each run of one problem said alike on following rows."""
    runs: list[tuple[Problem, int | None]] = []
    for p in problems:
        if runs and p.row:
            first, last = runs[-1]
            same = (first.code, first.tab, first.column, first.message, first.hint)
            if same == (p.code, p.tab, p.column, p.message, p.hint) and (last or first.row) == p.row - 1:
                runs[-1] = (first, p.row)
                continue
        runs.append((p, None))
    return runs


def summary_line(report: Report) -> str:
    """One line for cron logs, in the group's language; it says the money left out of the figures."""
    lang = report.settings.language
    counts = ", ".join(
        (
            tn(lang, "{n} member", "{n} members", len(report.computation.members)),
            tn(lang, "{n} transfer to settle", "{n} transfers to settle", len(report.settlement.transfers)),
            tn(lang, "{n} error", "{n} errors", report.count(Severity.ERROR)),
            tn(lang, "{n} warning", "{n} warnings", report.count(Severity.WARNING)),
        )
    )
    line = t(lang, "{group}: {counts}", group=report.settings.group, counts=counts)
    left = report.left_out
    if left.rows:  # the money of rows left out, said in every run's summary
        line += tn(
            lang,
            "; {amount} left out ({n} row)",
            "; {amount} left out ({n} rows)",
            len(left.rows),
            amount=fmt.money(left.amount, report.settings.currency, lang),
        )
    if left.km_trips:  # the km the cost per km is computed without
        line += tn(
            lang,
            "; {km} km left out ({n} trip)",
            "; {km} km left out ({n} trips)",
            len(left.km_trips),
            km=fmt.number(left.km, lang),
        )
    if left.unread:  # money no sum holds: said too
        line += tn(lang, "; {n} unreadable amount left out", "; {n} unreadable amounts left out", len(left.unread))
    if left.later:
        line += t(
            lang,
            "; {amount} dated after {day}, not counted yet",
            amount=fmt.money(left.later_amount, report.settings.currency, lang),
            day=fmt.day(report.as_of, lang),
        )
    return line


def who_drove_text(answer, lang: str) -> str:
    """ "Julien drove Clio at 12 Mar 2025 14:32 (logbook: Trips row 14, …)."."""
    at = answer.at  # a day asked (midnight): a day said
    if not answer.members:
        return t(
            lang,
            "Nothing says who had {vehicle} at {at}: neither the logbook nor the bookings.",
            vehicle=answer.vehicle,
            at=at,
        )
    who = word("and", lang).join(answer.members)
    rows = word("list_sep", lang).join(
        f"{r.tab} {word('row_n', lang, row=r.row)} ({_when_and_km(start, end, trip, lang)})"
        for r, (start, end, trip) in zip(answer.rows, answer.spans, strict=True)
    )
    n = len(answer.members)
    params = {"who": who, "vehicle": answer.vehicle, "at": at, "rows": rows}
    if answer.source == "trips":
        return tn(
            lang,
            "{who} drove {vehicle} at {at} (logbook: {rows}).",
            "{who} drove {vehicle} at {at} (logbook: {rows}).",
            n,
            **params,
        )
    return tn(
        lang,
        "{who} had booked {vehicle} at {at} (bookings; no trip recorded: {rows}).",
        "{who} had booked {vehicle} at {at} (bookings; no trip recorded: {rows}).",
        n,
        **params,
    )


def _when_and_km(start: datetime, end: datetime | None, trip, lang: str) -> str:
    """A trip's departure (→ return), km: "12 mars 2025 09:00, 1000 → 1060 km" (a day typed alone,
    said alone); a booking's span."""
    if trip is None:
        return fmt.span(start, end, lang)
    km = km_text(trip, lambda value: fmt.number(value, lang, grouped=False))
    return f"{fmt.when(start, lang)}{f' → {fmt.when(end, lang)}' if end else ''}, {km}"


def dialog_text(report: Report, shown: int = 5) -> str:
    """What the menu's dialog says after a sync or a check: balances, transfers, the first problems."""
    s = report.settings
    lang, cur = s.language, s.currency
    lines = [t(lang, "Balances as of {day}", day=fmt.day(report.as_of, lang))]
    lines += [f"  {labelled(lang, m.name, fmt.money(m.balance, cur, lang))}" for m in report.computation.members]
    if report.settlement.transfers:
        lines.append(t(lang, "Transfers:"))
        lines += [f"  {transfer_line(t, cur, lang)}" for t in report.settlement.transfers]
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    lines.append(tn(lang, "{n} error", "{n} errors", errors) + ", " + tn(lang, "{n} warning", "{n} warnings", warnings))
    problems = [p for p in report.problems if p.severity is not Severity.INFO][:shown]
    for p in problems:
        lines.append(f"  {labelled(lang, place(p, lang), p.message)}")
    return "\n".join(lines)


def notice_outcome(
    lang: str, run, command_line: bool = True, mode: str = "send", outbox: str | None = None
) -> list[str]:
    """What a run of notices (api.NoticeRun) did, in a few lines: how many were sent (`mode`
    "send"), written into `outbox` ("outbox") or would be sent ("dry-run"), its notes, who has no
    address, who had it already, whose notice could not become an email. `command_line`: the reader
    can run the command again (with --resend), and the first line names the kind; not from the menu."""
    if mode == "outbox":
        done = tn(
            lang, "{n} notice written to {folder}.", "{n} notices written to {folder}.", len(run.outbox), folder=outbox
        )
    elif mode == "dry-run":
        done = tn(
            lang,
            "{n} notice to send (dry run: nothing sent).",
            "{n} notices to send (dry run: nothing sent).",
            len(run.rendered),
        )
    else:
        done = tn(lang, "{n} notice sent.", "{n} notices sent.", run.sent)
    lines = [labelled(lang, run.kind, done) if command_line else done, *run.notes]
    if run.missing:
        lines.append(
            t(lang, "Not notified (no valid email address in Members): {names}.", names=", ".join(run.missing))
        )
    if run.skipped:
        already = (
            N_("Already sent, per the Sent tab (use --resend to send again): {names}.")
            if command_line
            else N_("Already sent, per the Sent tab: {names}.")
        )
        lines.append(t(lang, already, names=", ".join(run.skipped)))
    if run.failed:
        lines.append(
            t(lang, "Not notified (the name or address cannot go in an email): {names}.", names=", ".join(run.failed))
        )
    return lines


def place(p: Problem, lang: str, last: int | None = None) -> str:
    """Where a problem is: "Trips, row 5, Odometer end" (as much of it as it says); "rows 5 to 9"
    up to the row `last`."""
    row = word("rows_n_to_m", lang, row=p.row, last=last) if last else word("row_n", lang, row=p.row) if p.row else ""
    return ", ".join(x for x in (p.tab, row, p.column or "") if x)


def labelled(lang: str, label: str, text: str) -> str:
    """ "label: text", with the space French typography puts before the colon ("label : text")."""
    return t(lang, "{label}: {text}", label=label, text=text)


def transfer_line(transfer, currency: str, lang: str) -> str:
    """ "Catherine → Laurent: €467.98" (French: "Catherine → Laurent : 467,98 €")."""
    return labelled(lang, f"{transfer.sender} → {transfer.recipient}", fmt.money(transfer.amount, currency, lang))
