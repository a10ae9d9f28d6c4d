"""Where the package's own templates are: inside the installed package, or in a checkout's
top-level templates/ folder (the place people edit them; the wheel carries a copy)."""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).resolve().parents[1] / "templates"
_CHECKOUT = Path(__file__).resolve().parents[2] / "templates"


def template_folder(kind: str) -> Path:
    """The folder of the templates of `kind` ("email", "apps_script", ...) that ship with sheetsync."""
    root = _PACKAGED if _PACKAGED.is_dir() else _CHECKOUT
    return root / kind
