"""The command line: thin click commands over the public API (sheetsync.api) that print the result.

Exit codes: 0 fine (warnings allowed), 1 the data has errors, 2 usage or setup error, 3 the
storage failed (file locked or changed, network). Results go to stdout, messages to stderr, in
the group's language once the workbook is read (before that, the terminal's language).
"""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import NoReturn

import click

from sheetsync import __version__, api
from sheetsync.backends import open_backend
from sheetsync.backends.limits import load_limits
from sheetsync.errors import SetupError, SheetsyncError, not_written, said_in
from sheetsync.i18n import N_, t, tn, user_language
from sheetsync.model import Severity
from sheetsync.notify import KINDS
from sheetsync.pipeline import Report
from sheetsync.present.init_layout import input_tables
from sheetsync.present.tabs import left_out_text
from sheetsync.present.terminal import (
    as_json,
    notice_outcome,
    printable,
    problems_text,
    report_csv,
    report_json,
    report_text,
    summary_line,
    text_table,
    who_drove_text,
)
from sheetsync.read.cells import EARLIEST_DATE, parse_datetime

EXIT_DATA_ERRORS = 1
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what a program killed by a closed pipe exits with


def echo(text: str = "", err: bool = False, nl: bool = True) -> None:
    """click.echo, with the control characters a cell may hold (escape, bell…) taken out."""
    click.echo(printable(text), err=err, nl=nl)


def handles_errors(command: Callable) -> Callable:
    """Turn a SheetsyncError into its message on stderr and its exit code; anything else into
    one line (exit 2), never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            if "limits" in kwargs:  # the --limit pairs, over sheetsync.toml and $SHEETSYNC_LIMITS
                kwargs["limits"] = load_limits(kwargs["limits"])
            return command(*args, **kwargs)
        except BrokenPipeError as exc:
            if not _output_gone():  # another pipe than the output's
                _unexpected(exc)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush at exit
            sys.exit(EXIT_BROKEN_PIPE)  # the output's reader went away (`| head`): quietly, as a killed pipe
        except SheetsyncError as exc:
            message, hint = exc.in_language()
            if kwargs.get("quiet") and kwargs.get("workbook"):  # cron mails it: which workbook stopped
                echo(_which(kwargs["workbook"], exc.lang or user_language()), err=True)
            echo(f"sheetsync: {message}", err=True)
            if hint:
                echo(f"  → {hint}", err=True)
            sys.exit(exc.exit_code)
        except (Exception, MemoryError, RecursionError) as exc:  # noqa: BLE001 - one line, never a traceback
            _unexpected(exc)

    return wrapper


def _output_gone() -> bool:
    """Whether the standard output is a pipe whose reader has gone (its end reports an error)."""
    import select  # only after a broken pipe

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (OSError, ValueError, AttributeError):  # no poll, or no file behind stdout
        return False


def _unexpected(exc: BaseException) -> NoReturn:
    """An error that is none of sheetsync's: one line and its hint, exit 2, never a traceback."""
    lang = user_language()
    detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
    echo("sheetsync: " + t(lang, "unexpected error ({detail}); nothing was written.", detail=detail), err=True)
    hint = t(lang, "Check that the workbook opens in a spreadsheet program; if it does, please report this.")
    echo(f"  → {hint}", err=True)
    sys.exit(2)


def as_of_option(command: Callable) -> Callable:
    """The --as-of option: count only what is dated on or before that day."""
    return click.option(
        "--as-of",
        "as_of",
        default=None,  # read as a date cell is (see _as_of)
        help=(
            "Count only what is dated on or before this day (YYYY-MM-DD, or DD/MM/YYYY). "
            "Default: today where the group lives (Settings timezone)."
        ),
    )(command)


def google_options(command: Callable) -> Callable:
    """The --credentials and --oauth options of every command that may open a Google Sheet, and
    --limit (the reading limits of local workbooks)."""
    command = click.option(
        "--limit",
        "limits",
        multiple=True,
        metavar="KEY=VALUE",
        help=(
            "Raise a reading limit for a genuine large workbook, e.g. --limit rows=500000; KEY is one of "
            "file_mib, unpacked_mib, part_mib, ratio, rows, columns, cells (a refused file names the one to raise)."
        ),
    )(command)
    command = click.option(
        "--oauth", is_flag=True, help="Google Sheets: sign in with your own Google account (opens a browser once)."
    )(command)
    return click.option(
        "--credentials",
        type=click.Path(dir_okay=False),
        default=None,
        help="Google Sheets: service-account key (default: $SHEETSYNC_CREDENTIALS or $GOOGLE_APPLICATION_CREDENTIALS).",
    )(command)


def _typed(parameter: str) -> bool:
    """Whether the running command's `parameter` was given on the command line."""
    return click.get_current_context().get_parameter_source(parameter) is click.core.ParameterSource.COMMANDLINE


def quiet_option(command: Callable) -> Callable:
    """The --quiet option: print only errors (for cron)."""
    return click.option("--quiet", "-q", is_flag=True, help="Print only errors (for cron).")(command)


@contextmanager
def steps(count: int, quiet: bool) -> Iterator[Callable[[], None]]:
    """A progress bar of `count` steps on stderr, only when stderr is a terminal."""
    if quiet or not sys.stderr.isatty():
        yield lambda: None
        return
    with click.progressbar(length=count, label="sheetsync", file=sys.stderr) as bar:
        yield lambda: bar.update(1)


def to_stdout(output: str | None) -> bool:
    """No file given, or "-" (as most commands read it): the result goes to standard output."""
    return not output or output == "-"


def write_output(output: str, data: bytes, lang: str) -> None:
    """`data` into the file given with -o; one that cannot be written is said in `lang` (exit 3)."""
    try:
        Path(output).write_bytes(data)
    except OSError as exc:
        raise not_written(output, exc, lang) from exc


def _as_of(value: str | None) -> date | None:
    """The day given with --as-of, read as a date cell is read ("2025-12-31", "31/12/2025" day
    first, "31 déc. 2025"); none given, the API takes today where the group lives."""
    if value is None:
        return None
    hint = N_("Write the day as 2025-12-31 or 31/12/2025.")
    try:
        day = parse_datetime(value.strip()).date()
    except ValueError as exc:
        raise SetupError(N_('"{value}" is not a date.'), hint, value=value) from exc
    if day < EARLIEST_DATE:  # as for a date cell: "0025" is a year cut short
        raise SetupError(N_('"{value}" reads as {day}, which is not a plausible date.'), hint, value=value, day=day)
    return day


def _quiet_errors(workbook: str, report: Report) -> None:
    """What a quiet run prints, to stderr (cron mails it, and a `>/dev/null` keeps it): nothing
    when the data has no error; else which workbook, its errors, and the money they leave out."""
    errors = [p for p in report.problems if p.is_error]
    if errors:
        lang = report.settings.language
        echo(_which(workbook, lang), err=True)
        echo(problems_text(errors, lang), err=True)
        if (left := left_out_text(report)) is not None:
            echo(left, err=True)


def _which(workbook: str, lang: str) -> str:
    """The line a quiet run's errors come under: cron mails them, and may run several workbooks."""
    return t(lang, "In {workbook}:", workbook=workbook)


def _exit_for(report: Report) -> None:
    if report.has_errors:
        sys.exit(EXIT_DATA_ERRORS)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sheetsync")
def cli() -> None:
    """A car-sharing group's spreadsheet as its logbook: check it, compute who owes what, write it back.

    WORKBOOK is a path to a workbook (.xlsx, .xlsm, .ods or .xls), a Google Sheet URL as copied from the
    browser, or gsheet:ID.
    """


@cli.command("init")
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
def init_command(workbook: str, lang: str, example: bool, credentials: str | None, oauth: bool, limits) -> None:
    """Create the input tabs with headers and dropdowns. Never overwrites a workbook that has data."""
    with said_in(lang if _typed("lang") else None):  # the language asked for, else the terminal's
        open_backend(workbook, credentials, oauth, limits).create_tabs(input_tables(lang, example))
    created = (
        t(lang, "Created {workbook} with an example group.", workbook=workbook)
        if example
        else t(lang, "Created {workbook}.", workbook=workbook)
    )
    echo(created)


@cli.command("validate")
@click.argument("workbook")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@as_of_option
@quiet_option
@google_options
@handles_errors
def validate_command(workbook: str, fmt: str, as_of: str | None, quiet: bool, **google) -> None:
    """Read and check every entry; print the problems. Writes nothing."""
    report = api.load(workbook, _as_of(as_of), **google)
    if fmt == "json":
        echo(as_json([p.to_dict() for p in report.problems if not quiet or p.is_error]))
    elif quiet:
        _quiet_errors(workbook, report)
    else:
        lang = report.settings.language
        echo(problems_text(report.problems, lang) if report.problems else t(lang, "No problem found."))
        if (left := left_out_text(report)) is not None:  # the money not counted
            echo(left)
    _exit_for(report)


@cli.command("sync")
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
def sync_command(
    workbook: str | None,
    dry_run: bool,
    config_path: str | None,
    notify_on_problems: bool,
    as_of: str | None,
    quiet: bool,
    **google,
) -> None:
    """Check, compute, and rewrite the generated tabs (Balances, Settlements, Summary, Problems, History, Schedule)."""
    if config_path:
        options = {"--credentials": "credentials", "--oauth": "oauth", "--limit": "limits"}
        given = [option for option, parameter in options.items() if _typed(parameter)]
        if given:  # each group's credentials and the limits are groups.toml's: never ignored in silence
            raise SetupError(
                N_("{options} cannot go with --config: each group's credentials and the limits are in {path}."),
                N_("Write them in {path} (a group's credentials, a [limits] table), or sync one workbook."),
                options=", ".join(given),
                path=config_path,
            )
        return _fleet(config_path, as_of, dry_run, quiet, notify_on_problems)
    if not workbook:
        raise SetupError(N_("Give a workbook, or --config groups.toml."), N_("sheetsync sync group.xlsx"))
    with steps(3, quiet) as advance:
        done = api.sync(
            workbook, _as_of(as_of), dry_run, notify_on_problems=notify_on_problems, on_step=advance, **google
        )
    report = done.report
    lang = report.settings.language
    if quiet:
        _quiet_errors(workbook, report)
    else:
        written = (
            t(lang, "nothing written (dry run)")
            if dry_run
            else t(lang, "wrote {tabs}", tabs=", ".join(table.name for table in done.tables))
        )
        echo(t(lang, "{summary}; {written}.", summary=summary_line(report), written=written))
        if report.problems:
            echo(
                problems_text([p for p in report.problems if p.severity is not Severity.INFO], lang)
                or tn(lang, "{n} note in the problems tab.", "{n} notes in the problems tab.", len(report.problems))
            )
    if done.digests_sent and not quiet:
        echo(t(lang, "Digest sent to the treasurer."), err=True)
    _exit_for(report)


@cli.command("fleet")
@click.argument("config_path", metavar="GROUPS.TOML")
@click.option("--dry-run", is_flag=True, help="Compute and print, but write nothing.")
@click.option("--notify-on-problems", is_flag=True, help="Email each group's treasurer a digest when it has errors.")
@click.option(
    "--shard",
    default=None,
    metavar="INDEX/COUNT",
    help="Run only this machine's share of the groups (0/3, 1/3, 2/3), or auto/COUNT with $JOB_COMPLETION_INDEX.",
)
@as_of_option
@quiet_option
@handles_errors
def fleet_command(
    config_path: str, dry_run: bool, notify_on_problems: bool, shard: str | None, as_of: str | None, quiet: bool
) -> None:
    """Sync every group listed in GROUPS.TOML, paced under Google's quota; a summary table at the end.

    One group's failure never stops the others; the exit code is the worst of all groups. With
    --shard, COUNT machines running the same file share the groups, each group run once.
    """
    _fleet(config_path, as_of, dry_run, quiet, notify_on_problems, shard)


def _fleet(
    config_path: str,
    as_of: str | None,
    dry_run: bool,
    quiet: bool,
    notify_on_problems: bool,
    shard_text: str | None = None,
) -> None:
    from sheetsync.app.fleet import load_groups, run_fleet
    from sheetsync.app.shards import ALL, parse_shard

    shard = parse_shard(shard_text) if shard_text else ALL
    config = load_groups(config_path)

    def run_one(group, day):
        done = api.sync(
            group.workbook,
            day,
            dry_run,
            notify_on_problems=notify_on_problems,
            credentials=group.credentials,
            limits=config.limits,
        )
        return (1 if done.report.has_errors else 0), summary_line(done.report)

    results = run_fleet(config, _as_of(as_of), run_one, shard=shard)
    worst = max((r.exit_code for r in results), default=0)
    if not results and not quiet:  # a shard may hold none of the groups: not a failure, but said
        echo(t(user_language(), "No group of {file} falls in this shard.", file=config_path))
    elif not quiet or worst:
        lang = user_language()
        rows = [
            [
                r.name,
                t(lang, "ok") if r.exit_code == 0 else t(lang, "exit {code}", code=r.exit_code),
                r.summary or r.error or "",
            ]
            for r in results
        ]
        echo(text_table([t(lang, "group"), t(lang, "status"), t(lang, "summary")], rows))
    sys.exit(worst)


@cli.command("serve")
@click.argument("config_path", metavar="GROUPS.TOML")
@click.option("--host", default=None, help="Default: [server] host, else 127.0.0.1.")
@click.option("--port", type=int, default=None, help="Default: [server] port, else 8080.")
@handles_errors
def serve_command(config_path: str, host: str | None, port: int | None) -> None:
    """Serve the groups of GROUPS.TOML over HTTP: the members' phone pages, the calendar feeds, and
    the menu in Google Sheets (signed calls only)."""
    from sheetsync.app.fleet import load_groups
    from sheetsync.app.server import serve as run_server

    config = load_groups(config_path)
    host = host or config.server.get("host", "127.0.0.1")
    port = port or int(config.server.get("port", 8080))
    serving = tn(
        user_language(),
        "sheetsync serving {n} group on http://{host}:{port}",
        "sheetsync serving {n} groups on http://{host}:{port}",
        len(config.groups),
        host=host,
        port=port,
    )
    run_server(config, host, port, on_ready=lambda: echo(serving, err=True))


@cli.command("links")
@click.argument("config_path", metavar="GROUPS.TOML")
@click.option("--group", "group_name", required=True, help="The group's name in GROUPS.TOML.")
@click.option("--send", "mode", flag_value="send", help="Email each member their link (SMTP as for notify).")
@click.option("--outbox", type=click.Path(file_okay=False), default=None, help="Write the emails as .eml files here.")
@click.option("--member", default=None, help="Only this member.")
@click.option("--resend", is_flag=True, help="Email the link again to those who already had it.")
@click.option("--config", "config_file", default=None, help="sheetsync.toml with an [smtp] table.")
@handles_errors
def links_command(
    config_path: str,
    group_name: str,
    mode: str | None,
    outbox: str | None,
    member: str | None,
    resend: bool,
    config_file: str | None,
) -> None:
    """Print each member's personal link to the phone page (one line each: the name and the link,
    separated by a tab character; "(revoked)" after a revoked one), or email it to them."""
    from sheetsync.app.fleet import load_groups
    from sheetsync.app.phone import links_to_send, member_links

    config = load_groups(config_path)
    group = config.group(group_name)
    # a link signed with a secret the service refuses always meets 403: one strong enough, or said
    secret = config.check_secrets([group])[group.name]
    public_url = str(config.server.get("public_url", ""))
    if not public_url:
        raise SetupError(
            N_("The links need [server] public_url in {path}: the address the phones reach the service at."),
            N_('Add [server] public_url = "https://…".'),
            path=config_path,
        )
    mode = _notice_mode(mode == "send", outbox)
    if mode == "dry-run":  # no notice: the links are printed
        report = api.load(group.workbook, credentials=group.credentials, limits=config.limits)
        chosen = api.member_name(report, member) if member else None
        for name, (link, revoked) in member_links(report, public_url, secret, group.name, chosen).items():
            echo(f"{name}\t{link}" + ("\t" + t(report.settings.language, "(revoked)") if revoked else ""))
        return
    run = api.notify(  # under the workbook's run lock, as notify sends
        group.workbook,
        None,
        "link",
        mode,
        member,
        credentials=group.credentials,
        limits=config.limits,
        links_of=lambda report: links_to_send(report, public_url, secret, group.name),
        resend=resend,
        config_path=config_file,
        outbox=outbox,
    )
    for path in run.outbox:
        echo(str(path))
    echo("\n".join(notice_outcome(run.language, run, mode=mode, outbox=outbox)), err=True)


@cli.command("apps-script")
@click.argument("workbook")
@click.option("--url", required=True, help="The public address of `sheetsync serve`.")
@click.option("--group", "group_name", required=True, help="The group's name in GROUPS.TOML.")
@click.option("--manifest", is_flag=True, help="Print the manifest (appsscript.json) instead of the script.")
@click.option(
    "--new-secret",
    "secret_file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write a new random secret for the group into this file (readable by you only; never printed).",
)
@google_options
@handles_errors
def apps_script(workbook: str, url: str, group_name: str, manifest: bool, secret_file: str | None, **google) -> None:
    """Print the Apps Script for the group's sheet: a menu that calls `sheetsync serve`, ready to paste."""
    from sheetsync.app.apps_script import manifest_json, render_script, write_new_secret

    if secret_file:
        write_new_secret(Path(secret_file))
        said = t(
            user_language(),
            "Wrote a new secret into {file}: give it to serve (secret_file) and to the menu.",
            file=secret_file,
        )
        echo(said, err=True)
    if manifest:
        click.echo(manifest_json(), nl=False)
        return
    settings = api.load(workbook, **google).settings
    click.echo(render_script(url, group_name, settings.language), nl=False)


@cli.command("form")
@click.argument("workbook")
@click.option("--manifest", is_flag=True, help="Print the manifest (appsscript.json) with the forms' permission.")
@google_options
@handles_errors
def form_command(workbook: str, manifest: bool, **google) -> None:
    """Print the Apps Script that creates the group's Google Forms (a trip, an expense, a payment)
    linked to its sheet, with vehicle and member dropdowns from WORKBOOK."""
    from sheetsync.app.apps_script import manifest_json, render_form_script

    if manifest:
        click.echo(manifest_json(forms=True), nl=False)
        return
    click.echo(render_form_script(api.load(workbook, **google)), nl=False)


@cli.command("report")
@click.argument("workbook")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@as_of_option
@google_options
@handles_errors
def report_command(workbook: str, fmt: str, as_of: str | None, **google) -> None:
    """Print balances, settlements, cost per km and problems. Writes nothing."""
    result = api.load(workbook, _as_of(as_of), **google)
    render = {"table": report_text, "json": report_json, "csv": report_csv}[fmt]
    echo(render(result), nl=fmt == "json")
    _exit_for(result)


@cli.command("calendar")
@click.argument("workbook")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help='Write the .ics file here (default, or "-": print it).',
)
@click.option("--vehicle", default=None, help="Only this vehicle's bookings.")
@as_of_option
@google_options
@handles_errors
def calendar_command(workbook: str, output: str | None, vehicle: str | None, as_of: str | None, **google) -> None:
    """Export the bookings as an iCalendar (.ics) file that phones and calendar programs can subscribe to."""
    result, text, count = api.calendar(workbook, _as_of(as_of), vehicle, **google)
    lang = result.settings.language
    left_out = result.errors_in("bookings")
    if left_out:  # every booking the calendar leaves out is named
        rows = len({(p.tab, p.row) for p in left_out})
        echo(
            tn(
                lang,
                "{n} booking is not in the calendar: its row has an error.",
                "{n} bookings are not in the calendar: their rows have errors.",
                rows,
            ),
            err=True,
        )
        echo(problems_text(left_out, lang), err=True)
    if to_stdout(output):
        click.echo(text.decode(), nl=False)
    else:
        write_output(output, text, lang)
        echo(tn(lang, "Wrote {n} booking to {path}.", "Wrote {n} bookings to {path}.", count, path=output), err=True)


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
        raise SetupError(N_('"{at}" is not a date and time.'), N_('Write it like "2025-03-12 14:32".'), at=at) from exc
    result, answer = api.who_drove(workbook, moment, vehicle, **google)
    if fmt == "json":
        echo(as_json(answer.to_dict()))
    else:
        echo(who_drove_text(answer, result.settings.language))


@cli.command("notify")
@click.argument("workbook")
@click.option("--kind", type=click.Choice(KINDS), required=True, help="Which notice.")
@click.option("--send", is_flag=True, help="Send by SMTP (settings: SHEETSYNC_SMTP_* or sheetsync.toml).")
@click.option("--outbox", type=click.Path(file_okay=False), default=None, help="Write .eml files into this folder.")
@click.option("--dry-run", is_flag=True, help="Print the notices (the default when neither --send nor --outbox).")
@click.option("--member", default=None, help="Only this member.")
@click.option("--resend", is_flag=True, help="Send again what the Sent tab says was sent.")
@click.option("--despite-errors", is_flag=True, help="settlement, advance: send even though the data has errors.")
@click.option("--templates", default=None, help="A folder of your own templates (same layout as templates/email).")
@click.option("--config", "config_path", default=None, help="A sheetsync.toml with an [smtp] table.")
@click.option("--days", default=3, show_default=True, help="logbook: bookings ended at least this many days ago.")
@click.option("--within", default=30, show_default=True, help="vehicle: dates due within this many days.")
@as_of_option
@quiet_option
@google_options
@handles_errors
def notify_command(
    workbook: str,
    kind: str,
    send: bool,
    outbox: str | None,
    dry_run: bool,
    member: str | None,
    resend: bool,
    despite_errors: bool,
    templates: str | None,
    config_path: str | None,
    days: int,
    within: int,
    as_of: str | None,
    quiet: bool,
    **google,
) -> None:
    """Email notices from templates: settlement, logbook reminder, quarterly advance, vehicle dates, digest.

    A notice logged in the Sent tab is never sent twice for the same kind, period and member.
    """
    mode = _notice_mode(send, outbox)
    run = api.notify(
        workbook,
        _as_of(as_of),
        kind,
        mode,
        member,
        resend=resend,
        despite_errors=despite_errors,
        templates=templates,
        config_path=config_path,
        days=days,
        within=within,
        outbox=outbox,
        **google,
    )
    if mode == "dry-run":
        for r in run.rendered:
            echo(f"To: {r.notice.member} <{r.notice.address}>\nSubject: {r.subject}\n\n{r.text}\n{'-' * 72}")
    if not quiet:
        echo("\n".join(notice_outcome(run.language, run, mode=mode, outbox=outbox)), err=True)


def _notice_mode(send: bool, outbox: str | None) -> str:
    """ "send", "outbox" or "dry-run", from the --send and --outbox of notify and links."""
    if send and outbox:
        raise SetupError(N_("Choose --send or --outbox, not both."), N_("--outbox writes files, --send emails them."))
    return "send" if send else "outbox" if outbox else "dry-run"


@cli.command("agreement")
@click.argument("workbook")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), default=None, help="Write it here (default: print it)."
)
@click.option("--format", "fmt", type=click.Choice(["md", "html", "pdf"]), default="md", show_default=True)
@click.option("--templates", default=None, help="A folder of your own templates (same layout as templates/agreement).")
@as_of_option
@google_options
@handles_errors
def agreement_command(
    workbook: str, output: str | None, fmt: str, templates: str | None, as_of: str | None, **google
) -> None:
    """Draft the group's car-sharing agreement from its workbook, in its language (PDF through LibreOffice)."""
    if fmt == "pdf" and to_stdout(output):
        raise SetupError(N_("A PDF needs a file to be written to."), N_("Add -o agreement.pdf."))
    document, lang = api.draft_agreement(workbook, _as_of(as_of), fmt, templates, **google)
    if to_stdout(output):
        echo(document.decode(), nl=False)
    else:
        write_output(output, document, lang)
        echo(t(lang, "Wrote the agreement to {path}.", path=output), err=True)


def main() -> None:
    """The `sheetsync` console script."""
    try:
        cli(prog_name="sheetsync")
    finally:
        # The process ends here. Its last act would be the collector's passes over every object
        # left (the modules, babel's locale data, the workbook's records): a tenth of a small
        # sync's time. Frozen objects are skipped by them; everything was written and closed by
        # the command itself, and the interpreter still flushes the streams and runs atexit.
        gc.freeze()


if __name__ == "__main__":
    main()
