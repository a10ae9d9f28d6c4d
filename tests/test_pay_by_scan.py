"""Pay with one scan: IBANs in Members, an EPC QR code in each settlement notice (decoded from
the real message with zxing-cpp), references in the Settlements tab, and payments matched to them."""

import io
from datetime import date

import pytest
from conftest import read_xlsx, report_of, text_part, write_xlsx
from conftest import run_cli as run
from PIL import Image

zxingcpp = pytest.importorskip("zxingcpp")

LAURENT_IBAN = "FR76 3000 6000 0112 3456 7890 189"
REFERENCE = "Autopartage Rue des Lilas 2025 Catherine-Laurent"


@pytest.fixture
def lilas_raw(example2):
    """Example 2 in French: Laurent, who is owed, gives his IBAN and BIC; Catherine pays him."""
    example2["Members"] = [
        ["Nom", "Courriel", "IBAN", "BIC"],
        ["Laurent", "laurent@example.org", LAURENT_IBAN, "AGRIFRPP"],
        ["Catherine", "catherine@example.org", None, None],
        ["Julien", "julien@example.org", None, None],
    ]
    example2["Settings"] += [["langue", "fr"], ["groupe", "Rue des Lilas"]]
    return example2


def decode(png: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1 and found[0].format == zxingcpp.BarcodeFormat.QRCode
    return found[0].text


def test_a_settlement_notice_carries_a_scan_to_pay_code_with_every_epc_field(tmp_path, lilas_raw, smtp_server):
    lilas = write_xlsx(tmp_path / "lilas.xlsx", lilas_raw)
    result = run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31")
    assert result.exit_code == 0, result.output
    received = {rcpt[0]: msg for _, rcpt, msg in smtp_server.messages}
    catherine = received["catherine@example.org"]
    related = next(p for p in catherine.walk() if p.get_content_type() == "multipart/related")
    inline = [p for p in related.iter_parts() if p.get_content_type() == "image/png"]
    attached = [p for p in catherine.iter_attachments() if p.get_content_type() == "image/png"]
    assert len(inline) == 1 and len(attached) == 1
    # shown in the text, and listed once among the attachments: the inline picture has no file name
    assert (inline[0].get_content_disposition(), inline[0].get_filename()) == ("inline", None)
    assert attached[0].get_filename().endswith("-Laurent.png")
    cid = inline[0]["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in text_part(catherine, "html")
    payload = decode(inline[0].get_content())
    assert decode(attached[0].get_content()) == payload
    lines = payload.split("\n")
    assert lines == [
        "BCD",  # service tag
        "002",  # version
        "1",  # character set: UTF-8
        "SCT",  # SEPA credit transfer
        "AGRIFRPP",  # BIC
        "Laurent",  # name of the beneficiary
        "FR7630006000011234567890189",  # IBAN
        "EUR467.98",  # amount
        "",  # purpose
        "",  # structured reference
        REFERENCE,  # remittance text
    ]
    text = text_part(catherine)
    assert "467,98\u00a0€ à Laurent" in text
    assert "IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPP" in text
    assert f"Référence : {REFERENCE}" in text
    laurent = received["laurent@example.org"]  # he receives: no code
    assert not [p for p in laurent.walk() if p.get_content_type() == "image/png"]


def test_julien_pays_laurent_too_and_a_member_without_iban_gets_no_code(tmp_path, lilas_raw, smtp_server):
    lilas_raw["Members"][1][2] = None  # Laurent gives no IBAN
    lilas = write_xlsx(tmp_path / "lilas.xlsx", lilas_raw)
    assert run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31").exit_code == 0
    for _, _, msg in smtp_server.messages:
        assert not [p for p in msg.walk() if p.get_content_type() == "image/png"]
        text = text_part(msg)
        assert "IBAN" not in text


def test_another_currency_gets_iban_and_reference_and_says_why_there_is_no_code(tmp_path, lilas_raw, smtp_server):
    lilas_raw["Settings"] += [["devise", "CHF"]]
    lilas = write_xlsx(tmp_path / "lilas.xlsx", lilas_raw)
    assert run("notify", lilas, "--kind", "settlement", "--send", "--as-of", "2025-12-31").exit_code == 0
    catherine = next(msg for _, rcpt, msg in smtp_server.messages if rcpt == ["catherine@example.org"])
    assert not [p for p in catherine.walk() if p.get_content_type() == "image/png"]
    text = text_part(catherine)
    assert "IBAN FR76 3000 6000 0112 3456 7890 189" in text and REFERENCE in text
    assert "ne servent qu'aux virements en euros, et le groupe compte en CHF" in text


def test_a_bad_iban_is_an_error_at_its_cell_and_the_member_stays(lilas_raw):
    lilas_raw["Members"][1][2] = "FR76 3000 6000 0112 3456 7890 188"
    lilas_raw["Members"][1][3] = "AGRI"
    report = report_of(lilas_raw)
    found = [(p.tab, p.row, p.column, p.code, p.message) for p in report.problems if p.code.startswith("member.")]
    assert found == [
        ("Members", 2, "BIC", "member.bic", "« AGRI » n'est pas un BIC valide."),
        ("Members", 2, "IBAN", "member.iban", "« FR76 3000 6000 0112 3456 7890 188 » n'est pas un IBAN valide."),
    ]
    assert [m.name for m in report.book.members] == ["Laurent", "Catherine", "Julien"]
    assert report.book.members[0].iban is None


def test_a_long_group_name_is_cut_in_a_reference_and_the_year_and_members_stay(tmp_path, lilas_raw):
    """A reference holds 140 characters: a long name gives way, never the period or who pays whom."""
    long_name = "Association des habitants du quartier " * 4
    lilas_raw["Settings"][-1] = ["groupe", long_name]
    lilas = write_xlsx(tmp_path / "lilas.xlsx", lilas_raw)
    assert run("sync", lilas, "--as-of", "2025-12-31").exit_code == 0
    reference = read_xlsx(lilas)["Règlements"][2][3]
    assert len(reference) <= 140 and reference.startswith("Autopartage Association des habitants du quartier")
    assert reference.endswith(" 2025 Catherine-Laurent"), reference


def test_settlements_tab_shows_references_and_marks_a_matching_payment_paid(tmp_path, lilas_raw):
    lilas = write_xlsx(tmp_path / "lilas.xlsx", lilas_raw)
    assert run("sync", lilas, "--as-of", "2025-12-31").exit_code == 0
    rows = read_xlsx(lilas)["Règlements"]
    assert rows[1] == ["De", "À", "Montant", "Référence", "État"]
    assert rows[2] == ["Catherine", "Laurent", 467.98, REFERENCE, "à payer"]
    # Catherine pays in January, her bank having dropped the accents and the case of the reference
    lilas_raw["Payments"] = [
        ["Date", "De", "À", "Montant", "Note"],
        [date(2026, 1, 5), "Catherine", "Laurent", 467.98, "virement AUTOPARTAGE RUE DES LILAS 2025 CATHERINE LAURENT"],
    ]
    write_xlsx(lilas, lilas_raw)
    assert run("sync", lilas, "--as-of", "2026-01-10").exit_code == 0
    rows = read_xlsx(lilas)["Règlements"]
    paid = [r for r in rows[2:] if r and r[0] == "Catherine"]
    assert paid == [["Catherine", "Laurent", 467.98, REFERENCE, "payé le 5 janv. 2026"]]
