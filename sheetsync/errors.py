"""Exceptions for things that stop a run. Bad user data is never an exception: it is a Problem.

An error keeps its sentence as an English message id and its parameters, and is put into words
in a language when it is shown (`in_language`): the group's language when the code that raised
it knew it (`lang`), else the language of the person at the terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sheetsync.i18n import t, user_language


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
