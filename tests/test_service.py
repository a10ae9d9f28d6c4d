"""`sheetsync serve` on loopback with a real HTTP client and the fake Sheets API; the Apps Script
menu run under Node against it; fleet runs."""

import json
import time
from datetime import date

import pytest
import requests
from click.testing import CliRunner
from conftest import (
    SERVICE_SECRET,
    consecutive_trips,
    group,
    needs_node,
    run_apps_script,
    served,
    signed_post,
    write_xlsx,
)

from sheetsync.app.cli import cli
from sheetsync.app.fleet import FleetConfig, GroupConfig, TokenBucket, load_groups, run_fleet
from sheetsync.app.server import Service, sign
from sheetsync.errors import SetupError

SID = "1LilasSheetForTheMenu0123456789abcdef"
SECRET = SERVICE_SECRET


@pytest.fixture
def service(fake_sheets, service_account_key, example2, monkeypatch):
    """The service on 127.0.0.1 (waitress), serving the group "lilas" whose sheet lives in the fake API."""

    example2["Settings"] += [["langue", "fr"], ["groupe", "Rue des Lilas"]]
    fake_sheets.create(SID, "Rue des Lilas", example2)
    fake_sheets.responses_mock.add_passthru("http://127.0.0.1")
    monkeypatch.setenv("SHEETSYNC_SECRET_LILAS", SECRET)
    config = FleetConfig(
        [GroupConfig("lilas", f"gsheet:{SID}", str(service_account_key), "SHEETSYNC_SECRET_LILAS")],
        {"public_url": "https://cars.example.org"},
    )
    with served(Service(config, today=lambda: date(2025, 12, 31)), config) as (_, base):
        yield base, fake_sheets


def test_health(service):
    base, _ = service
    assert requests.get(base + "/health", timeout=5).json() == {"status": "ok", "groups": 1}


def test_a_signed_call_syncs_the_sheet(service):
    base, fake = service
    answer = signed_post(base, "/groups/lilas/sync")
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["ok"] and data["exit_code"] == 0
    assert {b["name"]: b["balance"] for b in data["balances"]} == {
        "Laurent": "639.52",
        "Catherine": "-467.98",
        "Julien": "-171.54",
    }
    assert "Catherine → Laurent : 467,98\u00a0€" in data["message"]
    assert fake.rows(SID, "Soldes")[0][0].startswith("Généré par sheetsync")


def test_bad_signature_stale_timestamp_and_replay_get_401_and_change_nothing(service):
    base, fake = service
    before = fake.snapshot(SID)
    assert signed_post(base, "/groups/lilas/sync", secret="guess").status_code == 401
    assert signed_post(base, "/groups/lilas/sync", timestamp=int(time.time()) - 301).status_code == 401
    body = b'{"as_of": "2025-12-31"}'
    timestamp = str(int(time.time()))
    signature = sign(SECRET.encode(), timestamp, "POST", "/groups/lilas/validate", body)
    first = signed_post(base, "/groups/lilas/validate", body, timestamp=timestamp, signature=signature)
    assert first.status_code == 200
    replay = signed_post(base, "/groups/lilas/validate", body, timestamp=timestamp, signature=signature)
    assert replay.status_code == 401 and "replay" in replay.json()["message"]
    other_path = signed_post(base, "/groups/lilas/sync", body, timestamp=timestamp, signature=signature)
    assert other_path.status_code == 401
    unsigned = requests.post(base + "/groups/lilas/sync", data=b"{}", timeout=5)
    assert unsigned.status_code == 401
    assert fake.snapshot(SID) == before


def test_oversized_bodies_and_unknown_groups(service):
    base, _ = service
    assert signed_post(base, "/groups/lilas/sync", body=b"x" * (70 * 1024)).status_code == 413
    assert signed_post(base, "/groups/nobody/sync").status_code == 404
    assert requests.get(base + "/groups/lilas/sync", timeout=5).status_code == 405


def test_calendar_link_and_feed(service):
    base, _ = service
    answer = signed_post(base, "/groups/lilas/calendar").json()
    assert answer["url"].startswith("https://cars.example.org/groups/lilas/calendar.ics?token=")
    token = answer["url"].split("token=")[1]
    feed = requests.get(f"{base}/groups/lilas/calendar.ics?token={token}", timeout=30)
    assert feed.status_code == 200 and feed.text.startswith("BEGIN:VCALENDAR")
    assert requests.get(f"{base}/groups/lilas/calendar.ics?token=nope", timeout=5).status_code == 401


def write_script(tmp_path, base, service_account_key, lang="fr"):
    book = tmp_path / "book.xlsx"
    raw = group(trips=consecutive_trips(("Julien", 10)), settings=[("langue", lang)])
    write_xlsx(book, raw)
    result = CliRunner().invoke(cli, ["apps-script", str(book), "--url", base + "/", "--group", "lilas"])
    assert result.exit_code == 0, result.output
    (tmp_path / "Code.gs").write_text(result.stdout)


@needs_node
def test_the_menu_in_the_groups_language(service, tmp_path, service_account_key):
    base, _ = service
    write_script(tmp_path, base, service_account_key)
    (menu,) = run_apps_script(tmp_path / "Code.gs", "onOpen", {})["menus"]
    assert menu["name"] == "Autopartage"
    assert [label for label, *_ in menu["items"]] == [
        "Recalculer les soldes",
        "Vérifier les saisies",
        "Envoyer les avis de règlement",
        "Exporter le calendrier",
        "---",
        "Configurer (secret)…",
    ]


@needs_node
def test_recompute_balances_from_the_menu_updates_the_sheet(service, tmp_path, service_account_key):
    base, fake = service
    write_script(tmp_path, base, service_account_key)
    setup = run_apps_script(tmp_path / "Code.gs", "sheetsyncSetup", {"typed": f"  {SECRET} "})
    assert setup["properties"] == {"SHEETSYNC_SECRET": SECRET}
    ran = run_apps_script(
        tmp_path / "Code.gs", "sheetsyncSync", {"properties": setup["properties"], "spreadsheetId": SID}
    )
    (request,) = ran["requests"]
    assert request["url"] == base + "/groups/lilas/sync"
    assert set(request["params"]["headers"]) == {"X-Sheetsync-Timestamp", "X-Sheetsync-Signature"}
    (alert,) = ran["alerts"]
    assert alert[0] == "sheetsync" and "Soldes au 31 déc. 2025" in alert[1] and "Laurent : 639,52\u00a0€" in alert[1]
    assert fake.rows(SID, "Soldes")[2][:1] == ["Laurent"]


@needs_node
def test_the_menu_without_or_with_a_wrong_secret(service, tmp_path, service_account_key):
    base, fake = service
    write_script(tmp_path, base, service_account_key, lang="en")
    before = fake.snapshot(SID)
    no_secret = run_apps_script(tmp_path / "Code.gs", "sheetsyncSync", {})
    assert no_secret["requests"] == [] and no_secret["alerts"] == [["Set up first: Car sharing > Set up (secret)…"]]
    wrong = run_apps_script(tmp_path / "Code.gs", "sheetsyncSync", {"properties": {"SHEETSYNC_SECRET": "wrong"}})
    assert wrong["alerts"] == [["sheetsync", "Bad signature."]]
    assert fake.snapshot(SID) == before


def test_manifest_asks_for_the_fewest_scopes():
    result = CliRunner().invoke(cli, ["apps-script", "x.xlsx", "--url", "u", "--group", "g", "--manifest"])
    scopes = json.loads(result.stdout)["oauthScopes"]
    assert sorted(scopes) == [
        "https://www.googleapis.com/auth/script.container.ui",
        "https://www.googleapis.com/auth/script.external_request",
        "https://www.googleapis.com/auth/spreadsheets.currentonly",
    ]


def test_fleet_goes_past_a_failing_group(tmp_path, example2):
    good = write_xlsx(tmp_path / "good.xlsx", example2)
    bad = dict(example2)
    del bad["Vehicles"]
    broken = write_xlsx(tmp_path / "broken.xlsx", bad)
    errors = dict(example2, Trips=[row[:] for row in example2["Trips"]])
    errors["Trips"][2][3] = "oops"
    with_errors = write_xlsx(tmp_path / "errors.xlsx", errors)
    config = tmp_path / "groups.toml"
    config.write_text(
        f'[[groups]]\nname = "broken"\nworkbook = "{broken}"\n\n'
        f'[[groups]]\nname = "good"\nworkbook = "{good}"\n\n'
        f'[[groups]]\nname = "errors"\nworkbook = "{with_errors}"\n'
    )
    result = CliRunner().invoke(cli, ["fleet", str(config), "--as-of", "2025-12-31"])
    assert result.exit_code == 2
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["group", "status", "summary"]
    assert lines[2].startswith("broken  exit 2  The workbook has no Vehicles tab")
    assert lines[3].startswith("good    ok      good: 3 members, 2 transfers to settle, 0 errors")
    assert lines[4].startswith("errors  exit 1  errors: 3 members")
    assert "Balances" in __import__("openpyxl").load_workbook(good).sheetnames
    same = CliRunner().invoke(cli, ["sync", "--config", str(config), "--as-of", "2025-12-31", "--quiet"])
    assert same.exit_code == 2 and "broken" in same.stdout


def test_a_secret_file_that_cannot_be_read_says_why_in_the_readers_language(tmp_path):
    group = GroupConfig("lilas", "lilas.xlsx", secret_file=str(tmp_path / "absent.secret"))
    with pytest.raises(SetupError) as refused:
        group.secret()
    message, hint = refused.value.in_language("fr")
    assert message == "Impossible de lire le fichier secret du groupe lilas : ce fichier ou ce dossier n'existe pas."
    assert "secret_file" in hint


def test_a_groups_file_that_cannot_be_read_says_why(tmp_path):
    with pytest.raises(SetupError) as refused:
        load_groups(str(tmp_path))  # a folder
    assert refused.value.in_language("fr")[0] == f"Impossible de lire {tmp_path} : c'est un dossier."


def test_google_groups_are_paced_under_the_quota():
    clock = {"now": 0.0}
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        clock["now"] += seconds

    bucket = TokenBucket(rate=1.0, capacity=60, clock=lambda: clock["now"], sleep=sleep)
    groups = [GroupConfig(f"g{i}", f"gsheet:sheet{i}") for i in range(35)] + [GroupConfig("local", "x.xlsx")]
    ran = []
    results = run_fleet(
        FleetConfig(groups),
        date(2025, 1, 1),
        lambda g, d: ran.append((g.name, clock["now"])) or (0, ""),
        lambda: bucket,
    )
    assert len(results) == 36 and all(r.exit_code == 0 for r in results)
    assert [t for name, t in ran][:30] == [0.0] * 30  # the first 60 requests go at once
    assert ran[30][1] == pytest.approx(2.0) and ran[34][1] == pytest.approx(10.0)  # then 2 requests / 2 s
    assert ran[-1] == ("local", pytest.approx(10.0))  # a local workbook takes no quota


def test_config_is_checked(tmp_path):
    path = tmp_path / "groups.toml"
    path.write_text('[[groups]]\nname = "Rue des Lilas"\nworkbook = "x.xlsx"\n')
    with pytest.raises(Exception, match="plain word"):
        load_groups(str(path))


def test_notify_on_problems_mails_the_treasurer(tmp_path, example2, smtp_server):
    example2["Members"] = [["Name", "Email"], ["Laurent", "laurent@example.org"], ["Catherine", None], ["Julien", None]]
    example2["Trips"][2][3] = "oops"
    path = write_xlsx(tmp_path / "g.xlsx", example2)
    result = CliRunner().invoke(cli, ["sync", str(path), "--as-of", "2025-12-31", "--notify-on-problems", "--quiet"])
    assert result.exit_code == 1
    ((_, rcpt, message),) = smtp_server.messages
    assert rcpt == ["laurent@example.org"] and "1 error" in message["Subject"]
    again = CliRunner().invoke(cli, ["sync", str(path), "--as-of", "2025-12-31", "--notify-on-problems", "--quiet"])
    assert again.exit_code == 1 and len(smtp_server.messages) == 1  # the same day's digest goes once


def test_notify_names_the_member_whose_notice_cannot_become_an_email(service, smtp_server, example2):
    base, fake = service
    example2["Members"] = [["Name", "Email"], ["Laurent", "laurent@example.org"], ["Julien", None]]
    example2["Members"].insert(2, ["Catherine", "catherine..lilas@example.org"])  # no email header takes it
    fake.create(SID, "Rue des Lilas", example2)
    answer = signed_post(base, "/groups/lilas/notify").json()
    assert answer["ok"] and answer["sent"] == 1 and answer["failed"] == ["Catherine"], answer
    assert "Non prévenus (le nom ou l'adresse ne peut pas figurer dans un e-mail) : Catherine." in answer["message"]


def test_notify_from_the_menu_twice_says_who_had_it_without_a_command_line_hint(service, smtp_server, example2):
    base, fake = service
    example2["Members"] = [["Name", "Email"], ["Laurent", "laurent@example.org"], ["Catherine", "c@example.org"]]
    example2["Members"].append(["Julien", None])
    fake.create(SID, "Rue des Lilas", example2)
    first = signed_post(base, "/groups/lilas/notify").json()
    assert first.get("sent") == 2, first
    again = signed_post(base, "/groups/lilas/notify", b'{"again": true}').json()  # a new call, not a replay
    assert again.get("sent") == 0 and again["skipped"] == ["Laurent", "Catherine"], again
    assert "Déjà envoyés d'après l'onglet Envois : Laurent, Catherine." in again["message"]
    assert "--resend" not in again["message"]  # the treasurer at the menu has no command line


def test_notify_from_the_menu_sends_no_amount_while_the_sheet_has_errors(service, smtp_server, example2):
    base, fake = service
    example2["Members"] = [["Name", "Email"], ["Laurent", "laurent@example.org"], ["Catherine", "c@example.org"]]
    fake.create(SID, "Rue des Lilas", example2)  # Julien's trips name no member: rows left out
    answer = signed_post(base, "/groups/lilas/notify").json()
    assert not answer["ok"] and answer["exit_code"] == 1 and smtp_server.messages == [], answer
    assert answer["message"].startswith("Aucun avis envoyé : le classeur a des erreurs")
    assert "l'onglet Anomalies" in answer["message"] and "--" not in answer["message"]
