"""A new workbook for `init`, made with openpyxl: input tabs, bold frozen headers, dropdowns."""

from __future__ import annotations

import openpyxl
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sheetsync.present.table import Table, number_format

DROPDOWN_ROWS = 1000


def new_workbook(tables: list[Table]) -> openpyxl.Workbook:
    """A new openpyxl workbook holding `tables` as the input tabs of `init` (headers, dropdowns, formats)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for table in tables:
        _write_sheet(wb.create_sheet(table.name), table)
    names = {t.id: t.name for t in tables}
    for table in tables:
        _add_dropdowns(wb[table.name], table, names)
    return wb


def _write_sheet(ws, table: Table) -> None:
    if table.title:
        cell = ws.cell(1, 1, table.title)
        cell.data_type = "s"
        cell.font = Font(italic=True, color="666666")
    header_row = table.header_row
    for col, column in enumerate(table.columns, start=1):
        cell = ws.cell(header_row, col, column.header)
        cell.data_type = "s"
        cell.font = Font(bold=True)
        ws.column_dimensions[get_column_letter(col)].width = column.shown_width
    formats = [number_format(c.kind, table.currency) for c in table.columns]
    for r, values in enumerate(table.rows, start=header_row + 1):
        for c, value in enumerate(values, start=1):
            if value is None:
                continue
            cell = ws.cell(r, c, value)
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text: "=HYPERLINK(…)" typed in a cell is no formula
            elif c <= len(formats) and formats[c - 1]:
                cell.number_format = formats[c - 1]
    ws.freeze_panes = ws.cell(header_row + 1, 1)


def _add_dropdowns(ws, table: Table, tab_names: dict[str, str]) -> None:
    for col, source in table.dropdowns.items():
        if source[0] == "list":
            formula = '"' + ",".join(source[1]) + '"'
        else:
            _, tab_id, source_col = source
            letter = get_column_letter(source_col + 1)
            formula = f"'{tab_names[tab_id]}'!${letter}$2:${letter}${DROPDOWN_ROWS}"
        dv = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=False)
        letter = get_column_letter(col + 1)
        dv.add(f"{letter}{table.header_row + 1}:{letter}{DROPDOWN_ROWS}")
        ws.add_data_validation(dv)
