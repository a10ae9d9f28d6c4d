"""Racing writers: a member saving the workbook at any moment of a sync never loses the edit;
sheetsync runs on one workbook go one at a time (processes and serve's threads); ten concurrent
notify calls to serve send each notice exactly once."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import read_xlsx, served, signed_post, write_xlsx

from sheetsync import api as jobs
from sheetsync.app.cli import cli
from sheetsync.app.fleet import FleetConfig, GroupConfig
from sheetsync.app.server import Service
from sheetsync.backends.files import lock_path
from sheetsync.errors import SheetsyncError

AS_OF = date(2025, 12, 31)
RACES = 40  # syncs raced by a save
RACE_BUDGET = 25.0  # seconds at most for all of them (the loop stops early, never fails for time)
SECRET = "a secret of thirty-two bytes or more, for the tests"
# closing a waitress server under its loop thread ends that thread with EBADF: not a finding
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def holds(path: Path, marker: str) -> bool:
    """True when the workbook at `path` is a readable zip holding `marker` in one of its parts."""
    try:
        with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
            return any(marker.encode() in z.read(n) for n in z.namelist())
    except (OSError, zipfile.BadZipFile, KeyError):
        return False


def edited(raw: dict, marker: str) -> bytes:
    """The workbook as a member saves it after typing `marker` into a note beside the Members."""
    members = [list(row) for row in raw["Members"]]
    members[0] += [None] * (4 - len(members[0])) + [marker]  # in E1, or after a wider header
    return write_xlsx(io.BytesIO(), {**raw, "Members": members}).getvalue()


def save(path: Path, data: bytes, in_place: bool) -> None:
    """A spreadsheet program's save: a new file renamed over the old one, or the old one rewritten."""
    if in_place:
        with open(path, "r+b") as f:
            f.truncate(0)
            f.write(data)
        return
    tmp = path.with_name(f"~{path.name}.saving")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def test_a_save_at_any_moment_of_a_sync_is_never_lost(tmp_path, example2):
    path = tmp_path / "group.xlsx"
    base = write_xlsx(tmp_path / "base.xlsx", example2).read_bytes()
    path.write_bytes(base)
    started = time.monotonic()
    jobs.sync(str(path), AS_OF)
    span = time.monotonic() - started  # how long one sync takes here: the saves land within it
    rng = random.Random(12)
    outcomes = {"in the workbook": 0, "in the .bak": 0, "refused": 0}
    for i in range(RACES):
        if time.monotonic() - started > RACE_BUDGET:
            break
        marker = f"edit-{i}-{rng.randrange(10**9)}"
        version = edited(example2, marker)
        path.write_bytes(base)
        path.with_name("group.xlsx.bak").unlink(missing_ok=True)
        result: dict = {}

        def run_sync(result=result):
            try:
                jobs.sync(str(path), AS_OF)
                result["code"] = 0
            except SheetsyncError as exc:
                result["code"] = exc.exit_code

        delay, in_place = rng.uniform(0, span * 1.2), rng.random() < 0.3
        syncing = threading.Thread(target=run_sync)
        syncing.start()
        time.sleep(delay)
        save(path, version, in_place)
        syncing.join()
        bak = path.with_name("group.xlsx.bak")
        if holds(path, marker):
            outcomes["in the workbook"] += 1
        elif bak.exists() and holds(bak, marker):
            outcomes["in the .bak"] += 1
        else:
            pytest.fail(f"race {i}: the edit was lost (sync exit {result.get('code')}, delay {delay:.3f}s)")
        if result["code"] != 0:
            outcomes["refused"] += 1
            assert result["code"] in (2, 3)
    print(outcomes)
    assert sum(outcomes.values()) > 0


def test_runs_on_one_workbook_wait_for_each_other_across_processes(tmp_path, example2, monkeypatch):
    path = write_xlsx(tmp_path / "group.xlsx", example2)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, sys, time; f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX); "
            "print('held', flush=True); sys.stdin.read()",
            str(lock_path(path)),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        before = path.read_bytes()
        result = CliRunner().invoke(
            cli, ["sync", str(path), "--as-of", "2025-12-31"], env={"SHEETSYNC_LOCK_WAIT": "0.3"}
        )
        assert result.exit_code == 3, result.output
        assert "Another sheetsync run" in result.stderr
        assert path.read_bytes() == before
        # reading does not wait: validate and report never write
        assert CliRunner().invoke(cli, ["validate", str(path), "--as-of", "2025-12-31"]).exit_code == 0
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert CliRunner().invoke(cli, ["sync", str(path), "--as-of", "2025-12-31"]).exit_code == 0


def test_threads_of_one_process_exclude_each_other_too(tmp_path, example2):
    path = write_xlsx(tmp_path / "group.xlsx", example2)
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(lambda _: jobs.sync(str(path), AS_OF) and 0, range(6)))
    assert codes == [0] * 6
    assert read_xlsx(path)["Balances"][0][0].startswith("Generated by sheetsync")


@pytest.fixture
def served_lilas(tmp_path, example2, monkeypatch):
    """`serve` on loopback for a local workbook whose members have addresses."""

    example2["Members"] = [
        ["Nom", "Courriel"],
        ["Laurent", "laurent@example.org"],
        ["Catherine", "catherine@example.org"],
        ["Julien", "julien@example.org"],
    ]
    example2["Settings"] += [["langue", "fr"], ["groupe", "Rue des Lilas"]]
    path = write_xlsx(tmp_path / "lilas.xlsx", example2)
    monkeypatch.setenv("SHEETSYNC_SECRET_LILAS", SECRET)
    config = FleetConfig([GroupConfig("lilas", str(path), None, "SHEETSYNC_SECRET_LILAS")])
    with served(Service(config, today=lambda: AS_OF), config, threads=8) as (_, base):
        yield base, path


def test_ten_concurrent_notify_calls_send_each_notice_once(served_lilas, smtp_server):
    base, path = served_lilas

    def call(i):  # ten different signed calls
        return signed_post(base, "/groups/lilas/notify", f'{{"n": {i}}}'.encode(), SECRET, timeout=120)

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(call, range(10)))
    assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
    assert all(a.json()["ok"] for a in answers), [a.json() for a in answers]
    assert sum(a.json()["sent"] for a in answers) == 3
    recipients = sorted(rcpt[0] for _, rcpt, _ in smtp_server.messages)
    assert recipients == ["catherine@example.org", "julien@example.org", "laurent@example.org"]
    sent = read_xlsx(path)["Envois"]
    assert sorted(row[3] for row in sent[2:]) == ["Catherine", "Julien", "Laurent"]
