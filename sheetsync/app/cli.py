"""The command line: thin commands that wire a backend to the core and print the result.

Exit codes (DESIGN §8): 0 fine (warnings allowed), 1 the data has errors, 2 usage or setup
error, 3 a backend failed. Results go to stdout, messages to stderr.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

import click

from sheetsync import __version__
from sheetsync.app import actions as jobs
from sheetsync.backends import open_backend
from sheetsync.calendar.bookings import who_drove
from sheetsync.errors import SetupError, SheetsyncError
from sheetsync.model import Severity
from sheetsync.notify.plan import KINDS
from sheetsync.pipeline import Report
from sheetsync.present.init_layout import input_tables
from sheetsync.present.terminal import (
    problem_dict,
    problems_text,
    report_csv,
    report_json,
    report_text,
    summary_line,
    text_table,
    who_drove_text,
)
from sheetsync.read.cells import parse_datetime
from sheetsync.read.rows import Names

EXIT_DATA_ERRORS = 1


def handles_errors(command: Callable) -> Callable:
    """Turn a SheetsyncError into its message on stderr and its exit code."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except SheetsyncError as exc:
            click.echo(f"sheetsync: {exc.message}", err=True)
            if exc.hint:
                click.echo(f"  hint: {exc.hint}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def as_of_option(command: Callable) -> Callable:
    return click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(["%Y-%m-%d"]),
        default=None,
        help="Count only what is dated on or before this day (YYYY-MM-DD). Default: today.",
    )(command)


def google_options(command: Callable) -> Callable:
    command = click.option(
        "--oauth", is_flag=True, help="Google Sheets: sign in with your own Google account (opens a browser once)."
    )(command)
    return click.option(
        "--credentials",
        type=click.Path(dir_okay=False),
        default=None,
        help="Google Sheets: service-account key (default: $SHEETSYNC_CREDENTIALS or $GOOGLE_APPLICATION_CREDENTIALS).",
    )(command)


def quiet_option(command: Callable) -> Callable:
    return click.option("--quiet", "-q", is_flag=True, help="Print only errors (for cron).")(command)


@contextmanager
def steps(labels: list[str], quiet: bool) -> Iterator[Callable[[], None]]:
    """A progress bar on stderr, only when stderr is a terminal."""
    if quiet or not sys.stderr.isatty():
        yield lambda: None
        return
    with click.progressbar(length=len(labels), label="sheetsync", file=sys.stderr) as bar:
        yield lambda: bar.update(1)


def _as_of(value: datetime | None) -> date:
    return value.date() if value else date.today()


def _read_report(workbook: str, as_of: datetime | None, history: bool, advance: Callable[[], None], google: dict):
    opened = jobs.open_report(workbook, _as_of(as_of), history, on_step=advance, **google)
    return opened.backend, opened.report


def _exit_for(report: Report) -> None:
    if report.has_errors:
        sys.exit(EXIT_DATA_ERRORS)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sheetsync")
def cli() -> None:
    """A car-sharing group's spreadsheet as its logbook: check it, compute who owes what, write it back.

    WORKBOOK is a path to a .xlsx workbook, a Google Sheet URL as copied from the browser, or gsheet:ID.
    """


@cli.command()
@click.argument("workbook")
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="en",
    show_default=True,
    help="Language of the tab names and headers.",
)
@click.option("--example", is_flag=True, help="Fill the tabs with a small example group.")
@google_options
@handles_errors
def init(workbook: str, lang: str, example: bool, credentials: str | None, oauth: bool) -> None:
    """Create the input tabs with headers and dropdowns. Never overwrites a workbook that has data."""
    backend = open_backend(workbook, credentials, oauth)
    backend.create_tabs(input_tables(lang, example))
    click.echo(f"Created {workbook} ({'with an example group' if example else 'empty'}, {lang}).")


@cli.command()
@click.argument("workbook")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@as_of_option
@quiet_option
@google_options
@handles_errors
def validate(workbook: str, fmt: str, as_of: datetime | None, quiet: bool, **google) -> None:
    """Read and check every entry; print the problems. Writes nothing."""
    _, report = _read_report(workbook, as_of, False, lambda: None, google)
    shown = [p for p in report.problems if not quiet or p.is_error]
    if fmt == "json":
        click.echo(json.dumps([problem_dict(p) for p in shown], ensure_ascii=False, indent=2))
    elif shown:
        click.echo(problems_text(shown, report.settings.language))
    elif not quiet:
        click.echo("No problem found.")
    _exit_for(report)


@cli.command()
@click.argument("workbook", required=False)
@click.option("--dry-run", is_flag=True, help="Compute and print, but write nothing.")
@click.option("--config", "config_path", default=None, help="Sync every group of a groups.toml (see `fleet`).")
@click.option(
    "--notify-on-problems",
    is_flag=True,
    help="When the data has errors, email the treasurer's digest (SMTP settings as for notify).",
)
@as_of_option
@quiet_option
@google_options
@handles_errors
def sync(
    workbook: str | None,
    dry_run: bool,
    config_path: str | None,
    notify_on_problems: bool,
    as_of: datetime | None,
    quiet: bool,
    **google,
) -> None:
    """Check, compute, and rewrite the generated tabs (Balances, Settlements, Summary, Problems, History)."""
    if config_path:
        return _fleet(config_path, as_of, dry_run, quiet, notify_on_problems)
    if not workbook:
        raise SetupError("Give a workbook, or --config groups.toml.", "sheetsync sync group.xlsx")
    with steps(["read", "compute", "write"], quiet) as advance:
        opened, tables, digests = jobs.sync_and_alert(
            workbook, _as_of(as_of), dry_run, notify_on_problems, on_step=advance, **google
        )
    report = opened.report
    errors = [p for p in report.problems if p.is_error]
    if quiet:
        if errors:
            click.echo(problems_text(errors, report.settings.language))
    else:
        written = "nothing written (dry run)" if dry_run else "wrote " + ", ".join(t.name for t in tables)
        click.echo(f"{summary_line(report)}; {written}.")
        if report.problems:
            click.echo(
                problems_text([p for p in report.problems if p.severity is not Severity.INFO], report.settings.language)
                or f"{len(report.problems)} note(s) in the problems tab."
            )
    if digests and not quiet:
        click.echo("digest: sent to the treasurer.", err=True)
    _exit_for(report)


@cli.command()
@click.argument("config_path", metavar="GROUPS.TOML")
@click.option("--dry-run", is_flag=True, help="Compute and print, but write nothing.")
@click.option("--notify-on-problems", is_flag=True, help="Email each group's treasurer a digest when it has errors.")
@as_of_option
@quiet_option
@handles_errors
def fleet(config_path: str, dry_run: bool, notify_on_problems: bool, as_of: datetime | None, quiet: bool) -> None:
    """Sync every group listed in GROUPS.TOML, paced under Google's quota; a summary table at the end.

    One group's failure never stops the others; the exit code is the worst of all groups.
    """
    _fleet(config_path, as_of, dry_run, quiet, notify_on_problems)


def _fleet(config_path: str, as_of: datetime | None, dry_run: bool, quiet: bool, notify_on_problems: bool) -> None:
    from sheetsync.app.fleet import load_config, run_fleet

    config = load_config(config_path)

    def run_one(group, day):
        opened, _, _ = jobs.sync_and_alert(group.workbook, day, dry_run, notify_on_problems, group.credentials)
        return (1 if opened.report.has_errors else 0), summary_line(opened.report)

    results = run_fleet(config, _as_of(as_of), run_one)
    worst = max((r.exit_code for r in results), default=0)
    if not quiet or worst:
        rows = [
            [r.name, "ok" if r.exit_code == 0 else f"exit {r.exit_code}", r.summary or r.error or ""] for r in results
        ]
        click.echo(text_table(["group", "status", "summary"], rows))
    sys.exit(worst)


@cli.command()
@click.argument("config_path", metavar="GROUPS.TOML")
@click.option("--host", default=None, help="Default: [server] host, else 127.0.0.1.")
@click.option("--port", type=int, default=None, help="Default: [server] port, else 8080.")
@handles_errors
def serve(config_path: str, host: str | None, port: int | None) -> None:
    """Serve the groups of GROUPS.TOML over HTTP for the menu in Google Sheets (signed calls only)."""
    from sheetsync.app.fleet import load_config
    from sheetsync.app.server import serve as run_server

    config = load_config(config_path)
    missing = [g.name for g in config.groups if g.secret() is None]
    if missing:
        raise SetupError(
            f"No secret for: {', '.join(missing)}.",
            "Give each group secret_env (an environment variable) or secret_file in GROUPS.TOML.",
        )
    host = host or config.server.get("host", "127.0.0.1")
    port = port or int(config.server.get("port", 8080))
    click.echo(f"sheetsync serving {len(config.groups)} group(s) on http://{host}:{port}", err=True)
    run_server(config, host, port)


@cli.command("apps-script")
@click.argument("workbook")
@click.option("--url", required=True, help="The public address of `sheetsync serve`.")
@click.option("--group", "group_name", required=True, help="The group's name in GROUPS.TOML.")
@click.option("--manifest", is_flag=True, help="Print the manifest (appsscript.json) instead of the script.")
@google_options
@handles_errors
def apps_script(workbook: str, url: str, group_name: str, manifest: bool, **google) -> None:
    """Print the Apps Script for the group's sheet: a menu that calls `sheetsync serve`, ready to paste."""
    from sheetsync.app.apps_script import manifest_json, render_script

    if manifest:
        click.echo(manifest_json(), nl=False)
        return
    opened = jobs.open_report(workbook, date.today(), False, **google)
    settings = opened.report.settings
    click.echo(render_script(url, group_name, settings.language), nl=False)


@cli.command()
@click.argument("workbook")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@as_of_option
@google_options
@handles_errors
def report(workbook: str, fmt: str, as_of: datetime | None, **google) -> None:
    """Print balances, settlements, cost per km and problems. Writes nothing."""
    _, result = _read_report(workbook, as_of, False, lambda: None, google)
    render = {"table": report_text, "json": report_json, "csv": report_csv}[fmt]
    click.echo(render(result), nl=fmt == "json")
    _exit_for(result)


@cli.command()
@click.argument("workbook")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the .ics file here (default: print it).",
)
@click.option("--vehicle", default=None, help="Only this vehicle's bookings.")
@as_of_option
@google_options
@handles_errors
def calendar(workbook: str, output: str | None, vehicle: str | None, as_of: datetime | None, **google) -> None:
    """Export the bookings as an iCalendar (.ics) file that phones and calendar programs can subscribe to."""
    _, result = _read_report(workbook, as_of, False, lambda: None, google)
    name = _vehicle_name(result, vehicle) if vehicle else None
    from sheetsync.calendar.ics import bookings_calendar  # icalendar, only for this command

    text = bookings_calendar(result.book, datetime.now().astimezone(), name)
    if output:
        Path(output).write_bytes(text)
        count = sum(1 for b in result.book.bookings if not name or b.vehicle == name)
        click.echo(f"Wrote {count} booking(s) to {output}.", err=True)
    else:
        click.echo(text.decode(), nl=False)


@cli.command("who-drove")
@click.argument("workbook")
@click.option("--at", "at", required=True, help='The moment, e.g. "2025-03-12 14:32" or "12/03/2025 14h32".')
@click.option("--vehicle", default=None, help="The vehicle (optional when the group has one).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@google_options
@handles_errors
def who_drove_command(workbook: str, at: str, vehicle: str | None, fmt: str, **google) -> None:
    """Say who had a vehicle at a moment (for a fine, a scratch): from the logbook, else the bookings."""
    try:
        moment = parse_datetime(at)
    except ValueError as exc:
        raise SetupError(f'"{at}" is not a date and time.', 'Write it like "2025-03-12 14:32".') from exc
    _, result = _read_report(workbook, moment, False, lambda: None, google)
    answer = who_drove(result.book, result.occurrences, _vehicle_name(result, vehicle), moment)
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "vehicle": answer.vehicle,
                    "at": answer.at.isoformat(sep=" "),
                    "members": list(answer.members),
                    "source": answer.source,
                    "rows": [{"tab": r.tab, "row": r.row} for r in answer.rows],
                    "details": list(answer.details),
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        click.echo(who_drove_text(answer, result.settings.language))


def _vehicle_name(result: Report, typed: str | None) -> str:
    names = [v.name for v in result.book.vehicles]
    if typed is None and len(names) == 1:
        return names[0]
    if typed is None:
        raise SetupError(
            "The group has several vehicles: say which one.", f"Add --vehicle with one of: {', '.join(names)}."
        )
    return _one_of(names, typed, "Vehicles")


def _one_of(names: list[str], typed: str, tab: str) -> str:
    """The name of `names` that `typed` stands for (case and accents aside), or a setup error."""
    found = Names(names).get(typed)
    if found is None:
        raise SetupError(f'"{typed}" is not in the {tab} tab.', f"Use one of: {', '.join(names)}.")
    return found


@cli.command()
@click.argument("workbook")
@click.option("--kind", type=click.Choice(KINDS), required=True, help="Which notice.")
@click.option("--send", is_flag=True, help="Send by SMTP (settings: SHEETSYNC_SMTP_* or sheetsync.toml).")
@click.option("--outbox", type=click.Path(file_okay=False), default=None, help="Write .eml files into this folder.")
@click.option("--dry-run", is_flag=True, help="Print the notices (the default when neither --send nor --outbox).")
@click.option("--member", default=None, help="Only this member.")
@click.option("--resend", is_flag=True, help="Send again what the Sent tab says was sent.")
@click.option("--templates", default=None, help="A folder of your own templates (same layout as templates/email).")
@click.option("--config", "config_path", default=None, help="A sheetsync.toml with an [smtp] table.")
@click.option("--days", default=3, show_default=True, help="logbook: bookings ended at least this many days ago.")
@click.option("--within", default=30, show_default=True, help="vehicle: dates due within this many days.")
@as_of_option
@quiet_option
@google_options
@handles_errors
def notify(
    workbook: str,
    kind: str,
    send: bool,
    outbox: str | None,
    dry_run: bool,
    member: str | None,
    resend: bool,
    templates: str | None,
    config_path: str | None,
    days: int,
    within: int,
    as_of: datetime | None,
    quiet: bool,
    **google,
) -> None:
    """Email notices from templates: settlement, logbook reminder, quarterly advance, vehicle dates, digest.

    A notice logged in the Sent tab is never sent twice for the same kind, period and member.
    """
    if send and outbox:
        raise SetupError("Choose --send or --outbox, not both.", "--outbox writes files, --send emails them.")
    opened = jobs.open_report(workbook, _as_of(as_of), False, **google)
    who = _one_of(opened.report.book.member_names(), member, "Members") if member else None
    mode = "send" if send else "outbox" if outbox else "dry-run"
    run = jobs.notices(opened, kind, mode, who, resend, templates, config_path, days, within, outbox)
    if send:
        done = f"sent {run.sent} notice(s)"
    elif outbox:
        done = f"wrote {len(run.outbox)} notice(s) to {outbox}"
    else:
        for r in run.rendered:
            click.echo(f"To: {r.notice.member} <{r.notice.address}>\nSubject: {r.subject}\n\n{r.text}\n{'-' * 72}")
        done = f"{len(run.rendered)} notice(s) to send (dry run: nothing sent)"
    if not quiet:
        lines = [f"{kind}: {done}."] + run.notes
        if run.missing:
            lines.append("Not notified (no valid email address in Members): " + ", ".join(run.missing) + ".")
        if run.skipped:
            lines.append("Already sent, per the Sent tab (use --resend to send again): " + ", ".join(run.skipped) + ".")
        click.echo("\n".join(lines), err=True)


@cli.command()
@click.argument("workbook")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write it here (default: print it).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "pdf"]), default="md", show_default=True)
@click.option("--templates", default=None, help="A folder of your own templates (same layout as templates/agreement).")
@as_of_option
@google_options
@handles_errors
def agreement(workbook: str, output: str | None, fmt: str, templates: str | None, as_of: datetime | None, **google):
    """Draft the group's car-sharing agreement from its workbook, in its language (PDF through LibreOffice)."""
    if fmt == "pdf" and not output:
        raise SetupError("A PDF needs a file to go to.", "Add -o agreement.pdf.")
    opened = jobs.open_report(workbook, _as_of(as_of), False, **google)
    document = jobs.agreement(opened, fmt, templates)
    if output:
        Path(output).write_bytes(document)
        click.echo(f"Wrote the agreement to {output}.", err=True)
    else:
        click.echo(document.decode(), nl=False)


def main() -> None:
    cli(prog_name="sheetsync")


if __name__ == "__main__":
    main()
