"""`make bench`'s phase table clocks the sync's own functions by name (bench/phases.py). When one
of them is renamed or no longer called by a sync, the table would silently show a phase of 0 ms:
this holds every phase measured on a real sync, and the sync itself done."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
from conftest import write_xlsx

PHASES = Path(__file__).resolve().parents[1] / "bench" / "phases.py"


def test_every_phase_of_a_sync_is_clocked(tmp_path, example2):
    path = tmp_path / "group.xlsx"
    write_xlsx(path, example2)
    done = subprocess.run([sys.executable, str(PHASES), str(path)], capture_output=True, text=True, check=True)
    phases = json.loads(done.stdout.strip().splitlines()[-1])
    assert "Balances" in openpyxl.load_workbook(path).sheetnames  # the clocked run is a real sync
    assert len(phases) == 11
    measured = {name: seconds for name, seconds in phases.items() if not name.startswith("the rest")}
    assert [name for name, seconds in measured.items() if seconds <= 0] == []
    assert phases["the rest (run lock, command line)"] < sum(measured.values())
