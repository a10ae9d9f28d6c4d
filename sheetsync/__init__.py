"""sheetsync: a car-sharing group's spreadsheet as its logbook, ledger and calendar.

The public API (see `sheetsync.api`):

    import sheetsync
    report = sheetsync.load("group.xlsx")   # read, check, compute: the Report
    report.to_dict()                        # what `sheetsync report --format json` prints
    sheetsync.sync("group.xlsx")            # rewrite the generated tabs, as `sheetsync sync`
    sheetsync.draft_agreement("group.xlsx") # the group's agreement, as `sheetsync agreement`

Names are imported on first use, so `import sheetsync` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.2.0"
__all__ = [
    "load",
    "sync",
    "open_report",
    "notices",
    "draft_agreement",
    "Report",
    "SheetsyncError",
    "SetupError",
    "BackendError",
]

if TYPE_CHECKING:
    from sheetsync.api import draft_agreement, load, notices, open_report, sync
    from sheetsync.errors import BackendError, SetupError, SheetsyncError
    from sheetsync.pipeline import Report

_HOME = {
    "load": "sheetsync.api",
    "sync": "sheetsync.api",
    "open_report": "sheetsync.api",
    "notices": "sheetsync.api",
    "draft_agreement": "sheetsync.api",
    "Report": "sheetsync.pipeline",
    "SheetsyncError": "sheetsync.errors",
    "SetupError": "sheetsync.errors",
    "BackendError": "sheetsync.errors",
}


def __getattr__(name: str):
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'sheetsync' has no attribute {name!r}")
