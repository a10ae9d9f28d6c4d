"""Build the fidelity fixtures: workbooks full of what openpyxl would drop on a round trip.

    python tests/build_fixtures.py OUTDIR

- rich.xlsx (openpyxl, then patched): a chart, an image, a comment, conditional formatting,
  data validation, a defined name, and an x14 extension (a data bar and a sparkline group);
- rich.xlsm: the same with a VBA project part (macros);
- libreoffice.xlsx and libreoffice.ods: rich.xlsx opened and saved by LibreOffice (headless),
  so the group's sheets are LibreOffice's own XML.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import consecutive_trips, group  # noqa: E402

X14_EXTENSION = (
    '<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:cfRule type="dataBar" id="{A8D7E9C4-1B2C-4D5E-8F90-123456789ABC}"><x14:dataBar minLength="0" maxLength="100">'
    '<x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/><x14:negativeFillColor rgb="FFFF0000"/>'
    '<x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule><xm:sqref>D2:D20</xm:sqref>'
    "</x14:conditionalFormatting></x14:conditionalFormattings></ext>"
    '<ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/>'
    "<x14:sparklines><x14:sparkline><xm:f>Trips!D2:E2</xm:f><xm:sqref>H2</xm:sqref></x14:sparkline>"
    "</x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst>"
)


def png() -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (40, 20), (30, 120, 200)).save(buffer, format="PNG")
    return buffer.getvalue()


def rich_group() -> dict[str, list[list]]:
    trips = consecutive_trips(("Laurent", 120), ("Catherine", 300), ("Julien", 80), ("Catherine", 45))
    raw = group(
        trips=trips,
        expenses=[[date(2025, 1, 9), "Laurent", "insurance", 351], [date(2025, 2, 1), "Catherine", "fuel", 60]],
    )
    raw["Notes"] = [["Our own notes", "stay as they are"], ["Charts and pictures below", None]]
    return raw


def build_rich(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in rich_group().items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
    trips = wb["Trips"]
    trips["A2"].comment = Comment("Laurent drove to the garage", "Laurent")
    trips.conditional_formatting.add(
        "D2:D20",
        CellIsRule(
            operator="greaterThan", formula=["10300"], fill=openpyxl.styles.PatternFill("solid", fgColor="FFC7CE")
        ),
    )
    validation = DataValidation(type="list", formula1="=Members!$A$2:$A$10", allow_blank=True)
    validation.add("B2:B100")
    trips.add_data_validation(validation)
    notes = wb["Notes"]
    chart = BarChart()
    chart.title = "Km per trip"
    chart.add_data(Reference(trips, min_col=4, min_row=1, max_row=5), titles_from_data=True)
    notes.add_chart(chart, "D2")
    notes.add_image(Image(io.BytesIO(png())), "A5")
    wb.defined_names["Insurance"] = DefinedName("Insurance", attr_text="Expenses!$D$2")
    wb.save(path)
    _patch(path, "xl/worksheets/sheet4.xml", lambda xml: xml.replace("</worksheet>", X14_EXTENSION + "</worksheet>"))
    return path


def build_xlsm(rich: Path, path: Path) -> Path:
    """rich.xlsx as a macro-enabled workbook with a (dummy) VBA project part."""
    shutil.copy(rich, path)
    _patch(
        path,
        "[Content_Types].xml",
        lambda xml: xml.replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        ).replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'),
    )
    _patch(
        path,
        "xl/_rels/workbook.xml.rels",
        lambda xml: xml.replace(
            "</Relationships>",
            '<Relationship Id="rIdVba" '
            'Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="vbaProject.bin"/>'
            "</Relationships>",
        ),
    )
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not a real VBA project, kept byte for byte")
    return path


def _patch(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(path) as z:
        entries = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            if info.filename == part:
                new = change(data.decode("utf-8"))
                assert new != data.decode("utf-8"), f"nothing patched in {part}"
                data = new.encode("utf-8")
            z.writestr(info, data)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_convert(source: Path, folder: Path, target: str) -> Path:
    """`source` opened and saved by LibreOffice (headless) as `target` ("xlsx", "ods", or a csv filter)."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / ".lo-profile"
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            target,
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    suffix = target.split(":")[0]
    return folder / f"{source.stem}.{suffix}"


def saved_by_libreoffice(source: Path, folder: Path, target: str) -> Path:
    """`libreoffice_convert` for a test, which is skipped where LibreOffice is not installed."""
    import pytest

    if soffice() is None:
        pytest.skip(f"LibreOffice (soffice) is not installed: this test needs it to save a .{target}")
    return libreoffice_convert(source, folder, target)


def libreoffice_sheets(workbook: Path, folder: Path) -> dict[str, list[list[str]]]:
    """Every sheet of `workbook` as LibreOffice shows it (exported to CSV, one file per sheet)."""
    import csv

    folder.mkdir(parents=True, exist_ok=True)
    libreoffice_convert(
        workbook, folder, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    )
    sheets = {}
    for path in folder.glob(f"{workbook.stem}-*.csv"):
        with open(path, newline="", encoding="utf-8") as f:
            sheets[path.stem[len(workbook.stem) + 1 :]] = list(csv.reader(f))
    return sheets


def build_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rich = build_rich(folder / "rich.xlsx")
    built = {"rich.xlsx": rich, "rich.xlsm": build_xlsm(rich, folder / "rich.xlsm")}
    if soffice():
        made = folder / "libreoffice"
        xlsx = libreoffice_convert(rich, made, "xlsx")
        built["libreoffice.xlsx"] = xlsx.rename(folder / "libreoffice.xlsx")
        ods = libreoffice_convert(rich, made, "ods")
        built["libreoffice.ods"] = ods.rename(folder / "libreoffice.ods")
    return built


if __name__ == "__main__":
    for name, path in build_all(Path(sys.argv[1] if len(sys.argv) > 1 else "fixtures")).items():
        print(f"{name}: {path}")
    _ = re
