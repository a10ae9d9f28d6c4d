"""Files as their owners left them: mode, owner and group kept; read-only workbooks and folders
refused (exit 3); a symlinked workbook updates its target; the .bak never written through a
link; temporary files of killed runs removed; a save landing inside the swap is never lost."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import read_xlsx, write_xlsx

from sheetsync import api as jobs
from sheetsync.app.cli import cli
from sheetsync.backends import files
from sheetsync.errors import BackendError

AS_OF = date(2025, 12, 31)
ANY = 0xFFFFFFFF  # an ACL entry that names no user or group


def sync(path):
    return CliRunner().invoke(cli, ["sync", str(path), "--as-of", "2025-12-31"])


@pytest.fixture
def workbook(tmp_path, example2):
    return write_xlsx(tmp_path / "group.xlsx", example2)


def test_a_new_workbook_gets_the_usual_mode(tmp_path):
    old = os.umask(0o022)
    try:
        assert CliRunner().invoke(cli, ["init", str(tmp_path / "new.xlsx")]).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.xlsx").stat().st_mode) == 0o644


def test_mode_is_kept(workbook):
    os.chmod(workbook, 0o664)
    assert sync(workbook).exit_code == 0
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o664
    os.chmod(workbook, 0o640)
    assert sync(workbook).exit_code == 0
    assert stat.S_IMODE(workbook.stat().st_mode) == 0o640


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_owner_and_group_are_kept_when_root_syncs_a_users_file(workbook):
    os.chown(workbook, 1234, 5678)
    assert sync(workbook).exit_code == 0
    st = workbook.stat()
    assert (st.st_uid, st.st_gid) == (1234, 5678)


def test_access_control_list_and_extended_attributes_are_kept(workbook):
    """An ACL says who else may write the workbook: without it, a named member would lose access
    and the group's mask would become its rights."""
    try:
        os.setxattr(workbook, "user.comment", b"le carnet de la voiture")
    except OSError as exc:
        pytest.skip(f"no extended attributes on this file system ({exc})")
    # user::rw- user:4321:rw- group::r-- mask::rw- other::--- (the kernel's form of an ACL)
    entries = [(0x01, 6, ANY), (0x02, 6, 4321), (0x04, 4, ANY), (0x10, 6, ANY), (0x20, 0, ANY)]
    acl = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in entries)
    with contextlib.suppress(OSError):  # a file system without ACLs: the user.* attribute still counts
        os.setxattr(workbook, "system.posix_acl_access", acl)
    before = {name: os.getxattr(workbook, name) for name in os.listxattr(workbook)}
    if os.geteuid() == 0:  # the system's own attributes belong to the old content: not copied
        os.setxattr(workbook, "trusted.signature", b"of the old content")
    mode = stat.S_IMODE(workbook.stat().st_mode)
    assert sync(workbook).exit_code == 0
    assert {name: os.getxattr(workbook, name) for name in os.listxattr(workbook)} == before
    assert stat.S_IMODE(workbook.stat().st_mode) == mode


def as_someone_else(*args: str) -> subprocess.CompletedProcess:
    """`sheetsync ARGS` run by a user who owns nothing here (nobody, when the tests run as root)."""
    command = [sys.executable, "-m", "sheetsync", *args]
    if os.geteuid() == 0:
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
    return subprocess.run(command, capture_output=True, text=True, env={**os.environ, "LC_ALL": "C.UTF-8"})


@pytest.mark.parametrize("closed", ["workbook", "folder"])
def test_a_workbook_this_user_may_not_read_is_said_so(example2, closed):
    """Not "save it again" (the file is fine), not an unexpected error: a permission, and whose."""
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.skip("no setpriv to run as another user")
    folder = Path(tempfile.mkdtemp(prefix="sheetsync-perm-"))  # in /tmp: other users may reach it
    try:
        os.chmod(folder, 0o755)
        path = write_xlsx(folder / "group.xlsx", example2)
        os.chmod(path if closed == "workbook" else folder, 0o600 if closed == "workbook" else 0o700)
        if os.geteuid() != 0 and os.access(path, os.R_OK):
            pytest.skip("this user reads every file")
        result = as_someone_else("validate", str(path), "--as-of", "2025-12-31")
        if "No module named" in result.stderr:
            pytest.skip("the other user cannot run this Python")
        assert result.returncode == 3, result.stderr
        assert "sheetsync may not read group.xlsx: this user has no permission" in result.stderr
        assert "Traceback" not in result.stderr and "save it again" not in result.stderr
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(folder)


def test_a_lock_wait_that_is_not_a_number_is_said(workbook, monkeypatch):
    monkeypatch.setenv("SHEETSYNC_LOCK_WAIT", "abc")
    result = sync(workbook)
    assert result.exit_code == 2
    assert 'SHEETSYNC_LOCK_WAIT is "abc", not a number of seconds.' in result.stderr


def test_a_read_only_workbook_is_refused_and_left_alone(workbook):
    os.chmod(workbook, 0o444)
    before = workbook.read_bytes()
    result = sync(workbook)
    assert result.exit_code == 3 and "read-only" in result.stderr
    assert workbook.read_bytes() == before
    assert not workbook.with_name("group.xlsx.bak").exists()


def test_a_read_only_folder_is_exit_3_with_a_message(workbook, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    result = sync(workbook)
    assert result.exit_code == 3
    assert "cannot write in the folder" in result.stderr and "Traceback" not in result.output


def test_a_full_disk_is_said_in_the_groups_language(workbook, example2, monkeypatch):
    """The system's reason (ENOSPC) is put in the group's words, not left in English inside a French sentence."""
    example2["Settings"] += [["langue", "fr"]]
    write_xlsx(workbook, example2)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full)
    result = sync(workbook)
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert "le disque est plein" in result.stderr and "No space left" not in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_a_really_read_only_folder(tmp_path, example2):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = write_xlsx(folder / "group.xlsx", example2)
    os.chmod(folder, 0o555)
    try:
        result = sync(path)
        assert result.exit_code == 3 and "cannot write in the folder" in result.stderr
    finally:
        os.chmod(folder, 0o755)


def test_a_symlinked_workbook_updates_its_target(tmp_path, workbook):
    link = tmp_path / "link.xlsx"
    link.symlink_to(workbook)
    assert sync(link).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == str(workbook)
    assert "Balances" in read_xlsx(workbook)
    assert workbook.with_name("group.xlsx.bak").exists()


def test_the_bak_is_never_written_through_a_link(tmp_path, workbook):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    workbook.with_name("group.xlsx.bak").symlink_to(victim)
    assert sync(workbook).exit_code == 0
    assert victim.read_text() == "precious"
    bak = workbook.with_name("group.xlsx.bak")
    assert not bak.is_symlink() and bak.stat().st_size > 1000


def test_temporary_files_of_killed_runs_are_removed_and_nothing_else(workbook):
    stale = [workbook.with_name(".group.xlsx.sheetsync-abcd1234.tmp")]
    stale[0].write_bytes(b"PK half written")
    stale.append(workbook.with_name(".group.xlsx.sheetsync-efgh5678.tmp.bak"))
    os.link(workbook, stale[1])  # the link a run makes where the swap in one step is not available
    kept = [".group-notes.xlsx", ".group-20251231.xlsx", ".group-decembre.xlsx", ".group.xlsx.sheetsync-mine.xlsx"]
    for name in kept:  # hidden copies people keep beside the workbook
        workbook.with_name(name).write_bytes(b"someone's file")
    assert sync(workbook).exit_code == 0
    assert not any(p.exists() for p in stale)
    assert sorted(p.name for p in workbook.parent.iterdir() if p.name.startswith(".")) == sorted(
        [*kept, ".group.xlsx.sheetsync-lock"]
    )
    assert all(workbook.with_name(name).read_bytes() == b"someone's file" for name in kept)


def test_the_lock_file_is_readable_by_every_member_whatever_the_umask(workbook):
    """Made under umask 077 it would lock every other member out of the workbook."""
    old = os.umask(0o077)
    try:
        assert sync(workbook).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(files.lock_path(workbook).stat().st_mode) == 0o644


def test_a_workbook_with_a_second_name_is_refused_and_left_alone(tmp_path, workbook):
    """A hard link would stay on the old version, and what is typed through it would never be read."""
    (tmp_path / "other").mkdir()
    other = tmp_path / "other" / "copy.xlsx"
    os.link(workbook, other)
    before = workbook.read_bytes()
    result = sync(workbook)
    assert result.exit_code == 3 and "has another name elsewhere (a hard link)" in result.stderr
    assert "ln -s" in result.stderr and "Traceback" not in result.output
    assert workbook.read_bytes() == before and os.path.samefile(workbook, other)
    other.unlink()
    workbook.with_name("group.xlsx.bak").hardlink_to(workbook)  # left so by a run killed mid-swap
    assert sync(workbook).exit_code == 0
    assert workbook.stat().st_nlink == 1


def test_a_save_landing_inside_the_swap_is_put_back_and_the_run_refused(workbook, example2, monkeypatch):
    real = files.exchange
    edit = write_xlsx(workbook.with_name("edit.xlsx"), {**example2, "Notes": [["saved inside the swap"]]})

    def save_then_exchange(a, b):
        os.replace(edit, b)  # a member's save lands between the last check and the swap
        monkeypatch.setattr(files, "exchange", real)
        return real(a, b)

    monkeypatch.setattr(files, "exchange", save_then_exchange)
    with pytest.raises(BackendError, match="changed"):
        jobs.sync(str(workbook), AS_OF)
    assert "Notes" in read_xlsx(workbook) and "Balances" not in read_xlsx(workbook)
    assert [p.name for p in workbook.parent.iterdir() if p.suffix == ".tmp"] == []


def test_without_an_atomic_exchange_the_bak_is_the_very_file_read(workbook, monkeypatch):
    monkeypatch.setattr(files, "_RENAMEAT2", None)
    original = workbook.read_bytes()
    assert sync(workbook).exit_code == 0
    assert workbook.with_name("group.xlsx.bak").read_bytes() == original
    assert "Balances" in read_xlsx(workbook)


def test_a_folder_where_the_bak_goes_and_a_pipe_as_workbook_are_refused(tmp_path, workbook):
    (tmp_path / "group.xlsx.bak").mkdir()
    before = workbook.read_bytes()
    result = sync(workbook)
    assert result.exit_code == 3 and "is a folder" in result.stderr
    assert workbook.read_bytes() == before
    pipe = tmp_path / "pipe.xlsx"
    os.mkfifo(pipe)
    result = CliRunner().invoke(cli, ["validate", str(pipe)])
    assert result.exit_code == 2 and "not a regular file" in result.stderr


def test_a_phone_entry_reads_the_workbook_once_and_an_edit_saved_meanwhile_is_kept(workbook, monkeypatch):
    from datetime import datetime

    from sheetsync.backends import xlsx

    reads = []

    def counted(path, max_bytes):
        reads.append(path)
        return files.read_file(path, max_bytes)

    monkeypatch.setattr(xlsx, "read_file", counted)
    trip = {"vehicle": "Clio", "date": datetime(2026, 1, 4, 9), "odometer_start": 22790, "odometer_end": 22850}
    done = jobs.submit_entry(str(workbook), "Julien", "trip", trip, datetime(2026, 1, 5, 18))
    assert done.written and done.row == 3 and len(reads) == 1
    assert read_xlsx(workbook)["Entries"][2][6:8] == [22790, 22850]
    # a member's save landing between the check and the write: refused, their edit kept
    edit = read_xlsx(workbook) | {"Notes": [["saved meanwhile"]]}

    def then_saved(path, max_bytes):
        found = files.read_file(path, max_bytes)
        write_xlsx(workbook, edit)
        return found

    monkeypatch.setattr(xlsx, "read_file", then_saved)
    later = trip | {"odometer_start": 22850, "odometer_end": 22900}
    with pytest.raises(BackendError, match="changed"):
        jobs.submit_entry(str(workbook), "Julien", "trip", later, datetime(2026, 1, 5, 19))
    assert read_xlsx(workbook) == edit


def test_a_written_workbook_is_not_hashed_again(workbook, monkeypatch):
    from sheetsync.backends import xlsx

    events = []
    of_path, replace_file = files.Fingerprint.of_path.__func__, xlsx.replace_file

    def hashed(cls, path):
        events.append(("hashed", path.name))
        return of_path(cls, path)

    def replaced(path, *args, **kwargs):
        replace_file(path, *args, **kwargs)
        events.append(("replaced", path.name))

    monkeypatch.setattr(files.Fingerprint, "of_path", classmethod(hashed))
    monkeypatch.setattr(xlsx, "replace_file", replaced)
    jobs.sync(str(workbook), AS_OF)
    assert events[-1] == ("replaced", "group.xlsx") and ("hashed", "group.xlsx") in events
