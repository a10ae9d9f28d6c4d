"""Tables as the core hands them to a backend: typed columns, plain values. No I/O."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """A column of a generated tab: its header, the kind of its values and its width."""

    header: str
    kind: str = "text"  # text | money | rate | number | date | datetime
    width: int | None = None


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

    @property
    def header_row(self) -> int:
        """1-based row of the header."""
        return 2 if self.title else 1


CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£"}


def number_format(kind: str, currency: str) -> str | None:
    """The spreadsheet number format of a column kind (None: the default)."""
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    return {
        "money": f'#,##0.00 "{symbol}";-#,##0.00 "{symbol}"',
        "rate": "0.0000",
        "date": "yyyy-mm-dd",
        "datetime": "yyyy-mm-dd hh:mm",
    }.get(kind)
