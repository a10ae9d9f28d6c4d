"""Where a workbook lives. One small interface; the core never imports a backend."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from ..errors import SetupError
from ..locate import RawTables
from ..tables import Table


class Backend(Protocol):
    display_name: str  # how messages and generated titles name the workbook

    def read_tabs(self) -> RawTables:
        """Every tab's cells, row 1 first, as Python values (formulas by their computed value)."""

    def write_tabs(self, tables: list[Table]) -> None:
        """Replace the generated tabs with `tables` in one step; never touch another tab.

        Raises BackendError (nothing written) when the storage fails or changed since read_tabs().
        """

    def create_tabs(self, tables: list[Table]) -> None:
        """Create the input tabs of a new workbook (`init`); refuses a workbook that has data."""


def open_backend(location: str) -> Backend:
    """The backend for a path to a .xlsx/.xlsm file."""
    path = Path(location)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from .xlsx import XlsxBackend

        return XlsxBackend(path)
    raise SetupError(
        f"Cannot open {location}: sheetsync reads .xlsx and .xlsm workbooks.",
        "Save the spreadsheet as Excel 2007-365 (.xlsx) and give that file's path.",
    )
