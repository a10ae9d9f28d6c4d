"""Sending notices: SMTP (STARTTLS, implicit TLS or plain, with login) or .eml files in an outbox.

Settings come from environment variables (SHEETSYNC_SMTP_HOST, _PORT, _USER, _PASSWORD,
_FROM, _REPLY_TO, _SECURITY, _CAFILE) or the [smtp] table of a sheetsync.toml; the password
is never printed.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from sheetsync.errors import BackendError, SetupError, not_written, os_reason, read_toml
from sheetsync.i18n import N_
from sheetsync.notify.render import Rendered
from sheetsync.read.cells import valid_address

SECURITY = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class SmtpConfig:
    """How to reach the SMTP server; the password is never shown in its repr."""

    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = None
    reply_to: str | None = None
    security: str = "starttls"
    cafile: str | None = None

    def __repr__(self) -> str:  # never show the password
        return f"SmtpConfig(host={self.host!r}, port={self.port}, sender={self.sender!r}, security={self.security!r})"


def _smtp_values(path: str | None) -> dict[str, object]:
    """The [smtp] table of a sheetsync.toml (`path`, else ./sheetsync.toml when there is one),
    overridden by SHEETSYNC_SMTP_* variables."""
    values: dict[str, object] = {}
    toml_path = Path(path) if path else Path("sheetsync.toml")
    if path or toml_path.exists():  # one given must be there; ./sheetsync.toml only when it is
        values.update(read_toml(toml_path, N_("Its [smtp] table is described in the README.")).get("smtp", {}))
    for key in ("host", "port", "user", "password", "from", "reply_to", "security", "cafile"):
        env = os.environ.get(f"SHEETSYNC_SMTP_{key.upper()}")
        if env:
            values[key] = env
    return values


def _sender(values: dict[str, object], default: str = "") -> tuple[str, str | None]:
    """The From address set, checked (else `default`), and the Reply-To address."""
    sender = _opt(values.get("from"))
    if sender is None:
        return default, _opt(values.get("reply_to"))
    if valid_address(re.sub(r".*<(.*)>", r"\1", sender)) is None:
        raise SetupError(
            N_('The From address "{sender}" is not an email address.'),
            N_("Write it as name@example.org."),
            sender=sender,
        )
    return sender, _opt(values.get("reply_to"))


def load_sender(path: str | None = None) -> tuple[str, str | None]:
    """The From and Reply-To addresses that sending would use (sheetsync.toml or SHEETSYNC_SMTP_FROM
    and _REPLY_TO; From sheetsync@localhost when none is set), for the .eml files of an outbox."""
    return _sender(_smtp_values(path), "sheetsync@localhost")


def load_smtp_config(path: str | None = None) -> SmtpConfig:
    """SMTP settings from a sheetsync.toml ([smtp] table) overridden by SHEETSYNC_SMTP_* variables."""
    values = _smtp_values(path)
    if not values.get("host") or not values.get("from"):
        raise SetupError(
            N_("SMTP is not configured: sheetsync needs at least a host and a From address."),
            N_(
                "Set SHEETSYNC_SMTP_HOST and SHEETSYNC_SMTP_FROM (and _USER, _PASSWORD), or an [smtp] "
                "table in sheetsync.toml; or use --outbox DIR to write .eml files instead."
            ),
        )
    security = str(values.get("security", "starttls")).lower()
    if security not in SECURITY:
        raise SetupError(N_('Unknown SMTP security "{security}".'), N_("Use starttls, ssl or none."), security=security)
    sender, reply_to = _sender(values)
    default_port = {"starttls": 587, "ssl": 465, "none": 25}[security]
    port = str(values.get("port", default_port)).strip()
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SetupError(
            N_('The SMTP port "{port}" is not a port number.'),
            N_("Give a number such as 587 (STARTTLS), 465 (ssl) or 25, in SHEETSYNC_SMTP_PORT or sheetsync.toml."),
            port=port,
        )
    return SmtpConfig(
        host=str(values["host"]),
        port=int(port),
        sender=sender,
        user=_opt(values.get("user")),
        password=_opt(values.get("password")),
        reply_to=reply_to,
        security=security,
        cafile=_opt(values.get("cafile")),
    )


def _opt(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _one_line(text: str) -> str:
    """No CR, LF or other control character from a cell ever reaches a header."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text).split())


def header_text(text: str) -> str:
    """Text from cells, safe in a header: one line, and no RFC 2047 encoded word ("=?utf-8?b?…?="),
    which a mail program would decode into addresses or header lines of the sender's choosing."""
    return _one_line(text).replace("=?", "= ?")


class BadNotice(ValueError):
    """A notice that cannot become an email (its address or name cannot be put in a header)."""


def build_message(rendered: Rendered, sender: str, reply_to: str | None = None) -> EmailMessage:
    """The email of one notice; headers built with email.headerregistry from neutralised cell text.
    Raises BadNotice when the address cannot be used."""
    notice = rendered.notice
    if notice.address is None:
        raise BadNotice("no address")
    msg = EmailMessage()
    msg["From"] = _one_line(sender)
    try:
        msg["Subject"] = header_text(rendered.subject)
        msg["To"] = Address(display_name=header_text(notice.member), addr_spec=_one_line(notice.address))
        if len(msg["To"].addresses) != 1:
            raise BadNotice("not one address")
    except (ValueError, IndexError, TypeError, HeaderParseError) as exc:
        raise BadNotice(str(exc)) from exc
    if reply_to:
        msg["Reply-To"] = _one_line(reply_to)
    msg["Date"] = formatdate(localtime=True)
    domain = sender.rsplit("@", 1)[-1].strip(">").strip() or "sheetsync.local"
    msg["Message-ID"] = make_msgid("sheetsync", domain=domain)
    try:
        msg.set_content(rendered.text)
        msg.add_alternative(rendered.html, subtype="html")
        if rendered.images:
            html = msg.get_payload()[1]
            for image in rendered.images:  # shown in the text, nameless: mail programs list it once, below
                html.add_related(image.png, "image", "png", cid=f"<{image.cid}>", disposition="inline")
            for image in rendered.images:
                msg.add_attachment(image.png, maintype="image", subtype="png", filename=image.filename)
        msg.as_bytes()  # what cannot be written out (a lone surrogate in a name) fails here, not mid-send
    except (UnicodeError, ValueError, TypeError, IndexError, HeaderParseError) as exc:
        raise BadNotice(str(exc)) from exc
    return msg


def write_outbox(folder: Path, messages: list[tuple[Rendered, EmailMessage]]) -> list[Path]:
    """One .eml file per message; names say the kind, period and member, and are unique within
    the run ("Jean Paul" and "Jean-Paul" get -2 on the second)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise not_written(str(folder), exc) from exc
    paths = []
    taken: set[str] = set()
    for rendered, msg in messages:
        n = rendered.notice
        stem = re.sub(r"[^\w.-]+", "-", f"{n.kind}-{n.period}-{n.member}").strip("-.")[:120] or "notice"
        name, k = stem, 1
        while name.casefold() in taken:
            k += 1
            name = f"{stem}-{k}"
        taken.add(name.casefold())
        path = folder / f"{name}.eml"
        try:
            path.write_bytes(msg.as_bytes())
        except OSError as exc:
            raise not_written(str(path), exc) from exc
        paths.append(path)
    return paths


class SendFailed(BackendError):
    """Sending stopped half-way; `sent` messages went (and are logged)."""

    def __init__(self, message: str, sent: int, **params: object):
        super().__init__(
            message, N_("What was sent is logged in the Sent tab; the rest goes at the next run."), **params
        )
        self.sent = sent


def send_all(
    config: SmtpConfig,
    messages: list[tuple[Rendered, EmailMessage]],
    on_sent: Callable[[Rendered, EmailMessage], None],
    timeout: float = 30,
) -> None:
    """Send in one SMTP session, calling `on_sent` after each accepted message. A failure stops
    the run (SendFailed) with what was sent already reported through `on_sent`. With nothing to
    send, no session is opened (a cron run with nothing new never fails on the server)."""
    if not messages:
        return
    sent = 0
    try:
        context = ssl.create_default_context(cafile=config.cafile)
        if config.security == "ssl":
            server = smtplib.SMTP_SSL(config.host, config.port, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(config.host, config.port, timeout=timeout)
        with server:
            if config.security == "starttls":
                server.starttls(context=context)
            if config.user:
                server.login(config.user, config.password or "")
            for rendered, msg in messages:
                server.send_message(msg)
                sent += 1
                on_sent(rendered, msg)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendFailed(
            N_("The SMTP server refused the login of {user} ({code})."), sent, user=config.user, code=exc.smtp_code
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(
            N_("Sending failed after {sent_count} of {total} message(s): {error}"),
            sent,
            sent_count=sent,
            total=len(messages),
            error=os_reason(exc),  # a mail server's reply in its own words
        ) from exc
