"""The Apps Script a group pastes into its Google Sheet: a menu in the group's language whose
items sign their call and post it to `sheetsync serve`."""

from __future__ import annotations

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from sheetsync.i18n import N_
from sheetsync.i18n import t as tr
from sheetsync.notify.templates import template_folder

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


def render_script(url: str, group: str, lang: str) -> str:
    """The menu's Apps Script for one group, its labels in `lang`, calling the service at `url`."""
    env = Environment(
        loader=FileSystemLoader(str(template_folder("apps_script"))),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("Code.gs").render(
        url=url, group=group, labels={key: tr(lang, msgid) for key, msgid in LABELS.items()}
    )


def manifest_json() -> str:
    """The script's manifest (appsscript.json): the minimal scopes the menu needs."""
    return (template_folder("apps_script") / "appsscript.json").read_text()
