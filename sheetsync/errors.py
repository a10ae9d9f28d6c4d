"""Exceptions for things that stop a run. Bad user data is never an exception: it is a Problem.

An error keeps its sentence as an English message id and its parameters, and is put into words
in a language when it is shown (`in_language`): the group's language when the code that raised
it knew it (`lang`), else the language of the person at the terminal.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sheetsync.i18n import N_, Phrase, t, user_language


@contextmanager
def said_in(lang: str | None) -> Iterator[None]:
    """An error raised in this block, said in `lang` (the group's, once its workbook is read)
    unless the code that raised it chose one; `lang` None changes nothing."""
    try:
        yield
    except SheetsyncError as exc:
        exc.lang = exc.lang or lang
        raise


class SheetsyncError(Exception):
    """Base class. `exit_code` is what the command line exits with."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "", lang: str | None = None, **params: object):
        super().__init__(message)
        self.msgid = message
        self.hint_id = hint
        self.lang = lang
        self.params = params

    def in_language(self, lang: str | None = None) -> tuple[str, str]:
        """(message, hint) in `lang`, else the language the error was raised in, else the user's."""
        lang = lang or self.lang or user_language()
        hint = t(lang, self.hint_id, **self.params) if self.hint_id else ""
        return t(lang, self.msgid, **self.params), hint

    @property
    def message(self) -> str:
        return self.in_language()[0]

    @property
    def hint(self) -> str:
        return self.in_language()[1]

    def __str__(self) -> str:
        message, hint = self.in_language()
        return f"{message}\n  → {hint}" if hint else message


class DataError(SheetsyncError):
    """What was asked needs figures that the data's errors make wrong, so it was not done (exit 1)."""

    exit_code = 1


class SetupError(SheetsyncError):
    """Usage or setup error: no such file, missing tab or column, bad credentials (exit 2)."""

    exit_code = 2


class BackendError(SheetsyncError):
    """The storage failed: network, API, file locked or changed underneath (exit 3)."""

    exit_code = 3


# Why the system said no, for the reasons a group meets (a full disk, a refused connection), in
# words the catalogues translate: "No space left on device" is not left in English inside a
# French sentence.
OS_REASONS = {
    errno.ENOSPC: N_("the disk is full"),
    errno.EDQUOT: N_("the disk space allowed to this user is used up"),
    errno.EROFS: N_("the disk is read-only"),
    errno.EACCES: N_("permission denied"),
    errno.EPERM: N_("permission denied"),
    errno.ENOENT: N_("no such file or folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EISDIR: N_("it is a folder"),
    errno.EIO: N_("the disk could not be read or written"),
    errno.EBUSY: N_("the file is in use"),
    errno.EMFILE: N_("too many files are open"),
    errno.ENFILE: N_("too many files are open"),
    errno.ENAMETOOLONG: N_("a name is too long"),
    errno.ELOOP: N_("too many symbolic links"),
    errno.ECONNREFUSED: N_("the connection was refused"),
    errno.ECONNRESET: N_("the connection was cut"),
    errno.ETIMEDOUT: N_("the connection timed out"),
    errno.EHOSTUNREACH: N_("the server cannot be reached"),
    errno.ENETUNREACH: N_("the network cannot be reached"),
}
# getaddrinfo's reasons (socket.gaierror), by their names: their numbers differ from one system to another
NAME_REASONS = {
    "EAI_NONAME": N_("the server's name was not found"),
    "EAI_NODATA": N_("the server's name was not found"),
    "EAI_AGAIN": N_("the server's name could not be looked up now"),
}


def not_written(name: str, exc: OSError, lang: str | None = None) -> BackendError:
    """Exit 3: the file `name` could not be written, and why (`os_reason`)."""
    return BackendError(
        N_("Could not write {name}: {reason}; nothing was written."),
        N_("Check the folder's permissions and free space."),
        lang,
        name=name,
        reason=os_reason(exc),
    )


def read_toml(path: str | os.PathLike, hint: str) -> dict:
    """The settings file at `path`, read as TOML; a SetupError (exit 2) says why it cannot be, with
    `hint` (what the file is and where it is described)."""
    import tomllib  # only where a settings file is read
    from pathlib import Path

    try:
        return tomllib.loads(Path(path).read_text())
    except FileNotFoundError as exc:
        raise SetupError(N_("No configuration file {path}."), hint, path=path) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise not_read(path, exc, hint) from exc
    except tomllib.TOMLDecodeError as exc:
        raise SetupError(N_("{path} is not valid TOML: {error}"), hint, path=path, error=exc) from exc


def not_read(path: object, exc: OSError | ValueError, hint: str, unlike: str = N_("it is not text")) -> SetupError:
    """Exit 2: a settings file (`path`) that cannot be read, and why: the system's reason, or
    `unlike` when its content is not what it should be (`hint` says what it should hold)."""
    reason = os_reason(exc) if isinstance(exc, OSError) else Phrase(unlike)
    return SetupError(N_("Cannot read {path}: {reason}."), hint, path=path, reason=reason)


def os_reason(exc: OSError) -> str:
    """Why `exc` happened: a Phrase the message's language translates for a usual reason of the
    system's, else its own words ("certificate verify failed", a mail server's reply)."""
    import socket  # loaded by whatever failed on the network; only read when a reason is said

    code, said = exc.errno, exc.strerror or ""
    if isinstance(exc, TimeoutError) and code is None:  # a socket's timeout
        return Phrase(OS_REASONS[errno.ETIMEDOUT])
    if isinstance(exc, socket.gaierror):
        name = next((n for n in NAME_REASONS if getattr(socket, n, None) == code), None)
        return Phrase(NAME_REASONS[name]) if name else said or str(exc)
    if code in OS_REASONS and said == os.strerror(code):  # not an SSL error's own number
        return Phrase(OS_REASONS[code])
    return said or str(exc) or type(exc).__name__
