"""Local .xlsx/.xlsm workbooks: the embedded default, no account, no server.

Read with python-calamine (fast; openpyxl when calamine cannot), written with openpyxl.

Writes are all-or-nothing: the new workbook is saved to a temporary file beside the original,
which then replaces it atomically (the previous version is kept as NAME.xlsx.bak). A workbook
open in Excel or LibreOffice, or changed since it was read, is never overwritten.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook

from ..errors import BackendError, SetupError
from ..locate import RawTables
from ..schema import GENERATED_MARKERS, GENERATED_TABS
from ..tables import Table

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}
DROPDOWN_ROWS = 1000


class XlsxBackend:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.display_name = self.path.name
        self._fingerprint: str | None = None

    # reading ---------------------------------------------------------------------------
    def read_tabs(self) -> RawTables:
        if not self.path.exists():
            raise SetupError(
                f"No such workbook: {self.path}", f"Check the path, or create one with: sheetsync init {self.path}"
            )
        self._fingerprint = _fingerprint(self.path)
        try:
            return _read_with_calamine(self.path)
        except Exception:  # noqa: BLE001 - calamine could not serve this file: openpyxl says why, or reads it
            pass
        try:
            wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise SetupError(
                f"{self.path} is not a readable .xlsx workbook ({exc}).",
                "Open it in your spreadsheet program and save it again as .xlsx.",
            ) from exc
        try:
            tabs = {}
            for ws in wb.worksheets:
                ws.reset_dimensions()  # some writers record a wrong size; read every row there is
                tabs[ws.title] = [_trim(list(row)) for row in ws.iter_rows(values_only=True)]
            return tabs
        finally:
            wb.close()

    # writing ---------------------------------------------------------------------------
    def write_tabs(self, tables: list[Table]) -> None:
        self._refuse_if_open()
        if self._fingerprint is None:
            self.read_tabs()
        self._refuse_if_changed()
        wb = openpyxl.load_workbook(self.path, keep_vba=self.path.suffix.lower() == ".xlsm", keep_links=True)
        _drop_generated(wb, tables)
        for table in tables:
            _write_sheet(wb.create_sheet(table.name), table)
        self._save(wb)

    def create_tabs(self, tables: list[Table]) -> None:
        if self.path.exists():
            self.read_tabs()
            if not self.is_blank():
                raise SetupError(
                    f"{self.path} already holds data: init never overwrites a workbook.",
                    "Give a new file name, or remove the file first.",
                )
        self._refuse_if_open()
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for table in tables:
            _write_sheet(wb.create_sheet(table.name), table)
        names = {t.id: t.name for t in tables}
        for table in tables:
            _add_dropdowns(wb[table.name], table, names)
        self._save(wb)

    def is_blank(self) -> bool:
        return not any(
            any(c is not None and str(c).strip() for c in row) for rows in self.read_tabs().values() for row in rows
        )

    def _refuse_if_open(self) -> None:
        name = self.path.name
        # Excel's owner file is "~$" + the name, or "~$" + the name less its first two letters.
        locks = {
            self.path.with_name("~$" + name),
            self.path.with_name("~$" + name[2:]),
            self.path.with_name(f".~lock.{name}#"),
        }
        for lock in sorted(locks):
            if lock.exists():
                raise BackendError(
                    f"{self.path.name} is open in a spreadsheet program ({lock.name} exists).",
                    "Close it there (or delete the lock file if nobody has it open), then run again.",
                )

    def _refuse_if_changed(self) -> None:
        if self.path.exists() and _fingerprint(self.path) != self._fingerprint:
            raise BackendError(
                f"{self.path.name} changed while sheetsync was computing; nothing was written.",
                "Run the command again.",
            )

    def _save(self, wb) -> None:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.stem}-", suffix=self.path.suffix, dir=self.path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            wb.save(tmp)
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            self._refuse_if_open()
            if self.path.exists():
                self._refuse_if_changed()
                shutil.copy2(self.path, self.path.with_name(self.path.name + ".bak"))
            os.replace(tmp, self.path)
        except OSError as exc:
            raise BackendError(
                f"Could not write {self.path}: {exc}", "Check the folder's permissions and free space."
            ) from exc
        finally:
            tmp.unlink(missing_ok=True)
        self._fingerprint = _fingerprint(self.path)


def _read_with_calamine(path: Path) -> RawTables:
    """Every worksheet's cells from row 1 and column A (formulas by their saved value), fast."""
    wb = CalamineWorkbook.from_path(str(path))
    return {
        name: [_trim(list(row)) for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]
        for name in wb.sheet_names
    }


def _fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _trim(row: list) -> list:
    while row and (row[-1] is None or (isinstance(row[-1], str) and not row[-1].strip())):
        row.pop()
    return row


def _drop_generated(wb, tables: list[Table]) -> None:
    """Remove the earlier versions of the tabs about to be written (in either language). A tab of
    the group's that bears one of those names is never removed: that stops the run instead."""
    names = {t.name for t in tables}
    replaced = names | {n for g in GENERATED_TABS if g.id in {t.id for t in tables} for n in (g.en, g.fr)}
    for ws in list(wb.worksheets):
        if ws.title not in replaced:
            continue
        first = ws.cell(1, 1).value
        if isinstance(first, str) and first.startswith(GENERATED_MARKERS):
            wb.remove(ws)
        elif ws.title in names:
            raise SetupError(
                f'The workbook has a tab "{ws.title}" that sheetsync did not generate; it is left as it is.',
                f'Rename that tab (sheetsync writes its own "{ws.title}" tab), then run again.',
            )


def _number_format(kind: str, currency: str) -> str | None:
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return {
        "money": f'#,##0.00 "{symbol}";-#,##0.00 "{symbol}"',
        "rate": "0.0000",
        "date": "yyyy-mm-dd",
        "datetime": "yyyy-mm-dd hh:mm",
    }.get(kind)


def _write_sheet(ws, table: Table) -> None:
    if table.title:
        cell = ws.cell(1, 1, table.title)
        cell.data_type = "s"
        cell.font = Font(italic=True, color="666666")
    header_row = table.header_row
    for col, column in enumerate(table.columns, start=1):
        cell = ws.cell(header_row, col, column.header)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = column.width or max(10, min(40, len(column.header) + 4))
    formats = [_number_format(c.kind, table.currency) for c in table.columns]
    for r, values in enumerate(table.rows, start=header_row + 1):
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = ws.cell(r, c, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: "=HYPERLINK(…)" typed in a cell is no formula
            elif c <= len(formats) and formats[c - 1]:
                cell.number_format = formats[c - 1]
    ws.freeze_panes = ws.cell(header_row + 1, 1)


def _add_dropdowns(ws, table: Table, tab_names: dict[str, str]) -> None:
    for col, source in table.dropdowns.items():
        if source[0] == "list":
            formula = '"' + ",".join(source[1]) + '"'
        else:
            _, tab_id, source_col = source
            letter = get_column_letter(source_col + 1)
            formula = f"'{tab_names[tab_id]}'!${letter}$2:${letter}${DROPDOWN_ROWS}"
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        letter = get_column_letter(col + 1)
        dv.add(f"{letter}{table.header_row + 1}:{letter}{DROPDOWN_ROWS}")
        ws.add_data_validation(dv)
