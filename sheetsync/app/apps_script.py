"""The Apps Scripts a group pastes into its Google Sheet: a menu in the group's language whose
items sign their call and post it to `sheetsync serve` (Code.gs), and the script that makes the
group's Google Forms, a trip, an expense and a payment, linked to the sheet (Form.gs)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from sheetsync.errors import SetupError, not_written
from sheetsync.i18n import N_
from sheetsync.i18n import t as tr
from sheetsync.model.schema import CATEGORIES, TABS_BY_ID
from sheetsync.notify.templates import template_folder
from sheetsync.pipeline import Report

LABELS: dict[str, str] = {
    "menu": N_("Car sharing"),
    "sync": N_("Recompute balances"),
    "validate": N_("Check entries"),
    "notify": N_("Send settlement notices"),
    "calendar": N_("Export calendar"),
    "setup": N_("Set up (secret)…"),
    "askSecret": N_("The group's secret, as given by whoever runs sheetsync:"),
    "setupDone": N_("Saved."),
    "noSecret": N_("Set up first: Car sharing > Set up (secret)…"),
    "title": N_("sheetsync"),
    "confirmNotify": N_("Email each member their settlement notice now?"),
    "unreachable": N_("The sheetsync service did not answer"),
}


FORM_LABELS: dict[str, str] = {
    "menu": N_("Forms"),
    "create": N_("Create the forms"),
    "refresh": N_("Refresh the dropdowns"),
    "title": N_("sheetsync"),
    "created": N_("The group's forms (send these links to the members):"),
    "refreshed": N_("The dropdowns now list the vehicles and members of the sheet."),
    "noForms": N_("No form yet: Forms > Create the forms."),
    "trip": N_("Trip"),
    "trip_help": N_("One answer per trip: the odometer when you leave and when you come back."),
    "departure": N_("Departure"),
    "return": N_("Return"),
    "expense": N_("Expense"),
    "expense_help": N_("Fuel, insurance, repairs…: what you paid for a vehicle of the group."),
    "payment": N_("Payment"),
    "payment_help": N_("Money you handed to another member (a settlement transfer, for example)."),
}


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(template_folder("apps_script"))),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def render_script(url: str, group: str, lang: str) -> str:
    """The menu's Apps Script for one group, its labels in `lang`, calling the service at `url`."""
    return (
        _environment()
        .get_template("Code.gs")
        .render(url=url, group=group, labels={key: tr(lang, msgid) for key, msgid in LABELS.items()})
    )


def form_config(report: Report) -> dict:
    """What the forms' script makes: each form, its sections and questions, titled as the columns
    of the tab its answers stand for (so that sheetsync reads its responses tab by its headers),
    and where the dropdowns of vehicles and members come from."""
    book, lang = report.book, report.settings.language
    L = {key: tr(lang, msgid) for key, msgid in FORM_LABELS.items()}

    def q(tab, field_id: str, kind: str = "text", required: bool = False, source: str | None = None, **extra):
        title = TABS_BY_ID[tab].column(field_id).name(lang)
        return {"title": title, "type": kind, "required": required, "source": source} | extra

    categories = [c.name(lang) for c in CATEGORIES]
    title = book.settings.group
    forms = [
        {
            "kind": "trip",
            "title": f"{title} · {L['trip']}",
            "description": L["trip_help"],
            "sections": [
                {
                    "title": L["departure"],
                    "items": [
                        q("trips", "vehicle", "list", True, "vehicles"),
                        q("trips", "driver", "list", True, "members"),
                        q("trips", "date", "datetime", True),
                        q("trips", "odometer_start", "number", True),
                    ],
                },
                {
                    "title": L["return"],
                    "items": [
                        q("trips", "return", "datetime"),
                        q("trips", "odometer_end", "number", True),
                        q("trips", "fuel_paid", "number"),
                        q("trips", "litres", "number"),
                        q("trips", "note"),
                    ],
                },
            ],
        },
        {
            "kind": "expense",
            "title": f"{title} · {L['expense']}",
            "description": L["expense_help"],
            "sections": [
                {
                    "title": L["expense"],
                    "items": [
                        q("expenses", "date", "date", True),
                        q("expenses", "vehicle", "list", True, "vehicles"),
                        q("expenses", "paid_by", "list", True, "members"),
                        q("expenses", "category", "list", True, None, choices=categories),
                        q("expenses", "amount", "number", True),
                        q("expenses", "litres", "number"),
                        q("expenses", "note"),
                    ],
                }
            ],
        },
        {
            "kind": "payment",
            "title": f"{title} · {L['payment']}",
            "description": L["payment_help"],
            "sections": [
                {
                    "title": L["payment"],
                    "items": [
                        q("payments", "date", "date", True),
                        q("payments", "from", "list", True, "members"),
                        q("payments", "to", "list", True, "members"),
                        q("payments", "amount", "number", True),
                        q("payments", "note"),
                    ],
                }
            ],
        },
    ]
    lists = {
        "vehicles": {
            "tab": book.tab_names["vehicles"],  # in the group's language when the tab is absent
            "header": book.header("vehicles", "vehicle"),
            "names": [v.name for v in book.vehicles],
        },
        "members": {
            "tab": book.tab_names["members"],
            "header": book.header("members", "name"),
            "names": book.member_names(),
        },
    }
    labels = {k: L[k] for k in ("menu", "create", "refresh", "title", "created", "refreshed", "noForms")}
    return {"group": title, "labels": labels, "forms": forms, "lists": lists}


def render_form_script(report: Report) -> str:
    """The Apps Script that creates the group's Google Forms and keeps their dropdowns up to date."""
    return _environment().get_template("Form.gs").render(config=form_config(report))


def manifest_json(forms: bool = False) -> str:
    """The script's manifest (appsscript.json): the minimal scopes the menu needs, and with `forms`
    the one that creating and updating the group's forms needs too."""
    text = (template_folder("apps_script") / "appsscript.json").read_text()
    if not forms:
        return text
    manifest = json.loads(text)
    manifest["oauthScopes"].append(FORMS_SCOPE)
    return json.dumps(manifest, indent=2) + "\n"


FORMS_SCOPE = "https://www.googleapis.com/auth/forms"


def write_new_secret(path: Path) -> None:
    """A new group secret (32 random bytes as 64 hexadecimal characters) into a new file that only
    its owner may read; an existing file is never overwritten."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SetupError(
            N_("{file} already exists: a secret file is never overwritten."),
            N_("Give a new file name."),
            file=str(path),
        ) from None
    except OSError as exc:
        raise not_written(str(path), exc) from exc
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32) + "\n")
