"""What comes from cells cannot drive anything: email headers, CSV formulas, the terminal, cell
sizes, generated tab names; and Google's sign-in failures and lost answers end cleanly."""

from __future__ import annotations

import base64
import re

import pytest
from conftest import read_eml, read_xlsx, write_xlsx
from conftest import run_cli as run
from hostile_files import base_ods, base_raw, names, ods_content, ods_package, ods_rows, part, patched
from test_gsheets import SID, URL, backend

from sheetsync.backends.files import Fingerprint
from sheetsync.backends.xml_text import unescape_xml
from sheetsync.errors import BackendError, SetupError
from sheetsync.present.table import MAX_CELL_TEXT, fit_cell
from sheetsync.present.terminal import csv_text, printable


def encoded(text: str) -> str:
    return "=?utf-8?b?" + base64.b64encode(text.encode()).decode() + "?="


@pytest.fixture
def hostile_names(tmp_path, example2):
    """Example 2 with members whose names are attacks on the notices' headers."""
    names = {
        "Laurent": "laurent@example.org",
        encoded("x <attacker@evil.example>, y"): "catherine@example.org",
        encoded("x\r\nBcc: attacker@evil.example"): "julien@example.org",
    }
    laurent, catherine, julien = names
    rename = {"Catherine": catherine, "Julien": julien}
    for tab in ("Trips", "Expenses"):
        example2[tab] = [[rename.get(c, c) if isinstance(c, str) else c for c in row] for row in example2[tab]]
    example2["Members"] = [["Name", "Email"], *[[n, a] for n, a in names.items()]]
    example2["Vehicles"][1][1] = laurent
    return write_xlsx(tmp_path / "group.xlsx", example2)


def test_encoded_words_in_names_add_no_address_nor_header(hostile_names, tmp_path, smtp_server):
    out = tmp_path / "out"
    result = run("notify", hostile_names, "--kind", "settlement", "--outbox", out, "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    for eml in out.iterdir():
        msg = read_eml(eml)
        assert len(msg["To"].addresses) == 1 and "evil" not in msg["To"].addresses[0].addr_spec
        assert msg["Bcc"] is None and b"attacker@evil.example>" not in eml.read_bytes().split(b"\n\n")[0]
    sent = run("notify", hostile_names, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert sent.exit_code == 0, sent.output
    recipients = sorted(r for _, rcpts, _ in smtp_server.messages for r in rcpts)
    assert recipients == ["catherine@example.org", "julien@example.org", "laurent@example.org"]
    for _, _, msg in smtp_server.messages:
        assert len(msg["To"].addresses) == 1 and msg["Bcc"] is None


def test_one_bad_name_never_stops_the_other_notices(tmp_path, example2, smtp_server):
    example2["Members"] = [
        ["Name", "Email"],
        ["Laurent", "laurent@example.org"],
        ["Catherine\ud800", "catherine@example.org"],  # a lone surrogate: no email can carry it
        ["Julien", "julien@example.org"],
    ]
    example2["Trips"] = [[("Catherine\ud800" if c == "Catherine" else c) for c in row] for row in example2["Trips"]]
    example2["Expenses"] = [
        [("Catherine\ud800" if c == "Catherine" else c) for c in row] for row in example2["Expenses"]
    ]
    from conftest import report_of

    from sheetsync.api import Opened, notices

    class Memory:
        display_name = "group"

        def write_tabs(self, tables):
            self.written = tables

    opened = Opened(Memory(), example2, report_of(example2))
    run_ = notices(opened, "settlement", "send")
    assert "Catherine\ud800" in run_.failed and run_.sent >= 1  # Laurent's notice names her too
    assert "julien@example.org" in [r for _, rcpts, _ in smtp_server.messages for r in rcpts]


def test_outbox_names_are_unique(tmp_path, example2):
    example2["Members"] = [["Name", "Email"], ["Laurent", "l@example.org"], ["Jean Paul", "a@example.org"]]
    example2["Members"] += [["Jean-Paul", "b@example.org"], ["Catherine", "c@example.org"], ["Julien", None]]
    path = write_xlsx(tmp_path / "g.xlsx", example2)
    out = tmp_path / "out"
    result = run("notify", path, "--kind", "settlement", "--outbox", out, "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 4 and "settlement-2025-Jean-Paul.eml" in names and "settlement-2025-Jean-Paul-2.eml" in names


def test_an_smtp_port_that_is_not_a_number_is_a_clear_message(hostile_names, monkeypatch):
    monkeypatch.setenv("SHEETSYNC_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SHEETSYNC_SMTP_FROM", "t@example.org")
    monkeypatch.setenv("SHEETSYNC_SMTP_PORT", "abc")
    result = run("notify", hostile_names, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert result.exit_code == 2 and 'The SMTP port "abc" is not a port number.' in result.stderr
    assert "Traceback" not in result.output


# output ----------------------------------------------------------------------------------------


def test_csv_neutralises_formulas_and_keeps_numbers(tmp_path, example2):
    rename = {"Catherine": '=HYPERLINK("http://evil")', "Julien": "@SUM(A1)"}
    for tab in ("Trips", "Expenses"):
        example2[tab] = [[rename.get(c, c) if isinstance(c, str) else c for c in row] for row in example2[tab]]
    example2["Members"] = [["Name"], ["Laurent"], *[[n] for n in rename.values()]]
    path = write_xlsx(tmp_path / "g.xlsx", example2)
    result = run("report", path, "--format", "csv", "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    rows = result.stdout.splitlines()
    assert any(r.startswith("\"'=HYPERLINK(") for r in rows) and any(r.startswith("'@SUM(A1)") for r in rows)
    assert ",-467.98" in result.stdout  # a negative number is a number, not a formula
    assert [csv_text(x) for x in ("=1", "+1", "-1", "@a", "\tx", "\rx", "plain")] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
        "plain",
    ]


def test_control_characters_never_reach_the_terminal(tmp_path, example2):
    path = write_xlsx(tmp_path / "g.xlsx", example2)
    # openpyxl refuses to write them: put them into the XML as a hostile program would, escaped as
    # Excel escapes what XML cannot hold: _x001B_ is ESC, _x0007_ BEL, _x009B_ CSI
    data = path.read_bytes()
    hostile = b"Jul_x001B_[2J_x001B_]0;pwned_x0007_ien_x009B_31m"
    path.write_bytes(patched(data, {name: part(data, name).replace(b"Julien", hostile) for name in names(data)}))
    for fmt in ("table", "csv", "json"):
        result = run("report", path, "--format", fmt, "--as-of", "2025-12-31")
        assert result.exit_code == 0, result.output
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.stdout), repr(result.stdout)
        assert fmt == "json" or "Jul[2J]0;pwnedien31m" in result.stdout
    assert printable("a\x1b[31mb\tc\nd\u202e") == "a[31mb\tc\nd"


def test_generated_cells_are_cut_at_excels_limit(tmp_path, example2):
    long_name = "N" * 100_005
    for tab in ("Trips", "Expenses"):
        example2[tab] = [[long_name if c == "Julien" else c for c in row] for row in example2[tab]]
    example2["Members"] = [["Name"], ["Laurent"], ["Catherine"], [long_name]]
    path = write_xlsx(tmp_path / "g.xlsx", example2)
    assert run("sync", path, "--as-of", "2025-12-31").exit_code == 0
    book = read_xlsx(path)
    cells = [c for tab in ("Balances", "Summary", "History") for row in book[tab] for c in row if isinstance(c, str)]
    assert max(len(c) for c in cells) == MAX_CELL_TEXT
    assert any(len(c) == MAX_CELL_TEXT and c.endswith("…") for c in cells)
    assert fit_cell("short") == "short" and fit_cell("x" * 40_000) == "x" * (MAX_CELL_TEXT - 1) + "…"


# names -------------------------------------------------------------------------------------------


def test_a_group_tab_named_like_a_generated_one_in_another_case_is_left_alone(tmp_path, example2):
    path = write_xlsx(tmp_path / "g.xlsx", {**example2, "balances": [["our own notes"]]})
    before = path.read_bytes()
    result = run("sync", path, "--as-of", "2025-12-31")
    assert result.exit_code == 2 and "did not generate" in result.stderr
    assert path.read_bytes() == before


def test_validate_reports_the_tab_sync_would_refuse_whatever_its_case(tmp_path, example2):
    """A group's tab "BALANCES": sync refuses it (tab names compared as spreadsheet programs do), so
    validate says so too; reading leaves the caller's tables as they were, and a workbook's streamed
    rows whole (the Sent log is read after the report)."""
    import copy
    from datetime import date

    from sheetsync.backends.xlsx import XlsxBackend
    from sheetsync.pipeline import build_report

    raw = {**example2, "BALANCES": [["our own notes"], ["row 2"]]}
    before = copy.deepcopy(raw)
    report = build_report(raw, "g", date(2025, 12, 31))
    assert [(p.tab, p.code) for p in report.problems] == [("BALANCES", "tab.generated_name")]
    assert raw == before
    path = write_xlsx(tmp_path / "g.xlsx", raw)
    result = run("validate", path, "--as-of", "2025-12-31", "--format", "json")
    assert '"code": "tab.generated_name"' in result.stdout and '"tab": "BALANCES"' in result.stdout
    streamed = XlsxBackend(path).read_tabs()
    build_report(streamed, "g", date(2025, 12, 31))
    assert list(streamed["BALANCES"]) == [["our own notes"], ["row 2"]]
    assert run("sync", path, "--as-of", "2025-12-31").exit_code == 2


def test_a_tab_name_written_with_character_references_is_read_as_it_shows(tmp_path, example2):
    path = write_xlsx(tmp_path / "g.xlsx", {**example2, "Xalances": [["our own notes"]]})
    data = path.read_bytes()
    index = part(data, "xl/workbook.xml").replace(b'name="Xalances"', b'name="&#66;&#x61;lances"')
    path.write_bytes(patched(data, {"xl/workbook.xml": index}))
    result = run("sync", path, "--as-of", "2025-12-31")
    assert result.exit_code == 2 and "did not generate" in result.stderr
    assert unescape_xml("&#66;&#x61;l&amp;&lt;&#0;") == "Bal&<&#0;"


def test_ods_tab_names_are_compared_case_insensitively(tmp_path):
    tables = {name: ods_rows(rows) for name, rows in base_raw().items()}
    tables["BALANCES"] = ods_rows([["our own notes"]])
    path = tmp_path / "g.ods"
    path.write_bytes(ods_package(ods_content(tables)))
    result = run("sync", path, "--as-of", "2025-12-31")
    assert result.exit_code == 2 and "did not generate" in result.stderr
    ok = tmp_path / "ok.ods"
    ok.write_bytes(base_ods())
    assert run("sync", ok, "--as-of", "2025-12-31").exit_code == 0
    assert run("sync", ok, "--as-of", "2025-12-31").exit_code == 0  # its own tabs, replaced
    assert part(ok.read_bytes(), "content.xml").count(b'table:name="Balances"') == 1


def test_two_tabs_for_one_role_are_a_warning_naming_both(tmp_path, example2):
    path = write_xlsx(tmp_path / "g.xlsx", {**example2, "Membres": [["Nom"], ["Zoé"]]})
    result = run("validate", path, "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    assert 'The tabs "Members" and "Membres" are read as the same tab' in result.stdout


# Google sign-in and lost answers -------------------------------------------------------------


@pytest.fixture
def no_google_backoff(monkeypatch):
    monkeypatch.setattr("google.auth._exponential_backoff.time.sleep", lambda s: None)


def test_an_unreachable_token_endpoint_is_retried_then_exit_3(fake_sheets, service_account_key, example2):
    fake_sheets.create(SID, "g", example2)
    fake_sheets.fail_token("drop", "drop")
    waits = []
    assert "Members" in backend(service_account_key, waits).read_tabs()  # two drops, then signed in
    assert len(waits) == 2
    fake_sheets.fail_token(*["drop"] * 10)
    with pytest.raises(BackendError) as caught:
        backend(service_account_key).read_tabs()
    assert caught.value.exit_code == 3


def test_a_refused_grant_is_exit_2_with_a_clear_message(fake_sheets, service_account_key, example2, no_google_backoff):
    fake_sheets.create(SID, "g", example2)
    fake_sheets.fail_token(400)
    result = run("validate", URL, "--credentials", service_account_key)
    assert result.exit_code == 2 and "Google refused sheetsync's sign-in" in result.stderr
    assert "BEGIN PRIVATE KEY" not in result.output and "Traceback" not in result.output


def test_a_transient_token_failure_is_retried(fake_sheets, service_account_key, example2, no_google_backoff):
    fake_sheets.create(SID, "g", example2)
    fake_sheets.fail_token(503, 503, 503, 503)
    assert "Members" in backend(service_account_key).read_tabs()


def test_a_key_file_that_is_a_json_list_is_a_clear_message(tmp_path):
    key = tmp_path / "key.json"
    key.write_text("[1, 2]")
    result = run("validate", URL, "--credentials", key)
    assert result.exit_code == 2 and "not a key" in result.stderr


def test_a_batch_whose_answer_was_lost_is_recognised_as_ours(fake_sheets, service_account_key, example2):
    from datetime import date

    from sheetsync.pipeline import build_report
    from sheetsync.present.tabs import generated_tables

    fake_sheets.create(SID, "g", example2)
    b = backend(service_account_key)
    report = build_report(b.read_tabs(), "g", date(2025, 12, 31))
    tables = generated_tables(report, "g", __import__("datetime").datetime(2026, 1, 1, 9, 0))
    fake_sheets.lose_answers(1)
    b.write_tabs(tables)  # applied, answer lost, recognised when retried: no "already exists"
    assert fake_sheets.rows(SID, "Balances")[0][0].startswith("Generated by sheetsync")
    batches = [path for method, path in fake_sheets.log if path.endswith(":batchUpdate")]
    assert len(batches) == 1


def test_fingerprints_compare_size_time_and_content(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"one")
    first = Fingerprint.of_path(path)
    path.write_bytes(b"two")
    assert Fingerprint.of_path(path) != first and Fingerprint.of_path(tmp_path / "none") is None


def test_setup_errors_are_translated_when_shown():
    error = SetupError("{name} is read-only; nothing was written.", name="x.xlsx")
    assert error.in_language("en")[0] == "x.xlsx is read-only; nothing was written."
