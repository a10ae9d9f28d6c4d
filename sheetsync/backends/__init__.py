"""Where a workbook lives. One small interface; the core never imports a backend."""

from __future__ import annotations

import os
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from sheetsync.backends.limits import Limits
from sheetsync.backends.locations import spreadsheet_id
from sheetsync.errors import SetupError
from sheetsync.i18n import N_
from sheetsync.present.table import Table
from sheetsync.read.headers import RawTables

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".ods", ".xls")  # the local workbooks sheetsync opens


class Backend(Protocol):
    """Where a workbook lives: read every tab, write the generated tabs in one step, create the input tabs."""

    display_name: str  # how messages and generated titles name the workbook

    def read_tabs(self) -> RawTables:
        """Every tab's cells, row 1 first, as Python values (formulas by their computed value)."""

    def write_tabs(self, tables: list[Table]) -> None:
        """Replace the generated tabs with `tables` in one step; never touch another tab.

        Raises BackendError (nothing written) when the storage fails or changed since read_tabs().
        """

    def append_row(self, table: Table, row: list) -> None:
        """Add `row` at the end of the tab `table.name` (created with `table`'s title and header when
        missing), every other tab untouched: the phone entries. `table.rows` are the tab's rows below
        its header as the caller just read them (where `row` alone cannot be added, the tab is written
        whole with them). Hold `lock()` from that reading to here."""

    def create_tabs(self, tables: list[Table]) -> None:
        """Create the input tabs of a new workbook (`init`); refuses a workbook that has data."""

    def lock(self) -> AbstractContextManager:
        """The workbook's run lock, shared by every sheetsync run on it (processes and threads):
        a run that writes holds it from reading to writing."""


def open_backend(
    location: str | os.PathLike, credentials: str | None = None, oauth: bool = False, limits: Limits | None = None
) -> Backend:
    """The backend for a Google Sheet URL or `gsheet:ID`, or a path to a .xlsx/.xlsm/.ods/.xls file
    (an .xls is read only: sync says how to save it as .xlsx), read within `limits` (the defaults
    when None)."""
    location = os.fspath(location)
    sheet_id = spreadsheet_id(location)
    if sheet_id is not None:
        from sheetsync.backends.gsheets import GoogleSheetsBackend, authorize

        client, email = authorize(credentials, oauth)
        return GoogleSheetsBackend(sheet_id, client, email)
    path = Path(location)
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        from sheetsync.backends.xlsx import XlsxBackend

        return XlsxBackend(path, limits)
    raise SetupError(
        N_("Cannot open {location}: sheetsync reads .xlsx, .xlsm, .ods and .xls workbooks."),
        N_("Give a .xlsx file's path, a Google Sheet's URL as copied from the browser, or gsheet:ID."),
        location=location,
    )
