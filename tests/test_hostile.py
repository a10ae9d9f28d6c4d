"""Hostile and broken workbooks: every one is one line and exit 2, nothing written; bombs are
refused before any parser sees them, naming the limit and how to raise it; the service applies
the same limits and answers every other group as before."""

from __future__ import annotations

import io
import time
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import requests
from conftest import group, read_xlsx, served, signed_post, write_xlsx
from conftest import run_cli as run
from hostile_files import base_ods, base_xlsx, bombs, malformed, part
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync.app.fleet import FleetConfig, GroupConfig
from sheetsync.app.server import Service, sign, without_paths
from sheetsync.backends.a1 import column_number
from sheetsync.backends.limits import Limits, highest_ref, load_limits

CORPUS = malformed()
BOMBS = bombs()
# readable, but not safely updated: validate may pass, sync is refused
SYNC_ONLY = {"missing-content-types.xlsx", "sync-bad-workbook.xlsx", "sync-missing-styles.xlsx"}
SECRET = "a secret of thirty-two bytes or more, for the tests"
# closing a waitress server under its loop thread ends that thread with EBADF: not a finding
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


def assert_one_line(result, code=2):
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_a_malformed_workbook_is_one_line_and_exit_2_and_nothing_is_written(tmp_path, name):
    suffix, data = CORPUS[name]
    path = tmp_path / f"group{suffix}"
    path.write_bytes(data)
    for command in ("validate", "sync"):
        result = run(command, path, "--as-of", "2025-12-31")
        if name in SYNC_ONLY and command == "validate" and result.exit_code != 2:
            assert result.exit_code == 0, result.output
            continue
        assert_one_line(result)
        assert "unexpected error" not in result.stderr, result.stderr
        assert path.read_bytes() == data
        assert not (tmp_path / f"group{suffix}.bak").exists()


@pytest.mark.parametrize(("real", "named"), [(".xlsx", ".ods"), (".ods", ".xlsx")])
def test_a_workbook_under_the_other_formats_name_is_refused_alike_by_every_command(tmp_path, real, named):
    """An .xlsx renamed .ods (or the reverse) is named for what it is, by validate and sync
    alike (validate read it and sync failed on a missing part, naming a Python KeyError)."""
    data = base_xlsx() if real == ".xlsx" else base_ods()
    path = tmp_path / f"group{named}"
    path.write_bytes(data)
    for command in ("validate", "sync"):
        result = run(command, path, "--as-of", "2025-12-31")
        assert_one_line(result)
        assert f"group{named} is an {real} workbook under an {named} name" in result.stderr
        assert f"Rename it group{real}" in result.stderr and "KeyError" not in result.stderr
        assert path.read_bytes() == data


def test_no_file_content_leaks_into_the_message(tmp_path):
    suffix, data = CORPUS["doctype-strings.xlsx"]
    path = tmp_path / "group.xlsx"
    path.write_bytes(data)
    result = run("validate", path)
    assert_one_line(result)
    assert "root:" not in result.output and "DOCTYPE" in result.stderr


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_a_bomb_is_refused_naming_the_limit_and_how_to_raise_it(tmp_path, name):
    suffix, data = BOMBS[name]
    path = tmp_path / f"group{suffix}"
    path.write_bytes(data)
    result = run("sync", path)
    assert_one_line(result)
    assert "is refused" in result.stderr
    if "DOCTYPE" not in result.stderr:
        assert "--limit " in result.stderr and "[limits]" in result.stderr
    assert path.read_bytes() == data


def test_raising_one_limit_meets_the_next(tmp_path):
    path = tmp_path / "group.xlsx"
    path.write_bytes(BOMBS["far-cell-CV1048576.xlsx"][1])
    result = run("validate", path, "--limit", "rows=2000000")
    assert_one_line(result)
    assert "(cells)" in result.stderr and "--limit cells=" in result.stderr
    assert "is refused: Settings spans" in result.stderr  # the tab, as the group names it


def test_limits_from_the_flag_the_environment_and_sheetsync_toml(tmp_path, monkeypatch):
    raw = group(trips=[[date(2025, 1, d), "Laurent", 100 * d, 100 * d + 50] for d in range(1, 29)])
    path = write_xlsx(tmp_path / "group.xlsx", raw)
    assert run("validate", path, "--as-of", "2025-12-31").exit_code == 0
    refused = run("validate", path, "--limit", "rows=10")
    assert_one_line(refused)
    assert "rows=" in refused.stderr
    monkeypatch.chdir(tmp_path)
    Path("sheetsync.toml").write_text("[limits]\nrows = 10\n")
    assert run("validate", path).exit_code == 2
    raised = run("validate", path, "--limit", "rows=1000", "--as-of", "2025-12-31")
    assert raised.exit_code == 0, raised.output
    assert load_limits(["cells=7"]).cells == 7 and load_limits().rows == 10
    monkeypatch.setenv("SHEETSYNC_LIMITS", "rows=20,columns=5")
    assert load_limits().rows == 20 and load_limits().columns == 5
    bad = run("validate", path, "--limit", "rows=many")
    assert_one_line(bad)
    assert "KEY=NUMBER" in bad.stderr


def test_the_defaults_leave_room_for_a_large_real_group():
    limits = Limits()
    assert limits.rows >= 2 * 50_000 and limits.columns >= 100 and limits.cells >= 50_000 * 20


def test_valid_files_of_the_corpus_sync(tmp_path):
    """The files every hostile one is made from are sound: openpyxl reads them, a sync writes its tabs."""
    assert openpyxl.load_workbook(io.BytesIO(base_xlsx())).sheetnames[0] == "Settings"
    for suffix, data in ((".xlsx", base_xlsx()), (".ods", base_ods())):
        path = tmp_path / f"group{suffix}"
        path.write_bytes(data)
        result = run("sync", path, "--as-of", "2025-12-31")
        assert result.exit_code == 0, result.output
    assert "Balances" in read_xlsx(tmp_path / "group.xlsx")
    assert part((tmp_path / "group.ods").read_bytes(), "content.xml").count(b'table:name="Balances"') == 1


# the service -------------------------------------------------------------------------------------


@pytest.fixture
def two_groups(tmp_path, example2, monkeypatch):
    """`serve` on loopback for a group whose workbook is a bomb and a sound group."""

    bomb = tmp_path / "private" / "bomb.xlsx"
    bomb.parent.mkdir()
    bomb.write_bytes(BOMBS["far-cell-XFD1048576.xlsx"][1])
    sound = write_xlsx(tmp_path / "private" / "lilas.xlsx", example2)
    monkeypatch.setenv("SHEETSYNC_SECRET_T", SECRET)
    config = FleetConfig(
        [
            GroupConfig("bomb", str(bomb), None, "SHEETSYNC_SECRET_T"),
            GroupConfig("lilas", str(sound), None, "SHEETSYNC_SECRET_T"),
            GroupConfig("gone", str(tmp_path / "private" / "gone.xlsx"), None, "SHEETSYNC_SECRET_T"),
        ]
    )
    with served(Service(config, today=lambda: date(2025, 12, 31)), config) as (_, base):
        yield base, tmp_path


def post(base, path, body=b"{}", signature=None, timestamp=None):
    return signed_post(base, path, body, SECRET, timestamp, signature, timeout=60)


def test_the_service_refuses_a_bomb_and_serves_the_others(two_groups):
    base, tmp_path = two_groups
    answer = post(base, "/groups/bomb/validate")
    assert answer.status_code == 200 and answer.json()["exit_code"] == 2
    assert "(rows)" in answer.json()["message"]
    assert requests.get(base + "/health", timeout=5).json()["status"] == "ok"
    assert post(base, "/groups/lilas/validate").json()["ok"] is True


def test_answers_never_show_a_server_path(two_groups):
    base, tmp_path = two_groups
    answer = post(base, "/groups/gone/validate").json()
    assert answer["ok"] is False and "gone.xlsx" in answer["message"]
    assert str(tmp_path) not in answer["message"] and "/private/" not in answer["message"]
    assert without_paths("No such workbook: /srv/groups/x.xlsx (see https://a.example/b/c)") == (
        "No such workbook: x.xlsx (see https://a.example/b/c)"
    )


def test_bad_parameters_are_400_and_signatures_have_one_form(two_groups):
    base, _ = two_groups
    assert post(base, "/groups/lilas/validate", b'{"as_of": "31/12/2025"}').status_code == 400
    assert post(base, "/groups/lilas/validate", b'{"as_of": 20251231}').status_code == 400
    assert requests.get(base + "/groups/lilas/calendar.ics?token=%C3%A9", timeout=5).status_code == 400
    assert requests.get(base + "/groups/lilas/calendar.ics?token=%ff%fe", timeout=5).status_code in (400, 401)
    timestamp = str(int(time.time()))
    body = b"{}"
    signature = sign(SECRET.encode(), timestamp, "POST", "/groups/lilas/validate", body)
    assert post(base, "/groups/lilas/validate", body, signature, timestamp).status_code == 200
    for replay in (signature.upper(), signature[:32] + signature[32:].upper()):
        answer = post(base, "/groups/lilas/validate", body, replay, timestamp)
        assert answer.status_code == 401 and "replay" in answer.json()["message"]
    odd = post(base, "/groups/lilas/validate", body, "zz" * 32)
    assert odd.status_code == 401


def test_serve_refuses_a_short_secret_and_apps_script_makes_a_good_one(tmp_path, monkeypatch, example2):
    path = write_xlsx(tmp_path / "lilas.xlsx", example2)
    config = tmp_path / "groups.toml"
    config.write_text(f'[[groups]]\nname = "lilas"\nworkbook = "{path}"\nsecret_env = "SHEETSYNC_SECRET_SHORT"\n')
    monkeypatch.setenv("SHEETSYNC_SECRET_SHORT", "x")
    refused = run("serve", config)
    assert refused.exit_code == 2 and "too short" in refused.stderr
    secret = tmp_path / "lilas.secret"
    made = run("apps-script", path, "--url", "https://cars.example.org", "--group", "lilas", "--new-secret", secret)
    assert made.exit_code == 0, made.output
    text = secret.read_text().strip()
    assert len(text) == 64 and int(text, 16) >= 0 and text not in made.output
    assert secret.stat().st_mode & 0o777 == 0o600
    assert run("apps-script", path, "--url", "u", "--group", "lilas", "--new-secret", secret).exit_code == 2
    service = Service(FleetConfig([GroupConfig("lilas", str(path), None, "SHEETSYNC_SECRET_SHORT")]))
    environ = {"HTTP_X_SHEETSYNC_TIMESTAMP": str(int(time.time())), "HTTP_X_SHEETSYNC_SIGNATURE": "0" * 64}
    assert "no usable secret" in service.verify(service.groups["lilas"], environ, "POST", "/", b"")


def test_waitress_bounds_slow_clients_and_can_be_tuned():
    from sheetsync.app.server import waitress_settings

    settings = waitress_settings(FleetConfig([], {"connection_limit": 50}))
    assert settings["connection_limit"] == 50 and settings["channel_timeout"] == 15 and settings["threads"] == 4
    assert settings["max_request_body_size"] == 64 * 1024


def test_a_client_dripping_its_request_is_closed_and_health_still_answers(tmp_path):
    import socket

    config = FleetConfig([], {"channel_timeout": 1, "cleanup_interval": 1})
    with served(Service(config), config) as (server, base):
        slow = [socket.create_connection(("127.0.0.1", server.effective_port)) for _ in range(5)]
        for s in slow:
            s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        closed = 0
        for _ in range(40):  # a byte every 0.1 s: every client stays busy, none stays silent
            time.sleep(0.1)
            for s in list(slow):
                try:
                    s.sendall(b"X")
                except OSError:
                    slow.remove(s)
                    closed += 1
            if not slow:
                break
        assert not slow, "a client dripping its request was kept open"
        assert requests.get(base + "/health", timeout=5).json()["status"] == "ok"


def test_an_xls_with_a_far_cell_is_refused_before_the_reader(tmp_path, example2):
    from build_fixtures import saved_by_libreoffice

    source = write_xlsx(tmp_path / "far.xlsx", example2)
    import openpyxl

    wb = openpyxl.load_workbook(source)
    wb["Settings"]["IV65536"] = 1  # the last cell an .xls holds: a 16.7-million-cell grid for a reader
    wb.save(source)
    result = run("validate", saved_by_libreoffice(source, tmp_path, "xls"), "--as-of", "2025-12-31")
    assert_one_line(result)
    assert "(columns)" in result.stderr


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["", "A", "G", "Z", "AA", "BC", "ZZ", "XFD"]),
            st.from_regex(r"0{0,2}[0-9]{1,7}", fullmatch=True),
            st.integers(0, 400),  # the bytes of a cell's value after it: windows small and large
        ),
        max_size=40,
    )
)
def test_highest_ref_finds_the_highest_row_and_column_in_any_order(refs):
    """The quick search (the end of the block, then a search for anything higher) gives what reading
    every position gives, in whatever order the positions come and however the numbers are written."""
    window = b"".join(b'<c r="%s%s"><v>%s</v></c>' % (c.encode(), d.encode(), b"7" * n) for c, d, n in refs)
    rows = max((int(d) for _, d, _ in refs), default=0)
    columns = max((column_number(letters.encode()) for letters, _, _ in refs if letters), default=0)
    assert highest_ref(window) == (rows, columns)


def test_the_service_itself_refuses_to_start_without_a_good_secret(tmp_path, monkeypatch):
    """Not only the command line: a program starting the service gets the same refusal, before any port is taken."""
    from sheetsync.app.server import serve
    from sheetsync.errors import SetupError

    monkeypatch.delenv("SHEETSYNC_SECRET_NONE", raising=False)
    config = FleetConfig([GroupConfig("lilas", str(tmp_path / "g.xlsx"), None, "SHEETSYNC_SECRET_NONE")])
    ready = []
    with pytest.raises(SetupError, match="No secret for: lilas"):
        serve(config, "127.0.0.1", 0, on_ready=lambda: ready.append(True))
    assert ready == []


def test_an_ods_sheet_under_another_prefix_is_read_by_nobody_and_costs_nothing(tmp_path):
    """content.xml binding the table namespace to a second prefix ("t:") and hiding a row with a
    formula repeated a billion times: the limits bound the rows written "table:", as calamine reads
    them; the marks' scan reads the same rows, so it records none of those (it recorded each one,
    until memory ran out)."""
    import zipfile

    from sheetsync.backends.ods_marks import read_ods_marks
    from sheetsync.backends.xlsx import XlsxBackend

    table = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        f'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="{table}" xmlns:t="{table}" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
        '<table:table table:name="Trips"><table:table-row><table:table-cell office:value-type="string">'
        "<text:p>a</text:p></table:table-cell></table:table-row></table:table>"
        '<t:table t:name="X"><t:table-row t:visibility="collapse" t:number-rows-repeated="1000000000">'
        '<t:table-cell t:formula="of:=1"/></t:table-row></t:table></office:spreadsheet></office:body>'
        "</office:document-content>"
    )
    path = tmp_path / "prefix.ods"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>',
        )
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    assert read_ods_marks(path.read_bytes()).sheets == {}
    assert set(XlsxBackend(path).read_tabs()) == {"Trips"}


def test_a_table_nested_in_a_cell_leaves_the_marks_of_its_sheet_where_they_are():
    """A cell holding a table of its own (legal ODF): the error cell and the hidden row after it
    are the outer sheet's, at their places there, as the limits count them."""
    from hostile_files import ods_content, ods_package

    from sheetsync.backends.ods_marks import read_ods_marks

    inner = '<table:table table:name="inner"><table:table-row><table:table-cell/></table:table-row></table:table>'
    rows = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>a</text:p></table:table-cell>'
        "</table:table-row><table:table-row><table:table-cell>" + inner + "</table:table-cell></table:table-row>"
        '<table:table-row><table:table-cell table:formula="of:=1/0" calcext:value-type="error">'
        "<text:p>#DIV/0!</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:visibility="collapse"><table:table-cell office:value-type="float" office:value="3"/>'
        "</table:table-row>"
    )
    marks = read_ods_marks(ods_package(ods_content({"Trips": rows})))
    assert marks.errors == {"Trips": {(2, 0): "#DIV/0!"}}
    assert {name: set(m.hidden) for name, m in marks.sheets.items()} == {"Trips": {4}}


def test_a_hidden_row_is_one_the_limits_and_the_marks_both_see_holding_something():
    """A reading: the limits counted a row whose cell holds text with no value type as holding
    something, the marks did not, so such a hidden row was counted without a word. One rule now."""
    from hostile_files import ods_content, ods_package

    from sheetsync.backends.ods_marks import read_ods_marks

    row = '<table:table-row table:visibility="collapse"><table:table-cell><text:p>40</text:p></table:table-cell></table:table-row>'
    marks = read_ods_marks(ods_package(ods_content({"Trips": row + row})))
    assert marks.sheets["Trips"].hidden == frozenset({1, 2})
