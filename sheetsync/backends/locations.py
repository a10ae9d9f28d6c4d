"""Telling a Google Sheet's address from a file's path, without loading any Google library."""

from __future__ import annotations

import re

URL_ID = re.compile(r"/spreadsheets/d/([a-zA-Z0-9_-]+)")


def spreadsheet_id(location: str) -> str | None:
    """The spreadsheet id in a URL as copied from the browser, or in `gsheet:ID`; else None."""
    if location.startswith("gsheet:"):
        return location.removeprefix("gsheet:").strip() or None
    found = URL_ID.search(location)
    return found[1] if found and "docs.google.com" in location else None
