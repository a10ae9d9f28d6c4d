"""Exceptions for things that stop a run. Bad user data is never an exception: it is a Problem."""


class SheetsyncError(Exception):
    """Base class. `exit_code` is what the command line exits with."""

    exit_code = 2

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message


class SetupError(SheetsyncError):
    """Usage or setup error: no such file, missing tab or column, bad credentials (exit 2)."""

    exit_code = 2


class BackendError(SheetsyncError):
    """The storage failed: network, API, file locked or changed underneath (exit 3)."""

    exit_code = 3
