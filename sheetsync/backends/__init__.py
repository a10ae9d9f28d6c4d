"""Where a workbook lives. One small interface; the core never imports a backend."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from sheetsync.backends.locations import spreadsheet_id
from sheetsync.errors import SetupError
from sheetsync.i18n import N_
from sheetsync.present.table import Table
from sheetsync.read.headers import RawTables


class Backend(Protocol):
    """Where a workbook lives: read every tab, write the generated tabs in one step, create the input tabs."""

    display_name: str  # how messages and generated titles name the workbook

    def read_tabs(self) -> RawTables:
        """Every tab's cells, row 1 first, as Python values (formulas by their computed value)."""

    def write_tabs(self, tables: list[Table]) -> None:
        """Replace the generated tabs with `tables` in one step; never touch another tab.

        Raises BackendError (nothing written) when the storage fails or changed since read_tabs().
        """

    def create_tabs(self, tables: list[Table]) -> None:
        """Create the input tabs of a new workbook (`init`); refuses a workbook that has data."""


def open_backend(location: str | os.PathLike, credentials: str | None = None, oauth: bool = False) -> Backend:
    """The backend for a Google Sheet URL or `gsheet:ID`, or a path to a .xlsx/.xlsm/.ods/.xls file
    (an .xls is read only: sync says how to save it as .xlsx)."""
    location = os.fspath(location)
    sheet_id = spreadsheet_id(location)
    if sheet_id is not None:
        from sheetsync.backends.gsheets import GoogleSheetsBackend, authorize

        client, email = authorize(credentials, oauth)
        return GoogleSheetsBackend(sheet_id, client, email)
    path = Path(location)
    if path.suffix.lower() in (".xlsx", ".xlsm", ".ods", ".xls"):
        from sheetsync.backends.xlsx import XlsxBackend

        return XlsxBackend(path)
    raise SetupError(
        N_("Cannot open {location}: sheetsync reads .xlsx, .xlsm, .ods and .xls workbooks."),
        N_("Give a .xlsx file's path, a Google Sheet's URL as copied from the browser, or gsheet:ID."),
        location=location,
    )
