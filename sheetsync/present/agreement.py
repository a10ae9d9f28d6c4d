"""What the group's agreement states, taken from its workbook: plain values for the agreement's
template (templates/agreement/LANG/agreement.md), which words them in the group's language."""

from __future__ import annotations

from sheetsync.model.schema import CATEGORIES, INPUT_TABS
from sheetsync.money.ledger import effective_rule
from sheetsync.pipeline import Report
from sheetsync.read.cells import percent


def agreement_context(report: Report) -> dict:
    """Members, vehicles and every rule the workbook applies, as the agreement's template reads them."""
    book, s = report.book, report.settings
    lang = s.language
    only_owner = book.vehicles[0].owner_names[0] if len(book.vehicles) == 1 else None
    # the rule each category follows in the money rules (at a fixed rate, most costs are the owners')
    first = book.vehicles[0] if book.vehicles else None
    categories = [
        {
            "id": c.id,
            "name": c.name(lang),
            "rule": effective_rule(book, first, c.id) if first else book.split_rule(c.id),
            "default": c.rule,
        }
        for c in CATEGORIES
    ]
    return {
        "group": s.group,
        "lang": lang,
        # each input tab as the group named it (its standard name when the workbook has none)
        "tabs": {spec.id: book.tab_names.get(spec.id) or spec.name(lang) for spec in INPUT_TABS},
        "as_of": report.as_of,
        "currency": s.currency,
        "members": [
            {"name": m.name, "joined": m.joined, "left": m.left, "deposit": m.deposit, "email": m.email}
            for m in book.members
        ],
        "vehicles": [
            {
                "name": v.name,
                "plate": v.plate,
                "owners": [{"name": n, "percent": percent(share)} for n, share in v.owners],
                "rate_per_km": v.rate_per_km,
                "odometer_at_start": v.odometer_at_start,
                "tank": v.tank,
                "inspection_due": v.inspection_due,
                "insurance_renewal": v.insurance_renewal,
                "shared_with": list(v.shared_with),
            }
            for v in book.vehicles
        ],
        "cost_mode": s.cost_mode,
        "rate_per_km": s.rate_per_km,
        "fuel": s.fuel,
        "categories": categories,
        "rules": {c["id"]: c["rule"] for c in categories},
        "period": s.period,
        "settlement": s.settlement,
        "hub": s.settlement_hub,  # checked: a member, or the owner of the only vehicle
        "rounding": f"{s.round_transfers_to}",  # "0.01", "0.1" or "1"
        "priority": s.priority,
        "treasurer": s.treasurer or only_owner,
        "deposits": any(m.deposit for m in book.members),
        "consumption_min": s.consumption_min,
        "consumption_max": s.consumption_max,
    }
