"""Documents made by LibreOffice (headless): an HTML page to PDF. Only when LibreOffice is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from sheetsync.errors import BackendError, SetupError
from sheetsync.i18n import N_


def libreoffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def html_to_pdf(html: str, timeout: int = 180) -> bytes:
    """The PDF of an HTML page, as LibreOffice's Writer prints it."""
    program = libreoffice()
    if program is None:
        raise SetupError(
            N_("LibreOffice is not installed: sheetsync makes PDF files with it."),
            N_("Install LibreOffice, or use --format html and print the page to PDF from a browser."),
        )
    with tempfile.TemporaryDirectory(prefix="sheetsync-pdf-") as folder:
        work = Path(folder)
        source = work / "agreement.html"
        source.write_text(html, encoding="utf-8")
        done = subprocess.run(
            [
                program,
                f"-env:UserInstallation=file://{work / 'profile'}",
                "--headless",
                "--infilter=HTML (StarWriter)",  # opened as a Writer document: laid out on pages
                "--convert-to",
                "pdf:writer_pdf_Export",
                "--outdir",
                str(work),
                str(source),
            ],
            capture_output=True,
            timeout=timeout,
        )
        pdf = work / "agreement.pdf"
        if done.returncode != 0 or not pdf.is_file():
            raise BackendError(
                N_("LibreOffice could not make the PDF ({detail})."),
                N_("Use --format html and print the page to PDF from a browser."),
                detail=(done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}")[:200],
            )
        return pdf.read_bytes()
