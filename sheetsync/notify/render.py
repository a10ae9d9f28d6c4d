"""Notices rendered from Jinja templates: subject, plain text and HTML, in the group's language.

Templates live in templates/email/{fr,en}/KIND.subject.txt, KIND.txt, KIND.html; a group
overrides any of them with a folder of its own laid out the same way. HTML is autoescaped,
the environment is sandboxed (templates may come from the group), and amounts and dates are
formatted for the locale with babel.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from email.utils import make_msgid
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, StrictUndefined, TemplateNotFound, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from sheetsync.errors import SetupError
from sheetsync.i18n import N_, of_name
from sheetsync.notify.epc import epc_png
from sheetsync.notify.plan import Notice, payment_code
from sheetsync.notify.templates import template_folder
from sheetsync.present import formatting as fmt
from sheetsync.present.words import word


@dataclass(frozen=True)
class Image:
    """A picture that goes with a notice: shown in its HTML part (by Content-ID) and attached."""

    cid: str  # without the angle brackets
    filename: str
    png: bytes


@dataclass(frozen=True)
class Rendered:
    """A notice put into words: subject, plain text and HTML, and its pictures (scan-to-pay codes)."""

    notice: Notice
    subject: str
    text: str
    html: str
    images: tuple[Image, ...] = ()


def template_folders(override: str | None, kind: str = "email") -> list[Path]:
    """The group's own template folder (`override`, else $SHEETSYNC_TEMPLATES) first, then sheetsync's
    templates of `kind` ("email", "agreement"): a group overrides only the files it has."""
    folders = []
    for candidate in (override, os.environ.get("SHEETSYNC_TEMPLATES")):
        if candidate:
            path = Path(candidate).expanduser()
            if not path.is_dir():
                raise SetupError(
                    N_("No template folder at {path}."),
                    N_("Give a folder laid out like templates/email: fr/settlement.txt, en/settlement.html …"),
                    path=path,
                )
            folders.append(path)
    return folders + [template_folder(kind)]


def environment(override: str | None, lang: str, currency: str, kind: str = "email", **options) -> SandboxedEnvironment:
    """The sandboxed Jinja environment of `kind`'s templates, with the money, number and day filters."""
    env = SandboxedEnvironment(
        loader=ChoiceLoader([FileSystemLoader(str(p)) for p in template_folders(override, kind)]),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
        **options,
    )
    env.filters["money"] = lambda amount: fmt.money(amount, currency, lang)
    env.filters["number"] = lambda value: fmt.number(value, lang)
    env.filters["day"] = lambda value: fmt.day(value, lang)
    env.filters["of"] = of_name  # French "de Paul", "d'Ahmed"
    env.filters["word"] = lambda key: word(key, lang)  # a fixed word of the tabs ("error" -> "erreur")
    return env


def render(notice: Notice, env: SandboxedEnvironment, lang: str) -> Rendered:
    """The three parts of one notice, and its pictures. The subject is one line: line breaks from
    cells never reach a header."""
    context, images = with_payment_codes(notice)

    def part(suffix: str) -> str:
        try:
            return env.get_template(f"{lang}/{notice.kind}.{suffix}").render(context)
        except TemplateNotFound as exc:
            raise SetupError(
                N_("No template {language}/{kind}.{suffix}."),
                N_("Copy it from templates/email into your template folder."),
                language=lang,
                kind=notice.kind,
                suffix=suffix,
            ) from exc

    subject = " ".join(part("subject.txt").split())
    return Rendered(notice, subject, part("txt"), part("html"), images)


def with_payment_codes(notice: Notice) -> tuple[dict, tuple[Image, ...]]:
    """The notice's context where each transfer it asks to pay gets `cid`, the Content-ID of its
    scan-to-pay code (None when it has none), and the codes as images."""
    pays = notice.context.get("pays")
    if not pays:
        return notice.context, ()
    images, items = [], []
    for i, item in enumerate(pays, start=1):
        cid = None
        if code := payment_code(item):
            cid = f"{make_msgid('epc', 'sheetsync.local')[1:-1]}"
            name = re.sub(r"[^\w.-]+", "-", f"{i}-{item['other']}").strip("-")
            images.append(Image(cid, f"pay-{name}.png", epc_png(code)))
        items.append(dict(item, cid=cid))
    return notice.context | {"pays": items}, tuple(images)
