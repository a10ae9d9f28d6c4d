"""The Apps Script a group pastes into its Google Sheet: a menu in the group's language whose
items sign their call and post it to `sheetsync serve`."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

FOLDER = Path(__file__).resolve().parents[2] / "templates" / "apps_script"

LABELS = {
    "en": {
        "menu": "Car sharing",
        "sync": "Recompute balances",
        "validate": "Check entries",
        "notify": "Send settlement notices",
        "calendar": "Export calendar",
        "setup": "Set up (secret)…",
        "askSecret": "The group's secret, as given by whoever runs sheetsync:",
        "setupDone": "Saved.",
        "noSecret": "Set up first: Car sharing > Set up (secret)…",
        "title": "sheetsync",
        "confirmNotify": "Email each member their settlement notice now?",
        "unreachable": "The sheetsync service did not answer",
    },
    "fr": {
        "menu": "Autopartage",
        "sync": "Recalculer les soldes",
        "validate": "Vérifier les saisies",
        "notify": "Envoyer les avis de règlement",
        "calendar": "Exporter le calendrier",
        "setup": "Configurer (secret)…",
        "askSecret": "Le secret du groupe, donné par qui fait tourner sheetsync :",
        "setupDone": "Enregistré.",
        "noSecret": "Configurez d'abord : Autopartage > Configurer (secret)…",
        "title": "sheetsync",
        "confirmNotify": "Envoyer maintenant à chaque membre son avis de règlement ?",
        "unreachable": "Le service sheetsync n'a pas répondu",
    },
}


def render_script(url: str, group: str, lang: str) -> str:
    env = Environment(loader=FileSystemLoader(str(FOLDER)), undefined=StrictUndefined, keep_trailing_newline=True)
    return env.get_template("Code.gs").render(url=url, group=group, labels=LABELS.get(lang, LABELS["en"]))


def manifest_json() -> str:
    return (FOLDER / "appsscript.json").read_text()
