"""A sync of a local workbook loads only what it needs: none of the Google, notice, service,
calendar-file or openpyxl libraries, nor the standard library's network stack. That is a
behaviour (what a small group's sync pays for at every start), not a timing."""

from __future__ import annotations

import ast
import subprocess
import sys

import openpyxl
from conftest import group, write_xlsx
from dateutil import rrule

from sheetsync.calendar.bookings import RECURRENCES

NOT_FOR_A_LOCAL_SYNC = (
    "gspread",
    "google.auth",
    "requests",
    "numpy",
    "openpyxl",
    "jinja2",
    "markdown_it",
    "waitress",
    "icalendar",
    "olefile",
    "schwifty",
    "segno",
    "dateutil",
    "urllib.request",
    "http.client",
    "email",
    "ssl",
    "xml.sax",
    "tomllib",
    "_hashlib",  # OpenSSL: the workbook's fingerprint is a CRC-32
    "json",
    "difflib",
    "csv",  # report --format csv only
    "_strptime",  # --as-of is read as a date cell is
    "sheetsync.notify.plan",
    "sheetsync.notify.sent_log",
    "sheetsync.notify.render",
    "sheetsync.notify.mailer",
    "sheetsync.backends.gsheets",
)


def test_a_local_sync_imports_none_of_the_heavy_modules(tmp_path):
    path = tmp_path / "group.xlsx"
    write_xlsx(path, group())
    code = (
        "import sys\n"
        "from sheetsync.app.cli import cli\n"
        f"cli.main(['sync', {str(path)!r}, '--as-of', '2025-12-31', '--quiet'], standalone_mode=False)\n"
        "print(sorted(sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    loaded = set(ast.literal_eval(done.stdout.strip().splitlines()[-1]))
    assert "sheetsync.backends.xlsx" in loaded and "Balances" in openpyxl.load_workbook(path).sheetnames
    assert [m for m in NOT_FOR_A_LOCAL_SYNC if m in loaded] == []


def test_repeat_frequencies_are_dateutils():
    """bookings.py names the frequencies, so that it loads dateutil only for a repeating booking:
    each name must be dateutil's (and the calendar file's)."""
    assert {repeat: (getattr(rrule, freq), n) for repeat, (freq, n) in RECURRENCES.items()} == {
        "daily": (rrule.DAILY, 1),
        "weekly": (rrule.WEEKLY, 1),
        "biweekly": (rrule.WEEKLY, 2),
        "monthly": (rrule.MONTHLY, 1),
    }
