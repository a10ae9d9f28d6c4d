"""A stateful fake of the Google Sheets REST API v4, for `responses`.

It keeps each spreadsheet in memory and answers in the real API's shapes (see
tests/cassettes/gspread (gspread's recorded responses) and test_fake_sheets.py, which replays them):
trailing empty cells and rows omitted, quoted sheet names in A1 ranges, 400 for an unknown
range or a write beyond the grid, batchUpdate applied atomically, an OAuth token endpoint
for service-account keys, and injectable 429/5xx answers.
"""

from __future__ import annotations

import ast
import copy
import json
import operator
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import requests
import responses

API = "https://sheets.googleapis.com/v4/spreadsheets"
TOKEN_URL = "https://oauth2.googleapis.com/token"
TOKEN = "fake-access-token"
EPOCH = datetime(1899, 12, 30)


def write_service_account_key(path: Path) -> Path:
    """A service-account key file with a real RSA key, as Google Cloud hands them out (the fake's
    token endpoint accepts what it signs)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "car-sharing",
                "private_key_id": "abc123",
                "private_key": pem,
                "client_email": "sheetsync@car-sharing.iam.gserviceaccount.com",
                "client_id": "1234567890",
                "token_uri": TOKEN_URL,
            }
        )
    )
    return path


class ApiError(Exception):
    def __init__(self, code: int, message: str, status: str = "INVALID_ARGUMENT"):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def col_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def quote_title(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", title):
        return title
    return "'" + title.replace("'", "''") + "'"


class Sheet:
    def __init__(self, sheet_id: int, title: str, index: int, rows: int = 1000, cols: int = 26):
        self.props = {
            "sheetId": sheet_id,
            "title": title,
            "index": index,
            "sheetType": "GRID",
            "gridProperties": {"rowCount": rows, "columnCount": cols},
        }
        self.cells: dict[tuple[int, int], dict] = {}  # (row, col) -> {"value": ..., "format": {...}}
        self.protected: list[dict] = []
        self.validations: list[dict] = []
        self.charts: list[dict] = []  # EmbeddedChart objects: chartId, spec, position
        self.hidden_rows: dict[int, str] = {}  # 0-based row -> "hiddenByUser" or "hiddenByFilter"
        self.merges: list[dict] = []  # GridRange objects, as Sheet.merges lists them

    @property
    def title(self) -> str:
        return self.props["title"]

    @property
    def grid(self) -> tuple[int, int]:
        g = self.props["gridProperties"]
        return g["rowCount"], g["columnCount"]


class Spreadsheet:
    def __init__(self, sid: str, title: str):
        self.id, self.title = sid, title
        self.sheets: list[Sheet] = [Sheet(0, "Sheet1", 0)]
        self.next_protected = 1000
        self.next_chart = 2_000_000

    def sheet(self, title: str) -> Sheet:
        for s in self.sheets:
            if s.title == title:
                return s
        raise ApiError(400, f"Unable to parse range: {title}")

    def by_id(self, sheet_id: int) -> Sheet:
        for s in self.sheets:
            if s.props["sheetId"] == sheet_id:
                return s
        raise ApiError(400, f"Invalid requests: No grid with id: {sheet_id}")


class FakeSheets:
    def __init__(self):
        self.books: dict[str, Spreadsheet] = {}
        self.log: list[tuple[str, str]] = []  # (method, path) of every API request
        self.failures: list[tuple[int, str | None]] = []  # answers to give instead, in order
        self.forbidden: set[str] = set()
        self.token_failures: list[int | str] = []  # the token endpoint's next answers: a status, or "drop"
        self.lost_answers = 0  # batchUpdates to apply whose answer is then lost (the connection drops)

    # set-up --------------------------------------------------------------------------
    def install(self, rsps: responses.RequestsMock) -> FakeSheets:
        rsps.add_callback(responses.POST, TOKEN_URL, callback=self._token)
        pattern = re.compile(re.escape(API) + r"/.*")
        for method in (responses.GET, responses.POST, responses.PUT):
            rsps.add_callback(method, pattern, callback=self._dispatch)
        return self

    def create(self, sid: str, title: str = "Group", tabs: dict[str, list[list]] | None = None) -> Spreadsheet:
        book = Spreadsheet(sid, title)
        self.books[sid] = book
        if tabs:
            book.sheets = []
            for i, (name, rows) in enumerate(tabs.items()):
                sheet = Sheet(i * 7 + 11, name, i, max(1000, len(rows) + 10), max(26, *(len(r) for r in rows or [[]])))
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        if value is not None and value != "":
                            sheet.cells[(r, c)] = {"value": _to_sheet_value(value), "format": _format_of(value)}
                book.sheets.append(sheet)
        return book

    def fail_next(self, status: int, times: int = 1, retry_after: str | None = None) -> None:
        self.failures += [(status, retry_after)] * times

    def fail_token(self, *answers: int | str) -> None:
        """The next sign-ins get these answers (an HTTP status, or "drop": no answer at all)."""
        self.token_failures += list(answers)

    def lose_answers(self, times: int = 1) -> None:
        """The next `times` batchUpdates are applied, then their answer is lost."""
        self.lost_answers += times

    def rows(self, sid: str, title: str) -> list[list]:
        """A sheet's values as UNFORMATTED_VALUE would give them."""
        sheet = self.books[sid].sheet(title)
        return _render(sheet, 0, 0, *sheet.grid, "UNFORMATTED_VALUE", "SERIAL_NUMBER")

    def snapshot(self, sid: str):
        book = self.books[sid]
        return copy.deepcopy([(s.props, s.cells, s.protected, s.validations, s.charts) for s in book.sheets])

    def charts(self, sid: str, title: str) -> list[dict]:
        """The charts embedded in a sheet, as the API keeps them."""
        return copy.deepcopy(self.books[sid].sheet(title).charts)

    def api_requests(self) -> int:
        return len(self.log)

    # dispatch ------------------------------------------------------------------------
    def _token(self, request):
        if self.token_failures:
            answer = self.token_failures.pop(0)
            if answer == "drop":
                raise requests.ConnectionError("connection to oauth2.googleapis.com refused")
            error = "invalid_grant" if answer == 400 else "internal_failure"
            return (
                answer,
                {"Content-Type": "application/json"},
                json.dumps({"error": error, "error_description": error}),
            )
        return (
            200,
            {"Content-Type": "application/json"},
            json.dumps({"access_token": TOKEN, "expires_in": 3599, "token_type": "Bearer"}),
        )

    def _dispatch(self, request):
        url = urlparse(request.url)
        path = unquote(url.path[len("/v4/spreadsheets/") :])
        self.log.append((request.method, path))
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return _error(ApiError(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED"))
        if self.failures:
            status, retry_after = self.failures.pop(0)
            headers = {"Retry-After": retry_after} if retry_after else {}
            return _error(
                ApiError(
                    status,
                    "Quota exceeded" if status == 429 else "Backend Error",
                    "RESOURCE_EXHAUSTED" if status == 429 else "INTERNAL",
                ),
                headers,
            )
        params = {k: v for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        body = json.loads(request.body) if request.body else {}
        sid, _, rest = path.partition("/")
        sid, _, action = sid.partition(":")
        if sid in self.forbidden:
            return _error(ApiError(403, "The caller does not have permission", "PERMISSION_DENIED"))
        book = self.books.get(sid)
        if book is None:
            return _error(ApiError(404, "Requested entity was not found.", "NOT_FOUND"))
        try:
            answer = self._route(book, request.method, action, rest, params, body)
        except ApiError as exc:
            return _error(exc)
        if action == "batchUpdate" and self.lost_answers:
            self.lost_answers -= 1
            raise requests.ConnectionError("Connection aborted: the answer was lost")
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)

    def _route(self, book, method, action, rest, params, body):
        first = lambda name, default=None: params.get(name, [default])[0]  # noqa: E731
        if method == "GET" and not rest and not action:
            return _spreadsheet(book, params)
        if method == "POST" and action == "batchUpdate":
            return self._batch_update(book, body)
        if method == "GET" and rest == "values:batchGet":
            return {
                "spreadsheetId": book.id,
                "valueRanges": [
                    _get_range(
                        book,
                        r,
                        first("valueRenderOption", "FORMATTED_VALUE"),
                        first("dateTimeRenderOption", "SERIAL_NUMBER"),
                    )
                    for r in params.get("ranges", [])
                ],
            }
        if method == "POST" and rest == "values:batchUpdate":
            answers = [
                _put_range(book, d["range"], d["values"], body.get("valueInputOption", "RAW"))
                for d in body.get("data", [])
            ]
            return {
                "spreadsheetId": book.id,
                "totalUpdatedRows": sum(a["updatedRows"] for a in answers),
                "totalUpdatedColumns": max((a["updatedColumns"] for a in answers), default=0),
                "totalUpdatedCells": sum(a["updatedCells"] for a in answers),
                "totalUpdatedSheets": len({a["updatedRange"].split("!")[0] for a in answers}),
                "responses": answers,
            }
        if method == "POST" and rest == "values:batchClear":
            return {"spreadsheetId": book.id, "clearedRanges": [_clear_range(book, r) for r in body.get("ranges", [])]}
        if rest.startswith("values/"):
            target = rest[len("values/") :]
            if method == "GET":
                return _get_range(
                    book,
                    target,
                    first("valueRenderOption", "FORMATTED_VALUE"),
                    first("dateTimeRenderOption", "SERIAL_NUMBER"),
                )
            if method == "PUT":
                return _put_range(book, target, body.get("values", []), first("valueInputOption", "RAW"))
            if method == "POST" and target.endswith(":append"):
                return _append(
                    book, target[: -len(":append")], body.get("values", []), first("valueInputOption", "RAW")
                )
            if method == "POST" and target.endswith(":clear"):
                return {"spreadsheetId": book.id, "clearedRange": _clear_range(book, target[: -len(":clear")])}
        raise ApiError(400, f"Unsupported request {method} {rest or action}")

    def _batch_update(self, book: Spreadsheet, body: dict) -> dict:
        """All requests or none: they are applied to a copy, which replaces the book only if all succeed."""
        work = copy.deepcopy(book)
        replies = [_apply(work, request) for request in body.get("requests", [])]
        book.__dict__.update(work.__dict__)
        return {"spreadsheetId": book.id, "replies": replies}


# reading ---------------------------------------------------------------------------------


def _metadata(book: Spreadsheet) -> dict:
    sheets = []
    for s in sorted(book.sheets, key=lambda s: s.props["index"]):
        entry = {"properties": copy.deepcopy(s.props)}
        if s.protected:
            entry["protectedRanges"] = copy.deepcopy(s.protected)
        if s.charts:
            entry["charts"] = copy.deepcopy(s.charts)
        if s.merges:
            entry["merges"] = copy.deepcopy(s.merges)
        sheets.append(entry)
    return {
        "spreadsheetId": book.id,
        "properties": {"title": book.title, "locale": "fr_FR", "autoRecalc": "ON_CHANGE", "timeZone": "Europe/Paris"},
        "sheets": sheets,
        "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.id}/edit",
    }


def _spreadsheet(book: Spreadsheet, params: dict) -> dict:
    """spreadsheets.get: the description, with each sheet's grid data when the field mask names
    `sheets.data` (or, without a mask, with includeGridData=true), limited to `ranges` when given;
    then only the fields the mask names, as Google answers."""
    mask = parse_mask(params["fields"][0]) if params.get("fields") else None
    wanted = "data" in mask.get("sheets", {}) if mask is not None else params.get("includeGridData", [""])[0] == "true"
    answer = _metadata(book)
    if wanted:
        by_title = {entry["properties"]["title"]: entry for entry in answer["sheets"]}
        if params.get("ranges"):
            for entry in by_title.values():
                entry["data"] = []
            for text in params["ranges"]:
                sheet, r0, c0, r1, c1 = parse_range(book, text)
                by_title[sheet.title]["data"].append(_grid_data(sheet, r0, c0, r1, c1))
            answer["sheets"] = [entry for entry in answer["sheets"] if entry["data"]]
        else:
            for sheet in book.sheets:
                by_title[sheet.title]["data"] = [_grid_data(sheet, 0, 0, *sheet.grid)]
    return answer if mask is None else _project(answer, mask)


def _grid_data(sheet: Sheet, r0: int, c0: int, r1: int, c1: int) -> dict:
    """One GridData: its start (left out at 0, as proto3 JSON does) and its rows of CellData, an
    empty cell as {}, trailing empty cells and rows left out."""
    rows = []
    for r in range(r0, r1):
        values = [_cell_data(sheet.cells.get((r, c))) for c in range(c0, c1)]
        while values and not values[-1]:
            values.pop()
        rows.append({"values": values} if values else {})
    while rows and not rows[-1]:
        rows.pop()
    # every row of the range has its DimensionProperties (Google's default height, and how it is hidden)
    metadata = [
        {"pixelSize": 21} | ({sheet.hidden_rows[r]: True} if r in sheet.hidden_rows else {}) for r in range(r0, r1)
    ]
    data = {"startRow": r0, "startColumn": c0, "rowData": rows, "rowMetadata": metadata}
    return {k: v for k, v in data.items() if v}


def _cell_data(cell: dict | None) -> dict:
    if cell is None:
        return {}
    value, data = cell["value"], {}
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # how Google's JSON writes a whole number
    if isinstance(value, dict):  # a formula the fake does not compute
        data["userEnteredValue"] = {"formulaValue": value["formula"]}
    elif value != "":
        kind = "boolValue" if isinstance(value, bool) else "stringValue" if isinstance(value, str) else "numberValue"
        data["userEnteredValue"] = data["effectiveValue"] = {kind: value}
        data["formattedValue"] = _shown(cell, "FORMATTED_VALUE", "FORMATTED_STRING")
    if cell.get("format"):
        data["userEnteredFormat"] = copy.deepcopy(cell["format"])
        data["effectiveFormat"] = copy.deepcopy(cell["format"])  # what the fake sets is what applies
    return data


def parse_mask(text: str) -> dict:
    """A field mask ("a.b,c(d,e.f)") as a tree: {"a": {"b": {}}, "c": {"d": {}, "e": {"f": {}}}};
    an empty tree is the whole field."""
    tree: dict = {}
    stack, node, start = [], tree, 0
    path_root = tree
    for i, ch in enumerate(text + ","):
        if ch in ".,()":
            name = text[start:i].strip()
            if name:
                node = node.setdefault(name, {})
            if ch == "(":
                stack.append(node)
                path_root = node
            elif ch == ")":
                path_root = stack.pop()
                path_root = stack[-1] if stack else tree
                node = path_root
            elif ch == ",":
                node = path_root
            start = i + 1
    return tree


def _project(value, mask: dict):
    """Only the fields of `mask` (lists are projected item by item; empty objects left out)."""
    if not mask:
        return value
    if isinstance(value, list):
        return [_project(item, mask) for item in value]
    if not isinstance(value, dict):
        return value
    kept = {}
    for key, sub in mask.items():
        if key in value:
            projected = _project(value[key], sub)
            if projected != {} or not sub:
                kept[key] = projected
    return kept


def parse_range(book: Spreadsheet, text: str):
    """(sheet, first row, first col, last row + 1, last col + 1) of an A1 range."""
    text = text.strip()
    if text.startswith("'"):
        end = 1
        while True:
            end = text.index("'", end)
            if text[end : end + 2] == "''":
                end += 2
                continue
            break
        title, cells = text[1:end].replace("''", "'"), text[end + 1 :].lstrip("!")
    elif "!" in text:
        title, cells = text.rsplit("!", 1)
    else:
        title, cells = text, ""
    sheet = book.sheet(title)
    rows, cols = sheet.grid
    if not cells:
        return sheet, 0, 0, rows, cols
    m = re.fullmatch(r"([A-Za-z]*)(\d*)(?::([A-Za-z]*)(\d*))?", cells)
    if not m:
        raise ApiError(400, f"Unable to parse range: {text}")
    c0 = col_index(m[1]) if m[1] else 0
    r0 = int(m[2]) - 1 if m[2] else 0
    if m.group(3) is None and m.group(4) is None:
        return sheet, r0, c0, r0 + 1, c0 + 1
    c1 = col_index(m[3]) + 1 if m[3] else cols
    r1 = int(m[4]) if m[4] else rows
    return sheet, r0, c0, min(r1, rows), min(c1, cols)


def _a1(sheet: Sheet, r0, c0, r1, c1) -> str:
    return f"{quote_title(sheet.title)}!{col_letter(c0)}{r0 + 1}:{col_letter(c1 - 1)}{r1}"


def _get_range(book, text, value_render, date_render) -> dict:
    sheet, r0, c0, r1, c1 = parse_range(book, text)
    answer = {"range": _a1(sheet, r0, c0, r1, c1), "majorDimension": "ROWS"}
    values = _render(sheet, r0, c0, r1, c1, value_render, date_render)
    if values:
        answer["values"] = values
    return answer


def _render(sheet, r0, c0, r1, c1, value_render, date_render) -> list[list]:
    rows = []
    for r in range(r0, r1):
        row = []
        for c in range(c0, c1):
            cell = sheet.cells.get((r, c))
            row.append("" if cell is None else _shown(cell, value_render, date_render))
        while row and row[-1] == "":
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _shown(cell: dict, value_render: str, date_render: str):
    value = cell["value"]
    is_date = cell.get("format", {}).get("numberFormat", {}).get("type") in ("DATE", "DATE_TIME")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if value_render == "FORMATTED_VALUE" or (is_date and date_render == "FORMATTED_STRING"):
        if is_date and isinstance(value, (int, float)):
            return (EPOCH + timedelta(days=value)).strftime("%Y-%m-%d")
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        return value if isinstance(value, str) else str(value)
    return value


# writing ---------------------------------------------------------------------------------


def _put_range(book, text, values, input_option) -> dict:
    sheet, r0, c0, _, _ = parse_range(book, text)
    rows, cols = sheet.grid
    width = max((len(v) for v in values), default=0)
    if r0 + len(values) > rows or c0 + width > cols:
        raise ApiError(400, f"Range ({text}) exceeds grid limits. Max rows: {rows}, max columns: {cols}")
    for i, row in enumerate(values):
        for j, value in enumerate(row):
            value = _user_entered(value) if input_option == "USER_ENTERED" else value
            if value in ("", None):
                sheet.cells.pop((r0 + i, c0 + j), None)
            else:
                sheet.cells[(r0 + i, c0 + j)] = {
                    "value": value[0] if isinstance(value, tuple) else value,
                    "format": value[1] if isinstance(value, tuple) else {},
                }
    return {
        "spreadsheetId": book.id,
        "updatedRange": _a1(sheet, r0, c0, r0 + len(values), c0 + max(width, 1)),
        "updatedRows": len(values),
        "updatedColumns": width,
        "updatedCells": sum(len(v) for v in values),
    }


def _append(book, text, values, input_option) -> dict:
    """values.append: the rows go below the last row holding a value, the grid growing as needed."""
    sheet, _, _, _, _ = parse_range(book, text)
    last = max((r for r, _ in sheet.cells), default=-1)
    rows, cols = sheet.grid
    needed = last + 1 + len(values)
    if needed > rows:
        sheet.props["gridProperties"]["rowCount"] = needed
    answer = _put_range(book, f"{quote_title(sheet.title)}!A{last + 2}", values, input_option)
    return {"spreadsheetId": book.id, "tableRange": _a1(sheet, 0, 0, last + 1, cols), "updates": answer}


def _user_entered(value):
    """What Sheets makes of typed text: numbers and dates become numbers, arithmetic formulas their
    result; a leading apostrophe keeps the rest as text."""
    if not isinstance(value, str):
        return value
    if value.startswith("=") and re.fullmatch(r"[0-9+\-*/(). ]+", value[1:]):
        return float(_arithmetic(ast.parse(value[1:], mode="eval").body))
    if re.fullmatch(r"-?\d+(\.\d+)?", value):
        return float(value)
    if value.startswith("'"):
        return value[1:]
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})(?::(\d{2}))?", value):
        moment = datetime(*(int(x) for x in m.groups(default="0")))
        return ((moment - EPOCH).total_seconds() / 86400, {"numberFormat": {"type": "DATE_TIME"}})
    if m := re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value):
        serial = (datetime(int(m[1]), int(m[2]), int(m[3])) - EPOCH).days
        return (float(serial), {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}})
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{4}))?", value):  # day first: the fake's locale is fr_FR
        try:
            moment = datetime(int(m[3] or datetime.now().year), int(m[2]), int(m[1]))
        except ValueError:  # no such day: the text stays
            return value
        return (float((moment - EPOCH).days), {"numberFormat": {"type": "DATE", "pattern": "dd/mm/yyyy"}})
    return value


def _arithmetic(node) -> float:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -_arithmetic(node.operand)
    ops = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}
    return ops[type(node.op)](_arithmetic(node.left), _arithmetic(node.right))


def _clear_range(book, text) -> str:
    sheet, r0, c0, r1, c1 = parse_range(book, text)
    for key in [k for k in sheet.cells if r0 <= k[0] < r1 and c0 <= k[1] < c1]:
        del sheet.cells[key]
    return _a1(sheet, r0, c0, r1, c1)


def _apply(book: Spreadsheet, request: dict) -> dict:
    ((kind, args),) = request.items()
    if kind == "addSheet":
        props = args.get("properties", {})
        title = props.get("title") or f"Sheet{len(book.sheets) + 1}"
        if any(s.title == title for s in book.sheets):
            raise ApiError(
                400,
                f'Invalid requests[0].addSheet: A sheet with the name "{title}" already exists. '
                "Please enter another name.",
            )
        sheet_id = props.get("sheetId", 1_000_000 + len(book.sheets))
        if any(s.props["sheetId"] == sheet_id for s in book.sheets):
            raise ApiError(400, f"Invalid requests[0].addSheet: Sheet with id {sheet_id} already exists.")
        grid = props.get("gridProperties", {})
        sheet = Sheet(sheet_id, title, len(book.sheets), grid.get("rowCount", 1000), grid.get("columnCount", 26))
        if "frozenRowCount" in grid:
            sheet.props["gridProperties"]["frozenRowCount"] = grid["frozenRowCount"]
        book.sheets.append(sheet)
        return {"addSheet": {"properties": copy.deepcopy(sheet.props)}}
    if kind == "deleteSheet":
        sheet = book.by_id(args["sheetId"])
        if len(book.sheets) == 1:
            raise ApiError(400, "Invalid requests[0].deleteSheet: You can't remove all the sheets in a document.")
        book.sheets.remove(sheet)
        for i, s in enumerate(sorted(book.sheets, key=lambda s: s.props["index"])):
            s.props["index"] = i
        return {}
    if kind == "updateSheetProperties":
        props = args["properties"]
        sheet = book.by_id(props["sheetId"])
        grid = props.get("gridProperties", {})
        for key in ("rowCount", "columnCount", "frozenRowCount"):
            if key in grid:
                sheet.props["gridProperties"][key] = grid[key]
        if "title" in props:
            sheet.props["title"] = props["title"]
        rows, cols = sheet.grid
        sheet.cells = {k: v for k, v in sheet.cells.items() if k[0] < rows and k[1] < cols}
        return {}
    if kind == "updateCells":
        return _update_cells(book, args)
    if kind == "addProtectedRange":
        # Google answers without null fields nor zero defaults (proto3 JSON), and fills in who may edit.
        protected = {k: v for k, v in copy.deepcopy(args["protectedRange"]).items() if v is not None}
        book.next_protected += 1
        sheet = book.by_id(protected["range"].get("sheetId", 0))
        if protected["range"].get("sheetId") == 0:
            del protected["range"]["sheetId"]
        protected = {"protectedRangeId": book.next_protected, **protected, "requestingUserCanEdit": True, "editors": {}}
        sheet.protected.append(protected)
        return {"addProtectedRange": {"protectedRange": copy.deepcopy(protected)}}
    if kind == "addChart":
        return _add_chart(book, args["chart"])
    if kind == "deleteEmbeddedObject":
        for sheet in book.sheets:
            for chart in sheet.charts:
                if chart["chartId"] == args["objectId"]:
                    sheet.charts.remove(chart)
                    return {}
        raise ApiError(400, f"Invalid requests[0].deleteEmbeddedObject: No object with id: {args['objectId']}")
    if kind == "setDataValidation":
        book.by_id(args["range"]["sheetId"]).validations.append(copy.deepcopy(args))
        return {}
    if kind == "repeatCell":
        sheet = book.by_id(args["range"].get("sheetId", 0))
        rng = args["range"]
        for r in range(rng.get("startRowIndex", 0), rng.get("endRowIndex", sheet.grid[0])):
            for c in range(rng.get("startColumnIndex", 0), rng.get("endColumnIndex", sheet.grid[1])):
                cell = sheet.cells.setdefault((r, c), {"value": "", "format": {}})
                cell["format"].update(copy.deepcopy(args["cell"].get("userEnteredFormat", {})))
        return {}
    raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[0]'")


def _add_chart(book: Spreadsheet, chart: dict) -> dict:
    """An embedded chart: its ranges must lie on sheets of the book and its anchor cell inside the grid."""
    anchor = chart["position"]["overlayPosition"]["anchorCell"]
    sheet = book.by_id(anchor.get("sheetId", 0))
    rows, cols = sheet.grid
    if anchor.get("rowIndex", 0) >= rows or anchor.get("columnIndex", 0) >= cols:
        raise ApiError(400, "Invalid requests[0].addChart: The anchor cell is outside the grid.")
    basic = chart["spec"]["basicChart"]
    ranges = [d["domain"]["sourceRange"] for d in basic.get("domains", [])]
    ranges += [s["series"]["sourceRange"] for s in basic.get("series", [])]
    for grid_range in (g for r in ranges for g in r["sources"]):
        book.by_id(grid_range.get("sheetId", 0))
    chart = copy.deepcopy(chart)
    if "chartId" not in chart:
        book.next_chart += 1
        chart["chartId"] = book.next_chart
    if any(c["chartId"] == chart["chartId"] for s in book.sheets for c in s.charts):
        raise ApiError(400, f"Invalid requests[0].addChart: An object with id {chart['chartId']} already exists.")
    sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def _update_cells(book: Spreadsheet, args: dict) -> dict:
    fields = {f.strip() for f in args.get("fields", "*").split(",")}
    everything = "*" in fields
    if "rows" not in args:  # a range and no rows: clear those fields
        rng = args["range"]
        sheet = book.by_id(rng["sheetId"])
        rows, cols = sheet.grid
        for key in [
            k
            for k in sheet.cells
            if rng.get("startRowIndex", 0) <= k[0] < rng.get("endRowIndex", rows)
            and rng.get("startColumnIndex", 0) <= k[1] < rng.get("endColumnIndex", cols)
        ]:
            if everything or {"userEnteredValue", "userEnteredFormat"} <= fields:
                del sheet.cells[key]
            elif "userEnteredValue" in fields:
                sheet.cells[key]["value"] = ""
        return {}
    start = args["start"]
    sheet = book.by_id(start.get("sheetId", 0))
    rows, cols = sheet.grid
    r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
    for i, row in enumerate(args["rows"]):
        for j, data in enumerate(row.get("values", [])):
            r, c = r0 + i, c0 + j
            if r >= rows or c >= cols:
                raise ApiError(
                    400,
                    f"Invalid requests[0].updateCells: Range ({quote_title(sheet.title)}!"
                    f"{col_letter(c)}{r + 1}) exceeds grid limits. Max rows: {rows}, max columns: {cols}",
                )
            entered = data.get("userEnteredValue")
            cell = sheet.cells.get((r, c), {"value": "", "format": {}})
            if everything or "userEnteredValue" in fields:
                cell["value"] = "" if not entered else _entered_value(entered)
            if everything or "userEnteredFormat" in fields:
                cell["format"] = copy.deepcopy(data.get("userEnteredFormat", {}))
            if cell["value"] == "" and not cell["format"]:
                sheet.cells.pop((r, c), None)
            else:
                sheet.cells[(r, c)] = cell
    return {}


def _entered_value(entered: dict):
    if "stringValue" in entered:
        return entered["stringValue"]
    if "numberValue" in entered:
        return float(entered["numberValue"])
    if "boolValue" in entered:
        return bool(entered["boolValue"])
    if "formulaValue" in entered:
        return {"formula": entered["formulaValue"]}
    raise ApiError(400, "Invalid value")


def _to_sheet_value(value):
    from datetime import date, time
    from decimal import Decimal

    if isinstance(value, time):  # a time of day: its fraction of a day, as Sheets keeps one
        return (value.hour * 3600 + value.minute * 60 + value.second) / 86400
    if isinstance(value, datetime):
        return (value - EPOCH).total_seconds() / 86400
    if isinstance(value, date):
        return float((value - EPOCH.date()).days)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _format_of(value) -> dict:
    from datetime import date, time

    if isinstance(value, time):
        return {"numberFormat": {"type": "TIME", "pattern": "hh:mm"}}
    if isinstance(value, (datetime, date)):
        return {"numberFormat": {"type": "DATE", "pattern": "yyyy-mm-dd"}}
    return {}


def _error(exc: ApiError, headers: dict | None = None):
    body = {"error": {"code": exc.code, "message": exc.message, "status": exc.status}}
    return exc.code, {"Content-Type": "application/json", **(headers or {})}, json.dumps(body)
