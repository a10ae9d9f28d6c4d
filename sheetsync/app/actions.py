"""What the commands do, once for all callers: the command line, the HTTP service, fleet runs.

Each job opens a backend, hands the data to the core and writes back; it prints nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sheetsync.backends import Backend, open_backend
from sheetsync.notify.sent_log import SentEntry, read_sent, sent_table, sent_title
from sheetsync.pipeline import Report, build_report
from sheetsync.present.table import Table
from sheetsync.present.tabs import generated_tables
from sheetsync.read.headers import RawTables


@dataclass
class Opened:
    backend: Backend
    raw: RawTables
    report: Report


def open_report(
    location: str,
    as_of: date,
    history: bool = True,
    credentials: str | None = None,
    oauth: bool = False,
    on_step=lambda: None,
) -> Opened:
    """Read a workbook and compute its report."""
    backend = open_backend(location, credentials=credentials, oauth=oauth)
    raw = backend.read_tabs()
    on_step()
    name = backend.display_name
    group = Path(name).stem if name.lower().endswith((".xlsx", ".xlsm", ".ods")) else name
    report = build_report(raw, group, as_of, history=history)
    on_step()
    return Opened(backend, raw, report)


def sync(
    location: str,
    as_of: date,
    dry_run: bool = False,
    credentials: str | None = None,
    oauth: bool = False,
    on_step=lambda: None,
) -> tuple[Report, list[Table]]:
    """Validate, compute and rewrite the generated tabs; the report and the tables written."""
    opened = open_report(location, as_of, True, credentials, oauth, on_step)
    tables = generated_tables(opened.report, opened.backend.display_name, datetime.now())
    if not dry_run:
        opened.backend.write_tabs(tables)
    on_step()
    return opened, tables


def sync_and_alert(
    location: str,
    as_of: date,
    dry_run: bool = False,
    notify_on_problems: bool = False,
    credentials: str | None = None,
    oauth: bool = False,
    on_step=lambda: None,
):
    """`sync`, then, when the data has errors and it is asked, the treasurer's digest by email.
    Returns what was read, the tables written and how many digests went (0 or 1)."""
    opened, tables = sync(location, as_of, dry_run, credentials, oauth, on_step)
    sent = 0
    if opened.report.has_errors and notify_on_problems and not dry_run:
        sent = notices(opened, "digest", "send").sent
    return opened, tables, sent


@dataclass
class NoticeRun:
    kind: str
    rendered: list = field(default_factory=list)  # what was (or would be) sent
    sent: int = 0
    missing: list[str] = field(default_factory=list)  # members without a valid address
    skipped: list[str] = field(default_factory=list)  # already in the Sent log
    notes: list[str] = field(default_factory=list)
    outbox: list[Path] = field(default_factory=list)


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
) -> NoticeRun:
    """Plan, render and (mode "send") email or (mode "outbox") write the notices of `kind`.

    Sending logs each message in the Sent tab, even when the server fails half-way (then the
    failure is raised after the log is written)."""
    from sheetsync.notify.mailer import build_message, write_outbox
    from sheetsync.notify.plan import plan
    from sheetsync.notify.render import environment, render

    report = opened.report
    s = report.settings
    planned = plan(report, kind, member, days, within)
    log = read_sent(opened.raw)
    already = {e.key for e in log} if not resend else set()
    run = NoticeRun(kind, notes=list(planned.notes))
    run.missing = [n.member for n in planned.notices if n.address is None]
    run.skipped = [n.member for n in planned.notices if n.address and (n.kind, n.period, n.member) in already]
    to_send = [n for n in planned.notices if n.address and (n.kind, n.period, n.member) not in already]
    env = environment(templates or s.templates, s.language, s.currency)
    run.rendered = [render(n, env, s.language) for n in to_send]
    if mode == "send":
        run.sent = _send(opened, log, run.rendered, config_path)
    elif mode == "outbox":
        sender = os.environ.get("SHEETSYNC_SMTP_FROM", "sheetsync@localhost")
        run.outbox = write_outbox(Path(outbox), [(r, build_message(r, sender)) for r in run.rendered])
    return run


def _send(opened: Opened, entries: list[SentEntry], rendered: list, config_path: str | None) -> int:
    from sheetsync.notify.mailer import build_message, load_config, send_all

    config = load_config(config_path)
    report = opened.report
    new: list[SentEntry] = []

    def log(r, msg) -> None:
        n = r.notice
        new.append(
            SentEntry(
                datetime.now().replace(microsecond=0),
                n.kind,
                n.period,
                n.member,
                n.address,
                str(msg["Subject"]),
                str(msg["Message-ID"]),
            )
        )

    messages = [(r, build_message(r, config.sender, config.reply_to)) for r in rendered]
    try:
        send_all(config, messages, log)
    finally:
        if new:
            lang = report.settings.language
            title = sent_title(lang, new[-1].sent_at, opened.backend.display_name)
            opened.backend.write_tabs([sent_table(entries + new, lang, title, report.settings.currency)])
    return len(new)


def agreement(opened: Opened, fmt: str = "md", templates: str | None = None) -> bytes:
    """The group's agreement drafted from its workbook, as Markdown, HTML or PDF (through LibreOffice)."""
    from sheetsync.notify.agreement import agreement_html, agreement_markdown

    if fmt == "md":
        return agreement_markdown(opened.report, templates).encode()
    html = agreement_html(opened.report, templates)
    if fmt == "html":
        return html.encode()
    from sheetsync.backends.office import html_to_pdf

    return html_to_pdf(html)
