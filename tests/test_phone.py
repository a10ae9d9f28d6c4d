"""The members' phone page on loopback (waitress, real HTTP): personal links, entries checked
then appended to the Entries tab of a local workbook (under its lock, other parts untouched) or
of a Google Sheet (one append request), bookings under the group's rule, cancellations."""

import fcntl
import html
import io
import re
import shutil
import threading
import zipfile
from datetime import date, datetime
from decimal import Decimal as D
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import requests
from click.testing import CliRunner
from conftest import consecutive_trips, group, read_xlsx, served, text_part, write_xlsx

from sheetsync import api
from sheetsync.app.cli import cli
from sheetsync.app.fleet import FleetConfig, GroupConfig
from sheetsync.app.phone import entry_fields, is_revoked, member_link
from sheetsync.app.server import Service
from sheetsync.backends.files import lock_path

SECRET = "a long and random secret for the lilas group"
NOW = datetime(2026, 1, 5, 18, 30, tzinfo=ZoneInfo("Europe/Paris"))
LAST_READING = 22790  # where example 2's logbook ends
SID = "1LilasPhoneSheet0123456789abcdefghij"


def lilas_tabs(example2):
    example2["Members"] = [
        ["Nom", "Courriel", "IBAN"],
        ["Laurent", "laurent@example.org", "FR76 3000 6000 0112 3456 7890 189"],
        ["Catherine", "catherine@example.org", None],
        ["Julien", None, None],
    ]
    example2["Settings"] += [["langue", "fr"], ["groupe", "Rue des Lilas"]]
    return example2


def serve(workbook, monkeypatch, credentials=None):
    """The service for the group "lilas" whose workbook is `workbook`, served on loopback."""
    monkeypatch.setenv("SHEETSYNC_SECRET_LILAS", SECRET)
    config = FleetConfig(
        [GroupConfig("lilas", str(workbook), credentials, "SHEETSYNC_SECRET_LILAS")],
        {"public_url": "http://127.0.0.1"},
    )
    return served(Service(config, clock=NOW.timestamp, today=lambda: NOW.date()), config)


@pytest.fixture
def lilas(tmp_path, example2, monkeypatch):
    """Rue des Lilas in a local .xlsx, served; yields (workbook, base URL)."""
    workbook = write_xlsx(tmp_path / "lilas.xlsx", lilas_tabs(example2))
    with serve(workbook, monkeypatch) as (_, base):
        yield workbook, base


def link(base, member):
    return member_link(base, SECRET.encode(), "lilas", member)


def post(url, **form):
    return requests.post(url, data=form, timeout=60, allow_redirects=True)


def shown(answer) -> str:
    """The page's text as a browser shows it (entities decoded)."""
    return html.unescape(answer.text)


def placed(where, tabs, path, fake_sheets, service_account_key):
    """`tabs` as a local .xlsx at `path` or as the Google Sheet SID of the fake ("xlsx" or "gsheet"),
    served on loopback either way: (location, credentials) to open it with."""
    fake_sheets.responses_mock.add_passthru("http://127.0.0.1")
    if where == "gsheet":
        fake_sheets.create(SID, "Rue des Lilas", tabs)
        return f"gsheet:{SID}", str(service_account_key)
    return str(write_xlsx(path, tabs)), None


def entries(workbook):
    return read_xlsx(workbook).get("Saisies", [])


def test_a_wrong_or_revoked_link_gets_403_and_no_data(lilas, tmp_path, example2):
    workbook, base = lilas
    good = link(base, "Catherine")
    assert requests.get(good, timeout=30).status_code == 200
    wrong = good[:-4] + "0000"
    answer = requests.get(wrong, timeout=30)
    assert answer.status_code == 403 and "Catherine" not in answer.text and "Lilas" not in answer.text
    # a page the member can read, in their phone's language (a trial saw a bare English "Forbidden")
    french = requests.get(wrong, timeout=30, headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert french.headers["Content-Type"].startswith("text/html") and '<html lang="fr">' in french.text
    assert "Demandez votre lien personnel" in shown(french) and "Lilas" not in french.text
    other = link(base, "Laurent").replace("/m/Laurent/", "/m/Catherine/")
    assert requests.get(other, timeout=30).status_code == 403
    tabs = lilas_tabs(example2)
    tabs["Settings"] += [["liens révoqués", "Catherine"]]
    write_xlsx(workbook, tabs)
    assert requests.get(good, timeout=30).status_code == 403
    assert requests.get(link(base, "Julien"), timeout=30).status_code == 200
    assert post(good, kind="trip", vehicle="Clio", odometer_start="23790", odometer_end="23800").status_code == 403
    assert "Saisies" not in read_xlsx(workbook)


def test_a_link_cut_short_opened_in_a_browser_gets_a_page_in_the_phones_language(lilas):
    """The eleventh stop's leftover: a member whose link lost its end (a message app cut it), or who
    typed the site's address alone, got English JSON: {"ok": false, "message": "No such group or
    action."}. A browser now gets the short page a wrong link gets, in its language, with nothing
    of the group; a program asking for JSON still gets JSON."""
    _, base = lilas
    french = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8", "Accept-Language": "fr-FR,fr;q=0.9"}
    for cut in (base + "/", link(base, "Catherine").rsplit("/", 1)[0], base + "/groups/lilas"):
        answer = requests.get(cut, timeout=30, headers=french)
        assert answer.status_code == 404 and answer.headers["Content-Type"].startswith("text/html"), cut
        assert '<html lang="fr">' in answer.text and "Demandez votre lien personnel" in shown(answer)
        assert "Lilas" not in answer.text and "Catherine" not in answer.text
    program = requests.get(base + "/groups/nowhere", timeout=30)
    assert program.status_code == 404 and program.json() == {"ok": False, "message": "No such group or action."}


@pytest.mark.parametrize(
    "typed", ["Catherine et Julien", "Catherine\nJulien", "Catherine / Julien", "julien; CATHERINE"]
)
def test_revoked_links_are_read_as_any_cell_that_lists_members(tmp_path, example2, typed):
    tabs = lilas_tabs(example2)
    tabs["Settings"] += [["liens révoqués", typed]]
    report = api.load(str(write_xlsx(tmp_path / "r.xlsx", tabs)), date(2026, 1, 5))
    assert [m for m in report.book.member_names() if is_revoked(report, m)] == ["Catherine", "Julien"]
    assert [p.code for p in report.problems if p.code == "ref.member"] == []


def test_a_revoked_link_naming_no_member_is_said_at_its_settings_row(tmp_path, example2):
    tabs = lilas_tabs(example2)
    tabs["Settings"] += [["liens révoqués", "Catherine, Julienne"]]
    report = api.load(str(write_xlsx(tmp_path / "r.xlsx", tabs)), date(2026, 1, 5))
    (unknown,) = [p for p in report.problems if p.code == "ref.member"]
    assert unknown.tab == "Settings" and "Julienne" in unknown.message
    assert [m for m in report.book.member_names() if is_revoked(report, m)] == ["Catherine"]


def test_the_page_is_light_in_french_and_shows_what_to_pay_with_the_code(lilas):
    _, base = lilas
    page = requests.get(link(base, "Catherine"), timeout=30)
    assert page.status_code == 200 and len(page.content) < 100_000
    html = page.text
    assert '<html lang="fr">' in html and "<script" not in html
    assert "Votre solde" in html and "-467,98\u00a0€" in html
    assert "IBAN FR76 3000 6000 0112 3456 7890 189" in html
    assert 'src="data:image/svg+xml' in html  # the scan-to-pay code
    assert "Autopartage Rue des Lilas 2026 Catherine-Laurent" in html
    assert f'name="odometer_start" inputmode="numeric" required value="{LAST_READING}"' in html
    assert 'value="2026-01-05T18:30"' in html  # now, in the group's time zone


def test_the_page_asks_no_amount_while_an_error_may_change_it(tmp_path, example2, monkeypatch):
    """As the notices: an expense left out for an error makes every amount to pay wrong, so the
    page shows none (no IBAN, no code to scan) and says why; the forms still work."""
    tabs = lilas_tabs(example2)
    tabs["Expenses"].append([date(2025, 8, 1), "Catherine", "Carburant et péage", 500])
    workbook = write_xlsx(tmp_path / "doubt.xlsx", tabs)
    with serve(workbook, monkeypatch) as (_, base):
        page = shown(requests.get(link(base, "Catherine"), timeout=30))
        assert "Le tableur a des erreurs qui peuvent changer les montants" in page
        assert "IBAN" not in page and "data:image/svg+xml" not in page and "À régler" not in page
        laurent = shown(requests.get(link(base, "Laurent"), timeout=30))
        assert "Vous allez recevoir" not in laurent and "Le tableur a des erreurs" in laurent
        assert post(link(base, "Catherine"), kind="payment", to="Laurent", amount="10", date="2026-01-04T09:00").ok


def test_a_trip_is_checked_then_appended_and_nothing_else_changes(lilas):
    workbook, base = lilas
    before = {i.filename: zipfile.ZipFile(workbook).read(i) for i in zipfile.ZipFile(workbook).infolist()}
    answer = post(
        link(base, "Catherine"),
        kind="trip",
        vehicle="Clio",
        date="2026-01-04T09:00",
        odometer_start=str(LAST_READING),
        odometer_end=str(LAST_READING + 120),
        fuel_paid="30,50",
    )
    assert answer.status_code == 200 and "Enregistré" in answer.text, answer.text[:500]
    rows = entries(workbook)
    assert rows[1][:8] == [
        "Saisi le",
        "Type",
        "Membre",
        "Véhicule",
        "Date",
        "Fin",
        "Compteur départ",
        "Compteur arrivée",
    ]
    assert rows[2][:9] == [
        datetime(2026, 1, 5, 18, 30),
        "trajet",
        "Catherine",
        "Clio",
        datetime(2026, 1, 4, 9, 0),
        None,
        LAST_READING,
        LAST_READING + 120,
        30.5,
    ]
    after = zipfile.ZipFile(workbook)
    sheets = [n for n in before if n.startswith("xl/worksheets/sheet")]
    assert all(after.read(n) == before[n] for n in sheets)  # the group's own tabs, byte for byte
    report = api.load(str(workbook), date(2026, 1, 5))
    assert [t.km for t in report.book.trips if t.source.tab == "Saisies"] == [120]
    api.sync(str(workbook), date(2026, 1, 5))  # a sync leaves the entries as they are
    assert entries(workbook) == rows
    assert "Sam. 4 janv. 2026" in answer.text or "4 janv. 2026" in answer.text  # the last entries


def test_a_trip_logged_late_that_would_make_anothers_trip_wrong_is_refused(lilas):
    """A members' trial: Catherine logs today's trip; Julien then logs yesterday's from the
    reading the page filled in (hers, at its end). His was saved, and hers became the error
    (trip.misdated) that held every notice back. His is refused now, and hers is left as it is."""
    workbook, base = lilas
    today = {"kind": "trip", "vehicle": "Clio", "date": "2026-01-04T09:00"}
    readings = {"odometer_start": str(LAST_READING), "odometer_end": str(LAST_READING + 60)}
    assert post(link(base, "Catherine"), **today, **readings).status_code == 200
    late = {"odometer_start": str(LAST_READING + 60), "odometer_end": str(LAST_READING + 110)}
    answer = post(link(base, "Julien"), **(today | {"date": "2026-01-03T14:00"}), **late)
    assert answer.status_code == 422 and "Rien n'a été enregistré" in shown(answer)
    assert "Saisies, ligne 3" in shown(answer)  # the trip it would make wrong
    assert len(entries(workbook)) == 3  # title, header, Catherine's trip
    assert not [p for p in api.load(str(workbook), date(2026, 1, 5)).problems if p.is_error]


def test_a_reading_below_the_last_one_is_refused_in_words(lilas):
    workbook, base = lilas
    answer = post(
        link(base, "Catherine"),
        kind="trip",
        vehicle="Clio",
        date="2026-01-04T09:00",
        odometer_start=str(LAST_READING - 100),
        odometer_end=str(LAST_READING - 20),
    )
    assert answer.status_code == 422
    assert "Rien n'a été enregistré" in shown(answer)
    assert "avant la fin du trajet de la ligne" in shown(answer)
    assert "Saisies" not in read_xlsx(workbook)


def test_an_entry_made_while_the_workbook_is_open_elsewhere_keeps_the_form_in_the_groups_language(lilas):
    """The treasurer has the file open in LibreOffice: the member gets the page again, in French,
    saying that nothing was saved and why, with what they typed still in the form."""
    workbook, base = lilas
    before = workbook.read_bytes()
    opened = workbook.with_name(f".~lock.{workbook.name}#")
    opened.write_text("Laurent,laurent,pc,22.11.2026 09:00,file:///home/laurent/.config/libreoffice/4;")
    answer = post(link(base, "Catherine"), kind="payment", to="Laurent", amount="12,34", date="2026-01-04T09:00")
    assert answer.status_code == 503 and answer.headers["Content-Type"].startswith("text/html")
    page = shown(answer)
    assert "Rien n'a été enregistré" in page and "ouvert dans un tableur" in page
    assert "Réessayez dans quelques minutes" in page
    assert 'value="12,34"' in page  # what the member typed is still there
    assert "Traceback" not in page and str(workbook.parent) not in page
    assert workbook.read_bytes() == before
    opened.unlink()
    again = post(link(base, "Catherine"), kind="payment", to="Laurent", amount="12,34", date="2026-01-04T09:00")
    assert again.status_code == 200 and len(entries(workbook)) == 3  # title, header, the payment


def test_a_workbook_that_cannot_be_read_gets_a_page_in_the_phone_language_that_keeps_the_form(lilas):
    """The workbook damaged (a bad save, a copy half done): the member gets a page, not a line of
    English text: in the phone's language (its Accept-Language: the workbook cannot say the
    group's), saying nothing was saved, with what was typed kept to send again."""
    workbook, base = lilas
    good = workbook.read_bytes()
    workbook.write_bytes(good[: len(good) // 3])
    french = {"Accept-Language": "de-CH, fr-FR;q=0.9, en;q=0.8"}
    page = requests.get(link(base, "Catherine"), headers=french, timeout=30)
    assert page.status_code == 503 and page.headers["Content-Type"].startswith("text/html")
    assert 'lang="fr"' in page.text and "Le classeur du groupe ne peut pas être lu pour l'instant." in shown(page)
    assert "rien n'a été enregistré" not in shown(page)  # nothing was sent
    assert "lilas.xlsx" in shown(page) and str(workbook.parent) not in page.text and "Traceback" not in page.text
    assert "<form" not in page.text  # nothing typed: nothing to send again
    english = requests.get(link(base, "Catherine"), headers={"Accept-Language": "nl, fr;q=0"}, timeout=30)
    assert 'lang="en"' in english.text and "cannot be read just now." in shown(english)
    typed = {"kind": "payment", "to": "Laurent", "amount": "12,34", "date": "2026-01-04T09:00", "note": '<b>"x"</b>'}
    typed_and_more = typed | {"admin": "1"}  # not a field of the page's forms: not sent again
    refused = requests.post(link(base, "Catherine"), data=typed_and_more, headers=french, timeout=30)
    assert refused.status_code == 503 and "rien n'a été enregistré" in shown(refused)
    assert 'name="amount" value="12,34"' in refused.text and "&lt;b&gt;" in refused.text and "<b>" not in refused.text
    assert "<strong>Montant</strong> 12,34" in refused.text  # labelled as the Entries tab names it
    assert 'name="admin"' not in refused.text
    workbook.write_bytes(good)  # mended: the kept form, sent again, lands
    again = requests.post(link(base, "Catherine"), data=typed, headers=french, timeout=30)
    assert again.status_code == 200 and [r[1] for r in entries(workbook)[2:]] == ["paiement"]


def test_booking_a_free_slot_then_a_clash_shows_the_rule(lilas):
    workbook, base = lilas
    catherine, julien = link(base, "Catherine"), link(base, "Julien")
    ok = post(catherine, kind="booking", vehicle="Clio", start="2026-01-10T09:00", end="2026-01-10T18:00", repeat="")
    assert ok.status_code == 200 and "Catherine 09:00–18:00" in ok.text
    assert "10 janv. 2026 09:00–18:00 · Clio · réservation" in shown(ok)  # in the last entries, as what it is
    clash = post(julien, kind="booking", vehicle="Clio", start="2026-01-10T17:00", end="2026-01-10T20:00", repeat="")
    assert clash.status_code == 422
    assert "Selon la règle du groupe (premier réservé), Catherine garde la voiture" in shown(clash)
    rows = entries(workbook)
    assert [r[1] for r in rows[2:]] == ["réservation"]
    report = api.load(str(workbook), date(2026, 1, 5))
    assert [(b.member, b.start) for b in report.book.bookings] == [("Catherine", datetime(2026, 1, 10, 9, 0))]
    _, ics, count = api.calendar(str(workbook), date(2026, 1, 5))  # the phone's bookings are in the feed
    assert count == 1 and b"DTSTART" in ics and b"Catherine" in ics
    refused = post(julien, kind="cancellation", cancels="Saisies!3")  # not his to cancel
    assert refused.status_code == 422 and "Aucune réservation de Julien en Saisies!3 à annuler" in shown(refused)
    assert "Annulez l'une des réservations listées sous « Vos réservations »" in shown(refused)  # the phone's hint
    # Catherine cancels: a new row, and the booking no longer counts
    page = post(catherine, kind="cancellation", cancels="Saisies!3")
    assert page.status_code == 200
    assert [r[1] for r in entries(workbook)[2:]] == ["réservation", "annulation"]
    assert api.load(str(workbook), date(2026, 1, 5)).book.bookings == ()
    assert post(julien, kind="booking", vehicle="Clio", start="2026-01-10T17:00", end="2026-01-10T20:00").ok


def test_a_cancellation_is_matched_on_the_phone_as_the_workbook_matches_it(tmp_path, example2):
    """The reader lets "saisies ! 3" cancel the booking of Saisies!3 (case and spaces aside): the
    phone accepts that cancellation too, and the booking no longer counts."""
    workbook = write_xlsx(tmp_path / "c.xlsx", lilas_tabs(example2))
    booking = {"vehicle": "Clio", "date": datetime(2026, 1, 10, 9), "end": datetime(2026, 1, 10, 18)}
    now = datetime(2026, 1, 5, 18)
    assert api.submit_entry(str(workbook), "Catherine", "booking", booking, now).written
    empty = api.submit_entry(str(workbook), "Catherine", "cancellation", {"cancels": ""}, now)
    assert not empty.written and [(p.code, p.column) for p in empty.problems] == [
        ("entry.cancellation_empty", "Annule")
    ]
    assert empty.problems[0].hint == "Annulez l'une des réservations listées sous « Vos réservations »."
    done = api.submit_entry(str(workbook), "Catherine", "cancellation", {"cancels": "saisies ! 3"}, now)
    assert done.written, [p.message for p in done.problems]
    assert api.load(str(workbook), date(2026, 1, 5)).book.bookings == ()


def test_a_member_cannot_cancel_the_booking_of_a_member_whose_name_differs_only_in_its_signs(tmp_path, example2):
    """Member names are compared as names are (case, accents and spaces aside), never by their
    letters alone: "Marie (fille)" is not "Marie (maman)", "Jean-Luc" is not "Jean Luc"."""
    tabs = lilas_tabs(example2)
    tabs["Members"] += [["Marie (maman)", None, None], ["Marie (fille)", None, None]]
    workbook = write_xlsx(tmp_path / "c.xlsx", tabs)
    booking = {"vehicle": "Clio", "date": datetime(2026, 1, 10, 9), "end": datetime(2026, 1, 10, 18)}
    now = datetime(2026, 1, 5, 18)
    assert api.submit_entry(str(workbook), "Marie (maman)", "booking", booking, now).written
    refused = api.submit_entry(str(workbook), "Marie (fille)", "cancellation", {"cancels": "Saisies!3"}, now)
    assert not refused.written
    assert [b.member for b in api.load(str(workbook), date(2026, 1, 5)).book.bookings] == ["Marie (maman)"]
    assert not api.submit_entry(str(workbook), "Marie (maman)", "cancellation", {"cancels": "Sai sies!3"}, now).written
    assert api.submit_entry(str(workbook), "marie (MAMAN)", "cancellation", {"cancels": "saisies ! 3"}, now).written
    assert api.load(str(workbook), date(2026, 1, 5)).book.bookings == ()


def test_two_members_submitting_at_the_same_moment_both_land(lilas):
    workbook, base = lilas
    answers = {}

    def submit(member, amount):
        answers[member] = post(
            link(base, member),
            kind="expense",
            vehicle="Clio",
            category="entretien",
            amount=amount,
            date="2026-01-05T08:00",
        )

    threads = [threading.Thread(target=submit, args=(m, a)) for m, a in (("Catherine", "40"), ("Julien", "25"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert {m: (a.status_code, shown(a)[-3000:] if a.status_code != 200 else "") for m, a in answers.items()} == {
        "Catherine": (200, ""),
        "Julien": (200, ""),
    }
    rows = entries(workbook)[2:]
    assert sorted((r[2], r[10]) for r in rows) == [("Catherine", 40), ("Julien", 25)]


def test_on_google_sheets_an_entry_is_one_append_request(fake_sheets, service_account_key, example2, monkeypatch):
    fake_sheets.create(SID, "Rue des Lilas", lilas_tabs(example2))
    fake_sheets.responses_mock.add_passthru("http://127.0.0.1")
    with serve(f"gsheet:{SID}", monkeypatch, str(service_account_key)) as (_, base):
        url = link(base, "Julien")
        post(url, kind="payment", to="Laurent", amount="100", date="2026-01-05T10:00", note="virement")
        fake_sheets.log.clear()
        answer = post(url, kind="payment", to="Laurent", amount="71,54", date="2026-01-05T11:00", note="reste")
        assert answer.status_code == 200
        writes = [(m, p) for m, p in fake_sheets.log if m == "POST"]
        assert writes == [("POST", f"{SID}/values/'Saisies':append")]
        rows = fake_sheets.rows(SID, "Saisies")
        assert [r[2:3] + r[10:13] for r in rows[2:]] == [
            ["Julien", 100, "", "Laurent"],
            ["Julien", 71.54, "", "Laurent"],
        ]
        report = api.load(f"gsheet:{SID}", date(2026, 1, 5), credentials=str(service_account_key))
        assert next(m for m in report.computation.members if m.name == "Julien").balance == 0


@pytest.fixture
def groups_toml(tmp_path, example2, monkeypatch):
    """A GROUPS.TOML for Rue des Lilas in a local workbook, with its public address and secret."""
    workbook = write_xlsx(tmp_path / "lilas.xlsx", lilas_tabs(example2))
    config = tmp_path / "groups.toml"
    config.write_text(
        f'[server]\npublic_url = "https://cars.example.org"\n\n[[groups]]\nname = "lilas"\n'
        f'workbook = "{workbook}"\nsecret_env = "SHEETSYNC_SECRET_LILAS"\n'
    )
    monkeypatch.setenv("SHEETSYNC_SECRET_LILAS", SECRET)
    return config


def test_links_prints_one_personal_link_per_member(groups_toml):
    config = groups_toml
    result = CliRunner().invoke(cli, ["links", str(config), "--group", "lilas"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split("\t")[0] for line in lines] == ["Laurent", "Catherine", "Julien"]
    assert lines[1].split("\t")[1] == member_link("https://cars.example.org", SECRET.encode(), "lilas", "Catherine")


def test_links_are_refused_with_a_secret_the_service_refuses(groups_toml, monkeypatch):
    """A link signed with a secret too short to serve would always meet 403: none is given."""
    monkeypatch.setenv("SHEETSYNC_SECRET_LILAS", "short")
    result = CliRunner().invoke(cli, ["links", str(groups_toml), "--group", "lilas"])
    assert result.exit_code == 2 and "too short" in result.stderr and "https://" not in result.stdout


def test_links_to_send_and_to_write_at_once_are_refused_as_for_notify(groups_toml, smtp_server, tmp_path):
    result = CliRunner().invoke(
        cli, ["links", str(groups_toml), "--group", "lilas", "--send", "--outbox", tmp_path / "o"]
    )
    assert result.exit_code == 2 and "Choose --send or --outbox, not both." in result.stderr
    assert smtp_server.messages == [] and not (tmp_path / "o").exists()


def test_links_are_sent_under_the_workbooks_run_lock(groups_toml, smtp_server, tmp_path):
    with open(lock_path((tmp_path / "lilas.xlsx").resolve()), "a") as held:  # another run holds the workbook
        fcntl.flock(held, fcntl.LOCK_EX)
        result = CliRunner().invoke(
            cli, ["links", str(groups_toml), "--group", "lilas", "--send"], env={"SHEETSYNC_LOCK_WAIT": "0.3"}
        )
    assert result.exit_code == 3 and "Another sheetsync run" in result.stderr
    assert smtp_server.messages == []


def test_links_go_out_as_notices_to_the_members_with_an_address(groups_toml, smtp_server):
    config = groups_toml
    result = CliRunner().invoke(cli, ["links", str(config), "--group", "lilas", "--send"])
    assert result.exit_code == 0, result.output
    assert "Non prévenus (pas d'adresse valide dans Membres) : Julien." in result.stderr
    received = {rcpt[0]: msg for _, rcpt, msg in smtp_server.messages}
    assert set(received) == {"laurent@example.org", "catherine@example.org"}
    catherine = received["catherine@example.org"]
    assert catherine["Subject"] == "Rue des Lilas : votre page personnelle pour la voiture"
    text = text_part(catherine)
    assert member_link("https://cars.example.org", SECRET.encode(), "lilas", "Catherine") in text
    again = CliRunner().invoke(cli, ["links", str(config), "--group", "lilas", "--send"])
    assert again.exit_code == 0 and len(smtp_server.messages) == 2  # once


def test_links_sent_name_the_member_whose_notice_cannot_become_an_email(groups_toml, smtp_server, tmp_path):
    tabs = read_xlsx(tmp_path / "lilas.xlsx")
    tabs["Members"][2][1] = "catherine..lilas@example.org"  # looks like an address; no email header takes it
    write_xlsx(tmp_path / "lilas.xlsx", tabs)
    result = CliRunner().invoke(cli, ["links", str(groups_toml), "--group", "lilas", "--send"])
    assert result.exit_code == 0, result.output
    assert [rcpt for _, rcpt, _ in smtp_server.messages] == [["laurent@example.org"]]
    assert "Non prévenus (le nom ou l'adresse ne peut pas figurer dans un e-mail) : Catherine." in result.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_an_ods_workbook_takes_entries_too_and_keeps_its_other_parts(tmp_path, example2):
    from build_fixtures import libreoffice_convert

    ods = libreoffice_convert(write_xlsx(tmp_path / "lilas.xlsx", lilas_tabs(example2)), tmp_path / "ods", "ods")
    before = {i.filename: zipfile.ZipFile(ods).read(i) for i in zipfile.ZipFile(ods).infolist()}
    now = NOW.replace(tzinfo=None)
    fields = {"vehicle": "Clio", "date": datetime(2026, 1, 4, 9), "odometer_start": LAST_READING, "odometer_end": 22850}
    done = api.submit_entry(str(ods), "Julien", "trip", fields, now)
    assert done.written and done.row == 3
    again = api.submit_entry(str(ods), "Julien", "trip", fields | {"odometer_start": 22850, "odometer_end": 22900}, now)
    assert again.written and again.row == 4
    after = zipfile.ZipFile(ods)
    assert after.read("styles.xml") == before["styles.xml"] and after.read("meta.xml") == before["meta.xml"]
    report = api.load(str(ods), date(2026, 1, 5))
    assert [(t.source.tab, t.source.row, t.km) for t in report.book.trips if t.driver == "Julien"][-2:] == [
        ("Saisies", 3, 60),
        ("Saisies", 4, 50),
    ]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_an_ods_entries_tab_of_the_groups_own_takes_one_row_and_keeps_its_formulas(tmp_path, example2):
    """The eleventh stop's leftover: on an .ods, an entry wrote the Entries tab whole, so a formula
    the treasurer typed there became its value; on a tab of the group's own (no title of
    sheetsync's) it was refused as "a tab sheetsync did not generate". One row is added now, and
    every other row of content.xml keeps its text."""
    from build_fixtures import libreoffice_convert

    tabs = lilas_tabs(example2)
    header = ["Saisi le", "Type", "Membre", "Véhicule", "Date", "Fin", "Compteur départ", "Compteur arrivée"]
    header += ["Carburant payé", "Catégorie", "Montant", "Litres", "À", "Répétition", "Annule", "Note", "Jusqu'au"]
    paid = [datetime(2026, 1, 2, 9), "paiement", "Julien", None, datetime(2026, 1, 2, 9), None, None, None]
    paid += [None, None, 40, None, "Laurent", None, None, None, None]
    tabs["Saisies"] = [header, paid, [None] * len(header)]
    source = write_xlsx(tmp_path / "own.xlsx", tabs)
    book = openpyxl.load_workbook(source)
    book["Saisies"]["P2"] = "=K2*2"  # the treasurer's own formula, in the Note column
    book["Saisies"].row_dimensions[3].hidden = True  # an empty row the group hid, below their payment
    book.save(source)
    ods = libreoffice_convert(source, tmp_path / "ods", "ods")
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    rows_before = re.search(r'<table:table table:name="Saisies".*?(?=</table:table>)', content, re.S)[0]
    rows_before = rows_before[: rows_before.rindex("<table:table-row", 0, rows_before.index('"collapse"'))]
    now = NOW.replace(tzinfo=None)
    done = api.submit_entry(str(ods), "Julien", "payment", {"to": "Laurent", "amount": D(25), "date": now}, now)
    assert done.written and done.row == 3, done.problems  # in the empty row the group hid, shown
    after = zipfile.ZipFile(ods).read("content.xml").decode()
    assert rows_before in after and 'table:formula="of:=[.K2]*2"' in after
    again = api.submit_entry(str(ods), "Julien", "payment", {"to": "Laurent", "amount": D(5), "date": now}, now)
    assert again.written and again.row == 4
    report = api.load(str(ods), date(2026, 1, 5))
    assert [(p.source.row, p.amount) for p in report.book.payments if p.source.tab == "Saisies"] == [
        (2, 40),
        (3, 25),
        (4, 5),
    ]
    assert not [p for p in report.problems if p.code.startswith("row.hidden")]  # the entries show
    seen = openpyxl.load_workbook(libreoffice_convert(ods, tmp_path / "back", "xlsx"))["Saisies"]  # LibreOffice's view
    assert [seen[f"K{r}"].value for r in (2, 3, 4)] == [40, 25, 5] and seen["P2"].value == "=K2*2"


def test_an_entry_goes_below_the_entries_of_a_tab_the_group_renamed(tmp_path, example2):
    path = write_xlsx(tmp_path / "lilas.xlsx", lilas_tabs(example2))
    now = NOW.replace(tzinfo=None)
    fields = {"vehicle": "Clio", "date": datetime(2026, 1, 4, 9), "odometer_start": LAST_READING, "odometer_end": 22850}
    assert api.submit_entry(str(path), "Julien", "trip", fields, now).row == 3
    renamed = read_xlsx(path)
    renamed["SAISIES"] = renamed.pop("Saisies")  # the group's own spelling of the tab's name
    write_xlsx(path, renamed)
    done = api.submit_entry(str(path), "Julien", "trip", fields | {"odometer_start": 22850, "odometer_end": 22900}, now)
    assert done.written and done.row == 4 and done.tab == "SAISIES"
    tabs = read_xlsx(path)
    assert "Saisies" not in tabs and [row[6:8] for row in tabs["SAISIES"][2:]] == [
        [LAST_READING, 22850],
        [22850, 22900],
    ]


def test_numbers_typed_on_the_phone_are_read_as_the_workbook_reads_them():
    def amount(typed, lang):
        return entry_fields("payment", {"amount": typed, "to": "Laurent"}, lang)["amount"]

    assert amount("1,234", "en") == 1234 and amount("1,234", "fr") == "1,234"  # ambiguous: the checks say why
    assert (
        amount("45,30", "fr") == D("45.30") and amount("23 512", "fr") == 23512 and amount("12,5 €", "en") == D("12.5")
    )
    assert [amount(typed, "en") for typed in ("NaN", "Infinity", "1e5")] == [
        "NaN",
        "Infinity",
        "1e5",
    ]  # the checks say why
    euros = entry_fields("payment", {"amount": "$12", "to": "Laurent"}, "en", "EUR")["amount"]
    assert euros == "$12" and entry_fields("payment", {"amount": "12 €"}, "fr", "EUR")["amount"] == 12


@pytest.mark.parametrize(
    "typed,said",
    [
        ("$12", "« $12 » est en USD, mais le groupe compte en EUR."),  # counted as euros before, without a word
        ("1,234", "« 1,234 » est ambigu"),  # saved as 1.234 and counted 1,23 €
    ],
)
def test_an_amount_the_sheet_would_refuse_is_refused_on_the_phone_saying_why(lilas, typed, said):
    workbook, base = lilas
    answer = post(link(base, "Catherine"), kind="payment", to="Laurent", amount=typed, date="2026-01-04T09:00")
    assert answer.status_code == 422
    assert said in shown(answer)
    assert "Saisies" not in read_xlsx(workbook)


@pytest.mark.parametrize(
    "form",
    [
        {"kind": "payment", "to": "Laurent", "amount": "467,98", "date": "2026-01-04T09:00"},
        {"kind": "expense", "vehicle": "Clio", "category": "fournitures", "amount": "40", "date": "2026-01-04T10:00"},
    ],
)
def test_a_form_sent_twice_is_saved_once_and_the_second_time_says_so(lilas, form):
    """Two trials: Back then the button again, or a retry after a lost answer, saved the payment
    twice and the figures moved with no word; the page said "Enregistré" both times."""
    workbook, base = lilas
    assert post(link(base, "Catherine"), **form).status_code == 200 and len(entries(workbook)) == 3
    again = post(link(base, "Catherine"), **form)
    assert again.status_code == 422 and "est déjà dans le classeur (Saisies, ligne 3)" in shown(again)
    assert len(entries(workbook)) == 3  # title, header, the one entry
    other = post(link(base, "Catherine"), **(form | {"date": "2026-01-04T11:00"}))
    assert other.status_code == 200 and len(entries(workbook)) == 4  # another time: another one


def test_a_form_with_a_body_length_that_is_no_number_is_a_bad_request(tmp_path, example2, monkeypatch):
    """waitress refuses such a request itself; any other WSGI server hands it over as it came."""
    monkeypatch.setenv("SHEETSYNC_SECRET_LILAS", SECRET)
    workbook = write_xlsx(tmp_path / "lilas.xlsx", lilas_tabs(example2))
    config = FleetConfig([GroupConfig("lilas", str(workbook), None, "SHEETSYNC_SECRET_LILAS")], {})
    service = Service(config, clock=NOW.timestamp, today=lambda: NOW.date())

    def status_of(length: str) -> str:
        statuses = []
        environ = {"REQUEST_METHOD": "POST", "PATH_INFO": link("", "Julien"), "CONTENT_LENGTH": length}
        b"".join(service(environ | {"wsgi.input": io.BytesIO()}, lambda status, headers: statuses.append(status)))
        return statuses[0]

    assert status_of("abc").startswith("400") and status_of(str(70 * 1024)).startswith("413")


@pytest.mark.parametrize("name, in_link", [("Clémence", "Cl%C3%A9mence"), ("Marie/Paul", "Marie%2FPaul")])
def test_a_member_named_with_an_accent_or_a_slash_gets_the_page_and_saves_an_entry(
    tmp_path, example2, monkeypatch, name, in_link
):
    """waitress hands the path over decoded as latin-1 (PEP 3333): the service reads it as UTF-8.
    A slash comes decoded from its %2F, as another segment: the name is all that stands between
    /m/ and the token (the last segment)."""
    tabs = lilas_tabs(example2)
    tabs["Members"].append([name, None, None])
    workbook = write_xlsx(tmp_path / "lilas.xlsx", tabs)
    with serve(workbook, monkeypatch) as (_, base):
        url = link(base, name)
        assert f"/m/{in_link}/" in url
        page = requests.get(url, timeout=30)
        assert page.status_code == 200 and name in shown(page)
        answer = post(url, kind="payment", to="Laurent", amount="20", date="2026-01-05T10:00")
        assert answer.status_code == 200 and "Enregistré" in answer.text, answer.text[:500]
        assert answer.history[0].status_code == 303 and answer.url == url + "?saved=1"
        assert [(r[1], r[2]) for r in entries(workbook)[2:]] == [("paiement", name)]
        assert requests.get(url.replace(in_link, "Laurent"), timeout=30).status_code == 403  # not their token
        if "/" in name:
            return
        token = url.rsplit("/", 1)[1]
        for wrong in (url[: -len(token)] + "é" * 32, url[: -len(token)] + "%C3%A9" + token[2:]):
            assert requests.get(wrong, timeout=30).status_code == 403
        assert requests.get(base + "/groups/lilas/m/Cl%E9mence/" + token, timeout=30).status_code in (400, 404)


def test_a_group_whose_secret_is_too_short_serves_no_phone_page(tmp_path, example2, monkeypatch):
    monkeypatch.setenv("SHEETSYNC_SECRET_LILAS", "short")
    workbook = write_xlsx(tmp_path / "lilas.xlsx", lilas_tabs(example2))
    config = FleetConfig([GroupConfig("lilas", str(workbook), None, "SHEETSYNC_SECRET_LILAS")], {})
    service = Service(config, clock=NOW.timestamp, today=lambda: NOW.date())
    statuses = []
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": member_link("", b"short", "lilas", "Julien")}
    b"".join(service(environ, lambda status, headers: statuses.append(status)))
    assert statuses[0].startswith("403")


def test_a_booking_on_a_hidden_row_the_group_skips_does_not_refuse_a_phone_booking(tmp_path):
    taken = ["Catherine", datetime(2026, 1, 10, 9), datetime(2026, 1, 10, 18)]
    path = write_xlsx(tmp_path / "h.xlsx", group(settings=[("hidden_rows", "skip")], bookings=[taken]))
    wb = openpyxl.load_workbook(path)
    wb["Bookings"].row_dimensions[2].hidden = True
    wb.save(path)
    assert [p.code for p in api.load(str(path), date(2026, 1, 5)).problems] == ["row.hidden_skipped"]
    fields = {"vehicle": "Clio", "date": datetime(2026, 1, 10, 17), "end": datetime(2026, 1, 10, 20)}
    done = api.submit_entry(str(path), "Julien", "booking", fields, datetime(2026, 1, 5, 18))
    assert done.written, [p.message for p in done.problems]


def test_a_phone_entry_in_a_1904_workbook_keeps_its_dates(tmp_path):
    path = write_xlsx(tmp_path / "mac.xlsx", group(trips=consecutive_trips(("Catherine", 100))))
    wb = openpyxl.load_workbook(path)
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    wb.save(path)
    fields = {"vehicle": "Clio", "date": datetime(2026, 1, 4, 9), "odometer_start": 10100, "odometer_end": 10150}
    assert api.submit_entry(str(path), "Julien", "trip", fields, datetime(2026, 1, 5, 18)).written
    saved = openpyxl.load_workbook(path)
    assert saved.epoch == openpyxl.utils.datetime.CALENDAR_MAC_1904
    assert [r[:2] for r in saved["Entries"].iter_rows(min_row=3, values_only=True)] == [
        (datetime(2026, 1, 5, 18), "trip")
    ]
    assert [t.date for t in api.load(str(path), date(2026, 1, 5)).book.trips][-1] == datetime(2026, 1, 4, 9)


def test_a_trip_logged_as_km_only_leaves_the_last_reading_to_the_trips_that_have_one(tmp_path, example2, monkeypatch):
    """A trip typed with its Km alone has no odometer end: the page still opens (it was a 500),
    the reading offered is the last one written."""
    tabs = lilas_tabs(example2)
    tabs["Trips"][0].append("Km")
    tabs["Trips"].append([date(2025, 12, 30), "Julien", None, None, None, 40])
    workbook = write_xlsx(tmp_path / "lilas.xlsx", tabs)
    assert api.load(str(workbook), date(2026, 1, 5)).book.last_readings() == {"Clio": LAST_READING}
    with serve(workbook, monkeypatch) as (_, base):
        page = requests.get(link(base, "Julien"), timeout=30)
        assert page.status_code == 200 and f'required value="{LAST_READING}"' in page.text


def test_just_after_midnight_where_the_group_lives_an_expense_of_today_counts(tmp_path, example2, monkeypatch):
    """00:30 in Paris is still yesterday on a server that keeps UTC: the page's day is the group's."""
    monkeypatch.setenv("SHEETSYNC_SECRET_LILAS", SECRET)
    workbook = write_xlsx(tmp_path / "lilas.xlsx", lilas_tabs(example2))
    config = FleetConfig([GroupConfig("lilas", str(workbook), None, "SHEETSYNC_SECRET_LILAS")], {})
    half_past_midnight = datetime(2026, 1, 6, 0, 30, tzinfo=ZoneInfo("Europe/Paris"))
    with served(Service(config, clock=half_past_midnight.timestamp), config) as (_, base):

        def expense(amount, day, **confirmed):
            return post(
                link(base, "Julien"),
                kind="expense",
                vehicle="Clio",
                category="entretien",
                amount=amount,
                date=day,
                **confirmed,
            )

        answer = expense("40", "2026-01-06T00:20")
        assert answer.status_code == 200 and "Enregistré" in shown(answer), shown(answer)[-2000:]
        tomorrow = expense("15", "2026-01-07T08:00", confirmed="1")  # after the page asked: it is tomorrow

    def balance(day):
        return str(api.load(str(workbook), day).computation.balances()["Julien"]).replace(".", ",")

    assert len({balance(date(2026, 1, day)) for day in (5, 6, 7)}) == 3  # each day counts another expense
    assert f'Votre solde : <span class="neg">{balance(date(2026, 1, 6))}\xa0€' in shown(
        tomorrow
    )  # the clock's day in Paris


def test_a_refused_field_is_named_and_marked_for_a_screen_reader(lilas):
    """The message says which field, and the field itself says it is wrong and where the reason is
    (aria-invalid, aria-describedby): a screen reader reads both when the member goes back to it."""
    workbook, base = lilas
    answer = post(link(base, "Julien"), kind="payment", to="Laurent", amount="cent", date="2026-01-05T10:00")
    page = shown(answer)
    assert '<div class="box" role="alert" id="err-payment">' in page
    assert "<li><strong>Montant</strong> : " in page and '"cent"' in page
    amount = re.search(r'<input id="p-amount"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in amount and 'aria-describedby="err-payment"' in amount
    date_input = re.search(r'<input id="p-date"[^>]*>', page).group(0)
    assert "aria-invalid" not in date_input
    assert "aria-invalid" not in re.search(r'<input id="e-amount"[^>]*>', page).group(0)  # another form's
    assert len(entries(workbook)) == 0


def test_a_refused_field_is_marked_whichever_language_the_entries_tab_was_made_in():
    """A group that turned French after its Entries tab was made in English: its problems name
    "Amount", and the amount input is still the one marked."""
    from sheetsync.app.phone import PageState, _invalid_inputs
    from sheetsync.model import Problem, Severity

    def marked(column):
        wrong = Problem(Severity.ERROR, "value.number", "Saisies", 3, column, '"cent" is not a number.', "")
        return _invalid_inputs(PageState("payment", {}, [wrong]))

    assert marked("Amount") == marked("Montant") == {"amount"}
    assert marked("Date") == {"date"} and marked(None) == set()


def confirming_form(page: str, kind: str) -> dict[str, str]:
    """The inputs of the page's "save anyway" form for `kind`, as a browser sends them."""
    form = re.search(rf'<form method="post" action="#[a-z]+" id="confirm-{kind}">(.*?)</form>', page, re.S)
    assert form, "no confirming form"
    return {html.unescape(n): html.unescape(v) for n, v in re.findall(r'name="([^"]*)" value="([^"]*)"', form[1])}


@pytest.mark.parametrize(
    "form,said",
    [
        (  # 3,000 km in a day: a zero too many
            {
                "kind": "trip",
                "vehicle": "Clio",
                "date": "2026-01-04T09:00",
                "odometer_start": str(LAST_READING),
                "odometer_end": str(LAST_READING + 3000),
            },
            ("<strong>Compteur au retour (km)</strong>", "3000 km en 1 jour :"),  # the form's own label
        ),
        (  # the year typed one too far
            {"kind": "payment", "to": "Laurent", "amount": "40", "date": "2027-01-04T09:00"},
            ("<strong>Date</strong>", "Le 4 janv. 2027 est après aujourd'hui"),
        ),
        (
            {"kind": "payment", "to": "Laurent", "amount": "0", "date": "2026-01-04T09:00"},
            ("<strong>Montant</strong>", "Le montant est 0."),
        ),
    ],
)
def test_a_likely_slip_is_asked_about_and_saved_only_once_confirmed(lilas, form, said):
    """Three trials: a trip a zero too long, a payment dated next year, a payment of 0 were saved
    without a word (the sheet warns of each). The page now says what looks wrong, keeps the form to
    correct, and saves it as typed only with "Enregistrer quand même"."""
    workbook, base = lilas
    asked = post(link(base, "Catherine"), **form)
    page = shown(asked)
    assert asked.status_code == 200 and "Vérifiez avant d'enregistrer :" in page
    assert all(words in page for words in said), page[page.find('class="box"') :][:600]
    assert "Enregistré" not in page and entries(workbook) == []
    confirmed = confirming_form(asked.text, form["kind"])
    assert {k: v for k, v in confirmed.items() if k != "confirmed"} == form and confirmed["confirmed"] == "1"
    saved = post(link(base, "Catherine"), **confirmed)
    assert saved.status_code == 200 and "Enregistré" in shown(saved)
    assert len(entries(workbook)) == 3  # title, header, the entry as typed


def test_a_confirmed_form_is_still_checked_and_an_error_still_stops_it(lilas):
    workbook, base = lilas
    form = {"kind": "payment", "to": "Laurent", "amount": "cent", "date": "2027-01-04T09:00", "confirmed": "1"}
    refused = post(link(base, "Catherine"), **form)
    assert refused.status_code == 422 and '"cent"' in shown(refused) and entries(workbook) == []


def test_a_repeating_booking_made_on_the_phone_ends_where_the_member_says(lilas):
    """A members' trial: "every week" from the phone had no end, and the Thursday car went on being
    booked for ever. The form now takes an optional last day; the list says the repeat and its end."""
    workbook, base = lilas
    catherine = link(base, "Catherine")
    weekly = {"kind": "booking", "vehicle": "Clio", "start": "2026-01-08T18:00", "end": "2026-01-08T20:00"}
    page = post(catherine, **weekly, repeat="weekly", until="2026-01-29")
    assert page.status_code == 200 and "Enregistré" in shown(page)
    assert "chaque semaine jusqu'au 29 janv. 2026" in shown(page)  # under "Vos réservations"
    (booking,) = api.load(str(workbook), date(2026, 1, 5)).book.bookings
    assert (booking.repeat, booking.until) == ("weekly", date(2026, 1, 29))
    _, ics, _ = api.calendar(str(workbook), date(2026, 1, 5))
    assert b"UNTIL=20260129" in ics
    assert entries(workbook)[1][-1] == "Jusqu'au"


@pytest.mark.parametrize("where", ["xlsx", "gsheet"])
def test_an_entries_tab_made_before_the_until_column_gains_it_and_keeps_its_rows(
    where, tmp_path, example2, monkeypatch, fake_sheets, service_account_key
):
    """An Entries tab made by the last version has no Until column: a weekly booking with an end
    made from the phone gets one (last, so that every row keeps its place), on Google Sheets too,
    where an entry is otherwise one append below the header as it is."""
    from sheetsync.present.words import word

    tabs = lilas_tabs(example2)
    old_header = ["Saisi le", "Type", "Membre", "Véhicule", "Date", "Fin", "Compteur départ", "Compteur arrivée"]
    old_header += ["Carburant payé", "Catégorie", "Montant", "Litres", "À", "Répétition", "Annule", "Note"]
    paid = [datetime(2026, 1, 2, 9), "paiement", "Julien", None, datetime(2026, 1, 2, 9), None, None, None]
    paid += [None, None, 40, None, "Laurent", None, None, "essence"]
    tabs["Saisies"] = [[word("entries_title", "fr")], old_header, paid]
    location, credentials = placed(where, tabs, tmp_path / "old.xlsx", fake_sheets, service_account_key)
    before = api.load(location, date(2026, 1, 5), credentials=credentials).computation.balances()
    with serve(location, monkeypatch, credentials) as (_, base):
        weekly = {"kind": "booking", "vehicle": "Clio", "start": "2026-01-08T18:00", "end": "2026-01-08T20:00"}
        answer = post(link(base, "Catherine"), **weekly, repeat="weekly", until="2026-01-29")
        assert answer.status_code == 200, shown(answer)[shown(answer).find('class="box"') :][:400]
    rows = fake_sheets.rows(SID, "Saisies") if where == "gsheet" else entries(location)
    assert rows[1] == [*old_header, "Jusqu'au"] and len(rows) == 4
    report = api.load(location, date(2026, 1, 5), credentials=credentials)
    assert report.computation.balances() == before  # the payment typed before: in its place
    assert [(b.member, b.until) for b in report.book.bookings] == [("Catherine", date(2026, 1, 29))]


def test_cancelling_a_repeating_booking_asks_first_as_it_cancels_every_one_to_come(lilas):
    workbook, base = lilas
    catherine = link(base, "Catherine")
    weekly = {"kind": "booking", "vehicle": "Clio", "start": "2026-01-08T18:00", "end": "2026-01-08T20:00"}
    assert post(catherine, **weekly, repeat="weekly").status_code == 200
    asked = post(catherine, kind="cancellation", cancels="Saisies!3")
    page = shown(asked)
    assert asked.status_code == 200 and "Vérifiez avant d'annuler :" in page
    assert "chaque semaine" in page and "toutes celles à venir" in page
    assert "Tout annuler</button>" in page and "corrigez le formulaire" not in page  # nothing to correct
    assert len(entries(workbook)) == 3 and len(api.load(str(workbook), date(2026, 1, 5)).book.bookings) == 1
    assert post(catherine, **confirming_form(asked.text, "cancellation")).status_code == 200
    assert api.load(str(workbook), date(2026, 1, 5)).book.bookings == ()


def test_save_anyway_sent_while_the_workbook_cannot_be_read_is_kept_confirmed():
    """The page shown when the workbook cannot be read keeps the form to send again: a form the
    member had confirmed ("Save anyway") stays confirmed, instead of asking the question again."""
    from sheetsync.app.phone import render_unavailable

    form = {"kind": "payment", "to": "Laurent", "amount": "0", "date": "2026-01-05T10:00", "confirmed": "1"}
    page = render_unavailable("lilas", "Google Sheets does not answer.", "fr", form).decode()
    assert '<input type="hidden" name="confirmed" value="1">' in page


@pytest.mark.parametrize("where", ["xlsx", "gsheet"])
def test_an_entries_tab_the_treasurer_rearranged_keeps_its_columns_and_rows(
    where, tmp_path, example2, monkeypatch, fake_sheets, service_account_key
):
    """The treasurer inserted a column "Vérifié" after Membre and ticks what they checked. An entry
    from a phone was written in sheetsync's own order under the tab's header: every cell from Membre
    on landed one column off (its amount under Véhicule), and on a file the header was put back in
    sheetsync's order, shifting every older row too. The entry now goes into the tab as it is."""
    from sheetsync.present.words import word

    tabs = lilas_tabs(example2)
    header = ["Saisi le", "Type", "Membre", "Vérifié", "Véhicule", "Date", "Fin", "Compteur départ"]
    header += ["Compteur arrivée", "Carburant payé", "Catégorie", "Montant", "Litres", "À", "Répétition"]
    header += ["Annule", "Note", "Jusqu'au"]
    paid = [datetime(2026, 1, 2, 9), "paiement", "Julien", "oui", None, datetime(2026, 1, 2, 9)]
    paid += [None, None, None, None, None, 40, None, "Laurent", None, None, "essence"]
    tabs["Saisies"] = [[word("entries_title", "fr")], header, paid + [None, "vu par Laurent"]]  # a word past it
    location, credentials = placed(where, tabs, tmp_path / "kept.xlsx", fake_sheets, service_account_key)
    julien = api.load(location, date(2026, 1, 5), credentials=credentials).computation.balances()["Julien"]
    with serve(location, monkeypatch, credentials) as (_, base):
        answer = post(link(base, "Julien"), kind="payment", to="Laurent", amount="25", date="2026-01-05T10:00")
        page = shown(answer)
        assert answer.status_code == 200 and "Enregistré" in page, page[page.find('role="alert"') :][:500]
    rows = fake_sheets.rows(SID, "Saisies") if where == "gsheet" else entries(location)
    assert rows[1][: len(header)] == header and not any(rows[1][len(header) :]) and len(rows) == 4
    assert "vu par Laurent" in rows[2], rows[2]  # typed past the header: kept
    assert [rows[3][i] for i in (1, 2, 3, 11, 13)] == [
        "paiement",
        "Julien",
        "" if where == "gsheet" else None,
        25,
        "Laurent",
    ]
    report = api.load(location, date(2026, 1, 5), credentials=credentials)
    assert report.computation.balances()["Julien"] == julien + 25  # the older payment still counts
    assert [p.amount for p in report.book.payments if p.source.tab == "Saisies"] == [40, 25]


def test_a_payment_ten_times_what_the_member_owes_is_asked_about(lilas):
    """A trial: Catherine owes 467,98 € and typed 46798 (the comma missed): saved at once, her balance
    became +46 330 €. Ten times what she owes or more is now asked about; what she owes is not."""
    workbook, base = lilas
    catherine = link(base, "Catherine")
    asked = post(catherine, kind="payment", to="Laurent", amount="46798", date="2026-01-05T10:00")
    assert asked.status_code == 200 and "Vérifiez avant d'enregistrer :" in shown(asked)
    assert "46798" in shown(asked) and "467,98" in shown(asked) and entries(workbook) == []
    paid = post(catherine, kind="payment", to="Laurent", amount="467,98", date="2026-01-05T10:00")
    assert paid.status_code == 200 and "Enregistré" in shown(paid) and len(entries(workbook)) == 3


@pytest.mark.parametrize(
    "form",
    [
        {
            "kind": "trip",
            "vehicle": "Clio",
            "date": "2026-01-04T09:00",
            "odometer_start": str(LAST_READING),
            "odometer_end": str(LAST_READING + 60),
        },
        {"kind": "booking", "vehicle": "Clio", "start": "2026-01-10T09:00", "end": "2026-01-10T18:00", "repeat": ""},
    ],
)
def test_a_trip_or_a_booking_sent_twice_is_said_saved_not_wrong(lilas, form):
    """A trial: a trip sent again (Back, then the button) was refused as starting "before the end of
    the trip of row 3", its own copy; a booking sent again clashed with itself. Both now say they are
    already in the workbook, and where."""
    workbook, base = lilas
    assert post(link(base, "Catherine"), **form).status_code == 200 and len(entries(workbook)) == 3
    again = post(link(base, "Catherine"), **form)
    page = shown(again)
    assert again.status_code == 422 and "est déjà dans le classeur (Saisies, ligne 3)" in page
    assert "Déjà enregistré :" in page and "Rien n'a été enregistré" not in page  # the heading agrees
    assert "avant la fin" not in page and "aussi réservée" not in page and len(entries(workbook)) == 3


def test_a_problem_on_the_page_names_the_forms_own_field_and_gives_the_pages_advice(lilas):
    """A trial: the page said "Compteur arrivée" under a field labelled "Compteur au retour (km)",
    and "supprimez la ligne" to a member who has no row before them. The page names the field as
    its form does, and a sheet's advice about its rows becomes the page's."""
    workbook, base = lilas
    form = {"kind": "trip", "vehicle": "Clio", "date": "2026-01-04T09:00", "odometer_start": str(LAST_READING)}
    trip = shown(post(link(base, "Catherine"), **form, odometer_end=str(LAST_READING + 3000)))
    assert "<strong>Compteur au retour (km)</strong>" in trip and "<strong>Compteur arrivée</strong>" not in trip
    zero = shown(post(link(base, "Catherine"), kind="payment", to="Laurent", amount="0", date="2026-01-04T09:00"))
    assert "<strong>Montant</strong>" in zero and "Le montant est 0." in zero
    assert "supprimez la ligne" not in zero and "Tapez le montant payé." in zero


@pytest.mark.parametrize("where", ["xlsx", "gsheet"])
def test_the_groups_own_columns_of_times_and_dates_stay_times_and_dates(
    where, tmp_path, example2, monkeypatch, fake_sheets, service_account_key
):
    """A review: a column of the group's own holding times of day made the next phone entry write a
    workbook no program could open; a column of dates with a word among them came back as bare
    numbers. Both are written back as they were read."""
    from datetime import time

    from sheetsync.backends import open_backend
    from sheetsync.present.words import word

    tabs = lilas_tabs(example2)
    header = ["Saisi le", "Type", "Membre", "Véhicule", "Date", "Fin", "Compteur départ", "Compteur arrivée"]
    header += ["Carburant payé", "Catégorie", "Montant", "Litres", "À", "Répétition", "Annule", "Note", "Jusqu'au"]
    header += ["Heure", "Rappel"]
    paid = [datetime(2026, 1, 2, 9), "paiement", "Julien", None, datetime(2026, 1, 2, 9), None, None, None]
    paid += [None, None, 40, None, "Laurent", None, None, None, None, time(9, 30), date(2026, 1, 3)]
    later = [datetime(2026, 1, 3, 9), "paiement", "Julien", None, datetime(2026, 1, 3, 9), None, None, None]
    later += [None, None, 10, None, "Laurent", None, None, None, None, None, "à voir"]
    tabs["Saisies"] = [[word("entries_title", "fr")], header, paid, later]
    location, credentials = placed(where, tabs, tmp_path / "own.xlsx", fake_sheets, service_account_key)
    with serve(location, monkeypatch, credentials) as (_, base):
        answer = post(link(base, "Julien"), kind="payment", to="Laurent", amount="25", date="2026-01-05T10:00")
        assert answer.status_code == 200 and "Enregistré" in shown(answer)
    if where == "xlsx":
        openpyxl.load_workbook(location)  # a workbook a spreadsheet program opens
    rows = [list(r) for r in open_backend(location, credentials=credentials).read_tabs()["Saisies"]]
    assert rows[2][17:19] == [time(9, 30), date(2026, 1, 3)] and rows[3][18] == "à voir" and len(rows) == 5


def test_a_booking_cancelled_then_made_again_is_saved_not_said_already_there(lilas):
    """A review: the same slot booked, cancelled, then booked again was refused as "already in the
    workbook" (the first, cancelled row). A row a cancellation took out is no copy."""
    workbook, base = lilas
    catherine = link(base, "Catherine")
    slot = {"kind": "booking", "vehicle": "Clio", "start": "2026-01-10T09:00", "end": "2026-01-10T18:00", "repeat": ""}
    assert post(catherine, **slot).status_code == 200
    assert post(catherine, kind="cancellation", cancels="Saisies!3").status_code == 200
    again = post(catherine, **slot)
    assert again.status_code == 200 and "Enregistré" in shown(again) and len(entries(workbook)) == 5
    report = api.load(str(workbook), date(2026, 1, 5))
    assert [(b.source.row, b.member) for b in report.book.bookings] == [(5, "Catherine")]


@pytest.mark.parametrize("where", ["xlsx", "gsheet"])
def test_a_booking_ending_at_midnight_ends_at_midnight_read_back(
    where, tmp_path, example2, monkeypatch, fake_sheets, service_account_key
):
    """The eleventh stop's leftover: a booking from 00:00 to 00:00 the next day came back from an
    .xlsx as two whole days (a midnight moment reads as a day typed alone), so it ended a day late
    and clashed with the next morning's. Its end is written as the day it runs through, alone, which
    reads back as the same moment everywhere, and shows as a day in the sheet."""
    from sheetsync.backends import open_backend

    location, credentials = placed(
        where, lilas_tabs(example2), tmp_path / "lilas.xlsx", fake_sheets, service_account_key
    )
    night = {"kind": "booking", "vehicle": "Clio", "start": "2026-01-10T00:00", "end": "2026-01-11T00:00", "repeat": ""}
    morning = {
        "kind": "booking",
        "vehicle": "Clio",
        "start": "2026-01-11T08:00",
        "end": "2026-01-11T12:00",
        "repeat": "",
    }
    with serve(location, monkeypatch, credentials) as (_, base):
        assert post(link(base, "Catherine"), **night).status_code == 200
        answer = post(link(base, "Julien"), **morning)
        assert answer.status_code == 200 and "Enregistré" in shown(answer)
        again = post(link(base, "Catherine"), **night)
        assert again.status_code == 422 and "Déjà enregistré" in shown(again)
        # a review: from 20:00 a midnight end already read back as one, and must stay a moment
        evening = {"kind": "booking", "vehicle": "Clio", "start": "2026-01-12T20:00", "end": "2026-01-13T00:00"}
        assert post(link(base, "Julien"), **evening, repeat="weekly").status_code == 200
    report = api.load(location, date(2026, 1, 5), credentials=credentials)
    assert [(b.member, b.start, b.end) for b in report.book.bookings] == [
        ("Catherine", datetime(2026, 1, 10), datetime(2026, 1, 11)),
        ("Julien", datetime(2026, 1, 11, 8), datetime(2026, 1, 11, 12)),
        ("Julien", datetime(2026, 1, 12, 20), datetime(2026, 1, 13)),
    ]
    assert list(open_backend(location, credentials=credentials).read_tabs()["Saisies"])[2][5] == date(2026, 1, 10)
    if where == "xlsx":
        assert openpyxl.load_workbook(location)["Saisies"]["F3"].number_format == "yyyy-mm-dd"


def test_a_booking_from_midnight_sent_twice_is_said_already_there():
    """A review: a moment at midnight comes back from an .xlsx as a day: the copy was not seen as one."""
    from sheetsync.api import _as_compared

    assert _as_compared(date(2026, 1, 10)) == _as_compared(datetime(2026, 1, 10, 0, 0))
    assert _as_compared(30.5) == _as_compared(D("30.5")) and _as_compared(" x ") == "x"


def test_an_entries_tab_with_rows_above_its_header_is_left_as_it_is_and_the_entry_refused(lilas):
    """A review: a note above the Entries tab's header ("Ne pas trier") was overwritten by the next
    phone entry, and the group's header became a row of data. Nothing is written now; the page
    says what the treasurer can do."""
    from sheetsync.present.words import word

    workbook, base = lilas
    tabs = read_xlsx(workbook)
    header = ["Saisi le", "Type", "Membre", "Véhicule", "Date", "Fin", "Compteur départ", "Compteur arrivée"]
    tabs["Saisies"] = [[word("entries_title", "fr")], ["Ne pas trier"], header]
    write_xlsx(workbook, tabs)
    before = workbook.read_bytes()
    answer = post(link(base, "Julien"), kind="payment", to="Laurent", amount="25", date="2026-01-05T10:00")
    assert answer.status_code == 422 and "au-dessus de son en-tête" in shown(answer)
    assert workbook.read_bytes() == before


def test_a_phone_entry_adds_one_row_to_a_local_entries_tab_and_leaves_every_other_cell_as_it_was(lilas):
    """A review: on a file, each entry wrote the Entries tab again from its values: a formula the
    treasurer typed in it became its value, a row they hid showed again. The entry is now one row
    added to the sheet; every other cell of the tab keeps its bytes."""
    workbook, base = lilas
    assert post(link(base, "Julien"), kind="payment", to="Laurent", amount="40", date="2026-01-02T09:00").ok
    assert post(link(base, "Julien"), kind="payment", to="Laurent", amount="5", date="2026-01-03T09:00").ok
    book = openpyxl.load_workbook(workbook)
    sheet = book["Saisies"]
    sheet["R3"] = "=K3*2"  # the treasurer's own formula, beside the first payment
    sheet.row_dimensions[4].hidden = True  # and the second payment, hidden
    book.save(workbook)
    part = f"xl/worksheets/sheet{book.sheetnames.index('Saisies') + 1}.xml"  # as openpyxl names them

    def sheet():
        return zipfile.ZipFile(workbook).read(part).decode()

    before = sheet()
    answer = post(link(base, "Julien"), kind="payment", to="Laurent", amount="25", date="2026-01-05T10:00")
    assert answer.status_code == 200 and "Enregistré" in shown(answer)
    after = sheet()
    assert "<f>K3*2</f>" in after and re.search(r'<row r="4"[^>]*hidden="1"', after)
    rows_before = before[before.index("<sheetData>") : before.index("</sheetData>")]
    assert after.index(rows_before) < after.index('<row r="5"')  # rows 1 to 4: byte for byte
    assert re.search(r'<dimension ref="A1:R5"\s*/>', after)  # the extent a reader sizes the sheet by
    reopened = openpyxl.load_workbook(workbook)["Saisies"]
    assert reopened["K5"].value == 25 and reopened["A5"].is_date and reopened["R3"].value == "=K3*2"
    report = api.load(str(workbook), date(2026, 1, 5))
    assert [p.amount for p in report.book.payments if p.source.tab == "Saisies"] == [40, 5, 25]


def test_an_entry_in_a_row_the_treasurer_formatted_ahead_keeps_its_formats(lilas):
    """The eleventh stop's leftover: rows formatted ahead of the entries (a fill, a height, as a
    template lays them out) lost their formats to each new entry, leaving a hole in them. The
    entry takes the row's formats: its height, the formats of the cells it leaves empty, and of
    its text cells; a date or an amount keeps the number format it needs."""
    from openpyxl.styles import PatternFill

    workbook, base = lilas
    assert post(link(base, "Julien"), kind="payment", to="Laurent", amount="40", date="2026-01-02T09:00").ok
    book = openpyxl.load_workbook(workbook)
    sheet = book["Saisies"]
    yellow = PatternFill("solid", fgColor="FFFFF2CC")
    for row in range(4, 9):
        sheet.row_dimensions[row].height = 30
        for column in range(1, 18):
            sheet.cell(row, column).fill = yellow
    book.save(workbook)
    answer = post(link(base, "Julien"), kind="payment", to="Laurent", amount="25", date="2026-01-05T10:00")
    assert answer.status_code == 200 and "Enregistré" in shown(answer)
    sheet = openpyxl.load_workbook(workbook)["Saisies"]
    assert sheet["B4"].value == "paiement" and sheet["B4"].fill.fgColor.rgb == "FFFFF2CC"  # a text cell
    assert sheet["D4"].value is None and sheet["D4"].fill.fgColor.rgb == "FFFFF2CC"  # a cell left empty
    assert sheet["K4"].value == 25 and "0.00" in sheet["K4"].number_format  # an amount: its own format
    assert sheet.row_dimensions[4].height == 30 and sheet["B5"].fill.fgColor.rgb == "FFFFF2CC"


def test_an_excel_table_over_the_entries_tab_takes_the_new_row(lilas):
    """The eleventh stop's leftover: a treasurer who made the Entries tab an Excel table (Insert >
    Table: banded rows, a filter) saw every phone entry land below it, outside its filter and its
    sorting. A table ending on the row above the entry now takes it in; another one is left as is."""
    from openpyxl.worksheet.table import Table as ExcelTable

    workbook, base = lilas
    assert post(link(base, "Julien"), kind="payment", to="Laurent", amount="40", date="2026-01-02T09:00").ok
    book = openpyxl.load_workbook(workbook)
    sheet = book["Saisies"]
    sheet.add_table(ExcelTable(displayName="Paiements", ref="A2:Q3"))
    sheet["S2"], sheet["S3"], sheet["T2"] = "Mois", "janv.", "Total"
    sheet.add_table(ExcelTable(displayName="Aparte", ref="S2:T3"))  # beside it, ending on the same row
    book.save(workbook)
    answer = post(link(base, "Julien"), kind="payment", to="Laurent", amount="25", date="2026-01-05T10:00")
    assert answer.status_code == 200 and "Enregistré" in shown(answer)
    assert post(link(base, "Julien"), kind="payment", to="Laurent", amount="5", date="2026-01-05T11:00").ok
    reopened = openpyxl.load_workbook(workbook)["Saisies"]
    assert dict(reopened.tables.items()) == {"Paiements": "A2:Q5", "Aparte": "S2:T3"}  # a review: it grew too
    assert reopened.tables["Paiements"].autoFilter.ref == "A2:Q5" and reopened["K4"].value == 25


def test_a_groups_own_entries_tab_lacking_a_column_an_entry_fills_says_which_to_add(lilas):
    """A review: a weekly booking with its last day, on an Entries tab of the group's own making
    (its header on row 1) without Until, got "try again in a few minutes", which never works. The
    page now says which column the treasurer can add; an entry that needs none is saved."""
    workbook, base = lilas
    tabs = read_xlsx(workbook)
    tabs["Saisies"] = [["Saisi le", "Type", "Membre", "Véhicule", "Date", "Fin", "Répétition", "Annule", "Note"]]
    write_xlsx(workbook, tabs)
    weekly = {"kind": "booking", "vehicle": "Clio", "start": "2026-01-08T18:00", "end": "2026-01-08T20:00"}
    before = workbook.read_bytes()
    answer = post(link(base, "Catherine"), **weekly, repeat="weekly", until="2026-01-29")
    assert answer.status_code == 422 and "n'a pas de colonne Jusqu'au" in shown(answer)
    assert workbook.read_bytes() == before
    assert post(link(base, "Catherine"), **weekly, repeat="weekly").status_code == 200
    assert [r[1] for r in entries(workbook)[1:]] == ["réservation"]


def test_an_empty_entries_tab_is_said_empty():
    from sheetsync.model.problems import problem

    said = problem("entry.empty_entries_tab", "fr", "Saisies", None, None, name="Saisies")
    assert said.message.startswith("L'onglet Saisies est vide")


def test_cancelling_a_series_already_under_way_is_asked_about_too(tmp_path, example2):
    """A reading: the question was asked by comparing the bookings before and after; a series under
    way keeps its days gone by, so it was still there after, and the cancelling went unasked."""
    tabs = lilas_tabs(example2)
    tabs["Bookings"] = [
        ["Member", "Start", "End", "Repeat"],
        ["Catherine", "2025-12-01 09:00", "2025-12-01 12:00", "weekly"],
    ]
    workbook = write_xlsx(tmp_path / "series.xlsx", tabs)
    now = datetime(2026, 1, 5, 18, 30)
    asked = api.submit_entry(str(workbook), "Catherine", "cancellation", {"cancels": "Bookings!2"}, now)
    assert asked.asked and [p.code for p in asked.problems] == ["entry.cancels_series"]
    done = api.submit_entry(str(workbook), "Catherine", "cancellation", {"cancels": "Bookings!2"}, now, confirmed=True)
    assert done.written


def test_a_cancellation_of_another_members_booking_does_not_make_hers_bookable_twice(tmp_path, example2):
    """A reading: a cancellation typed by Julien naming Catherine's booking cancels nothing (the
    reader says so), yet the copy check took her booking's row as cancelled: sent again, her
    booking clashed with itself instead of being said already there."""
    tabs = lilas_tabs(example2)
    workbook = write_xlsx(tmp_path / "other.xlsx", tabs)
    now = datetime(2026, 1, 5, 18, 30)
    slot = {"vehicle": "Clio", "date": datetime(2026, 1, 10, 9), "end": datetime(2026, 1, 10, 18)}
    assert api.submit_entry(str(workbook), "Catherine", "booking", slot, now).written
    tabs = read_xlsx(workbook)
    tabs["Saisies"].append(
        [
            datetime(2026, 1, 5, 19),
            "annulation",
            "Julien",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "Saisies!3",
        ]
    )
    write_xlsx(workbook, tabs)
    again = api.submit_entry(str(workbook), "Catherine", "booking", slot, now)
    assert [p.code for p in again.problems] == ["entry.already_saved"]
