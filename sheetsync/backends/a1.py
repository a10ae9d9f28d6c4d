"""A1 notation, as every spreadsheet program writes it: column letters and quoted sheet names."""

from __future__ import annotations


def column_letter(index: int) -> str:
    """The spreadsheet letters of a 0-based column index (0 -> A, 26 -> AA; -1 -> "")."""
    letters, index = "", index + 1
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_number(letters: bytes) -> int:
    """A1-style column letters as a 1-based number (b"A" -> 1, b"XFD" -> 16384)."""
    n = 0
    for c in letters:
        n = n * 26 + c - 64
    return n


def a1_sheet(title: str) -> str:
    """A sheet name as it starts an A1 range: quoted, with quotes doubled ("Bob's" -> 'Bob''s')."""
    return "'" + title.replace("'", "''") + "'"
