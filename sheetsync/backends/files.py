"""Replacing a workbook on disk without losing anybody's edit, and one sheetsync run at a time.

- `RunLock`: an exclusive advisory lock (flock) on a sidecar file beside the workbook,
  `.NAME.xlsx.sheetsync-lock`, shared by every sheetsync run on that workbook: other processes,
  and other threads of `serve` (each lock opens the file anew, so they exclude each other too).
- `replace_file`: the new version is written to a temporary file beside the workbook with the
  workbook's mode, owner and group, flushed to disk, then swapped with the workbook in one step
  (Linux renameat2 RENAME_EXCHANGE) after a last compare of size, mtime and content (CRC-32). The
  file that was swapped out is compared once more: if someone saved in between, the swap is
  undone and the run refused (exit 3); otherwise that file becomes NAME.xlsx.bak. So an edit
  saved at any moment ends in the workbook, in the .bak, or the run is refused. The folder is
  flushed after the swap. Where the exchange is not available, a hard link makes the .bak and
  a rename replaces the workbook (a window of a few microseconds remains).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import re
import stat
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sheetsync.errors import BackendError
from sheetsync.i18n import N_

LOCK_WAIT = 300.0  # seconds a run waits for another on the same workbook ($SHEETSYNC_LOCK_WAIT)
TEMP_MARK = ".sheetsync-"


@dataclass(frozen=True)
class Fingerprint:
    """What a file was when it was read: size, modification time to the nanosecond, and the
    CRC-32 of its content (None: not read). A save in between changes all three; CRC-32 catches
    any accidental change of the bytes, and zlib is loaded anyway, where a cryptographic hash
    would load OpenSSL at every start. It guards against colleagues, not against attackers:
    whoever can write the workbook can change it after the run as well."""

    size: int
    mtime_ns: int
    crc32: int | None

    @classmethod
    def of_bytes(cls, data: bytes, st: os.stat_result) -> Fingerprint:
        return cls(st.st_size, st.st_mtime_ns, zlib.crc32(data))

    @classmethod
    def of_path(cls, path: Path) -> Fingerprint | None:
        try:
            with open(path, "rb") as f:
                st = os.fstat(f.fileno())
                crc = 0
                for block in iter(lambda: f.read(1 << 20), b""):
                    crc = zlib.crc32(block, crc)
        except FileNotFoundError:
            return None
        return cls(st.st_size, st.st_mtime_ns, crc)


def read_file(path: Path, max_bytes: int) -> tuple[bytes, Fingerprint]:
    """The file's bytes and fingerprint, from one open file (what is hashed is what is parsed);
    None when it is larger than `max_bytes` (nothing read)."""
    with open(path, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "not a regular file", str(path))
        if st.st_size > max_bytes:
            return b"", Fingerprint(st.st_size, st.st_mtime_ns, None)
        data = f.read(max_bytes + 1)
    return data, Fingerprint.of_bytes(data, st)


# the lock ----------------------------------------------------------------------------------------


def lock_path(workbook: Path) -> Path:
    """The sidecar file every sheetsync run on `workbook` locks: .NAME.xlsx.sheetsync-lock."""
    return workbook.with_name(f".{workbook.name}{TEMP_MARK}lock")


class RunLock:
    """An exclusive lock on `path` (created if missing, never deleted), waited for up to `wait`
    seconds; re-entrant within one RunLock object."""

    def __init__(self, path: Path, what: str, wait: float | None = None):
        self.path, self.what = path, what
        self.wait = wait if wait is not None else float(os.environ.get("SHEETSYNC_LOCK_WAIT", LOCK_WAIT))
        self._fd: int | None = None
        self._depth = 0
        self._guard = threading.Lock()

    def __enter__(self) -> RunLock:
        with self._guard:
            if self._depth == 0:
                self._fd = self._acquire()
            self._depth += 1
        return self

    def __exit__(self, *exc) -> None:
        with self._guard:
            self._depth -= 1
            if self._depth == 0 and self._fd is not None:
                os.close(self._fd)  # closing releases the lock
                self._fd = None

    def _acquire(self) -> int:
        try:
            # read-only is enough for flock: a lock file made by another user still serves
            fd = os.open(self.path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o666)
        except OSError as exc:
            raise folder_error(self.path.parent, exc) from exc
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise BackendError(
                        N_("Another sheetsync run has been working on {what} for more than {seconds} seconds."),
                        N_("Wait for it to finish, then run again."),
                        what=self.what,
                        seconds=int(self.wait),
                    ) from None
                time.sleep(0.05)


def folder_error(folder: Path, exc: OSError) -> BackendError:
    """Exit 3: the folder cannot be written (read-only, no permission, full)."""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return BackendError(
            N_("sheetsync cannot write in the folder {folder} (it is read-only for this user); nothing was written."),
            N_("Run sheetsync as a user who may write there, or move the workbook to a folder you can write in."),
            folder=folder.name or str(folder),
        )
    return BackendError(
        N_("Could not write in the folder {folder}: {reason}; nothing was written."),
        N_("Check the folder's permissions and free space."),
        folder=folder.name or str(folder),
        reason=exc.strerror or str(exc) or type(exc).__name__,
    )


# replacing -------------------------------------------------------------------------------------


def _renameat2() -> Callable | None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


_RENAMEAT2 = _renameat2()
AT_FDCWD, RENAME_EXCHANGE = -100, 2


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step; False when the system cannot (then nothing happened)."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries to disk, so that a rename survives a power cut."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temporaries(workbook: Path) -> list[Path]:
    """Temporary files that killed runs left beside `workbook` (call it under the run lock: no
    other sheetsync run is writing then). Older releases named them .STEM-XXXXXXXX.SUFFIX."""
    mine = re.compile(re.escape(f".{workbook.name}{TEMP_MARK}") + r"[A-Za-z0-9_]{8}\.tmp")
    older = re.compile(re.escape(f".{workbook.stem}-") + r"[a-z0-9_]{8}" + re.escape(workbook.suffix))
    removed = []
    for candidate in workbook.parent.iterdir():
        if mine.fullmatch(candidate.name) or older.fullmatch(candidate.name):
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def refuse_read_only(path: Path, st: os.stat_result) -> None:
    """Exit 3 when the workbook is read-only (no write bit, or no write access for this user)."""
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise BackendError(
            N_("{name} is read-only; nothing was written."),
            N_("Make it writable (in its properties, or chmod u+w) if sheetsync should update it."),
            name=path.name,
        )


def _changed(name: str) -> BackendError:
    return BackendError(
        N_("{name} changed while sheetsync was computing; nothing was written."),
        N_("Run the command again."),
        name=name,
    )


@contextlib.contextmanager
def _temporary(path: Path) -> Iterator[Path]:
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.name}{TEMP_MARK}", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise folder_error(path.parent, exc) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _keep_owner(tmp: Path, st: os.stat_result) -> None:
    """The new file gets the workbook's mode, and its owner and group where this user may give them."""
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    for uid, gid in ((st.st_uid, st.st_gid), (-1, st.st_gid)):
        try:
            os.chown(tmp, uid, gid)
            break
        except PermissionError:
            continue
    os.chmod(tmp, stat.S_IMODE(st.st_mode))  # chown clears set-id bits


def _umask() -> int:
    """The process's umask (read by setting it, then putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _flush(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


def backup_of(path: Path) -> Path:
    """Where the workbook as it was before sheetsync's last write is kept: NAME.xlsx.bak beside it."""
    return path.with_name(path.name + ".bak")


def replace_file(
    path: Path, read: Fingerprint | None, write: Callable[[Path], None], before: Callable[[], None] = lambda: None
) -> None:
    """`write(temporary path)`, then the temporary file replaces `path` (a real file, not a link:
    resolve links first) as described above. `read` is the fingerprint the new content was
    computed from (None: `path` must not exist yet); `before()` runs just before the swap (the
    check that no spreadsheet program has the file open)."""
    bak = backup_of(path)
    try:
        with _temporary(path) as tmp:
            write(tmp)
            if read is None:
                os.chmod(tmp, 0o666 & ~_umask())  # a new workbook: as any program would create it
                _flush(tmp)
                before()
                try:
                    os.link(tmp, path)  # fails if someone created the file meanwhile
                except FileExistsError:
                    raise _changed(path.name) from None
            else:
                st = os.stat(path)
                refuse_read_only(path, st)
                _keep_owner(tmp, st)
                _flush(tmp)
                before()
                _swap(path, tmp, bak, read)
            fsync_folder(path.parent)
    except BackendError:
        raise
    except OSError as exc:
        raise BackendError(
            N_("Could not write {name}: {reason}; nothing was written."),
            N_("Check the folder's permissions and free space."),
            name=path.name,
            reason=exc.strerror or str(exc) or type(exc).__name__,
        ) from exc


def _swap(path: Path, tmp: Path, bak: Path, read: Fingerprint) -> None:
    if bak.is_dir() and not bak.is_symlink():
        raise BackendError(
            N_("{name} is a folder: sheetsync keeps the previous version of the workbook under that name."),
            N_("Rename or move that folder, then run again."),
            name=bak.name,
        )
    if Fingerprint.of_path(path) != read:
        raise _changed(path.name)
    ours = Fingerprint.of_path(tmp)
    if not exchange(tmp, path):
        staging = tmp.with_name(tmp.name + ".bak")
        os.link(path, staging)  # the .bak is the very file read: an edit saved in place lands in it
        os.replace(staging, bak)
        if Fingerprint.of_path(path) != read:
            raise _changed(path.name)
        os.replace(tmp, path)
        return
    # tmp now holds the file that was at `path` a moment ago
    if Fingerprint.of_path(tmp) == read:
        os.replace(tmp, bak)  # rename, never through a link planted as the .bak
        return
    exchange(tmp, path)  # someone saved in between: put their file back
    if Fingerprint.of_path(tmp) != ours:  # and yet another save landed on ours: keep it
        os.replace(tmp, bak)
    raise _changed(path.name)
