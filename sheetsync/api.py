"""The public Python API: what each command does, for every caller (the command line, the HTTP
service, fleet runs, a program of yours). It prints nothing.

    import sheetsync
    report = sheetsync.load("group.xlsx", as_of=date(2025, 12, 31))
    report.to_dict()            # what `sheetsync report --format json` prints
    sheetsync.sync("group.xlsx")  # what `sheetsync sync` does

A location is a path to a .xlsx, .xlsm or .ods workbook, a Google Sheet's URL, or `gsheet:ID`;
a local workbook is read within `limits` (backends/limits.py; the defaults when None). Runs that
write (sync, sending notices) hold the workbook's run lock from reading to writing, so runs on one
workbook, from any process or any thread of `serve`, go one after the other.
Problems with the data are in `Report.problems`; what stops a run raises a SheetsyncError
(DataError: exit 1, SetupError: exit 2, BackendError: exit 3).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.backends import WORKBOOK_SUFFIXES, Backend, open_backend
from sheetsync.backends.limits import Limits
from sheetsync.calendar.bookings import WhoDrove, find_driver
from sheetsync.errors import DataError, SetupError, said_in
from sheetsync.i18n import N_, t
from sheetsync.model import AsOf, Problem, Severity
from sheetsync.model.problems import problem
from sheetsync.model.schema import ENTRIES, is_generated_title
from sheetsync.pipeline import Report, build_report
from sheetsync.present.table import Table
from sheetsync.present.tabs import generated_tables, left_out_text
from sheetsync.read.entries import booking_key, cancellation_key
from sheetsync.read.headers import LocatedTab, RawBook, RawTables
from sheetsync.read.rows import Names

if TYPE_CHECKING:  # the notices' modules load only when notices are made
    from sheetsync.notify.sent_log import SentEntry


@dataclass
class Opened:
    """A workbook read and computed: its backend (to write back), its cells and its report."""

    backend: Backend
    raw: RawTables
    report: Report


def load(
    location: str,
    as_of: AsOf | None = None,
    *,
    credentials: str | None = None,
    oauth: bool = False,
    limits: Limits | None = None,
) -> Report:
    """Read and check a workbook and compute its figures as of `as_of` (default: today): the same
    reading and figures as `sheetsync report`. Writes nothing."""
    return open_report(location, as_of, history=False, credentials=credentials, oauth=oauth, limits=limits).report


def open_report(
    location: str,
    as_of: AsOf | None = None,
    history: bool = True,
    credentials: str | None = None,
    oauth: bool = False,
    on_step=lambda: None,
    limits: Limits | None = None,
    backend: Backend | None = None,
) -> Opened:
    """Read a workbook (`backend`, else the one at `location`) and compute its report (with each
    member's monthly history when `history`). With no `as_of`, the figures count up to today where
    the group lives (its Settings time zone), whatever the server's own zone."""
    as_of = as_of or today_where
    backend = backend or open_backend(location, credentials=credentials, oauth=oauth, limits=limits)
    raw = backend.read_tabs()
    on_step()
    report = build_report(raw, _default_group(backend), as_of, history=history)
    on_step()
    return Opened(backend, raw, report)


def _default_group(backend: Backend) -> str:
    """The group's name when its Settings give none: the workbook's name, without its extension."""
    name = backend.display_name
    return Path(name).stem if name.lower().endswith(WORKBOOK_SUFFIXES) else name


@dataclass
class Synced:
    """What a sync did: the workbook as read, the generated tabs (written unless a dry run), and
    how many digests went to the treasurer (0 or 1)."""

    opened: Opened
    tables: list[Table]
    digests_sent: int = 0

    @property
    def report(self) -> Report:
        return self.opened.report


def sync(
    location: str,
    as_of: AsOf | None = None,
    dry_run: bool = False,
    *,
    notify_on_problems: bool = False,
    credentials: str | None = None,
    oauth: bool = False,
    on_step=lambda: None,
    limits: Limits | None = None,
) -> Synced:
    """Check, compute and rewrite the generated tabs, as `sheetsync sync` does, under the
    workbook's run lock; with `notify_on_problems`, email the treasurer's digest when the data
    has errors (planned, sent and logged under the lock too)."""
    backend = open_backend(location, credentials=credentials, oauth=oauth, limits=limits)
    sent = 0
    with nullcontext() if dry_run else backend.lock():
        opened = open_report(location, as_of, True, on_step=on_step, backend=backend)
        tables = generated_tables(opened.report, opened.backend.display_name, group_now(opened.report))
        if not dry_run:
            with said_in(opened.report.settings.language):  # raised by code that knows no language
                opened.backend.write_tabs(tables)
        on_step()
        if opened.report.has_errors and notify_on_problems and not dry_run:
            sent = notices(opened, "digest", "send").sent  # the Sent log as read: sync writes no Sent tab
    return Synced(opened, tables, sent)


@dataclass
class NoticeRun:
    """What a notice run did: what was rendered, sent or written, and who was left out and why."""

    kind: str
    language: str = "en"  # the group's
    rendered: list = field(default_factory=list)  # what was (or would be) sent
    sent: int = 0
    missing: list[str] = field(default_factory=list)  # members without a valid address
    skipped: list[str] = field(default_factory=list)  # already in the Sent log
    failed: list[str] = field(default_factory=list)  # members whose notice could not become an email
    notes: list[str] = field(default_factory=list)
    outbox: list[Path] = field(default_factory=list)


LARGE_PAYMENT = 10  # a payment this many times what its member owes, or more, is asked about
CANCELS_NOTHING = ("entry.no_such_booking", "entry.cancellation_empty")  # warnings in the sheet, refusals on a phone
CANCEL_A_LISTED_ONE = N_('Cancel one of the bookings listed under "Your bookings".')
ASK_FOR_MONEY = ("settlement", "advance")  # the notices whose amounts the data's errors make wrong


def wrong_figures(report: Report) -> DataError:
    """Why notices asking for amounts do not go: the data has errors (and what they leave out)."""
    left_out = left_out_text(report, later=False)  # what the errors leave out, when they leave money out
    return DataError(
        N_("No notice was sent: the workbook has errors, so the amounts asked would be wrong. {left_out}")
        if left_out
        else N_("No notice was sent: the workbook has errors, so the amounts asked would be wrong."),
        N_(
            "sheetsync validate names each wrong cell (so does the Problems tab after a sync): fix them and "
            "send again, or send anyway with --despite-errors."
        ),
        lang=report.settings.language,
        left_out=left_out,
    )


def group_now(report: Report, clock_seconds: float | None = None) -> datetime:
    """Now (or the moment `clock_seconds`, a Unix time) on the group's clock: its Settings time zone,
    validated by the reader, to the second, without tzinfo. When a tab says it was written, a
    notice sent or a phone entry made, whatever the server's own zone."""
    return _moment_in(report.settings.timezone, clock_seconds).replace(tzinfo=None, microsecond=0)


def today_where(zone: str, clock_seconds: float | None = None) -> date:
    """The day it is now (or at `clock_seconds`, a Unix time) in the time zone `zone`: a group's
    "today", what its figures count up to when no day is given."""
    return _moment_in(zone, clock_seconds).date()


def _moment_in(zone: str, clock_seconds: float | None) -> datetime:
    from zoneinfo import ZoneInfo

    where = ZoneInfo(zone)
    return datetime.now(where) if clock_seconds is None else datetime.fromtimestamp(clock_seconds, where)


def notices(
    opened: Opened,
    kind: str,
    mode: str = "dry-run",
    member: str | None = None,
    resend: bool = False,
    templates: str | None = None,
    config_path: str | None = None,
    days: int = 3,
    within: int = 30,
    outbox: str | None = None,
    links: dict[str, str] | None = None,
    despite_errors: bool = False,
) -> NoticeRun:
    """Plan, render and (mode "send") email or (mode "outbox") write the notices of `kind`.

    Notices that ask members for amounts are neither sent nor written while the data has errors
    that may change an amount (DataError), unless `despite_errors`; a dry run notes that they
    would not go. A wrong IBAN or a booking's error holds nothing.
    Sending logs each message in the Sent tab, even when the server fails half-way (then the
    failure is raised after the log is written)."""
    from sheetsync.notify.mailer import load_sender, write_outbox
    from sheetsync.notify.plan import plan
    from sheetsync.notify.render import environment, render
    from sheetsync.notify.sent_log import read_sent

    report = opened.report
    s = report.settings
    planned = plan(report, kind, member, days, within, links)
    log = read_sent(opened.raw)
    already = {e.key for e in log} if not resend else set()
    run = NoticeRun(kind, s.language, notes=list(planned.notes))
    if kind in ASK_FOR_MONEY and report.amounts_in_doubt and not despite_errors:
        held = wrong_figures(report)
        if mode != "dry-run":
            raise held
        run.notes.append(" ".join(held.in_language()))
    run.missing = [n.member for n in planned.notices if n.address is None]
    run.skipped = [n.member for n in planned.notices if n.address and (n.kind, n.period, n.member) in already]
    to_send = [n for n in planned.notices if n.address and (n.kind, n.period, n.member) not in already]
    with said_in(s.language):  # the templates, the mail settings, the server: in the group's language
        env = environment(templates or s.templates, s.language, s.currency)
        run.rendered = [render(n, env, s.language) for n in to_send]
        if mode == "send":
            run.sent = _send(opened, log, run, config_path)
        elif mode == "outbox":
            run.outbox = write_outbox(Path(outbox), _messages(run, *load_sender(config_path)))
    return run


def notify(
    location: str,
    as_of: AsOf | None,
    kind: str,
    mode: str = "dry-run",
    member: str | None = None,
    *,
    credentials: str | None = None,
    oauth: bool = False,
    limits: Limits | None = None,
    links_of=None,
    **options,
) -> NoticeRun:
    """`notices` for the workbook at `location` (`member`: only the one this name stands for):
    read, planned, sent and logged under the workbook's run lock when sending, so that two runs
    never send the same notice. `links_of(report)` gives the personal links the notices of kind
    "link" carry; `options` are those of `notices`."""
    backend = open_backend(location, credentials=credentials, oauth=oauth, limits=limits)
    with backend.lock() if mode == "send" else nullcontext():
        opened = open_report(location, as_of, False, backend=backend)
        who = member_name(opened.report, member) if member else None
        if links_of is not None:
            options["links"] = links_of(opened.report)
        return notices(opened, kind, mode, who, **options)


def _messages(run: NoticeRun, sender: str, reply_to: str | None = None) -> list:
    """(rendered, email) of each notice; one that cannot become an email is listed in
    `run.failed` and the others go on."""
    from sheetsync.notify.mailer import BadNotice, build_message

    messages = []
    for r in run.rendered:
        try:
            messages.append((r, build_message(r, sender, reply_to)))
        except BadNotice:
            run.failed.append(r.notice.member)
    return messages


def _send(opened: Opened, entries: list[SentEntry], run: NoticeRun, config_path: str | None) -> int:
    from sheetsync.notify.mailer import load_smtp_config, send_all
    from sheetsync.notify.sent_log import SentEntry, sent_table, sent_title

    config = load_smtp_config(config_path)
    report = opened.report
    new: list[SentEntry] = []

    def log(r, msg) -> None:
        n = r.notice
        new.append(
            SentEntry(
                group_now(report),
                n.kind,
                n.period,
                n.member,
                n.address,
                str(msg["Subject"]),
                str(msg["Message-ID"]),
            )
        )

    messages = _messages(run, config.sender, config.reply_to)
    try:
        send_all(config, messages, log)
    finally:
        if new:
            lang = report.settings.language
            title = sent_title(lang, new[-1].sent_at, opened.backend.display_name)
            opened.backend.write_tabs([sent_table(entries + new, lang, title, report.settings.currency)])
    return len(new)


def who_drove(
    location: str,
    at: datetime,
    vehicle: str | None = None,
    *,
    credentials: str | None = None,
    oauth: bool = False,
    limits: Limits | None = None,
) -> tuple[Report, WhoDrove]:
    """Who had `vehicle` (optional when the group has one) at `at`: from the logbook, else the bookings."""
    report = load(location, at.date(), credentials=credentials, oauth=oauth, limits=limits)
    return report, find_driver(report.book, report.occurrences, vehicle_name(report, vehicle), at)


def calendar(
    location: str,
    as_of: AsOf | None = None,
    vehicle: str | None = None,
    *,
    credentials: str | None = None,
    oauth: bool = False,
    limits: Limits | None = None,
) -> tuple[Report, bytes, int]:
    """The bookings (of one vehicle, or all) as an iCalendar file; with the report and how many bookings it holds."""
    from sheetsync.calendar.ics import bookings_calendar  # icalendar, only for this

    report = load(location, as_of, credentials=credentials, oauth=oauth, limits=limits)
    name = vehicle_name(report, vehicle) if vehicle else None
    count = sum(1 for b in report.book.bookings if not name or b.vehicle == name)
    return report, bookings_calendar(report.book, datetime.now().astimezone(), name), count


def vehicle_name(report: Report, typed: str | None) -> str:
    """The group's vehicle that `typed` names (None: the only one), or a SetupError listing them."""
    names = [v.name for v in report.book.vehicles]
    if typed is None and len(names) == 1:
        return names[0]
    if typed is None:
        raise SetupError(
            N_("The group has several vehicles: say which one."),
            N_("Add --vehicle with one of: {vehicles}."),
            lang=report.settings.language,
            vehicles=", ".join(names),
        )
    return one_of(report, names, typed, "vehicles")


def member_name(report: Report, typed: str) -> str:
    """The member that `typed` names (case and accents aside), or a SetupError listing them."""
    return one_of(report, report.book.member_names(), typed, "members")


def one_of(report: Report, names: list[str], typed: str, tab_id: str) -> str:
    """The name of `names` that `typed` stands for (case and accents aside), or a SetupError."""
    found = Names(names).get(typed)
    if found is None:
        raise SetupError(
            N_('"{typed}" is not in the {tab} tab.'),
            N_("Use one of: {choices}."),
            lang=report.settings.language,
            typed=typed,
            tab=report.book.tab_names.get(tab_id, tab_id),
            choices=", ".join(names),
        )
    return found


def draft_agreement(
    location: str,
    as_of: AsOf | None = None,
    fmt: str = "md",
    templates: str | None = None,
    *,
    credentials: str | None = None,
    oauth: bool = False,
    limits: Limits | None = None,
) -> tuple[bytes, str]:
    """The group's car-sharing agreement drafted from its workbook, as Markdown, HTML or PDF (through
    LibreOffice), and the group's language; `templates` is a folder of the group's own templates."""
    from sheetsync.notify.agreement import agreement_html, agreement_markdown

    report = load(location, as_of, credentials=credentials, oauth=oauth, limits=limits)
    lang = report.settings.language
    if fmt == "md":
        return agreement_markdown(report, templates).encode(), lang
    html = agreement_html(report, templates)
    if fmt == "html":
        return html.encode(), lang
    from sheetsync.backends.office import html_to_pdf

    return html_to_pdf(html), lang


@dataclass
class Submitted:
    """What became of an entry made from a phone: written (at `row` of the Entries tab), or
    refused for `problems` (the same checks as `validate`, and the booking rule), nothing written;
    or `asked` about, nothing written: its problems are only warnings (a likely slip), and the
    entry sent again `confirmed` is written as typed."""

    written: bool
    problems: list = field(default_factory=list)
    row: int | None = None
    tab: str = ""
    asked: bool = False


def submit_entry(
    location: str,
    member: str,
    kind: str,
    fields: dict,
    now: datetime,
    *,
    credentials: str | None = None,
    limits: Limits | None = None,
    confirmed: bool = False,
) -> Submitted:
    """Check one member's entry (kind "trip", "expense", "payment", "booking" or "cancellation";
    `fields` as in the Entries tab) as `validate` would with it in the workbook, then append it as
    one row of the Entries tab, all under the workbook's run lock: two entries at once both land.
    An entry with a warning of its own, or dated after `now`'s day, is only asked about unless
    `confirmed` (the member said "save anyway"); an error stops it whatever."""
    backend = open_backend(location, credentials=credentials, limits=limits)
    with backend.lock():
        return _submit(backend, member, kind, fields, now, confirmed)


def _already_saved(after: Report, tab: str, row: int) -> list[Problem]:
    """The expense or payment on `tab`'s `row` when the workbook already held it, to the minute, in
    any tab (the treasurer typed it too; a form sent twice is found before, by _sent_before)."""
    for records in (after.book.expenses, after.book.payments):
        new = next((r for r in records if r.source.tab == tab and r.source.row == row), None)
        if new is None:
            continue
        saved = next((r for r in records if r is not new and replace(r, source=new.source) == new), None)
        if saved is not None:
            lang = after.settings.language
            return [
                problem(
                    "entry.already_saved", lang, tab, row, None, saved_tab=saved.source.tab, saved_row=saved.source.row
                )
            ]
    return []


def _sent_before(table: Table, layout: list, row: list, cancelled: set[int]) -> int | None:
    """The sheet row of an entry of `table` (the Entries tab as just read) equal to `row` in every
    column sheetsync writes but when it was submitted: the same form sent twice (a trip, a booking,
    a cancellation, whose copy would otherwise be refused as wrong against the first). A row that a
    cancellation took out (`cancelled`) is none: the same slot may be booked again."""
    compared = [i for i, f in enumerate(layout) if f and f != "submitted" and i < len(row)]
    wanted = [_as_compared(row[i]) for i in compared]
    for n, cells in enumerate(table.rows, start=table.header_row + 1):
        if n not in cancelled and [_as_compared(cells[i] if i < len(cells) else None) for i in compared] == wanted:
            return n
    return None


def _as_compared(value: object) -> object:
    """A cell as two entries are compared: a number as its decimal value (30.5 read back from a
    file is the Decimal 30.5 sent), a text without its spaces around, an empty cell as None."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float | int):
        return Decimal(repr(value))
    if isinstance(value, str):
        return value.strip() or None
    if type(value) is date:  # a moment at midnight comes back from a file as its day
        return datetime.combine(value, datetime.min.time())
    return value


def _others_made_wrong(before: Report, after: Report, tab: str, row: int) -> list[Problem]:
    """The first error the entry on `tab`'s `row` brings on another row (a trip logged late, after
    a later one was logged from the reading at its end), said on the entry, which it stops."""
    had = {(p.tab, p.row, p.code) for p in before.problems if p.is_error}
    for p in after.problems:
        if p.is_error and (p.tab, p.row) != (tab, row) and (p.tab, p.row, p.code) not in had:
            lang = after.settings.language
            return [
                problem(
                    "entry.makes_another_wrong", lang, tab, row, None, saved_tab=p.tab, saved_row=p.row, said=p.message
                )
            ]
    return []


def _doubts(
    before: Callable[[], Report],
    after: Report,
    member: str,
    kind: str,
    fields: dict,
    tab: str,
    row: int,
    now: datetime,
) -> list[Problem]:
    """What looks like a slip in `member`'s entry on `tab`'s `row`: its warnings (3,000 km in a day,
    an amount of 0), a trip, an expense or a payment dated after today (a year typed too far), a
    payment ten times what its member owes or more, and a cancellation of a repeating booking (it
    cancels every one to come). `before`: the report without it."""
    lang = after.settings.language
    doubts = [p for p in after.problems if p.tab == tab and p.row == row and p.severity is Severity.WARNING]
    day = fields.get("date")
    if kind in ("trip", "expense", "payment") and isinstance(day, datetime) and day.date() > now.date():
        column = ENTRIES.column("date").name(lang)
        doubts.insert(0, problem("entry.after_today", lang, tab, row, column, day=day.date()))
    if kind == "payment" and isinstance(amount := fields.get("amount"), Decimal):
        owed = -before().computation.balances().get(member, Decimal(0))
        if owed > 0 and amount >= LARGE_PAYMENT * owed:  # a decimal sign missed: 46798 for 467,98
            column = ENTRIES.column("amount").name(lang)
            said = {"amount": amount, "owed": owed, "member": member}
            said |= {"typed": Decimal(4679), "meant": Decimal("46.79")}  # an example, in the group's language
            doubts.append(problem("entry.large_payment", lang, tab, row, column, **said))
    if kind == "cancellation" and (named := cancellation_key(member, str(fields.get("cancels") or ""))):
        from sheetsync.present.formatting import repeats

        # the booking it names, as it stood: a series under way is still there after, cut short
        for booking in (b for b in before().book.bookings if b.repeat and booking_key(b) == named):
            column = ENTRIES.column("cancels").name(lang)
            series = repeats(booking, lang)
            doubts.append(
                problem("entry.cancels_series", lang, tab, row, column, vehicle=booking.vehicle, every=series)
            )
    return doubts


def _entries_as_kept(raw: RawTables, located: LocatedTab, lang: str, currency: str) -> tuple[Table | None, list, int]:
    """The Entries tab to add a row to: its Table (the rows below its header as just read, for a
    file's writer), the field of each of its columns (None for a column of the group's), and how many
    columns the tab has now. The group's tab is kept as it is (a column the treasurer added or
    moved stays in its place); a new tab is sheetsync's. None for a tab with rows of the group's
    above its title, or no header: no row can be added without moving theirs."""
    from sheetsync.present.entries import OWN_LAYOUT, entries_table, kept_layout

    name = located.name
    if name not in raw:
        table = entries_table(lang, currency)
        return table, OWN_LAYOUT, len(table.columns)
    if located.header_row not in (1, 2):  # rows of the group's above it, an empty tab, no header to go by
        return None, [], 0
    rows = list(raw[name])
    header, below = rows[located.header_row - 1], [list(r) for r in rows[located.header_row :]]
    table, layout = kept_layout(lang, currency, list(header), located.index, below, located.header_row == 2)
    return table, layout, len(header)


def _submit(backend: Backend, member: str, kind: str, fields: dict, now: datetime, confirmed: bool) -> Submitted:
    from sheetsync.calendar.bookings import clashes_of
    from sheetsync.present.entries import entry_row
    from sheetsync.read.entries import cancelled_rows, entries_tab
    from sheetsync.read.headers import find_tabs
    from sheetsync.read.records import workbook_settings

    raw = RawBook.listed(backend.read_tabs())  # the marks kept: a hidden row counts as in `validate`
    s = workbook_settings(raw, _default_group(backend))
    name = find_tabs(raw).get("entries") or ENTRIES.name(s.language)
    located = entries_tab(raw, name if name in raw else None, s.language)  # once: its layout, its cancellations
    table, layout, width = _entries_as_kept(raw, located, s.language, s.currency)
    if table is None:  # nothing of the group's is moved: the page says what the treasurer can do
        code = "entry.empty_entries_tab" if located.header_row == 0 else "entry.rows_above_header"
        return Submitted(False, [problem(code, s.language, name, None, None, name=name)], None, name)
    current = raw.get(name) or [[table.title], [c.header for c in table.columns]]
    row, number = entry_row(kind, member, fields, now, s.language, layout), len(current) + 1
    grows = any(v is not None for v in row[width:])  # the tab lacks a column this entry fills
    if grows and not is_generated_title(current[0][0] if current and current[0] else None):
        # the group's own tab (no title of sheetsync's): its header is theirs to extend
        missing = ", ".join(str(c.header) for c, v in zip(table.columns[width:], row[width:], strict=False) if v)
        said = problem("entry.missing_column", s.language, name, None, missing, name=name)
        return Submitted(False, [said], None, name)
    saved_row = _sent_before(table, layout, row, cancelled_rows(located))
    if saved_row is not None:  # the same form sent twice: said before any check
        said = problem("entry.already_saved", s.language, name, number, None, saved_tab=name, saved_row=saved_row)
        return Submitted(False, [said], None, name)
    with_entry = raw.with_tab(name, [*current, row])
    after = build_report(with_entry, _default_group(backend), now.date(), history=False)
    # an error on its row stops an entry, and so does a cancellation that would cancel nothing (a
    # warning in the sheet; the phone lists the member's bookings still counted, and says so)
    stopping = [
        replace(p, hint=t(s.language, CANCEL_A_LISTED_ONE)) if p.code in CANCELS_NOTHING else p
        for p in after.problems
        if p.tab == name and p.row == number and (p.is_error or p.code in CANCELS_NOTHING)
    ]
    if kind == "booking" and not stopping:
        stopping = clashes_of(after.book, after.occurrences, name, number)
    stopping = stopping or _already_saved(after, name, number)
    before = cache(lambda: build_report(raw, _default_group(backend), now.date(), history=False))  # when needed
    if not stopping and after.has_errors:  # none of them its own: does it make another row wrong?
        stopping = _others_made_wrong(before(), after, name, number)
    if stopping:
        return Submitted(False, stopping, None, name)
    if not confirmed and (doubts := _doubts(before, after, member, kind, fields, name, number, now)):
        return Submitted(False, doubts, None, name, asked=True)
    entry_tab = replace(table, name=name)
    if grows:
        # the tab lacks a column this entry fills (Until came in a later version): it gains it at
        # its end, every other cell in its place; on Google Sheets too, so the tab is written whole, once
        backend.write_tabs([replace(entry_tab, rows=[*table.rows, row])])
    else:
        backend.append_row(entry_tab, row)  # below the group's own tab, however spelt
    return Submitted(True, [], number, name)
