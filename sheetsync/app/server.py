"""`sheetsync serve`: the HTTP service behind the treasurer's menu in Google Sheets.

    GET  /health                               -> {"status": "ok", "groups": N}
    POST /groups/NAME/sync | validate | notify | calendar   (signed)
    GET  /groups/NAME/calendar.ics?token=T     (the calendar feed a phone subscribes to)
    GET | POST /groups/NAME/m/MEMBER/TOKEN     (a member's phone page: app/phone.py)

A signed call carries X-Sheetsync-Timestamp (Unix seconds) and X-Sheetsync-Signature: the hex
HMAC-SHA256, keyed with the group's secret, of "TIMESTAMP\\nMETHOD\\nPATH\\nBODY". It is refused
(401) when the signature does not match (compared in constant time, in one canonical form: 64
lower-case hex digits), when the timestamp is more than 5 minutes off, or when the same signature
(in that canonical form) was already used. A group whose secret is shorter than 32 bytes is never
served. Bodies are size-limited; a bad parameter is a 400; answers never show a server path.
Secrets and signatures are never logged.

Runs that write (sync, notify) hold the workbook's run lock, shared with every other sheetsync
run on it. Reading is bounded (backends/limits.py), so no workbook can exhaust the process; a
reader's failure, even a panic inside python-calamine, is one group's answer, never the service's
end. Slow clients are bounded by waitress (channel_timeout, connection_limit), and a request
that drips in a byte at a time is closed after channel_timeout; in front of the Internet, put a
reverse proxy (docs/limits.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from datetime import date
from urllib.parse import parse_qs, quote

from sheetsync import api
from sheetsync.app import phone
from sheetsync.app.fleet import FleetConfig, GroupConfig
from sheetsync.errors import DataError, SheetsyncError
from sheetsync.i18n import browser_language, t
from sheetsync.model import AsOf, Severity
from sheetsync.present.terminal import dialog_text, notice_outcome, summary_line

log = logging.getLogger("sheetsync.server")
WINDOW = 300  # seconds a timestamp may be off
MAX_BODY = 64 * 1024
ACTIONS = ("sync", "validate", "notify", "calendar")
SIGNATURE = re.compile(r"[0-9a-f]{64}")
TOKEN = re.compile(r"[0-9a-f]{32}")
# an absolute path's folders (not a URL's): answers name files, never where they live
SERVER_FOLDERS = re.compile(r"(?<![\w.:/~-])/(?:[^/\s\"'<>]+/)+")
WAITRESS = {"channel_timeout": 15, "connection_limit": 500, "threads": 4, "cleanup_interval": 5}


class BadRequest(ValueError):
    """A parameter of the call that cannot be understood: a 400 (or the `status` given)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def request_body(environ) -> bytes:
    """The request's body as its Content-Length says; BadRequest for a length that is not a
    number (400) or over MAX_BODY (413)."""
    length = str(environ.get("CONTENT_LENGTH") or "0").strip()
    if not length.isdigit():
        raise BadRequest("Bad Content-Length.")
    if int(length) > MAX_BODY:
        raise BadRequest("Body too large.", 413)
    return environ["wsgi.input"].read(int(length)) if int(length) else b""


def sign(secret: bytes, timestamp: str, method: str, path: str, body: bytes) -> str:
    """The HMAC-SHA256 signature of a call: timestamp, method, path and body under the group's secret."""
    message = f"{timestamp}\n{method}\n{path}\n".encode() + body
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def calendar_token(secret: bytes, group: str) -> str:
    """The token in a group's calendar link."""
    return phone.link_token(secret, f"calendar:{group}")


def token_matches(group: GroupConfig, token: str, expected: Callable[[bytes], str]) -> bool:
    """Whether `token` (of a calendar or a member's link) is the one `expected(secret)` makes under
    the group's secret: 32 lower-case hex digits, under a secret strong enough to sign calls
    (GroupConfig.signing_secret), compared in constant time."""
    secret = group.signing_secret()
    if not TOKEN.fullmatch(token) or secret is None:
        return False
    return hmac.compare_digest(token, expected(secret))


class Service:
    """A WSGI application serving the groups of a fleet configuration."""

    def __init__(
        self, config: FleetConfig, clock: Callable[[], float] = time.time, today: Callable[[], date] | None = None
    ):
        """`clock` gives now (a Unix time); `today`, when given, the day every call counts up to
        when it names none. Without it, that day is the clock's day where each group lives."""
        self.groups = {g.name: g for g in config.groups}
        self.public_url = str(config.server.get("public_url", "")).rstrip("/")
        self.limits = config.limits
        self.clock, self._today = clock, today
        self._seen: dict[str, float] = {}  # signature -> when it may be forgotten
        self._lock = threading.Lock()

    def today(self) -> AsOf:
        """The day a call that names none counts up to (a group's today, told by its time zone)."""
        return self._today() if self._today else lambda zone: api.today_where(zone, self.clock())

    # WSGI --------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        extra: list[tuple[str, str]] = []
        try:
            status, answer, content_type, *more = self.route(environ, method, path)
            extra = more[0] if more else []
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # noqa: BLE001 - an answer, never a traceback to the caller (a Rust panic included)
            log.exception("failed: %s %s", method, path.split("/m/")[0])
            status, answer, content_type = 500, {"ok": False, "message": "Internal error; see the server's log."}, None
        log.info("%s %s -> %s", method, path.split("/m/")[0], status)  # never a member's token in the log
        body = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode()
        start_response(
            f"{status} {_REASONS.get(status, 'Status')}",
            [("Content-Type", content_type or "application/json; charset=utf-8"), ("Content-Length", str(len(body)))]
            + extra,
        )
        return [body]

    def route(self, environ, method: str, path: str):
        try:  # waitress hands the path over decoded as latin-1 (PEP 3333); its bytes are UTF-8
            path = path.encode("latin-1").decode("utf-8")
        except UnicodeError:
            return 400, {"ok": False, "message": "The address is not UTF-8."}, None
        if path == "/health" and method == "GET":
            return 200, {"status": "ok", "groups": len(self.groups)}, None
        parts = path.strip("/").split("/")
        if len(parts) >= 5 and parts[0] == "groups" and parts[2] == "m" and parts[1] in self.groups:
            # /groups/G/m/NAME/TOKEN: a name's "/" comes decoded from its %2F, so the name is all
            # that stands between /m/ and the token (the last segment)
            return self.phone_page(self.groups[parts[1]], environ, method, "/".join(parts[3:-1]), parts[-1])
        if len(parts) != 3 or parts[0] != "groups" or parts[1] not in self.groups:
            return not_found(environ, method, "No such group or action.")
        group = self.groups[parts[1]]
        if parts[2] == "calendar.ics" and method == "GET":
            return self.calendar_feed(group, environ)
        if parts[2] not in ACTIONS:
            return not_found(environ, method, "Use POST with a signed body.")
        if method != "POST":
            return 405, {"ok": False, "message": "Use POST with a signed body."}, None
        try:
            body = request_body(environ)
        except BadRequest as exc:
            return exc.status, {"ok": False, "message": str(exc)}, None
        refusal = self.verify(group, environ, method, path, body)
        if refusal:
            return 401, {"ok": False, "message": refusal}, None
        try:
            options = json.loads(body or b"{}")
        except ValueError:
            return 400, {"ok": False, "message": "The body is not JSON."}, None
        try:
            as_of = self.as_of(options if isinstance(options, dict) else {})
        except BadRequest as exc:
            return 400, {"ok": False, "message": str(exc)}, None
        try:
            return 200, self.act(group, parts[2], as_of), None
        except SheetsyncError as exc:
            return 200, {"ok": False, "exit_code": exc.exit_code, "message": without_paths(str(exc))}, None

    def as_of(self, options: dict) -> AsOf:
        """The day the call counts up to: its "as_of" (YYYY-MM-DD), else today."""
        value = options.get("as_of")
        if not value:
            return self.today()
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise BadRequest("as_of is not a date (YYYY-MM-DD).") from None

    # signatures ---------------------------------------------------------------------------
    def verify(self, group: GroupConfig, environ, method: str, path: str, body: bytes) -> str | None:
        """None when the call is signed by the group's secret, fresh, and new; else why not."""
        secret = group.signing_secret()
        if secret is None:
            return "This group has no usable secret configured on the server."
        timestamp = environ.get("HTTP_X_SHEETSYNC_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SHEETSYNC_SIGNATURE", "").strip().lower()  # the one canonical form
        if not (timestamp.isascii() and timestamp.isdigit()) or not signature:
            return "The call is not signed."
        if not SIGNATURE.fullmatch(signature):
            return "Bad signature."
        expected = sign(secret, timestamp, method, path, body)
        if not hmac.compare_digest(expected, signature):
            return "Bad signature."
        now = self.clock()
        if abs(now - int(timestamp)) > WINDOW:
            return "The call is too old (or the clocks disagree by more than 5 minutes)."
        with self._lock:
            self._seen = {s: until for s, until in self._seen.items() if until > now}
            if signature in self._seen:
                return "This call was already made (replay refused)."
            self._seen[signature] = now + 2 * WINDOW
        return None

    # actions -------------------------------------------------------------------------------
    def act(self, group: GroupConfig, action: str, as_of: AsOf) -> dict:
        where = {"credentials": group.credentials, "limits": self.limits}
        if action == "sync":
            opened = api.sync(group.workbook, as_of, **where).opened
            return self.report_answer(group, action, opened.report)
        if action == "validate":
            opened = api.open_report(group.workbook, as_of, False, **where)
            return self.report_answer(group, action, opened.report)
        if action == "notify":
            try:
                run = api.notify(group.workbook, as_of, "settlement", "send", **where)
            except DataError as exc:  # the treasurer at the menu has no command line to add a flag to
                message = exc.in_language()[0]
                menu_hint = t(exc.lang, "Sync: the Problems tab then names each wrong cell. Fix them and send again.")
                return {
                    "ok": False,
                    "exit_code": exc.exit_code,
                    "group": group.name,
                    "message": f"{message}\n{menu_hint}",
                }
            text = "\n".join(notice_outcome(run.language, run, command_line=False))
            return {
                "ok": True,
                "group": group.name,
                "action": action,
                "sent": run.sent,
                "missing": run.missing,
                "skipped": run.skipped,
                "failed": run.failed,
                "message": text,
            }
        url = f"{self.public_url}/groups/{group.name}/calendar.ics?token={calendar_token(group.secret(), group.name)}"
        return {
            "ok": True,
            "group": group.name,
            "action": action,
            "url": url,
            "message": f"Subscribe your calendar to:\n{url}",
        }

    def report_answer(self, group: GroupConfig, action: str, report) -> dict:
        """The report in short, for the menu: the same figures as `report --format json`, and the dialog's text."""
        data = report.to_dict()
        return {
            "ok": True,
            "group": group.name,
            "action": action,
            "exit_code": 1 if report.has_errors else 0,
            "summary": summary_line(report),
            "balances": [{"name": m["name"], "balance": m["balance"]} for m in data["members"]],
            "transfers": data["settlements"],
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "problems": [p for p in data["problems"] if p["severity"] != "info"][:5],
            "message": dialog_text(report),
        }

    def calendar_feed(self, group: GroupConfig, environ):
        token = parse_qs(environ.get("QUERY_STRING", "")).get("token", [""])[0]
        if not token.isascii():
            return 400, {"ok": False, "message": "Bad token."}, None
        if not token_matches(group, token, lambda secret: calendar_token(secret, group.name)):
            return 401, {"ok": False, "message": "Bad token."}, None
        try:
            _, ics, _ = api.calendar(group.workbook, self.today(), credentials=group.credentials, limits=self.limits)
        except SheetsyncError as exc:
            return 503, {"ok": False, "message": without_paths(str(exc))}, None
        return 200, ics, "text/calendar; charset=utf-8"

    def phone_page(self, group: GroupConfig, environ, method: str, member: str, token: str):
        """A member's phone page (GET), or one of its forms (POST: the entry is checked, then
        appended, then the page is shown again, Post/Redirect/Get)."""
        if not token_matches(group, token, lambda secret: phone.member_token(secret, group.name, member)):
            return refused(environ)
        if method not in ("GET", "POST"):
            return 405, b"Method Not Allowed", "text/plain; charset=utf-8"
        form: dict[str, str] = {}
        if method == "POST":
            try:
                body = request_body(environ).decode("utf-8", "replace")
            except BadRequest as exc:
                return exc.status, str(exc).encode(), "text/plain; charset=utf-8"
            form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        try:
            opened = api.open_report(
                group.workbook, self.today(), False, credentials=group.credentials, limits=self.limits
            )
        except SheetsyncError as exc:  # the workbook damaged, Google away: the phone's language
            lang = browser_language(environ.get("HTTP_ACCEPT_LANGUAGE", ""))
            page = phone.render_unavailable(group.name, without_paths(exc.in_language(lang)[0]), lang, form)
            return 503, page, "text/html; charset=utf-8", [("Cache-Control", "no-store")]
        report = opened.report
        if member not in report.book.member_names() or phone.is_revoked(report, member):
            return refused(environ)
        now = api.group_now(report, self.clock()).replace(second=0)  # the page's forms say minutes
        state = phone.PageState(saved="saved" in parse_qs(environ.get("QUERY_STRING", "")))
        if method == "POST":
            try:
                submitted = phone.submit(
                    group.workbook,
                    group.credentials,
                    member,
                    form,
                    now,
                    report.settings.language,
                    self.limits,
                    report.settings.currency,
                )
            except SheetsyncError as exc:  # the workbook open elsewhere, another run, Google away
                reason = without_paths(exc.in_language(report.settings.language)[0])
                state = phone.not_saved_now(form, reason, report.settings.language)
            else:
                if submitted is None:
                    return 400, b"Bad Request", "text/plain; charset=utf-8"
                if submitted.written:
                    script = quote(environ.get("SCRIPT_NAME", ""))
                    where = phone.member_link(script, group.secret(), group.name, member)
                    return 303, b"", "text/plain; charset=utf-8", [("Location", where + "?saved=1")]
                state = phone.PageState(form.get("kind"), form, submitted.problems, asked=submitted.asked)
        page = phone.render_page(report, member, now, state)
        headers = [("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer")]
        status = (
            200
            if not state.problems or state.asked  # a question, not a refusal
            else 503
            if isinstance(state.problems[0], phone.Refusal)
            else 422
        )
        return status, page, "text/html; charset=utf-8", headers


def refused(environ, status: int = 403) -> tuple:
    """A wrong or revoked link: a page in the phone's language (its Accept-Language), nothing of the group."""
    page = phone.render_refused(browser_language(environ.get("HTTP_ACCEPT_LANGUAGE", "")))
    return status, page, "text/html; charset=utf-8", [("Cache-Control", "no-store")]


def not_found(environ, method: str, message: str) -> tuple:
    """An address that is nothing here: for a browser (a member's link cut short, the site's address
    alone) the page of a wrong link, with 404; for a program, JSON saying `message`."""
    if method == "GET" and "text/html" in environ.get("HTTP_ACCEPT", ""):
        return refused(environ, 404)
    return 404, {"ok": False, "message": message}, None


def without_paths(text: str) -> str:
    """`text` with the folders of any server path taken out: the file's name is enough."""
    return SERVER_FOLDERS.sub("", text)


_REASONS = {
    200: "OK",
    303: "See Other",
    403: "Forbidden",
    422: "Unprocessable Content",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Payload Too Large",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


def slow_client_channel():
    """waitress's connection class, made to close a client that sends its request a byte at a time
    (slowloris): waitress closes a connection silent for `channel_timeout`, and any byte counts as
    life; here, while a request has not arrived whole, only its first byte does. A request must
    arrive whole within channel_timeout seconds of its start."""
    from waitress.channel import HTTPChannel

    class SlowClientChannel(HTTPChannel):
        """A connection whose partial request does not stay alive on dripping bytes."""

        _partial = None
        _partial_since = 0.0

        def handle_read(self):
            super().handle_read()
            pending = self.request  # the request being received, None once it is whole
            if pending is None:
                self._partial = None
                return
            if pending is not self._partial:
                self._partial, self._partial_since = pending, time.time()
            self.last_activity = self._partial_since

    return SlowClientChannel


def create_server(app, config: FleetConfig, host: str, port: int, **overrides):
    """The waitress server of `app`, with the bounds of `waitress_settings` and slow clients closed
    (`overrides`: other waitress arguments, such as a socket map of its own)."""
    from waitress import create_server as waitress_server

    server = waitress_server(app, host=host, port=port, **(waitress_settings(config) | overrides))
    server.channel_class = slow_client_channel()
    return server


def waitress_settings(config: FleetConfig) -> dict:
    """waitress's bounds on slow or many clients: the defaults above, each overridable in [server]."""
    settings = {key: int(config.server.get(key, default)) for key, default in WAITRESS.items()}
    return {**settings, "max_request_body_size": MAX_BODY, "max_request_header_size": 16 * 1024, "ident": "sheetsync"}


def serve(config: FleetConfig, host: str, port: int, on_ready: Callable[[], None] = lambda: None) -> None:
    """Serve the groups of `config` with waitress until interrupted; refuses to start while a
    group's secret is missing or too short. `on_ready()` runs once the address is taken."""
    config.check_secrets()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    server = create_server(Service(config), config, host, port)
    on_ready()
    server.run()
