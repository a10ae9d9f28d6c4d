"""`make bench`: speed, memory and requests, as ratios measured in one run (never a timed test).

1. Local .xlsx: a 50,000-trip workbook; `sheetsync sync` against openpyxl's own load + save of
   the same file (what any openpyxl-based writer pays), each in a fresh process, with its peak
   memory (max RSS).
2. Core: parse + validate + compute (with the History tab) per 100,000 trips, in memory.
3. Google Sheets: HTTP requests per sync, ours against the naive per-tab gspread loop, on the
   stateful fake of the Sheets API (tests/fake_sheets.py), for a small and a large logbook.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MEMBERS = ["Anne", "Bruno", "Chloé", "David", "Emma", "Farid", "Gaëlle", "Hugo"]
VEHICLES = [("Clio", "Anne"), ("Kangoo", "Bruno 50%, Chloé 50%")]
CATEGORIES = ["carburant", "assurance", "entretien", "réparation", "péage", "fournitures"]


def raw_group(trips: int, seed: int = 7) -> dict[str, list[list]]:
    """A French group's tabs with `trips` logbook lines over the years up to 2025."""
    rng = random.Random(seed)
    per_day = max(1, trips // 3000)
    start = date(2025, 12, 31) - timedelta(days=trips // per_day + 1)
    odometers = {v: 10000 for v, _ in VEHICLES}
    rows = [["Date", "Véhicule", "Conducteur", "Km départ", "Km arrivée", "Essence", "Note"]]
    for i in range(trips):
        vehicle = VEHICLES[i % len(VEHICLES)][0]
        km = rng.randint(3, 400)
        fuel = f"{rng.randint(20, 80)},{rng.randint(0, 99):02d}" if i % 9 == 0 else None
        day = datetime.combine(start + timedelta(days=i // per_day), datetime.min.time())
        rows.append(
            [
                day,
                vehicle,
                rng.choice(MEMBERS),
                odometers[vehicle],
                odometers[vehicle] + km,
                fuel,
                "trajet" if i % 5 == 0 else None,
            ]
        )
        odometers[vehicle] += km
    expenses = [["Date", "Véhicule", "Payé par", "Catégorie", "Montant"]]
    for i in range(trips // 50):
        expenses.append(
            [
                datetime.combine(start + timedelta(days=rng.randint(0, trips // per_day)), datetime.min.time()),
                VEHICLES[i % 2][0],
                rng.choice(MEMBERS),
                rng.choice(CATEGORIES),
                rng.randint(10, 900),
            ]
        )
    return {
        "Paramètres": [["Paramètre", "Valeur"], ["période", "trimestre"], ["partage.assurance", "égal"]],
        "Membres": [["Nom"], *[[m] for m in MEMBERS]],
        "Véhicules": [["Véhicule", "Propriétaire"], *[list(v) for v in VEHICLES]],
        "Trajets": rows,
        "Dépenses": expenses,
        "Paiements": [["Date", "De", "À", "Montant"], [datetime(2025, 6, 1), "Chloé", "Anne", 100]],
    }


def write_workbook(path: Path, raw: dict[str, list[list]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    for name, rows in raw.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)


def best_of(runs: int, code: str) -> dict:
    """The fastest of `runs` fresh processes (the others met a busy machine), and the highest peak."""
    results = [in_fresh_process(code) for _ in range(runs)]
    return {
        "seconds": min(r["seconds"] for r in results),
        "cpu": min(r["cpu"] for r in results),
        "peak_mib": max(r["peak_mib"] for r in results),
    }


def in_fresh_process(code: str) -> dict:
    """Run `code` in a new interpreter: its wall time, CPU time (the whole process) and peak RSS."""
    wrapper = (
        f"import json, resource, time, sys; sys.path.insert(0, {str(ROOT)!r}); t0 = time.perf_counter()\n"
        f"{code}\n"
        "u = resource.getrusage(resource.RUSAGE_SELF)\n"
        "print(json.dumps({'seconds': time.perf_counter() - t0, 'cpu': u.ru_utime + u.ru_stime,"
        " 'peak_mib': u.ru_maxrss / 1024}))"
    )
    out = subprocess.run([sys.executable, "-c", wrapper], check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def bench_xlsx(trips: int = 50_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        write_workbook(path, raw_group(trips))
        size = path.stat().st_size / 2**20
        baseline = best_of(
            3, f"import openpyxl; wb = openpyxl.load_workbook({str(path)!r}); wb.save({str(path) + '.copy.xlsx'!r})"
        )
        ours = best_of(
            5,
            "from sheetsync.app.cli import cli\n"
            f"cli.main(['sync', {str(path)!r}, '--as-of', '2025-12-31', '--quiet'], standalone_mode=False)",
        )
        print(f"Local .xlsx, {trips:,} trips ({size:.1f} MiB), best of 3 and 5 fresh processes:")
        for label, r in (("openpyxl load + save", baseline), ("sheetsync sync", ours)):
            print(f"  {label:24} {r['seconds']:6.2f} s wall  {r['cpu']:6.2f} s CPU   peak {r['peak_mib']:5.0f} MiB")
        print(
            f"  ratio sync / load+save   {ours['seconds'] / baseline['seconds']:6.2f} x wall "
            f"{ours['cpu'] / baseline['cpu']:6.2f} x CPU   {ours['peak_mib'] / baseline['peak_mib']:.2f} x memory"
        )


def bench_core(trips: int = 100_000) -> None:
    from sheetsync.pipeline import build_report

    raw = raw_group(trips)
    t0 = time.perf_counter()
    report = build_report(raw, "bench", date(2025, 12, 31))
    seconds = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Core (parse + validate + compute + history), {trips:,} trips in memory:")
    print(
        f"  {seconds:6.2f} s per 100,000 trips ({seconds / trips * 1e6:.1f} µs a trip);"
        f" {len(report.computation.periods)} vehicle-periods, {len(report.history)} months of history,"
        f" {len(report.problems)} problems; process peak {peak:.0f} MiB"
    )


def _service_account_key(folder: Path) -> Path:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    pem = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
        .decode()
    )
    path = folder / "key.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "client_email": "bench@example.iam.gserviceaccount.com",
                "private_key": pem,
                "private_key_id": "1",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return path


def _naive_gspread_sync(client, sid: str, tab_names: list[str], tables) -> None:
    """What a script written with gspread's everyday calls does: one tab at a time."""
    import gspread

    sheet = client.open_by_key(sid)
    for name in tab_names:
        sheet.worksheet(name).get_all_values()
    for table in tables:
        try:
            ws = sheet.worksheet(table.name)
        except gspread.WorksheetNotFound:
            ws = sheet.add_worksheet(table.name, rows=len(table.rows) + 2, cols=len(table.columns))
        ws.clear()
        rows = [[table.title], [c.header for c in table.columns]] + [
            [v if isinstance(v, (str, int, float)) or v is None else str(v) for v in row] for row in table.rows
        ]
        ws.update(rows, "A1")
        ws.format("A2:Z2", {"textFormat": {"bold": True}})
        ws.freeze(rows=2)


def bench_google() -> None:
    import gspread
    import responses

    sys.path.insert(0, str(ROOT / "tests"))
    from fake_sheets import FakeSheets

    from sheetsync.backends.gsheets import GoogleSheetsBackend, authorize
    from sheetsync.pipeline import build_report
    from sheetsync.present.tabs import generated_tables

    print("Google Sheets, HTTP requests per sync (stateful fake of the Sheets API):")
    with tempfile.TemporaryDirectory() as tmp, responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        key = _service_account_key(Path(tmp))
        fake = FakeSheets().install(rsps)
        for trips in (10, 10_000):
            raw = raw_group(trips)
            fake.create("bench", "bench", raw)
            fake.log.clear()
            client, email = authorize(str(key))
            backend = GoogleSheetsBackend("bench", client, email)
            report = build_report(backend.read_tabs(), "bench", date(2025, 12, 31))
            tables = generated_tables(report, "bench", datetime(2026, 1, 1))
            backend.write_tabs(tables)
            ours = len(fake.log)
            fake.create("bench", "bench", raw)
            fake.log.clear()
            _naive_gspread_sync(gspread.Client(auth=client.http_client.auth), "bench", list(raw), tables)
            naive = len(fake.log)
            print(
                f"  {trips:>6,} trips: sheetsync {ours} requests; naive per-tab gspread loop {naive} requests"
                f" ({naive / ours:.0f}x)"
            )


if __name__ == "__main__":
    bench_xlsx()
    bench_core()
    bench_google()
