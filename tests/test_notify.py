"""Email notices from Jinja templates, sent to a real SMTP server on loopback, and sent once."""

import datetime as dt
import ipaddress
from datetime import date, datetime

import pytest
from conftest import consecutive_trips, free_port, group, read_eml, read_xlsx, text_part, write_xlsx
from conftest import run_cli as run

from sheetsync.notify import KINDS
from sheetsync.notify.mailer import build_message, load_smtp_config
from sheetsync.notify.plan import PLANNERS, Notice, plan
from sheetsync.notify.render import environment, render
from sheetsync.pipeline import build_report


@pytest.fixture
def lilas(tmp_path, example2):
    """Example 2, in French, with emails (Julien has none)."""
    example2["Members"] = [
        ["Nom", "Courriel"],
        ["Laurent", "laurent@example.org"],
        ["Catherine", "catherine@example.org"],
        ["Julien", None],
    ]
    example2["Settings"] += [["langue", "fr"], ["groupe", "Rue des Lilas"]]
    return write_xlsx(tmp_path / "lilas.xlsx", example2)


def test_every_kind_the_command_offers_has_its_planner():
    """`notify --kind` offers KINDS without loading the planners: each has one, and the only
    other planner is the personal links' (sent by `links --send`)."""
    assert set(PLANNERS) == {*KINDS, "link"} and len(KINDS) == len(set(KINDS))
    assert run("notify", "x.xlsx", "--kind", "link").exit_code == 2  # not a kind `notify` sends


def test_settlement_notices_reach_each_member_in_their_language_and_once(lilas, smtp_server):
    result = run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    assert "Non prévenus (pas d'adresse valide dans Membres) : Julien." in result.stderr
    received = {rcpt[0]: msg for _, rcpt, msg in smtp_server.messages}
    assert set(received) == {"laurent@example.org", "catherine@example.org"}
    catherine = received["catherine@example.org"]
    assert catherine["Subject"] == "Rue des Lilas : votre relevé d'autopartage 2025"
    assert catherine["To"] == "Catherine <catherine@example.org>"
    assert catherine["Reply-To"] == "laurent@example.org"
    text, html = text_part(catherine, "plain"), text_part(catherine, "html")
    assert "Solde au 31 déc. 2025               -467,98\u00a0€" in text
    assert "467,98\u00a0€ à Laurent" in text
    assert "<strong>467,98\u00a0€</strong> à Laurent" in html
    assert "0,2400\u00a0€ par km sur 12\u202f790 km" in text
    assert "Vous allez recevoir" in text_part(received["laurent@example.org"], "plain")
    sent = read_xlsx(lilas)["Envois"]
    assert sent[1] == ["Envoyé le", "Type", "Période", "Membre", "Adresse", "Objet", "Message-ID"]
    assert sorted(row[3] for row in sent[2:]) == ["Catherine", "Laurent"]
    assert {row[6] for row in sent[2:]} == {str(m["Message-ID"]) for m in received.values()}
    again = run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert again.exit_code == 0 and len(smtp_server.messages) == 2
    assert "Déjà envoyés d'après l'onglet Envois (--resend pour renvoyer) : Laurent, Catherine." in again.stderr
    server_down = run(
        "notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31", env={"SHEETSYNC_SMTP_PORT": "9"}
    )
    assert server_down.exit_code == 0, server_down.output  # nothing new to send: the server is not called
    resent = run(
        "notify",
        lilas,
        "--kind",
        "settlement",
        "--send",
        "--resend",
        "--as-of",
        "2025-12-31",
        env={"SHEETSYNC_SMTP_PORT": "9", "LANG": "C"},
    )
    assert resent.exit_code == 3 and "L'envoi a échoué" in resent.stderr, resent.stderr  # the group's language
    resend = run(
        "notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31", "--member", "laurent", "--resend"
    )
    assert resend.exit_code == 0 and len(smtp_server.messages) == 3
    assert len(read_xlsx(lilas)["Envois"]) == 2 + 3


def test_no_notice_asks_for_money_while_the_workbook_has_errors(tmp_path, example2, smtp_server):
    """A row left out for an error would make every amount asked wrong: settlement and advance
    notices are not sent nor written (exit 1, saying how much is left out), a dry run says they
    would not go, and --despite-errors sends them all the same."""
    example2["Members"] = [["Nom", "Courriel"]] + [[n, f"{n.lower()}@example.org"] for n in ("Laurent", "Catherine")]
    example2["Members"].append(["Julien", None])
    example2["Settings"] += [["langue", "fr"]]
    example2["Expenses"].append([date(2025, 8, 1), "Catherine", "Carburant et péage", 500])
    lilas = write_xlsx(tmp_path / "lilas.xlsx", example2)
    for kind in ("settlement", "advance"):
        held = run("notify", lilas, "--kind", kind, "--send", "--as-of", "2025-12-31")
        assert held.exit_code == 1 and smtp_server.messages == [], held.output
        assert "Aucun avis envoyé" in held.stderr and "500,00\u00a0€ sur 1 ligne" in held.stderr, held.stderr
        assert "--despite-errors" in held.stderr and "Traceback" not in held.stderr
    outbox = run("notify", lilas, "--kind", "settlement", "--outbox", tmp_path / "out", "--as-of", "2025-12-31")
    assert outbox.exit_code == 1 and not (tmp_path / "out").exists()
    assert "Envois" not in read_xlsx(lilas)
    dry = run("notify", lilas, "--kind", "settlement", "--as-of", "2025-12-31")
    assert dry.exit_code == 0 and "Aucun avis envoyé" in dry.stderr
    example2["Expenses"].pop()
    example2["Trips"][3][3] = example2["Trips"][3][2] - 1  # an error that holds no money: nothing said left out
    nothing_left = run(
        "notify", write_xlsx(tmp_path / "l2.xlsx", example2), "--kind", "settlement", "--as-of", "2025-12-31"
    )
    assert "seraient faux. sheetsync validate" in nothing_left.stderr, nothing_left.stderr
    sent = run("notify", lilas, "--kind", "settlement", "--send", "--despite-errors", "--as-of", "2025-12-31")
    assert sent.exit_code == 0 and len(smtp_server.messages) == 2, sent.output
    logbook = run("notify", lilas, "--kind", "logbook", "--send", "--as-of", "2025-12-31")
    assert logbook.exit_code == 0, logbook.output  # a reminder asks for no amount


def test_a_syncs_digest_says_its_mail_errors_in_the_groups_language(tmp_path, example2, monkeypatch):
    """`sync --notify-on-problems` sends the digest as `notify` does: a missing mail setting is said
    in the group's language there too, whatever the terminal's."""
    example2["Settings"] += [["langue", "fr"], ["trésorier", "Laurent"]]
    example2["Expenses"].append([date(2025, 8, 1), "Nobody", "fuel", 5])
    path = write_xlsx(tmp_path / "g.xlsx", example2)
    for key in ("HOST", "PORT", "FROM", "SECURITY", "USER", "PASSWORD"):
        monkeypatch.delenv(f"SHEETSYNC_SMTP_{key}", raising=False)
    monkeypatch.chdir(tmp_path)  # no sheetsync.toml here
    result = run("sync", path, "--as-of", "2025-12-31", "--notify-on-problems", env={"LANG": "C"})
    assert result.exit_code == 2 and "SMTP n'est pas configuré" in result.stderr, result.stderr


def test_a_settings_file_that_cannot_be_read_is_said_with_why(tmp_path, example2, monkeypatch):
    """A folder, or a binary file, where sheetsync.toml is looked for: the file and why, exit 2."""
    path = write_xlsx(tmp_path / "g.xlsx", example2)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sheetsync.toml").mkdir()
    result = run("notify", path, "--kind", "settlement", "--outbox", tmp_path / "out", "--as-of", "2025-12-31")
    assert result.exit_code == 2 and "Cannot read sheetsync.toml: it is a folder." in result.stderr, result.stderr
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe[smtp]")
    result = run("notify", path, "--kind", "settlement", "--send", "--config", binary, "--as-of", "2025-12-31")
    assert result.exit_code == 2 and f"Cannot read {binary}: it is not text." in result.stderr, result.stderr


def test_errors_that_change_no_amount_do_not_hold_the_notices(tmp_path, example2, smtp_server):
    """A member's wrong IBAN (the member still counts, without a scan-to-pay code) or a booking
    ending before it starts changes no figure: the notices go, the errors stay listed."""
    example2["Members"] = [["Nom", "Courriel", "IBAN"]] + [
        [n, f"{n.lower()}@example.org", None] for n in ("Laurent", "Catherine", "Julien")
    ]
    example2["Members"][2][2] = "FR76 3000 6000 0112 3456 7890 188"  # Catherine's, a wrong check digit
    example2["Bookings"] = [
        ["Membre", "Véhicule", "Début", "Fin"],
        ["Julien", "Clio", datetime(2025, 9, 3, 10), datetime(2025, 9, 2, 10)],
    ]
    example2["Settings"] += [["langue", "fr"]]
    example2["Saisies"] = [
        ["Saisies"],
        ["Saisi le", "Type", "Membre", "Annule"],
        [datetime(2025, 9, 1), "annulation", "Julien", None],
    ]
    lilas = write_xlsx(tmp_path / "lilas.xlsx", example2)
    report = run("validate", lilas, "--as-of", "2025-12-31")
    assert report.exit_code == 1 and "[member.iban]" in report.stdout and "[booking.end_before_start]" in report.stdout
    assert "Saisies, ligne 3, Annule : Annule est vide : cette annulation n'annule rien." in report.stdout
    sent = run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert sent.exit_code == 0 and len(smtp_server.messages) == 3, sent.output
    assert "Aucun avis envoyé" not in sent.stderr


def test_a_sent_log_the_group_renamed_still_stops_a_second_sending(lilas, smtp_server):
    assert run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31").exit_code == 0
    tabs = read_xlsx(lilas)
    tabs["ENVOIS"] = tabs.pop("Envois")  # the group's own spelling of the tab's name
    write_xlsx(lilas, tabs)
    again = run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert again.exit_code == 0 and len(smtp_server.messages) == 2
    assert len(read_xlsx(lilas)["ENVOIS"]) == 4


def test_a_sync_keeps_the_sent_log(lilas, smtp_server):
    run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert run("sync", lilas, "--as-of", "2025-12-31").exit_code == 0
    assert len(read_xlsx(lilas)["Envois"]) == 4


def test_a_server_failing_half_way_leaves_exactly_what_was_sent_logged(tmp_path, example2, smtp_server):
    example2["Members"] = [["Name", "Email"]] + [
        [n, f"{n.lower()}@example.org"] for n in ("Laurent", "Catherine", "Julien")
    ]
    path = write_xlsx(tmp_path / "g.xlsx", example2)
    smtp_server.fail_after = 2
    result = run("notify", path, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert result.exit_code == 3
    assert "Sending failed after 2 of 3 message(s)" in result.stderr
    logged = read_xlsx(path)["Sent"][2:]
    assert [row[3] for row in logged] == [rcpt[0].split("@")[0].capitalize() for _, rcpt, _ in smtp_server.messages]
    assert len(logged) == 2
    smtp_server.fail_after = None
    rest = run("notify", path, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert rest.exit_code == 0 and len(smtp_server.messages) == 3
    assert len(read_xlsx(path)["Sent"][2:]) == 3


def test_a_server_that_refuses_the_connection_is_said_in_the_groups_language(lilas, smtp_server, monkeypatch):
    monkeypatch.setenv("SHEETSYNC_SMTP_PORT", str(free_port()))  # nothing listens there
    result = run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert result.exit_code == 3 and "Traceback" not in result.output
    assert "la connexion a été refusée" in result.stderr and "Connection refused" not in result.stderr
    assert not smtp_server.messages


def test_outbox_files_parse_with_the_standard_parser_and_amounts_in_english(tmp_path):
    from pathlib import Path

    sample = Path(__file__).resolve().parents[1] / "sample_workbooks" / "sample-marie.xlsx"
    out = tmp_path / "out"
    result = run("notify", sample, "--kind", "settlement", "--outbox", out, "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in out.iterdir())
    assert files == ["settlement-2025-Françoise.eml", "settlement-2025-Marie.eml", "settlement-2025-Pierre.eml"]
    marie = read_eml(out / "settlement-2025-Marie.eml")
    assert marie["Subject"] == "Marie's car: your car-sharing statement for 2025"
    assert "Balance on 31 Dec 2025              €1,150.00" in text_part(marie, "plain")
    assert "€341.00 from Françoise" in text_part(marie, "plain") and "€809.00 from Pierre" in text_part(marie, "plain")
    assert "Twingo, 2025: the group's rate, €0.2500 per km" in text_part(marie, "plain")
    assert not (tmp_path / "Sent").exists()


def test_outbox_files_come_from_the_configured_address(tmp_path, lilas, monkeypatch):
    monkeypatch.delenv("SHEETSYNC_SMTP_FROM", raising=False)
    monkeypatch.delenv("SHEETSYNC_SMTP_REPLY_TO", raising=False)
    config = tmp_path / "s.toml"
    config.write_text('[smtp]\nfrom = "treasurer@example.org"\nreply_to = "group@example.org"\n')
    out = tmp_path / "out"
    result = run("notify", lilas, "--kind", "settlement", "--outbox", out, "--config", config, "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    msg = read_eml(out / "settlement-2025-Laurent.eml")
    assert (msg["From"], msg["Reply-To"]) == ("treasurer@example.org", "group@example.org")
    config.write_text('[smtp]\nfrom = "the treasurer"\n')
    wrong = run("notify", lilas, "--kind", "settlement", "--outbox", out, "--config", config, "--as-of", "2025-12-31")
    assert (
        wrong.exit_code == 2
        and "L'adresse d'expéditeur « the treasurer » n'est pas une adresse de courriel." in wrong.stderr
    )


def test_html_escapes_what_comes_from_cells_and_headers_stay_one_line():
    notice = Notice(
        "logbook",
        "2025-W12",
        "Eve\r\nBcc: all@evil.example",
        "eve@example.org",
        {
            "group": "<b>G</b>",
            "as_of": date(2025, 3, 20),
            "member": "<script>alert(1)</script>",
            "lang": "en",
            "currency": "EUR",
            "bookings": [{"vehicle": "<img src=x onerror=alert(1)>", "when": "Mar 12"}],
        },
    )
    rendered = render(notice, environment(None, "en", "EUR"), "en")
    assert "<script>" not in rendered.html and "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered.html
    assert "<img" not in rendered.html
    assert "<script>alert(1)</script>" in rendered.text  # plain text is not HTML
    msg = build_message(rendered, "sheetsync@example.org")
    headers = msg.as_bytes().split(b"\n\n", 1)[0]
    assert not any(line.startswith(b"Bcc") for line in headers.splitlines())
    assert "Eve Bcc: all@evil.example" in str(msg["To"])


def test_invalid_addresses_are_not_notified(tmp_path, example2, smtp_server):
    example2["Members"] = [
        ["Name", "Email"],
        ["Laurent", "laurent@example.org\nbcc@evil.example"],
        ["Catherine", "not an address"],
        ["Julien", "julien@example.org"],
    ]
    path = write_xlsx(tmp_path / "g.xlsx", example2)
    result = run("notify", path, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert [rcpt for _, rcpt, _ in smtp_server.messages] == [["julien@example.org"]]
    assert "Not notified (no valid email address in Members): Laurent, Catherine." in result.stderr


def report_for(raw, as_of):
    return build_report(raw, "g", as_of)


def test_logbook_reminders_for_bookings_without_trips():
    raw = group(
        members=("Marie", "Paul"), owner="Marie", trips=consecutive_trips(("Paul", 30), start_day=date(2025, 3, 3))
    )
    raw["Members"] = [["Name", "Email"], ["Marie", "marie@example.org"], ["Paul", "paul@example.org"]]
    raw["Bookings"] = [
        ["Member", "Start", "End"],
        ["Paul", "03/03/2025 9h", "03/03/2025 18h"],
        ["Paul", "10/03/2025 9h", "10/03/2025 18h"],
        ["Marie", "19/03/2025 9h", "19/03/2025 12h"],
    ]
    planned = plan(report_for(raw, date(2025, 3, 20)), "logbook", days=3)
    (notice,) = planned.notices
    assert (notice.member, notice.period, [b["vehicle"] for b in notice.context["bookings"]]) == (
        "Paul",
        "2025-W12",
        ["Clio"],
    )
    rendered = render(notice, environment(None, "en", "EUR"), "en")
    assert "The logbook has no trip for this booking of yours:\n  - Clio, 10 Mar 2025 09:00–18:00" in rendered.text
    assert rendered.subject == "g: please fill in the logbook (1 booking without a trip)"
    assert plan(report_for(raw, date(2025, 6, 20)), "logbook").notes == [  # what it looks at, said
        "Every booking that ended in the last 60 days has its trips in the logbook."
    ]
    raw["Bookings"] = [raw["Bookings"][0], raw["Bookings"][3]]  # only Marie's, ended yesterday
    assert plan(report_for(raw, date(2025, 3, 20)), "logbook", days=3).notes == [  # not "every booking…"
        "1 booking ended less than 3 days ago without a trip yet: no reminder before then."
    ]
    del raw["Bookings"]
    assert plan(report_for(raw, date(2025, 3, 20)), "logbook").notes == [
        "The workbook has no bookings yet: no logbook reminder to send."
    ]


def test_vehicle_reminders_go_to_the_owners():
    raw = group(members=("Anne", "Bruno"), owner="Anne 50%, Bruno 50%")
    raw["Vehicles"] = [
        ["Vehicle", "Owner", "Plate", "Inspection due", "Insurance renewal"],
        ["Kangoo", "Anne 50%, Bruno 50%", "AB-123-CD", date(2025, 4, 10), date(2025, 12, 1)],
    ]
    planned = plan(report_for(raw, date(2025, 3, 20)), "vehicle", within=30)
    assert [(n.member, n.period) for n in planned.notices] == [
        ("Anne", "Kangoo inspection 2025-04-10"),
        ("Bruno", "Kangoo inspection 2025-04-10"),
    ]
    rendered = render(planned.notices[0], environment(None, "en", "EUR"), "en")
    assert rendered.subject == "g: Kangoo, inspection due on 10 Apr 2025"
    assert "in 21 days" in rendered.text


def test_quarterly_advance_call():
    raw = group(
        members=("Marie", "Nouvelle"),
        owner="Marie",
        settings=[("cost_mode", "fixed"), ("fuel", "separate"), ("rate_per_km", "0,20")],
    )
    raw["Members"] = [["Name", "Expected km per year"], ["Marie", None], ["Nouvelle", 4000]]
    (notice,) = plan(report_for(raw, date(2026, 1, 5)), "advance").notices
    assert (notice.member, notice.period, str(notice.context["total"])) == ("Nouvelle", "2026-Q1", "200.00")
    text = render(notice, environment(None, "en", "EUR"), "en").text
    assert "4,000 km a year (your expected km) / 4 × €0.2000 per km = €200.00, to Marie" in text


def test_treasurer_digest_lists_problems_at_their_cells():
    raw = group(trips=consecutive_trips(("Julien", 100), ("Catherine", 50)), settings=[("trésorier", "catherine")])
    raw["Trips"][2][3] = "douze"
    (notice,) = plan(report_for(raw, date(2025, 12, 31)), "digest").notices
    assert notice.member == "Catherine"
    rendered = render(notice, environment(None, "fr", "EUR"), "fr")
    assert rendered.subject == "g : 1 erreur, 0 avertissement dans le tableur (31 déc. 2025)"
    assert "[erreur] Trips, ligne 3, Odometer end :" in rendered.text and "[error]" not in rendered.text
    english = render(notice, environment(None, "en", "EUR"), "en").text
    assert '[error] Trips, row 3, Odometer end: "douze" is not a number.' in english


def test_the_digest_says_the_money_left_out_and_the_amounts_that_cannot_be_read():
    raw = group(
        trips=consecutive_trips(("Julien", 100, "12,4O"), ("Catherine", 50)), settings=[("treasurer", "Julien")]
    )
    (notice,) = plan(report_for(raw, date(2025, 12, 31)), "digest").notices
    french = render(notice, environment(None, "fr", "EUR"), "fr")
    assert "Hors des comptes : 1 montant illisible." in french.text and "aussi" not in french.text
    assert "Hors des comptes : <strong>1</strong> montant illisible." in french.html
    raw["Expenses"].append([date(2025, 2, 1), "Nobody", "fuel", 30])
    (notice,) = plan(report_for(raw, date(2025, 12, 31)), "digest").notices
    english = render(notice, environment(None, "en", "EUR"), "en").text
    assert "Left out of the figures: €30.00 in 1 row with a problem.\n" in english
    assert "Left out of the figures as well: 1 amount that cannot be read." in english
    raw["Payments"].append([date(2026, 1, 4), "Julien", "Catherine", 25])  # after the as-of day
    (notice,) = plan(report_for(raw, date(2025, 12, 31)), "digest").notices
    french = render(notice, environment(None, "fr", "EUR"), "fr")
    assert "Pas encore compté, car daté après le 31 déc. 2025 : 25,00\u00a0€ sur 1 ligne." in french.text


def test_a_group_overrides_a_template(tmp_path, lilas):
    folder = tmp_path / "mine" / "fr"
    folder.mkdir(parents=True)
    (folder / "settlement.subject.txt").write_text("Les comptes de {{ group }} sont faits")
    out = tmp_path / "out"
    result = run(
        "notify",
        lilas,
        "--kind",
        "settlement",
        "--outbox",
        out,
        "--templates",
        tmp_path / "mine",
        "--as-of",
        "2025-12-31",
    )
    assert result.exit_code == 0, result.output
    msg = read_eml(out / "settlement-2025-Laurent.eml")
    assert msg["Subject"] == "Les comptes de Rue des Lilas sont faits"
    assert "Vous allez recevoir" in text_part(msg, "plain")  # the rest from the default templates


def test_smtp_missing_configuration_and_password_never_printed(lilas, monkeypatch):
    for key in ("HOST", "FROM"):
        monkeypatch.delenv(f"SHEETSYNC_SMTP_{key}", raising=False)
    result = run("notify", lilas, "--kind", "settlement", "--send")
    assert result.exit_code == 2 and "SHEETSYNC_SMTP_HOST" in result.stderr
    monkeypatch.setenv("SHEETSYNC_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SHEETSYNC_SMTP_PORT", str(free_port()))
    monkeypatch.setenv("SHEETSYNC_SMTP_FROM", "t@example.org")
    monkeypatch.setenv("SHEETSYNC_SMTP_SECURITY", "none")
    monkeypatch.setenv("SHEETSYNC_SMTP_USER", "t")
    monkeypatch.setenv("SHEETSYNC_SMTP_PASSWORD", "s3cret-Pa55")
    assert "s3cret" not in repr(load_smtp_config())
    failed = run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert failed.exit_code == 3 and "s3cret" not in failed.output + failed.stderr
    assert "Envois" not in read_xlsx(lilas)


def self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def test_starttls_and_login(tmp_path, lilas, monkeypatch):
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult
    from conftest import Inbox

    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticate(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.login == b"treasurer" and auth_data.password == b"s3cret")

    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        for k, v in {
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "FROM": "t@example.org",
            "SECURITY": "starttls",
            "USER": "treasurer",
            "PASSWORD": "s3cret",
            "CAFILE": str(cert),
        }.items():
            monkeypatch.setenv(f"SHEETSYNC_SMTP_{k}", v)
        result = run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
        assert result.exit_code == 0, result.output
        assert len(inbox.messages) == 2 and logins == [(b"treasurer", b"s3cret")]
    finally:
        controller.stop()


def test_a_tls_failure_keeps_its_own_words_not_an_errno_of_the_same_number():
    import ssl

    from sheetsync.errors import os_reason

    failed = ssl.SSLError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")
    assert os_reason(failed) == "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"  # not EPERM's words


def test_a_mail_servers_name_not_found_is_said_by_the_systems_own_code_for_it():
    import socket

    from sheetsync.errors import os_reason
    from sheetsync.i18n import t

    missing = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert t("fr", "{reason}", reason=os_reason(missing)) == "le nom du serveur est introuvable"
