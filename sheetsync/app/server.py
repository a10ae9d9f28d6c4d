"""`sheetsync serve`: the HTTP service behind the treasurer's menu in Google Sheets.

    GET  /health                               -> {"status": "ok", "groups": N}
    POST /groups/NAME/sync | validate | notify | calendar   (signed)
    GET  /groups/NAME/calendar.ics?token=T     (the calendar feed a phone subscribes to)
    GET | POST /groups/NAME/m/MEMBER/TOKEN     (a member's phone page: app/phone.py)

A signed call carries X-Sheetsync-Timestamp (Unix seconds) and X-Sheetsync-Signature: the hex
HMAC-SHA256, keyed with the group's secret, of "TIMESTAMP\\nMETHOD\\nPATH\\nBODY". It is refused
(401) when the signature does not match (compared in constant time), when the timestamp is more
than 5 minutes off, or when the same signature was already used. Bodies are size-limited.
Secrets and signatures are never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import date
from urllib.parse import parse_qs, quote

from sheetsync import api
from sheetsync.app import phone
from sheetsync.app.fleet import FleetConfig, GroupConfig
from sheetsync.errors import SheetsyncError
from sheetsync.i18n import t, tn
from sheetsync.model import Severity
from sheetsync.present.terminal import dialog_text, summary_line

log = logging.getLogger("sheetsync.server")
WINDOW = 300  # seconds a timestamp may be off
MAX_BODY = 64 * 1024
ACTIONS = ("sync", "validate", "notify", "calendar")


def sign(secret: bytes, timestamp: str, method: str, path: str, body: bytes) -> str:
    """The HMAC-SHA256 signature of a call: timestamp, method, path and body under the group's secret."""
    message = f"{timestamp}\n{method}\n{path}\n".encode() + body
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def calendar_token(secret: bytes, group: str) -> str:
    """The token in a group's calendar link: an HMAC of the group's name under its secret."""
    return hmac.new(secret, f"calendar:{group}".encode(), hashlib.sha256).hexdigest()[:32]


class Service:
    """A WSGI application serving the groups of a fleet configuration."""

    def __init__(
        self, config: FleetConfig, clock: Callable[[], float] = time.time, today: Callable[[], date] = date.today
    ):
        self.groups = {g.name: g for g in config.groups}
        self.public_url = str(config.server.get("public_url", "")).rstrip("/")
        self.clock, self.today = clock, today
        self._seen: dict[str, float] = {}  # signature -> when it may be forgotten
        self._lock = threading.Lock()

    # WSGI --------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        extra: list[tuple[str, str]] = []
        try:
            status, answer, content_type, *more = self.route(environ, method, path)
            extra = more[0] if more else []
        except Exception:  # noqa: BLE001 - an answer, never a traceback to the caller
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
        if path == "/health" and method == "GET":
            return 200, {"status": "ok", "groups": len(self.groups)}, None
        parts = path.strip("/").split("/")
        if len(parts) == 5 and parts[0] == "groups" and parts[2] == "m" and parts[1] in self.groups:
            return self.phone_page(self.groups[parts[1]], environ, method, parts[3], parts[4])
        if len(parts) != 3 or parts[0] != "groups" or parts[1] not in self.groups:
            return 404, {"ok": False, "message": "No such group or action."}, None
        group = self.groups[parts[1]]
        if parts[2] == "calendar.ics" and method == "GET":
            return self.calendar_feed(group, environ)
        if method != "POST" or parts[2] not in ACTIONS:
            return 405 if parts[2] in ACTIONS else 404, {"ok": False, "message": "Use POST with a signed body."}, None
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > MAX_BODY:
            return 413, {"ok": False, "message": "Body too large."}, None
        body = environ["wsgi.input"].read(length) if length else b""
        refusal = self.verify(group, environ, method, path, body)
        if refusal:
            return 401, {"ok": False, "message": refusal}, None
        try:
            options = json.loads(body or b"{}")
        except ValueError:
            return 400, {"ok": False, "message": "The body is not JSON."}, None
        try:
            return 200, self.act(group, parts[2], options if isinstance(options, dict) else {}), None
        except SheetsyncError as exc:
            return 200, {"ok": False, "exit_code": exc.exit_code, "message": str(exc)}, None

    # signatures ---------------------------------------------------------------------------
    def verify(self, group: GroupConfig, environ, method: str, path: str, body: bytes) -> str | None:
        """None when the call is signed by the group's secret, fresh, and new; else why not."""
        secret = group.secret()
        if secret is None:
            return "This group has no secret configured on the server."
        timestamp = environ.get("HTTP_X_SHEETSYNC_TIMESTAMP", "")
        signature = environ.get("HTTP_X_SHEETSYNC_SIGNATURE", "")
        if not timestamp.isdigit() or not signature:
            return "The call is not signed."
        expected = sign(secret, timestamp, method, path, body)
        if not hmac.compare_digest(expected, signature.lower()):
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
    def act(self, group: GroupConfig, action: str, options: dict) -> dict:
        as_of = date.fromisoformat(options["as_of"]) if options.get("as_of") else self.today()
        if action == "sync":
            opened = api.sync(group.workbook, as_of, credentials=group.credentials).opened
            return self.report_answer(group, action, opened.report)
        if action == "validate":
            opened = api.open_report(group.workbook, as_of, False, credentials=group.credentials)
            return self.report_answer(group, action, opened.report)
        if action == "notify":
            opened = api.open_report(group.workbook, as_of, False, credentials=group.credentials)
            run = api.notices(opened, "settlement", "send")
            lang = opened.report.settings.language
            text = tn(lang, "{n} notice sent.", "{n} notices sent.", run.sent)
            if run.missing:
                text += "\n" + t(lang, "No address: {names}", names=", ".join(run.missing))
            if run.skipped:
                text += "\n" + t(lang, "Already sent: {names}", names=", ".join(run.skipped))
            return {
                "ok": True,
                "group": group.name,
                "action": action,
                "sent": run.sent,
                "missing": run.missing,
                "skipped": run.skipped,
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
        secret = group.secret()
        token = parse_qs(environ.get("QUERY_STRING", "")).get("token", [""])[0]
        if secret is None or not hmac.compare_digest(token, calendar_token(secret, group.name)):
            return 401, {"ok": False, "message": "Bad token."}, None
        from datetime import datetime

        from sheetsync.calendar.ics import bookings_calendar

        opened = api.open_report(group.workbook, self.today(), False, credentials=group.credentials)
        return 200, bookings_calendar(opened.report.book, datetime.now().astimezone()), "text/calendar; charset=utf-8"

    def phone_page(self, group: GroupConfig, environ, method: str, member: str, token: str):
        """A member's phone page (GET), or one of its forms (POST: the entry is checked, then
        appended, then the page is shown again, Post/Redirect/Get)."""
        secret = group.secret()
        refused = 403, b"Forbidden", "text/plain; charset=utf-8"
        if secret is None or not phone.token_matches(secret, group.name, member, token):
            return refused
        if method not in ("GET", "POST"):
            return 405, b"Method Not Allowed", "text/plain; charset=utf-8"
        form: dict[str, str] = {}
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if length > MAX_BODY:
                return 413, b"Payload Too Large", "text/plain; charset=utf-8"
            body = environ["wsgi.input"].read(length).decode("utf-8", "replace") if length else ""
            form = {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}
        opened = api.open_report(group.workbook, self.today(), False, credentials=group.credentials)
        report = opened.report
        if member not in report.book.member_names() or phone.is_revoked(report, member):
            return refused
        now = phone.local_now(report.settings.timezone, self.clock())
        state = phone.PageState(saved="saved" in parse_qs(environ.get("QUERY_STRING", "")))
        if method == "POST":
            submitted = phone.submit(group.workbook, group.credentials, member, form, now)
            if submitted is None:
                return 400, b"Bad Request", "text/plain; charset=utf-8"
            if submitted.written:
                where = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
                return 303, b"", "text/plain; charset=utf-8", [("Location", quote(where) + "?saved=1")]
            state = phone.PageState(form.get("kind"), form, submitted.problems)
        page = phone.render_page(report, member, now, state)
        headers = [("Cache-Control", "no-store"), ("Referrer-Policy", "no-referrer")]
        return (200 if not state.problems else 422), page, "text/html; charset=utf-8", headers


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
}


def serve(config: FleetConfig, host: str, port: int) -> None:  # pragma: no cover - runs until stopped
    """Serve the groups of `config` with waitress until interrupted."""
    from waitress import serve as waitress_serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    waitress_serve(Service(config), host=host, port=port, max_request_body_size=MAX_BODY)
