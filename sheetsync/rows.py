"""Reading one row's cells into typed values, collecting a Problem for each cell that is wrong."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from .locate import LocatedTab
from .messages import problem
from .model import Problem
from .text import fold, suggest
from .values import as_text, is_blank, parse_datetime, parse_money, parse_number

_SUMMARY = re.compile(r"^(sous[- ]?total|sub[- ]?total|grand total|total|totaux|totals|somme)(\b|$)")


class Names:
    """Canonical names, looked up case- and accent-insensitively."""

    def __init__(self, names: list[str] = ()):
        self.by_key: dict[str, str] = {}
        for name in names:
            self.add(name)

    def add(self, name: str) -> None:
        self.by_key.setdefault(fold(name), name)

    def get(self, typed: str) -> str | None:
        return self.by_key.get(fold(typed))

    def all(self) -> list[str]:
        return list(self.by_key.values())


class RowReader:
    """The cells of one data row, read field by field; `ok` is False once a cell had an error."""

    def __init__(self, tab: LocatedTab, row: int, cells: list, lang: str, month_first: bool = False):
        self.tab, self.row, self.cells, self.lang, self.month_first = tab, row, cells, lang, month_first
        self.problems: list[Problem] = []

    @property
    def ok(self) -> bool:
        return not any(p.is_error for p in self.problems)

    def raw(self, field: str) -> object:
        return self.tab.cell(self.cells, field)

    def flag(self, code: str, field: str | None, **params: object) -> None:
        column = self.tab.header(field) if field else None
        self.problems.append(problem(code, self.lang, self.tab.name, self.row, column, **params))

    def _missing(self, field: str, required: bool) -> bool:
        if is_blank(self.raw(field)):
            if required:
                self.flag("value.missing", field)
            return True
        return False

    def text(self, field: str) -> str | None:
        return as_text(self.raw(field))

    def number(self, field: str, required: bool = False) -> Decimal | None:
        if self._missing(field, required):
            return None
        try:
            return parse_number(self.raw(field), self.lang)
        except ValueError:
            self.flag("value.number", field, value=as_text(self.raw(field)))
            return None

    def money(self, field: str, required: bool = False, negative_code: str = "expense.negative") -> Decimal | None:
        if self._missing(field, required):
            return None
        try:
            amount = parse_money(self.raw(field), self.lang)
        except ValueError:
            self.flag("value.number", field, value=as_text(self.raw(field)))
            return None
        if amount < 0:
            self.flag(negative_code, field, value=as_text(self.raw(field)))
            return None
        return amount

    def moment(self, field: str, required: bool = False) -> datetime | None:
        if self._missing(field, required):
            return None
        try:
            return parse_datetime(self.raw(field), self.month_first)
        except ValueError:
            self.flag("value.date", field, value=as_text(self.raw(field)))
            return None

    def name_in(self, field: str, names: Names, code: str, required: bool = False) -> str | None:
        typed = self.text(field)
        if typed is None:
            if required:
                self.flag("value.missing", field)
            return None
        found = names.get(typed)
        if found is None:
            self.flag(code, field, value=typed, suggestion=suggest(typed, names.all()) or "")
        return found


def is_empty(cells: list) -> bool:
    return all(is_blank(c) for c in cells)


def is_summary(cells: list) -> bool:
    first = next((c for c in cells if not is_blank(c)), None)
    return isinstance(first, str) and bool(_SUMMARY.match(fold(first.strip())))
