"""The charts of a generated sheet as OOXML parts: one DrawingML chart part per Chart, and the
drawing part that places them beside the table. Pure text: ooxml.py puts them into the package."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from posixpath import dirname, relpath

from sheetsync.backends.a1 import a1_sheet, column_letter
from sheetsync.backends.ooxml import REL_NS, Package, free_name, xml_text
from sheetsync.present.table import CHART_COLUMNS, CHART_ROWS, Chart, Series, Table, chart_anchor
from sheetsync.read.cells import to_serial

CHART_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DRAWING_NS = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
DRAWING_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
CHART_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"


def _ref(sheet: str, column: int, first_row: int, last_row: int) -> str:
    letter = column_letter(column)
    quoted = a1_sheet(sheet)
    if first_row == last_row:
        return f"{quoted}!${letter}${first_row}"
    return f"{quoted}!${letter}${first_row}:${letter}${last_row}"


def series_refs(table: Table, s: Series) -> tuple[str, str]:
    """The A1 references (categories, values) a series reads in the sheet."""
    first, last = table.sheet_row(s.first), table.sheet_row(s.last - 1)
    return (
        _ref(table.name, s.categories, first, last),
        _ref(table.name, s.values, first, last),
    )


def _number(value: object) -> str | None:
    if isinstance(value, (datetime, date)):
        return f"{to_serial(value):.10g}"
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return None


def _cache(values: list, numbers: bool, format_code: str = "General") -> str:
    points = []
    for i, v in enumerate(values):
        shown = _number(v) if numbers else (None if v is None else xml_text(v))
        if shown is not None:
            points.append(f'<c:pt idx="{i}"><c:v>{shown}</c:v></c:pt>')
    if numbers:
        return (
            f"<c:numCache><c:formatCode>{xml_text(format_code)}</c:formatCode>"
            f'<c:ptCount val="{len(values)}"/>{"".join(points)}</c:numCache>'
        )
    return f'<c:strCache><c:ptCount val="{len(values)}"/>{"".join(points)}</c:strCache>'


def _column_values(table: Table, s: Series, column: int) -> list:
    return [row[column] if column < len(row) else None for row in table.rows[s.first : s.last]]


def _series(table: Table, chart: Chart, k: int, s: Series) -> str:
    cat_ref, val_ref = series_refs(table, s)
    categories = _column_values(table, s, s.categories)
    dates = table.columns[s.categories].kind in ("date", "datetime")
    if dates:
        cat = f"<c:numRef><c:f>{xml_text(cat_ref)}</c:f>{_cache(categories, True, 'yyyy-mm-dd')}</c:numRef>"
    else:
        cat = f"<c:strRef><c:f>{xml_text(cat_ref)}</c:f>{_cache(categories, False)}</c:strRef>"
    val = f"<c:numRef><c:f>{xml_text(val_ref)}</c:f>{_cache(_column_values(table, s, s.values), True)}</c:numRef>"
    head = f'<c:idx val="{k}"/><c:order val="{k}"/><c:tx><c:v>{xml_text(s.name)}</c:v></c:tx>'
    if chart.kind == "line":
        return (
            f'<c:ser>{head}<c:marker><c:symbol val="circle"/><c:size val="5"/></c:marker>'
            f'<c:cat>{cat}</c:cat><c:val>{val}</c:val><c:smooth val="0"/></c:ser>'
        )
    return f'<c:ser>{head}<c:invertIfNegative val="0"/><c:cat>{cat}</c:cat><c:val>{val}</c:val></c:ser>'


def _title(text: str, size: int = 1200) -> str:
    return (
        f'<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:pPr><a:defRPr sz="{size}" b="1"/></a:pPr>'
        f'<a:r><a:rPr lang="en-US" sz="{size}" b="1"/><a:t>{xml_text(text)}</a:t></a:r></a:p></c:rich></c:tx>'
        f'<c:overlay val="0"/></c:title>'
    )


def chart_xml(table: Table, chart: Chart) -> str:
    """A chart part (c:chartSpace) for one chart of a generated table."""
    series = "".join(_series(table, chart, k, s) for k, s in enumerate(chart.series))
    axes = '<c:axId val="500000001"/><c:axId val="500000002"/>'
    if chart.kind == "line":
        plot = (
            f'<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{series}'
            f'<c:marker val="1"/>{axes}</c:lineChart>'
        )
    else:
        plot = (
            f'<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>{series}'
            f'<c:gapWidth val="150"/>{axes}</c:barChart>'
        )
    dates = any(table.columns[s.categories].kind in ("date", "datetime") for s in chart.series)
    cat_format = '<c:numFmt formatCode="yyyy-mm" sourceLinked="0"/>' if dates else ""
    y_title = _title(chart.y_title, 1000) if chart.y_title else ""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{CHART_NS}" xmlns:a="{A_NS}" xmlns:r="{REL_NS}">'
        f'<c:roundedCorners val="0"/><c:chart>{_title(chart.title)}<c:autoTitleDeleted val="0"/>'
        f"<c:plotArea><c:layout/>{plot}"
        '<c:catAx><c:axId val="500000001"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="b"/>{cat_format}<c:tickLblPos val="low"/><c:crossAx val="500000002"/>'
        '<c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>'
        '<c:valAx><c:axId val="500000002"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="l"/><c:majorGridlines/>{y_title}'
        '<c:numFmt formatCode="General" sourceLinked="1"/><c:tickLblPos val="nextTo"/>'
        '<c:crossAx val="500000001"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx>'
        '</c:plotArea><c:legend><c:legendPos val="r"/><c:overlay val="0"/></c:legend>'
        '<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>'
    )


def drawing_xml(table: Table) -> str:
    """The drawing part of a generated sheet: chart k, related as rId{k+1}, in its place beside the table."""
    anchors = []
    for k, chart in enumerate(table.charts):
        row, col = chart_anchor(table, k)
        anchors.append(
            '<xdr:twoCellAnchor editAs="oneCell">'
            f"<xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row>"
            "<xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f"<xdr:to><xdr:col>{col + CHART_COLUMNS}</xdr:col><xdr:colOff>0</xdr:colOff>"
            f"<xdr:row>{row + CHART_ROWS}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{k + 2}" name="{xml_text(chart.title)}"/>'
            '<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/>'
            f'</xdr:xfrm><a:graphic><a:graphicData uri="{CHART_NS}"><c:chart xmlns:c="{CHART_NS}" '
            f'r:id="rId{k + 1}"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/>'
            "</xdr:twoCellAnchor>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<xdr:wsDr xmlns:xdr="{DRAWING_NS}" xmlns:a="{A_NS}" xmlns:r="{REL_NS}">{"".join(anchors)}</xdr:wsDr>'
    )


def relationships_xml(targets: list[tuple[str, str]]) -> str:
    """A .rels part: (type, relative target) for rId1, rId2, ..."""
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{xml_text(target)}"/>'
        for i, (kind, target) in enumerate(targets, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>'
    )


def write_drawing(package: Package, table: Table, sheet_part: str) -> list[tuple[str, str]]:
    """The table's charts, their drawing and the sheet's relationship to it, put into `package` under
    the lowest free part names (so a second sync writes the same names); (part, content type) of each."""
    taken = package.entries()
    drawing = free_name("xl/drawings/drawing{}.xml", taken)
    charts = [free_name("xl/charts/chart{}.xml", taken) for _ in table.charts]
    for name, chart in zip(charts, table.charts, strict=True):
        package.put(name, chart_xml(table, chart))
    package.put(drawing, drawing_xml(table))
    package.put(
        Package.rels_of(drawing), relationships_xml([(CHART_REL, relpath(c, dirname(drawing))) for c in charts])
    )
    package.put(Package.rels_of(sheet_part), relationships_xml([(DRAWING_REL, relpath(drawing, dirname(sheet_part)))]))
    return [(drawing, DRAWING_TYPE)] + [(c, CHART_TYPE) for c in charts]


def drop_drawings(package: Package, sheet_part: str) -> list[str]:
    """Remove the drawings of a generated sheet and the charts in them (with their own relationships
    and the style parts they use); the names of the parts removed."""
    removed = []
    for kind, drawing in package.relationships(sheet_part).values():
        if kind != DRAWING_REL or drawing not in package:
            continue
        for _, chart in package.relationships(drawing).values():
            if chart.startswith("xl/charts/") and chart in package:
                removed += [target for _, target in package.relationships(chart).values() if target in package]
                removed += [chart, Package.rels_of(chart)]
        removed += [drawing, Package.rels_of(drawing)]
    for name in removed:
        package.remove(name)
    return removed
