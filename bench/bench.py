"""`make bench`: speed, memory and requests, each beside its floor, measured in one run (never a
timed test). Each local figure is the best of several fresh processes (this 2-core machine is
shared: the slower runs met a busy machine); memory is the highest peak (max RSS) seen.

1. Local .xlsx, a 50,000-trip workbook: python-calamine's bare read of every row of the file (the
   floor: nothing syncs without reading), openpyxl's load + save (what an openpyxl-based writer
   pays), and `sheetsync sync`; the ratios against both, and the peak memory.
2. Core: parse + validate + compute (with the History tab), trips a second, in memory.
3. A small group (500 trips): `sheetsync sync` in a fresh process, against an empty interpreter.
4. Where the time of both syncs goes: the best of 5 fresh processes with a clock around each phase
   (bench/phases.py).
5. Google Sheets, on the stateful fake of the Sheets API (tests/fake_sheets.py): requests a sync
   and for a command that only reads, against the naive per-tab gspread loop; the bytes the one
   read receives against the two reads before it (metadata, then values:batchGet), as sent and
   gzipped (the transport Google and requests use); the groups an hour that makes per account.
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
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


def fastest(results: list[dict]) -> dict:
    """The fastest of several fresh processes (the others met a busy machine), and the highest peak."""
    return {
        "seconds": min(r["seconds"] for r in results),
        "cpu": min(r["cpu"] for r in results),
        "peak_mib": max(r["peak_mib"] for r in results),
    }


def best_of(runs: int, code: str) -> dict:
    """`code` in `runs` fresh processes: the fastest, and the highest peak."""
    return fastest([in_fresh_process(code) for _ in range(runs)])


def fresh_copy(path: Path, k: int, prefix: str) -> Path:
    """A copy of `path` beside it, for one run that writes it."""
    copy = path.with_name(f"{prefix}{k}-{path.name}")
    shutil.copyfile(path, copy)
    return copy


def in_fresh_process(code: str) -> dict:
    """Run `code` in a new interpreter: its wall time from the interpreter's start (imports
    included), its CPU time (the whole process) and peak RSS."""
    wrapper = (  # loads nothing the measured code would not (resource is a small built-in module)
        "import resource, sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        f"{code}\n"
        "u = resource.getrusage(resource.RUSAGE_SELF)\n"
        # the high-water mark of this process's own memory (ru_maxrss would keep the parent's from the fork)
        "hwm = next(int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:'))\n"
        "print('measured', u.ru_utime + u.ru_stime, hwm / 1024)"
    )
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", wrapper], check=True, capture_output=True, text=True).stdout
    wall = time.perf_counter() - started
    _, cpu, peak = out.strip().splitlines()[-1].split()
    return {"seconds": wall, "cpu": float(cpu), "peak_mib": float(peak)}


CALAMINE_READ = (
    "from python_calamine import CalamineWorkbook\n"
    "wb = CalamineWorkbook.from_path({path!r})\n"
    "for name in wb.sheet_names:\n"
    "    for row in wb.get_sheet_by_name(name).iter_rows():\n"
    "        pass"
)


def sync_code(path: Path) -> str:
    """What the `sheetsync` console script runs for `sheetsync sync PATH --as-of 2025-12-31 --quiet`,
    its exit included."""
    return (
        "from sheetsync.app.console import main\n"
        f"sys.argv = ['sheetsync', 'sync', {str(path)!r}, '--as-of', '2025-12-31', '--quiet']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as ended:\n"
        "    assert not ended.code, ended.code"
    )


def fresh_copies(path: Path, runs: int, code) -> dict:
    """`code(copy)` in `runs` fresh processes, each on a fresh copy of `path` (a sync writes it)."""
    return fastest([in_fresh_process(code(fresh_copy(path, k, "run"))) for k in range(runs)])


def line(label: str, r: dict) -> str:
    return f"  {label:28} {r['seconds']:6.3f} s wall  {r['cpu']:6.3f} s CPU   peak {r['peak_mib']:5.0f} MiB"


def bench_xlsx(trips: int = 50_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.xlsx"
        write_workbook(path, raw_group(trips))
        size = path.stat().st_size / 2**20
        floor = best_of(5, CALAMINE_READ.format(path=str(path)))
        baseline = best_of(
            3, f"import openpyxl; wb = openpyxl.load_workbook({str(path)!r}); wb.save({str(path) + '.copy.xlsx'!r})"
        )
        ours = fresh_copies(path, 5, sync_code)
        print(f"Local .xlsx, {trips:,} trips ({size:.1f} MiB), best of 5, 3 and 5 fresh processes:")
        print(line("calamine's bare read (floor)", floor))
        print(line("openpyxl load + save", baseline))
        print(line("sheetsync sync", ours))
        print(
            f"  sync / calamine's read      {ours['seconds'] / floor['seconds']:6.2f} x wall   (floor 1 x; goal <= 2 x)"
        )
        print(f"  openpyxl / sync             {baseline['seconds'] / ours['seconds']:6.1f} x faster (goal >= 10 x)")
        print(
            f"  sync's peak / openpyxl's    {ours['peak_mib'] / baseline['peak_mib']:6.2f} x memory (goal <= 0.33 x;"
            f" calamine's read {floor['peak_mib'] / baseline['peak_mib']:.2f} x)"
        )


def bench_core(trips: int = 100_000) -> None:
    from sheetsync.pipeline import build_report

    raw = raw_group(trips)
    build_report(raw_group(1000), "warm-up", date(2025, 12, 31))
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        report = build_report(raw, "bench", date(2025, 12, 31))
        runs.append(time.perf_counter() - t0)
    seconds = min(runs)
    print(f"Core (parse + validate + compute + history), {trips:,} trips in memory, best of 3:")
    print(
        f"  {trips / seconds:9,.0f} trips a second (goal >= 250,000); {seconds:.2f} s,"
        f" {len(report.computation.periods)} vehicle-periods, {len(report.history)} months of history,"
        f" {len(report.problems)} problems"
    )


def bench_small(trips: int = 500) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "small.xlsx"
        write_workbook(path, raw_group(trips))
        empty = best_of(5, "pass")
        ours = fresh_copies(path, 5, sync_code)
        print(f"A small group, {trips} trips, best of 5 fresh processes:")
        print(line("python -c pass (floor)", empty))
        print(line("sheetsync sync", ours))
        print(
            f"  {ours['seconds']:.3f} s wall (goal <= 0.12 s), {ours['seconds'] / empty['seconds']:.1f} x an empty run"
        )


def phases_of(path: Path, runs: int = 5) -> dict[str, float]:
    """The phases of the fastest of `runs` synced fresh copies of `path` (bench/phases.py)."""
    best: dict[str, float] = {}
    for k in range(runs):
        copy = fresh_copy(path, k, "phases")
        out = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "phases.py"), str(copy)], check=True, capture_output=True, text=True
        ).stdout
        phases = json.loads(out.strip().splitlines()[-1])
        if not best or sum(phases.values()) < sum(best.values()):
            best = phases
    return best


def bench_phases(sizes: tuple[int, ...] = (50_000, 500)) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        measured = {}
        for trips in sizes:
            path = Path(tmp) / f"phases-{trips}.xlsx"
            write_workbook(path, raw_group(trips))
            measured[trips] = phases_of(path)
    heads = "".join(f"{f'{trips:,} trips':>16}" for trips in sizes)
    print(
        f"Where a sync's time goes (after Python's start), the fastest of 5 clocked fresh processes:\n  {'':46}{heads}"
    )
    for phase in measured[sizes[0]]:
        cells = "".join(
            f"{measured[t][phase] * 1000:10.1f} ms {measured[t][phase] / sum(measured[t].values()):3.0%}" for t in sizes
        )
        print(f"  {phase:46}{cells}")
    totals = "".join(f"{sum(measured[t].values()) * 1000:10.1f} ms     " for t in sizes)
    print(f"  {'in all':46}{totals}".rstrip())


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


def _two_reads(http, sid: str) -> None:
    """The reads of a sync before this one read all in one: the description, then every tab's values."""
    from sheetsync.backends.a1 import a1_sheet

    meta = http.fetch_sheet_metadata(
        sid,
        params={
            "includeGridData": "false",
            "fields": "properties.title,sheets.properties,sheets.protectedRanges,sheets.charts.chartId",
        },
    )
    titles = [s["properties"]["title"] for s in meta["sheets"]]
    http.values_batch_get(
        sid,
        [a1_sheet(t) for t in titles],
        params={"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"},
    )


def bench_google() -> None:
    import gspread
    import responses

    sys.path.insert(0, str(ROOT / "tests"))
    from fake_sheets import FakeSheets, write_service_account_key

    from sheetsync.app.fleet import QUOTA_PER_MINUTE, REQUESTS_PER_GOOGLE_SYNC
    from sheetsync.backends.gsheets import GoogleSheetsBackend, authorize
    from sheetsync.pipeline import build_report
    from sheetsync.present.tabs import generated_tables

    print("Google Sheets (stateful fake of the Sheets API), requests and bytes received:")
    with tempfile.TemporaryDirectory() as tmp, responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        key = write_service_account_key(Path(tmp) / "key.json")
        fake = FakeSheets()
        received: list[tuple[int, int]] = []  # each answer's bytes: as sent, gzipped
        dispatch = fake._dispatch

        def measured(request):
            status, headers, body = dispatch(request)
            received.append((len(body.encode()), len(gzip.compress(body.encode(), 6))))
            return status, headers, body

        fake._dispatch = measured
        fake.install(rsps)
        for trips in (10, 10_000):
            raw = raw_group(trips)
            fake.create("bench", "bench", raw)
            client, email = authorize(str(key))
            backend = GoogleSheetsBackend("bench", client, email)
            fake.log.clear()
            received.clear()
            report = build_report(backend.read_tabs(), "bench", date(2025, 12, 31))
            read_only, one_read = len(fake.log), received[:]
            tables = generated_tables(report, "bench", datetime(2026, 1, 1))
            backend.write_tabs(tables)
            ours = len(fake.log)
            received.clear()
            _two_reads(client.http_client, "bench")
            two_reads = received[:]
            fake.create("bench", "bench", raw)
            fake.log.clear()
            _naive_gspread_sync(gspread.Client(auth=client.http_client.auth), "bench", list(raw), tables)
            naive = len(fake.log)
            size = [sum(b[i] for b in one_read) for i in (0, 1)]
            before = [sum(b[i] for b in two_reads) for i in (0, 1)]
            print(
                f"  {trips:>6,} trips: a sync {ours} requests, a read-only command {read_only} (floor 1 + 1, and 1);"
                f" naive per-tab gspread loop {naive} ({naive / ours:.0f}x)"
            )
            print(
                f"                read received {size[0] / 1024:8,.1f} KiB ({size[1] / 1024:7,.1f} KiB gzipped);"
                f" the two reads before: {before[0] / 1024:8,.1f} KiB ({before[1] / 1024:7,.1f} KiB gzipped):"
                f" {size[1] / before[1]:.2f} x on the wire"
            )
    per_hour = QUOTA_PER_MINUTE * 60 // REQUESTS_PER_GOOGLE_SYNC
    print(
        f"  at {REQUESTS_PER_GOOGLE_SYNC} requests a sync and {QUOTA_PER_MINUTE} requests a minute per service account:"
        f" {per_hour:,} groups an hour per account (each shard paces itself at its share)"
    )


if __name__ == "__main__":
    # sheetsync's modules compiled, as pip installs them: a checkout run with PYTHONDONTWRITEBYTECODE
    # would otherwise compile them again at every start, which no installed sheetsync does
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "sheetsync")], check=True)
    bench_xlsx()
    bench_core()
    bench_small()
    bench_phases()
    bench_google()
