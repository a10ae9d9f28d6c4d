"""The input tabs `init` creates: headers in the group's language, dropdowns, and example rows."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sheetsync.i18n import t
from sheetsync.model.schema import (
    BOOKINGS,
    CATEGORIES,
    EXPENSES,
    MEMBERS,
    PAYMENTS,
    SETTINGS,
    TRIPS,
    VEHICLES,
    InputTab,
)
from sheetsync.present.table import Column, Table

COLUMN_KINDS = {
    "joined": "date",
    "left": "date",
    "deposit": "money",
    "inspection_due": "date",
    "insurance_renewal": "date",
    "date": "date",
    "return": "date",
    "fuel_paid": "money",
    "amount": "money",
    "start": "datetime",
    "end": "datetime",
    "until": "date",
    "booked_at": "datetime",
    "rate_per_km": "rate",
}
LAYOUT: tuple[tuple[InputTab, tuple[str, ...]], ...] = (
    (SETTINGS, ("key", "value")),
    (MEMBERS, ("name", "email", "joined", "left", "deposit", "expected_km")),
    (
        VEHICLES,
        (
            "vehicle",
            "owner",
            "plate",
            "rate_per_km",
            "odometer_at_start",
            "inspection_due",
            "insurance_renewal",
            "shared_with",
        ),
    ),
    (TRIPS, ("date", "return", "vehicle", "driver", "odometer_start", "odometer_end", "km", "fuel_paid", "note")),
    (EXPENSES, ("date", "vehicle", "paid_by", "category", "amount", "litres", "responsible", "note")),
    (BOOKINGS, ("vehicle", "member", "start", "end", "repeat", "until", "booked_at", "note")),
    (PAYMENTS, ("date", "from", "to", "amount", "note")),
)
# field -> the tab and column a dropdown takes its choices from
DROPDOWN_FROM = {
    "driver": ("members", 0),
    "paid_by": ("members", 0),
    "responsible": ("members", 0),
    "member": ("members", 0),
    "from": ("members", 0),
    "to": ("members", 0),
    "owner": ("members", 0),
    "vehicle": ("vehicles", 0),
}


def input_tables(lang: str, example: bool = False, currency: str = "EUR") -> list[Table]:
    """The seven input tabs with their headers, dropdowns, and (with `example`) a small sample group."""
    rows = example_rows(lang) if example else {}
    tables = []
    for spec, fields in LAYOUT:
        columns = tuple(
            Column(
                spec.column(f).name(lang),
                COLUMN_KINDS.get(f, "text"),
                width=max(12, len(spec.column(f).name(lang)) + 4),
            )
            for f in fields
        )
        dropdowns: dict[int, tuple] = {}
        for i, f in enumerate(fields):
            if spec.id == "vehicles" and f == "vehicle":
                continue
            if f == "category":
                dropdowns[i] = ("list", [c.name(lang) for c in CATEGORIES])
            elif f in DROPDOWN_FROM and spec.id not in ("members",):
                dropdowns[i] = ("range", *DROPDOWN_FROM[f])
        tables.append(Table(spec.id, spec.name(lang), columns, rows.get(spec.id, []), None, currency, dropdowns))
    return tables


def example_rows(lang: str) -> dict[str, list[list]]:
    """A small group: Laurent owns a Clio that Catherine and Julien borrow."""
    fr = lang == "fr"
    d = datetime
    cat = {c.id: c.name(lang) for c in CATEGORIES}
    return {
        "settings": [
            ["groupe" if fr else "group", t(lang, "Lilac Street")],
            ["mode_de_calcul" if fr else "cost_mode", "réel" if fr else "real"],
            ["période" if fr else "period", "année" if fr else "year"],
            ["règlement" if fr else "settlement", "minimal"],
        ],
        "members": [
            ["Laurent", "laurent@example.org", d(2025, 1, 1), None, None, None],
            ["Catherine", "catherine@example.org", d(2025, 1, 1), None, Decimal(300), Decimal(4000)],
            ["Julien", "julien@example.org", d(2025, 1, 1), None, Decimal(300), Decimal(2000)],
        ],
        "vehicles": [["Clio", "Laurent", "AB-123-CD", None, Decimal(48200), d(2026, 5, 1), d(2026, 3, 1), None]],
        "trips": [
            [d(2025, 1, 4), None, "Clio", "Laurent", Decimal(48200), Decimal(48412), None, Decimal(60), None],
            [
                d(2025, 1, 11),
                d(2025, 1, 12),
                "Clio",
                "Catherine",
                Decimal(48412),
                Decimal(48950),
                None,
                Decimal(55),
                "Lyon",
            ],
            [d(2025, 1, 18), None, "Clio", "Julien", Decimal(48950), Decimal(49037), None, None, None],
        ],
        "expenses": [
            [d(2025, 1, 2), "Clio", "Laurent", cat["insurance"], Decimal(351), None, None, None],
            [
                d(2025, 1, 20),
                "Clio",
                "Catherine",
                cat["supplies"],
                Decimal(42),
                None,
                None,
                t(lang, "screen wash"),
            ],
        ],
        "bookings": [
            [
                "Clio",
                "Julien",
                d(2025, 2, 4, 20),
                d(2025, 2, 4, 23),
                "hebdomadaire" if fr else "weekly",
                d(2025, 6, 30),
                d(2025, 1, 2),
                None,
            ]
        ],
        "payments": [[d(2025, 1, 31), "Julien", "Laurent", Decimal(50), "acompte" if fr else "advance"]],
    }
