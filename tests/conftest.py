"""Shared helpers: build a group's raw tabs inline (no files), or a real .xlsx from them."""

from __future__ import annotations

import shutil
import threading
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from sheetsync.pipeline import build_report

AS_OF = date(2025, 12, 31)


def group(
    members=("Laurent", "Catherine", "Julien"),
    owner="Laurent",
    vehicle="Clio",
    settings=(),
    trips=(),
    expenses=(),
    payments=(),
    bookings=(),
    vehicle_extra=None,
    lang="en",
):
    """Raw tabs for a one-vehicle group. Trips are (date, driver, start, end[, fuel]); expenses
    (date, paid by, category, amount[, responsible])."""
    fr = lang == "fr"
    raw = {
        "Paramètres" if fr else "Settings": [
            ["Paramètre", "Valeur"] if fr else ["Setting", "Value"],
            *map(list, settings),
        ],
        "Membres" if fr else "Members": [["Nom" if fr else "Name"], *[[m] for m in members]],
        "Véhicules" if fr else "Vehicles": [
            ["Véhicule", "Propriétaire", "Barème km"] if fr else ["Vehicle", "Owner", "Rate per km"],
            [vehicle, owner, vehicle_extra],
        ],
        "Trajets" if fr else "Trips": [
            ["Date", "Conducteur", "Compteur départ", "Compteur arrivée", "Carburant payé"]
            if fr
            else ["Date", "Driver", "Odometer start", "Odometer end", "Fuel paid"],
            *map(list, trips),
        ],
        "Dépenses" if fr else "Expenses": [
            ["Date", "Payé par", "Catégorie", "Montant", "Responsable"]
            if fr
            else ["Date", "Paid by", "Category", "Amount", "Responsible"],
            *map(list, expenses),
        ],
        "Paiements" if fr else "Payments": [
            ["Date", "De", "À", "Montant"] if fr else ["Date", "From", "To", "Amount"],
            *map(list, payments),
        ],
    }
    if bookings:
        raw["Bookings"] = [["Member", "Start", "End"], *map(list, bookings)]
    return raw


def consecutive_trips(*legs, start_day=date(2025, 1, 1), odometer=10000, step_days=2):
    """Trips of one vehicle, one after another, `step_days` apart: legs are (driver, km) or (driver, km, fuel)."""
    trips, day = [], start_day.toordinal()
    for leg in legs:
        driver, km, *fuel = leg
        trips.append([date.fromordinal(int(day)), driver, odometer, odometer + km, *(fuel or [None])])
        odometer += km
        day += step_days
    return trips


def run_cli(*args, env=None):
    """`sheetsync ARGS…` run in this process (click's runner): exit code, stdout, stderr."""
    from click.testing import CliRunner

    from sheetsync.app.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], env=env)


def report_json(*args) -> dict:
    """`sheetsync report ARGS… --format json`, read back."""
    import json

    return json.loads(run_cli("report", *args, "--format", "json").stdout)


def zip_parts(path) -> dict[str, bytes]:
    """Every part of a zip package (.xlsx, .ods), by name."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def report_of(raw, as_of=AS_OF, history=True):
    return build_report(raw, "test", as_of, history=history)


def report_of_file(path, as_of=AS_OF):
    """The report of a workbook file, read as `sheetsync` reads it."""
    from sheetsync.backends.xlsx import XlsxBackend

    return build_report(XlsxBackend(path).read_tabs(), path.name, as_of)


def codes(report):
    """Problems flattened to (tab, row, column, code), frontiers-style."""
    return [(p.tab, p.row, p.column, p.code) for p in report.problems]


class Formula(str):
    """A cell value written as a formula; every other string is written as text."""


def write_xlsx(path: Path, raw: dict) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in raw.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(r, c, value)
                if isinstance(value, str) and not isinstance(value, Formula):
                    cell.data_type = "s"
    wb.save(path)
    return path


def read_eml(path):
    """An .eml file of an outbox as an email message."""
    import email
    from email import policy

    return email.message_from_bytes(Path(path).read_bytes(), policy=policy.default)


def text_part(message, subtype: str = "plain") -> str:
    """The text/SUBTYPE part of an email message, as text."""
    return next(p for p in message.walk() if p.get_content_type() == f"text/{subtype}").get_content()


def read_xlsx(path: Path) -> dict[str, list[list]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


@pytest.fixture
def example2():
    """Worked example 2 of the guide (real cost, Laurent owns, Catherine and Julien drive)."""
    trips = consecutive_trips(
        ("Laurent", 2000),
        ("Catherine", 1500),
        ("Julien", 1000),
        ("Laurent", 2000),
        ("Catherine", 1500),
        ("Julien", 1027),
        ("Laurent", 1211),
        ("Catherine", 1341),
        ("Laurent", 1211),
    )
    expenses = [
        [date(2025, 2, 1), "Laurent", "depreciation", 940],
        [date(2025, 2, 1), "Laurent", "insurance", 351],
        [date(2025, 3, 1), "Laurent", "repair", 235],
        [date(2025, 4, 1), "Laurent", "fuel", 655],
        [date(2025, 5, 1), "Catherine", "supplies", 42],
        [date(2025, 6, 1), "Catherine", "fuel", 532],
        [date(2025, 7, 1), "Julien", "fuel", 315],
    ]
    return group(trips=trips, expenses=expenses)


@pytest.fixture(scope="session")
def service_account_key(tmp_path_factory):
    """A service-account key file with a real RSA key, as Google Cloud hands them out."""
    from fake_sheets import write_service_account_key

    return write_service_account_key(tmp_path_factory.mktemp("keys") / "key.json")


@pytest.fixture
def fake_sheets():
    import responses
    from fake_sheets import FakeSheets

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        fake = FakeSheets().install(rsps)
        fake.responses_mock = rsps
        yield fake


class Inbox:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives; it can refuse
    every message after the first `fail_after`."""

    def __init__(self):
        self.messages = []  # (mail_from, rcpt_tos, email.message.EmailMessage)
        self.fail_after: int | None = None

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        if self.fail_after is not None and len(self.messages) >= self.fail_after:
            return "451 4.3.0 Mailbox temporarily unavailable"
        self.messages.append(
            (
                envelope.mail_from,
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.original_content, policy=policy.default),
            )
        )
        return "250 OK"


@contextmanager
def served(app, config=None, **overrides):
    """`app` served on a free loopback port by waitress, with the service's own settings, in a
    thread; yields (server, base URL) and stops it at the end. Each server polls a socket map of
    its own: waitress's default map is shared by every server of the process, and the loop of a
    server stopped by an earlier test would go on polling the sockets of the next one."""
    from sheetsync.app.fleet import FleetConfig
    from sheetsync.app.server import create_server

    socket_map: dict = {}
    server = create_server(app, config or FleetConfig([]), "127.0.0.1", 0, map=socket_map, **overrides)

    def run():
        try:
            server.run()
        except (OSError, ValueError):  # the sockets closed under the loop as the test ends
            pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield server, f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()
        for channel in list(socket_map.values()):  # the loop ends when its map is empty
            channel.close()
        thread.join(timeout=5)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(monkeypatch):
    """An SMTP server on 127.0.0.1 and the SHEETSYNC_SMTP_* variables pointing at it (no TLS)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    for key, value in {
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "FROM": "Trésorier <tresorier@lilas.example>",
        "SECURITY": "none",
        "REPLY_TO": "laurent@example.org",
    }.items():
        monkeypatch.setenv(f"SHEETSYNC_SMTP_{key}", value)
    for key in ("USER", "PASSWORD", "CAFILE"):
        monkeypatch.delenv(f"SHEETSYNC_SMTP_{key}", raising=False)
    yield inbox
    controller.stop()


# the service and its menu ----------------------------------------------------------------------

SERVICE_SECRET = "correct horse battery staple, and a long one"
HARNESS = Path(__file__).resolve().parent / "apps_script" / "harness.js"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def signed_post(base, path, body=b"{}", secret=SERVICE_SECRET, timestamp=None, signature=None, timeout=30):
    """A call to `serve` as the Sheets menu makes it: the body signed with the group's secret."""
    import time

    import requests

    from sheetsync.app.server import sign

    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = signature or sign(secret.encode(), timestamp, "POST", path, body)
    return requests.post(
        base + path,
        data=body,
        timeout=timeout,
        headers={
            "Content-Type": "application/json",
            "X-Sheetsync-Timestamp": timestamp,
            "X-Sheetsync-Signature": signature,
        },
    )


def run_apps_script(script: Path, function: str, state: dict) -> dict:
    """`function` of an Apps Script file run by Node.js in tests/apps_script/harness.js, from the
    sheet, properties and forms of `state`; what it left of them (JSON)."""
    import json
    import subprocess

    state_path = script.with_name("state.json")
    state_path.write_text(json.dumps(state))
    out = subprocess.run(
        ["node", str(HARNESS), str(script), function, str(state_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(out.stdout)
