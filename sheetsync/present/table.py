"""Tables as the core hands them to a backend: typed columns, plain values. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field

from sheetsync.model import CURRENCY_SYMBOLS

MAX_CELL_TEXT = 32_767  # characters a cell holds in Excel (and what LibreOffice and Google keep)


@dataclass(frozen=True)
class Column:
    """A column of a generated tab: its header, the kind of its values and its width."""

    header: str
    kind: str = "text"  # text | money | rate | number | date | datetime | time
    width: int | None = None

    @property
    def shown_width(self) -> int:
        """Its width in characters as the writers set it: `width`, else room for its header (10 to
        40: a date, an amount and a header fit)."""
        return self.width or max(10, min(40, len(self.header) + 4))


@dataclass(frozen=True)
class Series:
    """One line or set of bars of a chart: its values in column `values`, labelled by column `categories`,
    over the data rows `first` to `last` (indices into Table.rows, `last` excluded)."""

    name: str
    values: int
    categories: int
    first: int
    last: int


@dataclass(frozen=True)
class Chart:
    """A chart drawn from a table's own cells, described as data; each backend draws it natively.
    `kind` is "line" or "column"."""

    kind: str
    title: str
    series: tuple[Series, ...]
    y_title: str = ""


@dataclass(frozen=True)
class Table:
    """A tab to write. `title` (if any) goes on row 1 and the header row below it."""

    id: str
    name: str
    columns: tuple[Column, ...]
    rows: list[list] = field(default_factory=list)
    title: str | None = None
    currency: str = "EUR"
    # column index -> the values a dropdown offers, given as ("list", [...]) or ("range", tab id, column index)
    dropdowns: dict[int, tuple] = field(default_factory=dict)
    charts: tuple[Chart, ...] = ()

    @property
    def header_row(self) -> int:
        """1-based row of the header."""
        return 2 if self.title else 1

    def sheet_row(self, index: int) -> int:
        """The 1-based sheet row of data row `index` (an index into `rows`)."""
        return self.header_row + 1 + index


CHART_COLUMNS, CHART_ROWS, CHART_GAP = 9, 20, 2  # the size of a chart in cells, and the rows between two


def chart_anchor(table: Table, k: int) -> tuple[int, int]:
    """(row, column), 0-based, of the top left cell of the table's chart number `k`: right of the table,
    one below the other, in every spreadsheet program alike."""
    return table.header_row - 1 + k * (CHART_ROWS + CHART_GAP), len(table.columns) + 1


def fit_cell(text: str) -> str:
    """Text cut to what one cell holds, an ellipsis marking the cut."""
    return text if len(text) <= MAX_CELL_TEXT else text[: MAX_CELL_TEXT - 1] + "…"


def number_format(kind: str, currency: str) -> str | None:
    """The spreadsheet number format of a column kind (None: the default)."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return {
        "money": f'#,##0.00 "{symbol}";-#,##0.00 "{symbol}"',
        "rate": "0.0000",
        "date": "yyyy-mm-dd",
        "datetime": "yyyy-mm-dd hh:mm",
        "time": "hh:mm",
    }.get(kind)
