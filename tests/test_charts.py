"""Charts in the generated tabs: described once as data, drawn natively by each backend.

.xlsx: chart parts written by the surgical writer, replaced (never stacked) at each sync, drawn by
LibreOffice (rendered to PDF, then to PNG: the chart's area holds the series' colours). Google
Sheets: addChart in the one batch of a sync, the previous sync's charts deleted in that batch.
"""

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pytest
from build_fixtures import libreoffice_convert, soffice
from click.testing import CliRunner
from conftest import write_xlsx
from conftest import zip_parts as parts

from sheetsync.app.cli import cli
from sheetsync.backends.ooxml_charts import series_refs
from sheetsync.backends.xlsx import XlsxBackend
from sheetsync.pipeline import build_report
from sheetsync.present.tabs import generated_tables

AS_OF = date(2025, 12, 31)
SID = "1ChArTsChArTsChArTsChArTsChArTsChArTs_-xyz"
URL = f"https://docs.google.com/spreadsheets/d/{SID}/edit"


def tables_of(raw, as_of=AS_OF):
    report = build_report(raw, "Rue des Lilas", as_of)
    return {t.id: t for t in generated_tables(report, "test", datetime(2026, 1, 5, 9, 0))}


def sync(path, as_of=AS_OF):
    result = CliRunner().invoke(cli, ["sync", str(path), "--as-of", as_of.isoformat()])
    assert result.exit_code == 0, result.output
    return parts(path)


def test_history_chart_reads_each_members_balance_column_over_every_month(example2):
    history = tables_of(example2)["history"]
    (chart,) = history.charts
    assert chart.kind == "line"
    assert [s.name for s in chart.series] == ["Laurent", "Catherine", "Julien"]
    assert [series_refs(history, s) for s in chart.series] == [
        ("'History'!$A$3:$A$14", f"'History'!${col}$3:${col}$14") for col in "BCD"
    ]


def test_summary_charts_cost_per_km_per_vehicle_and_km_per_member(example2):
    summary = tables_of(example2)["summary"]
    cost, km = summary.charts
    cost_column = [c.header for c in summary.columns].index("Cost per km")
    assert [(s.name, s.values, s.categories) for s in cost.series] == [("Clio", cost_column, 1)]
    assert [s.name for s in km.series] == ["Laurent", "Catherine", "Julien"]
    assert [summary.columns[s.values].header for s in km.series] == ["Km Laurent", "Km Catherine", "Km Julien"]


def test_xlsx_chart_parts_refer_to_the_right_ranges_and_a_second_sync_replaces_them(tmp_path, example2):
    path = write_xlsx(tmp_path / "group.xlsx", example2)
    first = sync(path)
    charts = sorted(n for n in first if n.startswith("xl/charts/"))
    assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml", "xl/charts/chart3.xml"]
    history_chart = next(first[n].decode() for n in charts if b"Each member" in first[n])
    assert re.findall(r"<c:f>(.*?)</c:f>", history_chart) == [
        ref for col in "BCD" for ref in ("'History'!$A$3:$A$14", f"'History'!${col}$3:${col}$14")
    ]
    types = first["[Content_Types].xml"].decode()
    assert types.count("drawingml.chart+xml") == 3 and types.count("drawing+xml") == 2

    second = sync(path, date(2025, 6, 30))  # six months: the same charts, over fewer rows
    assert sorted(n for n in second if n.startswith(("xl/charts/", "xl/drawings/"))) == sorted(
        n for n in first if n.startswith(("xl/charts/", "xl/drawings/"))
    )
    assert second["[Content_Types].xml"] == first["[Content_Types].xml"]
    history_chart = next(second[n].decode() for n in charts if b"Each member" in second[n])
    assert "$B$3:$B$8" in history_chart and "$B$14" not in history_chart


def test_charts_dropped_from_a_tab_leave_no_part_behind(tmp_path, example2):
    path = write_xlsx(tmp_path / "group.xlsx", example2)
    before = sync(path)
    backend = XlsxBackend(path)
    report = build_report(backend.read_tabs(), "g", AS_OF)
    backend.write_tabs([replace(t, charts=()) for t in generated_tables(report, "g", datetime(2026, 1, 5))])
    after = parts(path)
    assert not [n for n in after if n.startswith(("xl/charts/", "xl/drawings/"))]
    assert not [n for n in after if n.startswith("xl/worksheets/_rels/")]
    assert "drawing" not in after["[Content_Types].xml"].decode()
    assert set(after) == {n for n in before if not n.startswith(("xl/charts/", "xl/drawings/", "xl/worksheets/_rels"))}


def test_google_sheets_charts_in_the_same_batch_replaced_not_stacked(fake_sheets, service_account_key, example2):
    fake_sheets.create(SID, "Rue des Lilas", example2)
    for day in ("2025-12-31", "2025-06-30"):
        fake_sheets.log.clear()
        result = CliRunner().invoke(cli, ["sync", URL, "--credentials", service_account_key, "--as-of", day])
        assert result.exit_code == 0, result.output
        assert len(fake_sheets.log) == 2  # the sheet with its values, one batchUpdate
        assert len(fake_sheets.charts(SID, "History")) == 1
        assert len(fake_sheets.charts(SID, "Summary")) == 2
    (chart,) = fake_sheets.charts(SID, "History")
    history_id = fake_sheets.books[SID].sheet("History").props["sheetId"]
    basic = chart["spec"]["basicChart"]
    assert chart["spec"]["title"] == "Each member's balance at the end of each month"
    assert basic["chartType"] == "LINE" and basic["headerCount"] == 1
    assert basic["domains"][0]["domain"]["sourceRange"]["sources"] == [
        {"sheetId": history_id, "startRowIndex": 1, "endRowIndex": 8, "startColumnIndex": 0, "endColumnIndex": 1}
    ]
    assert [s["series"]["sourceRange"]["sources"][0]["startColumnIndex"] for s in basic["series"]] == [1, 2, 3]


needs_render = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="needs LibreOffice and poppler-utils (pdftoppm, pdftotext): make libreoffice installs them",
)


def title_box(pdf: Path, first_word: str) -> tuple[int, float, float, float, float]:
    """(page, x, y, page width, page height) of a word in the PDF, in points, from pdftotext -bbox."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        size = re.search(r'width="([\d.]+)" height="([\d.]+)"', page)
        found = re.search(rf'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>{re.escape(first_word)}</word>', page)
        if found:
            return number, float(found[1]), float(found[2]), float(size[1]), float(size[2])
    raise AssertionError(f"{first_word!r} is nowhere in the PDF")


def coloured_pixels(image, box) -> int:
    """Pixels in `box` that are clearly coloured (the series' lines and markers, not grey text or grid)."""
    pixels = np.asarray(image.convert("RGB").crop(box), dtype=int)
    return int(((pixels.max(axis=2) - pixels.min(axis=2)) > 60).sum())


def assert_history_chart_drawn(pdf: Path, tmp_path: Path) -> None:
    """The page of the History chart, as pdftoppm draws it, holds the series' colours under the title."""
    from PIL import Image

    page, x, y, width, height = title_box(pdf, "Each")
    dpi = 60
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), str(pdf), str(tmp_path / "page")],
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    image = Image.open(png)
    scale = dpi / 72
    # the plot lies under the title: about 300 points wide on either side, 170 points down
    box = (int((x - 130) * scale), int(y * scale), int((x + 300) * scale), int((y + 170) * scale))
    assert coloured_pixels(image, box) > 200
    # and nowhere else on the page is there colour: the table itself is black on white
    # and no colour left of the chart: the table itself is black on white
    left_of_chart = (0, int(y * scale), max(1, int((x - 140) * scale)), int((y + 170) * scale))
    assert coloured_pixels(image, left_of_chart) == 0
    image.crop(box).save(tmp_path / "history-chart.png")


@needs_render
def test_libreoffice_draws_the_history_chart(tmp_path, example2):
    path = write_xlsx(tmp_path / "group.xlsx", example2)
    sync(path)
    pdf = libreoffice_convert(path, tmp_path / "pdf", "pdf")
    assert_history_chart_drawn(pdf, tmp_path)


@needs_render
def test_ods_charts_are_chart_objects_replaced_at_each_sync_and_drawn(tmp_path, example2):
    ods = libreoffice_convert(write_xlsx(tmp_path / "group.xlsx", example2), tmp_path / "ods", "ods")
    first = sync(ods)
    objects = sorted(n for n in first if n.startswith("Object "))
    assert objects == ["Object 1/content.xml", "Object 2/content.xml", "Object 3/content.xml"]
    manifest = first["META-INF/manifest.xml"].decode()
    assert all(f'manifest:full-path="{n}"' in manifest for n in objects + ["Object 1/", "Object 2/", "Object 3/"])
    history = next(first[n].decode() for n in objects if b"Each member" in first[n])
    assert "chart:values-cell-range-address=\"'History'.B3:'History'.B14\"" in history
    assert "<chart:categories table:cell-range-address=\"'History'.A3:'History'.A14\"/>" in history
    content = first["content.xml"].decode()
    assert content.count("<draw:object ") == 3

    second = sync(ods, date(2025, 6, 30))
    assert sorted(n for n in second if n.startswith("Object ")) == objects
    assert second["META-INF/manifest.xml"] == first["META-INF/manifest.xml"]
    assert second["content.xml"].decode().count("<draw:object ") == 3
    pdf = libreoffice_convert(ods, tmp_path / "pdf", "pdf")
    assert_history_chart_drawn(pdf, tmp_path)


@pytest.mark.skipif(soffice() is None, reason="LibreOffice is not installed")
def test_after_libreoffice_saved_the_workbook_a_sync_still_replaces_the_charts(tmp_path, example2):
    path = write_xlsx(tmp_path / "group.xlsx", example2)
    sync(path)
    saved = libreoffice_convert(path, tmp_path / "saved", "xlsx")  # LibreOffice renames every part
    again = sync(saved)
    assert len([n for n in again if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]) == 3
    assert len([n for n in again if re.fullmatch(r"xl/drawings/drawing\d+\.xml", n)]) == 2


def test_an_ods_chart_stands_right_of_its_table_one_column_apart(example2):
    """The .ods columns are as wide as their text (not LibreOffice's default): a chart placed by
    the default width sat on the table's last columns."""
    from sheetsync.backends.odf_charts import CHARACTER_CM, COLUMN_CM, shapes_xml

    report = build_report(example2, "g", date(2025, 12, 31))
    for table in (t for t in generated_tables(report, "g", datetime(2026, 1, 5)) if t.charts):
        frames = shapes_xml(table, [f"Object {k}" for k in range(len(table.charts))])
        table_cm = sum(c.shown_width * CHARACTER_CM for c in table.columns)
        xs = {float(x) for x in re.findall(r'svg:x="([0-9.]+)cm"', frames)}
        assert xs == {round(table_cm + COLUMN_CM, 3)}, (table.name, xs, table_cm)
