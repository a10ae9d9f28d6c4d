"""Local workbooks (.xlsx, .xlsm, .ods; .xls read only): the embedded default, no account, no server.

Read with python-calamine (fast; openpyxl when calamine cannot). A sync replaces only the
generated sheets inside the package (ooxml.py for .xlsx/.xlsm, odf.py for .ods): the group's
own sheets keep their exact bytes. `init` builds a new .xlsx with openpyxl.

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
from dataclasses import replace
from pathlib import Path

from python_calamine import CalamineWorkbook

from sheetsync.backends.ooxml import Package, write_generated_xlsx
from sheetsync.backends.xlsx_marks import PackageMarks, is_date1904, read_marks
from sheetsync.errors import BackendError, SetupError
from sheetsync.i18n import N_
from sheetsync.present.table import Table
from sheetsync.read.headers import RawBook, RawTables


class XlsxBackend:
    """A local .xlsx, .xlsm or .ods workbook: read with calamine, written surgically and atomically."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.display_name = self.path.name
        self._fingerprint: str | None = None

    # reading ---------------------------------------------------------------------------
    def read_tabs(self) -> RawTables:
        if not self.path.exists():
            raise SetupError(
                N_("No such workbook: {path}"),
                N_("Check the path, or create one with: sheetsync init {path}"),
                path=self.path,
            )
        self._fingerprint = _fingerprint(self.path)
        marks = read_marks(self.path) if self.path.suffix.lower() in (".xlsx", ".xlsm") else PackageMarks()
        try:
            return RawBook(_read_with_calamine(self.path, marks.errors), marks.sheets, marks.date1904)
        except Exception:  # noqa: BLE001 - calamine could not serve this file: openpyxl says why, or reads it
            pass
        import openpyxl  # only when calamine could not read the file

        try:
            wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise SetupError(
                N_("{path} is not a readable .xlsx workbook ({error})."),
                N_("Open it in your spreadsheet program and save it again as .xlsx."),
                path=self.path,
                error=exc,
            ) from exc
        try:
            tabs = {}
            for ws in wb.worksheets:
                ws.reset_dimensions()  # some writers record a wrong size; read every row there is
                tabs[ws.title] = [_trim(list(row)) for row in ws.iter_rows(values_only=True)]
            return RawBook(tabs, marks.sheets, marks.date1904)
        finally:
            wb.close()

    # writing ---------------------------------------------------------------------------
    def write_tabs(self, tables: list[Table]) -> None:
        if self.path.suffix.lower() == ".xls":
            raise SetupError(
                N_(
                    "{name} is in the old Excel format (.xls): sheetsync reads it but cannot write into it. "
                    "Nothing was written."
                ),
                N_(
                    "Open it in Excel or LibreOffice and save it as .xlsx (File > Save as > Excel Workbook), "
                    "then run sync on {xlsx_name}."
                ),
                name=self.path.name,
                xlsx_name=self.path.with_suffix(".xlsx").name,
            )
        self._refuse_if_open()
        if self._fingerprint is None:
            self.read_tabs()
        self._refuse_if_changed()
        try:
            package = Package.read(self.path)
        except (zipfile.BadZipFile, KeyError) as exc:
            raise SetupError(
                N_("{path} is not a readable .xlsx workbook ({error})."),
                N_("Open it in your spreadsheet program and save it again as .xlsx."),
                path=self.path,
                error=exc,
            ) from exc
        if self.path.suffix.lower() == ".ods":
            from sheetsync.backends.odf import write_generated_ods

            write_generated_ods(package, tables)
        else:
            write_generated_xlsx(package, tables, date1904=is_date1904(package))
        self._save(package.write)

    def append_row(self, table: Table, row: list) -> None:
        """Add `row` below the last row of the tab `table.name`, which is created with `table`'s title
        and header when missing. The tab's rows are read again and written back with the new one;
        every other part of the workbook keeps its bytes. Hold the workbook's lock around it."""
        existing = self.read_tabs().get(table.name)
        rows = [list(r) for r in list(existing)[table.header_row :]] if existing is not None else []
        self.write_tabs([replace(table, rows=rows + [row])])

    def create_tabs(self, tables: list[Table]) -> None:
        if self.path.suffix.lower() in (".ods", ".xls"):
            raise SetupError(
                N_("init creates .xlsx workbooks."),
                N_("Run: sheetsync init {xlsx_path}, then save it as .ods in LibreOffice."),
                xlsx_path=self.path.with_suffix(".xlsx"),
            )
        if not self.path.parent.is_dir():
            raise SetupError(
                N_("The folder {folder} does not exist."),
                N_("Create it first, or give a path in a folder that exists."),
                folder=self.path.parent,
            )
        if self.path.exists():
            self.read_tabs()
            if not self.is_blank():
                raise SetupError(
                    N_("{path} already holds data: init never overwrites a workbook."),
                    N_("Give a new file name, or remove the file first."),
                    path=self.path,
                )
        self._refuse_if_open()
        from sheetsync.backends.xlsx_init import new_workbook  # openpyxl, only for init

        self._save(new_workbook(tables).save)

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
                    N_("{name} is open in a spreadsheet program ({lock} exists)."),
                    N_("Close it there (or delete the lock file if nobody has it open), then run again."),
                    name=self.path.name,
                    lock=lock.name,
                )

    def _refuse_if_changed(self) -> None:
        if self.path.exists() and _fingerprint(self.path) != self._fingerprint:
            raise BackendError(
                N_("{name} changed while sheetsync was computing; nothing was written."),
                N_("Run the command again."),
                name=self.path.name,
            )

    def _save(self, write) -> None:
        """`write(temporary path)`, then the temporary file replaces the workbook in one step."""
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self.path.stem}-", suffix=self.path.suffix, dir=self.path.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            write(tmp)
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            self._refuse_if_open()
            if self.path.exists():
                self._refuse_if_changed()
                shutil.copy2(self.path, self.path.with_name(self.path.name + ".bak"))
            os.replace(tmp, self.path)
        except OSError as exc:
            raise BackendError(
                N_("Could not write {path}: {error}"),
                N_("Check the folder's permissions and free space."),
                path=self.path,
                error=exc,
            ) from exc
        finally:
            tmp.unlink(missing_ok=True)
        self._fingerprint = _fingerprint(self.path)


def _read_with_calamine(path: Path, errors: dict[str, dict[tuple[int, int], str]]) -> RawTables:
    """Every worksheet's rows from row 1 and column A (formulas by their saved value), fast; each
    sheet is loaded only when its rows are gone through, and its rows are made as they come.
    A cell showing an error (calamine reads it as empty) holds its error's text (`errors`)."""
    wb = CalamineWorkbook.from_path(str(path))
    return {name: _calamine_rows(wb, name, errors.get(name, {})) for name in wb.sheet_names}


def _calamine_rows(wb, name: str, errors: dict[tuple[int, int], str]):
    sheet = wb.get_sheet_by_name(name)
    first_row, first_col = sheet.start if sheet.height else (0, 0)
    for _ in range(first_row):
        yield []
    pad = [None] * first_col
    error_rows = {r for r, _ in errors}
    for index, row in enumerate(sheet.iter_rows(), start=first_row):
        cells = pad + [None if cell == "" else cell for cell in row]
        if index in error_rows:
            for (r, c), text in errors.items():
                if r == index and c < len(cells):
                    cells[c] = text
        yield _trim(cells)


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
