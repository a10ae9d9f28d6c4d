"""The Apps Script a group pastes into its Google Sheet: a menu in the group's language whose
items sign their call and post it to `sheetsync serve`."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from sheetsync.errors import SetupError
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
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32) + "\n")
