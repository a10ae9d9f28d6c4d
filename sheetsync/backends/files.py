"""Replacing a workbook on disk without losing anybody's edit, and one sheetsync run at a time.

- `RunLock`: an exclusive advisory lock (flock) on a sidecar file beside the workbook,
  `.NAME.xlsx.sheetsync-lock`, shared by every sheetsync run on that workbook: other processes,
  and other threads of `serve` (each lock opens the file anew, so they exclude each other too).
- `replace_file`: the new version is written to a temporary file beside the workbook with the
  workbook's mode, owner and group, access control list and extended attributes, flushed to disk,
  then swapped with the workbook in one step (Linux renameat2 RENAME_EXCHANGE) after a last
  compare of size, mtime and content (CRC-32). The file that was swapped out is compared once
  more: if someone saved in between, the swap is undone and the run refused (exit 3); otherwise
  that file becomes NAME.xlsx.bak. So an edit saved at any moment ends in the workbook, in the
  .bak, or the run is refused. The folder is flushed after the swap. Where the exchange is not
  available, a hard link makes the .bak and a rename replaces the workbook (a window of a few
  microseconds remains).
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

from sheetsync.errors import BackendError, SetupError, not_written, os_reason
from sheetsync.i18n import N_

ACL_ATTRIBUTE = "system.posix_acl_access"  # a file's access control list, as Linux keeps it
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


def lock_wait() -> float:
    """The seconds a run waits for another: $SHEETSYNC_LOCK_WAIT, else LOCK_WAIT."""
    typed = os.environ.get("SHEETSYNC_LOCK_WAIT", "").strip()
    try:
        seconds = float(typed) if typed else LOCK_WAIT
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):
        raise SetupError(
            N_('SHEETSYNC_LOCK_WAIT is "{value}", not a number of seconds.'),
            N_("Set it to the seconds a run may wait for another (0: none), or unset it (300)."),
            value=typed,
        )
    return seconds


class RunLock:
    """An exclusive lock on `path` (created if missing, never deleted), waited for up to `wait`
    seconds; re-entrant within one RunLock object."""

    def __init__(self, path: Path, what: str, wait: float | None = None):
        self.path, self.what = path, what
        self.wait = wait  # None: $SHEETSYNC_LOCK_WAIT, read when the lock is taken
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

    def _open(self) -> int:
        """The lock file, opened read-only (enough for flock: one made by another user still serves);
        made readable by all whatever the umask, so that every member's runs can take it."""
        flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW
        while True:
            try:
                fd = os.open(self.path, flags | os.O_CREAT | os.O_EXCL, 0o644)
                with contextlib.suppress(OSError):  # a file system with fixed modes (vfat) keeps its own
                    os.fchmod(fd, 0o644)
                return fd
            except FileExistsError:
                pass
            except OSError as exc:
                raise folder_error(self.path.parent, exc) from exc
            try:
                return os.open(self.path, flags)
            except FileNotFoundError:
                continue  # removed in between: make it again
            except PermissionError:
                raise BackendError(
                    N_("sheetsync cannot open its lock file {lock}: another user made it readable only by them."),
                    N_("Delete {lock} (it holds nothing: the next run makes it again), then run again."),
                    lock=self.path.name,
                ) from None
            except OSError as exc:
                raise folder_error(self.path.parent, exc) from exc

    def _acquire(self) -> int:
        wait = self.wait if self.wait is not None else lock_wait()
        fd = self._open()
        deadline = time.monotonic() + wait
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
                        seconds=int(wait),
                    ) from None
                time.sleep(0.05)


def folder_error(folder: Path, exc: OSError) -> BackendError:
    """Exit 3: the folder cannot be written (read-only, no permission, full, a name too long)."""
    if exc.errno == errno.ENAMETOOLONG:
        return BackendError(
            N_(
                "The workbook's name is too long for the files sheetsync keeps beside it (its lock and "
                "its temporary copy); nothing was written."
            ),
            N_("Give the workbook a shorter name."),
        )
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
        reason=os_reason(exc),
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
    other sheetsync run is writing then): .NAME.xlsx.sheetsync-XXXXXXXX.tmp, and the .tmp.bak
    link to the workbook a run makes where the swap in one step is not available. Only names
    that hold sheetsync's mark: a hidden copy someone keeps beside the workbook stays."""
    mine = re.compile(re.escape(f".{workbook.name}{TEMP_MARK}") + r"[A-Za-z0-9_]{8}\.tmp(?:\.bak)?")
    removed = []
    for candidate in workbook.parent.iterdir():
        if mine.fullmatch(candidate.name):
            with contextlib.suppress(OSError):
                candidate.unlink()
                removed.append(candidate)
    return removed


def not_allowed(name: str) -> BackendError:
    """Exit 3: this user may not read the workbook (its permissions, or its folder's)."""
    return BackendError(
        N_("sheetsync may not read {name}: this user has no permission to open it or its folder."),
        N_("Run sheetsync as a user who may read the workbook, or ask its owner to let you (its permissions)."),
        name=name,
    )


def refuse_read_only(path: Path, st: os.stat_result) -> None:
    """Exit 3 when the workbook is read-only (no write bit, or no write access for this user)."""
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise BackendError(
            N_("{name} is read-only; nothing was written."),
            N_("Make it writable (in its properties, or chmod u+w) if sheetsync should update it."),
            name=path.name,
        )


def refuse_other_names(path: Path, st: os.stat_result, bak: Path) -> None:
    """Exit 3 when the workbook has another name (a hard link) than its own and its .bak: the new
    version replaces the file, so the other name would stay on the old one, and what is typed
    through it would never be read again."""
    ours = 1
    with contextlib.suppress(OSError):  # a killed run's .bak can still be the workbook itself
        ours += os.path.samestat(os.stat(bak, follow_symlinks=False), st)
    if st.st_nlink > ours:
        raise BackendError(
            N_(
                "{name} has another name elsewhere (a hard link): sheetsync replaces the file when it "
                "writes, which would leave that name on the old version; nothing was written."
            ),
            N_("Keep one name for the workbook: delete the other one, or make it a symbolic link (ln -s)."),
            name=path.name,
        )


def changed_meanwhile(name: str) -> BackendError:
    """Exit 3: the workbook is no longer what sheetsync read (someone saved it): run again."""
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


def _keep_attributes(tmp: Path, path: Path) -> None:
    """The new file gets the workbook's access control list (who else may read or write it) and its
    user.* extended attributes; not the security.* or trusted.* ones, which belong to the old
    content (a signature) or to the system. Those this user may not set are left (not on Linux:
    none)."""
    if not hasattr(os, "listxattr"):
        return
    with contextlib.suppress(OSError):
        for name in os.listxattr(path):
            if name == ACL_ATTRIBUTE or name.startswith("user."):
                with contextlib.suppress(OSError):
                    os.setxattr(tmp, name, os.getxattr(path, name))


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
                    raise changed_meanwhile(path.name) from None
            else:
                st = os.stat(path)
                refuse_read_only(path, st)
                refuse_other_names(path, st, bak)
                _keep_owner(tmp, st)
                _keep_attributes(tmp, path)
                _flush(tmp)
                before()
                _swap(path, tmp, bak, read)
            fsync_folder(path.parent)
    except BackendError:
        raise
    except OSError as exc:
        raise not_written(path.name, exc) from exc


def _swap(path: Path, tmp: Path, bak: Path, read: Fingerprint) -> None:
    if bak.is_dir() and not bak.is_symlink():
        raise BackendError(
            N_("{name} is a folder: sheetsync keeps the previous version of the workbook under that name."),
            N_("Rename or move that folder, then run again."),
            name=bak.name,
        )
    if Fingerprint.of_path(path) != read:
        raise changed_meanwhile(path.name)
    ours = Fingerprint.of_path(tmp)
    if not exchange(tmp, path):
        staging = tmp.with_name(tmp.name + ".bak")
        os.link(path, staging)  # the .bak is the very file read: an edit saved in place lands in it
        os.replace(staging, bak)
        staging.unlink(missing_ok=True)  # still there when the .bak already was that file (rename(2))
        if Fingerprint.of_path(path) != read:
            raise changed_meanwhile(path.name)
        os.replace(tmp, path)
        return
    # tmp now holds the file that was at `path` a moment ago
    if Fingerprint.of_path(tmp) == read:
        os.replace(tmp, bak)  # rename, never through a link planted as the .bak
        return
    exchange(tmp, path)  # someone saved in between: put their file back
    if Fingerprint.of_path(tmp) != ours:  # and yet another save landed on ours: keep it
        os.replace(tmp, bak)
    raise changed_meanwhile(path.name)
