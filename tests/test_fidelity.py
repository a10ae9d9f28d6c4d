"""The group's own sheets stay byte for byte: only the generated sheets change inside the package.

Fixtures (tests/build_fixtures.py) hold a chart, an image, a comment, conditional formatting,
data validation, a defined name and x14 extensions; some are made by LibreOffice itself.
"""

import difflib
import re
import shutil
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from build_fixtures import build_all, libreoffice_sheets, soffice
from conftest import zip_parts as parts
from python_calamine import CalamineWorkbook

from sheetsync.backends.ooxml import Package
from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.pipeline import build_report
from sheetsync.present.tabs import generated_tables

PACKAGE_INDEX = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/styles.xml"}
GENERATED = {"Balances", "Settlements", "Summary", "Problems", "History"}
needs_libreoffice = pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")


@pytest.fixture(scope="session")
def fixtures(tmp_path_factory):
    return build_all(tmp_path_factory.mktemp("fixtures"))


@pytest.fixture
def copy_of(fixtures, tmp_path):
    def copy(name):
        if name not in fixtures:
            pytest.skip(f"{name} needs LibreOffice")
        return shutil.copy(fixtures[name], tmp_path / name)

    return copy


def sync(path, when=datetime(2026, 1, 5, 9, 30)):
    backend = XlsxBackend(path)
    report = build_report(backend.read_tabs(), "g", date(2025, 12, 31))
    backend.write_tabs(generated_tables(report, path.name, when))
    return report


def sheet_parts(path) -> dict[str, str]:
    """Sheet name -> its part, read from the package itself."""
    files = parts(path)
    wb, rels = files["xl/workbook.xml"].decode(), files["xl/_rels/workbook.xml.rels"].decode()
    targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    targets |= {k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
    found = {}
    for name, rid in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', wb):
        target = targets[rid].lstrip("/")
        found[name] = target if target.startswith("xl/") else "xl/" + target
    return found


def reachable(path, part_names) -> set[str]:
    """The parts named and every part their relationships lead to (drawings, charts), with the .rels parts."""
    package = Package(path.read_bytes())
    found, todo = set(), list(part_names)
    while todo:
        part = todo.pop()
        if part in found or part not in package:
            continue
        found.add(part)
        if Package.rels_of(part) in package:
            found.add(Package.rels_of(part))
            todo += [target for _, target in package.relationships(part).values()]
    return found


def only_insertions(old: bytes, new: bytes, digits_may_change: bool = False) -> bool:
    """`new` is `old` with text inserted (and, for counts, digits changed)."""
    matcher = difflib.SequenceMatcher(None, old.decode(), new.decode(), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("equal", "insert"):
            continue
        if op == "replace" and digits_may_change and old[i1:i2].isdigit() and new.decode()[j1:j2].isdigit():
            continue
        return False
    return True


@pytest.mark.parametrize("name", ["rich.xlsx", "rich.xlsm", "libreoffice.xlsx"])
def test_every_part_but_the_generated_sheets_keeps_its_bytes(copy_of, name):
    path = copy_of(name)
    before = parts(path)
    sync(path)
    after = parts(path)
    changed = {n for n in before if before[n] != after.get(n)}
    assert changed <= PACKAGE_INDEX, changed
    assert set(before) <= set(after)
    generated = {n: p for n, p in sheet_parts(path).items() if n in GENERATED}
    assert set(generated) == GENERATED
    assert set(after) - set(before) == reachable(path, generated.values())
    assert {n for n in set(after) - set(before) if n.startswith("xl/charts/")}  # the History and Summary charts
    for index_part in changed:
        assert only_insertions(before[index_part], after[index_part], digits_may_change=True), index_part


def test_a_second_sync_changes_nothing_but_the_generated_parts(copy_of):
    path = copy_of("rich.xlsx")
    sync(path)
    first = parts(path)
    sync(path, datetime(2026, 2, 1, 8, 0))
    second = parts(path)
    generated = {p for n, p in sheet_parts(path).items() if n in GENERATED}
    assert set(first) == set(second)
    assert {n for n in first if first[n] != second[n]} == generated  # the title line says when


def test_macros_are_kept(copy_of):
    path = copy_of("rich.xlsm")
    vba = parts(path)["xl/vbaProject.bin"]
    sync(path)
    after = parts(path)
    assert after["xl/vbaProject.bin"] == vba
    assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]


@pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")  # openpyxl reads past x14
def test_openpyxl_reads_the_generated_values_and_keeps_seeing_the_groups_work(copy_of):
    path = copy_of("rich.xlsx")
    sync(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[:6] == ["Settings", "Members", "Vehicles", "Trips", "Expenses", "Payments"]
    rows = {r[0]: r for r in wb["Balances"].iter_rows(min_row=3, values_only=True)}
    assert rows["Catherine"][6] == pytest.approx(float(sync(path).computation.balances()["Catherine"]))
    assert wb["Balances"]["G3"].number_format.startswith('#,##0.00 "€"')
    assert wb["Trips"]["A2"].comment.text == "Laurent drove to the garage"
    assert wb.defined_names["Insurance"].attr_text == "Expenses!$D$2"
    assert len(wb["Trips"].data_validations.dataValidation) == 1
    assert wb["Balances"].freeze_panes == "A3"


@needs_libreoffice
@pytest.mark.parametrize("name", ["rich.xlsx", "libreoffice.xlsx", "libreoffice.ods"])
def test_libreoffice_opens_the_result_and_reads_the_generated_values(copy_of, tmp_path, name):
    path = copy_of(name)
    seen_before = libreoffice_sheets(path, tmp_path / "before")
    report = sync(path)
    seen = libreoffice_sheets(path, tmp_path / "after")
    for sheet, rows in seen_before.items():
        if sheet not in GENERATED:
            assert seen[sheet] == rows, sheet  # the group's sheets, as a spreadsheet program shows them
    balances = {row[0]: row for row in seen["Balances"][2:]}
    for member in report.computation.members:
        assert float(balances[member.name][6]) == pytest.approx(float(member.balance))
    assert seen["Settlements"][2][:2] == [
        report.settlement.transfers[0].sender,
        report.settlement.transfers[0].recipient,
    ]
    assert seen["Summary"][1][:3] == ["Vehicle", "Period", "Status"]


def test_ods_keeps_every_sheet_of_the_group_and_every_other_part(copy_of):
    path = copy_of("libreoffice.ods")
    before = parts(path)
    content = before["content.xml"].decode()
    group_tables = re.findall(r"<table:table [^>]*>.*?</table:table>", content, re.S)
    sync(path)
    after = parts(path)
    assert {n for n in before if before[n] != after[n]} == {"content.xml", "META-INF/manifest.xml"}
    assert only_insertions(before["META-INF/manifest.xml"], after["META-INF/manifest.xml"])
    ours = set(after) - set(before)  # the History and Summary charts, as chart objects of their own
    assert ours and all(re.fullmatch(r"Object \d+/content\.xml", n) for n in ours)
    assert zipfile.ZipFile(path).infolist()[0].filename == "mimetype"
    assert zipfile.ZipFile(path).infolist()[0].compress_type == zipfile.ZIP_STORED
    new_content = after["content.xml"].decode()
    assert all(table in new_content for table in group_tables)
    wb = CalamineWorkbook.from_path(str(path))
    assert set(GENERATED) <= set(wb.sheet_names)
    balances = wb.get_sheet_by_name("Balances").to_python()
    assert balances[0][0].startswith("Generated by sheetsync") and balances[1][0] == "Member"
    sync(path)
    assert parts(path).keys() == after.keys()


@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None, reason="needs LibreOffice and pdftotext")
def test_the_generated_sheets_of_an_ods_have_their_widths_as_libreoffice_prints_them(copy_of, tmp_path):
    """Each column of a generated sheet of an .ods has its width, as in an .xlsx: LibreOffice prints
    the History's month ends as dates, not as ### (a column too narrow for them)."""
    import subprocess

    from build_fixtures import libreoffice_convert

    def printed(ods, folder):
        pdf = libreoffice_convert(ods, tmp_path / folder, "pdf")
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    path = copy_of("libreoffice.ods")
    before = printed(path, "before")  # the group's own sheets: their narrow date columns print ###
    sync(path)
    content = parts(path)["content.xml"].decode()
    history = re.search(r'<table:table table:name="History">.*?</table:table>', content, re.S)[0]
    assert re.findall(r'<table:table-column table:style-name="(sheetsyncWidth\d+)"/>', history)
    after = printed(path, "after")
    assert after.count("###") == before.count("###") and "2025-01-31" in after  # none in the generated sheets
    sync(path)  # the width styles are added once
    again = parts(path)["content.xml"].decode()
    assert again.count('style:name="sheetsyncWidth10"') == 1


def test_calc_chain_entries_of_a_replaced_sheet_are_dropped(copy_of):
    path = copy_of("rich.xlsx")
    sync(path)
    files = parts(path)
    balances_part = sheet_parts(path)["Balances"]
    wb = files["xl/workbook.xml"].decode()
    balances_id = re.search(r'<sheet name="Balances" sheetId="(\d+)"', wb)[1]
    trips_id = re.search(r'<sheet name="Trips" sheetId="(\d+)"', wb)[1]
    files["xl/calcChain.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><calcChain xmlns='
        f'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="B3" i="{balances_id}"/>'
        f'<c r="C3"/><c r="D2" i="{trips_id}"/></calcChain>'
    ).encode()
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)
    sync(path)
    chain = parts(path)["xl/calcChain.xml"].decode()
    assert f'i="{balances_id}"' not in chain and 'r="C3"' not in chain and f'<c r="D2" i="{trips_id}"/>' in chain
    assert balances_part in parts(path)
