"""The public API gives what the commands give, and a French workbook is answered in French."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from pathlib import Path

from conftest import group, read_xlsx, write_xlsx
from conftest import run_cli as run

import sheetsync
from sheetsync import api

SAMPLES = Path(__file__).parents[1] / "sample_workbooks"
# words of the English sentences that a French group must never read
ENGLISH = re.compile(r"\b(members?|transfers?|errors?|warnings?|wrote|settle|nothing|hint|tab|sheet)\b", re.I)


def test_load_to_dict_is_what_report_json_prints(tmp_path):
    path = shutil.copy(SAMPLES / "exemple-laurent.xlsx", tmp_path / "g.xlsx")
    report = sheetsync.load(path, as_of=date(2025, 12, 31))
    printed = run("report", path, "--format", "json", "--as-of", "2025-12-31")
    assert printed.exit_code == 0
    assert report.to_dict() == json.loads(printed.stdout)
    assert {m["name"]: m["balance"] for m in report.to_dict()["members"]} == {
        "Laurent": "639.52",
        "Catherine": "-467.98",
        "Julien": "-171.54",
    }


def test_sync_through_the_api_writes_what_the_command_writes(tmp_path):
    by_api = shutil.copy(SAMPLES / "exemple-laurent.xlsx", tmp_path / "api.xlsx")
    by_cli = shutil.copy(SAMPLES / "exemple-laurent.xlsx", tmp_path / "cli.xlsx")
    done = sheetsync.sync(by_api, as_of=date(2025, 12, 31))
    assert run("sync", by_cli, "--as-of", "2025-12-31").exit_code == 0
    assert [t.name for t in done.tables][:3] == ["Soldes", "Règlements", "Synthèse"]
    api_tabs, cli_tabs = read_xlsx(by_api), read_xlsx(by_cli)
    assert list(api_tabs) == list(cli_tabs)
    # every generated cell but the first line (it says when it was generated) is the same
    assert all(api_tabs[name][1:] == cli_tabs[name][1:] for name in ("Soldes", "Règlements", "Synthèse"))


def test_dry_run_writes_nothing(tmp_path):
    path = shutil.copy(SAMPLES / "exemple-laurent.xlsx", tmp_path / "g.xlsx")
    before = Path(path).read_bytes()
    done = sheetsync.sync(path, as_of=date(2025, 12, 31), dry_run=True)
    assert done.tables and Path(path).read_bytes() == before


def test_a_french_workbook_is_answered_in_french_only(tmp_path):
    path = shutil.copy(SAMPLES / "exemple-laurent.xlsx", tmp_path / "g.xlsx")
    result = run("sync", path, "--as-of", "2025-12-31")
    assert result.exit_code == 0
    assert result.stdout.startswith(
        "Rue des Lilas : 3 membres, 2 virements à faire, 0 erreur, 0 avertissement ; onglets écrits : Soldes,"
    )
    assert not ENGLISH.search(result.output), result.output


def test_a_missing_tab_in_a_french_workbook_is_said_in_french(tmp_path):
    raw = group(lang="fr")
    del raw["Trajets"]
    result = run("validate", write_xlsx(tmp_path / "g.xlsx", raw))
    assert result.exit_code == 2
    assert "Le classeur n'a pas d'onglet Trajets" in result.stderr
    assert "Ajoutez un onglet nommé Trajets" in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_an_error_before_the_workbook_is_read_speaks_the_terminal_language(tmp_path, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    result = run("validate", tmp_path / "absent.xlsx")
    assert result.exit_code == 2
    assert "Classeur introuvable" in result.stderr
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert "No such workbook" in run("validate", tmp_path / "absent.xlsx").stderr


def test_python_dash_m_runs_the_command_line():
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "sheetsync", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == f"sheetsync, version {sheetsync.__version__}"


def test_the_readme_python_example_runs_as_written(tmp_path, monkeypatch, capsys):
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    code = re.search(r"## From Python\n.*?```python\n(.*?)```", readme, re.S).group(1)
    monkeypatch.chdir(Path(__file__).parents[1])
    exec(compile(code.replace("/tmp/lilas.xlsx", str(tmp_path / "lilas.xlsx")), "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[:3] == ["Laurent 639.52", "Catherine -467.98", "Julien -171.54"]
    assert printed[-1].startswith("['Soldes', 'Règlements', 'Synthèse', 'Anomalies'")


def test_a_workbooks_default_group_name_is_its_file_name_without_the_extension():
    from types import SimpleNamespace

    names = ("Lilas.xlsx", "Lilas.XLS", "Lilas.ods", "Lilas.xlsm", "Rue des Lilas (a Google Sheet)")
    assert [api._default_group(SimpleNamespace(display_name=n)) for n in names] == [
        "Lilas",
        "Lilas",
        "Lilas",
        "Lilas",
        "Rue des Lilas (a Google Sheet)",
    ]


def test_with_no_as_of_the_figures_count_up_to_today_where_the_group_lives(tmp_path):
    """Kiritimati is 14 hours ahead of UTC and Pago Pago 11 behind: whatever the hour on the server,
    at least one of them is not on the server's day, and its figures count up to its own day."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        path = write_xlsx(tmp_path / f"{zone.split('/')[1]}.xlsx", group(settings=[("timezone", zone)]))
        before = datetime.now(ZoneInfo(zone)).date()
        as_of = sheetsync.load(str(path)).as_of
        assert before <= as_of <= datetime.now(ZoneInfo(zone)).date(), zone
        printed = json.loads(run("report", str(path), "--format", "json").stdout)["as_of"]
        assert before.isoformat() <= printed <= datetime.now(ZoneInfo(zone)).date().isoformat(), zone
