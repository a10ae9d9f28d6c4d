"""The charts of a generated sheet in an .ods package: each chart is a small chart document of its
own ("Object N/content.xml", listed in META-INF/manifest.xml), drawn in a frame of the sheet's
<table:shapes>. Its ranges point at the generated table's cells. odf.py calls these."""

from __future__ import annotations

import re

from sheetsync.backends.a1 import a1_sheet, column_letter
from sheetsync.backends.ooxml import Package, free_name, xml_text
from sheetsync.backends.xml_text import escape, quoteattr
from sheetsync.present.table import CHART_COLUMNS, CHART_ROWS, Chart, Series, Table, chart_anchor

MANIFEST = "META-INF/manifest.xml"
CHART_MEDIA = "application/vnd.oasis.opendocument.chart"
COLUMN_CM, ROW_CM = 2.258, 0.452  # LibreOffice's default column width and row height
CHARACTER_CM = 0.2  # a character of a column's shown width (the .xlsx writer's width unit), in cm
NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:chart="urn:oasis:names:tc:opendocument:xmlns:chart:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:xlink="http://www.w3.org/1999/xlink" '
    'xmlns:loext="urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"'
)


def cell_range(table: Table, column: int, first: int, last: int) -> str:
    """An ODF cell range address over data rows `first` to `last` (excluded) of one column."""
    sheet = a1_sheet(table.name)
    letter = column_letter(column)
    return f"{sheet}.{letter}{table.sheet_row(first)}:{sheet}.{letter}{table.sheet_row(last - 1)}"


def _series_ranges(table: Table, s: Series) -> tuple[str, str]:
    return cell_range(table, s.categories, s.first, s.last), cell_range(table, s.values, s.first, s.last)


def chart_document(table: Table, chart: Chart) -> str:
    """The content.xml of one chart object."""
    first_categories, _ = _series_ranges(table, chart.series[0])
    every = " ".join(r for s in chart.series for r in _series_ranges(table, s))
    series = "".join(
        f"<chart:series chart:values-cell-range-address={quoteattr(values)} loext:label-string="
        f'{quoteattr(chr(34) + s.name + chr(34))} chart:class="chart:{"line" if chart.kind == "line" else "bar"}"'
        f' chart:style-name="series{k % 6}"/>'
        for k, s in enumerate(chart.series)
        for _, values in [_series_ranges(table, s)]
    )
    colours = ("#004586", "#ff420e", "#579d1c", "#7e0021", "#83caff", "#314004")
    styles = "".join(
        f'<style:style style:name="series{k}" style:family="chart"><style:chart-properties '
        f'chart:symbol-type="automatic"/><style:graphic-properties svg:stroke-width="0.06cm" '
        f'svg:stroke-color="{colour}" draw:fill-color="{colour}"/></style:style>'
        for k, colour in enumerate(colours)
    )
    kind = "chart:line" if chart.kind == "line" else "chart:bar"
    y_title = f"<chart:title><text:p>{xml_text(chart.y_title)}</text:p></chart:title>" if chart.y_title else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<office:document-content {NAMESPACES} office:version="1.3"><office:automatic-styles>{styles}'
        '<style:style style:name="title" style:family="chart"><style:text-properties fo:font-size="12pt" '
        'fo:font-weight="bold"/></style:style><style:style style:name="axis" style:family="chart">'
        '<style:chart-properties chart:display-label="true"/><style:text-properties fo:font-size="9pt"/>'
        '</style:style><style:style style:name="wall" style:family="chart"><style:graphic-properties '
        'draw:fill="none"/></style:style></office:automatic-styles><office:body><office:chart>'
        f'<chart:chart svg:width="{CHART_COLUMNS * COLUMN_CM:.3f}cm" svg:height="{CHART_ROWS * ROW_CM:.3f}cm" '
        f'chart:class="{kind}"><chart:title chart:style-name="title"><text:p>{xml_text(chart.title)}</text:p>'
        '</chart:title><chart:legend chart:legend-position="end"/>'
        f'<chart:plot-area table:cell-range-address={quoteattr(every)} chart:data-source-has-labels="none">'
        f'<chart:axis chart:dimension="x" chart:name="primary-x" chart:style-name="axis"><chart:categories '
        f"table:cell-range-address={quoteattr(first_categories)}/></chart:axis>"
        f'<chart:axis chart:dimension="y" chart:name="primary-y" chart:style-name="axis">{y_title}'
        f'<chart:grid chart:class="major"/></chart:axis>{series}<chart:wall chart:style-name="wall"/>'
        "</chart:plot-area></chart:chart></office:chart></office:body>"
        "</office:document-content>"
    )


def shapes_xml(table: Table, objects: list[str]) -> str:
    """The <table:shapes> of a generated sheet: a frame per chart, right of the table, as in .xlsx."""
    frames = []
    for k, (chart, name) in enumerate(zip(table.charts, objects, strict=True)):
        row, col = chart_anchor(table, k)
        frames.append(
            f'<draw:frame draw:z-index="{k}" draw:name={quoteattr(chart.title)} '
            f'svg:width="{CHART_COLUMNS * COLUMN_CM:.3f}cm" svg:height="{CHART_ROWS * ROW_CM:.3f}cm" '
            f'svg:x="{_column_x(table, col):.3f}cm" svg:y="{row * ROW_CM:.3f}cm"><draw:object '
            f'xlink:href="./{escape(name)}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'
            "</draw:frame>"
        )
    return f"<table:shapes>{''.join(frames)}</table:shapes>" if frames else ""


def _column_x(table: Table, col: int) -> float:
    """Where the 0-based column `col` starts, in cm: the table's columns at their widths, then
    LibreOffice's default width for each column past the table."""
    widths = [c.shown_width * CHARACTER_CM for c in table.columns[:col]]
    return sum(widths) + (col - len(widths)) * COLUMN_CM


def objects_in(segment: str) -> list[str]:
    """The chart objects a sheet's XML draws ("Object 3", ...)."""
    return re.findall(r'<draw:object\b[^>]*xlink:href="\./([^"/]+)"', segment)


def drop_objects(package: Package, names: list[str]) -> list[str]:
    """Remove the chart objects `names` (their folder and replacement picture); the entries removed."""
    removed = [
        entry
        for entry in sorted(package.entries())
        for name in names
        if entry.startswith(name + "/") or entry == f"ObjectReplacements/{name}"
    ]
    for entry in removed:
        package.remove(entry)
    return removed


def put_objects(package: Package, table: Table) -> list[str]:
    """The table's charts as chart objects under the lowest free "Object N" names; those names."""
    taken = {entry.split("/")[0] for entry in package.entries()}
    names = []
    for chart in table.charts:
        name = free_name("Object {}", taken)
        package.put(f"{name}/content.xml", chart_document(table, chart))
        names.append(name)
    return names


def update_manifest(package: Package, dropped: list[str], added: list[str]) -> None:
    """META-INF/manifest.xml lists the chart objects `added`, and no entry `dropped` that was not added
    again; every other entry keeps its text."""
    if not dropped and not added or MANIFEST not in package:
        return
    manifest = original = package.text(MANIFEST)
    wanted = {f"{name}/" for name in added} | {f"{name}/content.xml" for name in added}
    folders = {e.split("/")[0] + "/" for e in dropped if not e.startswith("ObjectReplacements/")}
    for entry in dropped + sorted(folders):
        if entry not in wanted:
            manifest = re.sub(
                rf'\s*<manifest:file-entry\b[^>]*manifest:full-path="{re.escape(entry)}"[^>]*/>', "", manifest
            )
    for name in added:
        for path, media in ((f"{name}/content.xml", "text/xml"), (f"{name}/", CHART_MEDIA)):
            if f'manifest:full-path="{path}"' not in manifest:
                entry = f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="{media}"/>'
                manifest = manifest.replace("</manifest:manifest>", f" {entry}\n</manifest:manifest>")
    if manifest != original:
        package.put(MANIFEST, manifest)
