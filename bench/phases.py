"""Where a sync's time goes: `python bench/phases.py WORKBOOK` syncs it once, in this fresh process,
with a clock around each phase, and prints the seconds of each as JSON (`make bench` prints them).

The clocks wrap the functions each phase calls, where the sync's modules import them, so the run
is the CLI's own, at full speed (a profiler would slow the Python parts several times more than
python-calamine's). A phase includes the libraries it imports the first time it runs (babel in
the generated tabs). python-calamine's read is the time its methods take to hand over the rows;
the rows into records is the rest of parsing (the sheets are read as their rows are gone
through). Bench code only: it names the sync's internals, and fails loudly when one is renamed.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict

STARTED = time.perf_counter()
spent: dict[str, float] = defaultdict(float)


def clocked(module, name: str, phase: str) -> None:
    """Replace `module.name` by the same function with a clock around it, adding to `phase`."""
    function = getattr(module, name)

    def timed(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[phase] += time.perf_counter() - started

    setattr(module, name, timed)


class ClockedCalamine:
    """python-calamine's workbook, the time of its reading methods kept apart."""

    def __init__(self, workbook):
        self.workbook, self.sheet_names = workbook, workbook.sheet_names

    @classmethod
    def from_filelike(cls, stream):
        started = time.perf_counter()
        from python_calamine import CalamineWorkbook

        workbook = cls(CalamineWorkbook.from_filelike(stream))
        spent["calamine opened"] += time.perf_counter() - started
        return workbook

    def get_sheet_by_name(self, name: str):
        started = time.perf_counter()
        sheet = self.workbook.get_sheet_by_name(name)
        rows = list(sheet.iter_rows())
        spent["calamine"] += time.perf_counter() - started
        return _Sheet(sheet.start, sheet.height, rows)


class _Sheet:
    def __init__(self, start, height, rows):
        self.start, self.height, self.rows = start, height, rows

    def iter_rows(self):
        return iter(self.rows)


def main(path: str) -> None:
    from sheetsync.app.console import command_line

    cli = command_line().cli  # imported as the console script imports it
    imported = time.perf_counter()
    from sheetsync.backends import xlsx  # what the command imports when it opens a local workbook

    spent["backend"] = time.perf_counter() - imported
    from sheetsync import api, pipeline

    xlsx.CalamineWorkbook = ClockedCalamine
    clocked(xlsx, "check_package", "checks")
    clocked(xlsx, "read_marks", "marks")
    clocked(pipeline, "parse_workbook", "parse")
    clocked(pipeline, "validate", "validate")
    clocked(api, "build_report", "report")
    clocked(api, "generated_tables", "tables")
    clocked(xlsx.XlsxBackend, "write_tabs", "write")
    cli.main(["sync", path, "--as-of", "2025-12-31", "--quiet"], standalone_mode=False)
    done = time.perf_counter()
    phases = {
        "imports of the command": imported - STARTED,
        "imports for the workbook (python-calamine)": spent["backend"],
        "bounded-reading checks": spent["checks"],
        "marks (hidden rows, error cells)": spent["marks"],
        "python-calamine's read": spent["calamine opened"] + spent["calamine"],
        "rows into records": spent["parse"] - spent["calamine"],
        "checks of the records": spent["validate"],
        "money: ledger, shares, statements, history": spent["report"] - spent["parse"] - spent["validate"],
        "generated tabs (babel's formats)": spent["tables"],
        "writing the workbook": spent["write"],
    }
    phases["the rest (run lock, command line)"] = (done - imported) - sum(
        v for k, v in phases.items() if k != "imports of the command"
    )
    print(json.dumps(phases))


if __name__ == "__main__":
    main(sys.argv[1])
