"""Google Sheets, in two requests per sync whatever the size (one for a command that only reads).

1. spreadsheets.get with a field mask: the description (sheet ids, sizes, protections, charts)
   and the effective value of every cell (numbers, dates as serial numbers, text: our parser
   reads them typed, never gspread's numericise, which reads "0,32" as 32),
2. one spreadsheets:batchUpdate that adds missing generated sheets, writes their cells typed
   (numbers as numbers, text as stringValue so nothing becomes a formula), drops what was
   below, and protects them with a warning. Google applies a batch atomically: a failed
   sync writes nothing.

This is the only module that imports gspread; every call goes through a bounded retry.
"""

from __future__ import annotations

import json
import os
import tempfile
import zlib
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import gspread
import requests
from google.auth import exceptions as auth_errors
from gspread.exceptions import APIError

from sheetsync.backends.a1 import a1_sheet, column_letter
from sheetsync.backends.files import RunLock
from sheetsync.backends.retry import Retryable, RetryPolicy
from sheetsync.errors import BackendError, SetupError, not_read
from sheetsync.i18n import N_
from sheetsync.model.names import same_tab
from sheetsync.model.schema import is_generated_title
from sheetsync.present.table import Table, chart_anchor, fit_cell, number_format
from sheetsync.read.cells import from_serial, to_serial
from sheetsync.read.headers import MAX_MERGED, RawBook, RawTables, SheetMarks

SCOPES = ["https://www.googleapis.com/auth/spreadsheets"]
CREDENTIAL_VARIABLES = ("SHEETSYNC_CREDENTIALS", "GOOGLE_APPLICATION_CREDENTIALS")
KEY_FILE = N_("Give the JSON key file downloaded from Google Cloud (IAM > Service accounts > Keys).")


# One read: each sheet's description and the effective value of its cells (a number, a date as its
# serial number, a text, a boolean or an error) with the type of its number format (a serial
# number shown as a date or a time is one: never an amount); and which rows are hidden, by hand or
# by a filter; and the cells merged. The mask names every field read: nothing else comes.
READ_FIELDS = (
    "properties.title,sheets(properties,protectedRanges,charts.chartId,merges,"
    "data(rowData.values(effectiveValue,effectiveFormat.numberFormat.type),rowMetadata(hiddenByUser,hiddenByFilter)))"
)
MOMENT_FORMATS = ("DATE", "DATE_TIME", "TIME")
# How the values API shows an error cell, by the ErrorType of its effective value.
ERROR_TEXTS = {
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "LOADING": "Loading...",
}


def grid_rows(data: list[dict]) -> list[list]:
    """A sheet's GridData as rows of values, as a local workbook's are read: a number shown as a
    date, a date and time, or a time is that moment (as a date, datetime or time), any other cell
    its effective value; an empty cell is "", trailing empty cells and rows are left out."""
    rows: list[list] = []
    for block in data:
        for row_data in block.get("rowData", ()):
            row = [
                _effective(cell.get("effectiveValue"), cell.get("effectiveFormat"))
                for cell in row_data.get("values", ())
            ]
            while row and row[-1] == "":
                row.pop()
            rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _serial_moment(serial: float, kind: str) -> object:
    """A serial number shown as a date, a date and time, or a time: that moment; the number itself
    when it names none (out of range)."""
    try:
        moment = from_serial(serial)
    except (OverflowError, ValueError):
        return serial
    if kind == "TIME" and 0 <= serial < 1:
        return moment.time()
    if kind == "DATE" and moment.time() == time():
        return moment.date()
    return moment


def merged_rows(merges: list[dict]) -> tuple[tuple[int, int, int], ...]:
    """The cells a sheet's `merges` (GridRanges: 0-based, ends excluded, a 0 left out) merge over
    several rows, as (first row, 0-based column, last row), rows 1-based; MAX_MERGED of them."""
    found = []
    for merge in merges:
        first, end = merge.get("startRowIndex", 0), merge.get("endRowIndex", 0)
        if end - first > 1:
            found.append((first + 1, merge.get("startColumnIndex", 0), end))
            if len(found) == MAX_MERGED:
                break
    return tuple(found)


def hidden_rows(data: list[dict]) -> frozenset[int]:
    """The 1-based rows a sheet's GridData says are hidden, by hand or by a filter (its rows from
    row 1 on, as grid_rows reads them)."""
    metadata = [row for block in data for row in block.get("rowMetadata", ())]
    return frozenset(
        i for i, row in enumerate(metadata, start=1) if row.get("hiddenByUser") or row.get("hiddenByFilter")
    )


def _effective(value: dict | None, shown: dict | None = None) -> object:
    if not value:
        return ""
    if "numberValue" in value:
        kind = ((shown or {}).get("numberFormat") or {}).get("type")
        if kind in MOMENT_FORMATS:
            return _serial_moment(value["numberValue"], kind)
        return value["numberValue"]
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return value["boolValue"]
    if "errorValue" in value:
        return ERROR_TEXTS.get(value["errorValue"].get("type", ""), "#ERROR!")
    return ""


# Authentication ---------------------------------------------------------------------------


def credentials_path(given: str | None) -> Path | None:
    """The service-account key to use: the one given, else $SHEETSYNC_CREDENTIALS or $GOOGLE_APPLICATION_CREDENTIALS."""
    for candidate in (given, *(os.environ.get(v) for v in CREDENTIAL_VARIABLES)):
        if candidate:
            return Path(candidate).expanduser()
    return None


def authorize(credentials: str | None, oauth: bool = False) -> tuple[gspread.Client, str | None]:
    """A gspread client and, for a service account, its email (the address to share the sheet with).

    A service-account key (--credentials FILE, SHEETSYNC_CREDENTIALS or GOOGLE_APPLICATION_CREDENTIALS),
    an authorized-user file, or with `oauth` the browser flow gspread offers. Keys are never printed.
    """
    path = credentials_path(credentials)
    if oauth:
        return _oauth_client(path), None
    if path is None:
        raise SetupError(
            N_("No Google credentials: sheetsync needs a service-account key to reach a Google Sheet."),
            N_(
                "Pass --credentials key.json or set SHEETSYNC_CREDENTIALS; or use --oauth to sign in with "
                "your own Google account. The README's 'Google Sheets' section shows how."
            ),
        )
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise not_read(path, exc, KEY_FILE, N_("it is not a JSON key file")) from exc
    if not isinstance(info, dict):
        raise SetupError(
            N_("The credentials file {path} is not a key: it holds JSON, but not a key's fields."),
            KEY_FILE,
            path=path,
        )
    kind = info.get("type")
    try:
        if kind == "service_account":
            from google.oauth2.service_account import Credentials

            creds = Credentials.from_service_account_info(info, scopes=SCOPES)
            return gspread.Client(auth=creds), info.get("client_email")
        if kind == "authorized_user":
            from google.oauth2.credentials import Credentials as UserCredentials

            return gspread.Client(auth=UserCredentials.from_authorized_user_info(info, SCOPES)), None
    except (ValueError, KeyError, TypeError, AttributeError, auth_errors.GoogleAuthError) as exc:
        raise SetupError(
            N_("The credentials file {path} is not a valid key ({error})."),
            N_("Download a new JSON key for the service account."),
            path=path,
            error=type(exc).__name__,
        ) from exc
    raise SetupError(
        N_('{path} is not a service-account key (its type is "{kind}").'),
        N_("For an OAuth client file (type 'installed'), use --oauth --credentials FILE."),
        path=path,
        kind=kind,
    )


def _oauth_client(path: Path | None) -> gspread.Client:
    config = Path(os.environ.get("SHEETSYNC_CONFIG_DIR", "~/.config/sheetsync")).expanduser()
    kwargs = {"authorized_user_filename": str(config / "authorized_user.json")}
    if path is not None:
        kwargs["credentials_filename"] = str(path)
    try:
        return gspread.oauth(scopes=SCOPES, **kwargs)
    except FileNotFoundError as exc:
        raise SetupError(
            N_("No OAuth client file for --oauth."),
            N_(
                "Create an OAuth client (Desktop app) in Google Cloud, download its JSON "
                "and pass it with --credentials."
            ),
        ) from exc


def google_lock_path(sheet_id: str) -> Path:
    """Where the run lock of a Google Sheet lives on this machine (a user cache folder)."""
    for base in (os.environ.get("XDG_CACHE_HOME") or "~/.cache", tempfile.gettempdir()):
        folder = Path(base).expanduser() / "sheetsync" / "locks"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return folder / f"{sheet_id}.lock"
        except OSError:
            continue
    return Path(tempfile.gettempdir()) / f"sheetsync-{sheet_id}.lock"


# The backend ------------------------------------------------------------------------------


class GoogleSheetsBackend:
    """A Google Sheet: one read of every tab and one atomic batch write per sync."""

    def __init__(
        self, sheet_id: str, client: gspread.Client, account_email: str | None = None, retry: RetryPolicy | None = None
    ):
        self.id = sheet_id
        self.http = client.http_client
        self.account_email = account_email
        self.retry = retry or RetryPolicy()
        self.display_name = sheet_id
        self.requests_made = 0
        self._sheets: dict[str, dict] = {}  # title -> properties + protectedRanges
        self._first_cells: dict[str, object] = {}  # tab -> its A1 (sheetsync's title on a tab it made)
        self._ids_taken: set[int] = set()
        self._lock = RunLock(google_lock_path(sheet_id), sheet_id)

    def lock(self) -> RunLock:
        """One sheetsync run at a time on this sheet from this machine (processes and threads)."""
        return self._lock

    # reading ---------------------------------------------------------------------------
    def read_tabs(self) -> RawTables:
        """Every tab's values and the sheet's description, in one spreadsheets.get."""
        meta = self._call(
            lambda: self.http.fetch_sheet_metadata(self.id, params={"includeGridData": "true", "fields": READ_FIELDS})
        )
        self.display_name = meta.get("properties", {}).get("title", self.id)
        tabs: RawTables = {}
        marks: dict[str, SheetMarks] = {}
        self._sheets = {}
        for sheet in meta.get("sheets", []):
            properties = sheet["properties"]
            if properties.get("sheetType", "GRID") != "GRID":
                continue
            title = properties["title"]
            self._sheets[title] = sheet
            data = sheet.pop("data", [])
            rows = grid_rows(data)
            tabs[title] = rows
            hidden, merged = hidden_rows(data), merged_rows(sheet.pop("merges", ()))
            if hidden or merged:
                marks[title] = SheetMarks(hidden=hidden, merged=merged)
            self._first_cells[title] = rows[0][0] if rows and rows[0] else None
        return RawBook(tabs, marks)

    # writing ---------------------------------------------------------------------------
    def write_tabs(self, tables: list[Table]) -> None:
        if not self._sheets:
            self.read_tabs()
        requests_ = []
        for table in tables:
            requests_.extend(self._sheet_requests(table))
        tries = 0

        def send():
            nonlocal tries
            tries += 1
            if tries > 1 and self._landed(tables):  # the last try's answer was lost, not its batch
                return {}
            return self.http.batch_update(self.id, {"requests": requests_})

        self._call(send)

    def _landed(self, tables: list[Table]) -> bool:
        """True when the sheet already holds `tables` as this run writes them (a batch applied
        whose answer was lost): each tab exists with this run's title (to the minute), header
        and number of rows."""
        meta = self.http.fetch_sheet_metadata(self.id, params={"fields": "sheets.properties"})
        titles = {same_tab(s["properties"]["title"]): s["properties"]["title"] for s in meta.get("sheets", [])}
        if any(same_tab(t.name) not in titles for t in tables):
            return False
        answer = self.http.values_batch_get(
            self.id,
            [a1_sheet(titles[same_tab(t.name)]) for t in tables],
            params={"valueRenderOption": "UNFORMATTED_VALUE"},
        )
        for table, value_range in zip(tables, answer.get("valueRanges", []), strict=False):
            rows = value_range.get("values", [])
            header = [c.header for c in table.columns]
            top = [[table.title], header] if table.title else [header]
            if rows[: len(top)] != top or len(rows) != len(top) + len(table.rows):
                return False
        return True

    def append_row(self, table: Table, row: list) -> None:
        """Add `row` below the last row of the tab `table.name` in one append request (Google
        serialises concurrent appends: none is lost). A missing tab is first created with
        `table`'s title and header."""
        if not self._sheets:
            self.read_tabs()
        if table.name not in self._sheets:
            self.write_tabs([table])
        values = [[_entered(v) for v in row]]
        self._call(
            lambda: self.http.values_append(
                self.id,
                a1_sheet(table.name),
                params={"valueInputOption": "USER_ENTERED", "insertDataOption": "INSERT_ROWS"},
                body={"values": values},
            )
        )

    def create_tabs(self, tables: list[Table]) -> None:
        raw = self.read_tabs()
        if any(any(str(c).strip() for c in row) for rows in raw.values() for row in rows):
            raise SetupError(
                N_("The Google Sheet {display_name} already holds data: init never overwrites it."),
                N_("Create a new, empty Google Sheet and give its URL."),
                display_name=self.display_name,
            )
        ids = {t.id: self._new_sheet_id(t.name) for t in tables}
        names = {t.id: t.name for t in tables}
        requests_ = []
        for table in tables:
            requests_ += [_add_sheet_request(ids[table.id], table), _cells(ids[table.id], table)]
            requests_ += [
                _dropdown(ids[table.id], table, col, source, ids, names) for col, source in table.dropdowns.items()
            ]
        requests_ += [{"deleteSheet": {"sheetId": s["properties"]["sheetId"]}} for s in self._sheets.values()]
        self._call(lambda: self.http.batch_update(self.id, {"requests": requests_}))

    def _sheet_requests(self, table: Table) -> list[dict]:
        existing = next((s for title, s in self._sheets.items() if same_tab(title) == same_tab(table.name)), None)
        if existing is None:
            sheet_id = self._new_sheet_id(table.name)
            return [
                _add_sheet_request(sheet_id, table),
                _cells(sheet_id, table),
                _protect(sheet_id),
                *_charts(sheet_id, table),
            ]
        first = self._first_cells.get(existing["properties"]["title"])
        if not is_generated_title(first):
            raise SetupError(
                N_('The sheet has a tab "{name}" that sheetsync did not generate; it is left as it is.'),
                N_('Rename that tab (sheetsync writes its own "{name}" tab), then run again.'),
                name=table.name,
            )
        sheet_id = existing["properties"]["sheetId"]
        rows, cols = _grid(table)
        # the charts of the last sync go first (before the grid may shrink), this sync's are added last:
        # replaced, never stacked
        found = [{"deleteEmbeddedObject": {"objectId": c["chartId"]}} for c in existing.get("charts", [])]
        found += [
            {"updateCells": {"range": {"sheetId": sheet_id}, "fields": "userEnteredValue,userEnteredFormat"}},
            {
                "updateSheetProperties": {
                    "properties": {
                        "sheetId": sheet_id,
                        "gridProperties": {"rowCount": rows, "columnCount": cols, "frozenRowCount": table.header_row},
                    },
                    "fields": "gridProperties(rowCount,columnCount,frozenRowCount)",
                }
            },
            _cells(sheet_id, table),
        ]
        if not existing.get("protectedRanges"):
            found.append(_protect(sheet_id))
        return found + _charts(sheet_id, table)

    def _new_sheet_id(self, title: str) -> int:
        """A sheet id for a sheet this batch adds: chosen by us, so later requests of the same batch can name it."""
        used = {s["properties"]["sheetId"] for s in self._sheets.values()} | self._ids_taken
        candidate = zlib.crc32(title.encode()) & 0x3FFFFFFF
        while candidate in used:
            candidate = (candidate + 1) & 0x3FFFFFFF
        self._ids_taken.add(candidate)
        return candidate

    def _call(self, request):
        """One API request, retried on 429/5xx/connection errors (the sign-in at Google's token
        endpoint included) a bounded number of times. A sign-in Google refuses is a setup error."""

        def once():
            self.requests_made += 1
            try:
                return request()
            except APIError as exc:
                status = exc.response.status_code
                if status == 429 or status >= 500:
                    raise Retryable(f"HTTP {status}", _retry_after(exc.response)) from exc
                raise self._api_error(exc) from exc
            except (requests.ConnectionError, requests.Timeout, auth_errors.TransportError) as exc:
                raise Retryable(type(exc).__name__) from exc
            except auth_errors.RefreshError as exc:
                if getattr(exc, "retryable", False):
                    raise Retryable(type(exc).__name__) from exc
                raise SetupError(
                    N_("Google refused sheetsync's sign-in ({reason})."),
                    N_(
                        "The key may have been deleted or disabled, or the account's access revoked: download a new "
                        "key for the service account (or sign in again with --oauth)."
                    ),
                    reason=str(exc.args[0] if exc.args else exc)[:120],
                ) from exc

        try:
            return self.retry.call(once)
        except Retryable as exc:
            raise BackendError(
                N_("Google Sheets did not answer after {attempts} tries ({error}); nothing was written."),
                N_("Run again later (Google's quota is 60 requests a minute per user)."),
                attempts=self.retry.attempts,
                error=exc,
            ) from exc

    def _api_error(self, exc: APIError) -> Exception:
        status = exc.response.status_code
        if status in (403, 404):
            message = (
                N_("The Google Sheet {id} cannot be found (HTTP {status}).")
                if status == 404
                else N_("The Google Sheet {id} is not shared with sheetsync (HTTP {status}).")
            )
            hint = (
                N_("Share the sheet with {account} (as Editor), and check the URL.")
                if self.account_email
                else N_("Share the sheet with the account sheetsync signs in with (as Editor), and check the URL.")
            )
            return SetupError(message, hint, id=self.id, status=status, account=self.account_email)
        if status in (400, 401):
            return SetupError(
                N_("Google Sheets refused the request (HTTP {status}): {detail}"),
                N_("Check the credentials and the sheet's URL."),
                status=status,
                detail=_message(exc),
            )
        return BackendError(
            N_("Google Sheets failed (HTTP {status}): {detail}"),
            N_("Run again later."),
            status=status,
            detail=_message(exc),
        )


def _retry_after(response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _message(exc: APIError) -> str:
    try:
        return exc.response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return exc.response.text[:200]


# Request bodies --------------------------------------------------------------------------


def _grid(table: Table) -> tuple[int, int]:
    """Rows and columns of a generated sheet: its cells, and room for its charts' anchor cells."""
    rows = table.header_row + max(len(table.rows), 1)
    cols = max([len(table.columns), 1] + [len(r) for r in table.rows])
    for k in range(len(table.charts)):
        row, col = chart_anchor(table, k)
        rows, cols = max(rows, row + 1), max(cols, col + 1)
    return rows, cols


def _source(sheet_id: int, table: Table, column: int, first: int, last: int, header: bool) -> dict:
    """A one-column GridRange over data rows `first` to `last` (excluded) of a table, from its header
    row with `header`."""
    return {
        "sources": [
            {
                "sheetId": sheet_id,
                "startRowIndex": table.header_row - 1 if header else table.sheet_row(first) - 1,
                "endRowIndex": table.sheet_row(last - 1),
                "startColumnIndex": column,
                "endColumnIndex": column + 1,
            }
        ]
    }


def _charts(sheet_id: int, table: Table) -> list[dict]:
    """An addChart request per chart of the table, placed right of the table as in .xlsx.

    Google's basic charts take one domain for all series (the first series' categories), and name a
    series after its header cell: when every series starts at the first data row, the ranges start at
    the header row; otherwise the series stay unnamed."""
    requests_ = []
    for k, chart in enumerate(table.charts):
        row, col = chart_anchor(table, k)
        first = chart.series[0]
        header = all(s.first == 0 for s in chart.series)
        spec = {
            "title": chart.title,
            "basicChart": {
                "chartType": "LINE" if chart.kind == "line" else "COLUMN",
                "legendPosition": "RIGHT_LEGEND",
                "headerCount": 1 if header else 0,
                "axis": [{"position": "LEFT_AXIS", "title": chart.y_title}],
                "domains": [
                    {
                        "domain": {
                            "sourceRange": _source(sheet_id, table, first.categories, first.first, first.last, header)
                        }
                    }
                ],
                "series": [
                    {
                        "series": {"sourceRange": _source(sheet_id, table, s.values, s.first, s.last, header)},
                        "targetAxis": "LEFT_AXIS",
                    }
                    for s in chart.series
                ],
            },
        }
        position = {"overlayPosition": {"anchorCell": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": col}}}
        requests_.append({"addChart": {"chart": {"spec": spec, "position": position}}})
    return requests_


def _add_sheet_request(sheet_id: int, table: Table) -> dict:
    rows, cols = _grid(table)
    if not table.title:  # an input tab made by init: room for the group's rows
        rows, cols = max(rows, 1000), max(cols, 26)
    return {
        "addSheet": {
            "properties": {
                "sheetId": sheet_id,
                "title": table.name,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": rows, "columnCount": cols, "frozenRowCount": table.header_row},
            }
        }
    }


def _protect(sheet_id: int) -> dict:
    return {
        "addProtectedRange": {
            "protectedRange": {
                "range": {"sheetId": sheet_id},
                "description": "Generated by sheetsync: rewritten at every sync",
                "warningOnly": True,
            }
        }
    }


def _cells(sheet_id: int, table: Table) -> dict:
    rows = []
    if table.title:
        rows.append(
            {
                "values": [
                    {
                        "userEnteredValue": {"stringValue": table.title},
                        "userEnteredFormat": {"textFormat": {"italic": True}},
                    }
                ]
            }
        )
    rows.append(
        {
            "values": [
                {"userEnteredValue": {"stringValue": c.header}, "userEnteredFormat": {"textFormat": {"bold": True}}}
                for c in table.columns
            ]
        }
    )
    kinds = [c.kind for c in table.columns]
    for values in table.rows:
        rows.append(
            {
                "values": [
                    _cell_data(v, kinds[i] if i < len(kinds) else "text", table.currency) for i, v in enumerate(values)
                ]
            }
        )
    return {
        "updateCells": {
            "start": {"sheetId": sheet_id, "rowIndex": 0, "columnIndex": 0},
            "rows": rows,
            "fields": "userEnteredValue,userEnteredFormat",
        }
    }


def _entered(value: object) -> object:
    """A value as typed into a cell: a date as "YYYY-MM-DD HH:MM:SS" (Sheets makes it a date), a
    number as a number, text after an apostrophe, which keeps it text as written (never a formula,
    nor "3/4" a date or "0612" the number 612)."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        text = str(value)
        return "'" + text if text else text
    return float(value) if isinstance(value, Decimal) else value


def _cell_data(value: object, kind: str, currency: str) -> dict:
    if value is None:
        return {}
    if isinstance(value, str):
        return {"userEnteredValue": {"stringValue": fit_cell(value)}}  # text stays text: never a formula
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, (datetime, date)):
        serial = to_serial(value)
        pattern = "yyyy-mm-dd hh:mm" if kind == "datetime" else "yyyy-mm-dd"
        return {
            "userEnteredValue": {"numberValue": serial},
            "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": pattern}},
        }
    if isinstance(value, time):  # a time of day alone: its fraction of a day
        return {
            "userEnteredValue": {"numberValue": to_serial(value)},
            "userEnteredFormat": {"numberFormat": {"type": "TIME", "pattern": number_format("time", currency)}},
        }
    number = float(value) if isinstance(value, Decimal) else value
    cell: dict = {"userEnteredValue": {"numberValue": number}}
    if kind == "money":
        cell["userEnteredFormat"] = {"numberFormat": {"type": "CURRENCY", "pattern": number_format(kind, currency)}}
    elif kind == "rate":
        cell["userEnteredFormat"] = {"numberFormat": {"type": "NUMBER", "pattern": number_format(kind, currency)}}
    return cell


def _dropdown(sheet_id: int, table: Table, col: int, source: tuple, ids: dict, names: dict) -> dict:
    if source[0] == "list":
        condition = {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": v} for v in source[1]]}
    else:
        _, tab_id, source_col = source
        letter = column_letter(source_col)
        condition = {
            "type": "ONE_OF_RANGE",
            "values": [{"userEnteredValue": f"={a1_sheet(names[tab_id])}!{letter}2:{letter}"}],
        }
    return {
        "setDataValidation": {
            "range": {
                "sheetId": sheet_id,
                "startRowIndex": table.header_row,
                "startColumnIndex": col,
                "endColumnIndex": col + 1,
            },
            "rule": {"condition": condition, "strict": False, "showCustomUi": True},
        }
    }
