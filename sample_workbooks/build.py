"""Build the sample workbooks reproducibly (same seed, same rows): `make samples`.

- exemple-laurent.xlsx (French): the guide's worked example 2 as a real year of logbook
  lines and receipts. Laurent owns a Clio; Catherine and Julien borrow it. Synced as of
  2025-12-31 it gives Laurent +639.52, Catherine -467.98, Julien -171.54.
- sample-marie.xlsx (English): the guide's worked example 1, fixed rate 0.25 €/km. Marie
  owns; Françoise and Pierre drive. Marie's balance: +1,150.00. Its bookings hold a weekly
  market run of Pierre's and, planted, a Saturday of Françoise's that clashes with it.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sheetsync.backends.xlsx import XlsxBackend  # noqa: E402
from sheetsync.present.init_layout import input_tables  # noqa: E402

HERE = Path(__file__).resolve().parent


def split_km(rng: random.Random, total: int, trips: int) -> list[int]:
    """`trips` positive distances adding up to `total`."""
    cuts = sorted(rng.sample(range(1, total), trips - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def split_money(rng: random.Random, total: str, parts: int) -> list[Decimal]:
    cents = int(Decimal(total) * 100)
    cuts = sorted(rng.sample(range(1000, cents - 1000), parts - 1))
    return [Decimal(b - a) / 100 for a, b in zip([0, *cuts], [*cuts, cents], strict=True)]


def logbook(rng: random.Random, km: dict[str, tuple[int, int]], start_odometer: int, year: int = 2025):
    """A year of trips: km[member] = (total km, number of trips), in date order, odometer continuous."""
    legs = [(name, d) for name, (total, count) in km.items() for d in split_km(rng, total, count)]
    rng.shuffle(legs)
    days = sorted(rng.sample(range(2, 362), len(legs)))
    odometer, trips = start_odometer, []
    for (driver, distance), offset in zip(legs, days, strict=True):
        day = datetime(year, 1, 1) + timedelta(days=offset, hours=rng.choice([8, 9, 10, 14, 17]))
        back = day + timedelta(days=distance // 700) if distance > 700 else None
        trips.append([day, back, driver, odometer, odometer + distance])
        odometer += distance
    return trips


def with_fuel(rng: random.Random, trips: list[list], fills: dict[str, list[Decimal]]) -> list[list]:
    """Put each member's fill-ups on some of their own logbook lines."""
    rows = [t + [None] for t in trips]
    for member, amounts in fills.items():
        theirs = [r for r in rows if r[2] == member]
        for row, amount in zip(rng.sample(theirs, len(amounts)), amounts, strict=True):
            row[-1] = amount
    return rows


def laurent() -> dict[str, list[list]]:
    rng = random.Random(2025)
    trips = logbook(rng, {"Laurent": (6422, 46), "Catherine": (4341, 31), "Julien": (2027, 19)}, 48200)
    trips = with_fuel(
        rng,
        trips,
        {
            "Laurent": split_money(rng, "655", 8),
            "Catherine": split_money(rng, "532", 7),
            "Julien": split_money(rng, "315", 4),
        },
    )
    notes = {0: "courses", 5: "Lyon", 9: "déménagement", 14: "plage", 20: "vacances"}
    d = datetime
    return {
        "settings": [
            ["groupe", "Rue des Lilas"],
            ["mode_de_calcul", "coût réel"],
            ["période", "année"],
            ["règlement", "minimal"],
            ["devise", "EUR"],
        ],
        "members": [
            ["Laurent", "laurent@example.org", d(2024, 1, 1), None, None, None],
            ["Catherine", "catherine@example.org", d(2024, 1, 1), None, Decimal(300), Decimal(4500)],
            ["Julien", "julien@example.org", d(2024, 9, 1), None, Decimal(300), Decimal(2000)],
        ],
        "vehicles": [["Clio", "Laurent", "AB-123-CD", None, Decimal(48200), d(2026, 5, 12), d(2026, 3, 1), None]],
        "trips": [[t[0], t[1], "Clio", t[2], t[3], t[4], None, t[5], notes.get(i)] for i, t in enumerate(trips)],
        "expenses": [
            [d(2025, 1, 15), "Clio", "Laurent", "assurance", Decimal(351), None, None, "MAIF, contrat annuel"],
            [d(2025, 4, 3), "Clio", "Laurent", "réparation", Decimal(160), None, None, "plaquettes de frein"],
            [d(2025, 9, 22), "Clio", "Laurent", "réparation", Decimal(75), None, None, "essuie-glaces, ampoule"],
            [d(2025, 2, 8), "Clio", "Catherine", "fournitures", Decimal(18), None, None, "lave-glace"],
            [d(2025, 10, 30), "Clio", "Catherine", "fournitures", Decimal(24), None, None, "raclette, dégivrant"],
            [
                d(2025, 12, 31),
                "Clio",
                "Laurent",
                "décote",
                Decimal(940),
                None,
                None,
                "baisse de la cote argus sur l'année",
            ],
        ],
        "bookings": [
            ["Clio", "Julien", "mardi 20h", "23h", "hebdomadaire", d(2026, 6, 30), d(2026, 1, 2), "chorale"],
            ["Clio", "Catherine", d(2026, 1, 10, 9), d(2026, 1, 11, 19), None, None, d(2025, 12, 21), "week-end"],
        ],
        "payments": [],
    }


def marie() -> dict[str, list[list]]:
    rng = random.Random(1)
    trips = logbook(rng, {"Marie": (3100, 20), "Françoise": (2440, 14), "Pierre": (5320, 26)}, 61000)
    trips = with_fuel(rng, trips, {"Françoise": split_money(rng, "194", 3), "Pierre": split_money(rng, "521", 6)})
    d = datetime
    return {
        "settings": [
            ["group", "Marie's car"],
            ["cost_mode", "fixed"],
            ["rate_per_km", Decimal("0.25")],
            ["period", "year"],
            ["currency", "EUR"],
        ],
        "members": [
            ["Marie", "marie@example.org", None, None, None, None],
            ["Françoise", "francoise@example.org", None, None, None, Decimal(2500)],
            ["Pierre", "pierre@example.org", None, None, None, Decimal(5000)],
        ],
        "vehicles": [["Twingo", "Marie", "EF-456-GH", None, Decimal(61000), d(2026, 2, 1), d(2026, 4, 1), None]],
        "trips": [[t[0], t[1], "Twingo", t[2], t[3], t[4], None, t[5], None] for t in trips],
        "expenses": [
            [d(2025, 6, 14), "Twingo", "Françoise", "repair", Decimal(75), None, None, "puncture"],
            [d(2025, 8, 2), "Twingo", "Pierre", "toll", Decimal("23.40"), None, None, "A7"],
        ],
        "bookings": [
            ["Twingo", "Pierre", "Saturday 9:00", "13:00", "weekly", d(2026, 3, 28), d(2025, 12, 28), "market"],
            ["Twingo", "Françoise", d(2026, 1, 17, 10), d(2026, 1, 17, 18), None, None, d(2025, 12, 20), "IKEA"],
            ["Twingo", "Marie", d(2026, 2, 1, 8), d(2026, 2, 1, 20), None, None, d(2025, 12, 2), "Sunday at the sea"],
        ],
        "payments": [],
    }


SAMPLES = {"exemple-laurent.xlsx": ("fr", laurent), "sample-marie.xlsx": ("en", marie)}


def build(folder: Path = HERE) -> list[Path]:
    """Write every sample workbook into `folder`; returns their paths."""
    paths = []
    for name, (lang, rows_of) in SAMPLES.items():
        rows = rows_of()
        path = folder / name
        path.unlink(missing_ok=True)
        XlsxBackend(path).create_tabs([replace(t, rows=rows[t.id]) for t in input_tables(lang)])
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(f"wrote {written}")
