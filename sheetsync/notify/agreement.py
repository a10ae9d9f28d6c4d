"""The group's agreement, drafted from its workbook: a Jinja template per language
(templates/agreement/LANG/agreement.md, overridable by the group like the email templates),
rendered to Markdown, and from it to a standalone HTML page (markdown-it, raw HTML off, so
nothing typed in a cell becomes markup)."""

from __future__ import annotations

import re
from decimal import Decimal

from jinja2 import TemplateNotFound
from markdown_it import MarkdownIt

from sheetsync.errors import SetupError
from sheetsync.i18n import N_
from sheetsync.notify.render import environment
from sheetsync.present import formatting as fmt
from sheetsync.present.agreement import agreement_context

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#|])")


def _markdown_text(value: object) -> object:
    """What a cell says, made inert in Markdown: its special characters are escaped."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", value) if isinstance(value, str) else value


def agreement_markdown(report, templates: str | None = None) -> str:
    """The agreement in Markdown, in the group's language."""
    s = report.settings
    env = environment(templates or s.templates, s.language, s.currency, "agreement", finalize=_markdown_text)
    env.filters["percent"] = lambda value: (
        fmt.number(Decimal(value), s.language) + ("\u202f%" if s.language == "fr" else "%")
    )
    env.filters["rate"] = lambda value: (
        fmt.money(value, s.currency, s.language)
        if value == value.quantize(Decimal("0.01"))
        else fmt.rate_money(value, s.currency, s.language)
    )
    name = f"{s.language}/agreement.md"
    try:
        template = env.get_template(name)
    except TemplateNotFound as exc:
        raise SetupError(
            N_("No template {name}."),
            N_("Copy it from templates/agreement into your template folder."),
            s.language,
            name=name,
        ) from exc
    return template.render(agreement_context(report))


def agreement_html(report, templates: str | None = None) -> str:
    """The agreement as a standalone HTML page (for a browser, or LibreOffice to make a PDF)."""
    s = report.settings
    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(agreement_markdown(report, templates))
    env = environment(templates or s.templates, s.language, s.currency, "agreement")
    return env.get_template("page.html").render(lang=s.language, group=s.group, body=body)
