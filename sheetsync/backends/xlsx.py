"""Local workbooks (.xlsx, .xlsm, .ods; .xls read only): the embedded default, no account, no server.

Read with python-calamine (fast; openpyxl when calamine cannot), after limits.py has checked
what the file declares and inflates to: a hostile or broken file is one line and exit 2, never
a traceback nor gigabytes of memory. The file is read once, into memory: what is hashed is what
is parsed and what the surgical writers copy.

A sync replaces only the generated sheets inside the package (ooxml.py for .xlsx/.xlsm, odf.py
for .ods): the group's own sheets keep their exact bytes. `init` builds a new .xlsx with openpyxl.
Writes go through files.py: one sheetsync run at a time per workbook, all-or-nothing, the
workbook's mode and owner kept, NAME.xlsx.bak the version replaced, no edit lost. A workbook
open in Excel or LibreOffice, read-only, or changed since it was read, is never overwritten.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import threading
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from python_calamine import CalamineWorkbook

from sheetsync.backends.files import (
    Fingerprint,
    RunLock,
    backup_of,
    changed_meanwhile,
    lock_path,
    not_allowed,
    read_file,
    remove_stale_temporaries,
    replace_file,
)
from sheetsync.backends.limits import (
    KEPT_COPY,
    MIB,
    SAVE_AGAIN,
    Limits,
    check_package,
    check_xls,
    mib,
    refuse,
    unreadable,
)
from sheetsync.backends.ods_marks import ODS_NEEDLES, read_ods_marks
from sheetsync.backends.ooxml import MalformedOutput, Package, append_xlsx_row, write_generated_xlsx
from sheetsync.backends.xlsx_marks import NEEDLES, PackageMarks, is_date1904, read_marks
from sheetsync.errors import BackendError, SetupError, SheetsyncError, os_reason
from sheetsync.i18n import N_
from sheetsync.present.table import Table
from sheetsync.read.headers import RawBook, RawTables

NOT_OURS = (KeyboardInterrupt, SystemExit, GeneratorExit, MemoryError)


@contextmanager
def native_stderr_quiet():
    """While python-calamine parses: a panic in its Rust code prints its own lines on file
    descriptor 2 before it becomes the Python exception that is said in one line. In a
    single-threaded run (the command line) they are silenced; a service's log keeps them."""
    if threading.active_count() > 1:
        yield
        return
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class XlsxBackend:
    """A local .xlsx, .xlsm or .ods workbook: read within limits with calamine, written surgically
    and atomically under its run lock."""

    def __init__(self, path: Path, limits: Limits | None = None):
        self.given = Path(path)
        self.path = Path(os.path.realpath(path))  # a symlinked workbook: its target is read and updated
        self.display_name = self.given.name
        self.limits = limits or Limits()
        self._data: bytes | None = None
        self._holding: set[str] = set()  # the parts with marks to read, found by the limits' check
        self._fingerprint: Fingerprint | None = None  # the file as last read (checked: `_data` is set)
        self._xls1904 = False  # an .xls that counts its dates from 1904
        self._lock = RunLock(lock_path(self.path), self.display_name)

    def lock(self) -> RunLock:
        """The workbook's run lock: hold it from reading to writing (none beside a missing workbook)."""
        self._exists()
        return self._lock

    def _exists(self) -> os.stat_result:
        """The workbook's status; a SetupError when there is none (missing, a file on the way, a
        link loop), a BackendError when this user may not go through a folder on the way."""
        try:
            return os.stat(self.path)
        except PermissionError:
            raise not_allowed(self.display_name) from None
        except (OSError, ValueError):
            raise SetupError(
                N_("No such workbook: {path}"),
                N_("Check the path, or create one with: sheetsync init {new_path}"),
                path=str(self.given),
                new_path=str(self.given.with_suffix(".xlsx")),  # init creates .xlsx workbooks
            ) from None

    # reading ---------------------------------------------------------------------------
    def _load(self) -> bytes:
        """The file's bytes, checked against the limits; kept for the writers."""
        if not stat.S_ISREG(self._exists().st_mode):  # a folder, a device, a pipe: never opened (a pipe would block)
            raise unreadable(self.display_name, detail="not a regular file")
        try:
            data, fingerprint = read_file(self.path, self.limits.file_mib * MIB)
        except PermissionError:
            raise not_allowed(self.display_name) from None
        except OSError as exc:
            raise unreadable(self.display_name, detail=os_reason(exc)) from exc
        self._fingerprint = fingerprint  # before the checks: a file they find damaged is compared with it
        if fingerprint.size > self.limits.file_mib * MIB:
            raise refuse(self.display_name, "file_mib", mib(fingerprint.size), self.limits.file_mib)
        suffix = self.path.suffix.lower()
        self._holding = set()
        if suffix == ".xls":  # no zip: an OLE file of BIFF records
            self._xls1904 = check_xls(data, self.limits, self.display_name)
        else:  # the parts holding a mark are noticed in the same pass
            needles = ODS_NEEDLES if suffix == ".ods" else NEEDLES
            self._holding = check_package(data, suffix, self.limits, self.display_name, needles)
        self._data = data
        return data

    def read_tabs(self) -> RawTables:
        """Every sheet's rows (see Backend.read_tabs), after the limits' check. A file that cannot
        be read is said so with the copy sheetsync kept of it, when there is one."""
        try:
            self._load()
            return self._parse()
        except SetupError as exc:
            raise self._damaged(exc) from None

    def _damaged(self, exc: SetupError) -> SheetsyncError:
        """`exc`, when it says the file is damaged, pointing at the copy kept before the last write
        (NAME.xlsx.bak beside the real file, named from where the user looks), if there is one; or,
        when the file is no longer what was read (a program was saving it), that it changed
        meanwhile (exit 3: run again), not that it is damaged."""
        if exc.hint_id != SAVE_AGAIN:  # not a file that cannot be read (or already pointed at the copy)
            return exc
        try:
            moved = self._fingerprint is not None and Fingerprint.of_path(self.path) != self._fingerprint
        except OSError:
            moved = False
        if moved:
            return changed_meanwhile(self.display_name)
        backup = backup_of(self.path)
        if backup.is_file():
            shown = os.path.relpath(backup, os.path.dirname(os.path.abspath(self.given)))
            exc.hint_id, exc.params["backup"] = KEPT_COPY, shown
        return exc

    def _parse(self) -> RawBook:
        """Every sheet's rows in the bytes `_load` read and checked."""
        data = self._data
        suffix = self.path.suffix.lower()
        if suffix in (".xlsx", ".xlsm"):
            marks = read_marks(data, self._holding)
        elif suffix == ".ods":  # content.xml inflated again only when it holds a mark
            marks = read_ods_marks(data) if "content.xml" in self._holding else PackageMarks()
        else:  # an .xls: its date system, read by the limits' pass
            marks = PackageMarks(date1904=self._xls1904)
        try:
            tabs = _read_with_calamine(data, self.display_name, marks.errors, self._damaged)
            return RawBook(tabs, marks.sheets, marks.date1904)
        except SheetsyncError:
            raise
        except NOT_OURS:
            raise
        except BaseException as exc:  # noqa: BLE001 - calamine could not serve this file (a Rust panic included)
            if self.path.suffix.lower() == ".ods":  # openpyxl reads no .ods: calamine's reason it is
                raise unreadable(self.display_name, detail=f"{type(exc).__name__}: {exc}") from None
        tabs = _read_with_openpyxl(data, self.display_name)  # openpyxl says why, or reads it
        return RawBook(tabs, marks.sheets, marks.date1904)

    # writing ---------------------------------------------------------------------------
    def write_tabs(self, tables: list[Table]) -> None:
        """Replace the generated sheets, under the run lock, without losing anybody's edit."""
        self._edit(self._written_whole(tables))

    def _written_whole(self, tables: list[Table]) -> Callable[[Package], bool]:
        """The change that writes `tables` whole into a package (none for an .xls: refused)."""
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
                name=self.display_name,
                xlsx_name=self.given.with_suffix(".xlsx").name,
            )

        def generated(package: Package) -> bool:
            if self.path.suffix.lower() == ".ods":
                from sheetsync.backends.odf import write_generated_ods

                write_generated_ods(package, tables)
            else:
                write_generated_xlsx(package, tables, date1904=is_date1904(package))
            return True

        return generated

    def append_row(self, table: Table, row: list) -> None:
        """Add `row` below `table.rows` (the tab `table.name`'s rows as the caller read them under
        the lock): one row added to its sheet, every other cell of the tab as it was (its formulas,
        hidden rows, formats); where the sheet does not allow that, the tab written whole, created
        with `table`'s title and header when missing. Every other part of the workbook keeps its
        bytes. A file changed since it was read is not written."""
        whole = self._written_whole([replace(table, rows=[*table.rows, row])])
        suffix = self.path.suffix.lower()

        def added(package: Package) -> bool:  # one reading, one package, whichever way it goes
            if suffix == ".ods":
                from sheetsync.backends.odf import append_ods_row

                return append_ods_row(package, table, row) or whole(package)
            return append_xlsx_row(package, table, row, is_date1904(package)) or whole(package)

        self._edit(added)

    def _edit(self, change: Callable[[Package], bool]) -> bool:
        """`change` the workbook's package under the run lock, then save it, unless `change`
        answers False (nothing is written then). A part the writer needs, missing or malformed,
        says the workbook cannot be read."""
        with self._lock:
            self._refuse_if_open()
            if self._data is None:
                self._load()
            try:
                package = Package(self._data)
                changed = change(package)
            except SheetsyncError:
                raise
            except NOT_OURS:
                raise
            except Exception as exc:  # noqa: BLE001 - a part the writer needs is missing or malformed
                raise unreadable(self.display_name, detail=f"{type(exc).__name__}: {exc}") from exc
            if changed:
                self._save(self._guarded(package.write), self._fingerprint)
            return changed

    def create_tabs(self, tables: list[Table]) -> None:
        """A new .xlsx with the input tabs (`init`); a workbook that holds data is refused."""
        if self.path.suffix.lower() in (".ods", ".xls"):
            raise SetupError(
                N_("init creates .xlsx workbooks."),
                N_("Run: sheetsync init {xlsx_path}, then save it as .ods in LibreOffice."),
                xlsx_path=str(self.given.with_suffix(".xlsx")),
            )
        if not self.path.parent.is_dir():
            raise SetupError(
                N_("The folder {folder} does not exist."),
                N_("Create it first, or give a path in a folder that exists."),
                folder=self.given.parent,
            )
        with self._lock:
            fingerprint = None
            if self.path.exists():
                if not self.is_blank():  # read once, within the limits: its fingerprint is kept
                    raise SetupError(
                        N_("{path} already holds data: init never overwrites a workbook."),
                        N_("Give a new file name, or remove the file first."),
                        path=str(self.given),
                    )
                fingerprint = self._fingerprint
            self._refuse_if_open()
            from sheetsync.backends.xlsx_init import new_workbook  # openpyxl, only for init

            self._save(new_workbook(tables).save, fingerprint)

    def is_blank(self) -> bool:
        """True when no sheet holds any value."""
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
                    name=self.display_name,
                    lock=lock.name,
                )

    def _guarded(self, write):
        """`write`, a package that turns out to be damaged as it is copied being one line, exit 2."""

        def guarded(destination) -> None:
            try:
                write(destination)
            except (OSError, SheetsyncError, MalformedOutput, *NOT_OURS):
                raise
            except Exception as exc:  # noqa: BLE001 - e.g. a local header that disagrees with the directory
                raise unreadable(self.display_name, detail=f"{type(exc).__name__}: {exc}") from exc

        return guarded

    def _save(self, write, fingerprint: Fingerprint | None) -> None:
        """`write(temporary path)`, then the temporary file replaces the workbook (files.replace_file)."""
        remove_stale_temporaries(self.path)
        replace_file(self.path, fingerprint, write, before=self._refuse_if_open)
        self._data, self._fingerprint = None, None  # the next write reads the file again (_load)


def _read_with_calamine(data: bytes, name: str, errors: dict[str, dict[tuple[int, int], str]], damaged) -> RawTables:
    """Every worksheet's rows from row 1 and column A (formulas by their saved value), fast; each
    sheet is loaded only when its rows are gone through, and its rows are made as they come.
    A cell showing an error (calamine reads it as empty) holds its error's text (`errors`); a
    sheet that cannot be loaded is said by `damaged(error)` (the backend's, with its kept copy)."""
    with native_stderr_quiet():
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    if not wb.sheet_names:
        raise unreadable(name, detail="no sheet")
    return {sheet: _calamine_rows(wb, sheet, name, errors.get(sheet, {}), damaged) for sheet in wb.sheet_names}


def _calamine_rows(wb, sheet_name: str, name: str, errors: dict[tuple[int, int], str], damaged):
    try:
        with native_stderr_quiet():
            sheet = wb.get_sheet_by_name(sheet_name)
        first_row, first_col = sheet.start if sheet.height else (0, 0)
        rows = sheet.iter_rows()
    except NOT_OURS:
        raise
    except BaseException as exc:  # noqa: BLE001 - a damaged sheet (a Rust panic included) is one line, exit 2
        raise damaged(unreadable(name, "damaged", str(exc), sheet_name)) from None
    pad = [None] * first_col
    error_rows: dict[int, list[tuple[int, str]]] = defaultdict(list)  # row -> (column, what it shows)
    for (r, c), text in errors.items():
        error_rows[r].append((c, text))

    def marked(index: int, row: list) -> list:
        """The row with the error each marked cell shows (calamine reads those cells as empty)."""
        cells = pad + [None if cell == "" else cell for cell in row] if row else []
        for c, text in error_rows[index]:
            cells.extend([None] * (c + 1 - len(cells)))  # an error cell at the row's end
            cells[c] = text
        return _trim(cells)

    for index in range(first_row):  # rows above calamine's range: empty but for their marks
        yield marked(index, []) if index in error_rows else []
    index = first_row - 1
    for index, row in enumerate(rows, start=first_row):
        if index in error_rows:
            yield marked(index, row)
            continue
        # calamine's own list, trimmed of its empty end first: most rows then have no empty cell left
        while row and type(last := row[-1]) is str and not last.strip():
            row.pop()
        if "" in row:
            row = [None if cell == "" else cell for cell in row]
        yield pad + row if first_col and row else row
    for below in range(index + 1, max(error_rows, default=-1) + 1):  # below it: rows of marks alone
        yield marked(below, [])


def _read_with_openpyxl(data: bytes, name: str) -> RawTables:
    """What calamine could not read, as openpyxl reads it; else one line saying why."""
    import openpyxl  # only when calamine could not read the file

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            tabs = {}
            for ws in wb.worksheets:
                ws.reset_dimensions()  # some writers record a wrong size; read every row there is
                tabs[ws.title] = [_trim(list(row)) for row in ws.iter_rows(values_only=True)]
            return tabs
        finally:
            wb.close()
    except NOT_OURS:
        raise
    except Exception as exc:  # noqa: BLE001 - any reason at all: one line, exit 2
        raise unreadable(name, detail=f"{type(exc).__name__}: {exc}") from exc


def _trim(row: list) -> list:
    while row and (row[-1] is None or (isinstance(row[-1], str) and not row[-1].strip())):
        row.pop()
    return row
