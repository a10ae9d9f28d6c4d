"""The pictures of the docs, made from the sample workbook: `make pictures`.

Syncs a copy of sample_workbooks/exemple-laurent.xlsx, has LibreOffice (headless) print it to PDF,
and cuts the charts of the History and Summary tabs out of the pages with pdftoppm and Pillow.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
DPI = 110


def phrase_box(pdf: Path, phrase: str) -> tuple[int, float, float]:
    """(page, x, y) in points of the first word of the first occurrence of `phrase` in the PDF."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    wanted = phrase.split()
    for number, page in enumerate(out.split("<page ")[1:], start=1):
        words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', page)
        for i in range(len(words) - len(wanted) + 1):
            if [w[2] for w in words[i : i + len(wanted)]] == wanted:
                return number, float(words[i][0]), float(words[i][1])
    raise SystemExit(f"{phrase!r} is not in the PDF")


def cut(pdf: Path, phrase: str, left: float, width: float, height: float, target: Path, work: Path) -> None:
    """The area of the page holding `phrase`: from `left` points before it, `width` by `height` points."""
    page, x, y = phrase_box(pdf, phrase)
    prefix = work / f"page{page}"
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-png", "-f", str(page), "-l", str(page), str(pdf), str(prefix)], check=True
    )
    image = Image.open(next(work.glob(f"page{page}*.png")))
    scale = DPI / 72
    box = (int((x - left) * scale), int((y - 8) * scale), int((x - left + width) * scale), int((y + height) * scale))
    image.crop(box).save(target, optimize=True)
    print(f"wrote {target.relative_to(ROOT)}")


def main() -> None:
    """Sync the sample, print it to PDF, cut out the charts."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        workbook = shutil.copy(ROOT / "sample_workbooks" / "exemple-laurent.xlsx", work / "exemple.xlsx")
        subprocess.run([sys.executable, "-m", "sheetsync", "sync", str(workbook), "--as-of", "2025-12-31"], check=True)
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{work / 'profile'}", "--headless", "--convert-to", "pdf"]
            + ["--outdir", str(work), str(workbook)],
            check=True,
            capture_output=True,
        )
        pdf = work / "exemple.pdf"
        cut(pdf, "Solde de chaque membre", 74, 384, 205, ROOT / "docs" / "chart-history.png", work)
        cut(pdf, "Coût par km, par", 78, 262, 262, ROOT / "docs" / "chart-summary.png", work)


if __name__ == "__main__":
    main()
